"""BER as real signing tools write it, made readable: indefinite lengths become definite.

Smart-card tools stream CMS with indefinite lengths at every level, counter-signatures and
signature timestamps included; asn1crypto refuses more than 10 nested indefinite lengths
and joins constructed OCTET STRING chunks only inside indefinite-length parents. to_definite
rewrites the encoding in one pass with an explicit stack (no recursion, depth-bounded):

- an indefinite length becomes the definite length of the same contents;
- a constructed OCTET STRING (its chunks) becomes one primitive OCTET STRING with the
  chunks joined — what is hashed is the value, never the chunking;
- a definite-length element with nothing of the above inside is copied byte for byte, so
  signed attributes, certificates and timestamp tokens keep the bytes their signatures cover.
"""
from __future__ import annotations

from dataclasses import dataclass, field

MAX_DEPTH = 100
_OCTETS_CONSTRUCTED = 0x24


class BerError(ValueError):
    """Not a readable BER element (the message says why, in English)."""


@dataclass
class _Frame:
    start: int
    ident: bytes                 # identifier octets as written
    end: int | None              # None: indefinite length, ends at 00 00
    octets: bool                 # constructed OCTET STRING: its chunks are joined
    changed: bool                # re-encoded, not copied
    parts: list[bytes] = field(default_factory=list)


def der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _header(data: bytes, pos: int, limit: int) -> tuple[bytes, bool, int | None, int]:
    """(identifier octets, constructed, content length or None, content start)."""
    start = pos
    if pos >= limit:
        raise BerError("truncated: identifier missing")
    first = data[pos]
    pos += 1
    if first & 0x1F == 0x1F:          # high tag number form
        for _ in range(5):
            if pos >= limit:
                raise BerError("truncated tag")
            pos += 1
            if not data[pos - 1] & 0x80:
                break
        else:
            raise BerError("tag number too long")
    ident = data[start:pos]
    if pos >= limit:
        raise BerError("truncated: length missing")
    length_octet = data[pos]
    pos += 1
    constructed = bool(first & 0x20)
    if length_octet == 0x80:
        if not constructed:
            raise BerError("indefinite length on a primitive element")
        return ident, constructed, None, pos
    if length_octet < 0x80:
        return ident, constructed, length_octet, pos
    count = length_octet & 0x7F
    if count > 8 or pos + count > limit:
        raise BerError("bad length")
    length = int.from_bytes(data[pos:pos + count], "big")
    return ident, constructed, length, pos + count


def to_definite(data: bytes, max_depth: int = MAX_DEPTH) -> tuple[bytes, bool]:
    """The first element of `data` with definite lengths only, and whether anything had
    to change (False: the bytes are returned as they were). Raises BerError."""
    stack: list[_Frame] = []
    result: list[bytes] = []
    changed_any = False
    pos, total = 0, len(data)

    def emit(encoded: bytes, raw_content: bytes | None, changed: bool) -> None:
        nonlocal changed_any
        if not stack:
            result.append(encoded)
            changed_any = changed
            return
        parent = stack[-1]
        if parent.octets:
            if raw_content is None:
                raise BerError("constructed OCTET STRING holding something else")
            parent.parts.append(raw_content)
        else:
            parent.parts.append(encoded)
            parent.changed |= changed

    while True:
        # close every element that ends here
        while stack:
            top = stack[-1]
            if top.end is None:
                if data[pos:pos + 2] != b"\x00\x00":
                    break
                pos += 2
            elif pos < top.end:
                break
            elif pos > top.end:
                raise BerError("element longer than its parent")
            stack.pop()
            body = b"".join(top.parts)
            if top.octets:
                emit(b"\x04" + der_length(len(body)) + body, body, True)
            elif top.changed:
                emit(top.ident + der_length(len(body)) + body, None, True)
            else:
                emit(data[top.start:pos], None, False)
        if result:
            return result[0], changed_any
        limit = stack[-1].end if stack and stack[-1].end is not None else total
        if pos >= limit:
            raise BerError("truncated: end of contents missing")
        ident, constructed, length, content = _header(data, pos, limit)
        if length is not None and content + length > limit:
            raise BerError("truncated: length beyond the data")
        if not constructed:
            assert length is not None
            end = content + length
            emit(data[pos:end], data[content:end], False)
            pos = end
            continue
        if len(stack) >= max_depth:
            raise BerError("ASN.1 nested too deeply")
        octets = ident == bytes([_OCTETS_CONSTRUCTED])
        stack.append(_Frame(start=pos, ident=ident, end=None if length is None else content + length,
                            octets=octets, changed=length is None or octets))
        pos = content
