"""POST /api/v1/check, GET /healthz, GET /rules.json: the JSON contract of the web app."""
from __future__ import annotations

import io

import pytest

from app import create_app
from checker import catalogue, profiles
from web_samples import docx_bytes, pdf_bytes, txt_bytes

VERDICTS = {"ready", "fix", "undetermined"}
SEVERITIES = {"error", "warning", "info", "not_checked"}
MESSAGE = {"sender": "mario.rossi@pec.it", "subject": "Richiesta di accesso agli atti",
           "doc_type": "Istanza"}


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True, "MAX_FILES": 3}).test_client()


def post(client, files, field="files", **fields):
    data = {**MESSAGE, **fields}
    data[field] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/api/v1/check", data=data, content_type="multipart/form-data")


def assert_report_schema(report: dict) -> None:
    assert report["schema"] == "pec-precheck/report/1"
    assert report["verdict"] in VERDICTS
    assert set(report["verdict_label"]) == {"it", "en"}
    assert isinstance(report["reasons"], list)
    assert report["profile"] in profiles.load_all()
    assert set(report["counts"]) == SEVERITIES
    for finding in report["message"]["findings"]:
        assert finding["code"] in catalogue.load() and finding["severity"] in SEVERITIES
    for doc in report["documents"]:
        assert doc["name"] and len(doc["sha256"]) == 64 and doc["size"] >= 0
        assert doc["format"]["id"]
        for finding in doc["findings"]:
            assert finding["code"] in catalogue.load()
            assert finding["severity"] in SEVERITIES
            assert finding["title"]["it"] and finding["fix"]["it"]


def test_api_checks_txt_pdf_and_docx_and_returns_the_report_schema(client):
    files = [("domanda.pdf", pdf_bytes()), ("nota.txt", txt_bytes()), ("allegato.docx", docx_bytes())]
    r = post(client, files, main="domanda.pdf")
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    report = r.get_json()
    assert_report_schema(report)
    assert [d["name"] for d in report["documents"][:3]] == ["domanda.pdf", "nota.txt", "allegato.docx"]
    assert report["message"]["main"] == "domanda.pdf"
    import hashlib
    assert report["documents"][0]["sha256"] == hashlib.sha256(files[0][1]).hexdigest()
    assert report["documents"][0]["format"]["id"] == "pdf"
    assert report["documents"][1]["format"]["id"] == "txt"


def test_api_accepts_files_brackets_field_name(client):
    r = post(client, [("nota.txt", txt_bytes())], field="files[]")
    assert r.status_code == 200
    assert r.get_json()["documents"][0]["name"] == "nota.txt"


def test_api_plain_text_under_generic_is_ready(client):
    # generic accepts text; without clamd the antivirus is not_checked, not required there
    r = post(client, [("domanda.txt", txt_bytes())], profile="generic")
    assert r.status_code == 200
    report = r.get_json()
    assert (report["verdict"], report["reasons"]) == ("ready", []), report


def test_api_docx_renamed_pdf_is_fix(client):
    r = post(client, [("domanda.pdf", docx_bytes())])
    assert r.status_code == 200
    report = r.get_json()
    assert report["verdict"] == "fix"
    assert report["documents"][0]["format"]["id"] == "docx"
    errors = {f["code"] for f in report["documents"][0]["findings"] if f["severity"] == "error"}
    assert errors == {"FMT002", "FMT010"}   # Word not accepted; named .pdf


@pytest.mark.parametrize("profile_id", list(profiles.load_all()))
def test_api_every_profile_answers_with_its_id(client, profile_id):
    r = post(client, [("domanda.pdf", pdf_bytes())], profile=profile_id)
    assert r.status_code == 200
    assert r.get_json()["profile"] == profile_id


def test_api_unknown_profile_is_400_json(client):
    r = post(client, [("a.txt", txt_bytes())], profile="atlantide")
    assert r.status_code == 400
    assert r.get_json()["error"] == "unknown-profile"
    assert "generic" in r.get_json()["profiles"]


