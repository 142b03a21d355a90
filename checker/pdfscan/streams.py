"""Reading a stream we must look into (a script, an embedded file's head) without
letting a decompression bomb allocate gigabytes: qpdf's read_bytes() decodes the whole
stream at once, so Flate chains are inflated here with zlib's max_length instead."""
from __future__ import annotations

import zlib

import pikepdf


class TooLarge(Exception):
    """The decoded stream exceeds the limit (a decompression bomb, or just huge)."""

    def __init__(self, raw: int, limit: int):
        super().__init__(f"{raw} byte compressi si espandono oltre {limit} byte")
        self.raw = raw
        self.limit = limit


def _filters(stream: pikepdf.Stream) -> list[str]:
    f = stream.get("/Filter")
    if f is None:
        return []
    if isinstance(f, pikepdf.Name):
        return [str(f)]
    if isinstance(f, pikepdf.Array):
        return [str(x) for x in f]
    return ["?"]


def _inflate(data: bytes, limit: int) -> bytes:
    d = zlib.decompressobj()
    try:
        out = d.decompress(data, limit + 1)
    except zlib.error:
        # A truncated or slightly broken Flate stream: keep what decoded (as readers do).
        out = b""
    if len(out) > limit:
        raise TooLarge(len(data), limit)
    return out


def bounded_bytes(stream: pikepdf.Stream, limit: int) -> bytes:
    """Decoded bytes of `stream`, at most `limit`; TooLarge beyond it."""
    filters = _filters(stream)
    raw = stream.read_raw_bytes()
    if not filters:
        return raw[:limit]
    if all(f in ("/FlateDecode", "/Fl") for f in filters) and "/DecodeParms" not in stream:
        data = raw
        for _ in filters:
            data = _inflate(data, limit)
        return data
    # Other filters (LZW, ASCIIHex, RunLength, predictors): their expansion is bounded by a
    # small factor, so a small raw stream is safe to hand to qpdf.
    if len(raw) * 8 > limit:
        raise TooLarge(len(raw), limit)
    return stream.read_bytes()[:limit]
