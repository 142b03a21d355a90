"""Triage of many messages: raw items → rows, in order, never stopping for a bad one.

Parsing runs in bounded isolation workers, CHUNK messages at a time (a hostile message
costs its worker, not the batch); then each parsed message is checked here, one at a time
(the inner check schedules its own workers).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .. import catalogue, checks, isolation, profiles
from ..mail import sources
from ..mail.reader import ParsedMessage, read_message
from ..mail.sources import RawItem
from ..model import CheckResult
from .rows import UNREAD_CODES, TriageRow, build_row, failed_row

# Fixed bounds, whatever the message's size: checker.mail.limits refuses, before parsing,
# the structures whose parse cost grows faster than the bytes (parts, nesting, encoded words).
PARSE_TIMEOUT = 30.0
CHUNK = 8   # messages parsed in parallel, then checked one by one


def _parse_job(data: bytes) -> CheckResult:
    return CheckResult(facts={"parsed": read_message(data)})


def triage(items: Iterable[RawItem], profile: str | None = None,
           settings: dict[str, Any] | None = None,
           on_row: Callable[[TriageRow], None] | None = None) -> Iterator[TriageRow]:
    """Yield one row per item, in order. Never raises for a bad message."""
    settings = checks.settings_from_env() if settings is None else settings
    if profile:
        profiles.get(profile)  # an unknown profile is the caller's error: raise now
    batch: list[RawItem] = []
    for item in items:
        batch.append(item)
        if len(batch) >= CHUNK:
            yield from _triage_chunk(batch, profile, settings, on_row)
            batch = []
    if batch:
        yield from _triage_chunk(batch, profile, settings, on_row)


def _triage_chunk(items: list[RawItem], profile, settings, on_row) -> Iterator[TriageRow]:
    jobs = []
    for i, item in enumerate(items):
        if item.data is None:
            continue
        jobs.append(isolation.Job(label="pec-triage", fn=_parse_job, args=(item.data,), key=i,
                                  timeout=PARSE_TIMEOUT, memory_mb=isolation.DEFAULT_MEMORY_MB))
    isolation.run_jobs(jobs)
    by_index = {job.key: job.result for job in jobs}
    for i, item in enumerate(items):
        row = _row_for(item, by_index.get(i), profile, settings)
        if on_row:
            on_row(row)
        yield row


def _row_for(item: RawItem, result: CheckResult | None, profile, settings) -> TriageRow:
    if item.data is None:
        if item.too_large:
            return failed_row(item, "PEC012", item.problem or "",
                              {"limit_mb": f"{sources.MAX_MESSAGE_MB:g}"})
        return failed_row(item, "PEC013", item.problem or "")
    parsed = (result.facts.get("parsed") if result else None)
    if not isinstance(parsed, ParsedMessage):
        failure = result.findings[0] if result and result.findings else None
        why = catalogue.describe(failure, "it")["title"] if failure else "nessun risultato"
        if failure and failure.detail:
            why += f" — {failure.detail}"
        return failed_row(item, "PEC013", why)
    try:
        return build_row(item.name, parsed, profile, settings)
    except Exception as exc:  # noqa: BLE001 - one message must not stop the batch
        return failed_row(item, "PEC013", f"{type(exc).__name__}: {exc}"[:300])


def triage_bytes(name: str, data: bytes, profile: str | None = None,
                 settings: dict[str, Any] | None = None) -> TriageRow:
    return next(triage([RawItem(name, data)], profile, settings))


def summary(rows: list[TriageRow]) -> dict[str, Any]:
    """Counts for the end of a batch."""
    def count(values):
        out: dict[str, int] = {}
        for v in values:
            if v is not None:
                out[v] = out.get(v, 0) + 1
        return out
    return {
        "messages": len(rows),
        "classes": count(r.message_class for r in rows),
        "receipt_types": count(r.receipt_type for r in rows),
        "errors": count(r.error for r in rows),
        "verdicts": count(r.verdict for r in rows),
        "with_problems": sum(1 for r in rows if r.problems),
        "unreadable": sum(1 for r in rows if any(f.code in UNREAD_CODES for f in r.findings)),
        "statuses": count(r.assessment()["status"] for r in rows),
    }
