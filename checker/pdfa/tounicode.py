"""ToUnicode CMaps and the character codes a text string shows: what the Unicode rules of the
fonts family (ISO 19005-1 6.3.8, ISO 19005-2/3 6.2.11.7) read, bounded and never guessing."""
from __future__ import annotations

import re

from .document import Undecidable, get, name, read_stream

HEX_TOKEN = re.compile(rb"<([0-9A-Fa-f\s]*)>")



def hex_bytes(hexdigits: bytes) -> bytes:
    """The bytes of a hex string's digits; an odd last digit stands for digit + 0
    (ISO 32000-1 7.3.4.3)."""
    digits = re.sub(rb"\s", b"", hexdigits).decode("ascii")
    return bytes.fromhex(digits + "0" * (len(digits) % 2))


def to_unicode_map(stream, limit: int = 70_000) -> dict[int, str]:
    """code -> Unicode text from a ToUnicode CMap (bfchar and bfrange), bounded."""
    data = read_stream(stream, limit=4 << 20)
    if data is None:
        raise Undecidable("la mappa ToUnicode è troppo grande o non decodificabile")
    out: dict[int, str] = {}

    def text(hexdigits: bytes) -> str:
        return hex_bytes(hexdigits).decode("utf-16-be", "replace")
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        tokens = HEX_TOKEN.findall(block)
        for src, dst in zip(tokens[::2], tokens[1::2], strict=False):  # an odd token is left out
            out[int(re.sub(rb"\s", b"", src) or b"0", 16)] = text(dst)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for m in re.finditer(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f\s]*>|\[[^\]]*\])", block):
            lo, hi = int(m.group(1), 16), int(m.group(2), 16)
            if hi - lo > limit:
                continue
            dst = m.group(3)
            if dst.startswith(b"["):
                for i, item in enumerate(HEX_TOKEN.findall(dst)):
                    out[lo + i] = text(item)
            else:
                base = hex_bytes(dst[1:-1]) or b"\x00"
                for i in range(hi - lo + 1):
                    value = int.from_bytes(base, "big") + i
                    out[lo + i] = value.to_bytes(max(len(base), 2), "big").decode("utf-16-be", "replace")
            if len(out) > limit:
                return out
    return out


def shown_codes(font, raw: bytes) -> list[int]:
    """The character codes of a shown string: two bytes each for an Identity CMap, one for a
    simple font; none for other CMaps (not judged)."""
    sub = name(get(font, "/Subtype"))
    if sub == "Type0":
        if name(get(font, "/Encoding")) not in ("Identity-H", "Identity-V"):
            return []
        return [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw) - 1, 2)]
    return list(raw)
