"""Embedded files (ISO 19005-1 6.1.11; ISO 19005-2 6.8; ISO 19005-3 6.8).

PDF/A-1 has none; PDF/A-3 may embed any file, associated with the document; PDF/A-2 may embed
only files that are themselves PDF/A-1 or PDF/A-2. As veraPDF does, an embedded file of a
PDF/A-2 is valid when it validates as PDF/A-1b or as PDF/A-2b: the document's validator
(doc.validate_embedded) runs on it, nested to a bounded depth. A file that could not be
decided (too deep, too many, unreadable) leaves the rule Undecided.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from .document import Document, as_list, get, is_dict, name, objgen, read_stream
from .model import Failure, Outcome, Rule

MAX_EMBEDDED_VALIDATIONS = 20
EMBEDDED_PDFA = Rule("6.8", 5)


def _filespecs(doc: Document) -> Iterator:
    for obj in doc.dicts_with("/Type", "/EF"):
        if name(get(obj, "/Type")) == "Filespec" or get(obj, "/EF") is not None:
            yield obj


def check(doc: Document) -> Iterator[Outcome]:
    p = doc.part
    names = get(doc.root, "/Names")
    if p == 1:
        if get(names, "/EmbeddedFiles") is not None:
            yield Failure(1, "6.1.11", 2, "il documento contiene file allegati (EmbeddedFiles)",
                          "catalogo")
        for spec in _filespecs(doc):
            if get(spec, "/EF") is not None:
                yield Failure(1, "6.1.11", 1, "una specifica di file contiene un file incorporato (/EF)")
                break
        return
    for spec in _filespecs(doc):
        if is_dict(get(spec, "/EF")) and (get(spec, "/F") is None or get(spec, "/UF") is None):
            yield Failure(p, "6.8", 2, "il file incorporato non ha entrambe le chiavi F e UF")
    if p == 2:
        yield from _embedded_pdfa(doc)
    if p == 3:
        associated = _associated(doc)
        for spec in _filespecs(doc):
            ef = get(spec, "/EF")
            if not is_dict(ef):
                continue
            stream = get(ef, "/F") or get(ef, "/UF")
            if stream is not None and get(stream, "/Subtype") is None:
                yield Failure(3, "6.8", 1, "il file incorporato non dichiara il tipo MIME (/Subtype)")
            key = objgen(spec)
            if key is not None and key not in associated:
                yield Failure(3, "6.8", 4, "il file incorporato non è associato al documento"
                              " o a una sua parte (chiave /AF)")
            if get(spec, "/AFRelationship") is None:
                yield Failure(3, "6.8", 3, "il file incorporato non dichiara la relazione (/AFRelationship)")


def _embedded_pdfa(doc: Document) -> Iterator[Outcome]:
    """Each embedded file (EF /F) of a PDF/A-2 must be a PDF/A-1 or PDF/A-2 (veraPDF: valid
    as PDF/A-1b or as PDF/A-2b)."""
    seen: set = set()
    for spec in _filespecs(doc):
        stream = get(get(spec, "/EF"), "/F")
        key = objgen(stream)
        if stream is None or key in seen:
            continue
        seen.add(key)
        if len(seen) > MAX_EMBEDDED_VALIDATIONS:
            yield doc.undecided(EMBEDDED_PDFA, f"più di {MAX_EMBEDDED_VALIDATIONS} file incorporati")
            return
        data = read_stream(stream)
        if data is None:
            yield doc.undecided(EMBEDDED_PDFA, "file incorporato non decodificabile")
            continue
        if not re.search(rb"%PDF-", data[:1024]):
            yield doc.fail(EMBEDDED_PDFA, "un file incorporato non è un PDF (deve essere PDF/A-1 o PDF/A-2)")
            continue
        verdicts = []
        for flavour in ("1b", "2b"):
            verdict = doc.validate_embedded(data, flavour) if doc.validate_embedded else None
            verdicts.append(verdict)
            if verdict:
                break
        if True in verdicts:
            continue
        if None in verdicts:
            yield doc.undecided(EMBEDDED_PDFA, "non è stato possibile validare un file incorporato")
        else:
            yield doc.fail(EMBEDDED_PDFA, "un file incorporato non è conforme né a PDF/A-1b né a PDF/A-2b")


def _associated(doc: Document) -> set:
    """objgens of the file specifications listed in some /AF array."""
    found = set()
    for obj in doc.dicts():
        holders = [obj] + [v for _, v in obj.items() if is_dict(v) and objgen(v) is None]
        for holder in holders:
            for spec in as_list(get(holder, "/AF")):
                key = objgen(spec)
                if key is not None:
                    found.add(key)
    return found
