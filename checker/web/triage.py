"""Protocol staff triage on the web: GET/POST /triage (page) and POST /api/v1/triage (JSON).

Separate from the citizen form. Both take one or more .eml files in the multipart field
`files` (and an optional `profile`; default: the office the message was sent to) and give
one row per message — the same rows as `pec-precheck triage` (checker/triage/).
The page's table (triage_view.py) can be downloaded as CSV from the job's stored result:
GET /triage/<job id>.csv, for as long as the job's result is kept (the files never are).
The JSON route is exempted from CSRF when the blueprint is registered (machine clients
post files; no cookie authorises anything here).
"""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import jobs, profiles
from ..mail.sources import RawItem
from ..model import ROME
from . import jobs as web_jobs
from . import pages, triage_view
from .api import respond, wants_wait
from .responses import api_error
from .uploads import FILE_FIELDS, chosen_parts, read_files

bp = Blueprint("triage", __name__)

DEFAULT_MAX_MESSAGES = 100


def _exempt_api_from_csrf(state) -> None:
    csrf = state.app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(api_triage)


def _max_messages() -> int:
    return int(current_app.config.get("MAX_TRIAGE_FILES", DEFAULT_MAX_MESSAGES))


def _profile_arg() -> tuple[str | None, str | None]:
    """(profile or None for automatic, error message or None)."""
    wanted = (request.form.get("profile") or "").strip()
    if wanted in ("", "auto"):
        return None, None
    if wanted not in profiles.load_all():
        return None, f"Ufficio sconosciuto: {wanted!r}."
    return wanted, None


def _work(profile: str | None) -> jobs.Work:
    items = [RawItem(f.name, f.data) for f in read_files(chosen_parts(request.files))]
    return jobs.Work(kind=jobs.TRIAGE, items=items, profile=profile,
                     settings=current_app.config.get("CHECK_SETTINGS"))


@bp.get("/triage")
def page():
    return render_template("triage.html", profiles=profiles.load_all(), rows=None, summary=None,
                           chosen="auto", error=None)


@bp.post("/triage")
def page_post():
    profile, error = _profile_arg()
    if not error and len(_all_parts()) > _max_messages():
        error = _("Troppi messaggi: al massimo %(limit)s per volta.", limit=_max_messages())
    work = None if error else _work(profile)
    if work is not None and not work.items:
        error = _("Nessun messaggio ricevuto: scegli uno o più file .eml.")
    if error or work is None:
        return pages.triage_page(None, None, profile or "auto", error, 400)
    status = web_jobs.run(work, queued_grace=web_jobs.QUEUED_GRACE)
    if status["state"] != "done":
        return redirect(url_for("jobs.report_page", job_id=status["id"]), 303)
    g.triage_job = status["id"]  # the page links its CSV download to the job's stored rows
    return pages.triage_page(status["result"]["rows"], status["result"]["summary"], profile or "auto")


@bp.post("/api/v1/triage")
def api_triage():
    profile, error = _profile_arg()
    if error:
        return api_error(400, "unknown-profile", error, "Unknown profile.", profiles=list(profiles.load_all()))
    if len(_all_parts()) > _max_messages():
        limit = _max_messages()
        return api_error(400, "too-many-files", f"Troppi messaggi: al massimo {limit} per volta.",
                         f"Too many messages: at most {limit} at a time.")
    work = _work(profile)
    if not work.items:
        return api_error(400, "no-files", "Nessun file ricevuto: invia i messaggi .eml nel campo «files».",
                         "No files received: send the .eml messages in the multipart field 'files'.")
    return respond(web_jobs.run(work, wait=wants_wait()), rows_only=True)


@bp.get("/triage/<job_id>.csv")
def table_csv(job_id: str):
    """The triage table of a finished job as CSV, in the page's language."""
    found = web_jobs.runner().status(job_id)
    if found is None or found.get("kind") != jobs.TRIAGE or found.get("state") != "done":
        abort(404)
    stamp = datetime.now(ROME).strftime("%Y%m%d-%H%M")
    prefix = _("smistamento-pec")  # the file name in the page's language
    name = f"{prefix}-{stamp}.csv"
    return Response(triage_view.to_csv(found["result"]["rows"]), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


@bp.app_template_global()
def triage_csv_url() -> str | None:
    """The CSV of the table on this page: its job is the one just run (POST /triage) or the
    one in the address (/jobs/<id>/report)."""
    job_id = g.get("triage_job") or (request.view_args or {}).get("job_id")
    return url_for("triage.table_csv", job_id=job_id) if job_id else None


bp.add_app_template_global(triage_view.view_rows, "triage_view_rows")
bp.add_app_template_global(triage_view.filter_options, "triage_filter_options")


def _all_parts() -> list:
    """Every file part sent (counted before reading any)."""
    return [s for field in FILE_FIELDS for s in request.files.getlist(field)]


bp.record_once(_exempt_api_from_csrf)
