"""veraPDF kept warm: a small pool of JVMs running verapdf/VeraServer.java.

scripts/build-verapdf.sh builds veraPDF (Maven Central) into verapdf/build/ (our jar and
lib/*.jar); `make install` and `make install-test` run it. A JVM starts in about a second
and then validates a typical file in tens of milliseconds, so the JVMs stay running.

- Protocol: one JSON header line {"id", "flavour", "max_failures", "length"} then exactly
  `length` raw PDF bytes on the JVM's stdin; one JSON line back on stdout (see
  VeraServer.java). The bytes go through the pipe only: nothing is written to disk, and the
  JVM's java.io.tmpdir is a private empty directory (tests check it stays empty).
- Pool: PEC_PRECHECK_VERAPDF_POOL JVMs (default 1), each -Xmx PEC_PRECHECK_VERAPDF_HEAP_MB,
  started lazily, one request at a time each; callers wait for a free one. Thread-safe.
- Deadline per file (PEC_PRECHECK_VERAPDF_TIMEOUT, default 60 s): a watchdog kills the JVM's
  process group when it passes; a timeout or a crash answers "not decided" for that file and
  the next request starts a fresh JVM.
- Closed at interpreter exit (atexit): stdin closed, then the process group killed.
"""
from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .verapdf import DEFAULT_HEAP_MB, NO_CLAIM, VeraResult, clause_key

log = logging.getLogger(__name__)

REPO_BUILD = Path(__file__).resolve().parent.parent / "verapdf" / "build"
JAR_NAME = "verapdf-server.jar"
DEFAULT_TIMEOUT = 60.0
START_TIMEOUT = 60.0
INSTALL_HINT = "run `make install` (or `make install-test`, or scripts/build-verapdf.sh)"


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, "") or default)
    except ValueError:
        log.warning("%s is not a number; using %d", name, default)
        return default


def home() -> Path:
    """Folder with verapdf-server.jar and lib/: PEC_PRECHECK_VERAPDF_HOME or verapdf/build."""
    configured = os.environ.get("PEC_PRECHECK_VERAPDF_HOME", "")
    return Path(configured) if configured else REPO_BUILD


def java() -> str | None:
    return shutil.which("java")


def installed() -> bool:
    """True when the built server jar and a java launcher are both there."""
    return (home() / JAR_NAME).is_file() and (home() / "lib").is_dir() and java() is not None


class ServerGone(Exception):
    """The JVM died, timed out or broke the protocol; it has been killed."""


@dataclass(frozen=True)
class PoolSettings:
    size: int
    heap_mb: int
    timeout: float

    @classmethod
    def from_env(cls) -> PoolSettings:
        return cls(size=max(1, _env_int("PEC_PRECHECK_VERAPDF_POOL", 1)),
                   heap_mb=max(64, _env_int("PEC_PRECHECK_VERAPDF_HEAP_MB", DEFAULT_HEAP_MB)),
                   timeout=float(_env_int("PEC_PRECHECK_VERAPDF_TIMEOUT", int(DEFAULT_TIMEOUT))))


