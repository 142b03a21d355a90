"""Online revocation (checker/signatures/revocation.py) against a real OCSP responder and CRL
server on 127.0.0.1, for CAdES, PAdES and XAdES, and through the CLI's worker processes.

Trust comes from the trusted list only, which carries no CRL, so the status must be asked
for: OCSP first, the CRL when the certificate names no responder or the responder fails.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import pki as P
from checker.checks import settings_from_env
from checker.model import InputFile
from checker.signatures import cms, pades, xades
from report_client import check_page
from revocation_server import RevocationServer

DOC = b"%PDF-1.4\n% domanda di prova\n" + b"contenuto " * 200


@pytest.fixture(scope="module")
def k(tmp_path_factory):
    return P.shared(tmp_path_factory)


@pytest.fixture
def server(k):
    srv = RevocationServer(k)
    yield srv
    srv.close()


def online(k) -> dict:
    return {"trust": [k.tsl], "revocation": "online"}


def validate(envelope: bytes, settings: dict):
    env = cms.load_envelope(envelope)
    [result] = cms.validate_signers(env.signed_data, env.content, settings)
    return result


def codes(result) -> list[str]:
    return [f.code for f in result.findings]


def test_good_ocsp_answer_means_revocation_checked(k, server):
    who = server.signer("buono")
    r = validate(P.cades(k, who, DOC), online(k))
    assert (r.info.indication, r.info.sub_indication) == ("PASSED", None)
    assert codes(r) == ["SIG001"]
    assert r.info.details["revocation"] == "good"
    assert r.info.details["revocation_source"] == f"OCSP {server.base}/ocsp"
    assert "POST /ocsp" in server.requests
    # when the answer was produced (its producedAt), next to when we asked: never after it
    from datetime import datetime
    produced = datetime.fromisoformat(r.info.details["revocation_produced_at"])
    assert produced <= datetime.fromisoformat(r.info.details["revocation_checked_at"])


def test_revoked_by_ocsp(k, server):
    who = server.signer("revocato", revoked=True)
    r = validate(P.cades(k, who, DOC), online(k))
    assert (r.info.indication, r.info.sub_indication) == ("INDETERMINATE", "REVOKED_NO_POE")
    assert codes(r) == ["SIG004"]
    assert r.info.details["revocation"] == "revoked"


def test_certificate_naming_only_a_crl_is_checked_on_the_fetched_crl(k, server):
    good, bad = server.signer("solocrl", ocsp=False), server.signer("solocrl2", ocsp=False, revoked=True)
    r = validate(P.cades(k, good, DOC), online(k))
    assert codes(r) == ["SIG001"]
    assert r.info.details["revocation_source"] == f"CRL {server.base}/crl"
    assert server.requests == ["GET /crl"]
    assert r.info.details["revocation_produced_at"]       # the CRL's thisUpdate
    r = validate(P.cades(k, bad, DOC), online(k))
    assert codes(r) == ["SIG004"]


def test_failing_responder_falls_back_to_the_crl(k, server):
    who = server.signer("ripiego", revoked=True)
    server.status = "try_later"
    r = validate(P.cades(k, who, DOC), online(k))
    assert codes(r) == ["SIG004"]          # the CRL knew
    assert server.requests == ["POST /ocsp", "GET /crl"]


def test_forged_ocsp_answer_is_not_taken_for_good(k, server):
    who = server.signer("falso", crl=False)
    server.forge = True
    r = validate(P.cades(k, who, DOC), online(k))
    assert r.info.indication == "INDETERMINATE"
    assert r.info.details["revocation"] == "unusable"
    assert "SIG001" not in codes(r)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_services_give_SIG011_saying_why(k):
    port = _closed_port()
    who = P.signer_with_urls(k, "irraggiungibile", ocsp_url=f"http://127.0.0.1:{port}/ocsp",
                             crl_url=f"http://127.0.0.1:{port}/crl")
    r = validate(P.cades(k, who, DOC), online(k))
    assert r.info.indication == "PASSED"
    assert codes(r) == ["SIG001", "SIG011"]
    detail = r.findings[1].detail
    assert f"OCSP http://127.0.0.1:{port}/ocsp" in detail and f"CRL http://127.0.0.1:{port}/crl" in detail
    assert r.info.details["revocation"] == "not_checked"
    # the next signature naming the same services does not wait for them again
    again = P.signer_with_urls(k, "irraggiungibile2", ocsp_url=f"http://127.0.0.1:{port}/ocsp",
                               crl_url=f"http://127.0.0.1:{port}/crl")
    r = validate(P.cades(k, again, DOC), online(k))
    assert codes(r) == ["SIG001", "SIG011"]
    assert "non ha risposto poco fa, non riprovato" in r.findings[1].detail


def test_offline_makes_no_request_and_says_so(k, server):
    who = server.signer("senzarete")
    r = validate(P.cades(k, who, DOC), {"trust": [k.tsl], "revocation": "offline"})
    assert codes(r) == ["SIG001", "SIG011"]
    assert "offline" in r.findings[1].detail
    assert server.requests == []


def test_crl_held_by_the_trust_source_needs_no_request(k, server):
    who = server.signer("locale")
    r = validate(P.cades(k, who, DOC), {"trust": [k.pem_trust], "revocation": "online"})
    assert codes(r) == ["SIG001"]
    assert r.info.details["revocation_source"] == "CRL della fonte di fiducia"
    assert server.requests == []


def test_pades_signer_checked_online(k, server):
    good, bad = server.signer("pdfbuono"), server.signer("pdfrevocato", revoked=True)
    r = pades.check(InputFile("a.pdf", P.pades(k, good, P.plain_pdf())), online(k))
    assert [f.code for f in r.findings] == ["SIG001"]
    assert r.signatures[0].details["revocation"] == "good"
    r = pades.check(InputFile("a.pdf", P.pades(k, bad, P.plain_pdf())), online(k))
    assert r.signatures[0].sub_indication == "REVOKED_NO_POE"


def test_xades_signer_checked_online(k, server):
    good, bad = server.signer("xmlbuono"), server.signer("xmlrevocato", revoked=True)
    r = xades.check(InputFile("f.xml", P.xades(k, good)), online(k))
    assert [f.code for f in r.findings] == ["SIG001"]
    assert r.signatures[0].details["revocation_source"].startswith("OCSP ")
    r = xades.check(InputFile("f.xml", P.xades(k, bad)), online(k))
    assert r.signatures[0].sub_indication == "REVOKED_NO_POE"


def test_environment_default_is_online(monkeypatch):
    monkeypatch.delenv("PEC_PRECHECK_REVOCATION", raising=False)
    assert settings_from_env()["revocation"] == "online"
    monkeypatch.setenv("PEC_PRECHECK_REVOCATION", "Offline")
    assert settings_from_env()["revocation"] == "offline"


def test_cli_checks_revocation_online_from_its_workers(k, server, tmp_path):
    who = server.signer("riga")
    path = tmp_path / "domanda.pdf.p7m"
    path.write_bytes(P.cades(k, who, DOC))
    env = {**os.environ, "PEC_PRECHECK_REVOCATION": "online"}
    out = subprocess.run([sys.executable, "-m", "checker.cli", "check", str(path), "--trust", k.tsl,
                          "--json"], capture_output=True, text=True, env=env,
                         cwd=Path(__file__).resolve().parents[2])
    report = json.loads(out.stdout)
    [envelope] = [d for d in report["documents"] if d["name"] == "domanda.pdf.p7m"]
    [sig] = envelope["signatures"]
    assert sig["indication"] == "PASSED"
    assert "SIG011" not in [f["code"] for f in envelope["findings"]]
    assert "POST /ocsp" in server.requests


def test_result_page_shows_the_online_revocation_answer(k, server):
    import io

    import lxml.html

    from app import create_app
    from web_samples import pdf_bytes

    who = server.signer("pagina")
    settings = {**settings_from_env(), "trust": [k.tsl], "revocation": "online"}
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "CHECK_SETTINGS": settings})
    data = {"profile": "cremona", "sender": "mario.rossi@pec.it",
            "subject": "Richiesta di accesso agli atti", "doc_type": "Istanza",
            "files": [(io.BytesIO(P.cades(k, who, pdf_bytes())), "domanda.pdf.p7m")]}
    page = check_page(app.test_client(), data)
    assert page.status_code == 200
    table = lxml.html.fromstring(page.get_data(as_text=True)).xpath(
        "//table[contains(@class,'signatures')]")[0].text_content()
    words = " ".join(table.split())
    assert "verificata: il certificato non è revocato" in words
    assert f"Fonte della revoca: OCSP {server.base}/ocsp" in words
    assert "secondo la risposta del" in words          # the time of the OCSP answer, not of our asking
