"""Typed results of the built-in PDF/A validator."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

FLAVOURS = ("1a", "1b", "2a", "2b", "2u", "3a", "3b", "3u")
_FLAVOUR_RE = re.compile(r"^\s*(?:pdf/?a-?)?([123])\s*-?\s*([abu])\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Flavour:
    """A PDF/A part and conformance level, e.g. part 2, level "b"."""
    part: int
    level: str  # "a", "b" or "u"

    @property
    def id(self) -> str:
        return f"{self.part}{self.level}"

    @classmethod
    def parse(cls, text: str | None) -> Flavour | None:
        """'2b', 'PDF/A-2B', '2-b' → Flavour(2, 'b'); anything else → None."""
        m = _FLAVOUR_RE.match(text or "")
        if not m:
            return None
        flavour = cls(int(m.group(1)), m.group(2).lower())
        return flavour if flavour.id in FLAVOURS else None

    @property
    def level_a(self) -> bool:
        return self.level == "a"

    @property
    def unicode(self) -> bool:
        """Levels a and u both require Unicode mappings (parts 2 and 3; level a in part 1)."""
        return self.level in ("a", "u")


@dataclass(frozen=True)
class Failure:
    """One failed requirement: ISO 19005-<part> <clause>, veraPDF-style test number."""
    part: int
    clause: str
    test: int
    detail: str = ""
    location: str = ""

    @property
    def key(self) -> str:
        """'2:6.2.11.4.1-1', the form veraPDF reports and the CLI prints."""
        return f"{self.part}:{self.clause}-{self.test}"


@dataclass(frozen=True)
class Rule:
    """One requirement as veraPDF numbers it: ISO 19005-<part> <clause>, test <test>."""
    clause: str
    test: int


@dataclass(frozen=True)
class Undecided:
    """A requirement the validator could not decide on this file: what it needs to read
    (a font program, a stream, a number) is damaged or unreadable. Never counted as met."""
    part: int
    clause: str
    detail: str
    location: str = ""

    @property
    def reason(self) -> str:
        where = f" ({self.location})" if self.location else ""
        return f"ISO 19005-{self.part} {self.clause} non verificabile{where}: {self.detail}"


# What a clause family yields: a requirement the file breaks, or one that could not be decided.
Outcome = Failure | Undecided


@dataclass
class PdfaReport:
    """What the validator decided about one file."""
    flavour: Flavour | None          # the flavour validated against
    claimed: str | None              # what the file's XMP claims ("2b"), if anything
    compliant: bool | None           # None: could not be decided
    failures: list[Failure] = field(default_factory=list)
    not_checked_reason: str | None = None
    skipped_families: list[str] = field(default_factory=list)  # families that could not run
    undecided: list[Undecided] = field(default_factory=list)  # rules that could not be decided

    @property
    def failed_clauses(self) -> list[str]:
        return sorted({f.key for f in self.failures})
