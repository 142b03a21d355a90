"""End to end: signed envelopes through checker.engine.check_submission and the CLI."""
from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

import pki as P
from checker import engine, report
from checker.checks import settings_from_env
from checker.model import InputFile, Submission, Verdict


@pytest.fixture(scope="module")
def k(tmp_path_factory):
    return P.shared(tmp_path_factory)


def settings(*trust: str) -> dict:
    s = settings_from_env()
    s["trust"] = list(trust)
    return s


def docx_bytes() -> bytes:
    import docx
    d = docx.Document()
    d.add_paragraph("Domanda in formato Word")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def by_name(rep):
    return {d.name: d for d in rep.documents}


def test_envelope_unwrapped_and_inner_pdf_checked(k):
    pdf = P.plain_pdf()
    sub = Submission(files=[InputFile("domanda.pdf.p7m", P.cades(k, k.signer, pdf))])
    rep = engine.check_submission(sub, settings(k.pem_trust))
    docs = by_name(rep)
    assert set(docs) == {"domanda.pdf.p7m", "domanda.pdf"}
    assert docs["domanda.pdf"].parent == "domanda.pdf.p7m"
    assert docs["domanda.pdf"].format.id == "pdf"
    [sig] = docs["domanda.pdf.p7m"].signatures
    assert (sig.indication, sig.signer, sig.codice_fiscale) == ("PASSED", "ROSSI MARIO", P.CF)
    assert [f.code for f in docs["domanda.pdf.p7m"].findings if f.check == "signature"] == ["SIG001"]


def test_nested_three_envelopes_with_docx_inside(k):
    inner = docx_bytes()
    data = inner
    for _ in range(3):
        data = P.cades(k, k.signer, data)
    sub = Submission(files=[InputFile("domanda.docx.p7m.p7m.p7m", data)])
    rep = engine.check_submission(sub, settings(k.pem_trust))
    docs = by_name(rep)
    assert set(docs) == {"domanda.docx.p7m.p7m.p7m", "domanda.docx.p7m.p7m",
                         "domanda.docx.p7m", "domanda.docx"}
    assert docs["domanda.docx"].parent == "domanda.docx.p7m"
    assert docs["domanda.docx"].depth == 3
    assert docs["domanda.docx"].format.id == "docx"
    # the format rules judge the unwrapped document: Word is not an accepted format
    assert [(f.code, f.severity.value) for f in docs["domanda.docx"].findings
            if f.check == "identify"] == [("FMT002", "error")]
    assert all(len(docs[n].signatures) == 1 for n in docs if n.endswith(".p7m"))
    assert rep.verdict is Verdict.FIX


def test_tampered_envelope_makes_verdict_fix(k):
    pdf = P.plain_pdf()
    data = P.tamper(P.cades(k, k.signer, pdf), pdf)
    rep = engine.check_submission(Submission(files=[InputFile("domanda.pdf.p7m", data)]),
                                  settings(k.pem_trust))
    env = by_name(rep)["domanda.pdf.p7m"]
    assert [f.code for f in env.findings if f.check == "signature"] == ["SIG002"]
    assert rep.verdict is Verdict.FIX


def test_no_trust_makes_signature_not_checked_and_cremona_undetermined(k):
    # Cremona's profile requires the signature check (required_checks = ["signature"]);
    # generic does not, so the same unverifiable signature leaves it ready.
    from checker import profiles
    cremona, generic = profiles.get("cremona"), profiles.get("generic")
    assert cremona.required_checks == ("signature",) and "signature" not in generic.required_checks
    data = P.cades(k, k.signer, P.plain_pdf())
    rep = engine.check_submission(Submission(profile="cremona",
                                             files=[InputFile("domanda.pdf.p7m", data)]), settings())
    env = by_name(rep)["domanda.pdf.p7m"]
    sig5 = [f for f in env.findings if f.code == "SIG005"]
    assert sig5 and sig5[0].check == "signature" and sig5[0].severity.value == "not_checked"
    # judged on the documents alone (message rules are another helper's concern)
    verdict, reasons = engine.decide(rep.documents, [], cremona)
    assert verdict is Verdict.UNDETERMINED
    assert len(reasons) == 1 and "elenco di fiducia" in reasons[0], reasons
    relaxed, relaxed_reasons = engine.decide(rep.documents, [], generic)
    assert (relaxed, relaxed_reasons) == (Verdict.READY, [])


