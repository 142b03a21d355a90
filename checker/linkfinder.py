"""Links in free text: URLs, e-mail addresses and bare domain names.

Shared by the text, RTF, XML, ODF and OOXML checks. Italian administrative text is
full of dots that are not links ("art. 4 c. 2", "D.Lgs. 82/2005", "1.234,56",
"S.p.A.", "pag. 3", "n. 12/2024", "ver. 1.2.3"), so a bare domain counts only when
it is written in lower case, ends in a top-level domain people actually meet in
Italian correspondence, and its labels look like host names, not abbreviations.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Schemes that open something outside the document. "urn:" and "tag:" are names, not links.
_SCHEMES = ("https?", "ftps?", "sftp", "file", "smb", "nfs", "ldaps?", "telnet", "ssh",
            "gopher", "news", "nntp", "irc", "webdav", "dav", "ms-[a-z\\-]+", "vnd\\.[a-z.]+",
            "javascript", "vbscript", "data", "mailto", "tel", "callto", "sip")

_URL = re.compile(
    r"(?<![\w@.\-])(?:(?:" + "|".join(_SCHEMES) + r"):(?://)?[^\s<>\"'`{}|\\^\[\]]+"
    r"|www\d{0,3}\.[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}(?:[/?#:][^\s<>\"'`{}|\\^\[\]]*)?)",
    re.IGNORECASE)
_EMAIL = re.compile(
    r"(?<![\w.+\-])[a-z0-9][a-z0-9._%+\-]{0,63}@[a-z0-9](?:[a-z0-9\-]{0,62}[a-z0-9])?"
    r"(?:\.[a-z0-9](?:[a-z0-9\-]{0,62}[a-z0-9])?)*\.[a-z]{2,24}\b",
    re.IGNORECASE)
# A UNC path (\\server\share) opens a network resource just like a URL.
_UNC = re.compile(r"(?<![\\\w])\\\\[A-Za-z0-9][A-Za-z0-9.\-]{1,62}(?:\\[^\s\\]+)+")

# Lower-case only, on purpose: "Egr.io", "All.to", "S.p.A." are abbreviations.
_DOMAIN = re.compile(
    r"(?<![\w@./\-])((?:[a-z0-9](?:[a-z0-9\-]{0,62}[a-z0-9])?\.)+([a-z]{2,12}))(?![\w\-]|\.[a-z0-9])")

# Top-level domains that make a bare "name.tld" a web address. Country codes that collide
# with Italian abbreviations ("all.to", "sig.ra", "geom.ra", "prot.n", "tel.ca") are left out.
_TLDS = frozenset({
    "it", "com", "org", "net", "eu", "gov", "edu", "info", "biz", "io", "app", "dev", "online",
    "site", "web", "cloud", "shop", "store", "uk", "de", "fr", "es", "pt", "ch", "at", "be", "nl",
    "lu", "ie", "se", "no", "dk", "fi", "pl", "cz", "sk", "hu", "ro", "gr", "hr", "si", "sm", "va",
    "us", "ca",
})

# Abbreviations that look like "word.tld" in Italian text.
_NOT_DOMAINS = frozenset({"ecc.it", "sig.it", "art.it", "cod.it"})

_TRAILING = ".,;:!?)]}'\"»"


@dataclass(frozen=True)
class Link:
    kind: str      # "url" | "email" | "domain" | "unc"
    text: str
    start: int

    @property
    def is_error(self) -> bool:
        """URLs and e-mail addresses are links; a bare domain only looks like one."""
        return self.kind != "domain"


def _trim(text: str) -> str:
    while text and text[-1] in _TRAILING:
        # keep a closing parenthesis that belongs to the URL: .../Foo_(bar)
        if text[-1] == ")" and text.count("(") >= text.count(")"):
            break
        text = text[:-1]
    return text


def find_links(text: str, limit: int = 200) -> list[Link]:
    """Every URL, e-mail address, UNC path and bare domain in `text`, in order, at most `limit`."""
    if not text:
        return []
    found: list[Link] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for kind, pattern in (("url", _URL), ("email", _EMAIL), ("unc", _UNC)):
        for m in pattern.finditer(text):
            value = _trim(m.group(0))
            if kind == "url" and not _is_real_url(value):
                continue
            if not free(m.start(), m.start() + len(value)):
                continue
            found.append(Link(kind, value, m.start()))
            taken.append((m.start(), m.start() + len(value)))
            if len(found) >= limit:
                return sorted(found, key=lambda link: link.start)
    for m in _DOMAIN.finditer(text):
        name, tld = m.group(1), m.group(2)
        if tld not in _TLDS or name in _NOT_DOMAINS or not free(m.start(), m.end()):
            continue
        labels = name.split(".")
        # "a.it", "1.it": too short to be a host; every label needs a letter
        if len(labels[-2]) < 2 or not all(re.search("[a-z]", lbl) for lbl in labels):
            continue
        found.append(Link("domain", name, m.start()))
        taken.append((m.start(), m.end()))
        if len(found) >= limit:
            break
    return sorted(found, key=lambda link: link.start)


def _is_real_url(value: str) -> bool:
    """'http:' alone or 'tel:' with no number is not a link; 'www.' needs a host."""
    scheme, _, rest = value.partition(":")
    if scheme.lower().startswith("www"):
        return True
    rest = rest.lstrip("/")
    if not rest:
        return False
    if scheme.lower() in ("tel", "callto"):
        return bool(re.search(r"\d{3}", rest))
    return True


def is_url(value: str) -> bool:
    """True when an attribute value or a single token is an absolute URL or www. address."""
    value = value.strip()
    m = _URL.match(value)
    return m is not None and _is_real_url(_trim(m.group(0)))
