"""Where fetched revocation answers and failed services are remembered, across processes.

A check runs in a short-lived worker process, so a cache inside it dies with it: every
submission would ask the same OCSP responder again, and wait again for one that hangs.
The answers (public, signed data) and the services that just failed are kept instead in a
store every worker of the deployment reaches:

    redis://…  Redis (`PEC_PRECHECK_REVOCATION_CACHE`, else `REDIS_URL` when set): shared by
               the web servers and RQ workers of every machine, entries expire by TTL;
    a folder   one small file per entry, written atomically (default
               `$PEC_PRECHECK_VAR/cache/revocation`, else `<repo>/var/cache/revocation`):
               shared by every process of this machine, the CLI's successive runs included;
    memory     this process only (the behaviour before; also the fallback of the others).

The location travels in the check settings (`revocation_cache`), so a worker uses the store
its caller chose even when the worker's environment says otherwise. A deployment may also
install its own store (an object with `get`/`put`, e.g. a service of the parent process)
with `install()`. Entries carry their own expiry (wall clock); a broken or unreachable
store is a miss, never an error: revocation is then fetched as without a cache.
"""
from __future__ import annotations

import hashlib
import logging
import os
import stat
import tempfile
import time
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)

_REPO_VAR = Path(__file__).resolve().parents[2] / "var"
MAX_DIR_ENTRIES = 4096
MAX_MEMORY_ENTRIES = 1024


class Store(Protocol):
    def get(self, key: str) -> bytes | None: ...
    def put(self, key: str, value: bytes, ttl: float) -> None: ...


class MemoryStore:
    def __init__(self) -> None:
        self._items: dict[str, tuple[float, bytes]] = {}

    def get(self, key: str) -> bytes | None:
        item = self._items.get(key)
        if item is None or item[0] <= time.time():
            return None
        return item[1]

    def put(self, key: str, value: bytes, ttl: float) -> None:
        if len(self._items) >= MAX_MEMORY_ENTRIES:
            self._items.clear()
        self._items[key] = (time.time() + ttl, value)


class DirStore:
    """Files named by the key's sha256: first line the expiry (epoch seconds), then the value.
    Read only from a folder and files private to this user (what they say is taken as the
    answer a service gave)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / hashlib.sha256(key.encode()).hexdigest()

    def get(self, key: str) -> bytes | None:
        try:
            fd = os.open(self._path(key), os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            return None
        with os.fdopen(fd, "rb") as fh:
            if not _private(os.fstat(fh.fileno())) or not _private(self.folder.stat()):
                return None
            expires, _, value = fh.read().partition(b"\n")
        try:
            if float(expires) <= time.time():
                return None
        except ValueError:
            return None
        return value

    def put(self, key: str, value: bytes, ttl: float) -> None:
        if ttl <= 0:
            return
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(self.folder.stat()):
            return
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(f"{time.time() + ttl:.3f}\n".encode() + value)
            os.replace(tmp, self._path(key))
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        self._prune()

    def _prune(self) -> None:
        entries = list(self.folder.iterdir())
        if len(entries) <= MAX_DIR_ENTRIES:
            return
        now = time.time()
        for entry in entries:   # expired first; then everything (a full cache is only slower)
            try:
                expires = float(entry.read_bytes().partition(b"\n")[0] or 0)
            except (OSError, ValueError):
                expires = 0
            if expires <= now or len(entries) > 2 * MAX_DIR_ENTRIES:
                entry.unlink(missing_ok=True)


class RedisStore:
    PREFIX = "pec-precheck:revocation:"

    def __init__(self, url: str) -> None:
        import redis
        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def get(self, key: str) -> bytes | None:
        value = self.client.get(self.PREFIX + key)
        return value if isinstance(value, bytes) else None

    def put(self, key: str, value: bytes, ttl: float) -> None:
        self.client.set(self.PREFIX + key, value, px=max(1, int(ttl * 1000)))


class Layered:
    """This process's memory first, then the shared store; a failing shared store is a miss."""

    def __init__(self, shared: Store | None) -> None:
        self.memory = MemoryStore()
        self.shared = shared

    def get(self, key: str) -> bytes | None:
        value = self.memory.get(key)
        if value is None and self.shared is not None:
            try:
                value = self.shared.get(key)
            except Exception as exc:  # noqa: BLE001 - an unreachable cache is a miss
                log.info("revocation cache: %s", exc)
        return value

    def put(self, key: str, value: bytes, ttl: float) -> None:
        if ttl <= 0:
            return
        self.memory.put(key, value, ttl)
        if self.shared is not None:
            try:
                self.shared.put(key, value, ttl)
            except Exception as exc:  # noqa: BLE001 - not shared, still remembered here
                log.info("revocation cache: %s", exc)


_installed: dict[str, Store] = {}      # "store": what install() was given
_stores: dict[str, Layered] = {}


def install(store: Store | None) -> None:
    """Use `store` (get/put as above) for every check of this process and its future workers,
    whatever the settings say; None goes back to the settings."""
    _installed.clear()
    if store is not None:
        _installed["store"] = store
    _stores.clear()


def location(settings: dict[str, Any] | None = None) -> str:
    """The store the settings name: `revocation_cache`, else the environment's default."""
    named = str((settings or {}).get("revocation_cache") or "").strip()
    if named:
        return named
    named = os.environ.get("PEC_PRECHECK_REVOCATION_CACHE", "").strip()
    if named:
        return named
    if os.environ.get("REDIS_URL", "").strip():
        return os.environ["REDIS_URL"].strip()
    var = os.environ.get("PEC_PRECHECK_VAR", "").strip()
    return str((Path(var) if var else _REPO_VAR) / "cache" / "revocation")


def store_for(settings: dict[str, Any] | None = None) -> Layered:
    where = "installed" if _installed else location(settings)
    store = _stores.get(where)
    if store is None:
        store = _stores[where] = Layered(_open(where))
    return store


def _open(where: str) -> Store | None:
    if where == "installed":
        return _installed.get("store")
    if where == "memory":
        return None
    try:
        if where.startswith(("redis://", "rediss://", "unix://")):
            return RedisStore(where)
        return DirStore(Path(where))
    except Exception as exc:  # noqa: BLE001 - no shared store: this process's memory only
        log.warning("revocation cache %s unusable: %s", where, exc)
        return None


def _private(st: os.stat_result) -> bool:
    return st.st_uid == os.geteuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
