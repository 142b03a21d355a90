"""Fonts: embedding, composite fonts, encodings, Unicode mappings, subsets
(ISO 19005-1 6.3; ISO 19005-2/3 6.2.11). Judged on the fonts that actually show text."""
from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pikepdf
from fontTools import agl as _agl
from fontTools.cffLib import CFFFontSet
from fontTools.ttLib import TTFont

from . import font_metrics
from .document import Document, Undecidable, as_list, get, is_dict, name, objgen, read_stream
from .model import Failure, Outcome
from .tounicode import shown_codes, to_unicode_map
from .usage import TextUse, usage

_SUBSET = re.compile(r"^[A-Z]{6}\+")
_CJK_ORDERINGS = {("Adobe", "GB1"), ("Adobe", "CNS1"), ("Adobe", "Japan1"), ("Adobe", "Korea1")}


def _descendant(font):
    kids = as_list(get(font, "/DescendantFonts"))
    return kids[0] if kids and is_dict(kids[0]) else None


def _descriptor(font):
    sub = name(get(font, "/Subtype"))
    if sub == "Type0":
        d = _descendant(font)
        return get(d, "/FontDescriptor") if d is not None else None
    return get(font, "/FontDescriptor")


def _font_file(desc):
    for key in ("/FontFile", "/FontFile2", "/FontFile3"):
        f = get(desc, key)
        if isinstance(f, pikepdf.Stream):
            return key, f
    return None, None


def _label(font) -> str:
    base = name(get(font, "/BaseFont")) or "?"
    return f"«{base}»"


def check(doc: Document) -> Iterator[Outcome]:
    u = usage(doc)
    p = doc.part
    for use in u.painted.values():
        yield from _embedding(doc, use)
    for use in u.painted.values():
        yield from _widths(doc, use)
        if p >= 2:
            yield from _glyphs_present(doc, use)
    if p >= 2:
        for use in u.shown.values():
            yield from _notdef(doc, use)
        for use in u.truncated_codes.values():
            yield Failure(p, "6.2.11.4.1", 2, f"il testo nel carattere {_label(use.font)} contiene un "
                          "codice incompleto (numero dispari di byte)", use.where)
    for use in u.shown.values():
        yield from _composite(doc, use)
        yield from _encoding(doc, use)
        if p == 1:
            yield from _subsets(doc, use)
        yield from _subset_lists(doc, use)
        if doc.flavour.unicode:
            yield from _unicode(doc, use)
    if p >= 2 and doc.flavour.level_a and u.plain:
        covered = _actual_text_mcids(doc)
        reported: set = set()
        for font, raw, page, mcid in u.plain:
            key = id(font)
            if (page, mcid) in covered or key in reported:
                continue
            try:
                for failure in _private_use(doc, font, raw, f"pagina {page}"):
                    reported.add(key)
                    yield failure
            except Undecidable as exc:
                reported.add(key)
                yield doc.undecided("6.2.11.7.3", f"carattere {_label(font)}: {exc}", f"pagina {page}")


def _embedding(doc: Document, use: TextUse) -> Iterator[Outcome]:
    font = use.font
    sub = name(get(font, "/Subtype"))
    if sub == "Type3":
        return
    clause = doc.rules.embedding_clause
    desc = _descriptor(font)
    key, _program = _font_file(desc)
    if key is None:
        yield Failure(doc.part, clause, 1, f"il carattere {_label(font)} non è incorporato nel file",
                      use.where)


def _widths(doc: Document, use: TextUse) -> Iterator[Outcome]:
    font = use.font
    sub = name(get(font, "/Subtype"))
    try:
        if sub == "TrueType":
            found = next(font_metrics.simple_truetype(font, _descriptor(font), set(use.codes)), None)
        elif sub == "Type0" and name(get(_descendant(font), "/Subtype")) == "CIDFontType2":
            found = next(font_metrics.cid_truetype(font, _descendant(font), _descriptor(font),
                                                   bytes(use.codes)), None)
        else:
            return
    except Undecidable as exc:
        yield doc.undecided(doc.rules.widths, f"carattere {_label(font)}: {exc}", use.where)
        return
    if found is not None:
        code, pdf_width, program_width = found
        yield doc.fail(doc.rules.widths, f"la larghezza del glifo {code} del carattere {_label(font)} "
                       f"è {pdf_width:g} nel PDF ma {program_width:g} nel programma del carattere",
                       use.where)