def test_api_missing_files_is_400_json(client):
    r = client.post("/api/v1/check", data=MESSAGE, content_type="multipart/form-data")
    assert r.status_code == 400
    assert r.get_json()["error"] == "no-files"
    assert r.get_json()["message"]["it"]


def test_api_too_many_files_is_400_json(client):
    r = post(client, [(f"f{i}.txt", txt_bytes()) for i in range(4)])
    assert r.status_code == 400
    assert r.get_json()["error"] == "too-many-files"


def test_api_main_not_among_files_is_400_json(client):
    r = post(client, [("a.txt", txt_bytes())], main="b.pdf")
    assert r.status_code == 400
    assert r.get_json()["error"] == "main-not-found"


def test_api_oversized_upload_is_413_json():
    small = create_app({"TESTING": True, "MAX_CONTENT_LENGTH": 64 * 1024}).test_client()
    r = post(small, [("big.txt", b"x" * 200 * 1024)])
    assert r.status_code == 413
    body = r.get_json()
    assert body["status"] == 413 and body["error"]
    assert "MB" in body["message"]["it"]


def test_api_get_is_405_json(client):
    r = client.get("/api/v1/check")
    assert r.status_code == 405
    assert r.get_json()["status"] == 405


def test_api_is_exempt_from_csrf():
    guarded = create_app({"TESTING": True, "WTF_CSRF_ENABLED": True}).test_client()
    r = post(guarded, [("a.txt", txt_bytes())])
    assert r.status_code == 200
    assert r.get_json()["verdict"] == "ready"


@pytest.mark.parametrize("raw, shown", [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\mario\\domanda.txt", "domanda.txt"),
    ("dom\x00anda.txt", "domanda.txt"),
    ("..", "file-1"),
])
def test_api_hostile_file_names_are_cleaned(client, raw, shown):
    r = post(client, [(raw, txt_bytes())])
    assert r.status_code == 200
    assert r.get_json()["documents"][0]["name"] == shown


def test_api_nul_smuggled_name_is_shown_clean_and_judged_as_sent(client):
    r = post(client, [("istanza.exe\x00.pdf", txt_bytes())])
    report = r.get_json()
    assert report["documents"][0]["name"] == "istanza.exe.pdf"
    [found] = [f for f in report["message"]["findings"] if f["code"] == "MSG037"]
    assert found["severity"] == "error" and found["location"] == "istanza.exe<U+0000>.pdf"
    assert report["verdict"] == "fix"


def test_api_non_utf8_file_name_is_read_as_windows_text(client):
    body = (b"--B\r\nContent-Disposition: form-data; name=\"files\"; filename=\"perch\xe9.txt\"\r\n"
            b"Content-Type: text/plain\r\n\r\nOggetto: prova di invio\r\n--B--\r\n")
    r = client.post("/api/v1/check", data=body, content_type="multipart/form-data; boundary=B")
    assert r.status_code == 200
    assert r.get_json()["documents"][0]["name"] == "perché.txt"


def test_api_same_name_twice_stays_two_documents(client):
    r = post(client, [("a.txt", txt_bytes()), ("a.txt", b"altro testo")])
    names = [d["name"] for d in r.get_json()["documents"]]
    assert names[:2] == ["a.txt", "a (2).txt"]


