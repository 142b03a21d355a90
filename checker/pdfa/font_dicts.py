"""Font dictionaries, CMaps and subset lists as veraPDF reads them (ISO 19005-1 6.3.2, 6.3.3.3,
6.3.5-1, the CID limit of 6.1.12; ISO 19005-2/3 6.2.11.2, 6.2.11.3.3, 6.2.11.4.2-2, 6.2.11.6-1,
6.1.13-10). Judged on the fonts the content selects (Tf), and their programs only where glyphs
are painted, as veraPDF links them: a font it builds no model object for (an unknown Subtype of
a font dictionary) is not judged here at all.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

import pikepdf
from fontTools.ttLib import TTFont

from . import font_metrics
from .document import Document, Undecidable, as_list, get, is_dict, name, objgen, read_stream
from .model import Failure, Outcome
from .usage import usage

_SUBSET = re.compile(r"^[A-Z]{6}\+")
_SIMPLE = {"Type1", "MMType1", "TrueType", "Type3"}
_CID_FONTS = {"CIDFontType0", "CIDFontType2"}
_VALID_SUBTYPES = _SIMPLE | {"Type0"} | _CID_FONTS
_STANDARD_14 = {
    "Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic", "Helvetica", "Helvetica-Bold",
    "Helvetica-Oblique", "Helvetica-BoldOblique", "Courier", "Courier-Bold", "Courier-Oblique",
    "Courier-BoldOblique", "Symbol", "ZapfDingbats",
}
# ISO 32000-1 9.7.5.2, Table 118: the predefined CMaps (as veraPDF's profiles spell them)
PREDEFINED_CMAPS = frozenset({
    "Identity-H", "Identity-V", "GB-EUC-H", "GB-EUC-V", "GBpc-EUC-H", "GBpc-EUC-V", "GBK-EUC-H",
    "GBK-EUC-V", "GBKp-EUC-H", "GBKp-EUC-V", "GBK2K-H", "GBK2K-V", "UniGB-UCS2-H", "UniGB-UCS2-V",
    "UniGB-UTF16-H", "UniGB-UTF16-V", "B5pc-H", "B5pc-V", "HKscs-B5-H", "HKscs-B5-V", "ETen-B5-H",
    "ETen-B5-V", "ETenms-B5-H", "ETenms-B5-V", "CNS-EUC-H", "CNS-EUC-V", "UniCNS-UCS2-H",
    "UniCNS-UCS2-V", "UniCNS-UTF16-H", "UniCNS-UTF16-V", "83pv-RKSJ-H", "90ms-RKSJ-H",
    "90ms-RKSJ-V", "90msp-RKSJ-H", "90msp-RKSJ-V", "90pv-RKSJ-H", "Add-RKSJ-H", "Add-RKSJ-V",
    "EUC-H", "EUC-V", "Ext-RKSJ-H", "Ext-RKSJ-V", "H", "V", "UniJIS-UCS2-H", "UniJIS-UCS2-V",
    "UniJIS-UCS2-HW-H", "UniJIS-UCS2-HW-V", "UniJIS-UTF16-H", "UniJIS-UTF16-V", "KSC-EUC-H",
    "KSC-EUC-V", "KSCms-UHC-H", "KSCms-UHC-V", "KSCms-UHC-HW-H", "KSCms-UHC-HW-V", "KSCpc-EUC-H",
    "UniKS-UCS2-H", "UniKS-UCS2-V", "UniKS-UTF16-H", "UniKS-UTF16-V",
})
_PROGRAM_SUBTYPES = {1: {"Type1C", "CIDFontType0C"}, 2: {"Type1C", "CIDFontType0C", "OpenType"}}
MAX_CID = 65535
CIDSET_MAX_BYTES = 16384  # what veraPDF reads of a CIDSet


def _label(font) -> str:
    return f"«{name(get(font, '/BaseFont')) or '?'}»"


def _descendant(font):
    kids = as_list(get(font, "/DescendantFonts"))
    return kids[0] if kids and is_dict(kids[0]) else None


def check(doc: Document) -> Iterator[Outcome]:
    u = usage(doc)
    selected: dict = {}
    for use in u.fonts:
        if is_dict(use.obj):
            selected.setdefault(objgen(use.obj) or id(use.obj), use)
    for use in selected.values():
        font = use.obj
        sub = name(get(font, "/Subtype"))
        if sub not in _SIMPLE and sub != "Type0":
            continue  # veraPDF makes no font object of it
        yield from _entries(doc, font, use.where)
        if sub == "Type0":
            cid_font = _descendant(font)
            if cid_font is not None:
                yield from _entries(doc, cid_font, use.where, descendant=True)
                if doc.part >= 2:
                    yield from _cidset(doc, font, cid_font, use.where)
            yield from _cmap(doc, font, use.where)
    for text in u.painted.values():
        if doc.part == 1:
            yield from _glyphs_present(doc, text.font, bytes(text.codes), text.where)
        elif name(get(text.font, "/Subtype")) == "TrueType":
            yield from _nonsymbolic_cmap(doc, text.font, text.where)


# --- font dictionary entries (ISO 32000-1 9.6, 9.7) ---

def _entries(doc: Document, font, where: str, descendant: bool = False) -> Iterator[Outcome]:
    p = doc.part
    clause = doc.rules.font_dict_clause
    sub = name(get(font, "/Subtype"))
    if name(get(font, "/Type")) != "Font":
        yield Failure(p, clause, 1, f"il dizionario del carattere {_label(font)} non ha /Type /Font", where)
    if descendant and sub not in _VALID_SUBTYPES:
        yield Failure(p, clause, 2, f"il carattere discendente {_label(font)} ha il tipo «{sub}» non "
                      "previsto", where)
    if sub in _SIMPLE:
        yield from _simple_entries(doc, font, sub, clause, where)
    desc = get(font, "/FontDescriptor")
    program = get(desc, "/FontFile3")
    subtype = name(get(program, "/Subtype")) if isinstance(program, pikepdf.Stream) else None
    if subtype is not None and subtype not in _PROGRAM_SUBTYPES[min(p, 2)]:
        yield Failure(p, clause, 7, f"il programma del carattere {_label(font)} è incorporato come "
                      f"«{subtype}», formato non ammesso", where)


def _integer(font, key: str) -> int | None:
    value = get(font, key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise Undecidable(f"{key} non è un numero intero")
    return int(value)


def _simple_entries(doc: Document, font, sub: str | None, clause: str, where: str) -> Iterator[Outcome]:
    p = doc.part
    base = name(get(font, "/BaseFont"))
    if sub != "Type3" and base is None:
        yield Failure(p, clause, 3, "un carattere non ha il nome PostScript (/BaseFont)", where)
    if sub in ("Type1", "MMType1") and _SUBSET.sub("", base or "") in _STANDARD_14:
        return  # one of the standard 14 fonts: FirstChar, LastChar and Widths are optional
    try:
        first, last = _integer(font, "/FirstChar"), _integer(font, "/LastChar")
    except Undecidable as exc:
        yield doc.undecided(clause, f"carattere {_label(font)}: {exc}", where)
        return
    if first is None:
        yield Failure(p, clause, 4, f"il carattere {_label(font)} non ha la voce FirstChar", where)
    if last is None:
        yield Failure(p, clause, 5, f"il carattere {_label(font)} non ha la voce LastChar", where)
    widths = get(font, "/Widths")
    # veraPDF's expression: a missing FirstChar or LastChar counts as 0
    expected = (last or 0) - (first or 0) + 1
    if not isinstance(widths, pikepdf.Array):
        yield Failure(p, clause, 6, f"il carattere {_label(font)} non ha l'array Widths", where)
    elif len(widths) != expected:
        yield Failure(p, clause, 6, f"l'array Widths del carattere {_label(font)} ha {len(widths)} "
                      f"elementi invece di {expected}", where)


# --- CMaps ---

_WMODE = re.compile(rb"/WMode\s+(\d+)\s+def")
_CID_BLOCK = re.compile(rb"begincid(range|char)(.*?)endcid\1", re.S)
_CID_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\d+)")
_CID_CHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*(\d+)")


def maximal_cid(data: bytes) -> int:
    """The largest CID an embedded CMap maps a code to (the end of each cidrange)."""
    top = 0
    for kind, body in _CID_BLOCK.findall(data):
        if kind == b"range":
            for lo, hi, cid in _CID_RANGE.findall(body):
                top = max(top, int(cid) + max(0, int(hi, 16) - int(lo, 16)))
        else:
            for _code, cid in _CID_CHAR.findall(body):
                top = max(top, int(cid))
    return top


def _cmap(doc: Document, font, where: str) -> Iterator[Outcome]:
    p = doc.part
    clause = doc.rules.cmap_clause
    enc = get(font, "/Encoding")
    if isinstance(enc, pikepdf.Name):
        allowed = {"Identity-H", "Identity-V"} if p == 1 else PREDEFINED_CMAPS
        if name(enc) not in allowed:
            yield Failure(p, clause, 1, f"la CMap «{name(enc)}» del carattere {_label(font)} non è "
                          "incorporata nel file", where)
        return
    if not isinstance(enc, pikepdf.Stream):
        return
    data = read_stream(enc, limit=4 << 20)
    if data is None:
        yield doc.undecided(clause, f"la CMap del carattere {_label(font)} è troppo grande o non "
                            "decodificabile", where)
        return
    m = _WMODE.search(data)
    in_file = int(m.group(1)) if m else 0
    in_dict = get(enc, "/WMode", 0)
    if isinstance(in_dict, int) and not isinstance(in_dict, bool) and int(in_dict) != in_file:
        yield Failure(p, clause, 2, f"la CMap del carattere {_label(font)} dichiara WMode {in_file}, il "
                      f"suo dizionario WMode {in_dict}", where)
    top = maximal_cid(data)
    if top > MAX_CID:
        yield Failure(p, doc.rules.limits_clause, 10, f"la CMap del carattere {_label(font)} usa il CID "
                      f"{top} (massimo {MAX_CID})", where)
    used = get(enc, "/UseCMap")
    if p >= 2 and isinstance(used, pikepdf.Stream):
        used_name = name(get(used, "/CMapName")) or ""
        if used_name not in PREDEFINED_CMAPS:
            yield Failure(p, clause, 3, f"la CMap del carattere {_label(font)} rimanda alla CMap non "
                          f"predefinita «{used_name}»", where)


# --- programs ---

def _glyphs_present(doc: Document, font, raw: bytes, where: str) -> Iterator[Outcome]:
    """ISO 19005-1 6.3.5: the embedded program defines every glyph painted."""
    sub = name(get(font, "/Subtype"))
    cid_font = _descendant(font)
    missing: list[str] | list[int]
    try:
        if sub == "Type1":
            missing = font_metrics.missing_cff_glyphs(font, get(font, "/FontDescriptor"), set(raw))
        elif sub == "Type0" and name(get(cid_font, "/Subtype")) == "CIDFontType2":
            missing = font_metrics.missing_cid_glyphs(font, cid_font, get(cid_font, "/FontDescriptor"), raw)
        else:
            return
    except Undecidable as exc:
        yield doc.undecided("6.3.5", f"carattere {_label(font)}: {exc}", where)
        return
    if missing:
        yield Failure(1, "6.3.5", 1, f"il programma del carattere {_label(font)} non contiene il glifo "
                      f"{missing[0]} usato nel testo", where)


def _truetype(stream) -> TTFont:
    return font_metrics.load_truetype(stream, ("maxp", "hhea"))


def _nonsymbolic_cmap(doc: Document, font, where: str) -> Iterator[Outcome]:
    """ISO 19005-2 6.2.11.6: a non-symbolic TrueType program has a non-symbolic cmap."""
    desc = get(font, "/FontDescriptor")
    flags = get(desc, "/Flags")
    program = get(desc, "/FontFile2")
    if not isinstance(flags, int) or int(flags) & 4 or not isinstance(program, pikepdf.Stream):
        return  # symbolic, or not known to be non-symbolic: judged elsewhere
    try:
        tables = [(t.platformID, t.platEncID) for t in _truetype(program)["cmap"].tables]
    except Undecidable as exc:
        yield doc.undecided("6.2.11.6", f"carattere {_label(font)}: {exc}", where)
        return
    except Exception as exc:  # noqa: BLE001 - fontTools fails on damaged programs in any way
        yield doc.undecided("6.2.11.6", f"carattere {_label(font)}: tabella cmap illeggibile "
                            f"({type(exc).__name__})", where)
        return
    if len(tables) <= (1 if (3, 0) in tables else 0):
        yield Failure(doc.part, "6.2.11.6", 1, f"il programma del carattere non simbolico {_label(font)} "
                      "non ha una tabella cmap non simbolica", where)


def _cidset(doc: Document, font, cid_font, where: str) -> Iterator[Outcome]:
    """ISO 19005-2 6.2.11.4.2: a subset's CIDSet identifies exactly the CIDs of its program."""
    desc = get(cid_font, "/FontDescriptor")
    cidset = get(desc, "/CIDSet")
    if not isinstance(cidset, pikepdf.Stream) or not _SUBSET.match(name(get(cid_font, "/BaseFont")) or ""):
        return
    try:
        problem = _cidset_problem(cid_font, desc, cidset)
    except Undecidable as exc:
        yield doc.undecided("6.2.11.4.2", f"carattere {_label(font)}: {exc}", where)
        return
    if problem:
        yield Failure(doc.part, "6.2.11.4.2", 2, f"l'elenco CIDSet del carattere {_label(font)} {problem}",
                      where)


