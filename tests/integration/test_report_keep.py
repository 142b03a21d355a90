"""A report to keep (issue 14): POST /check answers 303 to the report's own address, which
shows progress and then the report; the PDF download; checked_at and tool_version in the JSON
of the API and the CLI; the office's consequences in the banner. Flask test client, real checks."""
from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from datetime import datetime

import lxml.html
import pypdf
import pytest

from app import create_app
from checker import __version__, profiles
from report_client import follow_report, job_id_of
from web_samples import docx_bytes, pdf_bytes, txt_bytes

FORM = {"profile": "generic", "sender": "mario.rossi@pec.it",
        "subject": "Richiesta di accesso agli atti pratica 123/2026", "doc_type": "Istanza"}
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True, "WTF_CSRF_ENABLED": False}).test_client()


def post(client, files, **fields):
    data = {**FORM, **fields, "files": [(io.BytesIO(content), name) for name, content in files]}
    return client.post("/check", data=data, content_type="multipart/form-data")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_the_form_answers_303_to_the_reports_own_address_and_reload_shows_the_same_report(client):
    r = post(client, [("domanda.pdf", docx_bytes())])
    assert r.status_code == 303
    location = r.headers["Location"]
    assert re.fullmatch(r"/jobs/[A-Za-z0-9_-]+/report", location)
    first = follow_report(client, r)
    again = client.get(location)            # reload (or Back): a GET, nothing sent again
    assert first.status_code == again.status_code == 200
    shown = [json.loads(lxml.html.fromstring(p.get_data(as_text=True)).get_element_by_id("report-json")
                        .text_content()) for p in (first, again)]
    assert shown[0] == shown[1] and shown[0]["verdict"] == "fix"
    page = lxml.html.fromstring(again.get_data(as_text=True))
    assert "fino alle" in page.get_element_by_id("kept-note").text_content()
    assert page.get_element_by_id("download-pdf").get("href").startswith(location + ".pdf")


def test_progress_endpoint_gives_the_state_without_the_result(client):
    r = post(client, [("nota.txt", txt_bytes())])
    job_id = job_id_of(r.headers["Location"])
    follow_report(client, r)
    status = client.get(f"/jobs/{job_id}/progress")
    assert status.status_code == 200 and status.headers["Cache-Control"] == "no-store"
    body = status.get_json()
    assert body["state"] == "done" and "result" not in body
    assert body["report_url"] == f"/jobs/{job_id}/report"


def test_an_unknown_or_expired_report_is_a_clear_page_not_an_error(client):
    for path in ("/jobs/nessuno/report", "/jobs/nessuno/report.pdf"):
        r = client.get(path)
        assert r.status_code == 404
        text = r.get_data(as_text=True)
        assert "Rapporto non più disponibile" in text and "60 minuti" in text
    assert client.get("/jobs/nessuno/progress").status_code == 404


def test_the_pdf_has_the_date_office_verdict_fixes_hashes_and_versions(client):
    files = [("domanda.pdf", docx_bytes()), ("nota.txt", txt_bytes())]
    r = post(client, files, profile="genova")
    page = follow_report(client, r)
    report = json.loads(lxml.html.fromstring(page.get_data(as_text=True)).get_element_by_id("report-json")
                        .text_content())
    pdf = client.get(r.headers["Location"] + ".pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment;")
    text = " ".join(pdf_text(pdf.data).split())
    when = datetime.fromisoformat(report["checked_at"]).strftime("%d/%m/%Y %H:%M")
    assert f"Verifica del {when}" in text
    assert "Comune di Genova" in text and "Da correggere" in text
    fmt = next(f for d in report["documents"] for f in d["findings"] if f["code"] == "FMT002")
    assert " ".join(fmt["fix"]["it"].split())[:60] in text
    for d in report["documents"]:
        assert d["name"] in text and d["sha256"] in text.replace(" ", "")
    assert f"PEC Precheck {__version__}" in text
    # the office's own consequence, from its profile
    assert profiles.get("genova").consequence("FMT002", "error")["it"][:50] in text
    english = " ".join(pdf_text(client.get(r.headers["Location"] + ".pdf?lang=en").data).split())
    assert "Fix before sending" in english and "How to fix:" in english and "Checked on" in english
    client.get("/?lang=it")   # the choice is remembered in a cookie: back to Italian for the others


def test_ready_with_warnings_states_the_warnings_and_genovas_automatic_rejection(client):
    subject = "Richiesta di accesso agli atti pratica 123/2026 e domanda di contributo affitto pratica 77/2026"
    page = follow_report(client, post(client, [("domanda.pdf", pdf_bytes())], profile="genova", subject=subject))
    html = lxml.html.fromstring(page.get_data(as_text=True))
    banner = html.get_element_by_id("verdict")
    assert banner.get("data-verdict") == "ready" and banner.get("data-state") == "ready-warnings"
    assert banner.xpath(".//h1")[0].text_content().startswith("Pronto, con avvisi")
    assert "respinge in automatico i messaggi che riguardano più procedimenti" in banner.text_content()
    links = banner.xpath(".//ol[contains(@class,'verdict-problems')]/li/a")
    assert links and all(html.get_element_by_id(a.get("href")[1:]) is not None for a in links)


