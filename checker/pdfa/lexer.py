"""Regex-jumping scans of raw PDF syntax (content streams and uncompressed objects).

Each scan jumps from one byte that matters to the next with a compiled pattern instead
of stepping byte by byte in Python, and classifies exactly as a byte-by-byte tokenizer
would: comments run to the next end of line, literal strings nest balanced parentheses
with backslash escapes, `<<` opens a dictionary, `<` a hex string, and inline image data
(after an `ID` keyword that stands alone) runs to the first `EI` between white space.
"""
from __future__ import annotations

import functools
import re

# the next byte where the tokenizer's state changes: a comment, a literal string, a hex
# string or dictionary, or an ID keyword with white space (or the start) before and after
_NEXT = re.compile(rb"[%(<]|(?<![^ \t\r\n])ID(?=[ \t\r\n])")
_END_OF_LINE = re.compile(rb"[\r\n]")
_STRING_FLAT = re.compile(rb"\((?:[^\\()]|\\.)*\)", re.DOTALL)  # a string without nested ()
_STRING_STEP = re.compile(rb"[\\()]")
_INLINE_END = re.compile(rb"\sEI(?=[\s]|$)")
_WHITE = re.compile(rb"\s")
_NOT_HEX = re.compile(rb"[^0-9A-Fa-f]")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def scan_hex(data: bytes) -> str | None:
    """The first malformed hex string outside comments, literal strings and inline image
    data: "chars" (a byte that is not a hex digit or white space), "odd" (an odd number
    of digits), else None. An unterminated hex string ends the scan undecided (None)."""
    if b"<" not in data or b"<" not in data.replace(b"<<", b""):
        # no "<" outside dictionary brackets: no hex string anywhere (an adjacent pair
        # is always read as "<<", whatever string, comment or image data came before)
        return None
    i, n = 0, len(data)
    while i < n:
        m = _NEXT.search(data, i)
        if m is None:
            return None
        i = m.start()
        c = data[i]
        if c == 0x25:  # % comment: up to the next end of line
            eol = _END_OF_LINE.search(data, i)
            i = eol.start() if eol else n
        elif c == 0x28:  # ( literal string
            flat = _STRING_FLAT.match(data, i)
            i = flat.end() if flat else _string_end(data, i + 1, n)
        elif c == 0x3C:  # < hex string, or << a dictionary
            if data[i + 1:i + 2] == b"<":
                i += 2
                continue
            j = data.find(b">", i)
            if j < 0:
                return None
            body = _WHITE.sub(b"", data[i + 1:j])
            if _NOT_HEX.search(body):
                return "chars"
            if len(body) % 2:
                return "odd"
            i = j + 1
        else:  # ID: inline image data up to EI
            end = _INLINE_END.search(data, i + 3)
            i = end.end() if end else n
    return None


def _string_end(data: bytes, i: int, n: int) -> int:
    """Just after the parenthesis closing a literal string opened before `i` (nested)."""
    depth = 1
    while depth:
        m = _STRING_STEP.search(data, i)
        if m is None:
            return n
        i = m.start()
        b = data[i]
        if b == 0x5C:  # backslash: the next byte is escaped
            i += 2
            continue
        depth += 1 if b == 0x28 else -1
        i += 1
    return i


@functools.lru_cache(maxsize=65_536)
def unescape_name(raw: bytes) -> bytes:
    """A name's bytes with its #xx escapes decoded (memoised: names repeat across objects)."""
    if b"#" not in raw:
        return raw
    return _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)


@functools.lru_cache(maxsize=65_536)
def name_facts(raw: bytes) -> tuple[int, bool]:
    """(length in bytes, valid UTF-8) of a name given as written, #xx escapes decoded."""
    plain = unescape_name(raw)
    try:
        plain.decode("utf-8")
    except UnicodeDecodeError:
        return len(plain), False
    return len(plain), True
