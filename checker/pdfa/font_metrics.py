"""Glyph widths in the font dictionary against the embedded font program
(ISO 19005-1 6.3.6; ISO 19005-2/3 6.2.11.5), for TrueType programs read with fontTools.

Only cases where the glyph is found without guessing are judged: a simple TrueType font
with a standard encoding or /Differences resolved through the (3,1) cmap, a symbolic one
through the (3,0) cmap, and CIDFontType2 with an Identity CIDToGIDMap. A width may differ
by one unit (rounding); anything else is a failure. A program that cannot be read raises
Undecidable: the caller records the rule as not decided.
"""
from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator

import pikepdf
from fontTools import agl
from fontTools.cffLib import CFFFontSet, TopDict
from fontTools.encodings.StandardEncoding import StandardEncoding
from fontTools.ttLib import TTFont

from .document import Undecidable, as_list, get, is_dict, name, read_stream

TOLERANCE = 1.0
# fontTools logs every oddity of a damaged font program; the validator judges them itself.
logging.getLogger("fontTools").setLevel(logging.CRITICAL)
MAX_CODES = 4096


def _unreadable(what: str, exc: Exception) -> Undecidable:
    return Undecidable(f"il programma {what} del carattere è illeggibile ({type(exc).__name__}: {exc})"[:200])


def load_truetype(stream: pikepdf.Stream, tables: tuple[str, ...]) -> TTFont:
    """An embedded TrueType program with `tables` read now; Undecidable when it cannot be."""
    data = read_stream(stream, limit=32 << 20)
    if data is None:
        raise Undecidable("il programma TrueType del carattere è troppo grande o non decodificabile")
    try:
        font = TTFont(io.BytesIO(data), lazy=True, fontNumber=0)
        for table in tables:
            font[table]  # load now, inside the try
    except Exception as exc:  # noqa: BLE001 - fontTools fails on damaged programs in any way
        raise _unreadable("TrueType", exc) from exc
    return font


def _program(desc) -> TTFont | None:
    """The embedded TrueType program; None when there is none. Undecidable when unreadable."""
    stream = get(desc, "/FontFile2")
    if not isinstance(stream, pikepdf.Stream):
        return None
    font = load_truetype(stream, ("head", "hmtx"))
    if not font["head"].unitsPerEm:
        raise Undecidable("il programma TrueType del carattere dichiara unitsPerEm 0")
    return font


def _advance(font: TTFont, glyph: str) -> float | None:
    """The glyph's advance width in 1/1000 em; None for a glyph the program does not have
    (judged by the glyph-presence rule)."""
    metric = font["hmtx"].metrics.get(glyph)
    return None if metric is None else metric[0] * 1000.0 / font["head"].unitsPerEm


def simple_truetype(font_dict, desc, codes: set[int]) -> Iterator[tuple[int, float, float]]:
    """(code, width in the PDF, width in the program) for each mismatching code."""
    program = _program(desc)
    if program is None:
        return
    widths = as_list(get(font_dict, "/Widths"))
    try:
        first = int(get(font_dict, "/FirstChar"))
        flags = int(get(desc, "/Flags", 0))
    except (TypeError, ValueError) as exc:
        raise Undecidable("/FirstChar o /Flags assente o non numerico") from exc
    base, differences = simple_encoding(font_dict)
    try:
        tables = {(t.platformID, t.platEncID): t.cmap for t in program["cmap"].tables}
    except Exception as exc:  # noqa: BLE001 - fontTools fails on damaged programs in any way
        raise _unreadable("TrueType", exc) from exc
    unicode_cmap = tables.get((3, 1)) or tables.get((3, 10))
    symbol_cmap = tables.get((3, 0))
    symbolic = bool(flags & 4)
    for c in sorted(codes)[:MAX_CODES]:
        index = c - first
        if not 0 <= index < len(widths):
            continue
        try:
            pdf_width = float(widths[index])
        except (TypeError, ValueError) as exc:
            raise Undecidable(f"la larghezza del codice {c} in /Widths non è un numero") from exc
        glyph = None
        if symbolic and symbol_cmap is not None:
            glyph = symbol_cmap.get(c) or symbol_cmap.get(0xF000 + c)
        elif not symbolic and unicode_cmap is not None:
            text = ""
            if c in differences:
                text = agl.toUnicode(differences[c])
            elif base in ("WinAnsiEncoding", "MacRomanEncoding"):
                text = encoded_char(c, base)
            if len(text) == 1:
                glyph = unicode_cmap.get(ord(text))
        if not glyph:
            continue
        program_width = _advance(program, glyph)
        if program_width is not None and abs(program_width - pdf_width) > TOLERANCE:
            yield c, pdf_width, program_width