def test_healthz_reports_checks_and_tools(client, monkeypatch, tmp_path):
    from pathlib import Path

    import tomllib
    monkeypatch.setenv("PATH", str(tmp_path))         # no verapdf on PATH
    monkeypatch.delenv("VERAPDF", raising=False)
    monkeypatch.delenv("PEC_PRECHECK_CLAMD", raising=False)
    monkeypatch.setenv("PEC_PRECHECK_VERAPDF_HOME", str(tmp_path / "no-verapdf-build"))
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.get_json()
    assert body["status"] == "ok"
    project = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    assert body["version"] == project["project"]["version"]
    assert {"pdfa", "pdf_active", "signature", "antivirus", "verapdf", "office", "pec_message"} <= \
        set(body["checks"]) and body["checks"] == sorted(body["checks"])
    assert (body["verapdf"], body["antivirus"]) == ("absent", "absent")
    # the deployment settings are read on each request
    fake_launcher = Path(__file__).resolve().parents[1] / "fixtures" / "fake_verapdf" / "verapdf_report"
    monkeypatch.setenv("VERAPDF", str(fake_launcher))
    monkeypatch.setenv("PEC_PRECHECK_CLAMD", "unix:/nonexistent/clamd.sock")
    body = client.get("/healthz").get_json()
    assert (body["verapdf"], body["antivirus"]) == ("found", "configured")
    assert set(body["pdfa_disagreements"]) >= {"compared", "builtin_stricter", "builtin_missed"}
    # the warm veraPDF server that `make test` built takes precedence over a launcher
    monkeypatch.delenv("PEC_PRECHECK_VERAPDF_HOME")
    monkeypatch.setenv("PATH", "/usr/bin:/bin")   # java
    assert client.get("/healthz").get_json()["verapdf"] == "warm"


def test_rules_json_lists_every_catalogue_code_and_profile_overrides(client):
    body = client.get("/rules.json").get_json()
    codes = {r["code"] for g in body["groups"] for r in g["rules"]}
    assert codes == set(catalogue.load())
    by_id = {p["id"]: p for p in body["profiles"]}
    assert set(by_id) == set(profiles.load_all())
    for pid, p in profiles.load_all().items():
        assert by_id[pid]["severity_overrides"] == dict(p.severity)


def test_api_very_long_file_name_is_shortened_keeping_its_extension(client):
    r = post(client, [("a" * 1000 + ".txt", txt_bytes())])
    name = r.get_json()["documents"][0]["name"]
    assert len(name) <= 200 and name.endswith(".txt")


def test_api_oversized_upload_over_real_http_gets_the_413_json():
    # Over a socket, not the test client: the answer must arrive even though the client
    # is still sending the body (the server drains it instead of resetting the connection).
    import http.client
    import json as jsonlib
    from urllib.parse import urlsplit

    from webserver import serve

    app = create_app({"MAX_CONTENT_LENGTH": 8 * 1024 * 1024})
    boundary = "pecprecheck"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.pdf\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode() + b"0" * (16 * 1024 * 1024) + \
        f"\r\n--{boundary}--\r\n".encode()
    with serve(app) as base:
        url = urlsplit(base)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        conn.request("POST", "/api/v1/check", body=body,
                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        response = conn.getresponse()
        payload = jsonlib.loads(response.read())
        conn.close()
    assert response.status == 413
    assert payload["status"] == 413 and payload["message"]["it"]


def test_upload_limits_and_secret_come_from_the_environment(monkeypatch):
    # PEC_PRECHECK_MAX_UPLOAD_MB, PEC_PRECHECK_MAX_FILES, SECRET_KEY: read when the app is built
    monkeypatch.setenv("PEC_PRECHECK_MAX_UPLOAD_MB", "1")
    monkeypatch.setenv("PEC_PRECHECK_MAX_FILES", "2")
    monkeypatch.setenv("SECRET_KEY", "chiave-di-prova")
    app = create_app({"TESTING": True})
    assert (app.config["MAX_CONTENT_LENGTH"], app.config["MAX_FILES"], app.config["SECRET_KEY"]) == \
        (1024 * 1024, 2, "chiave-di-prova")
    client = app.test_client()
    r = post(client, [(f"f{i}.txt", txt_bytes()) for i in range(3)])
    assert (r.status_code, r.get_json()["error"]) == (400, "too-many-files")
    assert r.get_json()["max_files"] == 2
    assert post(client, [("grande.pdf", b"0" * (2 << 20))]).status_code == 413
    assert post(client, [(f"f{i}.txt", txt_bytes()) for i in range(2)]).status_code == 200
