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
    if all(f in ("/FlateDecode", "/Fl") for f in filters):
        data = raw
        for _ in filters:
            data = _inflate(data, limit)
        if "/DecodeParms" not in stream:
            return data
        # a PNG/TIFF predictor does not grow the data: qpdf may now decode it safely
        return stream.read_bytes()[:limit]
    # Other chains (LZW, RunLength, ASCII85...): LZW alone can expand over 1000 times, so
    # only a small raw stream is handed to qpdf's decoder.
    if len(raw) * 4096 > limit:
        raise TooLarge(len(raw), limit)
    return stream.read_bytes()[:limit]
