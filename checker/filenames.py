"""Attachment names that survive every mail client and protocol system.

Only name-level aspects live here. Whether the extension agrees with the
content, and dangerous double extensions such as .pdf.exe, are judged by
identification (checker/identify/) from the bytes.
"""
from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass

MAX_NAME_LENGTH = 100  # protocol systems and Windows paths (MAX_PATH 260 with the folder) cut longer names
SAFE_CHARS = re.compile(r"[A-Za-z0-9._\- ()]")
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                    *(f"LPT{i}" for i in range(1, 10))}
# Text-direction controls: judged by identification from the name (FMT012, deceptive name).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
                          "\u200e\u200f\u061c")
# Envelope extensions that legitimately stack: atto.pdf.p7m, atto.pdf.p7m.p7m, atto.pdf.m7m
ENVELOPE_EXTENSIONS = {"p7m", "p7s", "m7m", "tsd", "tsr", "p7c"}
# Letters NFKD does not decompose into ASCII
_TRANSLITERATE = {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
                  "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "Þ": "Th", "ð": "d",
                  "€": "EUR", "’": "_", "‘": "_", "'": "_", "°": "o", "ª": "a", "º": "o"}


class NameProblem(str, enum.Enum):
    TOO_LONG = "too_long"
    CONTROL_CHARACTERS = "control_characters"
    PATH_SEPARATOR = "path_separator"
    UNSAFE_CHARACTERS = "unsafe_characters"
    RESERVED_NAME = "reserved_name"
    LEADING_DOT = "leading_dot"
    TRAILING_DOT_OR_SPACE = "trailing_dot_or_space"
    REPEATED_EXTENSION = "repeated_extension"
    EMPTY = "empty"


@dataclass(frozen=True)
class NameIssue:
    problem: NameProblem
    detail: str = ""       # the offending characters, the repeated extension, the length


def issues(name: str) -> list[NameIssue]:
    """Every name-level problem of one attachment name."""
    found: list[NameIssue] = []
    if not name or not name.strip():
        return [NameIssue(NameProblem.EMPTY)]
    if len(name) > MAX_NAME_LENGTH:
        found.append(NameIssue(NameProblem.TOO_LONG, str(len(name))))
    # Cc: ASCII/C1 controls; Cf: invisible format characters (zero-width space, soft hyphen...).
    # The bidirectional overrides that disguise "fattura<U+202E>fdp.exe" as "fatturaexe.pdf" are
    # identification's deceptive-name error (FMT012): not reported twice.
    controls = sorted({c for c in name if unicodedata.category(c) in ("Cc", "Cf")
                       and c not in BIDI_CONTROLS})
    if controls:
        found.append(NameIssue(NameProblem.CONTROL_CHARACTERS,
                               " ".join(f"U+{ord(c):04X}" for c in controls)))
    if "/" in name or "\\" in name:
        found.append(NameIssue(NameProblem.PATH_SEPARATOR))
    unsafe = sorted({c for c in name if not SAFE_CHARS.match(c) and c not in "/\\"
                     and unicodedata.category(c) not in ("Cc", "Cf")})
    if unsafe:
        found.append(NameIssue(NameProblem.UNSAFE_CHARACTERS, " ".join(unsafe)))
    stem = name.split(".", 1)[0].strip().upper()
    if stem in WINDOWS_RESERVED:
        found.append(NameIssue(NameProblem.RESERVED_NAME, stem))
    if name.startswith("."):
        found.append(NameIssue(NameProblem.LEADING_DOT))
    if name != name.rstrip(". "):
        found.append(NameIssue(NameProblem.TRAILING_DOT_OR_SPACE))
    repeated = repeated_extension(name)
    if repeated:
        found.append(NameIssue(NameProblem.REPEATED_EXTENSION, repeated))
    return found


def extensions(name: str) -> list[str]:
    """The dot-separated suffixes after the first one, lowercased: "a.pdf.p7m" → ["pdf", "p7m"]."""
    parts = name.lstrip(".").split(".")
    return [p.lower().strip() for p in parts[1:] if p.strip()]


def repeated_extension(name: str) -> str | None:
    """"pdf" for "atto.pdf.pdf" (or "atto.PDF.pdf.p7m"); None for "atto.pdf.p7m.p7m"."""
    exts = extensions(name)
    while exts and exts[-1] in ENVELOPE_EXTENSIONS:
        exts.pop()
    if len(exts) >= 2 and exts[-1] == exts[-2]:
        return exts[-1]
    return None


def safe_name(name: str, taken: set[str] | None = None) -> str:
    """A name every system takes: ASCII letters, digits, "_", "-", ".", keeping the real extension.

    "Domanda contributo è urgente!.PDF" → "Domanda_contributo_e_urgente.pdf". `taken` holds
    (lowercased) names already used in the message; the result avoids them.
    """
    text = "".join(_TRANSLITERATE.get(c, c) for c in (name or ""))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]            # a path: keep the last part
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = "".join(c if (c.isascii() and (c.isalnum() or c in "._-")) else "_" for c in text)
    text = text.strip("._ ")
    exts = extensions(text) if "." in text else []
    stem = text.split(".", 1)[0] if exts else text
    # drop a repeated extension, keep the envelope chain: a.pdf.pdf.p7m → a.pdf.p7m
    envelope: list[str] = []
    while exts and exts[-1] in ENVELOPE_EXTENSIONS:
        envelope.insert(0, exts.pop())
    if len(exts) >= 2 and exts[-1] == exts[-2]:
        exts.pop()
    # an inner dot that is not an extension ("v.1.2") joins the stem
    real = exts[-1:] if exts else []
    stem = "_".join([stem, *exts[:-1]]) if len(exts) > 1 else stem
    stem = re.sub(r"_+", "_", stem).strip("_-") or "documento"
    if stem.upper() in WINDOWS_RESERVED:
        stem = f"{stem}_documento"
    suffix = "".join(f".{e}" for e in real + envelope)
    stem = stem[: max(1, MAX_NAME_LENGTH - len(suffix))].rstrip("_-.")
    candidate = stem + suffix
    taken = taken or set()
    n = 2
    while candidate.lower() in taken:
        candidate = f"{stem}_{n}{suffix}"
        n += 1
    return candidate


def visible(name: str) -> str:
    """The name with control and invisible format characters shown as <U+202E>, so a report
    cannot be fooled by what a name hides."""
    return "".join(f"<U+{ord(c):04X}>" if unicodedata.category(c) in ("Cc", "Cf") else c
                   for c in name)


def detached_target(name: str) -> str:
    """The document a detached signature or time stamp is named after:
    domanda.pdf.p7s → domanda.pdf; a name without such an extension is returned unchanged."""
    return re.sub(r"\.(p7s|tsr|tst)\s*$", "", name, flags=re.IGNORECASE)
