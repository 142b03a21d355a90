"""CAdES counter-signatures (unsigned attribute countersignature, RFC 5652 11.4): listed
and validated as signatures of their own, nested too, on attached and detached envelopes."""
from __future__ import annotations

import datetime as dt

import pytest

import cades_forge as F
import pki as P
from checker import profiles
from checker.checks import CheckContext
from checker.checks import signature as check
from checker.model import FormatInfo, InputFile
from checker.signatures import cms, countersign

DOC = b"%PDF-1.4\n% domanda di prova\n" + b"contenuto " * 200


@pytest.fixture(scope="module")
def k(tmp_path_factory):
    return P.shared(tmp_path_factory)


@pytest.fixture(scope="module")
def settings(k):
    return {"trust": [k.pem_trust]}


def validate(envelope: bytes, settings: dict, content: bytes | None = None):
    env = cms.load_envelope(envelope)
    return countersign.validate_all(env.signed_data, content if content is not None else env.content, settings)


def test_counter_signature_is_listed_and_validated(k, settings):
    signed = F.countersign(k, k.signer2, P.cades(k, k.signer, DOC))
    main, counter = validate(signed, settings)
    assert (main.info.signer, main.info.indication) == ("ROSSI MARIO", "PASSED")
    assert "role" not in main.info.details
    assert (counter.info.signer, counter.info.indication, counter.info.sub_indication) == \
        ("BIANCHI ANNA", "PASSED", None)
    assert counter.info.details["role"] == "controfirma"
    assert counter.info.details["parent"] == "ROSSI MARIO"
    assert counter.info.details["counter_signature"] == "1.1"
    assert counter.info.qualified is True
    assert [f.code for f in counter.findings] == ["SIG001"]
    assert "controfirma" in counter.findings[0].args["kind"]


def test_nested_counter_signatures(k, settings):
    once = F.countersign(k, k.signer2, P.cades(k, k.signer, DOC))
    twice = F.countersign(k, k.signer, once, path=(0, 0))
    results = validate(twice, settings)
    assert [(r.info.signer, r.info.details.get("counter_signature"), r.info.indication) for r in results] == [
        ("ROSSI MARIO", None, "PASSED"), ("BIANCHI ANNA", "1.1", "PASSED"), ("ROSSI MARIO", "1.1.1", "PASSED")]
    assert results[2].info.details["parent"] == "BIANCHI ANNA"


def test_nesting_is_bounded(k, settings):
    env = P.cades(k, k.signer, DOC)
    path: tuple[int, ...] = (0,)
    for _ in range(countersign.MAX_DEPTH + 1):
        env = F.countersign(k, k.signer2, env, path=path)
        path += (0,)
    results = validate(env, settings)
    assert len(results) == countersign.MAX_DEPTH + 2
    assert results[-1].info.indication == "INDETERMINATE"
    assert "limite" in results[-1].info.details["error"]


def test_counter_signature_on_a_detached_signature(k, settings):
    detached = F.countersign(k, k.signer2, P.cades(k, k.signer, DOC, detached=True))
    result = check.validate_detached(InputFile("domanda.pdf.p7s", detached), InputFile("domanda.pdf", DOC),
                                     CheckContext(profiles.get("generic"), settings))
    assert [(s.signer, s.indication, s.details.get("role")) for s in result.signatures] == [
        ("ROSSI MARIO", "PASSED", None), ("BIANCHI ANNA", "PASSED", "controfirma")]
    # the document changed: the signature breaks, the counter-signature (over the
    # signature value, which did not change) still holds
    result = check.validate_detached(InputFile("domanda.pdf.p7s", detached), InputFile("domanda.pdf", DOC + b"x"),
                                     CheckContext(profiles.get("generic"), settings))
    assert [s.indication for s in result.signatures] == ["FAILED", "PASSED"]


def test_counter_signature_through_the_p7m_check(k, settings):
    signed = F.countersign(k, k.signer2, P.cades(k, k.signer, DOC))
    result = check.run(InputFile("domanda.pdf.p7m", signed), FormatInfo(id="p7m"),
                       CheckContext(profiles.get("generic"), settings))
    assert [s.signer for s in result.signatures] == ["ROSSI MARIO", "BIANCHI ANNA"]
    assert [f.code for f in result.findings] == ["SIG001", "SIG001"]
    assert [c.name for c in result.children] == ["domanda.pdf"]


def test_counter_signature_over_something_else_is_hash_failure(k, settings):
    signed = F.countersign(k, k.signer2, P.cades(k, k.signer, DOC), tamper=True)
    main, counter = validate(signed, settings)
    assert main.info.indication == "PASSED"
    assert (counter.info.indication, counter.info.sub_indication) == ("FAILED", "HASH_FAILURE")
    assert [f.code for f in counter.findings] == ["SIG002"]


def test_counter_signature_without_signed_attributes(k, settings):
    signed = F.countersign(k, k.signer2, P.cades(k, k.signer, DOC), with_attrs=False)
    assert [r.info.indication for r in validate(signed, settings)] == ["PASSED", "PASSED"]


def test_untrusted_counter_signer_does_not_spoil_the_signer(k, settings):
    signed = F.countersign(k, k.rogue_signer, P.cades(k, k.signer, DOC))
    main, counter = validate(signed, settings)
    assert main.info.indication == "PASSED"
    assert counter.info.sub_indication == "NO_CERTIFICATE_CHAIN_FOUND"


def test_expired_counter_signer_with_its_own_timestamp_while_valid(k, settings):
    while_valid = k.expired.cert.not_valid_after_utc - dt.timedelta(days=30)
    plain = F.countersign(k, k.expired, P.cades(k, k.signer, DOC), signing_time=while_valid)
    assert validate(plain, settings)[1].info.sub_indication == "OUT_OF_BOUNDS_NO_POE"
    stamped = F.countersign(k, k.expired, P.cades(k, k.signer, DOC), signing_time=while_valid,
                            timestamp_at=while_valid)
    counter = validate(stamped, settings)[1]
    assert (counter.info.indication, counter.info.details["level"]) == ("PASSED", "T")


def test_counter_signer_certificate_missing(k, settings):
    from asn1crypto import cms as acms
    signed = F.countersign(k, k.signer2, P.cades(k, k.signer, DOC))
    info = acms.ContentInfo.load(signed)
    certs = [c for c in info["content"]["certificates"]
             if c.chosen.subject != k.signer2.cert_asn1.subject]
    info["content"]["certificates"] = certs
    main, counter = validate(info.dump(force=False), settings)
    assert main.info.indication == "PASSED"
    assert (counter.info.indication, counter.info.sub_indication) == \
        ("INDETERMINATE", "NO_SIGNING_CERTIFICATE_FOUND")
