"""Cross-reference sections of PDF/A-1 files: no cross-reference streams (ISO 19005-1
6.1.4), and in a linearized file the first-page trailer's /ID equal to the last trailer's
(ISO 19005-1 6.1.3, Technical Corrigendum 2).

Both are judged on the raw bytes: the chain of sections from the last startxref through
/Prev, and the trailer dictionaries as written (qpdf merges the trailers of a file into one).

Imports: pikepdf besides its own modules.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

import pikepdf

from .document import Document, as_list, get, is_dict
from .model import Failure, Outcome, Rule

MAX_SECTIONS = 1_000
XREF_STREAM = Rule("6.1.4", 3)
LINEARIZED_ID = Rule("6.1.3", 4)
_WS = rb"[\x00\t\n\x0c\r ]"
_STARTXREF = re.compile(rb"startxref" + _WS + rb"+(\d+)")
_OBJECT = re.compile(rb"\d+" + _WS + rb"+\d+" + _WS + rb"+obj" + _WS + rb"*<<")
_PREV = re.compile(rb"/Prev" + _WS + rb"+(\d+)")


def check(doc: Document) -> Iterator[Outcome]:
    if doc.part != 1:
        return
    yield from _xref_streams(doc)
    yield from _linearized_ids(doc)


def _xref_streams(doc: Document) -> Iterator[Outcome]:
    """Follow the sections from the last startxref: a section that is an object (not the
    keyword xref) is a cross-reference stream."""
    data = doc.data
    last = _STARTXREF.findall(data[-4096:])
    offset = int(last[-1]) if last else -1
    seen: set[int] = set()
    while 0 <= offset < len(data) and offset not in seen and len(seen) < MAX_SECTIONS:
        seen.add(offset)
        if data.startswith(b"xref", offset):
            trailer = data.find(b"trailer", offset)
            if trailer < 0:
                return
            end = data.find(b"startxref", trailer)
            prev = _PREV.search(data, trailer, end if end > 0 else trailer + 4096)
            offset = int(prev.group(1)) if prev else -1
        elif _OBJECT.match(data, offset):
            yield doc.fail(XREF_STREAM, "il file usa flussi di riferimenti incrociati (xref stream)")
            return
        else:
            return  # a broken offset: the xref syntax checks judge it


def _linearized_ids(doc: Document) -> Iterator[Outcome]:
    data = doc.data
    head = data[:1024]
    if b"/Linearized" not in head:
        return
    try:
        lin = _linearization_dict(doc)
    except pikepdf.PdfError as exc:
        yield doc.undecided(LINEARIZED_ID, f"dizionario di linearizzazione illeggibile: {exc}")
        return
    if lin is None or get(lin, "/L") != len(data):
        return  # not linearized, or updated since (veraPDF compares /L with the file length)
    first, last = data.find(b"trailer"), data.rfind(b"trailer")
    if first < 0 or first == last:
        return
    try:
        first_id, last_id = _trailer_id(data, first), _trailer_id(data, last)
    except (pikepdf.PdfError, ValueError) as exc:
        yield doc.undecided(LINEARIZED_ID, f"trailer illeggibile: {exc}"[:200])
        return
    if first_id is not None and last_id is not None and first_id != last_id:
        yield Failure(1, LINEARIZED_ID.clause, LINEARIZED_ID.test,
                      "nel file linearizzato l'/ID del trailer della prima pagina è diverso "
                      "da quello dell'ultimo trailer")


def _linearization_dict(doc: Document):
    """The dictionary of the file's first object when it carries /Linearized."""
    m = re.search(rb"(\d+)" + _WS + rb"+(\d+)" + _WS + rb"+obj", doc.data[:1024])
    if not m:
        return None
    obj = doc.pdf.get_object(int(m.group(1)), int(m.group(2)))
    return obj if is_dict(obj) and get(obj, "/Linearized") is not None else None


def _trailer_id(data: bytes, at: int) -> tuple[bytes, ...] | None:
    """The /ID strings of the trailer dictionary written at `at`."""
    start = data.find(b"<<", at)
    end = data.find(b"startxref", start)
    if start < 0 or end < 0:
        raise ValueError("trailer senza dizionario")
    m = re.search(rb"/ID" + _WS + rb"*\[(.*?)\]", data[start:end], re.S)
    if m is None:
        return None
    # only the array is parsed: the trailer's indirect references need the whole file
    ids = pikepdf.Object.parse(b"[" + m.group(1) + b"]")
    return tuple(bytes(i) if isinstance(i, pikepdf.String) else repr(i).encode() for i in as_list(ids))
