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

import io
import re

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException
from lxml import etree, html as lxml_html

from ..linkfinder import find_links, is_url
from ..model import CheckResult, Finding, FormatInfo, InputFile
from . import Check, CheckContext
from ._content import capped

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
        return CheckResult(findings=_finish(_check_html(data)))
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


def _finish(findings: list[Finding]) -> list[Finding]:
    """Cap per code, then turn the surviving locations into text (picklable, final)."""
    return [Finding(f.code, f.severity, f.detail, str(f.location), f.args) for f in capped(findings)]


def _check_tree(tree, fmt_id: str) -> list[Finding]:
    findings: list[Finding] = []
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
            findings.append(Finding("XML005", detail=el.get("href", ""), location=where))
            continue
        if local.lower() == "script" and (active_doc or "svg" in ns or "xhtml" in ns):
            findings.append(Finding("XML008", detail="<script>", location=where))
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


def _check_pi(node) -> list[Finding]:
    if isinstance(node, etree._ProcessingInstruction) and node.target == "xml-stylesheet":
        return [Finding("XML004", detail=(node.text or "")[:300], location="<?xml-stylesheet?>")]
    return []


def _check_attributes(el, where: str, active_doc: bool) -> list[Finding]:
    out = []
    for name, value in el.attrib.items():
        local = _local(name).lower()
        value = (value or "").strip()
        if local.startswith("on") and len(local) > 2 and active_doc:
            out.append(Finding("XML008", detail=f'{_local(name)}="{value[:120]}"', location=where))
            continue
        if value.lower().startswith(SCRIPT_SCHEMES):
            out.append(Finding("XML008", detail=value[:200], location=where.attr(_local(name))))
            continue
        if local == "style":
            out += _css_links(value, where)
            continue
        if local in IDENTIFIER_ATTRS:
            continue
        if local in LINK_ATTRS:
            if value and not value.startswith("#") and not value.lower().startswith("data:"):
                out.append(Finding("XML006", detail=value[:300], location=where.attr(_local(name))))
        elif local == "uri" or is_url(value):
            # ds:Reference/@URI="" or "#id" points inside the file; a URL points outside
            if is_url(value):
                out.append(Finding("XML006", detail=value[:300], location=where.attr(_local(name))))
    return out


def _css_links(css: str, where: str) -> list[Finding]:
    return [Finding("XML006", detail=m.group(1)[:300], location=where)
            for m in _CSS_URL.finditer(css)]


def _text_links(text: str, where: str) -> list[Finding]:
    """URLs written in element text: a hint, not a link (e-mail addresses are data in XML)."""
    return [Finding("XML007", detail=link.text, location=where)
            for link in find_links(text) if link.kind in ("url", "unc")]


def _check_kml_element(el, local: str, where: str) -> list[Finding]:
    out = []
    text = (el.text or "").strip()
    if local == "NetworkLink":
        href = next((h.text for h in el.iter() if isinstance(h.tag, str)
                     and _local(h.tag) == "href" and h.text), "")
        out.append(Finding("XML009", detail=href.strip()[:300], location=where))
    elif local == "href" and text and not text.startswith("#") and not any(
            isinstance(a.tag, str) and _local(a.tag) == "NetworkLink" for a in el.iterancestors()):
        # (a NetworkLink's own href is its XML009, one finding per fault)
        out.append(Finding("XML006", detail=text[:300], location=where, args={"kind": "href"}))
    elif local == "styleUrl" and text and not text.startswith("#"):
        out.append(Finding("XML006", detail=text[:300], location=where, args={"kind": "styleUrl"}))
    elif local == "description" and text:
        if _HTML_TAG.search(text):
            out.append(Finding("XML010", detail=text[:120], location=where))
            out += [Finding(f.code, f.severity, f.detail, where, f.args)
                    for f in _check_html(text.encode("utf-8"), fragment=True)]
        else:
            out += _text_links(text, where)
    return out


def _check_html(data: bytes, fragment: bool = False) -> list[Finding]:
    """HTML that is not XML: libxml2's HTML parser (no entity expansion), then the same
    attribute rules; <!ENTITY in an HTML file has no business there either."""
    if re.search(rb"<!ENTITY", data[:1_000_000], re.I):
        return [Finding("XML001", detail="<!ENTITY")]
    try:
        if fragment:
            nodes = lxml_html.fragments_fromstring(data.decode("utf-8", "replace"))
            roots = [n for n in nodes if not isinstance(n, str)]
        else:
            roots = [lxml_html.document_fromstring(data)]
    except (etree.ParserError, ValueError) as exc:
        return [Finding("XML002", detail=str(exc)[:300])]
    findings: list[Finding] = []
    for root in roots:
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            where = _Where(el)
            if el.tag.lower() == "script":
                findings.append(Finding("XML008", detail="<script>", location=where))
            if el.tag.lower() == "meta" and (el.get("http-equiv") or "").lower() == "refresh":
                findings.append(Finding("XML006", detail=el.get("content", "")[:300], location=where))
            findings += _check_attributes(el, where, active_doc=True)
            if el.tag.lower() == "style" and el.text:
                findings += _css_links(el.text, where)
            elif el.text and el.text.strip() and not fragment:
                findings += _text_links(el.text, where)
            if el.tail and el.tail.strip() and not fragment:
                findings += _text_links(el.tail, where)
    return findings


CHECKS = [Check(name="xml", formats={"xml", "kml", "svg", "html"}, run=run,
                label_it="XML: entità, collegamenti e script")]
