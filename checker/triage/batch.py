"""Triage of many messages: raw items → rows, in order, never stopping for a bad one.

Messages are read CHUNK at a time (at most CHUNK_BYTES, a larger one alone). Each chunk is
parsed, and its provider signatures verified, in bounded isolation workers, one job per
worker with a share of the chunk: parsing costs about a millisecond and a signature a few
tens, far less than a worker process, and the signatures' CPU is then spread over the
cores instead of this process. When such a shared job fails (a hostile message killed it,
or the time ran out) each of its messages is parsed again alone, in its own worker, and
its signature verified here, as before: a hostile message costs its worker, not its
neighbours' rows. Then the parsed messages are checked here, ROW_THREADS at a time (each
inner check schedules its own workers; a thread mostly waits for them), and the rows come
out in the items' order.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .. import catalogue, checks, isolation, profiles
from ..mail import sources
from ..mail.classify import MessageClass
from ..mail.reader import ParsedMessage, read_message
from ..mail.signature import verify
from ..mail.sources import RawItem
from ..model import CheckResult
from .rows import UNREAD_CODES, TriageRow, Verified, build_row, failed_row

# Fixed bounds, whatever the message's size: checker.mail.limits refuses, before parsing,
# the structures whose parse cost grows faster than the bytes (parts, nesting, encoded words).
PARSE_TIMEOUT = 30.0
CHUNK = 32                    # messages read ahead, parsed in parallel, then checked one by one
CHUNK_BYTES = 64 << 20        # ... holding at most this many bytes (a larger message alone)
ROW_THREADS = 2 * isolation.DEFAULT_WORKERS   # inner submissions checked at once


def _parse_job(data: bytes) -> CheckResult:
    return CheckResult(facts={"parsed": read_message(data)})


def _parse_share_job(messages: list[bytes], settings: dict[str, Any]) -> CheckResult:
    """Parse several messages and verify their provider signatures, in one worker."""
    out: list[tuple[ParsedMessage, Verified | None]] = []
    for data in messages:
        parsed = read_message(data)
        out.append((parsed, _verify(parsed, settings)))
    return CheckResult(facts={"parsed_share": out})


def _verify(parsed: ParsedMessage, settings: dict[str, Any]) -> Verified | None:
    """The provider signature's verdict, as build_row would verify it; None when it would not."""
    if parsed.classification.message_class is MessageClass.NOT_PEC:
        return None
    return verify(parsed.signature, parsed.signed_content, parsed.signed, settings)


def triage(items: Iterable[RawItem], profile: str | None = None,
           settings: dict[str, Any] | None = None,
           on_row: Callable[[TriageRow], None] | None = None) -> Iterator[TriageRow]:
    """Yield one row per item, in order. Never raises for a bad message."""
    settings = checks.settings_from_env() if settings is None else settings
    if profile:
        profiles.get(profile)  # an unknown profile is the caller's error: raise now
    with ThreadPoolExecutor(ROW_THREADS, thread_name_prefix="triage-row") as pool:
        for chunk in _chunks(items):
            yield from _triage_chunk(chunk, profile, settings, on_row, pool)


def _chunks(items: Iterable[RawItem]) -> Iterator[list[RawItem]]:
    batch: list[RawItem] = []
    held = 0
    for item in items:
        size = len(item.data or b"")
        if batch and held + size > CHUNK_BYTES:
            yield batch
            batch, held = [], 0
        batch.append(item)
        held += size
        if len(batch) >= CHUNK:
            yield batch
            batch, held = [], 0
    if batch:
        yield batch


def _triage_chunk(items: list[RawItem], profile, settings, on_row,
                  pool: ThreadPoolExecutor) -> Iterator[TriageRow]:
    readable = [i for i, item in enumerate(items) if item.data is not None]
    shares = [readable[n::isolation.DEFAULT_WORKERS] for n in range(isolation.DEFAULT_WORKERS)]
    jobs = [isolation.Job(label="pec-triage", fn=_parse_share_job, key=tuple(share),
                          args=([items[i].data for i in share], settings),
                          timeout=PARSE_TIMEOUT, memory_mb=isolation.DEFAULT_MEMORY_MB)
            for share in shares if share]
    isolation.run_jobs(jobs)
    by_index: dict[int, tuple[CheckResult | None, Verified | None]] = {}
    alone: list[isolation.Job] = []
    for job in jobs:
        got = job.result.facts.get("parsed_share") if job.result else None
        if isinstance(got, list) and len(got) == len(job.key):
            for i, (parsed, verified) in zip(job.key, got, strict=True):
                by_index[i] = (CheckResult(facts={"parsed": parsed}), verified)
            continue
        alone += [isolation.Job(label="pec-triage", fn=_parse_job, args=(items[i].data,), key=i,
                                timeout=PARSE_TIMEOUT, memory_mb=isolation.DEFAULT_MEMORY_MB)
                  for i in job.key]
    isolation.run_jobs(alone)
    by_index.update((job.key, (job.result, None)) for job in alone)
    def row_at(i: int) -> TriageRow:
        result, verified = by_index.get(i, (None, None))
        return _row_for(items[i], result, profile, settings, verified)

    for row in pool.map(row_at, range(len(items))):   # in order, as each is ready
        if on_row:
            on_row(row)
        yield row


def _row_for(item: RawItem, result: CheckResult | None, profile, settings,
             verified: Verified | None = None) -> TriageRow:
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
        return build_row(item.name, parsed, profile, settings, verified)
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
