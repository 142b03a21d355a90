"""The two result pages, rendered from a job's result: the citizen's report (result.html) and
the protocol staff's triage table (triage.html). Shared by the routes that check synchronously
and by the job pages (jobs.py) that show a result later."""
from __future__ import annotations

from typing import Any

from flask import render_template

from .. import profiles
from . import present


def report_page(report: dict[str, Any]) -> str:
    return render_template("result.html", report=report, tree=present.document_tree(report["documents"]),
                           check_labels=present.check_labels())


def triage_page(rows: list[dict[str, Any]] | None, summary: dict[str, Any] | None, chosen: str,
                error: str | None = None, status: int = 200) -> tuple[str, int]:
    return render_template("triage.html", profiles=profiles.load_all(), rows=rows or None,
                           summary=summary if rows else None, chosen=chosen, error=error), status
