"""The JSON API: POST /api/v1/check, GET /healthz, GET /rules.json, GET /api/openapi.json. CSRF-exempt (no cookies
are used to authorise anything here: the caller sends the files it wants checked)."""
from __future__ import annotations

import os
import threading
import time
from importlib import metadata
from typing import Any

from flask import Blueprint, current_app, jsonify, request

from .. import checks, jobs, pdfa_disagreements, profiles, verapdf, verapdf_pool
from ..model import Submission
from . import jobs as web_jobs
from . import health, openapi, present
from .forms import settings_at
from .responses import api_error
from .uploads import chosen_parts, clean_name, read_files

bp = Blueprint("api", __name__)

TEXT_FIELDS = ("profile", "sender", "recipient", "subject", "doc_type", "destination", "body", "main", "at")


@bp.post("/api/v1/check")
def check():
    fields = {k: (request.form.get(k) or "").strip() for k in TEXT_FIELDS}
    fields["body"] = request.form.get("body") or ""
    profile_id = fields["profile"] or "generic"
    if profile_id not in profiles.load_all():
        return api_error(400, "unknown-profile", f"Ufficio sconosciuto: {profile_id!r}.",
                         f"Unknown profile {profile_id!r}.", profiles=list(profiles.load_all()))
    parts = chosen_parts(request.files)
    if not parts:
        return api_error(400, "no-files", "Nessun file ricevuto: invia i file nel campo «files».",
                         "No files received: send them in the multipart field 'files'.")
    limit = current_app.config["MAX_FILES"]
    if len(parts) > limit:
        return api_error(400, "too-many-files", f"Troppi file: al massimo {limit} per messaggio.",
                         f"Too many files: at most {limit} per message.", max_files=limit)
    files = read_files(parts)
    main = clean_name(fields["main"], "") if fields["main"] else ""
    if main and main not in {f.name for f in files}:
        return api_error(400, "main-not-found", f"Il documento principale {main!r} non è tra i file.",
                         f"The main document {main!r} is not among the files.",
                         files=[f.name for f in files])
    sub = Submission(profile=profile_id, sender=fields["sender"], recipient=fields["recipient"],
                     subject=fields["subject"], doc_type=fields["doc_type"],
                     destination=fields["destination"], body=fields["body"], main=main, files=files)
    try:
        settings = settings_at(current_app.config.get("CHECK_SETTINGS"), fields["at"])
    except ValueError as exc:
        return api_error(400, "bad-date", f"Data non valida per «at»: {exc}", f"Invalid date in 'at': {exc}")
    work = jobs.Work(kind=jobs.CHECK, submission=sub, settings=settings)
    del files, sub  # the job holds the bytes now, and lets them go when it ends
    return respond(web_jobs.run(work, wait=wants_wait()))


def wants_wait() -> bool:
    """?wait=false: answer 202 with the job at once; by default the answer is the result."""
    return request.args.get("wait", "true").strip().lower() not in ("0", "false", "no")


def respond(status: dict[str, Any], rows_only: bool = False):
    """The result (200), the job to poll (202), or a failed job (503)."""
    if status["state"] == "done":
        return jsonify(status["result"]["rows"] if rows_only else status["result"])
    if status["state"] == "failed":
        return web_jobs.failed(status)
    return web_jobs.accepted(status)


@bp.get("/healthz")
def healthz():
    return jsonify(health_facts())


def health_facts() -> dict[str, Any]:
    """What /healthz answers (and /status shows in words). Cheap by design: no check, no lock a
    check holds, no filesystem walk per request. The deployment settings are read on each
    request; what they lead to (PATH lookups, stat calls, the installed version, the clamd
    VERSION answer, the trusted list's dates) is cached per settings for HEALTH_TTL seconds."""
    facts = _installation()
    # the settings the checks run with: the app's CHECK_SETTINGS, else the environment's
    services = health.service_facts(current_app.config.get("CHECK_SETTINGS") or checks.settings_from_env())
    return {
        "status": "ok",
        "version": facts["version"],
        "checks": facts["checks"],
        "profiles": facts["profiles"],
        "verapdf": facts["verapdf"],
        # built-in PDF/A validator vs veraPDF, since this process started
        "pdfa_disagreements": pdfa_disagreements.counts(),
        "antivirus": facts["antivirus"],
        "max_upload_mb": current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024),
        "max_files": current_app.config["MAX_FILES"],
        # added for the status page: clamd's answer, the trusted lists' dates, the queue
        "antivirus_service": services["antivirus_service"],
        "trust_lists": services["trust_lists"],
        "queue": _queue(),
    }


def _queue() -> dict[str, Any]:
    runner = web_jobs.runner()
    limits = runner.ledger.limits
    return {**runner.ledger.peek(), "max_checks": limits.max_checks, "max_queue": limits.queue,
            "mode": runner.mode}


HEALTH_TTL = 60.0
# what the installation facts depend on besides checks.settings_from_env()
_HEALTH_ENV = ("PATH", "PEC_PRECHECK_VERAPDF_HOME")
_installation_cache: dict[str, Any] = {}   # {"key", "at", "facts"}
_installation_lock = threading.Lock()


def _installation() -> dict[str, Any]:
    settings = checks.settings_from_env()
    key = repr((sorted(settings.items()), [os.environ.get(name) for name in _HEALTH_ENV]))
    now = time.monotonic()
    cached = _installation_cache
    if cached.get("key") == key and now - cached["at"] < HEALTH_TTL:
        return dict(cached["facts"])
    with _installation_lock:
        if verapdf_pool.installed():
            verapdf_state = "warm"      # our long-running veraPDF server (verapdf/build)
        elif verapdf.locate(settings) is not None:
            verapdf_state = "found"     # an external launcher, one JVM per submission
        else:
            verapdf_state = "absent"
        facts = {
            "version": _version(),
            "checks": sorted([c.name for c in checks.CHECKS] + [b.name for b in checks.BATCH_CHECKS]),
            "profiles": list(profiles.load_all()),
            "verapdf": verapdf_state,
            "antivirus": "configured" if settings.get("clamd") else "absent",
        }
        _installation_cache.update(key=key, at=now, facts=facts)
        return dict(facts)


@bp.get("/api/openapi.json")
def openapi_json():
    """The OpenAPI 3.1 document of this API (checker/web/openapi.py)."""
    return jsonify(openapi.document())


@bp.get("/rules.json")
def rules_json():
    return jsonify(present.catalogue_json())


def _version() -> str:
    try:
        return metadata.version("pec-precheck")
    except metadata.PackageNotFoundError:
        return "0+unknown"
