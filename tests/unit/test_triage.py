"""Triage of single PEC messages: class and receipt type by headers, daticert facts, the
provider's signature, malformed input, and the inner submission checked by the same engine."""
from __future__ import annotations

from pathlib import Path

import pytest

from checker import checks, engine
from checker.model import Submission
from checker import triage
from checker.mail import classify, unwrap
from checker.mail.sources import RawItem
from pec_samples import build, expected, generator

GEN = generator()
CONTRACT = ("file", "class", "receipt_type", "receipt_detail", "error", "sender", "subject",
            "date", "verdict", "problems")


@pytest.fixture(scope="module")
def pec(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("pec"))


@pytest.fixture(scope="module")
def trusted(pec) -> dict:
    settings = checks.settings_from_env()
    settings["trust"] = [str(pec / "ca" / "provider-ca.pem")]
    return settings


@pytest.fixture(scope="module")
def rows(pec, trusted) -> dict[str, triage.TriageRow]:
    """Every fixture message triaged once, with the test provider's CA trusted."""
    items = [RawItem(p.name, p.read_bytes()) for p in sorted((pec / "messages").iterdir())]
    return {r.file: r for r in triage.triage(items, settings=trusted)}


def test_triage_every_class_and_receipt_type_is_recognised(pec, rows):
    exp = expected(pec)
    assert set(rows) == set(exp)
    for name, want in exp.items():
        got = rows[name].to_json()
        for key in ("class", "receipt_type", "receipt_detail", "error"):
            assert got[key] == want[key], (name, key, got[key], want[key])


def test_triage_covers_all_receipt_types_and_details(rows):
    types = {r.receipt_type for r in rows.values() if r.receipt_type}
    assert types == set(classify.RECEIPT_TYPES)
    details = {r.receipt_detail for r in rows.values() if r.receipt_type == "avvenuta-consegna"}
    assert details == {"completa", "breve", "sintetica"}


MALFORMED_PROBLEMS = {
    "m01_missing-daticert.eml": ["PEC004"],
    "m02_broken-xml.eml": ["PEC005"],
    "m05_stray-text.eml": ["PEC002"],
    # cut mid-body: the structure is broken and the daticert and signature parts are lost
    "m06_truncated-mime.eml": ["PEC003", "PEC004", "PEC009"],
    "m07_daticert-entities.eml": ["PEC005"],
    "m09_header-daticert-mismatch.eml": ["PEC006"],
    "m10_empty.eml": ["PEC001"],
    "m11_binary-junk.eml": ["PEC001"],
}


def test_triage_malformed_messages_report_problems_and_good_ones_none(pec, rows):
    exp = expected(pec)
    assert {n for n, w in exp.items() if w.get("problems")} == set(MALFORMED_PROBLEMS)
    for name, want in exp.items():
        if want.get("problems"):
            assert [p[:6] for p in rows[name].problems] == MALFORMED_PROBLEMS[name], \
                (name, rows[name].problems)
        elif "signature" not in want:
            assert rows[name].problems == [], (name, rows[name].problems)


def test_triage_envelope_facts_come_from_daticert(rows):
    row = rows["01_posta-certificata.eml"]
    assert row.sender == GEN.SENDER
    assert row.subject == GEN.SUBJECT
    assert row.date == GEN.WHEN.isoformat()
    assert row.recipients == [GEN.RECIPIENT]
    assert row.provider == GEN.PROVIDER
    assert row.attachments == ["istanza.pdf"]


def test_triage_receipt_sender_is_the_original_sender(rows):
    row = rows["09_errore-consegna-no-dest.eml"]
    assert row.sender == GEN.SENDER
    assert row.subject == GEN.SUBJECT
    assert row.error_detail.startswith("5.1.1")
    assert row.verdict is None and row.report is None


def test_triage_explanations_in_plain_italian(rows):
    assert rows["09b_errore-consegna-aruba-altro.eml"].explanation["code"] == "PEC035"
    assert rows["10b_preavviso-errore-consegna-definitivo.eml"].explanation["code"] == "PEC041"
    assert rows["10_preavviso-errore-consegna.eml"].explanation["code"] == "PEC040"
    assert rows["11_rilevazione-virus.eml"].explanation["code"] == "PEC042"
    assert rows["04b_non-accettazione-virus.eml"].explanation["code"] == "PEC032"
    assert rows["02_anomalia.eml"].explanation["code"] == "PEC020"
    assert rows["12_not-pec.eml"].explanation["code"] == "PEC021"
    assert rows["01_posta-certificata.eml"].explanation is None
    text = rows["09b_errore-consegna-aruba-altro.eml"].explanation
    assert "non esiste" in text["title"] and text["fix"]


def test_triage_provider_signature_valid_with_trusted_ca(rows):
    for name in ("01_posta-certificata.eml", "03_accettazione.eml", "08_avvenuta-consegna-sintetica.eml",
                 "m12_opaque-signed.eml"):
        assert rows[name].signature.status == "valid", (name, rows[name].signature)
        assert any(f.code == "PEC014" for f in rows[name].findings)


