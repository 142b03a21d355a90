"""Checks and triage batches as jobs, behind one admission control.

    admission  the ledger every process of a server shares: concurrent checks, upload bytes
               held in memory, the waiting queue (QueueFull → 503 with Retry-After)
    work       what a job does (engine check or triage batch) and how its input travels
    local      jobs run in this process, one thread each (the default)
    queue      jobs on Redis with RQ workers (REDIS_URL set): files travel in Redis with a TTL
    fixstore   the corrected files of /fix until downloaded: Redis, or RAM every worker sees

The same job id gives GET /jobs/<id> its status (queued with a position, running, done with
the result, failed) whichever runner holds it.

An application-level package: it may import checker.engine, report, triage and what they
import; only the interfaces (checker.web, app.py) import it.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Protocol

from .admission import HELD_PER_UPLOAD_BYTE, Ledger, Limits, QueueFull, default_directory, held_bytes
from .local import LocalJobs
from .work import CHECK, TRIAGE, Work, perform

__all__ = ["CHECK", "HELD_PER_UPLOAD_BYTE", "TRIAGE", "JobRunner", "Ledger", "Limits", "LocalJobs", "QueueFull", "Work",
           "held_bytes", "new_id", "perform", "runner_for"]


class JobRunner(Protocol):
    """What the web layer uses of LocalJobs and queue.QueueJobs."""
    mode: str
    ledger: Ledger

    def submit(self, job_id: str, job: Work) -> None: ...

    def status(self, job_id: str) -> dict[str, Any] | None: ...

    def wait(self, job_id: str, timeout: float | None = None,
             queued_grace: float | None = None) -> dict[str, Any] | None: ...


def new_id() -> str:
    """A job id that also serves as the report's address: not guessable."""
    return secrets.token_urlsafe(18)


def runner_for(directory: Path | None, limits: Limits, redis_url: str = "", deadline: float = 120.0,
               result_ttl: int = 3600) -> JobRunner:
    """The runner the settings ask for: QueueJobs on redis_url when given, else LocalJobs."""
    if directory is not None:
        Path(directory).mkdir(mode=0o700, parents=True, exist_ok=True)
    ledger = Ledger(Path(directory) if directory is not None else default_directory(), limits)
    if redis_url:
        from .queue import QueueJobs  # redis and rq are needed only in queue mode
        upload_ttl = int(os.environ.get("PEC_PRECHECK_UPLOAD_TTL", "") or 900)
        return QueueJobs(redis_url, ledger, job_timeout=deadline + 60, upload_ttl=upload_ttl,
                         result_ttl=result_ttl)
    return LocalJobs(ledger, result_ttl=result_ttl)
