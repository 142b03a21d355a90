"""Run untrusted-file parsing in bounded worker processes.

A job is one worker process that runs a *plan*: a generator that yields Steps (one check
on one document each) and is sent each step's result, so the engine can run identification
and then every check of the document's format in one process (one fork, one copy of the
file, one parse shared by the steps). A plain Job (fn, args) is a plan of one step.

Before each step the child caps its address space (RLIMIT_AS) and CPU time (RLIMIT_CPU),
and tells the parent, which kills it at the step's wall-clock deadline. Each step's result
goes back over the pipe as soon as it is done. Whatever happens in a step — an exception,
MemoryError, a segfault in a C parser, an endless loop — becomes that step's CheckResult
(SYS001/2/3); the steps already done keep their results, and the ones after it run in a
fresh worker (the plan is replayed there with the results known so far). The caller never
gets an exception.

Workers are forked from a forkserver that has already imported every check and what they
import lazily, so a worker never imports — not even the parent's `__main__` script, which
multiprocessing would run again in every forkserver worker (gunicorn's, pytest's, the
console script's; a worker's target and plans are never defined there). An InputFile reaches a forkserver worker as an
anonymous memory file (memfd, never on disk) written once and passed as a file descriptor,
not pickled into each job. A single-threaded command-line process forks its workers itself
(forking()): they inherit the parent's imports and the files' bytes, copy-on-write, and each
goes on to the submission's next document until it is retired (MAX_JOBS_PER_WORKER).
"""
from __future__ import annotations

import contextlib
import functools
import logging
import mmap
import multiprocessing
import multiprocessing.connection
import os
import resource
import signal
import threading
import time
import traceback
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing import reduction
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from typing import Any

from .model import CheckResult, Finding, InputFile
from .workerstart import ForkServerWorker

DEFAULT_TIMEOUT = float(os.environ.get("PEC_PRECHECK_TIMEOUT", "30"))
DEFAULT_MEMORY_MB = int(os.environ.get("PEC_PRECHECK_MEMORY_MB", "1024"))
DEFAULT_WORKERS = int(os.environ.get("PEC_PRECHECK_WORKERS", str(max(2, os.cpu_count() or 2))))

# checks._preload imports what the checks import lazily (pyHanko's validation, pypdf, ...);
# checks._trust_warm parses the trusted list once; checker.engine holds the document plan
_PRELOAD = ["checker.checks", "checker.identify", "checker.checks._preload",
            "checker.checks._trust_warm", "checker.engine"]

_START_METHOD = {"fork": False}   # inside forking()

# A command-line run preloads the checks but not _trust_warm: its trusted list may be another
# (--trust), and its workers, reused from document to document, load the one they need once.
_CLI_PRELOAD = [name for name in _PRELOAD if name != "checker.checks._trust_warm"]

# A forked worker (forking()) goes on to the submission's next document instead of exiting:
# a fresh worker pays ~10 ms a document in copy-on-write faults on the first touch of the
# parent's code and data (refcounts), more than identifying and checking a small PDF takes.
# It is retired after MAX_JOBS_PER_WORKER documents, after any failed step (killed), or once
# its address space has grown RETIRE_GROWTH_BYTES past what it was forked with, so a step's
# memory limit keeps meaning what it says. The documents of one submission are one
# sender's: no other user's file ever shares a worker.
MAX_JOBS_PER_WORKER = 16
RETIRE_GROWTH_BYTES = 64 << 20
_IDLE_SECONDS = 30.0  # a worker waiting for its next document longer than this exits


# What a worker checking a PDF imports beyond the checks themselves (pypdf for the text, the
# pre-filter that finds no signature): the command line preloads just this for a submission
# of PDFs (preload_for), not pyHanko's validation, lxml, oletools' plugins...
_PDF_ONLY_PRELOAD = ["checker.checks", "checker.identify", "checker.engine", "checker.pdfscan.text",
                     "pypdf", "pypdf.generic", "pypdf.errors", "pypdf.filters", "pypdf._codecs._codecs",
                     "checker.signatures.sniff"]