def _notdef(doc: Document, use: TextUse) -> Iterator[Outcome]:
    """ISO 19005-2 6.2.11.8: no text shows .notdef (CID 0 of an Identity-encoded CID font)."""
    font = use.font
    if name(get(font, "/Subtype")) != "Type0" or \
            name(get(font, "/Encoding")) not in ("Identity-H", "Identity-V"):
        return
    desc_font = _descendant(font)
    sub = name(get(desc_font, "/Subtype"))
    if sub == "CIDFontType2" and name(get(desc_font, "/CIDToGIDMap")) != "Identity":
        return
    raw = bytes(use.codes)
    if any(raw[i:i + 2] == b"\x00\x00" for i in range(0, len(raw) - 1, 2)):
        yield Failure(doc.part, "6.2.11.8", 1, f"il testo usa il glifo .notdef del carattere "
                      f"{_label(font)}", use.where)


def _glyphs_present(doc: Document, use: TextUse) -> Iterator[Outcome]:
    """ISO 19005-2 6.2.11.4.1: the embedded program defines every glyph drawn."""
    font = use.font
    sub = name(get(font, "/Subtype"))
    missing: list[str] | list[int]
    try:
        if sub == "Type1":
            missing = font_metrics.missing_cff_glyphs(font, _descriptor(font), set(use.codes))
        elif sub == "Type0" and name(get(_descendant(font), "/Subtype")) == "CIDFontType2":
            missing = font_metrics.missing_cid_glyphs(font, _descendant(font), _descriptor(font),
                                                      bytes(use.codes))
        else:
            return
    except Undecidable as exc:
        yield doc.undecided("6.2.11.4.1", f"carattere {_label(font)}: {exc}", use.where)
        return
    if missing:
        yield Failure(doc.part, "6.2.11.4.1", 2, f"il programma del carattere {_label(font)} non "
                      f"contiene il glifo {missing[0]} usato nel testo", use.where)


def _cid_system_info(obj) -> tuple[str, str, int] | None:
    """(Registry, Ordering, Supplement); None when absent. Undecidable when not readable."""
    info = get(obj, "/CIDSystemInfo")
    if not is_dict(info):
        return None
    try:
        return (str(get(info, "/Registry")), str(get(info, "/Ordering")),
                int(get(info, "/Supplement", 0)))
    except (TypeError, ValueError) as exc:
        raise Undecidable(f"CIDSystemInfo non leggibile ({exc})") from exc


def _composite(doc: Document, use: TextUse) -> Iterator[Outcome]:
    font = use.font
    if name(get(font, "/Subtype")) != "Type0":
        return
    p = doc.part
    desc_font = _descendant(font)
    if desc_font is None:
        return
    clause = doc.rules.composite_clause
    encoding = get(font, "/Encoding")
    if isinstance(encoding, pikepdf.Stream):
        try:
            cmap_info, font_info = _cid_system_info(encoding), _cid_system_info(desc_font)
        except Undecidable as exc:
            yield doc.undecided(clause, f"carattere {_label(font)}: {exc}", use.where)
        else:
            if cmap_info and font_info and (cmap_info[:2] != font_info[:2]
                                            or font_info[2] > cmap_info[2]):
                yield Failure(p, clause, 1, f"il carattere composto {_label(font)} e la sua CMap "
                              "dichiarano sistemi di caratteri diversi (CIDSystemInfo)", use.where)
    if name(get(desc_font, "/Subtype")) == "CIDFontType2":
        cid2gid = get(desc_font, "/CIDToGIDMap")
        if cid2gid is None or not (isinstance(cid2gid, pikepdf.Stream) or name(cid2gid) == "Identity"):
            yield doc.fail(doc.rules.cid_to_gid,
                           f"il carattere {_label(font)} non ha la tabella CIDToGIDMap", use.where)


