"""XML documents (plain XML such as FatturaPA or XAdES, KML, SVG, HTML): no DOCTYPE or
ENTITY (XXE, billion laughs), no external stylesheet, XInclude, links, scripts or
network links; nesting depth bounded.

Order matters: defusedxml reads the file first with DTDs forbidden and counts the
depth while streaming; only a file that passed is parsed again with lxml (entities
never resolved, no network) for the structural checks. Namespace URIs are names,
not links, and attributes whose value is an identifier URI (ds:Algorithm,
xsi:schemaLocation, …) are not links either, so FatturaPA and XAdES files pass.
"""
from __future__ import annotations

import bisect
import io
import re
from dataclasses import dataclass, field
from typing import Any

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException
from lxml import etree, html as lxml_html

from .. import xmlguard
from ..linkfinder import find_links, is_url
from ..model import CheckResult, Finding, FormatInfo, InputFile
from . import Check, CheckContext
from ._content import MAX_FINDINGS_PER_CODE, capped

MAX_DEPTH = 100

XINCLUDE_NS = {"http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude"}
# Attributes that hold a reference to something to load or open.
LINK_ATTRS = {"href", "src", "action", "formaction", "background", "codebase", "data", "cite",
              "longdesc", "poster", "usemap", "archive", "lowsrc", "dynsrc", "manifest",
              "profile", "srcset", "ping"}
# Attributes whose value is a URI used as a name (algorithm, type, schema hint), not a link.
IDENTIFIER_ATTRS = {"algorithm", "type", "schemalocation", "nonamespaceschemalocation",
                    "encoding", "mimetype", "qualifier", "namespace", "xmlns", "id",
                    "profileuri", "version", "datatype", "property", "typeof", "vocab",
                    "about", "resource", "rel", "rev", "role"}
SCRIPT_SCHEMES = ("javascript:", "vbscript:")
# Signature metadata (XMLDSig, XAdES) names policies and algorithms by URL: not document text.
SIGNATURE_NS = ("http://www.w3.org/2000/09/xmldsig", "http://uri.etsi.org/01903")
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*(?!#|data:)([^'")\s]+)""", re.I)
_HTML_TAG = re.compile(r"<\s*(?:a|img|iframe|script|div|p|br|table|b|i|font|span|object|embed)\b",
                       re.I)


def run(file: InputFile, fmt: FormatInfo, ctx: CheckContext) -> CheckResult:
    data = file.data
    if fmt.id == "html" and not _looks_like_xml(data):
        return CheckResult(findings=_scan_html_document(data))
    problem = _prescan(data, allow_doctype=fmt.id in ("svg", "html"))
    if problem:
        return CheckResult(findings=[problem])
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                 huge_tree=False, remove_comments=True)
        tree = etree.parse(io.BytesIO(data), parser)
    except etree.XMLSyntaxError as exc:
        return CheckResult(findings=[Finding("XML002", detail=str(exc)[:300])])
    findings = _check_tree(tree, fmt.id)
    return CheckResult(findings=_finish(findings))


