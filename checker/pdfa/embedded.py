"""Embedded files (ISO 19005-1 6.1.11; ISO 19005-2 6.8; ISO 19005-3 6.8)."""
from __future__ import annotations

from collections.abc import Iterator

from .document import Document, as_list, get, is_dict, name, objgen
from .model import Failure, Outcome


def _filespecs(doc: Document) -> Iterator:
    for obj in doc.dicts():
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
    if p == 3:
        associated = _associated(doc)
        for spec in _filespecs(doc):
            ef = get(spec, "/EF")
            if not is_dict(ef):
                continue
            if get(spec, "/F") is None or get(spec, "/UF") is None:
                yield Failure(3, "6.8", 2, "il file incorporato non ha entrambe le chiavi F e UF")
            stream = get(ef, "/F") or get(ef, "/UF")
            if stream is not None and get(stream, "/Subtype") is None:
                yield Failure(3, "6.8", 1, "il file incorporato non dichiara il tipo MIME (/Subtype)")
            key = objgen(spec)
            if key is not None and key not in associated:
                yield Failure(3, "6.8", 4, "il file incorporato non è associato al documento"
                              " o a una sua parte (chiave /AF)")
            if get(spec, "/AFRelationship") is None:
                yield Failure(3, "6.8", 3, "il file incorporato non dichiara la relazione (/AFRelationship)")


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
