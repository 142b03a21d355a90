"""Stream data decoded filter by filter under an output cap: the one bounded reader of PDF
streams (the active-content scanner, the PDF/A validator and the XMP reader use it).

qpdf's read_bytes() decodes a whole filter chain before returning: a 3 KB stream with
[/LZWDecode /FlateDecode] or Flate twice becomes 1 GiB before any caller can look at its
length. Here the raw bytes (read_raw_bytes, never decoded by qpdf) go through our own
decoders, each stage a generator of chunks that stops at `limit` output bytes:

    raw ─ ASCIIHex / ASCII85 / RunLength / LZW / Flate (chunk by chunk) ─ … ─ ≤ limit bytes

A PNG/TIFF predictor never grows the data, so it is applied by qpdf to the already bounded
bytes. Image codecs (DCT, JPX, CCITT, JBIG2) are left encoded: nothing here needs pixels.
`exceeds` only counts (no bytes kept) for the scan that looks for bombs anywhere.
"""
from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Iterable, Iterator

import pikepdf

CHUNK = 1 << 20
# How much one filter can expand its input at most: a stream whose raw length times the
# chain's product stays under a limit needs no decoding to know it does.
_MAX_RATIO = {"FlateDecode": 1032, "LZWDecode": 2731, "RunLengthDecode": 64,
              "ASCIIHexDecode": 1, "ASCII85Decode": 1}
_ABBREVIATIONS = {"Fl": "FlateDecode", "LZW": "LZWDecode", "RL": "RunLengthDecode",
                  "AHx": "ASCIIHexDecode", "A85": "ASCII85Decode", "DCT": "DCTDecode",
                  "CCF": "CCITTFaxDecode"}
IMAGE_CODECS = frozenset({"DCTDecode", "JPXDecode", "CCITTFaxDecode", "JBIG2Decode"})


class StreamBomb(Exception):
    """A stream decodes past the limit (a decompression bomb, or just huge)."""

    def __init__(self, raw: int, limit: int):
        super().__init__(f"{raw} byte compressi si espandono oltre {limit} byte")
        self.raw = raw
        self.limit = limit


class Undecodable(ValueError):
    """A filter we do not decode (an image codec, encryption) or damaged parameters."""


def filters(stream: pikepdf.Stream) -> list[tuple[str, dict]]:
    """The chain as (full filter name without slash, its decode parameters)."""
    names = stream.get("/Filter")
    parms = stream.get("/DecodeParms")
    if names is None:
        return []
    name_list = list(names) if isinstance(names, pikepdf.Array) else [names]
    parm_list = list(parms) if isinstance(parms, pikepdf.Array) else [parms] * len(name_list)
    out = []
    for i, name in enumerate(name_list):
        if not isinstance(name, pikepdf.Name):
            raise Undecodable(f"filtro non valido: {name!r}")
        short = str(name)[1:]
        parm = parm_list[i] if i < len(parm_list) else None
        out.append((_ABBREVIATIONS.get(short, short),
                    {str(k)[1:]: v for k, v in parm.items()} if isinstance(parm, pikepdf.Dictionary) else {}))
    return out


def could_exceed(stream: pikepdf.Stream, limit: int) -> bool:
    """Whether the chain could decode past `limit`, judged from the raw length alone."""
    bound = len(stream.read_raw_bytes())
    for name, _ in filters(stream):
        if name in IMAGE_CODECS:
            break
        bound *= _MAX_RATIO.get(name, 1)
    return bound > limit


def decode(stream: pikepdf.Stream, limit: int, *, truncate: bool = False) -> bytes:
    """The decoded bytes, at most `limit`: StreamBomb beyond it (or the first `limit` bytes
    when `truncate`), Undecodable for a filter not decoded here. pikepdf's errors on a
    damaged stream are the caller's."""
    chain = filters(stream)
    if chain and chain[-1][0] in IMAGE_CODECS or any(n in IMAGE_CODECS for n, _ in chain[:-1]):
        raise Undecodable(f"filtro {chain[-1][0]}: dati d'immagine")
    raw = bytes(stream.read_raw_bytes())
    data = raw
    for name, parms in chain:
        out = bytearray()
        for piece in _stage(name, parms, [data], limit):
            out += piece
            if len(out) > limit:
                if truncate:
                    break
                raise StreamBomb(len(raw), limit)
        data = _predicted(bytes(out[:limit] if truncate else out), parms)
    return data[:limit]


def exceeds(stream: pikepdf.Stream, limit: int) -> bool:
    """Whether the chain decodes past `limit`, counted chunk by chunk without keeping the
    bytes (memory stays at a few chunks whatever the stream expands to)."""
    chain = [(n, p) for n, p in filters(stream)]
    pieces: Iterable[bytes] = [bytes(stream.read_raw_bytes())]
    for name, parms in chain:
        if name in IMAGE_CODECS:
            break
        pieces = _stage(name, parms, pieces, limit)
    total = 0
    for piece in pieces:
        total += len(piece)
        if total > limit:
            return True
    return False


