"""The OpenAPI 3.1 document of the JSON API, served at /api/openapi.json.

The report schema is pec-precheck/report/1, the shape checker/report.py's to_json() writes
(every key it writes is listed and required; tests/integration/test_openapi.py validates real
reports against it and runs schemathesis against a live server). The error body is the one
responses.api_error() writes.
"""
from __future__ import annotations

from typing import Any

from .. import profiles, report
from ..triage import assess as triage_assess

NULLABLE_STRING = {"type": ["string", "null"]}
LANGS = {"type": "object", "required": ["it", "en"],
         "properties": {"it": {"type": "string"}, "en": {"type": "string"}}}
SEVERITY = {"type": "string", "enum": ["error", "warning", "info", "not_checked"]}
VERDICT = {"type": "string", "enum": ["ready", "fix", "undetermined"]}


def _object(properties: dict[str, Any], extra: bool = False, **more: Any) -> dict[str, Any]:
    """An object whose listed properties are all required."""
    return {"type": "object", "required": list(properties), "properties": properties,
            "additionalProperties": extra, **more}


FINDING = _object({
    "code": {"type": "string", "pattern": "^[A-Z]{2,5}[0-9]{3}$"},
    "name": {"type": "string"},
    "severity": SEVERITY,
    "check": {"type": "string"},
    "title": LANGS, "explanation": LANGS, "fix": LANGS,
    "source": {"type": "string"},
    "detail": {"type": "string"},
    "location": {"type": "string"},
    "args": {"type": "object"},
})

DOCUMENT = _object({
    "name": {"type": "string"},
    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    "size": {"type": "integer", "minimum": 0},
    "parent": NULLABLE_STRING,
    "depth": {"type": "integer", "minimum": 0},
    "is_main": {"type": "boolean"},
    "format": _object({"id": {"type": "string"}, "mime": {"type": "string"}, "label": {"type": "string"},
                       "magic": {"type": "string"}, "details": {"type": "object"}}),
    "engines": {"type": "object"},
    "signatures": {"type": "array", "items": {"type": "object"}},
    "facts": {"type": "object"},
    "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
})

REPORT = _object({
    "schema": {"const": report.SCHEMA},
    "verdict": VERDICT,
    "verdict_label": LANGS,
    "reasons": {"type": "array", "items": {"type": "string"}},
    "profile": {"type": "string"},
    "profile_name": {"type": "string"},
    "message": _object({
        "sender": {"type": "string"}, "recipient": {"type": "string"}, "subject": {"type": "string"},
        "doc_type": {"type": "string"}, "destination": {"type": "string"}, "main": NULLABLE_STRING,
        "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
    }),
    "documents": {"type": "array", "items": {"$ref": "#/components/schemas/Document"}},
    "counts": _object({s: {"type": "integer", "minimum": 0} for s in SEVERITY["enum"]}),
    "elapsed_ms": {"type": "integer", "minimum": 0},
    "checked_at": {"type": "string", "format": "date-time",
                   "description": "when the check ran: ISO 8601, Italian time with its offset"},
    "tool_version": {"type": "string", "description": "PEC Precheck's version"},
}, title=report.SCHEMA)

TRIAGE_ROW = _object({
    "file": {"type": "string"},
    "class": {"type": "string"},
    "receipt_type": NULLABLE_STRING, "receipt_detail": NULLABLE_STRING, "error": NULLABLE_STRING,
    "sender": {"type": "string"}, "subject": {"type": "string"}, "date": NULLABLE_STRING,
    "verdict": {"type": ["string", "null"]},
    "problems": {"type": "array", "items": {"type": "string"}},
    "reasons": {"type": "array", "items": {"type": "string"}},
    "explanation": {"type": ["object", "null"]},
    "error_detail": NULLABLE_STRING,
    "recipients": {"type": "array", "items": {"type": "string"}},
    "provider": NULLABLE_STRING, "identificativo": NULLABLE_STRING, "message_id": NULLABLE_STRING,
    "profile": NULLABLE_STRING,
    "attachments": {"type": "array", "items": {"type": "string"}},
    "signature": {"type": ["object", "null"]},
    "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
    "report": {"oneOf": [{"$ref": "#/components/schemas/Report"}, {"type": "null"}]},
    # what the row means for the receiving office (checker/triage/assess.py)
    "status": {"type": "string", "enum": list(triage_assess.STATUSES)},
    "alerts": {"type": "array", "items": {"type": "string", "enum": list(triage_assess.ALERTS)}},
})

JOB = {"type": "object", "required": ["id", "kind", "state", "position", "mode", "url", "report_url"],
       "properties": {
           "id": {"type": "string"},
           "kind": {"type": "string", "enum": ["check", "triage"]},
           "state": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
           "position": {"type": ["integer", "null"], "minimum": 0,
                        "description": "0 while running; n ≥ 1: n-th in line; null when ended"},
           "mode": {"type": "string", "enum": ["in-process", "queue"]},
           "url": {"type": "string"}, "report_url": {"type": "string"},
           "result": {"description": "when done: the report (check) or {rows, summary} (triage)",
                      "oneOf": [{"$ref": "#/components/schemas/Report"}, _object({
                          "rows": {"type": "array", "items": {"$ref": "#/components/schemas/TriageRow"}},
                          "summary": {"type": "object"}})]},
           "error": {"type": "string"},
           "progress": {"description": "while running (a check): files and checks started and ended",
                        **_object({"files": {"type": "array", "items": _object({
                            "name": {"type": "string"},
                            "checks": {"type": "array", "items": _object({
                                "check": {"type": "string"}, "done": {"type": "boolean"}})}})},
                            "message": {"type": "string", "enum": ["pending", "running", "done"]},
                            "done": {"type": "integer", "minimum": 0},
                            "total": {"type": "integer", "minimum": 0}})},
       }}

