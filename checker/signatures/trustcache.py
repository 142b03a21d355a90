"""Trust stores parsed once: per process (memory) and per content (a pre-parsed file).

Parsing the Italian trusted list costs about half a second to a second of CPU. A store is
therefore kept in memory keyed by its sources' paths and file signatures (inode, size,
mtime: a `trust update` that replaces the list is seen at once), and pickled under the
project's cache folder keyed by the sha256 of the sources' *content* (plus this module's
format and the parsing libraries' versions), so that a process that never held it — a
worker whose forkserver did not warm that list, a new CLI run, another gunicorn worker —
loads it in a few tens of milliseconds instead of parsing it again.

The cache folder is the project's own (`PEC_PRECHECK_TRUST_CACHE`, else
`$PEC_PRECHECK_VAR/cache/trust`, else `<repo>/var/cache/trust`; `off` disables it): files
are read only when they and their folder belong to this user and nobody else may write
them, since unpickling runs code. Nothing is ever downloaded here.
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import logging
import os
import pickle
import stat
import tempfile
from pathlib import Path
from typing import Any

from .trust import MAX_FOLDER_FILES, MAX_TSL_BYTES, TrustStore, load_trust

log = logging.getLogger(__name__)

CACHE_FORMAT = "trust-store/1"   # bump when TrustStore or _prepare_tsl changes
MAX_CACHE_FILES = 16
_REPO_VAR = Path(__file__).resolve().parents[2] / "var"

_stores: dict[tuple[object, ...], TrustStore] = {}       # file signatures → store
_digests: dict[tuple[object, ...], str] = {}             # file signatures → content digest


def load(paths: list[str] | tuple[str, ...]) -> TrustStore:
    """The store for `paths`, as load_trust builds it, parsed at most once per content."""
    paths = tuple(paths)
    signature = _signature(paths)
    store = _stores.get(signature)
    if store is not None:
        return store
    digest = _digests.get(signature) or _digest(paths)
    _digests[signature] = digest
    folder = cache_dir()
    store = _read(folder / f"{digest}.pickle") if folder else None
    if store is None:
        store = load_trust(list(paths))
        if folder and store.registry is not None:    # PEM folders are cheap: not cached
            _write(folder, f"{digest}.pickle", store)
    if len(_stores) > 32:
        _stores.clear()
    _stores[signature] = store
    return store


def cache_dir() -> Path | None:
    named = os.environ.get("PEC_PRECHECK_TRUST_CACHE", "").strip()
    if named.lower() == "off":
        return None
    if named:
        return Path(named)
    var = os.environ.get("PEC_PRECHECK_VAR", "").strip()
    return (Path(var) if var else _REPO_VAR) / "cache" / "trust"


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file())[:MAX_FOLDER_FILES]
    return [path] if path.is_file() else []


def _signature(paths: tuple[str, ...]) -> tuple[object, ...]:
    out: list[object] = []
    for raw in paths:
        out.append(raw)
        try:
            for f in _files(Path(raw)):
                st = f.stat()
                out.append((f.name, st.st_ino, st.st_size, st.st_mtime_ns))
        except OSError as exc:
            out.append(str(exc))
    return tuple(out)


def _digest(paths: tuple[str, ...]) -> str:
    h = hashlib.sha256(CACHE_FORMAT.encode())
    for lib in ("pyhanko", "pyhanko-certvalidator", "asn1crypto", "xsdata", "lxml"):
        try:
            h.update(f"|{lib}={importlib.metadata.version(lib)}".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"|{lib}=-".encode())
    for raw in paths:
        h.update(b"\0source\0" + raw.encode())
        try:
            for f in _files(Path(raw)):
                h.update(b"\0file\0" + f.name.encode())
                if f.stat().st_size <= MAX_TSL_BYTES:
                    h.update(hashlib.sha256(f.read_bytes()).digest())
                else:
                    h.update(b"too large")
        except OSError as exc:
            h.update(str(exc).encode())
    return h.hexdigest()


def _private(st: os.stat_result) -> bool:
    return st.st_uid == os.geteuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(path: Path) -> TrustStore | None:
    try:
        if not _private(path.parent.stat()):
            return None
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as fh:
            if not _private(os.fstat(fh.fileno())):
                log.warning("%s: ignored, not private to this user", path)
                return None
            store = _Unpickler(fh).load()  # our own file, private folder (checked above)
    except Exception as exc:  # noqa: BLE001 - a stale or broken cache file: parse again
        log.info("%s: unreadable cache (%s), parsing the list", path, exc)
        return None
    return store if isinstance(store, TrustStore) else None


def _write(folder: Path, name: str, store: TrustStore) -> None:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(folder.stat()):
            return
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(store, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, folder / name)      # readers see the whole file or none
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        _prune(folder)
    except Exception as exc:  # noqa: BLE001 - no cache is only slower: the store is still right
        log.info("%s: trust cache not written (%s)", folder, exc)


class _Unpickler(pickle.Unpickler):
    """Sets up each asn1crypto class before its objects come back: asn1crypto does it at a
    class's first instantiation, which unpickling skips, and the registry's sets hash the
    certificates (reading their fields) while they are rebuilt."""

    def find_class(self, module: str, name: str) -> Any:
        found = super().find_class(module, name)
        if module.startswith("asn1crypto.") and isinstance(found, type):
            from asn1crypto import core
            if issubclass(found, core.Asn1Value) and found not in core._SETUP_CLASSES:
                # set up before any failure of the bare constructor, which is all we need
                with contextlib.suppress(Exception):
                    found()
        return found


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[MAX_CACHE_FILES:]:
        old.unlink(missing_ok=True)
