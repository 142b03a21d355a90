"""OpenDocument (odt, ods, odp, odg). oletools has no ODF support, so the zip is read
after checker.zipinspect said it is safe, and the XML parts are streamed with defusedxml.

Looked for: Basic/, Scripts/, Dialogs/ entries and their manifest entries, scripts in
the body, script event listeners and vnd.sun.star.script URLs; text:a / draw:a links;
linked sections, tables, images and objects; applets and plug-ins; DDE; embedded
(OLE) objects; table:formula by sheet and cell; encryption. LibreOffice writes an empty
<office:scripts/> in every file: only scripts with content are reported.
"""
from __future__ import annotations

import io
import posixpath
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

from .. import xmlguard, zipinspect
from ..linkfinder import is_url
from ..model import CheckResult, Finding, FormatInfo, InputFile
from ..textfacts import text_facts
from . import Check, CheckContext
from ._content import Tally, capped, text_link_findings, unreadable_zip

MAX_PART = 64 << 20

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "script": "urn:oasis:names:tc:opendocument:xmlns:script:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
    "presentation": "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0",
    "form": "urn:oasis:names:tc:opendocument:xmlns:form:1.0",
}


def q(prefix: str, local: str) -> str:
    return f"{{{NS[prefix]}}}{local}"


HREF = q("xlink", "href")
SCRIPT_URL_PREFIXES = ("vnd.sun.star.script:", "macro:", "vnd.sun.star.basic:", "javascript:")
# Library index files LibreOffice writes even for an empty "Standard" library.
_LIBRARY_INDEX = ("script-lc.xml", "dialog-lc.xml", "script-lb.xml", "dialog-lb.xml")
LINKED = {
    q("text", "section-source"): "sezione collegata",
    q("table", "table-source"): "tabella collegata",
    q("text", "link"): "collegamento",
}
DDE = {q("text", "dde-connection-decl"), q("text", "dde-connection"), q("table", "dde-link"),
       q("office", "dde-source"), q("table", "dde-source")}
APPLETS = {q("draw", "applet"), q("draw", "plugin"), q("draw", "floating-frame")}
EVENT_LISTENERS = {q("script", "event-listener"), q("presentation", "event-listener")}
# Embedded sub-documents the suite draws itself (charts, formulas): content, not foreign objects.
NATIVE_OBJECTS = ("opendocument.chart", "opendocument.formula")


def run(file: InputFile, fmt: FormatInfo, ctx: CheckContext) -> CheckResult:
    data = file.data
    report = zipinspect.inspect(data)
    if not report.safe_to_read:
        return unreadable_zip(report, corrupt_code="ODF010")
    names = [e.name for e in report.entries if not e.is_dir]
    findings: list[Finding] = []
    manifest = _read(data, "META-INF/manifest.xml", findings)
    encrypted = _manifest(manifest, findings) if manifest is not None else set()
    if manifest is None and "META-INF/manifest.xml" not in names:
        findings.append(Finding("ODF010", detail="META-INF/manifest.xml assente"))
    for name in names:
        top = name.split("/", 1)[0]
        if top in ("Basic", "Scripts", "Dialogs") and posixpath.basename(name) not in _LIBRARY_INDEX:
            findings.append(Finding("ODF001", detail=name, location=name))
    if "content.xml" in encrypted:
        return CheckResult(findings=capped(findings))
    media = {} if manifest is None else {
        (e.get(q("manifest", "full-path")) or "").rstrip("/"): e.get(q("manifest", "media-type")) or ""
        for e in manifest.iter(q("manifest", "file-entry"))}
    walker = _BodyWalker(set(names), fmt.id, media)
    for part in ("content.xml", "styles.xml"):
        if part not in names:
            if part == "content.xml":
                findings.append(Finding("ODF010", detail="content.xml assente"))
            continue
        if part in encrypted:
            continue
        raw = zipinspect.read_member(data, part, MAX_PART)
        if raw is None:
            findings.append(Finding("ODF010", detail="parte non leggibile", location=part))
            continue
        try:
            walker.walk(raw, part)
        except (DefusedXmlException, DET.ParseError, ValueError, LookupError) as exc:  # LookupError: unknown encoding
            findings.append(Finding("ODF010", detail=f"{type(exc).__name__}: {exc}"[:200], location=part))
    findings += walker.findings + walker.formulas.findings
    findings += text_link_findings("\n".join(walker.link_text), "ODF011")
    return CheckResult(findings=capped(findings, hidden=walker.formulas.hidden),
                       facts=text_facts("\n".join(walker.text)))


