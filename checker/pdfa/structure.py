"""File structure: header, trailer, cross-reference table, indirect objects, streams,
strings, names, filters, implementation limits, permissions
(ISO 19005-1 6.1.2-6.1.12; ISO 19005-2/3 6.1.2-6.1.13).

Syntax rules are judged on the raw bytes at the offsets of the cross-reference table,
so a check never looks inside stream data for keywords.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

import pikepdf

from .document import (MAX_OBJECTS, Budget, Document, Undecidable, as_list, get, is_dict, name, objgen,
                       read_stream)
from .lexer import scan_hex
from .model import Failure, Outcome
from .usage import CONTENT_CACHE, usage
from .values import object_values

_EOL = rb"(?:\r\n|\r|\n)"
_OBJ_HEADER = re.compile(rb"(\d+)([ \t\r\n\f\x00]+)(\d+)([ \t\r\n\f\x00]+)obj")


def check(doc: Document) -> Iterator[Outcome]:
    yield from _header(doc)
    yield from _trailer(doc)
    yield from _xref_syntax(doc)
    yield from _objects_syntax(doc)
    yield from _object_values(doc)
    if doc.part >= 2:
        yield from _permissions(doc)


def _header(doc: Document) -> Iterator[Outcome]:
    p, data = doc.part, doc.data
    m = doc.rules.header.match(data)
    if not m:
        yield Failure(p, "6.1.2", 1, "il file non inizia con l'intestazione %PDF-1.n richiesta")
        return
    rest = data[m.end():m.end() + 64]
    eol = re.match(rb"[^\r\n]*?(\r\n|\r|\n)", rest)
    comment = rest[eol.end():] if eol else b""
    if not (comment[:1] == b"%" and len(comment) >= 5 and all(b > 127 for b in comment[1:5])):
        yield Failure(p, "6.1.2", 2, "manca il commento binario dopo l'intestazione "
                      "(almeno 4 byte oltre 127)")


def _trailer(doc: Document) -> Iterator[Outcome]:
    p = doc.part
    trailer = doc.trailer
    ids = as_list(get(trailer, "/ID"))
    if len(ids) != 2 or any(not isinstance(i, pikepdf.String) or not bytes(i) for i in ids):
        yield Failure(p, "6.1.3", 1, "il trailer non contiene un identificativo del file (/ID) valido")
    if get(trailer, "/Encrypt") is not None:
        yield Failure(p, "6.1.3", 2, "il file è cifrato (/Encrypt)")
    end = doc.data.rfind(b"%%EOF")
    if end >= 0 and doc.data[end + 5:] not in (b"", b"\n", b"\r\n", b"\r"):
        yield Failure(p, "6.1.3", 3, "ci sono dati dopo l'ultimo marcatore %%EOF")


def _xref_syntax(doc: Document) -> Iterator[Outcome]:
    p, data = doc.part, doc.data
    offsets = [int(x) for x in re.findall(rb"startxref[ \t\r\n]+(\d+)", data[-(1 << 20):])]
    for off in set(offsets):
        if off >= len(data) or not data.startswith(b"xref", off):
            continue
        after = data[off + 4:off + 64]
        good = re.match(_EOL + rb"\d+ \d+[ ]?" + _EOL, after)
        if good:
            continue
        if not re.match(_EOL + rb"\d", after):
            yield Failure(p, "6.1.4", 2, "la parola chiave xref non è seguita da un solo fine riga")
        elif p == 1 and re.match(_EOL + rb"\d+\s+\d+", after):  # a part 1 rule only
            yield Failure(p, "6.1.4", 1, "l'intestazione della sezione xref non usa un solo spazio")


def _entries(doc: Document) -> list[tuple[tuple[int, int], int]]:
    """(objgen, offset) of the objects stored uncompressed, by offset (read once per document)."""
    if "entries" not in doc.cache:
        doc.cache["entries"] = _read_entries(doc)
    return doc.cache["entries"]


def _read_entries(doc: Document) -> list[tuple[tuple[int, int], int]]:
    try:
        table = doc.pdf.get_xref_table()
    except pikepdf.PdfError as exc:
        raise Undecidable(f"tabella dei riferimenti incrociati illeggibile: {exc}") from exc
    if len(table) > MAX_OBJECTS:
        raise Budget(f"more than {MAX_OBJECTS} objects")
    return sorted(((og, e.offset) for og, e in table.items() if e.type == 1 and e.offset is not None),
                  key=lambda x: x[1])


def _objects_syntax(doc: Document) -> Iterator[Outcome]:
    p, data, rules = doc.part, doc.data, doc.rules
    try:
        entries = _entries(doc)
    except Undecidable as exc:
        yield doc.undecided(rules.object_syntax, str(exc))
        return
    reported: set[int | str] = set()
    for i, (og, off) in enumerate(entries):
        if off <= 0 or off >= len(data):
            continue
        m = _OBJ_HEADER.match(data, off)
        if not m or int(m.group(1)) != og[0]:
            continue
        if 1 not in reported and (m.group(2) != b" " or m.group(4) != b" "
                                  or data[off - 1:off] not in (b"\n", b"\r")):
            reported.add(1)
            yield doc.fail(rules.object_syntax, f"l'intestazione dell'oggetto {og[0]} non rispetta la "
                          "sintassi (spazi singoli e fine riga)")
        if 2 not in reported and data[m.end():m.end() + 1] not in (b"\r", b"\n"):
            # "obj" must be followed by an end of line (ISO 19005-1 6.1.8; 19005-2 6.1.9)
            reported.add(2)
            yield doc.fail(rules.object_syntax, f"la parola chiave obj dell'oggetto {og[0]} "
                          "non è seguita da un fine riga")
        end_here = entries[i + 1][1] if i + 1 < len(entries) else len(data)
        region = data[m.end():min(end_here, m.end() + (1 << 20))]
        es = region.rfind(b"endstream")
        eo = region.find(b"endobj", es + 9 if es >= 0 else 0)
        if 3 not in reported and eo > 0 and region[eo - 1:eo] not in (b"\r", b"\n"):
            reported.add(3)
            yield doc.fail(rules.object_syntax, f"la parola chiave endobj dell'oggetto {og[0]} "
                          "non è preceduta da un fine riga")
        obj = doc.pdf.get_object(og)
        if not isinstance(obj, pikepdf.Stream):
            continue
        filters = [name(f) for f in as_list(get(obj, "/Filter"))]
        if p == 1 and "lzw" not in reported and "LZWDecode" in filters:
            reported.add("lzw")
            yield Failure(1, "6.1.10", 1, "flusso compresso con LZW")
        if p >= 2 and "lzw" not in reported and ("LZWDecode" in filters or "Crypt" in filters):
            reported.add("lzw")
            yield Failure(p, "6.1.7.2", 1, "flusso compresso con LZW o cifrato (Crypt)")
        if "ext" not in reported and any(get(obj, k) is not None
                                         for k in ("/F", "/FFilter", "/FDecodeParms")):
            reported.add("ext")
            yield doc.fail(rules.stream_external,
                           "un flusso rimanda a un file esterno (/F, /FFilter, /FDecodeParms)")
        end = entries[i + 1][1] if i + 1 < len(entries) else len(data)
        yield from _stream_syntax(doc, og, obj, m.end(), end, reported)


def _stream_syntax(doc: Document, og: tuple[int, int], obj: pikepdf.Stream, start: int, end: int,
                   reported: set[int | str]) -> Iterator[Outcome]:
    p, data, clause, kw_test = doc.part, doc.data, doc.rules.stream_clause, doc.rules.stream_keyword_test
    window = data[start:min(end, start + (1 << 20))]
    kw = re.search(rb">>[ \t\r\n\f\x00]*stream", window)  # the keyword right after the dictionary
    if kw is None:
        return
    idx = kw.end() - 6
    after = window[idx + 6:idx + 8]
    if "kw" not in reported and not after.startswith((b"\r\n", b"\n")):
        reported.add("kw")
        yield Failure(p, clause, kw_test,
                      f"la parola chiave stream dell'oggetto {og[0]} non è seguita da CRLF o LF")
        return
    body = start + idx + 6 + (2 if after.startswith(b"\r\n") else 1)
    try:
        declared = int(get(obj, "/Length"))
    except (TypeError, ValueError):
        yield doc.undecided(clause, f"la lunghezza del flusso {og[0]} (/Length) non è un numero")
        return
    # Where /Length says the data ends, an end of line and "endstream" must follow.
    at = body + declared
    if declared >= 0 and re.match(rb"(\r\n|\r|\n)endstream", data[at:at + 12]):
        return
    if declared > 0 and data.startswith(b"endstream", at):
        if data[at - 1:at] in (b"\n", b"\r"):
            return  # the end of line was counted in /Length: tolerated
        if "endkw" not in reported:
            reported.add("endkw")
            yield Failure(p, clause, kw_test, f"la parola chiave endstream dell'oggetto "
                          f"{og[0]} non è preceduta da un fine riga")
        return
    stop = data.find(b"endstream", body, end if end > body else len(data))
    if stop < 0 or "len" in reported:
        return
    reported.add("len")
    actual = stop - body - _eol_length(data[max(body, stop - 2):stop])
    yield Failure(p, clause, 1, f"la lunghezza dichiarata del flusso {og[0]} ({declared}) "
                  f"non corrisponde ai byte presenti ({actual})")


def _eol_length(tail: bytes) -> int:
    """Bytes of the end of line (CRLF, CR or LF) that ends `tail`; 0 if none."""
    if tail.endswith(b"\r\n"):
        return 2
    return 1 if tail.endswith((b"\r", b"\n")) else 0


def _object_values(doc: Document) -> Iterator[Outcome]:
    """Strings, names, numbers, arrays, dictionaries against the implementation limits."""
    p, limits, clause = doc.part, doc.rules.limits, doc.rules.limits_clause
    found, seen, exceeded = object_values(doc)
    yield from found
    if exceeded is not None:
        raise exceeded
    u = usage(doc)
    if u.max_q_depth > 28:
        yield Failure(p, clause, 8, f"i salvataggi dello stato grafico (q) sono annidati {u.max_q_depth}"
                      " volte (massimo 28)")
    if u.longest_string > limits.string and "string" not in seen:
        yield Failure(p, clause, 3,
                      f"una stringa nel contenuto supera i {limits.string} byte")
    if u.largest_real > limits.real and "real" not in seen:
        yield Failure(p, clause, 2,
                      f"un numero reale nel contenuto ({u.largest_real:g}) supera i limiti ammessi")
    if p >= 2 and 0 < u.smallest_real < 1.175e-38:
        yield Failure(p, clause, 5,
                      f"un numero reale nel contenuto ({u.smallest_real:g}) è più piccolo del minimo ammesso")
    if u.largest_int > limits.integer + 1 and "int" not in seen:
        yield Failure(p, clause, 1, "un numero intero nel contenuto supera i limiti ammessi")
    if p >= 2:
        yield from _page_boxes(doc, clause)
    yield from _hex_strings(doc)
    yield from _content_hex_strings(doc)


def _content_hex_strings(doc: Document) -> Iterator[Outcome]:
    """Hex strings inside page and form content streams."""
    streams: list[object] = []
    for page in doc.pages():
        streams += [c for c in as_list(get(page.obj, "/Contents")) if isinstance(c, pikepdf.Stream)]
    streams += [use.obj for use in usage(doc).forms]
    kept = doc.cache.pop(CONTENT_CACHE, {})  # decoded once by the usage walk
    for stream in streams[:5000]:
        data = kept.get(objgen(stream))
        if data is None or len(data) > 16 << 20:
            data = read_stream(stream, limit=16 << 20)
        if data is None:
            yield doc.undecided("6.1.6", "un flusso di contenuto è troppo grande o non decodificabile")
            continue
        problem = scan_hex(data)
        if problem:
            yield Failure(doc.part, "6.1.6", 1 if problem == "odd" else 2,
                          "una stringa esadecimale nel contenuto "
                          + ("ha un numero dispari di cifre" if problem == "odd"
                             else "contiene caratteri non esadecimali"))
            return


def _hex_strings(doc: Document) -> Iterator[Outcome]:
    """Hex strings in uncompressed objects: even number of digits, only hex digits."""
    p, data = doc.part, doc.data
    try:
        entries = _entries(doc)
    except Undecidable as exc:
        yield doc.undecided("6.1.6", str(exc))
        return
    for i, (_og, off) in enumerate(entries):
        end = entries[i + 1][1] if i + 1 < len(entries) else len(data)
        chunk = data[off:min(end, off + (1 << 20))]
        s = chunk.find(b"stream")
        if s >= 0:
            chunk = chunk[:s]
        # the same tokenizer as for content: literal strings may nest balanced parentheses,
        # so a "<" inside one, e.g. (Nota (a) <urgente>), is text and not a hex string
        problem = scan_hex(chunk)
        if problem == "chars":
            yield Failure(p, "6.1.6", 2, "una stringa esadecimale contiene caratteri non esadecimali")
            return
        if problem == "odd":
            yield Failure(p, "6.1.6", 1, "una stringa esadecimale ha un numero dispari di cifre")
            return


def _permissions(doc: Document) -> Iterator[Outcome]:
    perms = get(doc.root, "/Perms")
    if is_dict(perms):
        extra = set(perms.keys()) - {"/UR3", "/DocMDP"}
        if extra:
            yield Failure(doc.part, "6.1.12", 1, "il dizionario dei permessi contiene "
                          f"{', '.join(sorted(k[1:] for k in extra))}", "catalogo")


def _page_boxes(doc: Document, clause: str) -> Iterator[Outcome]:
    """ISO 19005-2 6.1.13: page boundaries between 3 and 14 400 units."""
    for n, page in enumerate(doc.pages(), start=1):
        for key in ("/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox"):
            box = as_list(get(page.obj, key))
            if len(box) != 4:
                continue
            try:
                x0, y0, x1, y1 = (float(v) for v in box)
            except (TypeError, ValueError):
                yield doc.undecided(clause, f"il riquadro {key[1:]} della pagina non è fatto di numeri",
                                    f"pagina {n}")
                continue
            w, h = abs(x1 - x0), abs(y1 - y0)
            if not (3 <= w <= 14400 and 3 <= h <= 14400):
                yield Failure(doc.part, clause, 11, f"il riquadro {key[1:]} della pagina misura "
                              f"{w:g} × {h:g} (ammessi da 3 a 14 400 unità)", f"pagina {n}")
                return
