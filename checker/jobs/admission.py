"""One admission control for the whole process tree: how many checks run at once, how many
upload bytes are held in memory, how many submissions wait, across every gunicorn worker
and thread.

The state is a small JSON ledger in a runtime directory (RAM-backed /dev/shm when there is
one), read and written under an flock. Every process that shares the directory shares the
limits: under gunicorn the master creates it before forking (gunicorn.conf.py), so all
workers see one ledger. Each entry names the process holding it (pid and start time, so a
recycled pid is not mistaken for it): entries of a process that died — a worker killed by
gunicorn, OOM, a crash — are dropped by the next process that reads the ledger, so a dead
worker never keeps a slot or its bytes.

A ticket's life:  enter() (bytes reserved, in the queue; QueueFull → 503)  →  wait_turn()
(FIFO: the oldest waiting ticket runs when a check slot is free)  →  leave().
"""
from __future__ import annotations

import atexit
import contextlib
import fcntl
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MB = 1024 * 1024
# Memory the server holds per byte of an upload while the request lives: the web worker's
# copies (the request body, the parsed form parts, the submission's bytes) and the check
# processes' copies together. Measured by `bench/load_bench.py --memory` (README "Memory
# under attack", bench/results/memory_bench.md): one 90 MB upload alone raised the process
# tree's peak memory (PSS) by 4.15 × 90 MB (6.3 × for a 20 MB one: fixed costs weigh more),
# rounded up to 4.5. Lower it, and measure again, once the server keeps one copy of an
# upload (memfd to the check workers).
HELD_PER_UPLOAD_BYTE = 4.5
POLL_SECONDS = (0.02, 0.25)  # first and longest pause between looks at the ledger


@dataclass(frozen=True)
class Limits:
    max_checks: int = 4             # submissions checked at once (each runs its own workers)
    max_bytes: int = 512 * MB       # memory held for uploads (held_bytes), waiting and running
    queue: int = 50                 # submissions waiting for a check slot
    retry_after: int = 10           # seconds a refused client is told to wait, at the least

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Limits:
        env = os.environ if environ is None else environ

        def number(name: str, default: float) -> float:
            value = (env.get(name) or "").strip()
            return float(value) if value else default

        return cls(max_checks=max(1, int(number("PEC_PRECHECK_MAX_CHECKS", cls.max_checks))),
                   max_bytes=int(number("PEC_PRECHECK_MAX_BYTES_MB", cls.max_bytes / MB) * MB),
                   queue=max(0, int(number("PEC_PRECHECK_QUEUE", cls.queue))),
                   retry_after=max(1, int(number("PEC_PRECHECK_RETRY_AFTER", cls.retry_after))))


def held_bytes(upload_bytes: int) -> int:
    """The memory an upload of this size holds in the server (what the ledger reserves)."""
    return int(upload_bytes * HELD_PER_UPLOAD_BYTE)


class QueueFull(Exception):
    """No room: the caller answers 503 with Retry-After: retry_after."""

    def __init__(self, reason: str, retry_after: int) -> None:
        super().__init__(reason)
        self.reason = reason            # "queue" (too many waiting) or "memory" (too many bytes)
        self.retry_after = retry_after


def process_start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (/proc/<pid>/stat field 22), or
    None when no such process exists: with the pid, it names one process for good."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name (field 2) may hold spaces and parentheses: split after its last ")"
    return stat.rpartition(")")[2].split()[19]


def default_directory() -> Path:
    """PEC_PRECHECK_RUNTIME_DIR, else a new private directory in RAM (/dev/shm) or /tmp."""
    named = os.environ.get("PEC_PRECHECK_RUNTIME_DIR", "").strip()
    if named:
        path = Path(named)
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        return path
    base = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    path = Path(tempfile.mkdtemp(prefix="pec-precheck-", dir=base))
    atexit.register(_remove_if_creator, path, os.getpid())
    return path


def _remove_if_creator(path: Path, creator: int) -> None:
    """Forked children (gunicorn workers) exit too: only the process that made it removes it."""
    if os.getpid() == creator:
        shutil.rmtree(path, ignore_errors=True)