def test_a_finding_repeated_on_several_files_is_said_once_with_the_files(client):
    files = [("a.txt", txt_bytes()), ("b.txt", txt_bytes("Allegato\n")), ("c.txt", txt_bytes("Altro\n"))]
    html = lxml.html.fromstring(follow_report(client, post(client, files, main="a.txt")).get_data(as_text=True))
    av = html.xpath("//li[contains(@class,'finding')][@data-code='AV002']")
    assert len(av) == 1           # no antivirus in this app: one AV002, naming the three files
    assert "a.txt, b.txt, c.txt" in av[0].text_content()


def test_the_banner_names_three_problems_and_how_many_more(client):
    # Cremona: a Word file named .pdf, unsigned, from an ordinary mailbox, without a subject
    r = post(client, [("domanda.pdf", docx_bytes())], profile="cremona", sender="mario.rossi@gmail.com",
             subject="")
    html = lxml.html.fromstring(follow_report(client, r).get_data(as_text=True))
    banner = html.get_element_by_id("verdict")
    blocking = html.xpath("//li[contains(@class,'finding-error')]")
    assert len(blocking) > 3
    assert len(banner.xpath(".//ol[contains(@class,'verdict-problems')]/li")) == 3
    assert f"e altri {len(blocking) - 3}" in banner.text_content()


def test_api_and_cli_json_carry_the_time_of_the_check_and_the_tool_version(client, tmp_path):
    api = client.post("/api/v1/check", data={**FORM, "files": [(io.BytesIO(txt_bytes()), "nota.txt")]},
                      content_type="multipart/form-data").get_json()
    moment = datetime.fromisoformat(api["checked_at"])
    assert moment.utcoffset() is not None
    assert api["checked_at"][-6:] in ("+01:00", "+02:00")    # Italian time, CET or CEST
    assert api["tool_version"] == __version__
    (tmp_path / "nota.txt").write_bytes(txt_bytes())
    cli = subprocess.run([sys.executable, "-m", "checker", "check", str(tmp_path / "nota.txt"), "--json"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120,
                         env={**os.environ, "PYTHONPATH": ROOT})
    report = json.loads(cli.stdout)
    assert report["tool_version"] == __version__
    assert datetime.fromisoformat(report["checked_at"]).utcoffset() is not None


def test_check_names_are_in_the_pages_language(client):
    """Every check has an Italian and an English label; the English report names the checks
    (the "Tools used" line) in English, the Italian one in Italian."""
    from checker import checks
    for c in [*checks.CHECKS, *checks.BATCH_CHECKS]:
        assert c.label_it and c.label_en and c.label_it != c.label_en or c.name == "antivirus", c.name
    r = post(client, [("domanda.pdf", pdf_bytes())])
    follow_report(client, r)
    tools = {}
    for lang in ("en", "it"):
        page = lxml.html.fromstring(client.get(r.headers["Location"] + f"?lang={lang}").get_data(as_text=True))
        tools[lang] = " ".join(dd.text_content() for dd in page.xpath("//dt[normalize-space()='%s']"
                               "/following-sibling::dd[1]" % ("Tools used" if lang == "en" else "Strumenti usati")))
    assert "PDF/A conformance" in tools["en"] and "Format recognition" in tools["en"]
    assert not any(word in tools["en"] for word in ("Conformità", "Riconoscimento", "identificazione")), tools["en"]
    assert "Conformità PDF/A" in tools["it"] and "Riconoscimento del formato" in tools["it"]



def _card_badges(view: dict) -> list[str]:
    app = create_app({"TESTING": True, "WARM_UP": False})
    with app.test_request_context("/"):
        from flask import get_template_attribute
        html = get_template_attribute("_report_macros.html", "document")(view)
    card = lxml.html.fromstring(str(html)).xpath("//h3")[0]
    return [b.text_content().strip() for b in card.xpath(".//span[contains(@class,'badge')]")]


def _view(findings: list[dict], signatures: list[dict]):
    from checker.web import report_view
    doc = {"name": "domanda.pdf.p7m", "is_main": True, "parent": None, "size": 1234, "sha256": "0" * 64,
           "format": {"id": "p7m", "label": "Busta firmata CAdES", "mime": "application/pkcs7-mime",
                      "details": {}},
           "signatures": signatures, "engines": [], "facts": {}}
    items = [report_view.Item(anchor="f1", code="MSG999", name="", severity=f["severity"], title=f["title"],
                              explanation="", fix="", source="", check="", detail="", location="")
             for f in findings]
    return report_view.DocView(doc=doc, items=items, shared=[],
                               signatures=[report_view.signature(s) for s in signatures])


@pytest.mark.parametrize(("severity", "indication", "expected"), [
    ("warning", "PASSED", "1 avviso"),
    (None, "INDETERMINATE", "Firma non verificabile"),
    (None, "FAILED", "Firma non valida"),
    (None, "PASSED", "nessun errore"),
])
def test_a_document_badge_follows_the_worst_said_of_the_file(severity, indication, expected):
    """The card's badge is never a green «nessun errore» over a warning or a signature that is
    not valid (an INDETERMINATE signature carries no error finding of its own)."""
    findings = [{"severity": severity, "title": "Avviso"}] if severity else []
    signature = {"kind": "cades", "indication": indication, "signer": "Mario Rossi", "details": {}}
    badges = _card_badges(_view(findings, [signature]))
    assert expected in badges and (expected == "nessun errore") == ("nessun errore" in badges), badges
