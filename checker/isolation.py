"""Run untrusted-file parsing in bounded worker processes.

Each job (one check on one document) runs in its own process forked from a
forkserver that has already imported the checks, so a fork costs milliseconds.
The child caps its address space (RLIMIT_AS) and CPU time (RLIMIT_CPU) before
touching the file; the parent kills it at the wall-clock deadline. Whatever
happens in the child — an exception, MemoryError, a segfault in a C parser, an
endless loop — the caller gets a CheckResult, never an exception.
"""
from __future__ import annotations

import functools
import multiprocessing
import multiprocessing.connection
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, ForkServerProcess
import os
import resource
import signal
import time
import traceback
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable

from .model import CheckResult, Finding

DEFAULT_TIMEOUT = float(os.environ.get("PEC_PRECHECK_TIMEOUT", "30"))
DEFAULT_MEMORY_MB = int(os.environ.get("PEC_PRECHECK_MEMORY_MB", "1024"))
DEFAULT_WORKERS = int(os.environ.get("PEC_PRECHECK_WORKERS", str(max(2, os.cpu_count() or 2))))

# checks._trust_warm parses the trusted list once in the forkserver, for every worker
_PRELOAD = ["checker.checks", "checker.identify", "checker.checks._trust_warm"]


@functools.cache
def _ctx() -> ForkServerContext:
    """The forkserver context, started once per process with the checks preloaded."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)
    return ctx


@dataclass
class Job:
    """One bounded call: fn(*args) must return a CheckResult."""
    label: str                     # the check name, for findings
    fn: Callable[..., CheckResult]
    args: tuple
    timeout: float = DEFAULT_TIMEOUT
    memory_mb: int = DEFAULT_MEMORY_MB
    key: Any = None                # caller's handle to match results
    result: CheckResult | None = field(default=None, repr=False)
    seconds: float = 0.0


_OUT_OF_MEMORY_EXIT = 86  # the child could not even report its MemoryError


def _child(conn: Connection, fn: Callable[..., CheckResult], args: tuple, memory_mb: int,
           cpu_seconds: int) -> None:
    status: str = "error"
    payload: CheckResult | str | None = "worker failed before the check started"
    try:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        signal.signal(signal.SIGXCPU, signal.SIG_DFL)
        result = fn(*args)
        if not isinstance(result, CheckResult):
            raise TypeError(f"{fn.__name__} returned {type(result).__name__}, not CheckResult")
        status, payload = "ok", result
    except MemoryError:
        status, payload = "memory", None
    except BaseException as exc:  # noqa: BLE001 - everything becomes a finding
        status, payload = "error", "".join(traceback.format_exception_only(type(exc), exc)).strip()[:500]
    # Sent only here, after the except clauses: the exception's traceback (and whatever the
    # check had allocated in its frames) is released, so a MemoryError can still be reported.
    try:
        conn.send((status, payload))
    except MemoryError:
        os._exit(_OUT_OF_MEMORY_EXIT)
    finally:
        conn.close()


def _failure(job: Job, code: str, detail: str = "") -> CheckResult:
    args = {"check": job.label, "seconds": f"{job.timeout:g}", "limit_mb": str(job.memory_mb)}
    return CheckResult(findings=[Finding(code, detail=detail, args=args, check=job.label)])


def not_reached(label: str, seconds: float) -> CheckResult:
    """The finding for a check the submission's deadline did not leave time for (SYS009)."""
    return CheckResult(findings=[Finding(DEADLINE_CODE, args={"check": label, "seconds": f"{seconds:g}"},
                                         check=label)])


DEADLINE_CODE = "SYS009"


def run_jobs(jobs: list[Job], workers: int = DEFAULT_WORKERS, until: float | None = None,
             budget: float = 0.0) -> list[Job]:
    """Run jobs at most `workers` at a time; fill job.result for each. Never raises.

    `until` (time.monotonic()) is the submission's deadline, `budget` its length in seconds
    for the findings: a job not started by then is not run, a running one is stopped then;
    both get DEADLINE_CODE (not_checked) instead of their own time-out."""
    ctx = _ctx()
    pending = list(jobs)
    # conn -> (job, proc, started, deadline)
    running: dict[Connection, tuple[Job, ForkServerProcess, float, float]] = {}
    while pending or running:
        while pending and len(running) < workers:
            job = pending.pop(0)
            if until is not None and time.monotonic() >= until:
                job.result = not_reached(job.label, budget)
                continue
            parent_conn, child_conn = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_child, daemon=True,
                               args=(child_conn, job.fn, job.args, job.memory_mb,
                                     int(job.timeout) + 1))
            started = time.monotonic()
            try:
                proc.start()
            except OSError as exc:  # cannot fork: say so, do not crash the request
                job.result = _failure(job, "SYS003", f"worker: {exc}")
                continue
            child_conn.close()
            own = started + job.timeout
            running[parent_conn] = (job, proc, started, own if until is None else min(own, until))
        if not running:
            continue
        now = time.monotonic()
        next_deadline = min(d for (_, _, _, d) in running.values())
        ready = set(multiprocessing.connection.wait(list(running), timeout=max(0.0, next_deadline - now)))
        for conn in [c for c in running if c in ready]:
            job, proc, started, _ = running.pop(conn)
            status: str
            payload: CheckResult | str | None
            try:
                status, payload = conn.recv()
            except (EOFError, OSError):
                status, payload = "died", None
            conn.close()
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
            job.seconds = time.monotonic() - started
            if status == "ok" and isinstance(payload, CheckResult):
                job.result = payload
            elif status == "memory":
                job.result = _failure(job, "SYS002")
            elif status == "error":
                job.result = _failure(job, "SYS003", str(payload))
            else:
                job.result = _died(job, proc)
        now = time.monotonic()
        for conn, (job, proc, started, deadline) in list(running.items()):
            if now >= deadline:
                proc.kill()
                proc.join(timeout=5)
                conn.close()
                del running[conn]
                job.seconds = now - started
                own_deadline = started + job.timeout
                job.result = (not_reached(job.label, budget) if deadline < own_deadline
                              else _failure(job, "SYS001"))
    return jobs


def _noop() -> CheckResult:
    return CheckResult()


def warm_up() -> None:
    """Start the forkserver and import the checks in it now, so the first real request does
    not pay for it (about two seconds with every check preloaded)."""
    run_jobs([Job(label="warm-up", fn=_noop, args=(), timeout=60)])


def _died(job: Job, proc: ForkServerProcess) -> CheckResult:
    code = proc.exitcode
    if code == _OUT_OF_MEMORY_EXIT:
        return _failure(job, "SYS002")
    if code is not None and code < 0:
        sig = -code
        if sig in (signal.SIGXCPU, signal.SIGKILL):
            return _failure(job, "SYS001")
        return _failure(job, "SYS003", f"signal {signal.Signals(sig).name}")
    return _failure(job, "SYS003", f"exit status {code}")
