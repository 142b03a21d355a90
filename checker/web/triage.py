"""Protocol staff triage on the web: GET/POST /triage (page) and POST /api/v1/triage (JSON).

Separate from the citizen form. Both take one or more .eml files in the multipart field
`files` (and an optional `profile`; default: the office the message was sent to) and give
one row per message — the same rows as `pec-precheck triage` (checker/triage/).
The JSON route is exempted from CSRF when the blueprint is registered (machine clients
post files; no cookie authorises anything here).
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request

from .. import profiles, triage
from ..mail.sources import RawItem
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


def _rows(profile: str | None) -> list[triage.TriageRow]:
    files = read_files(chosen_parts(request.files))
    items = [RawItem(f.name, f.data) for f in files]
    return list(triage.triage(items, profile=profile))


@bp.get("/triage")
def page():
    return render_template("triage.html", profiles=profiles.load_all(), rows=None, summary=None,
                           chosen="auto", error=None)


@bp.post("/triage")
def page_post():
    profile, error = _profile_arg()
    if not error and len(_all_parts()) > _max_messages():
        error = f"Troppi messaggi: al massimo {_max_messages()} per volta."
    rows = None if error else _rows(profile)
    if rows is not None and not rows:
        error = "Nessun messaggio ricevuto: scegli uno o più file .eml."
    status = 400 if error else 200
    return render_template("triage.html", profiles=profiles.load_all(),
                           rows=[r.to_json() for r in rows] if rows else None,
                           summary=triage.summary(rows) if rows else None,
                           chosen=profile or "auto", error=error), status


@bp.post("/api/v1/triage")
def api_triage():
    profile, error = _profile_arg()
    if error:
        return api_error(400, "unknown-profile", error, "Unknown profile.", profiles=list(profiles.load_all()))
    if len(_all_parts()) > _max_messages():
        limit = _max_messages()
        return api_error(400, "too-many-files", f"Troppi messaggi: al massimo {limit} per volta.",
                         f"Too many messages: at most {limit} at a time.")
    rows = _rows(profile)
    if not rows:
        return api_error(400, "no-files", "Nessun file ricevuto: invia i messaggi .eml nel campo «files».",
                         "No files received: send the .eml messages in the multipart field 'files'.")
    return jsonify([r.to_json() for r in rows])


def _all_parts() -> list:
    """Every file part sent (counted before reading any)."""
    return [s for field in FILE_FIELDS for s in request.files.getlist(field)]


bp.record_once(_exempt_api_from_csrf)
