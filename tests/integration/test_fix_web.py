"""The «Correggi automaticamente» pages (checker/web/fix.py): the button on the report page
when a finding has a mechanical fix, the /fix form, the corrected files and the ZIP for
download, the new report. Real LibreOffice, Ghostscript and veraPDF behind it (test_fix.py
says what they must achieve; here only the web side)."""
from __future__ import annotations

import io
import zipfile

import lxml.html
import pytest

import fix_samples as S
from report_client import check_page
from app import BLUEPRINTS, create_app
from checker.web import fix as web_fix


@pytest.fixture(scope="module")
def app():
    return create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "MAX_FILES": 3})


@pytest.fixture()
def client(app):
    return app.test_client()


def html(response):
    return lxml.html.fromstring(response.get_data(as_text=True))


def test_the_blueprint_is_registered(app):
    assert web_fix.bp in BLUEPRINTS and "fix" in app.blueprints


def test_the_report_offers_the_fix_only_when_a_finding_has_one(client):
    form = {"profile": "genova", "sender": "mario.rossi@pec.it", "subject": "Istanza di accesso agli atti",
            "doc_type": "Istanza"}
    page = check_page(client, {**form, "files": [(io.BytesIO(S.docx()), "domanda.docx")]})
    button = html(page).get_element_by_id("fix-button")
    assert button.get("href") == "/fix?profile=genova"
    assert "FMT002" in button.get("title")
    clean = check_page(client, {**form, "files": [(io.BytesIO(b"Istanza di accesso agli atti\n"), "domanda.txt")]})
    assert html(clean).xpath("//*[@id='fix-button']") == []


def test_the_form_keeps_the_office(client):
    page = html(client.get("/fix?profile=cremona"))
    assert page.xpath("//select[@id='fix-profile']/option[@selected]/@value") == ["cremona"]


def test_fixing_gives_the_files_the_zip_and_the_new_report(client):
    data = {"profile": "generic", "main": "domanda.docx",
            "files": [(io.BytesIO(S.docx()), "domanda.docx"), (io.BytesIO(S.reportlab_pdf()), "links.pdf")]}
    response = client.post("/fix", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    page = html(response)
    rows = {r.xpath("td[1]")[0].text_content(): r for r in page.find_class("fix-row")}
    assert rows["domanda.docx"].get("data-action") == "converted"
    assert rows["links.pdf"].get("data-status") == "fixed"
    assert page.get_element_by_id("fix-report").get("data-verdict") in ("fix", "ready", "undetermined")
    link = rows["domanda.docx"].xpath(".//a")[0].get("href")
    pdf = client.get(link)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert 'filename="domanda.pdf"' in pdf.headers["Content-Disposition"]
    archive = client.get(page.get_element_by_id("fix-zip").get("href"))
    with zipfile.ZipFile(io.BytesIO(archive.data)) as z:
        assert sorted(z.namelist()) == ["domanda.pdf", "links.pdf"]
        assert z.read("domanda.pdf") == pdf.data


def test_unknown_tokens_and_names_are_404(client):
    assert client.get("/fix/nope.zip").status_code == 404
    assert client.get("/fix/nope/domanda.pdf").status_code == 404


def test_no_files_or_too_many_is_a_clear_400(client):
    empty = client.post("/fix", data={"profile": "generic"}, content_type="multipart/form-data")
    assert empty.status_code == 400 and "Scegli i file" in empty.get_data(as_text=True)
    many = client.post("/fix", data={"profile": "generic",
                                     "files": [(io.BytesIO(b"x"), f"f{n}.txt") for n in range(4)]},
                       content_type="multipart/form-data")
    assert many.status_code == 400 and "Troppi file" in many.get_data(as_text=True)


def test_jobs_expire(monkeypatch, client):
    monkeypatch.setattr(web_fix, "TTL_SECONDS", -1)
    data = {"profile": "generic", "files": [(io.BytesIO(b"Istanza\n"), "nota.txt")]}
    page = html(client.post("/fix", data=data, content_type="multipart/form-data"))
    assert client.get(page.get_element_by_id("fix-zip").get("href")).status_code == 404