ERROR = {"type": "object", "required": ["error", "message", "status"],
         "properties": {"error": {"type": "string"}, "message": LANGS, "status": {"type": "integer"}}}

HEALTH = {"type": "object", "required": ["status", "version", "checks", "profiles"],
          "properties": {"status": {"const": "ok"}, "version": {"type": "string"},
                         "checks": {"type": "array", "items": {"type": "string"}},
                         "profiles": {"type": "array", "items": {"type": "string"}},
                         "max_upload_mb": {"type": "integer"}, "max_files": {"type": "integer"},
                         "antivirus_service": {"type": "object", "properties": {
                             "state": {"type": "string", "enum": ["absent", "down", "up"]}}},
                         "trust_lists": {"type": "array", "items": {"type": "object"}},
                         "queue": {"type": "object", "properties": {
                             "running": {"type": "integer"}, "queued": {"type": "integer"}}}}}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        out["headers"] = headers
    return out


RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before trying again",
                               "schema": {"type": "string", "pattern": "^[0-9]+$"}}}
WAIT = {"name": "wait", "in": "query", "required": False,
        "description": "false: answer 202 with the job at once, then poll its url",
        "schema": {"type": "string", "enum": ["true", "false"]}}
ERRORS = {"400": _json(_ref("Error"), "the request is not usable (no files, unknown profile, ...)"),
          "413": _json(_ref("Error"), "the body is over the upload limit"),
          "503": _json(_ref("Error"), "too many checks in progress, or the job did not finish", RETRY_AFTER)}


def _files_body(fields: dict[str, Any]) -> dict[str, Any]:
    schema = {"type": "object", "required": ["files"],
              "properties": {"files": {"type": "array", "items": {"type": "string", "contentMediaType":
                                                                   "application/octet-stream"}},
                             **fields}}
    return {"required": True, "content": {"multipart/form-data": {"schema": schema}}}


def document() -> dict[str, Any]:
    text: dict[str, Any] = {"type": "string", "maxLength": 200}
    profile: dict[str, Any] = {"type": "string", "enum": list(profiles.load_all()),
                               "description": "the office's profile"}
    check_fields: dict[str, Any] = dict.fromkeys(("sender", "recipient", "subject", "doc_type",
                                                  "destination", "main"), text)
    check_fields.update(profile=profile, body={"type": "string", "maxLength": 10000},
                        at={"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$",
                            "description": "validate signatures at this date (Italian time); empty: now"})
    triage_profile = {"type": "string", "enum": ["auto", *profiles.load_all()],
                      "description": "auto (default): the office the message was sent to"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "PEC Precheck API", "version": "1",
                 "description": "Check a PEC submission before sending it; triage received PEC "
                                "messages. Reports follow the schema pec-precheck/report/1."},
        "paths": {
            "/api/v1/check": {"post": {
                "operationId": "check", "summary": "Check the files of one PEC submission",
                "parameters": [WAIT], "requestBody": _files_body(check_fields),
                "responses": {"200": _json(_ref("Report"), "the report"),
                              "202": _json(_ref("Job"), "the job, when wait=false"), **ERRORS}}},
            "/api/v1/triage": {"post": {
                "operationId": "triage", "summary": "Triage received PEC messages (.eml)",
                "parameters": [WAIT], "requestBody": _files_body({"profile": triage_profile}),
                "responses": {"200": _json({"type": "array", "items": _ref("TriageRow")}, "one row per message"),
                              "202": _json(_ref("Job"), "the job, when wait=false"), **ERRORS}}},
            "/jobs/{job_id}": {"get": {
                "operationId": "job", "summary": "A job's state, place in the queue and result",
                "parameters": [{"name": "job_id", "in": "path", "required": True,
                                "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}}],
                "responses": {"200": _json(_ref("Job"), "the job"),
                              "404": _json(_ref("Error"), "no such job (or its result expired)")}}},
            "/jobs/{job_id}/progress": {"get": {
                "operationId": "jobProgress",
                "summary": "A job's state and progress, without the result (what the report page polls)",
                "parameters": [{"name": "job_id", "in": "path", "required": True,
                                "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}}],
                "responses": {"200": _json(_ref("Job"), "the job, without its result"),
                              "404": _json(_ref("Error"), "no such job (or its result expired)")}}},
            "/healthz": {"get": {
                "operationId": "healthz", "summary": "Liveness; never waits for checks",
                "responses": {"200": _json(_ref("Health"), "the server answers")}}},
        },
        "components": {"schemas": {"Report": REPORT, "Document": DOCUMENT, "Finding": FINDING,
                                   "TriageRow": TRIAGE_ROW, "Job": JOB, "Error": ERROR, "Health": HEALTH}},
    }