def preload_for(files: Sequence[InputFile]) -> list[str]:
    """What to import before forking the workers of these files: only a hint (a worker
    imports whatever else it needs, at its own cost), read from the bytes without parsing
    them. When every file is a PDF or carries one in its first KB (a signed PDF, a .p7m):
    the PDF set. The signature stack (~0.4 s to import) is then imported by the worker that
    validates, alongside the others, instead of by this process before any worker starts
    (measured on a typical submission with a .p7m: 0.9–1.0 s → 0.4–0.55 s before the first fork). Anything
    else: every check, as the forkserver preloads them (not its trusted list)."""
    if files and all(b"%PDF-" in f.data[:1024] for f in files):
        return _PDF_ONLY_PRELOAD
    return _CLI_PRELOAD


@contextlib.contextmanager
def forking(preload: Sequence[str] | None = None) -> Iterator[None]:
    """Within it, fork workers from this process instead of the forkserver: for a command-line
    run, which is single-threaded (checked at each run: with other threads alive the
    forkserver is used after all). Preloads here the checks the forkserver would, or `preload`
    (preload_for(files): what the submission's workers will need)."""
    import gc
    import importlib
    for name in _CLI_PRELOAD if preload is None else preload:
        importlib.import_module(name)
    # what is imported lives as long as the process: out of the collector's sight, a
    # worker's collections do not touch (and so copy) every inherited page
    gc.freeze()
    _START_METHOD["fork"] = True
    try:
        yield
    finally:
        _START_METHOD["fork"] = False


@functools.cache
def _forkserver() -> BaseContext:
    """The forkserver context, started once per process with the checks preloaded."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)
    return ctx


def _ctx() -> BaseContext:
    if _START_METHOD["fork"] and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return _forkserver()


@dataclass
class Step:
    """One bounded call inside a job's worker: fn(*args) must return a CheckResult."""
    label: str                     # the check name, for findings
    fn: Callable[..., CheckResult]
    args: tuple
    timeout: float = DEFAULT_TIMEOUT
    memory_mb: int = DEFAULT_MEMORY_MB
    # the plan reads this step's result (identification → which checks follow): a worker
    # that replays the plan after a crash is given the real result, not a placeholder
    feeds_plan: bool = False


# A plan: called with the job's args in the worker, yields Steps, is sent each step's
# CheckResult (None when the step failed). Must be a module-level generator function.
Plan = Callable[..., Generator[Step, CheckResult | None, None]]


@dataclass
class Job:
    """One worker. Either fn(*args) -> CheckResult (one step, `label`), or a plan(*args)."""
    label: str                     # the check name, for findings (the first step's, for a plan)
    fn: Callable[..., CheckResult] | None
    args: tuple
    timeout: float = DEFAULT_TIMEOUT
    memory_mb: int = DEFAULT_MEMORY_MB
    key: Any = None                # caller's handle to match results
    result: CheckResult | None = field(default=None, repr=False)
    seconds: float = 0.0
    plan: Plan | None = None
    # per step label, in the order finished: the result, the seconds it took
    results: dict[str, CheckResult] = field(default_factory=dict, repr=False)
    timings: dict[str, float] = field(default_factory=dict)
    finished: bool = False         # the plan ran to its end
    # the plan stopped early because of the submission's deadline (not a crash): the steps
    # it did not reach are the caller's to report as not reached
    deadline_hit: bool = False
    failed: set[str] = field(default_factory=set, repr=False)   # steps that ended in SYS00x
    feeds: set[str] = field(default_factory=set, repr=False)    # steps whose result the plan reads
    # told each step's label as its result arrives (the web's progress display); never raises
    on_step: Callable[[Job, str], None] | None = field(default=None, repr=False)


def _single(label: str, fn: Callable[..., CheckResult], args: tuple, timeout: float,
            memory_mb: int) -> Generator[Step, CheckResult | None, None]:
    yield Step(label, fn, args, timeout, memory_mb)


_OUT_OF_MEMORY_EXIT = 86  # the child could not even report its MemoryError
_BETWEEN_STEPS = 30.0     # seconds the plan itself may take from one step to the next


# ---------------------------------------------------------------- files shared by memfd