def _symbolic(font) -> bool | None:
    flags = get(_descriptor(font), "/Flags")
    try:
        return bool(int(flags) & 4)
    except (TypeError, ValueError):
        return None


def _encoding(doc: Document, use: TextUse) -> Iterator[Outcome]:
    font = use.font
    if name(get(font, "/Subtype")) != "TrueType":
        return
    p = doc.part
    clause = doc.rules.truetype_encoding_clause
    symbolic = _symbolic(font)
    if symbolic is None:
        yield doc.undecided(clause, f"il carattere TrueType {_label(font)} non dichiara se è simbolico "
                            "(/Flags assente o non numerico)", use.where)
        return
    enc = get(font, "/Encoding")
    if symbolic:
        if enc is not None:
            yield Failure(p, clause, doc.rules.symbolic_with_encoding_test, f"il carattere TrueType simbolico "
                          f"{_label(font)} non deve avere la voce Encoding", use.where)
        yield from _symbolic_cmap(doc, use, clause)
        return
    if p >= 2 and is_dict(enc):
        for item in as_list(get(enc, "/Differences")):
            glyph = name(item) if isinstance(item, pikepdf.Name) else None
            if glyph is not None and glyph != ".notdef" and not _agl.toUnicode(glyph):
                yield Failure(p, clause, 2, f"la codifica del carattere TrueType {_label(font)} usa il "
                              f"nome di glifo «{glyph}», che non è nell'elenco standard Adobe", use.where)
                break
    base = name(enc) if name(enc) is not None else name(get(enc, "/BaseEncoding"))
    if enc is None or (name(enc) is not None and base not in ("MacRomanEncoding", "WinAnsiEncoding")) \
            or (is_dict(enc) and base is not None and base not in ("MacRomanEncoding", "WinAnsiEncoding")):
        yield Failure(p, clause, doc.rules.truetype_nonsymbolic_test,
                      f"il carattere TrueType {_label(font)} deve usare la codifica "
                      "MacRomanEncoding o WinAnsiEncoding", use.where)


def _symbolic_cmap(doc: Document, use: TextUse, clause: str) -> Iterator[Outcome]:
    _, program = _font_file(_descriptor(use.font))
    if program is None or get(_descriptor(use.font), "/FontFile2") is None:
        return
    data = read_stream(program, limit=32 << 20)
    if data is None:
        yield doc.undecided(clause, f"il programma del carattere {_label(use.font)} è troppo grande "
                            "o non decodificabile", use.where)
        return
    try:
        tt = TTFont(io.BytesIO(data), lazy=True, fontNumber=0)
        tables = [(t.platformID, t.platEncID) for t in tt["cmap"].tables]
    except Exception as exc:  # noqa: BLE001 - fontTools fails on damaged programs in any way
        yield doc.undecided(clause, f"il programma del carattere {_label(use.font)} è illeggibile "
                            f"({type(exc).__name__})", use.where)
        return
    if len(tables) != 1 and (3, 0) not in tables:
        yield Failure(doc.part, clause, doc.rules.symbolic_cmap_test,
                      f"il programma del carattere simbolico {_label(use.font)} "
                      "deve avere una sola tabella cmap o la tabella (3,0)", use.where)


def _subset_lists(doc: Document, use: TextUse) -> Iterator[Outcome]:
    """A CharSet or CIDSet, when present, lists every glyph of the embedded subset."""
    desc = _descriptor(use.font)
    if not is_dict(desc):
        return
    clause = doc.rules.subset_lists_clause
    try:
        missing = font_metrics.charset_omissions(desc)
        cids = font_metrics.cidset_omissions(desc)
    except Undecidable as exc:
        yield doc.undecided(clause, f"carattere {_label(use.font)}: {exc}", use.where)
        return
    if missing:
        yield Failure(doc.part, clause, doc.rules.charset_test,
                      f"l'elenco CharSet del carattere {_label(use.font)} non comprende il glifo "
                      f"{missing[0]} presente nel programma", use.where)
    if cids and doc.part == 1:  # parts 2/3: font_dicts judges the CIDSet both ways
        yield Failure(doc.part, clause, doc.rules.cidset_test,
                      f"l'elenco CIDSet del carattere {_label(use.font)} non comprende il CID "
                      f"{cids[0]} presente nel programma", use.where)