class _Server:
    """One JVM. Not thread-safe: the pool lends it to one caller at a time."""

    def __init__(self, jar: Path, heap_mb: int) -> None:
        self.tmpdir = tempfile.mkdtemp(prefix="verapdf-jvm-")
        cmd = [java() or "java", f"-Xmx{heap_mb}m", "-Xss1m",
               # 2 cores: a serial collector and no extra compiler threads leave a core
               # for the Python workers; CDS (Xshare) shortens the start
               "-XX:+UseSerialGC", "-XX:CICompilerCount=2", "-Xshare:auto",
               "-XX:-UsePerfData",  # no hsperfdata file in /tmp
               "-Djava.awt.headless=true", f"-Djava.io.tmpdir={self.tmpdir}",
               "-jar", str(jar)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=self.tmpdir,
                                     start_new_session=True)  # its own process group
        self.lines: queue.Queue[bytes | None] = queue.Queue()
        self.stderr_tail: deque[str] = deque(maxlen=20)
        self.next_id = 0
        self.expired = False  # set by the watchdog: an EOF then means "timeout"
        assert self.proc.stdout is not None and self.proc.stderr is not None
        threading.Thread(target=self._read_lines, args=(self.proc.stdout,), daemon=True).start()
        threading.Thread(target=self._read_stderr, args=(self.proc.stderr,), daemon=True).start()
        try:
            ready = self._next_line(time.monotonic() + START_TIMEOUT, "start")
            if not ready.get("ready"):
                raise ServerGone(f"unexpected first line from veraPDF: {ready!r}"[:300])
        except ServerGone:
            self.close()
            raise
        self.version = str(ready.get("verapdf_version", ""))

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def _read_lines(self, stream: IO[bytes]) -> None:
        for line in stream:
            self.lines.put(line)
        self.lines.put(None)  # EOF: the JVM exited or was killed

    def _read_stderr(self, stream: IO[bytes]) -> None:
        # veraPDF logs warnings through java.util.logging; keep the tail for crash reasons
        for raw in stream:
            line = raw.decode("utf-8", "replace").rstrip()
            self.stderr_tail.append(line)
            log.debug("veraPDF[%d]: %s", self.proc.pid, line)

    def _next_line(self, deadline: float, what: str) -> dict[str, Any]:
        try:
            line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            self.kill()
            raise ServerGone(f"timeout after {what}") from None
        if line is None:
            code = self.proc.wait()
            if self.expired:
                raise ServerGone(f"timeout after {what} (JVM killed)")
            tail = self.stderr_tail[-1] if self.stderr_tail else ""
            raise ServerGone(f"veraPDF JVM exited ({_exit_text(code)})"
                             + (f": {tail[:200]}" if tail else ""))
        try:
            answer = json.loads(line)
        except ValueError:
            self.kill()
            raise ServerGone(f"unreadable answer from veraPDF: {line[:100]!r}") from None
        if not isinstance(answer, dict):
            self.kill()
            raise ServerGone("unreadable answer from veraPDF")
        return answer

    def validate(self, data: bytes, flavour: str | None, timeout: float,
                 max_failures: int = 0) -> dict[str, Any]:
        """veraPDF's answer for one file; raises ServerGone (JVM killed) on timeout or crash."""
        self.next_id += 1
        header = json.dumps({"id": self.next_id, "flavour": flavour or "auto",
                             "max_failures": max_failures, "length": len(data)})
        # the watchdog bounds everything below, the write included: killing the JVM
        # unblocks a write to a full pipe (EPIPE) and the reader (EOF)
        watchdog = threading.Timer(timeout, self._expire)
        watchdog.daemon = True
        watchdog.start()
        deadline = time.monotonic() + timeout
        try:
            assert self.proc.stdin is not None
            try:
                self.proc.stdin.write(header.encode() + b"\n")
                self.proc.stdin.write(data)
                self.proc.stdin.flush()
            except (BrokenPipeError, ValueError, OSError):
                pass  # the reader reports why (EOF after a kill or crash)
            answer = self._next_line(deadline + 1.0, f"{timeout:g} s")
        finally:
            watchdog.cancel()
        if answer.get("id") != self.next_id:
            self.kill()
            raise ServerGone("veraPDF answered another request")
        return answer

    def _expire(self) -> None:
        self.expired = True
        self.kill()

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)

    def close(self) -> None:
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=2)
        self.kill()
        self.proc.wait()
        shutil.rmtree(self.tmpdir, ignore_errors=True)


def _exit_text(code: int) -> str:
    if code == 3:
        return "out of memory"
    return f"signal {-code}" if code < 0 else f"exit {code}"


