"""The triage page (/triage) and POST /api/v1/triage through the Flask test client."""
from __future__ import annotations

import io
import re
from pathlib import Path

import lxml.html
import pytest

from app import BLUEPRINTS, create_app
from checker.web import triage as web_triage
from pec_samples import build, expected

CONTRACT = ["file", "class", "receipt_type", "receipt_detail", "error", "sender", "subject",
            "date", "verdict", "problems"]
SOME = ["01_posta-certificata.eml", "02_anomalia.eml", "07_avvenuta-consegna-breve.eml",
        "09b_errore-consegna-aruba-altro.eml", "12_not-pec.eml", "m02_broken-xml.eml",
        "m11_binary-junk.eml"]


@pytest.fixture(scope="module")
def pec(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("pec"))


@pytest.fixture(scope="module")
def app():
    return create_app({"TESTING": True, "MAX_TRIAGE_FILES": 10})  # CSRF stays on


@pytest.fixture()
def client(app):
    return app.test_client()


def uploads(pec: Path, names: list[str]):
    return [(io.BytesIO((pec / "messages" / n).read_bytes()), n) for n in names]


def test_triage_web_blueprint_is_registered():
    assert web_triage.bp in BLUEPRINTS


def test_triage_web_page_has_the_upload_form(client):
    r = client.get("/triage")
    assert r.status_code == 200
    doc = lxml.html.fromstring(r.get_data(as_text=True))
    form = doc.get_element_by_id("triage-form")
    assert form.get("enctype") == "multipart/form-data"
    assert form.xpath(".//input[@type='file' and @name='files' and @multiple]")
    assert form.xpath(".//input[@name='csrf_token']/@value")[0]


def test_triage_web_page_shows_one_row_per_message(client, pec):
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/triage").get_data(as_text=True))[1]
    r = client.post("/triage", data={"csrf_token": token, "profile": "auto", "files": uploads(pec, SOME)},
                    content_type="multipart/form-data")
    assert r.status_code == 200
    doc = lxml.html.fromstring(r.get_data(as_text=True))
    rows = doc.xpath("//tr[contains(@class, 'triage-row')]")
    exp = expected(pec)
    assert [row.get("data-class") for row in rows] == [exp[n]["class"] for n in SOME]
    assert [row.get("data-receipt") for row in rows] == [exp[n]["receipt_type"] or "" for n in SOME]
    text = r.get_data(as_text=True)
    assert "la casella del destinatario non esiste" in text   # Aruba "altro" + 5.1.1 explained
    assert "PEC005" in text and "PEC001" in text               # problems shown
    assert doc.xpath("//*[@data-count='messages']")[0].text == str(len(SOME))


def test_triage_web_page_refuses_a_post_without_csrf_token(client, pec):
    r = client.post("/triage", data={"files": uploads(pec, SOME[:1])}, content_type="multipart/form-data")
    assert r.status_code == 400


def test_triage_web_page_without_files(client):
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/triage").get_data(as_text=True))[1]
    r = client.post("/triage", data={"csrf_token": token}, content_type="multipart/form-data")
    assert r.status_code == 400
    assert "Nessun messaggio" in r.get_data(as_text=True)


def test_triage_web_api_json_fields_exact(client, pec):
    r = client.post("/api/v1/triage", data={"files": uploads(pec, SOME)}, content_type="multipart/form-data")
    assert r.status_code == 200
    data = r.get_json()
    exp = expected(pec)
    assert [d["file"] for d in data] == SOME
    for d in data:
        assert list(d)[:len(CONTRACT)] == CONTRACT
        want = exp[d["file"]]
        assert (d["class"], d["receipt_type"], d["receipt_detail"], d["error"]) == \
            (want["class"], want["receipt_type"], want["receipt_detail"], want["error"])
    by_name = {d["file"]: d for d in data}
    assert by_name["01_posta-certificata.eml"]["verdict"] == "ready"   # a plain PDF to Piacenza
    assert by_name["07_avvenuta-consegna-breve.eml"]["verdict"] is None
    assert by_name["m02_broken-xml.eml"]["problems"]


def test_triage_web_api_profile_and_errors(client, pec):
    r = client.post("/api/v1/triage", data={"profile": "cremona", "files": uploads(pec, SOME[:1])},
                    content_type="multipart/form-data")
    assert r.status_code == 200 and r.get_json()[0]["profile"] == "cremona"
    r = client.post("/api/v1/triage", data={"profile": "atlantide", "files": uploads(pec, SOME[:1])},
                    content_type="multipart/form-data")
    assert r.status_code == 400 and r.get_json()["error"] == "unknown-profile"
    r = client.post("/api/v1/triage", data={}, content_type="multipart/form-data")
    assert r.status_code == 400 and r.get_json()["error"] == "no-files"
    many = uploads(pec, ["03_accettazione.eml"] * 11)
    r = client.post("/api/v1/triage", data={"files": many}, content_type="multipart/form-data")
    assert r.status_code == 400 and r.get_json()["error"] == "too-many-files"