class _SharedFile:
    """An InputFile whose bytes sit in an anonymous memory file: pickled (for the forkserver)
    as its fd, which multiprocessing passes to the child over the forkserver's socket."""

    def __init__(self, file: InputFile, fd: int) -> None:
        self.file, self.fd = file, fd

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        f = self.file
        return (_open_shared, (reduction.DupFd(self.fd), len(f.data), f.name, f.parent, f.depth,
                               f.sent_name))


def _open_shared(dup: Any, size: int, name: str, parent: str | None, depth: int,
                 sent_name: str) -> InputFile:
    fd = dup.detach()
    try:
        if size == 0:
            return InputFile(name, b"", parent, depth, sent_name)
        with mmap.mmap(fd, size, prot=mmap.PROT_READ) as view:
            return InputFile(name, view[:], parent, depth, sent_name)
    finally:
        os.close(fd)


class _Memfds:
    """The memory files of one worker's start: written once, closed by the parent as soon as
    the worker has been started (it holds its own descriptor, which it closes once it has read
    the bytes: the kernel frees the file then)."""

    def __init__(self) -> None:
        self.fds: list[int] = []

    def share(self, args: tuple) -> tuple:
        return tuple(self._one(a) if isinstance(a, InputFile) else a for a in args)

    def _one(self, file: InputFile) -> _SharedFile:
        fd = os.memfd_create("pec-precheck", os.MFD_CLOEXEC)
        self.fds.append(fd)
        view = memoryview(file.data)
        while view:
            view = view[os.write(fd, view):]
        return _SharedFile(file, fd)

    def close(self) -> None:
        for fd in self.fds:
            os.close(fd)
        self.fds.clear()


# ---------------------------------------------------------------- the worker

def _limit(memory_mb: int, cpu_seconds: int) -> None:
    """Cap this step: address space, and CPU time from what the process used so far."""
    hard_as = resource.getrlimit(resource.RLIMIT_AS)[1]
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard_as == resource.RLIM_INFINITY else min(limit, hard_as),
                                            hard_as))
    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = int(used.ru_utime + used.ru_stime) + 1
    hard_cpu = resource.getrlimit(resource.RLIMIT_CPU)[1]
    soft = spent + cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU, (soft if hard_cpu == resource.RLIM_INFINITY else min(soft, hard_cpu),
                                             hard_cpu))


def _unlimit() -> None:
    for which in (resource.RLIMIT_AS, resource.RLIMIT_CPU):
        resource.setrlimit(which, (resource.getrlimit(which)[1],) * 2)


def _run_step(step: Step) -> tuple[str, CheckResult | str | None]:
    try:
        _limit(step.memory_mb, int(step.timeout) + 1)
        result = step.fn(*step.args)
        if not isinstance(result, CheckResult):
            name = getattr(step.fn, "__name__", "check")
            raise TypeError(f"{name} returned {type(result).__name__}, not CheckResult")
        return "ok", result
    except MemoryError:
        return "memory", None
    except BaseException as exc:  # noqa: BLE001 - everything becomes a finding
        return "error", "".join(traceback.format_exception_only(type(exc), exc)).strip()[:500]


def _steps(conn: Connection, plan: Plan, args: tuple, replay: dict[str, CheckResult | None]) -> None:
    """Run one plan to its end, telling the parent as each step starts and ends."""
    steps = plan(*args)
    with contextlib.suppress(StopIteration):
        step = next(steps)
        while True:
            if step.label in replay:
                step = steps.send(replay[step.label])
                continue
            conn.send(("start", step.label, step.timeout, step.memory_mb, step.feeds_plan, time.monotonic()))
            status, payload = _run_step(step)
            # Sent only here, after the step's except clauses: its traceback (and whatever it
            # had allocated in its frames) is released, so a MemoryError can still be reported.
            # The clock is the system's monotonic one, the same in the parent.
            conn.send(("done", step.label, status, payload, time.monotonic()))
            _unlimit()
            step = steps.send(payload if status == "ok" else None)  # type: ignore[arg-type]


def _child_setup() -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXCPU, signal.SIG_DFL)