def _cidset_problem(cid_font, desc, cidset) -> str | None:
    bits = read_stream(cidset, limit=1 << 20)
    if bits is None:
        raise Undecidable("l'elenco CIDSet è troppo grande o non decodificabile")
    bits = bits[:CIDSET_MAX_BYTES]

    def listed(cid: int) -> bool:
        return cid // 8 < len(bits) and bool((bits[cid // 8] >> (7 - cid % 8)) & 1)
    if name(get(cid_font, "/Subtype")) == "CIDFontType2":
        program = get(desc, "/FontFile2")
        if not isinstance(program, pikepdf.Stream):
            return None
        tt = _truetype(program)
        glyphs, metrics = int(tt["maxp"].numGlyphs), int(tt["hhea"].numberOfHMetrics)
        mapping = _cid_to_gid(cid_font)
        if mapping is None:  # identity: the program's CIDs are its horizontal metrics
            in_program = range(1, metrics)

            def contains(cid: int) -> bool:
                return cid < glyphs
        else:
            def contains(cid: int) -> bool:
                return 0 < cid < len(mapping) and mapping[cid] < glyphs
            in_program = range(1, len(mapping))
        for cid in in_program:
            if contains(cid) and not listed(cid):
                return f"non comprende il CID {cid} presente nel programma"
        for cid in range(1, len(bits) * 8):
            if listed(cid) and not contains(cid):
                return f"comprende il CID {cid} che il programma non ha"
        return None
    cids = font_metrics.cidset_omissions(desc)
    return f"non comprende il CID {cids[0]} presente nel programma" if cids else None


def _cid_to_gid(cid_font) -> list[int] | None:
    """A CIDToGIDMap stream as veraPDF sizes it (the larger of /Length and the data); None for
    the identity (also when absent)."""
    stream = get(cid_font, "/CIDToGIDMap")
    if not isinstance(stream, pikepdf.Stream):
        return None
    data = read_stream(stream, limit=1 << 20)
    if data is None:
        raise Undecidable("la tabella CIDToGIDMap è troppo grande o non decodificabile")
    length = get(stream, "/Length", 0)
    size = max((int(length) + 1) // 2 if isinstance(length, int) else 0, (len(data) + 1) // 2)
    padded = data + b"\x00" * (2 * size - len(data))
    return [int.from_bytes(padded[i:i + 2], "big") for i in range(0, 2 * size, 2)]
