"""Where the corrected files of «Correggi automaticamente» wait to be downloaded, seen by
every server process: a download may reach any gunicorn worker, not only the one that fixed.

    RedisFixStore   REDIS_URL set: one hash per job, with Redis's own expiry (the web
                    servers of several machines see it)
    ShmFixStore     otherwise: one directory per job in the server's runtime directory, which
                    gunicorn.conf.py makes in /dev/shm before the workers fork (RAM, shared by
                    every worker; 0700), expired by the next process that stores or reads
    MemoryFixStore  the runtime directory is not RAM-backed (no /dev/shm): this process's
                    memory, as before (a download must then reach the process that fixed)

A job is the files of the fixed set, each under its output name, and their ZIP, kept
ttl seconds (PEC_PRECHECK_FIX_TTL, 15 minutes by default) and at most MAX_JOBS jobs at once
(the oldest go first). Corrected files are bytes the user asked for: they live in memory
(RAM-backed tmpfs or Redis), never on a disk.
"""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

MAX_JOBS = 20
TOKEN_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
RAM_FILESYSTEMS = frozenset({"tmpfs", "ramfs"})
REDIS_PREFIX = "pec-precheck:fix:"


@dataclass
class FixedSet:
    files: dict[str, bytes]   # output name → bytes
    zip: bytes


class FixStore(Protocol):
    kind: str

    def put(self, fixed: FixedSet, ttl: float) -> str: ...

    def file(self, token: str, name: str) -> bytes | None: ...

    def zip(self, token: str) -> bytes | None: ...


def new_token() -> str:
    return secrets.token_urlsafe(16)


def valid_token(token: str) -> bool:
    return 0 < len(token) <= 64 and set(token) <= TOKEN_ALPHABET


def store_for(runtime_dir: Path, redis_url: str = "") -> FixStore:
    """Redis when configured, else the runtime directory when it is in RAM, else memory."""
    if redis_url:
        return RedisFixStore(redis_url)
    if on_ram(runtime_dir):
        return ShmFixStore(runtime_dir / "fixed")
    return MemoryFixStore()


def on_ram(path: Path) -> bool:
    """Whether path lies on a RAM-backed file system (the longest mount point in /proc/mounts)."""
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
        real = os.path.realpath(path)
    except OSError:
        return False
    best, fstype = "", ""
    for line in mounts:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = real == point or real.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, fstype = point, fields[2]
    return fstype in RAM_FILESYSTEMS


class ShmFixStore:
    """One directory per job: manifest.json (names, expiry), the files as 0, 1, ... and zip.
    A job appears whole (made under a temporary name, then renamed) or not at all."""
    kind = "shm"

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)

    def put(self, fixed: FixedSet, ttl: float) -> str:
        self._sweep()
        token = new_token()
        tmp = self.directory / f".{token}.tmp"
        tmp.mkdir(mode=0o700)
        try:
            names = list(fixed.files)
            for n, name in enumerate(names):
                _write(tmp / str(n), fixed.files[name])
            _write(tmp / "zip", fixed.zip)
            _write(tmp / "manifest.json", json.dumps(
                {"names": names, "expires": time.time() + ttl}).encode())
            os.rename(tmp, self.directory / token)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return token

    def file(self, token: str, name: str) -> bytes | None:
        job = self._job(token)
        if job is None:
            return None
        path, names = job
        if name not in names:
            return None
        return _read(path / str(names.index(name)))

    def zip(self, token: str) -> bytes | None:
        job = self._job(token)
        return None if job is None else _read(job[0] / "zip")

    def _job(self, token: str) -> tuple[Path, list[str]] | None:
        if not valid_token(token):
            return None
        path = self.directory / token
        manifest = _read(path / "manifest.json")
        if manifest is None:
            return None
        data = json.loads(manifest)
        if data["expires"] < time.time():
            shutil.rmtree(path, ignore_errors=True)
            return None
        return path, list(data["names"])

    def _sweep(self) -> None:
        """Remove expired jobs (and half-made ones older than an hour), then the oldest
        beyond MAX_JOBS - 1, so the job about to be stored fits."""
        now = time.time()
        alive: list[tuple[float, Path]] = []
        for path in self.directory.iterdir():
            try:
                if path.name.startswith("."):
                    if path.stat().st_mtime < now - 3600:
                        shutil.rmtree(path, ignore_errors=True)
                    continue
                data = json.loads((path / "manifest.json").read_bytes())
            except (OSError, ValueError):
                continue
            if data["expires"] < now:
                shutil.rmtree(path, ignore_errors=True)
            else:
                alive.append((data["expires"], path))
        for _expires, path in sorted(alive)[:max(0, len(alive) - (MAX_JOBS - 1))]:
            shutil.rmtree(path, ignore_errors=True)


def _write(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def _read(path: Path) -> bytes | None:
    with contextlib.suppress(OSError):
        return path.read_bytes()
    return None


class RedisFixStore:
    """One hash per job, REDIS_PREFIX + token: "names" (JSON), "zip" and the files as f0, f1, ...;
    Redis removes it when its TTL ends."""
    kind = "redis"

    def __init__(self, url: str) -> None:
        import redis   # only in queue mode
        self.redis = redis.Redis.from_url(url)

    def put(self, fixed: FixedSet, ttl: float) -> str:
        token = new_token()
        key = REDIS_PREFIX + token
        names = list(fixed.files)
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(key, mapping={"names": json.dumps(names).encode(), "zip": fixed.zip,
                                **{f"f{n}": fixed.files[name] for n, name in enumerate(names)}})
        if ttl > 0:
            pipe.expire(key, max(1, int(ttl)))
        else:   # already expired: nothing stays
            pipe.delete(key)
        pipe.execute()
        return token

    def file(self, token: str, name: str) -> bytes | None:
        if not valid_token(token):
            return None
        raw = self.redis.hget(REDIS_PREFIX + token, "names")
        if raw is None:
            return None
        names = json.loads(raw)
        if name not in names:
            return None
        return _bytes(self.redis.hget(REDIS_PREFIX + token, f"f{names.index(name)}"))

    def zip(self, token: str) -> bytes | None:
        if not valid_token(token):
            return None
        return _bytes(self.redis.hget(REDIS_PREFIX + token, "zip"))


def _bytes(value: object) -> bytes | None:
    """A hash field as redis-py returns it (bytes: the client does not decode responses)."""
    return value if isinstance(value, bytes) else None


class MemoryFixStore:
    """This process only (no RAM-backed runtime directory): what the web page did before."""
    kind = "memory"

    def __init__(self) -> None:
        self._jobs: OrderedDict[str, tuple[FixedSet, float]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, fixed: FixedSet, ttl: float) -> str:
        token = new_token()
        now = time.monotonic()
        with self._lock:
            for old in [t for t, (_f, expires) in self._jobs.items() if expires < now]:
                del self._jobs[old]
            while len(self._jobs) >= MAX_JOBS:
                self._jobs.popitem(last=False)
            self._jobs[token] = (fixed, now + ttl)
        return token

    def _get(self, token: str) -> FixedSet | None:
        with self._lock:
            job = self._jobs.get(token)
            if job is None or job[1] < time.monotonic():
                self._jobs.pop(token, None)
                return None
            return job[0]

    def file(self, token: str, name: str) -> bytes | None:
        job = self._get(token)
        return None if job is None else job.files.get(name)

    def zip(self, token: str) -> bytes | None:
        job = self._get(token)
        return None if job is None else job.zip