def _child(conn: Connection, plan: Plan, args: tuple, replay: dict[str, CheckResult | None]) -> None:
    """A forkserver worker: one job."""
    _child_setup()
    try:
        _steps(conn, plan, args, replay)
        conn.send(("end",))
    except MemoryError:
        os._exit(_OUT_OF_MEMORY_EXIT)
    finally:
        conn.close()


def _plan_of(job: Job, args: tuple | None = None) -> tuple[Plan, tuple]:
    """The job's plan and what to call it with (`args`: the job's, or a stand-in for them)."""
    args = job.args if args is None else args
    if job.plan is not None:
        return job.plan, args
    assert job.fn is not None
    return _single, (job.label, job.fn, args, job.timeout, job.memory_mb)


def _address_space() -> int:
    """Bytes of this process's address space (what RLIMIT_AS limits)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[0]) * mmap.PAGESIZE
    except (OSError, ValueError, IndexError):
        return 1 << 62  # unknown: never reused


def _serve(conn: Connection, table: Sequence[Job], index: int, replay: dict[str, CheckResult | None]) -> None:
    """A forked worker: table[index], then whichever job of the same table the parent sends
    next ("run", index, replay), until it is retired (see MAX_JOBS_PER_WORKER). The jobs'
    files are in the memory it was forked with: only an index crosses the pipe."""
    _child_setup()
    base = _address_space()
    try:
        served = 0
        while True:
            plan, args = _plan_of(table[index])
            _steps(conn, plan, args, replay)
            del plan, args
            served += 1
            reusable = served < MAX_JOBS_PER_WORKER and _address_space() - base < RETIRE_GROWTH_BYTES
            conn.send(("end", reusable))
            if not reusable or not conn.poll(_IDLE_SECONDS):
                return
            message = conn.recv()
            if message[0] != "run":
                return
            _, index, replay = message
    except MemoryError:
        os._exit(_OUT_OF_MEMORY_EXIT)
    except (EOFError, OSError):  # the parent is gone
        return
    finally:
        conn.close()


# ---------------------------------------------------------------- the parent

def _failure(label: str, code: str, timeout: float, memory_mb: int, detail: str = "") -> CheckResult:
    args = {"check": label, "seconds": f"{timeout:g}", "limit_mb": str(memory_mb)}
    return CheckResult(findings=[Finding(code, detail=detail, args=args, check=label)])


def not_reached(label: str, seconds: float) -> CheckResult:
    """The finding for a check the submission's deadline did not leave time for (SYS009)."""
    return CheckResult(findings=[Finding(DEADLINE_CODE, args={"check": label, "seconds": f"{seconds:g}"},
                                         check=label)])


DEADLINE_CODE = "SYS009"


@dataclass
class _Running:
    """A live worker and the step it is in (None before its first step / between steps)."""
    job: Job
    proc: Any
    started: float
    deadline: float
    step: tuple[str, float, int] | None = None    # label, timeout, memory_mb
    step_started: float = 0.0
    index_of: dict[int, int] | None = None        # a forked worker's table: id(job) -> index


def run_jobs(jobs: list[Job], workers: int = DEFAULT_WORKERS, until: float | None = None,
             budget: float = 0.0) -> list[Job]:
    """Run jobs at most `workers` at a time; fill job.results (and job.result, a plain job's
    one result) for each. Never raises.

    `until` (time.monotonic()) is the submission's deadline, `budget` its length in seconds
    for the findings: a job not started by then is not run, a running step is stopped then;
    both get DEADLINE_CODE (not_checked) instead of their own time-out."""
    ctx = _ctx()
    pending = list(jobs)
    running: dict[Connection, _Running] = {}
    # forked workers take the next job themselves (_serve); forkserver ones run one each
    index_of = {id(job): i for i, job in enumerate(jobs)} if ctx.get_start_method() == "fork" else None
    while pending or running:
        while pending and len(running) < workers:
            job = pending.pop(0)
            if until is not None and time.monotonic() >= until:
                _give_up(job, not_reached(job.label, budget))
                continue
            _start(ctx, job, running, until, jobs, index_of)
        if not running:
            continue
        now = time.monotonic()
        next_deadline = min(r.deadline for r in running.values())
        ready = multiprocessing.connection.wait(list(running), timeout=max(0.0, next_deadline - now))
        for conn in ready:
            assert isinstance(conn, Connection)
            _read(conn, running, pending, until)
        now = time.monotonic()
        for conn, run in list(running.items()):
            if now >= run.deadline:
                _stop(conn, running, pending, until, budget)
    for job in jobs:
        if job.plan is None:
            job.result = job.results.get(job.label) or job.result
    return jobs