def _cid_widths(cid_font) -> tuple[dict[int, float], float]:
    widths: dict[int, float] = {}
    try:
        default = float(get(cid_font, "/DW", 1000))
    except (TypeError, ValueError) as exc:
        raise Undecidable("la larghezza predefinita /DW non è un numero") from exc
    items = as_list(get(cid_font, "/W"))
    i = 0
    while i < len(items) and len(widths) < 200_000:
        try:
            start = int(items[i])
            nxt = items[i + 1]
            if isinstance(nxt, pikepdf.Array):
                for k, w in enumerate(nxt):
                    widths[start + k] = float(w)
                i += 2
            else:
                end, width = int(nxt), float(items[i + 2])
                for cid in range(start, min(end, start + 65536) + 1):
                    widths[cid] = width
                i += 3
        except (TypeError, ValueError, IndexError) as exc:
            raise Undecidable("l'array delle larghezze /W non è leggibile") from exc
    return widths, default


def cid_truetype(font_dict, cid_font, desc, raw: bytes) -> Iterator[tuple[int, float, float]]:
    """Mismatches for a Type0/CIDFontType2 with Identity-H/V encoding and CIDToGIDMap."""
    if name(get(font_dict, "/Encoding")) not in ("Identity-H", "Identity-V"):
        return
    if name(get(cid_font, "/CIDToGIDMap")) != "Identity":
        return
    program = _program(desc)
    if program is None:
        return
    try:
        order = program.getGlyphOrder()
    except Exception as exc:  # noqa: BLE001 - fontTools fails on damaged programs in any way
        raise _unreadable("TrueType", exc) from exc
    widths, default = _cid_widths(cid_font)
    cids = {int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw) - 1, 2)}
    for cid in sorted(cids)[:MAX_CODES]:
        if cid == 0 or cid >= len(order):
            continue
        pdf_width = widths.get(cid, default)
        program_width = _advance(program, order[cid])
        if program_width is not None and abs(program_width - pdf_width) > TOLERANCE:
            yield cid, pdf_width, program_width


def _cff(desc, subtype: str = "Type1C") -> TopDict | None:
    """The embedded CFF program's top dictionary; None when there is none. Undecidable
    when unreadable."""
    stream = get(desc, "/FontFile3")
    if not isinstance(stream, pikepdf.Stream) or name(get(stream, "/Subtype")) != subtype:
        return None
    data = read_stream(stream, limit=32 << 20)
    if data is None:
        raise Undecidable("il programma CFF del carattere è troppo grande o non decodificabile")
    try:
        cff = CFFFontSet()
        cff.decompile(io.BytesIO(data), None)
        return cff[cff.fontNames[0]]
    except Exception as exc:  # noqa: BLE001 - fontTools fails on damaged programs in any way
        raise _unreadable("CFF", exc) from exc


# Where ISO 32000-1 Annex D names a code differently from the cp1252 / mac_roman codecs.
_ANNEX_D: dict[tuple[str | None, int], str] = {("WinAnsiEncoding", 0xA0): "space", ("WinAnsiEncoding", 0xAD): "hyphen",
            ("MacRomanEncoding", 0xCA): "space"}


def encoded_char(code: int, base: str | None) -> str:
    """The character a WinAnsi/MacRoman code stands for ("" when unknown)."""
    special = _ANNEX_D.get((base, code))
    if special:
        return agl.toUnicode(special)
    if base not in ("WinAnsiEncoding", "MacRomanEncoding"):
        return ""
    try:
        return bytes([code]).decode("cp1252" if base == "WinAnsiEncoding" else "mac_roman")
    except UnicodeDecodeError:
        return ""


def _standard_name(code: int, base: str | None) -> str | None:
    if base in ("WinAnsiEncoding", "MacRomanEncoding"):
        special = _ANNEX_D.get((base, code))
        if special:
            return special
        ch = encoded_char(code, base)
        return agl.UV2AGL.get(ord(ch)) if len(ch) == 1 else None
    if base == "StandardEncoding":
        glyph = StandardEncoding[code] if code < len(StandardEncoding) else None
        return glyph if glyph and glyph != ".notdef" else None
    return None


