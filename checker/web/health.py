"""Facts about the running services that /healthz (JSON) and /status (the page for people)
both show: the antivirus's signatures, the trusted list's dates, the checks queue.

Cheap by design, like /healthz: the clamd VERSION answer (one short socket exchange, at most
CLAMD_TIMEOUT) and the trusted list's dates (the first bytes of each file) are cached for
TTL seconds per settings; the queue is the admission ledger's snapshot.
"""
from __future__ import annotations

import re
import threading
import time
from datetime import datetime, UTC
from pathlib import Path
from typing import Any

from ..checks.antivirus import Clamd, ClamdAddress

TTL = 60.0
CLAMD_TIMEOUT = 1.0
TSL_HEAD_BYTES = 64 * 1024   # ListIssueDateTime and NextUpdate sit in the scheme information
_ISSUED = re.compile(rb"<(?:\w+:)?ListIssueDateTime>\s*([^<\s]+)\s*<")
_NEXT = re.compile(rb"<(?:\w+:)?NextUpdate>\s*<(?:\w+:)?dateTime>\s*([^<\s]+)\s*<")
# "ClamAV 1.0.7/27450/Sun Dec  6 08:15:00 2026": engine / signature version / signature date
_CLAMD_VERSION = re.compile(r"ClamAV\s+([^/\s]+)(?:/(\d+)/(.+))?")

_cache: dict[str, Any] = {}
_lock = threading.Lock()


def antivirus(address: str) -> dict[str, Any]:
    """{"state": absent | down | up, "engine", "signatures", "signatures_date"}."""
    if not address:
        return {"state": "absent", "engine": None, "signatures": None, "signatures_date": None}
    try:
        answer = Clamd(ClamdAddress.parse(address), timeout=CLAMD_TIMEOUT).version()
    except Exception:  # noqa: BLE001 - a daemon that does not answer is "down", said on the page
        return {"state": "down", "engine": None, "signatures": None, "signatures_date": None}
    m = _CLAMD_VERSION.search(answer or "")
    return {"state": "up", "engine": m.group(1) if m else None,
            "signatures": m.group(2) if m and m.group(2) else None,
            "signatures_date": " ".join(m.group(3).split()) if m and m.group(3) else None}


def trust_lists(paths: list[str]) -> list[dict[str, Any]]:
    """Each configured trust source: its file name and, for a trusted list, its issue date and
    next update; a folder of certificates has neither."""
    out = []
    for raw in paths:
        path = Path(raw)
        entry: dict[str, Any] = {"source": path.name, "issued": None, "next_update": None,
                                 "expired": False, "present": path.exists()}
        if path.is_file():
            try:
                with path.open("rb") as fh:
                    head = fh.read(TSL_HEAD_BYTES)
            except OSError:
                entry["present"] = False
            else:
                issued, nxt = _ISSUED.search(head), _NEXT.search(head)
                entry["issued"] = issued.group(1).decode("ascii", "replace") if issued else None
                entry["next_update"] = nxt.group(1).decode("ascii", "replace") if nxt else None
                entry["expired"] = _past(entry["next_update"])
        out.append(entry)
    return out


def _past(iso: str | None) -> bool:
    """The list's NextUpdate has gone by: it should have been replaced (`trust update`)."""
    try:
        when = datetime.fromisoformat((iso or "").replace("Z", "+00:00"))
    except ValueError:
        return False
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when < datetime.now(UTC)


def service_facts(settings: dict[str, Any]) -> dict[str, Any]:
    """The antivirus and trust facts for these settings, cached TTL seconds."""
    key = repr((settings.get("clamd", ""), list(settings.get("trust") or [])))
    now = time.monotonic()
    if _cache.get("key") == key and now - _cache["at"] < TTL:
        return dict(_cache["facts"])
    with _lock:
        facts = {"antivirus_service": antivirus(str(settings.get("clamd") or "")),
                 "trust_lists": trust_lists(list(settings.get("trust") or []))}
        _cache.update(key=key, at=now, facts=facts)
        return dict(facts)


def clear_cache() -> None:
    with _lock:
        _cache.clear()
