"""A linear guard against markup that makes libexpat before 2.6 quadratic (CVE-2023-52425):
one huge token (a 50 MB attribute value, a start tag with 200 k attributes, a giant comment)
is re-tokenised at every buffer fill. Checked on the bytes before expat sees them.

With libexpat ≥ 2.6 (pyexpat.EXPAT_VERSION) the parser defers reparsing itself and the guard
does nothing. Otherwise the bytes are looked at in half-token blocks with bytes.find (C): a
block without "<" lies in a long text run (harmless: expat hands text over in pieces) or
inside one token; which of the two is told from the markup since the last "<". Each byte is
looked at a bounded number of times: no regular expression, linear in the size.
"""
from __future__ import annotations

import pyexpat

MAX_TOKEN = 1 << 20      # a start tag, comment or PI longer than this is refused
EXPAT_REPARSES_LINEARLY = tuple(int(n) for n in pyexpat.EXPAT_VERSION.split("_")[-1].split(".")[:2]) >= (2, 6)


class HostileMarkup(ValueError):
    """A token beyond MAX_TOKEN: the message says which, in Italian."""


def check(data: bytes, force: bool = False) -> None:
    """Raise HostileMarkup for a token longer than MAX_TOKEN (always, with `force`; else
    only where the linked libexpat is quadratic on it)."""
    if EXPAT_REPARSES_LINEARLY and not force:
        return
    half = MAX_TOKEN // 2
    pos = 0
    while pos + half <= len(data):
        if data.find(b"<", pos, pos + half) != -1:
            pos += half
            continue
        start = data.rfind(b"<", 0, pos)
        if start != -1 and _inside_markup(data[start:pos]):
            attributes = data.count(b"=", start, pos + half)
            what = (f"un elemento con oltre {attributes} attributi" if attributes > 1000
                    else "un elemento, commento o attributo")
            raise HostileMarkup(f"{what} più lungo di {MAX_TOKEN // 1024} KB (al byte {start})")
        following = data.find(b"<", pos + half)
        if following == -1:
            return
        pos = following  # a long text run: go on from its end


def _inside_markup(since_lt: bytes) -> bool:
    """Whether the bytes from the last "<" end inside that markup: a comment, CDATA, PI or
    declaration (which may hold ">"), a tag not yet closed, or an open quoted value."""
    if since_lt[1:2] in (b"!", b"?"):
        return since_lt.find(b"-->") == -1 and since_lt.find(b"]]>") == -1 and since_lt.find(b"?>") == -1
    if since_lt.find(b">") == -1:
        return True
    return since_lt.count(b'"') % 2 == 1 or since_lt.count(b"'") % 2 == 1 and since_lt.count(b'"') == 0
