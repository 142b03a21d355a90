"""/api/openapi.json: an OpenAPI 3.1 document whose report schema (pec-precheck/report/1)
matches what checker/report.py writes, and a live gunicorn that keeps to it under
schemathesis's property-based requests (a bounded number: no 5xx, every response as documented)."""
from __future__ import annotations

import io
from collections.abc import Iterator

import jsonschema_rs
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks as st_checks

from app import create_app
from checker import report
from checker.web import openapi
from gunicorn_server import gunicorn_server
from web_samples import docx_bytes, pdf_bytes, txt_bytes

MESSAGE = {"sender": "mario.rossi@pec.it", "subject": "Richiesta di accesso agli atti", "doc_type": "Istanza"}


def validator(name: str):
    doc = openapi.document()
    return jsonschema_rs.Draft202012Validator({"$ref": f"#/components/schemas/{name}",
                                               "components": doc["components"]})


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True}).test_client()


def test_the_document_is_openapi_3_1_with_every_operation(client):
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    assert set(doc["paths"]) == {"/api/v1/check", "/api/v1/triage", "/jobs/{job_id}", "/jobs/{job_id}/progress",
                                 "/healthz"}
    assert doc["components"]["schemas"]["Report"]["title"] == report.SCHEMA
    schemathesis.openapi.from_dict(doc)  # loads as OpenAPI


def test_real_reports_match_the_report_schema_and_name_every_key(client):
    files = [("domanda.pdf", pdf_bytes()), ("nota.txt", txt_bytes()), ("allegato.docx", docx_bytes()),
             ("strano.bin", b"\x00\x01MZ")]
    r = client.post("/api/v1/check", content_type="multipart/form-data",
                    data={**MESSAGE, "files": [(io.BytesIO(data), name) for name, data in files]})
    assert r.status_code == 200
    body = r.get_json()
    validator("Report").validate(body)
    schema = openapi.REPORT
    assert list(body) == schema["required"] == list(schema["properties"])
    assert list(body["documents"][0]) == list(openapi.DOCUMENT["properties"])
    finding = next(f for d in body["documents"] for f in d["findings"])
    assert list(finding) == list(openapi.FINDING["properties"])


def test_jobs_and_errors_match_their_schemas(client):
    r = client.post("/api/v1/check?wait=false", content_type="multipart/form-data",
                    data={**MESSAGE, "files": [(io.BytesIO(txt_bytes()), "nota.txt")]})
    assert r.status_code == 202
    validator("Job").validate(r.get_json())
    missing = client.post("/api/v1/check", content_type="multipart/form-data", data=MESSAGE)
    assert missing.status_code == 400
    validator("Error").validate(missing.get_json())
    validator("Health").validate(client.get("/healthz").get_json())


@pytest.fixture(scope="module")
def live_schema() -> Iterator[schemathesis.BaseSchema]:
    with gunicorn_server({"SECRET_KEY": "prova", "PEC_PRECHECK_DEADLINE": "30"}) as base:
        yield schemathesis.openapi.from_url(base + "/api/openapi.json")


CHECKS = [st_checks.not_a_server_error, st_checks.status_code_conformance,
          st_checks.content_type_conformance, st_checks.response_headers_conformance,
          st_checks.response_schema_conformance]
EXAMPLES = 12  # per operation: property-based, but bounded (the checks run for real)


def test_the_live_api_keeps_to_its_document(live_schema):
    operations = [result.ok() for result in live_schema.get_all_operations()]
    assert len(operations) == 5
    statuses: list[int] = []
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
                  derandomize=True, database=None)
        def conforms(case):
            statuses.append(case.call_and_validate(checks=CHECKS, timeout=120).status_code)

        conforms()
    # the generated requests reached the real work, not only the error paths
    assert {200, 202} <= set(statuses), statuses
    assert all(code < 500 for code in statuses)
