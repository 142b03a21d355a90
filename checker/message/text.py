"""Small helpers the message rules share."""
from __future__ import annotations

from ..filenames import visible
from ..model import Submission


def clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def main_name(sub: Submission) -> str:
    """The main document's name: the one marked, or the only file."""
    if sub.main:
        return sub.main
    return sub.files[0].name if len(sub.files) == 1 else ""


def role_args(role: str, address: str) -> dict[str, str]:
    it, en = {"sender": ("mittente", "sender"), "recipient": ("destinatario", "recipient")}[role]
    return {"role_it": it, "role_en": en, "address": visible(clip(address, 120))}