def _subsets(doc: Document, use: TextUse) -> Iterator[Outcome]:
    """ISO 19005-1 6.3.5: subset fonts list their glyphs (CharSet / CIDSet)."""
    font = use.font
    sub = name(get(font, "/Subtype"))
    # a CIDFont subset is named by the CIDFont's own BaseFont (the descendant's, as veraPDF reads it)
    named = _descendant(font) if sub == "Type0" else font
    base = name(get(named, "/BaseFont")) or ""
    if not _SUBSET.match(base):
        return
    desc = _descriptor(font)
    if not is_dict(desc):
        return
    if sub == "Type1" and get(desc, "/CharSet") is None:
        yield Failure(1, "6.3.5", 2, f"il sottoinsieme Type 1 {_label(font)} non elenca i glifi (CharSet)",
                      use.where)
    if sub == "Type0" and get(desc, "/CIDSet") is None:
        yield Failure(1, "6.3.5", 3, f"il sottoinsieme CID {_label(font)} non elenca i glifi (CIDSet)",
                      use.where)


def _unicode(doc: Document, use: TextUse) -> Iterator[Outcome]:
    font = use.font
    clause = doc.rules.unicode_clause
    try:
        yield from _unicode_mapping(doc, use, clause)
    except Undecidable as exc:
        yield doc.undecided(clause, f"carattere {_label(font)}: {exc}", use.where)


def _unicode_mapping(doc: Document, use: TextUse, clause: str) -> Iterator[Outcome]:
    font, p = use.font, doc.part
    to_unicode = get(font, "/ToUnicode")
    if isinstance(to_unicode, pikepdf.Stream):
        bad = _bad_unicode_values(font, to_unicode, bytes(use.codes))
        if bad and p >= 2:
            yield Failure(p, clause, 2, f"la mappa Unicode del carattere {_label(font)} usa il "
                          f"valore non ammesso {bad}", use.where)
        return
    sub = name(get(font, "/Subtype"))
    if sub == "Type0":
        enc = name(get(font, "/Encoding"))
        info = _cid_system_info(_descendant(font)) if _descendant(font) is not None else None
        if info and info[:2] in _CJK_ORDERINGS and enc not in ("Identity-H", "Identity-V"):
            return
        yield Failure(p, clause, 1, f"il carattere {_label(font)} non ha la corrispondenza con "
                      "Unicode (ToUnicode)", use.where)
    elif sub == "TrueType" and _symbolic(font):
        yield Failure(p, clause, 1, f"il carattere simbolico {_label(font)} non ha la "
                      "corrispondenza con Unicode (ToUnicode)", use.where)
    elif sub in ("Type1", "MMType1", "Type3"):
        names = _glyph_names(font)
        for code in sorted(set(use.codes)):
            glyph = names.get(code)
            if glyph and glyph != ".notdef" and not _agl.toUnicode(glyph):
                yield Failure(p, clause, 1, f"il glifo «{glyph}» del carattere {_label(font)} non ha "
                              "corrispondenza con Unicode (manca ToUnicode)", use.where)
                return


def _glyph_names(font) -> dict[int, str]:
    """code -> glyph name, from /Differences over the font program's built-in encoding.
    Codes whose name cannot be known are left out (and so never judged)."""
    names: dict[int, str] = {}
    base, differences = font_metrics.simple_encoding(font)
    if base is None and name(get(font, "/Subtype")) != "Type3":
        names.update(_builtin_encoding(font))
    # (a standard base encoding adds nothing: every name in it is a standard glyph name)
    names.update(differences)
    return names


_DUP = re.compile(rb"dup\s+(\d+)\s*/([^\s/\[\]{}()<>]+)\s+put")


