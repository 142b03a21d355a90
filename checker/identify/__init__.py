"""Format identification by content, compared with the file name (issue 2 §5).

Two steps, kept apart so each can be tested alone:

1. `sniff(data)` (content.py) says what the bytes are: magic numbers first, then the
   container decides, one module per family: pdf.py (PDF and its PDF/A claim), ole.py
   (Office 97-2003, .msg, MSI), containers.py (zip: ODF, OOXML, JAR), envelopes.py (CMS:
   .p7m, .p7s, .tsd, .tsr), mime.py (.eml, .m7m), xmlroot.py (XML by its root element),
   executables.py, text.py (strict text decoding). It also reports what is wrong with the
   container itself: truncated PDF, corrupt or hostile zip, polyglot files (polyglot.py).
   libmagic's description is kept as one more signal (FormatInfo.magic).
2. `judge(fmt, name, accepted)` (acceptance.py) compares that with the file name (names.py:
   missing, wrong or double extension) and with the formats the office accepts.

kinds.py is the registry of format ids, labels and extensions. Parsers are imported at
module level: the worker forkserver preloads this package, so each bounded worker starts
with them loaded. Everything is bounded: only the head and tail of a PDF and its XMP
packet are read (checker.pdf), zips are inspected before any member is decompressed
(zipinspect.py), members are read with bounded reads, XML is parsed without a tree and
without expanding entities. `identify_job` runs in a bounded worker (engine.py).

May import: checker.model, checker.filenames, checker.zipinspect, checker.pdf and parsing
libraries; nothing above the validators' layer.
"""
from __future__ import annotations

from typing import Any

from ..model import CheckResult, Finding, FormatInfo, InputFile
from .acceptance import accepted_label, judge
from .content import sniff
from .kinds import ENVELOPES, KINDS, Kind, format_info
from .names import DANGEROUS_EXTENSIONS, SCRIPT_EXTENSIONS, extensions_of
from .sniffed import Sniffed
from .text import decode_text

_MAGIC: Any
try:  # libmagic is one signal among others; identification works without it
    import magic as _magic_module
    _MAGIC = _magic_module.Magic()
except Exception:  # noqa: BLE001 - missing libmagic must not stop identification
    _MAGIC = None

__all__ = ["DANGEROUS_EXTENSIONS", "ENVELOPES", "KINDS", "Kind", "Sniffed", "accepted_label",
           "decode_text", "extensions_of", "format_info", "identify", "identify_job", "judge",
           "libmagic", "sniff"]


def libmagic(data: bytes) -> str:
    """libmagic's description of the head of the data, or "" (absent, or it failed)."""
    if _MAGIC is None or not data:
        return ""
    try:
        return str(_MAGIC.from_buffer(data[:65536]))[:200]
    except Exception:  # noqa: BLE001 - libmagic is only a hint
        return ""


def identify(file: InputFile) -> tuple[FormatInfo, list[Finding]]:
    """Format and container findings for one file, before any profile is applied."""
    found = sniff(file.data)
    exts = extensions_of(file.name)
    if found.id == "txt" and exts and exts[-1] in SCRIPT_EXTENSIONS:
        # plain text named .js/.vbs/.bat/.ps1 is code the system runs on double click
        found = Sniffed("exe", {"kind": "script", "by": "extension", **found.details},
                        found.findings)
    return format_info(found, libmagic(file.data)), found.findings


def identify_job(file: InputFile, ctx: Any) -> CheckResult:
    """Run by engine.py in a bounded worker: the format, and the findings about the format."""
    fmt, findings = identify(file)
    profile = ctx.profile
    findings = findings + judge(fmt, file.name, tuple(profile.accepted_formats),
                                tuple(getattr(ctx, "siblings", ())))
    return CheckResult(findings=findings, format=fmt, engine=_engine_label())


def _engine_label() -> str:
    return "identificazione per contenuto" + (" + libmagic" if _MAGIC else "")