class VeraPool:
    """Up to `size` warm JVMs; validate() borrows one, starting it when needed."""

    def __init__(self, settings: PoolSettings | None = None, jar: Path | None = None) -> None:
        self.settings = settings or PoolSettings.from_env()
        self.jar = jar or home() / JAR_NAME
        self._idle: queue.LifoQueue[_Server | None] = queue.LifoQueue()
        for _ in range(self.settings.size):
            self._idle.put(None)  # a slot whose JVM is started on first use
        self._all: set[_Server] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.restarts = 0

    def validate(self, data: bytes, flavour: str | None = None, *, name: str = "",
                 timeout: float | None = None, max_failures: int = 0) -> VeraResult:
        """One file: flavour "1b".."3u", or None/"auto" for the file's own XMP claim.
        Never raises for a tool problem: the result's not_checked_reason says what failed."""
        limit = timeout if timeout is not None else self.settings.timeout
        if self._closed:
            return VeraResult(name=name, flavour=flavour, compliant=None,
                              not_checked_reason="veraPDF pool closed")
        server = self._idle.get()
        try:
            if server is not None and not server.alive():
                self._drop(server)  # crashed or killed while idle
                server = None
            if server is None:
                server = self._start()
            answer = server.validate(data, flavour, limit, max_failures)
        except ServerGone as exc:
            if server is not None:
                self._drop(server)
            server = None
            return VeraResult(name=name, flavour=flavour, compliant=None,
                              not_checked_reason=str(exc))
        finally:
            self._idle.put(server)
        return to_result(answer, name, flavour)

    def prestart(self) -> None:
        """Start every JVM now (e.g. at app start) so no request pays the start-up."""
        # every slot is taken first: the LIFO queue would hand the same slot back each time
        slots = [self._idle.get() for _ in range(self.settings.size)]
        try:
            for n, server in enumerate(slots):
                if server is None:
                    slots[n] = self._start()
        except ServerGone as exc:
            log.warning("veraPDF JVM did not start: %s", exc)
        finally:
            for server in slots:
                self._idle.put(server)

    def pids(self) -> list[int]:
        with self._lock:
            return [s.pid for s in self._all if s.alive()]

    def scratch_dirs(self) -> list[str]:
        """The JVMs' java.io.tmpdir folders: they stay empty (the PDF never touches disk)."""
        with self._lock:
            return [s.tmpdir for s in self._all]

    def _start(self) -> _Server:
        try:
            server = _Server(self.jar, self.settings.heap_mb)
        except OSError as exc:
            raise ServerGone(f"cannot start java: {exc.strerror or exc}") from None
        with self._lock:
            self._all.add(server)
        log.info("veraPDF %s JVM started (pid %d)", server.version, server.pid)
        return server

    def _drop(self, server: _Server) -> None:
        server.kill()
        server.close()
        with self._lock:
            self._all.discard(server)
            self.restarts += 1

    def close(self) -> None:
        self._closed = True
        with self._lock:
            servers, self._all = list(self._all), set()
        for server in servers:
            server.close()


def to_result(answer: dict[str, Any], name: str, asked: str | None) -> VeraResult:
    """VeraServer's JSON answer as the VeraResult the checks use."""
    flavour = answer.get("flavour") or (asked if asked not in (None, "", "auto") else None)
    version = str(answer.get("verapdf_version", ""))
    compliant = answer.get("compliant")
    if not isinstance(compliant, bool):
        reason = str(answer.get("error") or "veraPDF gave no verdict")
        return VeraResult(name=name, flavour=flavour, compliant=None, version=version,
                          not_checked_reason=NO_CLAIM if reason == NO_CLAIM else reason)
    rules = [r for r in answer.get("failed_rules") or [] if isinstance(r, dict)]
    part = str(flavour or "")[:1]
    failures, clauses = [], set()
    for rule in rules:
        rule_part = str(rule.get("part") or part)
        clause, test = str(rule.get("clause", "")), str(rule.get("test", ""))
        failures.append((f"ISO 19005-{rule_part} {clause}", test, str(rule.get("description", ""))))
        clauses.add(f"{rule_part}:{clause}-{test}")
    return VeraResult(name=name, flavour=flavour, compliant=compliant, version=version,
                      failures=failures, failed_clauses=sorted(clauses, key=clause_key),
                      rules=rules)


class _Shared:
    """The one process-wide pool and the lock that guards its creation and shutdown."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pool: VeraPool | None = None


_shared = _Shared()


def pool() -> VeraPool:
    """The process-wide pool (created on first use, closed at exit)."""
    with _shared.lock:
        if _shared.pool is None:
            _shared.pool = VeraPool()
            atexit.register(_shared.pool.close)
        return _shared.pool


def prestart_in_background() -> None:
    """For the web app's start: warm the pool in a thread when veraPDF is built."""
    if installed():
        threading.Thread(target=pool().prestart, name="verapdf-prestart", daemon=True).start()


def shutdown() -> None:
    """Close the process-wide pool (tests; a forked worker must not inherit it)."""
    with _shared.lock:
        current, _shared.pool = _shared.pool, None
    if current is not None:
        current.close()


def validate(files: list[tuple[str, bytes]], flavours: list[str | None], *,
             timeout: float | None = None) -> list[VeraResult]:
    """Same contract as checker.verapdf.validate, on the warm pool: one result per file."""
    if len(files) != len(flavours):
        raise ValueError("files and flavours differ in length")
    if not installed():
        return [VeraResult(name=n, flavour=f, compliant=None,
                           not_checked_reason=f"veraPDF not built: {INSTALL_HINT}")
                for (n, _), f in zip(files, flavours, strict=True)]
    shared = pool()
    return [shared.validate(data, flavour, name=name, timeout=timeout)
            for (name, data), flavour in zip(files, flavours, strict=True)]