def _read(data: bytes, part: str, findings: list[Finding]):
    raw = zipinspect.read_member(data, part, MAX_PART)
    if raw is None:
        return None
    try:
        xmlguard.check(raw)
        return DET.fromstring(raw, forbid_dtd=True)
    except (DefusedXmlException, DET.ParseError, ValueError, LookupError) as exc:  # LookupError: unknown encoding
        findings.append(Finding("ODF010", detail=f"{type(exc).__name__}: {exc}"[:200], location=part))
        return None


def _manifest(root, findings: list[Finding]) -> set[str]:
    """Encrypted parts; macro entries declared in the manifest are reported as ODF001."""
    encrypted = set()
    for entry in root.iter(q("manifest", "file-entry")):
        path = entry.get(q("manifest", "full-path")) or ""
        if entry.find(q("manifest", "encryption-data")) is not None:
            encrypted.add(path)
        media = (entry.get(q("manifest", "media-type")) or "").lower()
        if path.startswith(("Basic/", "Scripts/", "Dialogs/")) and path.endswith("/") and media:
            findings.append(Finding("ODF001", detail=f"{path} ({media})", location="META-INF/manifest.xml"))
    if encrypted:
        findings.append(Finding("ODF009", detail=f"{len(encrypted)} parti cifrate",
                                location=", ".join(sorted(encrypted))[:200]))
    return encrypted