class Ledger:
    """The shared admission state (see the module docstring)."""

    def __init__(self, directory: Path, limits: Limits) -> None:
        self.directory = directory
        self.limits = limits
        self._state = directory / "admission.json"
        self._lock = directory / "admission.lock"
        self._me = (os.getpid(), process_start_time(os.getpid()))

    # --- the ledger file -----------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict[str, Any]]:
        """The state, locked against every other process and thread; saved on exit."""
        # a new open file description per call: flock then excludes this process's other
        # threads as well as other processes
        with open(self._lock, "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                try:
                    state = json.loads(self._state.read_text() or "{}")
                except (OSError, ValueError):
                    state = {}
                state.setdefault("seq", 0)
                state.setdefault("entries", [])
                before = json.dumps(state, sort_keys=True)
                _drop_dead(state)
                yield state
                after = json.dumps(state, sort_keys=True)
                if after != before:
                    tmp = self._state.with_suffix(".tmp")
                    tmp.write_text(after)
                    os.replace(tmp, self._state)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _owner(self) -> tuple[int, str | None]:
        pid = os.getpid()
        if pid != self._me[0]:   # forked since: the ledger object came from the master
            self._me = (pid, process_start_time(pid))
        return self._me

    # --- tickets -------------------------------------------------------------------------

    def enter(self, ticket: str, nbytes: int) -> None:
        """Reserve nbytes of memory (held_bytes of the upload) and join the queue, or raise
        QueueFull. One request larger than the whole budget is still let in when nothing else
        holds memory (the upload limit bounds it)."""
        pid, started = self._owner()
        with self._locked() as state:
            entries = state["entries"]
            waiting = sum(1 for e in entries if e["state"] == "queued")
            held = sum(e["bytes"] for e in entries)
            if waiting >= self.limits.queue and self._free_slots(entries) == 0:
                raise QueueFull("queue", self.retry_after_for(waiting))
            if held and held + nbytes > self.limits.max_bytes:
                raise QueueFull("memory", self.retry_after_for(waiting))
            state["seq"] += 1
            entries.append({"id": ticket, "pid": pid, "started": started, "bytes": int(nbytes),
                            "state": "queued", "seq": state["seq"], "since": time.time()})
            _admit(state, self.limits.max_checks)

    def set_bytes(self, ticket: str, nbytes: int) -> None:
        """The bytes really held (the body's size once read, 0 once the files left for Redis)."""
        with self._locked() as state:
            for e in state["entries"]:
                if e["id"] == ticket:
                    e["bytes"] = int(nbytes)

    def position(self, ticket: str) -> int | None:
        """0: running; n ≥ 1: n-th in line; None: not in the ledger (finished or unknown)."""
        with self._locked() as state:
            _admit(state, self.limits.max_checks)
            return _position(state["entries"], ticket)

    def wait_turn(self, ticket: str, timeout: float | None = None) -> int | None:
        """Block until the ticket may run (returns 0), or timeout passes (returns its position)."""
        end = None if timeout is None else time.monotonic() + timeout
        pause = POLL_SECONDS[0]
        while True:
            position = self.position(ticket)
            if position in (0, None):
                return position
            if end is not None and time.monotonic() >= end:
                return position
            time.sleep(pause if end is None else max(0.0, min(pause, end - time.monotonic())))
            pause = min(POLL_SECONDS[1], pause * 2)

    def leave(self, ticket: str) -> None:
        with self._locked() as state:
            state["entries"] = [e for e in state["entries"] if e["id"] != ticket]
            _admit(state, self.limits.max_checks)

    def snapshot(self) -> dict[str, int]:
        with self._locked() as state:
            entries = state["entries"]
            return {"running": sum(1 for e in entries if e["state"] == "running"),
                    "queued": sum(1 for e in entries if e["state"] == "queued"),
                    "bytes": sum(e["bytes"] for e in entries)}

    def peek(self) -> dict[str, int]:
        """snapshot() without the lock, from the last saved state (replaced atomically): for
        /healthz and /status, which must never wait behind the ledger's lock."""
        try:
            entries = json.loads(self._state.read_text() or "{}").get("entries", [])
        except (OSError, ValueError, AttributeError):
            entries = []
        return {"running": sum(1 for e in entries if e.get("state") == "running"),
                "queued": sum(1 for e in entries if e.get("state") == "queued"),
                "bytes": sum(int(e.get("bytes", 0)) for e in entries)}

    def _free_slots(self, entries: list[dict[str, Any]]) -> int:
        return max(0, self.limits.max_checks - sum(1 for e in entries if e["state"] == "running"))

    def retry_after_for(self, waiting: int) -> int:
        # a rough turn-over: one round of checks per max_checks waiting, a few seconds each
        return min(300, self.limits.retry_after * (1 + waiting // self.limits.max_checks))


def _drop_dead(state: dict[str, Any]) -> None:
    alive: dict[tuple[int, str | None], bool] = {}
    kept = []
    for e in state["entries"]:
        key = (e["pid"], e["started"])
        if key not in alive:
            alive[key] = process_start_time(e["pid"]) == e["started"]
        if alive[key]:
            kept.append(e)
    state["entries"] = kept


def _admit(state: dict[str, Any], max_checks: int) -> None:
    """First come, first served: the oldest waiting tickets run while slots are free."""
    entries = state["entries"]
    running = sum(1 for e in entries if e["state"] == "running")
    for e in sorted((e for e in entries if e["state"] == "queued"), key=lambda e: e["seq"]):
        if running >= max_checks:
            break
        e["state"] = "running"
        running += 1


def _position(entries: list[dict[str, Any]], ticket: str) -> int | None:
    mine = next((e for e in entries if e["id"] == ticket), None)
    if mine is None:
        return None
    if mine["state"] == "running":
        return 0
    return 1 + sum(1 for e in entries if e["state"] == "queued" and e["seq"] < mine["seq"])