def missing_cff_glyphs(font_dict, desc, codes: set[int]) -> list[str]:
    """Glyph names a simple Type 1 (CFF) font is asked to draw but its program lacks."""
    top = _cff(desc)
    if top is None:
        return []
    try:
        charset = set(top.charset)
        builtin = top.Encoding if isinstance(top.Encoding, list) else None
    except Exception as exc:  # noqa: BLE001 - fontTools reads these lazily and fails in any way
        raise _unreadable("CFF", exc) from exc
    base, differences = simple_encoding(font_dict)
    # a glyph counts as present when the program has it under any name for the same character
    present_chars = {agl.toUnicode(g) for g in charset} - {""}
    missing = []
    for c in sorted(codes)[:MAX_CODES]:
        glyph: str | None
        if c in differences:
            glyph = differences[c]
        elif base is not None:
            glyph = _standard_name(c, base)
        elif builtin is not None and c < len(builtin):
            glyph = builtin[c]
        else:
            glyph = None
        if glyph and glyph != ".notdef" and glyph not in charset \
                and (not agl.toUnicode(glyph) or agl.toUnicode(glyph) not in present_chars):
            missing.append(glyph)
    return missing


def missing_cid_glyphs(font_dict, cid_font, desc, raw: bytes) -> list[int]:
    """CIDs beyond the glyphs of a CIDFontType2 program with an Identity CIDToGIDMap."""
    if name(get(font_dict, "/Encoding")) not in ("Identity-H", "Identity-V"):
        return []
    if name(get(cid_font, "/CIDToGIDMap")) != "Identity":
        return []
    program = _program(desc)
    if program is None:
        return []
    try:
        count = program["maxp"].numGlyphs
    except Exception as exc:  # noqa: BLE001 - fontTools reads tables lazily and fails in any way
        raise _unreadable("TrueType", exc) from exc
    cids = {int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw) - 1, 2)}
    return sorted(c for c in cids if c >= count)[:10]


_CHARSET_NAME = re.compile(rb"/([^\x00\t\n\x0c\r /()<>\[\]{}%]*)")


def charset_names(charset: bytes) -> set[str]:
    """The glyph names of a /CharSet string: names in PDF syntax, so white space between
    them is allowed and #xx stands for a byte (ISO 32000-1 7.3.5, table 122)."""
    out = set()
    for m in _CHARSET_NAME.finditer(charset):
        raw = re.sub(rb"#([0-9A-Fa-f]{2})", lambda h: bytes([int(h.group(1), 16)]), m.group(1))
        if raw:
            out.add(raw.decode("latin-1"))
    return out


def charset_omissions(desc) -> list[str]:
    """Glyphs of a Type 1 (CFF) subset program that its /CharSet does not list."""
    charset = get(desc, "/CharSet")
    if not isinstance(charset, pikepdf.String):
        return []
    top = _cff(desc)
    if top is None:
        return []
    listed = charset_names(bytes(charset))
    try:
        present = [g for g in top.charset if g != ".notdef"]
    except Exception as exc:  # noqa: BLE001 - fontTools reads these lazily and fails in any way
        raise _unreadable("CFF", exc) from exc
    return [g for g in present if g not in listed][:10]


def cidset_omissions(desc) -> list[int]:
    """CIDs of a CID-keyed CFF program that its /CIDSet does not mark."""
    cidset = get(desc, "/CIDSet")
    if not isinstance(cidset, pikepdf.Stream):
        return []
    bits = read_stream(cidset, limit=1 << 20)
    top = _cff(desc, "CIDFontType0C")
    if top is None:
        return []
    if bits is None:
        raise Undecidable("l'elenco CIDSet è troppo grande o non decodificabile")
    missing: list[int] = []
    try:
        names = top.charset
    except Exception as exc:  # noqa: BLE001 - fontTools reads these lazily and fails in any way
        raise _unreadable("CFF", exc) from exc
    for glyph in names:
        if not glyph.startswith("cid"):
            continue
        try:
            cid = int(glyph[3:])
        except ValueError:
            continue
        if cid == 0:
            continue
        byte = cid // 8
        if byte >= len(bits) or not (bits[byte] >> (7 - cid % 8)) & 1:
            missing.append(cid)
            if len(missing) >= 10:
                break
    return missing


def simple_encoding(font_dict) -> tuple[str | None, dict[int, str]]:
    """The simple font's base encoding name and its /Differences as code → glyph name."""
    enc = get(font_dict, "/Encoding")
    base = name(enc) if name(enc) is not None else name(get(enc, "/BaseEncoding"))
    differences: dict[int, str] = {}
    code = None
    for item in as_list(get(enc, "/Differences")) if is_dict(enc) else []:
        if isinstance(item, int) and not isinstance(item, bool):
            code = int(item)
        elif isinstance(item, pikepdf.Name) and code is not None:
            differences[code] = name(item) or ""
            code += 1
    return base, differences
