"""Incremental revisions: every %%EOF marks the end of one revision (ISO 32000-1 7.5.6).

The prefix of the file up to each marker is what the document was before the later
updates; qpdf opens it like any PDF. Signed PDFs gain one revision per signature, so a
script added or removed after signing shows up here.
"""
from __future__ import annotations

import re

_EOF = re.compile(rb"%%EOF[ \t]*(?:\r\n|\r|\n)?")


def revision_ends(data: bytes) -> list[int]:
    """Byte offsets where each revision ends (the last one is the whole file's)."""
    ends = [m.end() for m in _EOF.finditer(data)]
    # trailing whitespace/garbage after the final %%EOF belongs to the final revision
    if ends and ends[-1] != len(data):
        ends[-1] = len(data) if not data[ends[-1]:].strip() else ends[-1]
    return ends


def earlier_ends(data: bytes) -> list[int]:
    """Where each earlier revision ends (oldest first), the final one excluded. Callers
    slice data[:end] one at a time, so a large file is never copied once per revision."""
    ends = revision_ends(data)
    return [end for end in ends[:-1] if end < len(data)]


def looks_truncated(data: bytes) -> bool:
    """No %%EOF in the last KiB: the file was cut (readers tolerate 1024 bytes after it)."""
    return b"%%EOF" not in data[-1024:]