def test_triage_tampered_envelope_signature_invalid(rows):
    row = rows["m08_tampered-signature.eml"]
    assert row.signature.status == "invalid"
    assert row.signature.sub_indication == "HASH_FAILURE"
    assert any(p.startswith("PEC011") for p in row.problems)


def test_triage_signature_not_verified_without_trust(pec):
    settings = dict(checks.settings_from_env(), trust=[])
    row = triage.triage_bytes("x.eml", (pec / "messages" / "03_accettazione.eml").read_bytes(),
                              settings=settings)
    assert row.signature.status == "not-verified"
    assert [f.code for f in row.findings if f.code.startswith("PEC01")] == ["PEC010"]
    assert row.problems == []


def test_triage_stray_text_is_skipped_and_signature_still_verifies(rows):
    row = rows["m05_stray-text.eml"]
    assert row.message_class == "posta-certificata"
    assert any(p.startswith("PEC002") for p in row.problems)
    assert row.signature.status == "valid"


def test_triage_wrong_case_headers(rows):
    row = rows["m03_wrong-case-headers.eml"]
    assert row.message_class == "posta-certificata"
    assert row.problems == []


def test_triage_missing_daticert_and_broken_xml(rows):
    assert any(p.startswith("PEC004") for p in rows["m01_missing-daticert.eml"].problems)
    assert any(p.startswith("PEC005") for p in rows["m02_broken-xml.eml"].problems)
    assert any("non ammessi" in p for p in rows["m07_daticert-entities.eml"].problems)
    # without daticert the facts still come from the headers
    assert rows["m01_missing-daticert.eml"].sender == GEN.SENDER


def test_triage_truncated_mime(rows):
    row = rows["m06_truncated-mime.eml"]
    codes = {p.split()[0] for p in row.problems}
    assert {"PEC003", "PEC009"} <= codes
    assert row.signature.status == "missing"


def test_triage_header_daticert_mismatch(rows):
    row = rows["m09_header-daticert-mismatch.eml"]
    assert row.receipt_type == "accettazione"
    assert any(p.startswith("PEC006") for p in row.problems)


def test_triage_not_mail_input(rows):
    for name in ("m10_empty.eml", "m11_binary-junk.eml"):
        row = rows[name]
        assert row.message_class == "not-pec"
        assert row.problems and row.problems[0].startswith("PEC001")
        assert row.explanation is None


def test_triage_nested_pec_is_an_attachment_of_the_original(rows):
    row = rows["m04_nested-pec.eml"]
    assert row.subject == "Inoltro parere tecnico"
    assert row.attachments == ["istanza.pdf", "parere-pec.eml"]
    names = [d.name for d in row.report.documents]
    assert "parere-pec.eml" in names


def test_triage_inner_verdict_is_the_engine_verdict_on_the_same_attachments(pec, rows, trusted):
    row = rows["01_posta-certificata.eml"]
    parsed = unwrap.parse_bytes((pec / "messages" / "01_posta-certificata.eml").read_bytes())
    original = unwrap.original_message(unwrap.envelope_parts(parsed).postacert)
    direct = engine.check_submission(Submission(
        profile=row.profile, sender=GEN.SENDER, subject=GEN.SUBJECT, recipient=GEN.RECIPIENT,
        body=original.body, main="istanza.pdf", files=original.attachments), trusted)
    assert row.verdict == direct.verdict.value
    assert row.report.submission.sender == GEN.SENDER
    assert row.report.submission.subject == GEN.SUBJECT
    assert row.report.submission.main == "istanza.pdf"
    assert sorted(f.code for d in row.report.documents for f in d.findings) == \
        sorted(f.code for d in direct.documents for f in d.findings)


def test_triage_profile_follows_the_recipient_box(rows):
    # the fixtures are addressed to Piacenza's protocol box (seed 000)
    assert rows["01_posta-certificata.eml"].profile == "piacenza"


def test_triage_explicit_profile_wins(pec, trusted):
    row = triage.triage_bytes("x.eml", (pec / "messages" / "01_posta-certificata.eml").read_bytes(),
                              profile="genova", settings=trusted)
    assert row.profile == "genova" and row.report.profile == "genova"


def test_triage_anomaly_checks_the_ordinary_message_inside(rows):
    row = rows["02_anomalia.eml"]
    assert row.sender == "mario.rossi@gmail.example"
    # the inner message goes to Piacenza's box (profile chosen by recipient), whose policy
    # only warns about a non-PEC sender: its plain PDF is ready
    assert (row.profile, row.verdict) == ("piacenza", "ready")
    assert row.report.submission.sender == "mario.rossi@gmail.example"
    assert [d.name for d in row.report.documents] == ["istanza.pdf"]


