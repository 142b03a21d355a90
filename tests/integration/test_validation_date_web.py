"""Staff can validate signatures at a chosen date from the form and the API (issue 11): the
field reaches the signature check as settings["validation_time"]; a bad date is a clear 400."""
from __future__ import annotations

import io

import pytest

from app import create_app
from checker.web.forms import settings_at
from conftest import SAMPLES

SIGNED = "domanda.pdf.p7m"   # samples/out/signed/: signed on the samples' own test PKI


@pytest.fixture(scope="module")
def client():
    trust = str(SAMPLES / "signed" / "trust")
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False,
                      "CHECK_SETTINGS": {"trust": [trust], "revocation": "offline"}})
    return app.test_client()


def _post(client, path: str, at: str):
    data = {"profile": "generic", "sender": "mario.rossi@pec.it", "subject": "Istanza di accesso",
            "doc_type": "Istanza", "at": at,
            "files": [(io.BytesIO((SAMPLES / "signed" / SIGNED).read_bytes()), SIGNED)]}
    return client.post(path, data=data, content_type="multipart/form-data")


def _signature(report: dict) -> dict:
    return next(s for d in report["documents"] for s in d.get("signatures", []))


def test_settings_at_adds_the_moment_in_utc_and_keeps_the_base():
    base = {"trust": ["x"]}
    assert settings_at(base, "") is base
    assert settings_at(base, "2024-03-01T10:30") == {"trust": ["x"],
                                                       "validation_time": "2024-03-01T09:30:00+00:00"}


def test_api_validates_at_the_date_given(client):
    now = _post(client, "/api/v1/check", "")
    assert now.status_code == 200, now.get_data(as_text=True)
    before = _post(client, "/api/v1/check", "2000-01-01")
    assert before.status_code == 200
    # in 2000 the samples' certificates did not exist yet: not the verdict of today
    assert _signature(now.get_json())["indication"] == "PASSED"
    assert _signature(before.get_json())["indication"] != "PASSED"


def test_api_bad_date_is_a_400(client):
    r = _post(client, "/api/v1/check", "31/03/2026")
    assert r.status_code == 400 and r.get_json()["error"] == "bad-date"


def test_form_bad_date_is_a_field_error(client):
    r = _post(client, "/check", "domani")
    assert r.status_code == 400
    assert "Scrivi la data come 2026-03-31" in r.get_data(as_text=True)
