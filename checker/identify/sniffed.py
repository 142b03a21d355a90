"""What every sniffer returns, and the bits of sniffing more than one of them needs."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import Finding


@dataclass
class Sniffed:
    id: str
    details: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)   # problems of the container itself


def unreadable(exc: BaseException, label: str) -> Finding:
    """FMT017: a parser gave up on the container (its exception, shortened, is the detail)."""
    return Finding("FMT017", detail=f"{type(exc).__name__}: {exc}"[:300], args={"label": label})


# How other formats start: a second one inside a file makes it a polyglot.
OTHER_MAGICS = [(b"PK\x03\x04", "ZIP"), (b"MZ", "EXE"), (b"\x7fELF", "ELF"),
                (b"%PDF-", "PDF"), (b"\xd0\xcf\x11\xe0", "OLE"), (b"Rar!", "RAR"),
                (b"7z\xbc\xaf", "7z"), (b"\x89PNG", "PNG"), (b"\xff\xd8\xff", "JPEG")]
MAGIC_PREFIXES = tuple(m for m, _ in OTHER_MAGICS)


def magic_name(chunk: bytes) -> str:
    """What a stray piece of a file starts as: "PDF", "EXE", ... or "BIN"."""
    chunk = chunk.lstrip(b"\r\n\t \x00")
    return next((name for magic_bytes, name in OTHER_MAGICS if chunk.startswith(magic_bytes)),
                "BIN")