def test_triage_json_contract_field_names(rows):
    for row in rows.values():
        data = row.to_json()
        assert all(k in data for k in CONTRACT)
        assert data["class"] in ("posta-certificata", "anomalia", "ricevuta", "not-pec")
        assert data["receipt_detail"] in (None, "completa", "breve", "sintetica")
        assert data["verdict"] in (None, "ready", "fix", "undetermined")
        assert isinstance(data["problems"], list)


def test_triage_headers_lost_but_daticert_present(pec, trusted):
    data = (pec / "messages" / "06_avvenuta-consegna-completa.eml").read_bytes()
    data = data.replace(b"X-Ricevuta: avvenuta-consegna\r\n", b"").replace(b"X-TipoRicevuta: completa\r\n", b"")
    row = triage.triage_bytes("x.eml", data, settings=trusted)
    assert (row.message_class, row.receipt_type, row.receipt_detail) == ("ricevuta", "avvenuta-consegna", "completa")
    assert any(p.startswith("PEC006") for p in row.problems)


def test_triage_unknown_receipt_type(pec, trusted):
    data = (pec / "messages" / "03_accettazione.eml").read_bytes().replace(
        b"X-Ricevuta: accettazione", b"X-Ricevuta: consegnata-forse")
    row = triage.triage_bytes("x.eml", data, settings=trusted)
    assert row.message_class == "ricevuta" and row.receipt_type == "consegnata-forse"
    assert any(p.startswith("PEC008") for p in row.problems)


def test_triage_lf_only_message_still_verifies(pec, trusted):
    """A message saved with Unix line ends (mbox tools do that) keeps a valid signature."""
    data = (pec / "messages" / "01_posta-certificata.eml").read_bytes().replace(b"\r\n", b"\n")
    row = triage.triage_bytes("x.eml", data, settings=trusted)
    assert row.message_class == "posta-certificata"
    assert row.signature.status == "valid"


def test_triage_opaque_signed_envelope_is_read_inside_the_cms(rows):
    row = rows["m12_opaque-signed.eml"]
    assert row.message_class == "posta-certificata" and row.problems == []
    assert row.attachments == ["istanza.pdf"] and row.sender == GEN.SENDER


@pytest.mark.parametrize("raw, want", [
    (b"H: v\r\n\r\npre\r\n--b\r\nA\r\n--bb\r\nB\r\n--b\r\nsig\r\n--b--\r\n", b"A\r\n--bb\r\nB"),
    (b"H: v\n\n--b\nA\nB\n--b\nsig\n--b--\n", b"A\r\nB"),                     # bare LF canonicalised
    (b"H: v\r\n\r\n--b  \r\nA\r\n--b--\r\n", b"A"),                             # padding after delimiter
    (b"H: v\r\n\r\n--b\r\nA\r\nno end", None),                                   # truncated
    (b"H: v\r\n\r\nno delimiter at all\r\n", None),
])
def test_triage_signed_content_is_cut_byte_for_byte(raw, want):
    assert unwrap.signed_content(raw, "b") == want


def test_PEC007_certified_envelope_without_the_original_message(pec):
    # A well-formed, signed posta-certificata whose postacert.eml part is missing.
    spec = GEN.Spec(name="no-postacert", headers=GEN.envelope_headers(),
                    body_text=GEN.envelope_text(),
                    daticert=GEN.Daticert(tipo="posta-certificata").to_xml(), postacert=None)
    data = GEN.build(spec, GEN.make_provider())
    row = triage.triage_bytes("no-postacert.eml", data,
                              settings=dict(checks.settings_from_env(), trust=[]))
    assert row.message_class == "posta-certificata"
    assert [p[:6] for p in row.problems] == ["PEC007"]
    assert row.attachments == [] and row.report is None
    # the same envelope with its original message has no problem
    spec.postacert = GEN.original_message()
    whole = triage.triage_bytes("whole.eml", GEN.build(spec, GEN.make_provider()),
                                settings=dict(checks.settings_from_env(), trust=[]))
    assert whole.problems == [] and whole.attachments


def test_triage_reasons_are_what_decided_the_inner_verdict(pec, trusted):
    ready = triage.triage_bytes("x.eml", (pec / "messages" / "01_posta-certificata.eml").read_bytes(),
                                settings=trusted)
    assert ready.verdict == "ready" and ready.reasons == []  # AV002 (not run) does not block
    # Mezzani refuses ordinary mail: the anomaly envelope's inner message must be fixed
    fix = triage.triage_bytes("y.eml", (pec / "messages" / "02_anomalia.eml").read_bytes(),
                              profile="mezzani", settings=trusted)
    assert fix.verdict == "fix"
    assert fix.reasons and all(r.split()[0] in {f.code for f in fix.report.message_findings}
                                   | {f.code for d in fix.report.documents for f in d.findings}
                               for r in fix.reasons)
    # the anomaly envelope says the sender used ordinary mail: Mezzani's refusal applies
    assert any(r.startswith("MSG017") for r in fix.reasons)
