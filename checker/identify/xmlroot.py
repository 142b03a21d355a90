"""XML by its root element: xml, kml, svg, html (XHTML) and FatturaPA. Parsing stops at the
root's start tag, without a tree and without expanding entities: whether the rest is well
formed is the XML check's business (XML002)."""
from __future__ import annotations

import re
from typing import Any

import defusedxml
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from .sniffed import Sniffed

_MAX_XML_PROLOGUE = 1 << 20      # the root element must start within this many bytes
_XML_CHUNK = 64 << 10


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


_ROOT_AFTER_DOCTYPE = re.compile(r"<!DOCTYPE[^\[>]*(\[.*?\]\s*)?>\s*(<!--.*?-->\s*)*<([A-Za-z_][\w.:-]*)",
                                 re.DOTALL)
_ROOT_AFTER_PROLOGUE = re.compile(r"^\ufeff?\s*(<\?xml[^>]*\?>)\s*(<!--.*?-->\s*)*<([A-Za-z_][\w.:-]*)",
                                  re.DOTALL)
_XMLNS = re.compile(r"""xmlns\s*=\s*["']([^"']+)["']""")


def sniff_xml(data: bytes) -> Sniffed | None:
    """xml / kml / svg / html by root element. Parsing stops at the root's start tag: whether
    the rest is well formed is the XML check's business (XML002). defusedxml refuses entity
    declarations, so a DOCTYPE with ENTITY is never expanded; its root is then read from the
    text instead."""
    target = _RootTarget()
    parser = DefusedXMLParser(target=target, forbid_dtd=False, forbid_entities=True,
                              forbid_external=True)
    details: dict[str, Any] = {}
    try:
        for start in range(0, min(len(data), _MAX_XML_PROLOGUE), _XML_CHUNK):
            parser.feed(data[start:start + _XML_CHUNK])
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
        head = data[:65536].decode("utf-8", "replace")
        m = _ROOT_AFTER_DOCTYPE.search(head) or _ROOT_AFTER_PROLOGUE.search(head)
        if not m:
            return None
        root = m.group(3)
        ns = _XMLNS.search(head[m.start(3):m.start(3) + 2000])
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