def _builtin_encoding(font) -> dict[int, str]:
    """code -> glyph name from the embedded program's own encoding (Type 1, CFF)."""
    desc = _descriptor(font)
    key, program = _font_file(desc)
    if program is None:
        return {}
    data = read_stream(program, limit=16 << 20)
    if data is None:
        raise Undecidable("il programma del carattere è troppo grande o non decodificabile")
    if key == "/FontFile":
        try:
            clear_text = int(get(program, "/Length1", len(data)) or len(data))
        except (TypeError, ValueError) as exc:
            raise Undecidable("la lunghezza /Length1 del programma non è un numero") from exc
        head = data[:clear_text]
        if b"/Encoding StandardEncoding" in head:
            return {}
        return {int(c): n.decode("latin-1") for c, n in _DUP.findall(head) if int(c) < 256}
    if key == "/FontFile3" and name(get(program, "/Subtype")) == "Type1C":
        try:
            cff = CFFFontSet()
            cff.decompile(io.BytesIO(data), None)
            encoding = cff[cff.fontNames[0]].Encoding
        except Exception as exc:  # noqa: BLE001 - fontTools fails on damaged programs in any way
            raise Undecidable(f"il programma CFF del carattere è illeggibile ({type(exc).__name__})") from exc
        if isinstance(encoding, list):
            return {i: n for i, n in enumerate(encoding) if n}
    return {}


_FORBIDDEN_UNICODE = ("\u0000", "\ufeff", "\ufffe")


def _bad_unicode_values(font, stream, raw: bytes) -> str | None:
    """ISO 19005-2 6.2.11.7.2: U+0000, U+FEFF and U+FFFE are not Unicode values for a glyph.
    Judged, as veraPDF does (rule object Glyph), on the codes the text shows: an entry for a
    code no text uses (often .notdef mapped to <0000>) maps no glyph of the document."""
    if not raw:
        return None
    mapping = to_unicode_map(stream)
    for code in sorted(set(shown_codes(font, raw))):
        text = mapping.get(code, "")
        for ch in _FORBIDDEN_UNICODE:
            if ch in text:
                return f"U+{ord(ch):04X}"
    return None


def _private_use(doc: Document, font, raw: bytes, where: str) -> Iterator[Outcome]:
    """ISO 19005-2 6.2.11.7.3: Private Use Area characters need an ActualText."""
    to_unicode = get(font, "/ToUnicode")
    if not isinstance(to_unicode, pikepdf.Stream):
        return
    mapping = to_unicode_map(to_unicode)
    for code in set(shown_codes(font, raw)):
        text = mapping.get(code, "")
        if any(0xE000 <= ord(ch) <= 0xF8FF for ch in text):
            yield Failure(doc.part, "6.2.11.7.3", 1, f"il carattere {_label(font)} usa un simbolo "
                          "dell'area Unicode privata senza testo alternativo (ActualText)", where)
            return


def _actual_text_mcids(doc: Document) -> set[tuple[int, int]]:
    """(page number, MCID) of marked content whose structure element has an ActualText."""
    pages: dict[tuple[int, int] | None, int] = {}
    for n, page in enumerate(doc.pages(), start=1):
        page_key = objgen(page.obj)
        if page_key is not None:
            pages[page_key] = n
    root = get(doc.root, "/StructTreeRoot")
    out: set = set()
    seen: set = set()
    stack: list[tuple[object, bool, int | None]] = [(k, False, None) for k in as_list(get(root, "/K"))]
    while stack and len(seen) < 200_000:
        node, inherited, page = stack.pop()
        if isinstance(node, int) and not isinstance(node, bool):
            if inherited and page is not None:
                out.add((page, int(node)))
            continue
        if not isinstance(node, pikepdf.Dictionary):
            continue
        key = objgen(node) or id(node)
        if key in seen:
            continue
        seen.add(key)
        pg = get(node, "/Pg")
        page_here = pages.get(objgen(pg)) if pg is not None else page
        has = inherited or get(node, "/ActualText") is not None
        if get(node, "/MCID") is not None:
            mcid = get(node, "/MCID")
            if has and page_here is not None and isinstance(mcid, int):
                out.add((page_here, int(mcid)))
            continue
        stack.extend((k, has, page_here) for k in as_list(get(node, "/K")))
    return out