def _stage(name: str, parms: dict, pieces: Iterable[bytes], limit: int) -> Iterator[bytes]:
    if name == "FlateDecode":
        return _flate(pieces)
    if name == "LZWDecode":
        return _lzw(pieces, int(parms.get("EarlyChange", 1)), limit)
    if name == "RunLengthDecode":
        return _run_length(pieces, limit)
    if name == "ASCIIHexDecode":
        return iter([_ascii_hex(b"".join(pieces))])
    if name == "ASCII85Decode":
        return iter([_ascii85(b"".join(pieces))])
    if name == "Crypt" and str(parms.get("Name", "/Identity")) == "/Identity":
        return iter(pieces)
    raise Undecodable(f"filtro {name} non decodificato")


def _flate(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """Inflate in CHUNK steps; a damaged tail ends the stream with what inflated (as qpdf)."""
    inflater = zlib.decompressobj()
    for piece in pieces:
        data = piece
        while True:
            try:
                out = inflater.decompress(data, CHUNK)
            except zlib.error:
                return
            if out:
                yield out
            data = inflater.unconsumed_tail
            if inflater.eof:
                return
            if not data and not out:
                break


def _lzw(pieces: Iterable[bytes], early_change: int, limit: int) -> Iterator[bytes]:
    """LZW as in ISO 32000-1 7.4.4: 9- to 12-bit codes, 256 clears, 257 ends."""
    data = b"".join(pieces)
    table: list[bytes] = [bytes([i]) for i in range(256)] + [b"", b""]
    width, buffer, bits, previous = 9, 0, 0, b""
    out = bytearray()
    produced = 0
    for byte in data:
        buffer = (buffer << 8) | byte
        bits += 8
        while bits >= width:
            bits -= width
            code = (buffer >> bits) & ((1 << width) - 1)
            buffer &= (1 << bits) - 1
            if code == 256:
                table, width, previous = table[:258], 9, b""
                continue
            if code == 257:
                yield bytes(out)
                return
            if code < len(table):
                entry = table[code]
                if previous and len(table) < 4096:
                    table.append(previous + entry[:1])
            elif previous and code == len(table) < 4096:  # KwKwK: the code being defined
                entry = previous + previous[:1]
                table.append(entry)
            else:
                yield bytes(out)
                return  # a damaged stream: keep what decoded
            out += entry
            previous = entry
            if len(table) + early_change >= (1 << width) and width < 12:
                width += 1
            if len(out) >= CHUNK:
                produced += len(out)
                yield bytes(out)
                out.clear()
                if produced > limit:
                    return
    yield bytes(out)


def _run_length(pieces: Iterable[bytes], limit: int) -> Iterator[bytes]:
    data = b"".join(pieces)
    out = bytearray()
    produced, i = 0, 0
    while i < len(data):
        length = data[i]
        if length == 128:
            break
        if length < 128:
            out += data[i + 1:i + 2 + length]
            i += 2 + length
        else:
            out += data[i + 1:i + 2] * (257 - length)
            i += 2
        if len(out) >= CHUNK:
            produced += len(out)
            yield bytes(out)
            out.clear()
            if produced > limit:
                return
    yield bytes(out)


def _ascii_hex(data: bytes) -> bytes:
    digits = bytes(b for b in data.split(b">", 1)[0] if b not in b" \t\r\n\f\x00")
    if len(digits) % 2:
        digits += b"0"
    try:
        return binascii.unhexlify(digits)
    except (binascii.Error, ValueError) as exc:
        raise Undecodable(f"ASCIIHexDecode: {exc}") from None


def _ascii85(data: bytes) -> bytes:
    body = data.split(b"~>", 1)[0].strip()
    body = body.removeprefix(b"<~")
    try:
        return base64.a85decode(body, ignorechars=b" \t\r\n\f\x00")
    except ValueError as exc:
        raise Undecodable(f"ASCII85Decode: {exc}") from None


def _predicted(data: bytes, parms: dict) -> bytes:
    """A PNG or TIFF predictor undone by qpdf on bytes already bounded (it never grows them)."""
    try:
        predictor = int(parms.get("Predictor", 1))
    except (TypeError, ValueError):
        raise Undecodable("DecodeParms /Predictor non valido") from None
    if predictor <= 1:
        return data
    scratch = pikepdf.Pdf.new()
    stream = scratch.make_stream(zlib.compress(data, 0))
    stream.Filter = pikepdf.Name.FlateDecode
    stream.DecodeParms = pikepdf.Dictionary({f"/{key}": value for key, value in parms.items()
                                             if key in ("Predictor", "Colors", "BitsPerComponent",
                                                        "Columns")})
    try:
        return bytes(stream.read_bytes())
    except pikepdf.PdfError as exc:
        raise Undecodable(f"predittore: {exc}") from None
