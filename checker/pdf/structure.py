"""Cross-reference and object streams that qpdf inflates whole before any caller can bound
it: found in the raw bytes, with zlib's own bound, before the file is handed to pikepdf."""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

_INFLATED_AT_OPEN = re.compile(rb"/Type\s*/(XRef|ObjStm)\b")
_OBJ_HEADER = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")
_FLATE = re.compile(rb"/(?:FlateDecode|Fl)\b")
STRUCTURE_INFLATED_MAX = 64 << 20  # real xref/object streams: a few MB at most
_STRUCTURE_STREAMS_MAX = 256


@dataclass(frozen=True)
class StructureBomb:
    kind: str      # "XRef" (cross-reference stream) or "ObjStm" (object stream)
    ref: str       # "6 0", or "" when the object header is not found
    offset: int    # byte offset of the stream's /Type
    limit: int


def structure_stream_bomb(data: bytes, limit: int = STRUCTURE_INFLATED_MAX) -> StructureBomb | None:
    """The first Flate-compressed cross-reference or object stream that inflates past
    `limit`, or None. qpdf inflates these whole while opening the file (cross-reference
    streams) or reconstructing a damaged one (object streams), before any caller can bound
    it: a 3 KB file can make it spend seconds and a gigabyte. Read here with zlib's bound."""
    for n, m in enumerate(_INFLATED_AT_OPEN.finditer(data)):
        if n >= _STRUCTURE_STREAMS_MAX:
            break
        start = data.find(b"stream", m.end())
        if start < 0:
            break
        obj = data.rfind(b"obj", 0, m.start())
        head = data[max(0, obj):start]
        flates = len(_FLATE.findall(head))
        if not flates or b"endstream" in head:
            continue
        start += len(b"stream")
        start += 2 if data[start:start + 2] == b"\r\n" else 1
        end = data.find(b"endstream", start)
        raw = data[start:end if end >= 0 else len(data)]
        for _ in range(flates):
            raw = _inflate_prefix(raw, limit)
            if len(raw) > limit:
                header = list(_OBJ_HEADER.finditer(data, max(0, obj - 24), obj + 3))
                ref = f"{int(header[-1].group(1))} {int(header[-1].group(2))}" if header else ""
                return StructureBomb(m.group(1).decode(), ref, m.start(), limit)
    return None


def _inflate_prefix(raw: bytes, limit: int) -> bytes:
    """What inflates from raw before the damage, at most limit + 1 bytes: like qpdf, keep
    what inflated before a broken byte, and do not insist on the final checksum."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)   # raw deflate after the 2-byte header
    out = bytearray()
    for i in range(2, len(raw), 512):
        try:
            out += inflater.decompress(raw[i:i + 512], limit + 1 - len(out))
        except zlib.error:
            break
        if len(out) > limit or inflater.eof:
            break
    return bytes(out)

