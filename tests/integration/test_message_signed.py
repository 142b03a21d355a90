"""Signature policies end to end: real CAdES envelopes from the test PKI (tests/pki.py),
validated by the signature check in its worker, judged by the message rules of the office:
Cremona (003) requires a signed attachment, Genova (004) accepts a non-PEC sender only with
a digitally signed document."""
from __future__ import annotations

import pytest

import pki as P
from checker import checks, engine
from checker.model import InputFile, Severity, Submission, Verdict
from test_profiles import pdf



def test_the_signature_check_is_registered():
    assert "signature" in {c.name for c in checks.CHECKS}


@pytest.fixture(scope="module")
def k(tmp_path_factory):
    return P.shared(tmp_path_factory)


@pytest.fixture(scope="module")
def trusted(k):
    return {**checks.settings_from_env(), "trust": [k.pem_trust]}


def signed_submission(k, profile: str, sender: str, *, tampered: bool = False) -> Submission:
    content = pdf("Oggetto: Istanza di contributo affitto 2024", "Firmata digitalmente.")
    envelope = P.cades(k, k.signer, content)
    if tampered:
        envelope = P.tamper(envelope, content)
    return Submission(profile=profile, sender=sender, subject="Istanza di contributo affitto 2024",
                      doc_type="istanza", main="istanza.pdf.p7m",
                      files=[InputFile("istanza.pdf.p7m", envelope)])


def message_codes(report) -> dict[str, Severity]:
    return {f.code: f.severity for f in report.message_findings}


def test_cremona_accepts_a_validly_signed_envelope(k, trusted):
    report = engine.check_submission(signed_submission(k, "cremona", "mario.rossi@pec.it"), trusted)
    assert not {"MSG027", "MSG028", "MSG029"} & set(message_codes(report)), message_codes(report)
    assert report.verdict is not Verdict.FIX, [(d.name, f.code) for d in report.documents
                                               for f in d.findings]


def test_cremona_refuses_a_tampered_envelope(k, trusted):
    report = engine.check_submission(signed_submission(k, "cremona", "mario.rossi@pec.it",
                                                       tampered=True), trusted)
    assert report.verdict is Verdict.FIX
    assert message_codes(report).get("MSG028") is Severity.ERROR


def test_cremona_without_trust_cannot_tell(k):
    untrusted = {**checks.settings_from_env(), "trust": []}
    report = engine.check_submission(signed_submission(k, "cremona", "mario.rossi@pec.it"), untrusted)
    assert message_codes(report).get("MSG029") is Severity.NOT_CHECKED
    assert report.verdict is Verdict.UNDETERMINED


def test_genova_accepts_an_ordinary_sender_with_a_signed_document(k, trusted):
    report = engine.check_submission(signed_submission(k, "genova", "mario.rossi@gmail.com"), trusted)
    codes = message_codes(report)
    assert codes.get("MSG022") is Severity.INFO and "MSG018" not in codes, codes


def test_cremona_accepts_a_document_with_its_detached_signature(k, trusted):
    content = pdf("Oggetto: Istanza di contributo affitto 2024")
    sub = Submission(profile="cremona", sender="mario.rossi@pec.it",
                     subject="Istanza di contributo affitto 2024", doc_type="istanza",
                     main="istanza.pdf",
                     files=[InputFile("istanza.pdf", content),
                            InputFile("istanza.pdf.p7s", P.cades(k, k.signer, content, detached=True))])
    report = engine.check_submission(sub, trusted)
    codes = message_codes(report)
    assert not {"MSG027", "MSG028", "MSG029", "MSG030", "MSG031"} & set(codes), codes
