"""Fixed parse limits for a message, checked on the raw bytes before the stdlib parser sees them.

The stdlib parser's cost grows with the number of parts, the nesting and the encoded words
(300 k encoded words took 35 s, 2 M parts 44 s and 1.5 GB): a message beyond any of these
limits is refused with a finding instead. The limits do not grow with the message's size;
a real PEC (envelope, daticert.xml, postacert.eml, a few dozen attachments) sits far below.
Every count is one pass of bytes.count/find (C, linear), no regex over the whole message.
"""
from __future__ import annotations

import re

from ..model import Finding

MAX_MIME_PARTS = 2_000        # lines that open a part ("--boundary"); 100 attachments ≈ 110
MAX_CONTAINERS = 200          # multipart declarations and message/rfc822 parts: bounds the depth
MAX_HEADER_BYTES = 256 << 10  # the top-level header block (a PEC envelope's is ~10 KB)
MAX_ENCODED_WORDS = 2_000     # RFC 2047 "=?charset?B?...?=" in the whole message
MAX_ENCODED_BYTES = 256 << 10  # their total length
MAX_ATTACHMENTS = 100         # attachments of the original message that are checked

_ENCODED_WORD = re.compile(rb"=\?[^?\s]{1,64}\?[bBqQ]\?[^?\s]*\?=")


def structure_findings(data: bytes) -> list[Finding]:
    """PEC016 (too many parts, too deep) or PEC018 (too many encoded words, headers too
    large) for a message that must not be handed to the parser; [] when it may be. The
    first limit exceeded is reported: one reason suffices to refuse, and stopping there
    keeps a hostile message's cost at a pass or two over its bytes."""
    parts = data.count(b"\n--") + data.startswith(b"--")
    if parts > MAX_MIME_PARTS:
        return [_finding("PEC016", f"{parts} parti MIME (limite {MAX_MIME_PARTS})")]
    containers = _count_ci(data, b"boundary") + _count_ci(data, b"message/rfc822")
    if containers > MAX_CONTAINERS:
        return [_finding("PEC016", f"{containers} contenitori multipart o messaggi annidati "
                                   f"(limite {MAX_CONTAINERS})")]
    words = data.count(b"=?")
    if words > MAX_ENCODED_WORDS:
        return [_finding("PEC018", f"{words} parole codificate (limite {MAX_ENCODED_WORDS})")]
    if words:
        total = sum(m.end() - m.start() for m in _ENCODED_WORD.finditer(data))
        if total > MAX_ENCODED_BYTES:
            return [_finding("PEC018", f"{total // 1024} KB di parole codificate "
                                       f"(limite {MAX_ENCODED_BYTES // 1024} KB)")]
    if _header_end(data) > MAX_HEADER_BYTES:
        return [_finding("PEC018", f"intestazioni oltre {MAX_HEADER_BYTES // 1024} KB")]
    return []


def _finding(code: str, detail: str) -> Finding:
    return Finding(code, detail=detail, args={"detail": detail})


def _count_ci(data: bytes, word: bytes) -> int:
    """Occurrences of an ASCII word in any case, without a lower-cased copy of the message:
    each spelling found by its first letter's two cases (still a handful of C passes)."""
    if len(data) <= (8 << 20):
        return data.lower().count(word)
    total = 0
    for start in range(0, len(data), 8 << 20):  # bounded copies, overlapping by the word
        chunk = data[start:start + (8 << 20) + len(word) - 1]
        total += chunk.lower().count(word)
    return total


def _header_end(data: bytes) -> int:
    """Length of the top-level header block (up to the first empty line), looked for only
    a little past the limit: beyond it, the exact length does not matter."""
    window = MAX_HEADER_BYTES + 2
    ends = [i for i in (data.find(b"\n\n", 0, window), data.find(b"\n\r\n", 0, window)) if i >= 0]
    return min(ends) if ends else min(len(data), window)
