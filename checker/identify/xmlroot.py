"""XML by its root element: xml, kml, svg, html (XHTML) and FatturaPA. Parsing stops at the
root's start tag, without a tree and without expanding entities: whether the rest is well
formed is the XML check's business (XML002).

Hostile markup is handled before and while reading the prologue:
- entity declarations (billion laughs, quadratic blow-up) and external entities or DTDs (XXE)
  are refused by defusedxml as soon as they are declared: nothing is expanded or fetched; the
  root is then read from the text by a linear scan (`_root_from_text`, no backtracking regex);
- a token longer than xmlguard.MAX_TOKEN (a 50 MB attribute, 200 k attributes, a giant
  comment), which libexpat before 2.6 re-tokenises at every buffer fill, is refused by the
  project's guard (checker/xmlguard.py) before expat sees it;
- depth cannot grow: the parser stops at the root's start tag, and at most _MAX_XML_PROLOGUE
  bytes are ever fed to it.
What was refused is named in the details ("entities", "defused", "hostile").
"""
from __future__ import annotations

import re
from typing import Any

import defusedxml
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from .. import xmlguard
from .sniffed import Sniffed

_MAX_XML_PROLOGUE = 1 << 20      # the root element must start within this many bytes
_XML_CHUNK = 64 << 10
_TEXT_HEAD = 64 << 10            # the linear fallback reads at most this much text


class _RootTarget:
    """An ElementTree parser target that keeps nothing but the root element's name."""
    def __init__(self) -> None:
        self.root: str | None = None

    def start(self, tag, attrib):
        if self.root is None:
            self.root = tag

    def end(self, tag):
        pass

    def data(self, text):
        pass

    def close(self):
        return self.root


_NAME = re.compile(r"[A-Za-z_][\w.:-]*")
_XMLNS = re.compile(r"""xmlns\s*=\s*["']([^"']{0,2000})["']""")


def sniff_xml(data: bytes) -> Sniffed | None:
    """xml / kml / svg / html by root element (see the module docstring for what is refused)."""
    target = _RootTarget()
    details: dict[str, Any] = {}
    prologue = data[:_MAX_XML_PROLOGUE]
    try:
        xmlguard.check(prologue)
    except xmlguard.HostileMarkup as exc:
        details["hostile"] = str(exc)
    if "hostile" not in details:
        parser = DefusedXMLParser(target=target, forbid_dtd=False, forbid_entities=True,
                                  forbid_external=True)
        try:
            for start in range(0, len(prologue), _XML_CHUNK):
                parser.feed(prologue[start:start + _XML_CHUNK])
                if target.root is not None:
                    break
        except defusedxml.DefusedXmlException as exc:
            details["entities"] = True
            details["defused"] = type(exc).__name__
        except (ParseError, LookupError, ValueError):  # LookupError: unknown declared encoding
            if target.root is None and not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml"):
                return None
    root = target.root
    if root is None:  # stopped before the root (entity declarations, bad encoding): read it
        head = data[:_TEXT_HEAD].decode("utf-8", "replace")
        found = _root_from_text(head)
        if found is None:
            return None
        root, at = found
        ns = _XMLNS.search(head, at, at + 2000)
        if ns:
            root = f"{{{ns.group(1)}}}{root.split(':')[-1]}"
    namespace, _, local = root[1:].partition("}") if root.startswith("{") else ("", "", root)
    local = local.split(":")[-1]
    details.update({"root": local, "namespace": namespace})
    fid = "xml"
    if local == "kml":
        fid = "kml"
    elif local == "svg":
        fid = "svg"
    elif local.lower() == "html":
        fid = "html"
    elif local == "FatturaElettronica" or "ivaservizi.agenziaentrate.gov.it" in namespace:
        details["fatturapa"] = True
    return Sniffed(fid, details)


def _root_from_text(head: str) -> tuple[str, int] | None:
    """The root element's name and where it ends, skipping the XML declaration, comments,
    processing instructions and one DOCTYPE (with its internal subset). Each step is a
    str.find from the current position: linear in the text, whatever it holds."""
    pos = 1 if head.startswith("\ufeff") else 0
    seen_doctype = False
    while True:
        while pos < len(head) and head[pos] in " \t\r\n":
            pos += 1
        if head.startswith("<?", pos):
            end = head.find("?>", pos + 2)
            pos = -1 if end == -1 else end + 2
        elif head.startswith("<!--", pos):
            end = head.find("-->", pos + 4)
            pos = -1 if end == -1 else end + 3
        elif head.startswith("<!DOCTYPE", pos) and not seen_doctype:
            seen_doctype = True
            pos = _after_doctype(head, pos + 9)
        elif head.startswith("<", pos):
            name = _NAME.match(head, pos + 1)
            return (name.group(0), name.end()) if name else None
        else:
            return None
        if pos == -1:
            return None


def _after_doctype(head: str, pos: int) -> int:
    """The position after a DOCTYPE whose name starts at pos, or -1 when it does not end."""
    close, subset = head.find(">", pos), head.find("[", pos)
    if subset == -1 or (close != -1 and close < subset):
        return -1 if close == -1 else close + 1
    while True:   # the internal subset ends at "]" followed (after blanks) by ">"
        end = head.find("]", subset + 1)
        if end == -1:
            return -1
        after = end + 1
        while after < len(head) and head[after] in " \t\r\n":
            after += 1
        if head.startswith(">", after):
            return after + 1
        subset = end
