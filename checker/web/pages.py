"""The two result pages, rendered from a job's result: the citizen's report (result.html) and
the protocol staff's triage table (triage.html). Shared by the routes that check synchronously
and by the job pages (jobs.py) that show a result later."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app, render_template

from .. import profiles
from ..model import ROME
from . import i18n, present, report_view


def report_page(report: dict[str, Any], job_id: str | None = None) -> str:
    """The report; with its job id, the PDF link and until when the report stays at its address."""
    ttl = int(current_app.config.get("RESULT_TTL") or 3600)
    expires_at = ""
    if job_id and report.get("checked_at"):
        try:
            checked = datetime.fromisoformat(report["checked_at"])
            expires_at = (checked + timedelta(seconds=ttl)).astimezone(ROME).strftime("%H:%M")
        except ValueError:
            expires_at = ""
    return render_template("result.html", report=report, view=report_view.build(report, i18n.current()),
                           check_labels=present.check_labels(i18n.current()), job_id=job_id,
                           expires_at=expires_at, ttl_minutes=ttl // 60)


def triage_page(rows: list[dict[str, Any]] | None, summary: dict[str, Any] | None, chosen: str,
                error: str | None = None, status: int = 200) -> tuple[str, int]:
    return render_template("triage.html", profiles=profiles.load_all(), rows=rows or None,
                           summary=summary if rows else None, chosen=chosen, error=error), status
