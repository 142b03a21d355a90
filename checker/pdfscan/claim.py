"""The PDF/A claim (pdfaid:part, pdfaid:conformance) read from XMP bytes.

A light reading on purpose: the PDF/A validator (checker/pdfa/) parses XMP properly; here
we only need to know which part is claimed (embedded-file rules, veraPDF's --flavour).
Both XMP spellings are accepted: element (<pdfaid:part>2</pdfaid:part>, with or without
attributes) and attribute (pdfaid:part="2").
"""
from __future__ import annotations

import re

_PART = re.compile(rb"pdfaid:part(?:\s*=\s*[\"']|(?:\s[^<>]*)?>)\s*(\d)")
_CONF = re.compile(rb"pdfaid:conformance(?:\s*=\s*[\"']|(?:\s[^<>]*)?>)\s*([A-Za-z])")


def pdfa_claim(xmp: bytes) -> tuple[int | None, str]:
    """(part, conformance letter in lower case) or (None, "")."""
    part = _PART.search(xmp)
    if not part:
        return None, ""
    conf = _CONF.search(xmp)
    return int(part.group(1)), conf.group(1).decode().lower() if conf else ""


def flavour(xmp: bytes) -> str | None:
    """veraPDF's flavour id ("1b", "2u", "3a", "4") for the claim, or None."""
    part, conf = pdfa_claim(xmp)
    if part is None:
        return None
    if part >= 4:
        return str(part) + (conf if conf in ("e", "f") else "")
    return f"{part}{conf or 'b'}"
