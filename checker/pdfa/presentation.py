"""Alternate presentations, presentation steps and requirements (ISO 19005-2/3 6.10, 6.11):
a PDF/A-2 or -3 file shall have no AlternatePresentations in its name dictionary, no PresSteps
in a page and no Requirements in its catalog.

Imports: its own modules only.
"""
from __future__ import annotations

from collections.abc import Iterator

from .document import Document, get
from .model import Failure, Outcome


def check(doc: Document) -> Iterator[Outcome]:
    if doc.part < 2:
        return
    if get(get(doc.root, "/Names"), "/AlternatePresentations") is not None:
        yield Failure(doc.part, "6.10", 1, "il dizionario dei nomi contiene AlternatePresentations",
                      "catalogo")
    for number, page in enumerate(doc.pages(), start=1):
        if get(page.obj, "/PresSteps") is not None:
            yield Failure(doc.part, "6.10", 2, "la pagina contiene PresSteps (passi di presentazione)",
                          f"pagina {number}")
            break
    if get(doc.root, "/Requirements") is not None:
        yield Failure(doc.part, "6.11", 1, "il catalogo contiene la chiave Requirements", "catalogo")
