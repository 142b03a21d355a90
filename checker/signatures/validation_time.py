"""The moment signatures are validated at: now, or a date the user chose (`check --at`).

One settings key for every format (CAdES, PAdES, XAdES, timestamps): "validation_time",
an ISO 8601 string. A date or time without a zone is Italian local time (what a clerk
means by "alla data del 3 marzo"); a bare date means the end of that day, so the whole
day counts, as in the "verifica alla data" of Italian verifiers.
"""
from __future__ import annotations

from datetime import datetime, time, UTC
from typing import Any

from ..model import ROME

SETTINGS_KEY = "validation_time"


def parse_at(text: str) -> str:
    """`YYYY-MM-DD[THH:MM[:SS]][zone]` → an aware ISO string in UTC, for settings.
    Raises ValueError with a message fit for the user."""
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"data non valida / invalid date: {text!r} (usa AAAA-MM-GG o AAAA-MM-GGTHH:MM)") from None
    if len(text) == 10:   # a bare date: the whole day
        moment = datetime.combine(moment.date(), time(23, 59, 59))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ROME)
    return moment.astimezone(UTC).isoformat()


def validation_time(settings: dict[str, Any] | None) -> datetime:
    """The moment to validate at: settings["validation_time"] when given, else now.
    Accepts what parse_at gives, a datetime, or any ISO string (naive = Italian time)."""
    raw = (settings or {}).get(SETTINGS_KEY)
    if isinstance(raw, datetime):
        moment = raw
    elif raw:
        moment = datetime.fromisoformat(parse_at(str(raw)))
    else:
        return datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ROME)
    return moment.astimezone(UTC)


def chosen(settings: dict[str, Any] | None) -> bool:
    """Whether the user chose the moment (the report says so)."""
    return bool((settings or {}).get(SETTINGS_KEY))
