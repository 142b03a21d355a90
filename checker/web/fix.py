"""«Correggi automaticamente»: GET /fix (the form), POST /fix (fix, check again, show the new
report), GET /fix/<token>/<name> (one corrected file) and /fix/<token>.zip (the set).

The report page keeps no files (uploads live only as long as their request), so its button
leads here and the user chooses the same files again: simple and honest. The fix itself is
checker.fix.fix_files. Its outputs are kept under a random token for TTL_SECONDS, or until
fixstore.MAX_JOBS newer jobs push them out, where every server process finds them
(checker/jobs/fixstore.py: Redis when REDIS_URL is set, else the runtime directory in
/dev/shm that all gunicorn workers share): a download may reach any worker. Nothing is
written to a disk: the store is RAM, and the conversions work in a private RAM directory
removed when each ends (checker/fix/workspace.py).
"""
from __future__ import annotations

import os
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request

from flask_babel import gettext as _

from .. import catalogue, profiles, report
from ..fix import FIXABLE_CODES, FixOutcome, fix_files
from ..jobs import fixstore
from . import i18n, present, report_view
from . import jobs as web_jobs
from .uploads import chosen_parts, clean_name, read_files

bp = Blueprint("fix", __name__)

TTL_SECONDS = int(os.environ.get("PEC_PRECHECK_FIX_TTL", "900"))


def store() -> fixstore.FixStore:
    """The app's store, made on first use in each process (after gunicorn's fork)."""
    found: fixstore.FixStore | None = current_app.extensions.get("pec_fix_store")
    if found is None:
        found = fixstore.store_for(web_jobs.runner().ledger.directory,
                                   current_app.config.get("REDIS_URL") or "")
        current_app.extensions["pec_fix_store"] = found
    return found


def _keep(outcome: FixOutcome) -> str:
    fixed = fixstore.FixedSet({f.output: f.data for f in outcome.files}, outcome.zip_bytes())
    return store().put(fixed, TTL_SECONDS)


def fixable(data: dict[str, Any]) -> list[str]:
    """The codes of a report (to_json) that have a mechanical fix: the button's reason."""
    found = {f["code"] for f in data.get("message", {}).get("findings", [])}
    for doc in data.get("documents", []):
        found |= {f["code"] for f in doc.get("findings", [])}
    return sorted(found & FIXABLE_CODES)


@bp.app_context_processor
def _globals() -> dict[str, Any]:
    return {"fixable_codes": fixable, "rule_title": rule_title}


def rule_title(code: str) -> str:
    """A rule code's title in the page's language (the fix table names codes)."""
    rule = catalogue.load().get(code)
    return i18n.rule_text(rule, "title") if rule else code


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
        return _page(400, error=_("Ufficio sconosciuto: %(office)s.", office=repr(profile)))
    parts = chosen_parts(request.files)
    limit = current_app.config["MAX_FILES"]
    if not parts:
        return _page(400, error=_("Scegli i file da correggere."), chosen=profile)
    if len(parts) > limit:
        return _page(400, error=_("Troppi file: al massimo %(limit)s per volta.", limit=limit), chosen=profile)
    files = read_files(parts)
    main = clean_name(request.form.get("main"), "") if request.form.get("main") else ""
    if main and main not in {f.name for f in files}:
        return _page(400, error=_("«%(name)s» non è tra i file scelti.", name=main), chosen=profile)
    web_jobs.wait_in_line()   # admitted before the body was read (memory); now a check slot
    outcome = fix_files(files, profile, main, current_app.config.get("CHECK_SETTINGS"))
    data = report.to_json(outcome.after)
    return _page(outcome=outcome, token=_keep(outcome), chosen=profile, report=data,
                 view=report_view.build(data, i18n.current()), check_labels=present.check_labels(i18n.current()))


@bp.get("/fix/<token>.zip")
def download_zip(token: str):
    data = store().zip(token)
    if data is None:
        abort(404)
    return Response(data, mimetype="application/zip",
                    headers={"Content-Disposition": "attachment; filename=pec-precheck-corretti.zip"})


@bp.get("/fix/<token>/<path:name>")
def download_file(token: str, name: str):
    data = store().file(token, name)
    if data is None:
        abort(404)
    # the names are filenames.safe_name's (ASCII) or the user's own, which the header quotes
    return Response(data, mimetype="application/octet-stream",
                    headers={"Content-Disposition": _disposition(name)})


def _disposition(name: str) -> str:
    from urllib.parse import quote
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
