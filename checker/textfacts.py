"""Facts read from a document's text that message rules use (one-procedure rule).

Checks that extract text (PDF pages, TXT, DOCX, ODT, ...) call `text_facts(text)`
and merge the result into CheckResult.facts, so the message rules (checker/message/) never parse files.
"""
from __future__ import annotations

import re

# "Oggetto: Richiesta di accesso agli atti" at the start of a line; also "OGGETTO -", "Ogg.:"
_OGGETTO = re.compile(r"^[ \t]*(?:oggetto|ogg\.)[ \t]*[:\-–][ \t]*(?P<subject>\S[^\r\n]{2,200})",
                      re.IGNORECASE | re.MULTILINE)


def oggetto(text: str) -> str | None:
    """The first "Oggetto:" line of a document, whitespace folded, or None."""
    m = _OGGETTO.search(text or "")
    if not m:
        return None
    return " ".join(m.group("subject").split()).rstrip(" .;")


def text_facts(text: str) -> dict[str, str]:
    found = oggetto(text)
    return {"oggetto": found} if found else {}
