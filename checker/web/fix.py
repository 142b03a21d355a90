"""«Correggi automaticamente»: GET /fix (the form), POST /fix (fix, check again, show the new
report), GET /fix/<token>/<name> (one corrected file) and /fix/<token>.zip (the set).

The report page keeps no files (uploads live only as long as their request), so its button
leads here and the user chooses the same files again: simple and honest. The fix itself is
checker.fix.fix_files. Its outputs are kept in this process's memory, under a random token,
for TTL_SECONDS or until MAX_JOBS newer jobs push them out, so the download links work;
nothing is written to disk except inside the conversions (checker/fix/workspace.py: a
private directory removed when each conversion ends). With several server processes the
download must reach the process that made the job (sticky sessions), else it expires.
"""
from __future__ import annotations

import os
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request

from .. import profiles, report
from ..fix import FIXABLE_CODES, FixOutcome, fix_files
from . import i18n, present, report_view
from .uploads import chosen_parts, clean_name, read_files

bp = Blueprint("fix", __name__)

TTL_SECONDS = int(os.environ.get("PEC_PRECHECK_FIX_TTL", "900"))
MAX_JOBS = 20


@dataclass
class _Job:
    files: dict[str, bytes]
    zip: bytes
    expires: float


_jobs: OrderedDict[str, _Job] = OrderedDict()
_lock = threading.Lock()


def _keep(outcome: FixOutcome) -> str:
    token = secrets.token_urlsafe(16)
    now = time.monotonic()
    with _lock:
        for old in [t for t, job in _jobs.items() if job.expires < now]:
            del _jobs[old]
        while len(_jobs) >= MAX_JOBS:
            _jobs.popitem(last=False)
        _jobs[token] = _Job({f.output: f.data for f in outcome.files}, outcome.zip_bytes(),
                            now + TTL_SECONDS)
    return token


def _job(token: str) -> _Job:
    with _lock:
        job = _jobs.get(token)
        if job is None or job.expires < time.monotonic():
            _jobs.pop(token, None)
            abort(404)
        return job


def fixable(data: dict[str, Any]) -> list[str]:
    """The codes of a report (to_json) that have a mechanical fix: the button's reason."""
    found = {f["code"] for f in data.get("message", {}).get("findings", [])}
    for doc in data.get("documents", []):
        found |= {f["code"] for f in doc.get("findings", [])}
    return sorted(found & FIXABLE_CODES)


@bp.app_context_processor
def _globals() -> dict[str, Any]:
    return {"fixable_codes": fixable}


def _page(status: int = 200, **values: Any):
    chosen = values.pop("chosen", None) or request.values.get("profile") or "generic"
    if chosen not in profiles.load_all():
        chosen = "generic"
    context: dict[str, Any] = {"outcome": None, "token": None, "error": None, **values}
    return render_template("fix.html", profiles=profiles.load_all(), chosen=chosen,
                           ttl_minutes=TTL_SECONDS // 60, **context), status


@bp.get("/fix")
def page():
    return _page()


@bp.post("/fix")
def page_post():
    profile = request.form.get("profile") or "generic"
    if profile not in profiles.load_all():
        return _page(400, error=f"Ufficio sconosciuto: {profile!r}.")
    parts = chosen_parts(request.files)
    limit = current_app.config["MAX_FILES"]
    if not parts:
        return _page(400, error="Scegli i file da correggere.", chosen=profile)
    if len(parts) > limit:
        return _page(400, error=f"Troppi file: al massimo {limit} per volta.", chosen=profile)
    files = read_files(parts)
    main = clean_name(request.form.get("main"), "") if request.form.get("main") else ""
    if main and main not in {f.name for f in files}:
        return _page(400, error=f"«{main}» non è tra i file scelti.", chosen=profile)
    outcome = fix_files(files, profile, main, current_app.config.get("CHECK_SETTINGS"))
    data = report.to_json(outcome.after)
    return _page(outcome=outcome, token=_keep(outcome), chosen=profile, report=data,
                 view=report_view.build(data, i18n.current()), check_labels=present.check_labels())


@bp.get("/fix/<token>.zip")
def download_zip(token: str):
    return Response(_job(token).zip, mimetype="application/zip",
                    headers={"Content-Disposition": "attachment; filename=pec-precheck-corretti.zip"})


@bp.get("/fix/<token>/<path:name>")
def download_file(token: str, name: str):
    data = _job(token).files.get(name)
    if data is None:
        abort(404)
    # the names are filenames.safe_name's (ASCII) or the user's own, which the header quotes
    return Response(data, mimetype="application/octet-stream",
                    headers={"Content-Disposition": _disposition(name)})


def _disposition(name: str) -> str:
    from urllib.parse import quote
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