class _BodyWalker:
    """Streams content.xml / styles.xml keeping only the element stack and cell position."""

    def __init__(self, names: set[str], fmt_id: str, media: dict[str, str] | None = None):
        self.names = names
        self.media = media or {}   # manifest: part/folder → media type
        self.fmt_id = fmt_id
        self.findings: list[Finding] = []
        self.text: list[str] = []
        self.link_text: list[str] = []
        self.formulas = Tally()   # ODF008: a sheet may hold millions

    def walk(self, raw: bytes, part: str) -> None:
        stack: list[str] = []
        table, row, col = "", 0, 0
        self.paragraph = 0
        scripts_depth = -1
        xmlguard.check(raw)
        for event, el in DET.iterparse(io.BytesIO(raw), events=("start", "end"), forbid_dtd=True):
            tag = el.tag
            if event == "start":
                stack.append(tag)
                if tag == q("table", "table"):
                    table, row = el.get(q("table", "name")) or "", 0
                elif tag == q("table", "table-row"):
                    col = 0
                elif tag in (q("table", "table-cell"), q("table", "covered-table-cell")):
                    formula = el.get(q("table", "formula"))
                    if formula and self.formulas.full("ODF008"):
                        self.formulas.skip("ODF008")
                    elif formula:
                        self.formulas.add(Finding("ODF008", detail=formula[:300],
                                                  location=f"{table}!{_cell(row, col)}"))
                elif tag == q("office", "scripts"):
                    scripts_depth = len(stack)
                elif tag in (q("text", "p"), q("text", "h")):
                    self.paragraph += 1
                self._element(el, tag, part, stack)
                continue
            # end
            if tag == q("table", "table-row"):
                row += int(el.get(q("table", "number-rows-repeated")) or 1)
            elif tag in (q("table", "table-cell"), q("table", "covered-table-cell")):
                col += int(el.get(q("table", "number-columns-repeated")) or 1)
            elif tag in (q("text", "p"), q("text", "h")):
                if len(stack) < 2 or stack[-2] not in (q("text", "p"), q("text", "h")):
                    self.text.append("".join(el.itertext()))
                    self.link_text.append(_text_outside_links(el))
            elif tag == q("office", "scripts") and any(c.tag != q("office", "event-listeners")
                                                       for c in el):
                self.findings.append(Finding("ODF001", detail="office:scripts", location=part))
            stack.pop()
            if tag in (q("table", "table-row"), q("office", "body")) or (
                    tag in (q("text", "p"), q("text", "h")) and scripts_depth < 0):
                el.clear()
            if tag == q("office", "scripts"):
                scripts_depth = -1

    def _element(self, el, tag: str, part: str, stack: list[str]) -> None:
        href = (el.get(HREF) or "").strip()
        inside = any(t in (q("text", "p"), q("text", "h")) for t in stack)
        if inside:
            where = f"{part}, paragrafo {self.paragraph}"
        else:
            where = f"{part}, dopo il paragrafo {self.paragraph}" if self.paragraph else part
        for value in el.attrib.values():
            if (value or "").strip().lower().startswith(SCRIPT_URL_PREFIXES):
                self.findings.append(Finding("ODF002", detail=value[:300], location=where))
        if tag in EVENT_LISTENERS:
            macro = el.get(q("script", "macro-name")) or href
            if not macro.lower().startswith(SCRIPT_URL_PREFIXES):  # not already reported above
                self.findings.append(Finding("ODF002", detail=(el.get(q("script", "event-name")) or "")
                                             + " → " + macro[:200], location=where))
        elif tag == q("text", "execute-macro"):
            self.findings.append(Finding("ODF002", detail=f"campo «esegui macro» {el.get(q('text', 'name')) or ''}"
                                         .strip(), location=where))
        elif tag == q("text", "script"):
            self.findings.append(Finding("ODF001", detail=el.get(q("script", "language")) or "script",
                                         location=where))
        elif tag in (q("text", "a"), q("draw", "a")):
            if href and not href.startswith("#") and not href.lower().startswith(SCRIPT_URL_PREFIXES):
                self.findings.append(Finding("ODF003", detail=href[:300], location=where))
        elif tag in LINKED:
            if href:
                self.findings.append(Finding("ODF004", detail=href[:300], location=where,
                                             args={"kind": LINKED[tag]}))
        elif tag in DDE:
            detail = " ".join(v for k, v in el.attrib.items() if k.endswith(("dde-application",
                                                                                "dde-topic", "dde-item")))
            self.findings.append(Finding("ODF006", detail=detail[:300] or "DDE", location=where))
        elif tag in APPLETS:
            self.findings.append(Finding("ODF005", detail=href[:300] or tag.split("}")[1], location=where))
        elif tag == q("draw", "object-ole"):
            self.findings.append(Finding("ODF007", detail=f"oggetto OLE {href}".strip(), location=where))
        elif tag == q("draw", "object"):
            if self._external(href):
                self.findings.append(Finding("ODF004", detail=href[:300], location=where,
                                             args={"kind": "oggetto collegato"}))
            elif self.media.get(_inner(href), "").endswith(NATIVE_OBJECTS):
                pass  # a chart or a formula drawn by the office suite itself, not foreign content
            else:
                self.findings.append(Finding("ODF007", detail=href.lstrip("./") or "oggetto",
                                             location=where))
        elif tag in (q("draw", "image"), q("draw", "fill-image")) and self._external(href):
            self.findings.append(Finding("ODF004", detail=href[:300], location=where,
                                         args={"kind": "immagine collegata"}))

    def _external(self, href: str) -> bool:
        """An href that does not name a part of this file."""
        if not href or href.startswith("#"):
            return False
        if is_url(href) or href.startswith(("/", "../", "\\")) or ":" in href.split("/")[0]:
            return True
        inner = _inner(href)
        return not any(n == inner or n.startswith(inner + "/") for n in self.names)


def _text_outside_links(el) -> str:
    """Text of a paragraph without the text of its links, in document order. Iterative:
    a hostile file may nest spans thousands deep."""
    parts: list[str] = []
    stack: list[str | Element] = [el]  # elements to read, and tails (text) to take as they are
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            parts.append(node)
            continue
        if node.tag == q("text", "a"):
            continue
        if node.text:
            parts.append(node.text)
        for child in reversed(list(node)):
            if child.tail:
                stack.append(child.tail)
            stack.append(child)
    return "".join(parts)


def _inner(href: str) -> str:
    return posixpath.normpath(href[2:] if href.startswith("./") else href).rstrip("/")


def _cell(row: int, col: int) -> str:
    letters, n = "", col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


CHECKS = [Check(name="odf", formats={"odt", "ods", "odp", "odg"}, run=run,
                label_it="OpenDocument: macro, formule, collegamenti, oggetti",
                                label_en="OpenDocument: macros, formulas, links, objects")]