def _looks_like_xml(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<?xml")


def _prescan(data: bytes, allow_doctype: bool = False) -> Finding | None:
    """defusedxml first: any DOCTYPE/ENTITY is an error; depth counted while streaming.

    SVG and XHTML files carry a standard <!DOCTYPE svg PUBLIC …> / <!DOCTYPE html …> line:
    there a DOCTYPE alone is allowed (never loaded), an ENTITY declaration never is."""
    depth = 0
    try:
        xmlguard.check(data)
    except xmlguard.HostileMarkup as exc:
        return Finding("XML011", detail=str(exc), args={"detail": str(exc)})
    try:
        for event, elem in DET.iterparse(io.BytesIO(data), events=("start", "end"),
                                         forbid_dtd=not allow_doctype, forbid_entities=True,
                                         forbid_external=True):
            if event == "start":
                depth += 1
                if depth > MAX_DEPTH:
                    return Finding("XML003", detail=f"> {MAX_DEPTH}",
                                   args={"max_depth": str(MAX_DEPTH)})
            else:
                depth -= 1
                elem.clear()  # keep memory flat on big files
    except DefusedXmlException as exc:
        return Finding("XML001", detail=str(exc)[:300])
    except DET.ParseError as exc:
        return Finding("XML002", detail=str(exc)[:300])
    except (ValueError, LookupError) as exc:  # unknown declared encoding and the like
        return Finding("XML002", detail=f"{type(exc).__name__}: {exc}"[:300])
    return None


def _local(name: str) -> str:
    return etree.QName(name).localname if name.startswith("{") else name.split(":")[-1]


def _ns(name: str) -> str:
    return etree.QName(name).namespace or "" if name.startswith("{") else ""


def _path(el) -> str:
    """/Root/Child[2]/Leaf with local names: readable, namespaces left out."""
    if isinstance(el, _Frame):
        return el.path()
    parts = []
    while el is not None and isinstance(el.tag, str):
        name = _local(el.tag)
        if el.getparent() is not None:
            before = sum(1 for _ in el.itersiblings(el.tag, preceding=True))
            if before or next(el.itersiblings(el.tag), None) is not None:
                name += f"[{before + 1}]"
        parts.append(name)
        el = el.getparent()
    return "/" + "/".join(reversed(parts))


class _Where:
    """An element's path, computed only when a finding that survives the cap is reported:
    computing it for every element of a large file would be quadratic."""
    __slots__ = ("el", "suffix")

    def __init__(self, el, suffix: str = ""):
        self.el, self.suffix = el, suffix

    def attr(self, name: str) -> _Where:
        return _Where(self.el, f"{self.suffix}/@{name}")

    def __str__(self) -> str:
        return _path(self.el) + self.suffix

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


@dataclass(frozen=True)
class _Hit:
    """A finding whose location is still an element: its path is computed only if it is kept."""
    code: str
    detail: str = ""
    where: _Where | str = ""
    args: dict[str, str] = field(default_factory=dict)


def _finish(hits: list[_Hit]) -> list[Finding]:
    """Cap per code, then turn the surviving locations into text (picklable, final)."""
    by_code: dict[str, list[_Hit]] = {}
    for hit in hits:
        by_code.setdefault(hit.code, []).append(hit)
    kept = [Finding(h.code, detail=h.detail, location=str(h.where), args=dict(h.args))
            for group in by_code.values() for h in group[:MAX_FINDINGS_PER_CODE]]
    left_out = {code: len(group) - MAX_FINDINGS_PER_CODE for code, group in by_code.items()
                if len(group) > MAX_FINDINGS_PER_CODE}
    return capped(kept, hidden=left_out)


def _check_tree(tree, fmt_id: str) -> list[_Hit]:
    findings: list[_Hit] = []
    root = tree.getroot()
    # processing instructions before the root element (xml-stylesheet lives there)
    node = root.getprevious()
    while node is not None:
        findings += _check_pi(node)
        node = node.getprevious()
    is_kml = fmt_id == "kml" or _local(root.tag).lower() == "kml"
    active_doc = fmt_id in ("svg", "html") or _local(root.tag).lower() in ("svg", "html")
    for el in root.iter():
        if not isinstance(el.tag, str):
            findings += _check_pi(el)
            continue
        local, ns = _local(el.tag), _ns(el.tag)
        where = _Where(el)
        if ns in XINCLUDE_NS and local in ("include", "fallback"):
            findings.append(_Hit("XML005", detail=el.get("href", ""), where=where))
            continue
        if local.lower() == "script" and (active_doc or "svg" in ns or "xhtml" in ns):
            findings.append(_Hit("XML008", detail="<script>", where=where))
        if is_kml:
            findings += _check_kml_element(el, local, where)
        findings += _check_attributes(el, where, active_doc)
        if local.lower() == "style" and el.text:
            findings += _css_links(el.text, where)
        if el.text and el.text.strip() and not ns.startswith(SIGNATURE_NS) and not (
                is_kml and local in ("href", "styleUrl", "description")):
            findings += _text_links(el.text, where)
        if el.tail and el.tail.strip():
            findings += _text_links(el.tail, where)
    return findings


def _check_pi(node) -> list[_Hit]:
    if isinstance(node, etree._ProcessingInstruction) and node.target == "xml-stylesheet":
        return [_Hit("XML004", detail=(node.text or "")[:300], where="<?xml-stylesheet?>")]
    return []


def _check_attributes(el, where: _Where, active_doc: bool) -> list[_Hit]:
    out: list[_Hit] = []
    for name, raw in el.attrib.items():
        local = _local(name).lower()
        value = (raw or "").strip()
        if local.startswith("on") and len(local) > 2 and active_doc:
            out.append(_Hit("XML008", detail=f'{_local(name)}="{value[:120]}"', where=where))
            continue
        if value.lower().startswith(SCRIPT_SCHEMES):
            out.append(_Hit("XML008", detail=value[:200], where=where.attr(_local(name))))
            continue
        if local == "style":
            out += _css_links(value, where)
            continue
        if local in IDENTIFIER_ATTRS:
            continue
        if local in LINK_ATTRS:
            if value and not value.startswith("#") and not value.lower().startswith("data:"):
                out.append(_Hit("XML006", detail=value[:300], where=where.attr(_local(name))))
        elif is_url(value):
            # a URL points outside (ds:Reference/@URI="" or "#id" points inside the file)
            out.append(_Hit("XML006", detail=value[:300], where=where.attr(_local(name))))
    return out


def _css_links(css: str, where: _Where) -> list[_Hit]:
    return [_Hit("XML006", detail=m.group(1)[:300], where=where)
            for m in _CSS_URL.finditer(css)]


def _text_links(text: str, where: _Where) -> list[_Hit]:
    """URLs written in element text: a hint, not a link (e-mail addresses are data in XML)."""
    return [_Hit("XML007", detail=link.text, where=where)
            for link in find_links(text) if link.kind in ("url", "unc")]


def _check_kml_element(el, local: str, where: _Where) -> list[_Hit]:
    out: list[_Hit] = []
    text = (el.text or "").strip()
    if local == "NetworkLink":
        href = next((h.text for h in el.iter() if isinstance(h.tag, str)
                     and _local(h.tag) == "href" and h.text), "")
        out.append(_Hit("XML009", detail=href.strip()[:300], where=where))
    elif local == "href" and text and not text.startswith("#") and not any(
            isinstance(a.tag, str) and _local(a.tag) == "NetworkLink" for a in el.iterancestors()):
        # (a NetworkLink's own href is its XML009, one finding per fault)
        out.append(_Hit("XML006", detail=text[:300], where=where, args={"kind": "href"}))
    elif local == "styleUrl" and text and not text.startswith("#"):
        out.append(_Hit("XML006", detail=text[:300], where=where, args={"kind": "styleUrl"}))
    elif local == "description" and text:
        if _HTML_TAG.search(text):
            out.append(_Hit("XML010", detail=text[:120], where=where))
            out += [_Hit(h.code, h.detail, where, h.args)
                    for h in _check_html_fragment(text.encode("utf-8"))]
        else:
            out += _text_links(text, where)
    return out


def _check_html_fragment(data: bytes) -> list[_Hit]:
    """An HTML fragment (a KML description): libxml2's HTML parser, the same attribute rules.

    Whole documents are streamed instead, see _scan_html_document."""
    if re.search(rb"<!ENTITY", data[:1_000_000], re.I):
        return [_Hit("XML001", detail="<!ENTITY")]
    try:
        nodes = lxml_html.fragments_fromstring(data.decode("utf-8", "replace"))
    except (etree.ParserError, ValueError) as exc:
        return [_Hit("XML002", detail=str(exc)[:300])]
    findings: list[_Hit] = []
    for root in (n for n in nodes if not isinstance(n, str)):
        for el in root.iter():
            if isinstance(el.tag, str):
                where = _Where(el)
                findings += _html_element_hits(el, where)
                if el.tag.lower() == "style" and el.text:
                    findings += _css_links(el.text, where)
    return findings


def _html_element_hits(el, where: _Where) -> list[_Hit]:
    """What an HTML start tag alone tells: scripts, meta refresh, link and event attributes."""
    hits: list[_Hit] = []
    if el.tag.lower() == "script":
        hits.append(_Hit("XML008", detail="<script>", where=where))
    if el.tag.lower() == "meta" and (el.get("http-equiv") or "").lower() == "refresh":
        hits.append(_Hit("XML006", detail=el.get("content", "")[:300], where=where))
    return hits + _check_attributes(el, where, active_doc=True)


def _scan_html_document(data: bytes) -> list[Finding]:
    """HTML that is not XML, streamed: libxml2's HTML parser (no entity expansion) feeds
    elements one at a time and each is dropped once read, so a file with a million links
    holds one path of open elements and the first hits per code, never the whole tree.

    Hits are kept in the order a whole-tree walk reports them (an element's tags, its text,
    its tail, then its children), so the findings are those of the walk."""
    if re.search(rb"<!ENTITY", data[:1_000_000], re.I):
        return _finish([_Hit("XML001", detail="<!ENTITY")])
    keeper = _FirstHits()
    open_: list[tuple[_Frame, int]] = []
    done: tuple[Any, int, _Frame] | None = None   # last closed element: tail complete at next event
    seen = 0
    try:
        for event, el in etree.iterparse(io.BytesIO(data), events=("start", "end"), html=True,
                                         no_network=True, huge_tree=False):
            if done is not None:
                _tail_hits(keeper, *done)
                done = None
            if event == "start":
                frame = _Frame(el.tag, open_[-1][0] if open_ else None)
                open_.append((frame, seen))
                keeper.add((seen, 0), _html_element_hits(el, _Where(frame)))
                seen += 1
                continue
            frame, order = open_.pop()
            if el.text and el.tag.lower() == "style":
                keeper.add((order, 1), _css_links(el.text, _Where(frame)))
            elif el.text and el.text.strip():
                keeper.add((order, 1), _text_links(el.text, _Where(frame)))
            done = (el, order, frame)
    except (etree.LxmlError, ValueError) as exc:
        if not seen:
            return [Finding("XML002", detail="Document is empty")]
        return [Finding("XML002", detail=str(exc)[:300])]
    if not seen:
        return [Finding("XML002", detail="Document is empty")]
    if done is not None:
        _tail_hits(keeper, *done)
    return keeper.findings()


def _tail_hits(keeper: _FirstHits, el: Any, order: int, frame: _Frame) -> None:
    """Text after a closed element's end tag; then the element and what came before it go."""
    if el.tail and el.tail.strip():
        keeper.add((order, 2), _text_links(el.tail, _Where(frame)))
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:   # comments and already-read elements
            del parent[0]
        parent.remove(el)


class _Frame:
    """An element met while streaming: its tag, its position among same-named siblings and
    its parent, enough to write its path once the parse is over (sibling counts final)."""
    __slots__ = ("tag", "index", "parent", "children")

    def __init__(self, tag: str, parent: _Frame | None):
        self.tag, self.parent = tag, parent
        self.children: dict[str, int] = {}
        self.index = 1
        if parent is not None:
            self.index = parent.children[tag] = parent.children.get(tag, 0) + 1

    def path(self) -> str:
        parts = []
        frame: _Frame | None = self
        while frame is not None:
            name = _local(frame.tag)
            if frame.parent is not None and frame.parent.children[frame.tag] > 1:
                name += f"[{frame.index}]"
            parts.append(name)
            frame = frame.parent
        return "/" + "/".join(reversed(parts))


class _FirstHits:
    """The first MAX_FINDINGS_PER_CODE hits of each code by document position, and how many
    there were: hits past the cap are counted, never kept."""

    def __init__(self) -> None:
        self.kept: dict[str, list[tuple[tuple[int, int, int], _Hit]]] = {}
        self.total: dict[str, int] = {}

    def add(self, position: tuple[int, int], hits: list[_Hit]) -> None:
        for n, hit in enumerate(hits):
            key = (*position, n)
            self.total[hit.code] = self.total.get(hit.code, 0) + 1
            kept = self.kept.setdefault(hit.code, [])
            if len(kept) < MAX_FINDINGS_PER_CODE or key < kept[-1][0]:
                bisect.insort(kept, (key, hit), key=lambda item: item[0])
                del kept[MAX_FINDINGS_PER_CODE:]

    def findings(self) -> list[Finding]:
        codes = sorted(self.kept, key=lambda code: self.kept[code][0][0])
        kept = [Finding(h.code, detail=h.detail, location=str(h.where), args=dict(h.args))
                for code in codes for _, h in self.kept[code]]
        hidden = {code: self.total[code] - len(self.kept[code]) for code in codes
                  if self.total[code] > len(self.kept[code])}
        return capped(kept, hidden=hidden)


CHECKS = [Check(name="xml", formats={"xml", "kml", "svg", "html"}, run=run,
                label_it="XML: entità, collegamenti e script", label_en="XML: entities, links and scripts")]
