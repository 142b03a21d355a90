"""Clause families as data (clauses.toml): failed clause → finding code and subject."""
from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .model import Failure

CLAUSES_FILE = Path(__file__).with_name("clauses.toml")
FALLBACK_CODE = "PDFA010"

# What the built-in validator does not check (the report calls its result a pre-check).
UNCOVERED_IT = ("larghezze dei glifi dei caratteri Type 1 e CFF, CIDSet dei caratteri TrueType, "
                "immagini JPEG2000, struttura interna dei programmi dei caratteri e dei profili ICC, "
                "alcune regole della struttura logica")


@dataclass(frozen=True)
class Family:
    code: str
    title_it: str
    prefixes: dict[int, tuple[str, ...]]


@functools.lru_cache(maxsize=1)
def families() -> list[Family]:
    with CLAUSES_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    return [Family(f["code"], f["title_it"],
                   {int(k): tuple(v) for k, v in f["clauses"].items()})
            for f in data["family"]]


def family_of(failure: Failure) -> Family:
    """The family whose clause prefix is the longest match for this failure."""
    part = 1 if failure.part == 1 else 2
    best, best_len = None, -1
    for fam in families():
        for prefix in fam.prefixes.get(part, ()):
            if (failure.clause == prefix or failure.clause.startswith(prefix + ".")) \
                    and len(prefix) > best_len:
                best, best_len = fam, len(prefix)
    return best or next(f for f in families() if f.code == FALLBACK_CODE)


def citation(failure: Failure) -> str:
    """'ISO 19005-2 6.2.11.4.1'."""
    return f"ISO 19005-{failure.part} {failure.clause}"