def _record(job: Job, label: str, result: CheckResult) -> None:
    """A step's result, kept and told to the job's on_step hook."""
    job.results[label] = result
    if job.on_step is not None:
        try:
            job.on_step(job, label)
        except Exception:  # noqa: BLE001 - a failing progress display never stops a check
            logging.getLogger(__name__).exception("progress hook failed")


def _give_up(job: Job, result: CheckResult, deadline: bool = True) -> None:
    """The job's next step cannot run: a plain job gets `result`; a plan job is left with
    the steps it finished (the caller fills in the ones it expected)."""
    job.deadline_hit = job.deadline_hit or deadline
    if job.plan is None or not job.results:
        _record(job, job.label, result)
        job.result = result


def _replay(job: Job) -> dict[str, CheckResult | None]:
    """A worker that goes on after a failed step replays the steps done: the plan is sent
    the results it reads, a placeholder for the others, None for the failed ones."""
    return {label: (None if label in job.failed else result if label in job.feeds else CheckResult())
            for label, result in job.results.items()}


def _start(ctx: BaseContext, job: Job, running: dict[Connection, _Running], until: float | None,
           table: Sequence[Job] = (), index_of: dict[int, int] | None = None) -> None:
    replay = _replay(job)
    if index_of is not None:  # forked: inherits the files' bytes and the whole table
        parent_conn, child_conn = ctx.Pipe(duplex=True)
        proc = ctx.Process(target=_serve, daemon=True,  # type: ignore[attr-defined]
                           args=(child_conn, table, index_of[id(job)], replay))
        shared = None
    else:  # a forkserver's worker gets each file through a memfd
        shared = _Memfds()
        plan, args = _plan_of(job, shared.share(job.args))
        parent_conn, child_conn = ctx.Pipe(duplex=False)
        proc = ForkServerWorker(target=_child, daemon=True, args=(child_conn, plan, args, replay))
    try:
        proc.start()   # the first call also starts the forkserver (imports): not the job's time
    except OSError as exc:  # cannot fork: say so, do not crash the request
        child_conn.close()
        parent_conn.close()
        _give_up(job, _failure(job.label, "SYS003", job.timeout, job.memory_mb, f"worker: {exc}"),
                 deadline=False)
        return
    finally:
        if shared is not None:
            shared.close()
    started = time.monotonic()
    child_conn.close()
    own = started + job.timeout
    running[parent_conn] = _Running(job, proc, started, own if until is None else min(own, until),
                                    index_of=index_of)


def _read(conn: Connection, running: dict[Connection, _Running], pending: list[Job],
          until: float | None) -> None:
    run = running[conn]
    job = run.job
    try:
        message = conn.recv()
    except (EOFError, OSError):
        _ended(conn, running, pending, until, died=True)
        return
    now = time.monotonic()
    if message[0] == "start":
        _, label, timeout, memory_mb, feeds, began = message
        run.step, run.step_started = (label, timeout, memory_mb), began
        if feeds:
            job.feeds.add(label)
        own = began + timeout
        run.deadline = own if until is None else min(own, until)
    elif message[0] == "done":
        _, label, status, payload, ended = message
        assert run.step is not None
        _, timeout, memory_mb = run.step
        job.timings[label] = ended - run.step_started
        if job.timings[label] > timeout:  # finished, but after its time: not accepted
            job.failed.add(label)
            _record(job, label, _failure(label, "SYS001", timeout, memory_mb))
        elif status == "ok" and isinstance(payload, CheckResult):
            _record(job, label, payload)
        else:
            job.failed.add(label)
            _record(job, label, (_failure(label, "SYS002", timeout, memory_mb) if status == "memory"
                                  else _failure(label, "SYS003", timeout, memory_mb, str(payload))))
        run.step = None
        own = now + _BETWEEN_STEPS
        run.deadline = own if until is None else min(own, until)
    else:  # "end" (a forked worker adds whether it can take another job)
        job.finished = True
        if len(message) > 1 and message[1] and _next_job(conn, run, pending, until):
            return
        if len(message) > 1 and message[1]:
            with contextlib.suppress(OSError):
                conn.send(("stop",))
        _ended(conn, running, pending, until, died=False)