def test_detached_p7s_paired_with_its_document(k):
    pdf = P.plain_pdf()
    det = P.cades(k, k.signer, pdf, detached=True)
    good = engine.check_submission(Submission(files=[
        InputFile("domanda.pdf", pdf), InputFile("domanda.pdf.p7s", det)]), settings(k.pem_trust))
    sig = by_name(good)["domanda.pdf.p7s"]
    assert [s.indication for s in sig.signatures] == ["PASSED"]
    bad = engine.check_submission(Submission(files=[
        InputFile("domanda.pdf", P.plain_pdf("altro testo")), InputFile("domanda.pdf.p7s", det)]),
        settings(k.pem_trust))
    sig = by_name(bad)["domanda.pdf.p7s"]
    assert [s.sub_indication for s in sig.signatures] == ["HASH_FAILURE"]
    assert any(f.code == "SIG002" and f.check == "signature" for f in sig.findings)


def test_json_report_carries_signatures_and_parent(k):
    data = P.cades(k, k.signer, P.plain_pdf())
    rep = engine.check_submission(Submission(files=[InputFile("domanda.pdf.p7m", data)]),
                                  settings(k.tsl))
    js = report.to_json(rep)
    docs = {d["name"]: d for d in js["documents"]}
    [sig] = docs["domanda.pdf.p7m"]["signatures"]
    for key in ("signer", "codice_fiscale", "signing_time", "qualified", "indication", "sub_indication"):
        assert key in sig
    assert sig["indication"] == "PASSED" and sig["qualified"] is True
    assert docs["domanda.pdf"]["parent"] == "domanda.pdf.p7m"
    json.dumps(js)


def test_cli_with_trust_option(k, tmp_path):
    f = tmp_path / "domanda.pdf.p7m"
    f.write_bytes(P.cades(k, k.signer, P.plain_pdf()))
    run = subprocess.run([sys.executable, "-m", "checker", "check", str(f), "--json",
                          "--trust", k.pem_trust, "--trust", k.tsl],
                         capture_output=True, text=True, timeout=120)
    js = json.loads(run.stdout)
    docs = {d["name"]: d for d in js["documents"]}
    [sig] = docs["domanda.pdf.p7m"]["signatures"]
    assert sig["indication"] == "PASSED"
    assert sig["codice_fiscale"] == P.CF
    no_trust = subprocess.run([sys.executable, "-m", "checker", "check", str(f), "--json"],
                              capture_output=True, text=True, timeout=120,
                              env={**__import__("os").environ, "PEC_PRECHECK_TRUST": ""})
    [sig] = {d["name"]: d for d in json.loads(no_trust.stdout)["documents"]}["domanda.pdf.p7m"]["signatures"]
    assert (sig["indication"], sig["sub_indication"]) == ("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND")


def test_pades_inside_a_p7m_is_validated_at_both_levels(k):
    """A signed PDF signed again as CAdES (as Italian offices often receive it): the
    envelope's signer and the PDF's own signature, each listed with its own indication."""
    data = P.cades(k, k.signer2, P.pades(k, k.signer, P.plain_pdf()))
    rep = engine.check_submission(Submission(files=[InputFile("domanda.pdf.p7m", data)]),
                                  settings(k.pem_trust))
    docs = by_name(rep)
    assert set(docs) == {"domanda.pdf.p7m", "domanda.pdf"}
    [outer] = docs["domanda.pdf.p7m"].signatures
    [inner] = docs["domanda.pdf"].signatures
    assert (outer.kind, outer.signer, outer.indication) == ("cades", "BIANCHI ANNA", "PASSED")
    assert (inner.kind, inner.signer, inner.indication) == ("pades", "ROSSI MARIO", "PASSED")
    assert [f.code for f in docs["domanda.pdf"].findings if f.check == "signature"] == ["SIG001"]


def test_two_signers_one_broken_both_listed_with_their_own_indication(k):
    from asn1crypto import cms as asn1_cms, core
    pdf = P.plain_pdf()
    info = asn1_cms.ContentInfo.load(P.parallel(P.cades(k, k.signer, pdf), P.cades(k, k.signer2, pdf)))
    [second] = [si for si in info["content"]["signer_infos"]   # (a SET OF: DER order, not ours)
                if si["sid"].chosen["serial_number"].native == k.signer2.cert.serial_number]
    value = bytearray(second["signature"].native)
    value[len(value) // 2] ^= 0x01          # the second signer's signature value, and nothing else
    second["signature"] = core.OctetString(bytes(value))
    rep = engine.check_submission(Submission(files=[InputFile("domanda.pdf.p7m", info.dump())]),
                                  settings(k.pem_trust))
    env = by_name(rep)["domanda.pdf.p7m"]
    assert {s.signer: (s.indication, s.sub_indication) for s in env.signatures} == {
        "ROSSI MARIO": ("PASSED", None), "BIANCHI ANNA": ("FAILED", "SIG_CRYPTO_FAILURE")}
    assert sorted(f.code for f in env.findings if f.check == "signature") == ["SIG001", "SIG002"]
    assert rep.verdict is Verdict.FIX