def _next_job(conn: Connection, run: _Running, pending: list[Job], until: float | None) -> bool:
    """Give the worker that just finished a job the next pending one; False if there is none
    (or the submission's deadline passed: the main loop reports the rest not reached)."""
    now = time.monotonic()
    if not pending or run.index_of is None or (until is not None and now >= until):
        return False
    job = pending[0]
    try:
        conn.send(("run", run.index_of[id(job)], _replay(job)))
    except OSError:
        return False
    pending.pop(0)
    run.job.seconds += now - run.started
    own = now + job.timeout
    run.job, run.started, run.step = job, now, None
    run.deadline = own if until is None else min(own, until)
    return True


def _ended(conn: Connection, running: dict[Connection, _Running], pending: list[Job],
           until: float | None, died: bool) -> None:
    run = running.pop(conn)
    conn.close()
    run.proc.join(timeout=5)
    if run.proc.is_alive():
        run.proc.kill()
        run.proc.join(timeout=5)
    job = run.job
    job.seconds += time.monotonic() - run.started
    if not died or job.finished:
        return
    if run.step is None and job.results:  # between two steps, in the plan itself: stop there
        return
    label, timeout, memory_mb = run.step or (job.label, job.timeout, job.memory_mb)
    job.failed.add(label)
    job.timings[label] = time.monotonic() - (run.step_started if run.step else run.started)
    _record(job, label, _died(label, timeout, memory_mb, run.proc.exitcode))
    _again(job, pending, until, first=run.step is None)


def _stop(conn: Connection, running: dict[Connection, _Running], pending: list[Job],
          until: float | None, budget: float) -> None:
    """The running step's deadline passed: kill the worker; its own time-out is SYS001, the
    submission's deadline SYS009; the plan goes on in a new worker unless the deadline passed."""
    run = running.pop(conn)
    run.proc.kill()
    run.proc.join(timeout=5)
    conn.close()
    job = run.job
    now = time.monotonic()
    job.seconds += now - run.started
    if run.step is None and job.results:  # stuck in the plan itself, between two steps
        job.deadline_hit = until is not None and now >= until
        return
    label, timeout, memory_mb = run.step or (job.label, job.timeout, job.memory_mb)
    began = run.step_started if run.step else run.started
    job.timings[label] = now - began
    job.failed.add(label)
    if until is not None and now >= until and began + timeout > until:
        _record(job, label, not_reached(label, budget))
        job.deadline_hit = True
        return
    _record(job, label, _failure(label, "SYS001", timeout, memory_mb))
    _again(job, pending, until, first=False)


def _again(job: Job, pending: list[Job], until: float | None, first: bool) -> None:
    """Run the rest of a plan in a new worker (the failed step is replayed as failed)."""
    if job.plan is None or first:
        return
    if until is not None and time.monotonic() >= until:
        job.deadline_hit = True
        return
    pending.insert(0, job)


def _noop() -> CheckResult:
    return CheckResult()


def warm_up() -> None:
    """Start the forkserver and import the checks in it now, so the first real request does
    not pay for it (about two seconds with every check preloaded)."""
    run_jobs([Job(label="warm-up", fn=_noop, args=(), timeout=60)])


def _died(label: str, timeout: float, memory_mb: int, code: int | None) -> CheckResult:
    if code == _OUT_OF_MEMORY_EXIT:
        return _failure(label, "SYS002", timeout, memory_mb)
    if code is not None and code < 0:
        sig = -code
        if sig in (signal.SIGXCPU, signal.SIGKILL):
            return _failure(label, "SYS001", timeout, memory_mb)
        return _failure(label, "SYS003", timeout, memory_mb, f"signal {signal.Signals(sig).name}")
    return _failure(label, "SYS003", timeout, memory_mb, f"exit status {code}")
