"""Check "office": Microsoft Office documents. OOXML (docx, docm, xlsx, xlsm, xlsb, pptx,
pptm) is read here; OLE compound files (doc, xls, ppt, and an encrypted .docx, which is one)
are handed to office_ole.py, by content, whatever the format id.

What is looked for, and where it is reported:
- macros: VBA projects (content type, vbaProject.bin, oletools' olevba), Excel 4 (XLM)
  macro sheets (content types), macro-enabled content types;
- active or foreign content: ActiveX controls, OLE embeddings and packages, altChunk;
- fields: DDE/DDEAUTO (OFF006) and link fields HYPERLINK, INCLUDETEXT, INCLUDEPICTURE…
  (OFF007), in w:fldSimple and in complex fields (w:instrText);
- relationships with TargetMode="External" (hyperlinks, remote templates, linked
  workbooks and pictures), by part;
- spreadsheet formulas, by sheet!cell.

Containers go through checker.zipinspect before any member is decompressed; members
are read with a bounded size and parsed with defusedxml (no DTDs).
"""
from __future__ import annotations

import io
import posixpath
import re
from dataclasses import dataclass, field

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

from .. import xmlguard, zipinspect
from ..model import CheckResult, Finding, FormatInfo, InputFile
from ..textfacts import text_facts
from . import Check, CheckContext, office_ole
from ._content import Tally, capped, text_link_findings, unreadable_zip
from ._office import engine, field_findings, olevba_findings

MAX_PART = 64 << 20          # one XML part, decompressed
MAX_VBA_PART = 32 << 20

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"

_MACRO_ENABLED = re.compile(r"macroEnabled", re.I)
_VBA_TYPES = ("application/vnd.ms-office.vbaproject", "application/vnd.ms-office.vbaprojectsignature")
_XLM_TYPES = ("application/vnd.ms-excel.macrosheet+xml", "application/vnd.ms-excel.intlmacrosheet+xml",
              "application/vnd.ms-excel.macrosheet", "application/vnd.ms-excel.intlmacrosheet")
_ACTIVEX_TYPES = ("application/vnd.ms-office.activex+xml", "application/vnd.ms-office.activex")
_OLE_TYPES = ("application/vnd.openxmlformats-officedocument.oleobject",)

# Relationship types (last path segment) → what the reader is told, in Italian.
EXTERNAL_KINDS = {
    "hyperlink": "collegamento ipertestuale",
    "attachedTemplate": "modello remoto",
    "externalLinkPath": "cartella di lavoro collegata",
    "externalLink": "cartella di lavoro collegata",
    "oleObject": "oggetto collegato",
    "image": "immagine collegata",
    "frame": "pagina web in un frame",
    "subDocument": "documento secondario",
    "video": "video collegato",
    "audio": "audio collegato",
    "package": "pacchetto collegato",
    "mailMergeSource": "origine dati della stampa unione",
    "recipientData": "elenco destinatari della stampa unione",
    "connections": "connessione a dati esterni",
}
FORMAT_LABELS = {"docm": "documento Word con macro (.docm)", "xlsm": "cartella Excel con macro (.xlsm)",
                 "xlsb": "cartella Excel binaria, che può contenere macro (.xlsb)",
                 "pptm": "presentazione PowerPoint con macro (.pptm)"}


@dataclass
class _Ooxml:
    """What the OOXML walk gathers."""
    data: bytes
    names: list[str]
    findings: list[Finding] = field(default_factory=list)
    text: list[str] = field(default_factory=list)       # visible text, for facts
    link_text: list[str] = field(default_factory=list)  # text outside hyperlinks, for OFF012
    formulas: Tally = field(default_factory=Tally)      # OFF009: a sheet may hold millions
    rid_where: dict[tuple[str, str], str] = field(default_factory=dict)  # (part, r:id) → paragraph/cell


def run(file: InputFile, fmt: FormatInfo, ctx: CheckContext) -> CheckResult:
    if office_ole.is_ole(file.data):
        return office_ole.run(file, fmt, ctx)
    return _check_ooxml(file.name, file.data, fmt)


def _check_ooxml(name: str, data: bytes, fmt: FormatInfo) -> CheckResult:
    report = zipinspect.inspect(data)
    if not report.safe_to_read:
        return unreadable_zip(report, corrupt_code="OFF011")
    doc = _Ooxml(data=data, names=[e.name for e in report.entries if not e.is_dir])
    types = _content_types(doc)
    if types is None:
        return CheckResult(findings=[Finding("OFF011", detail="[Content_Types].xml assente o illeggibile")])
    _check_content_types(doc, types, fmt)
    vba_parts = [n for n, t in types.items() if t.lower() in _VBA_TYPES and "signature" not in t.lower()]
    vba_parts += [n for n in doc.names if posixpath.basename(n).lower() == "vbaproject.bin"
                  and n not in vba_parts]
    for part in vba_parts:
        doc.findings.append(Finding("OFF001", detail="progetto VBA (vbaProject.bin)", location=part))
    if vba_parts:
        # olevba names the modules when the project is readable
        modules = [f for f in olevba_findings(name, data, "") if f.code == "OFF001"
                   and f.detail.startswith("moduli")]
        if modules:
            doc.findings[-1] = Finding("OFF001", detail=modules[0].detail, location=vba_parts[-1])
    _check_word(doc)
    _check_excel(doc)
    _check_presentation(doc)
    _check_relationships(doc)  # last: the parts above told where each r:id is used
    text = "\n".join(doc.text)
    findings = capped(doc.findings + doc.formulas.findings
                      + text_link_findings("\n".join(doc.link_text), "OFF012"), hidden=doc.formulas.hidden)
    facts = text_facts(text) if fmt.id in ("docx", "docm") or doc.text else {}
    return CheckResult(findings=findings, facts=facts, engine=engine() if vba_parts else "")


def _read_xml(doc: _Ooxml, part: str):
    """A part parsed with defusedxml, or None (missing, too big, DTD, malformed: reported)."""
    raw = zipinspect.read_member(doc.data, part, MAX_PART)
    if raw is None:
        if part in doc.names:
            doc.findings.append(Finding("OFF011", detail="parte non leggibile", location=part))
        return None
    try:
        xmlguard.check(raw)
        return DET.fromstring(raw, forbid_dtd=True)
    except (DefusedXmlException, DET.ParseError, ValueError, LookupError) as exc:  # LookupError: unknown encoding
        doc.findings.append(Finding("OFF011", detail=f"{type(exc).__name__}: {exc}"[:200], location=part))
        return None


def _content_types(doc: _Ooxml) -> dict[str, str] | None:
    """part name (no leading slash) → content type, overrides applied over defaults."""
    if "[Content_Types].xml" not in doc.names:
        return None
    root = _read_xml(doc, "[Content_Types].xml")
    if root is None:
        return None
    defaults = {(d.get("Extension") or "").lower(): d.get("ContentType") or ""
                for d in root.iter(f"{CT}Default")}
    overrides = {(o.get("PartName") or "").lstrip("/"): o.get("ContentType") or ""
                 for o in root.iter(f"{CT}Override")}
    types = {}
    for name in doc.names:
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        types[name] = overrides.get(name, defaults.get(ext, ""))
    for name, ctype in overrides.items():  # declared but absent parts still tell intent
        types.setdefault(name, ctype)
    return types


def _check_content_types(doc: _Ooxml, types: dict[str, str], fmt: FormatInfo) -> None:
    main_macro = [n for n, t in types.items() if _MACRO_ENABLED.search(t) and "main" in t.lower()]
    if main_macro or fmt.id in FORMAT_LABELS:
        label = FORMAT_LABELS.get(fmt.id, "formato con macro")
        doc.findings.append(Finding("OFF003", detail=types.get(main_macro[0], "") if main_macro else "",
                                    location=main_macro[0] if main_macro else "[Content_Types].xml",
                                    args={"format": label}))
    for name, ctype in types.items():
        low = ctype.lower()
        if low in _XLM_TYPES or "/macrosheets/" in f"/{name.lower()}":
            doc.findings.append(Finding("OFF002", detail="foglio macro di Excel 4", location=name))
        elif low in _ACTIVEX_TYPES or name.lower().startswith(("word/activex/", "xl/activex/",
                                                               "ppt/activex/")):
            if not name.lower().endswith(".rels"):
                doc.findings.append(Finding("OFF004", location=name))
        elif low in _OLE_TYPES or "/embeddings/" in f"/{name.lower()}":
            doc.findings.append(Finding("OFF005", detail=posixpath.basename(name), location=name))


def _check_relationships(doc: _Ooxml) -> None:
    for part in doc.names:
        if not part.endswith(".rels"):
            continue
        root = _read_xml(doc, part)
        if root is None:
            continue
        source = _rels_source(part)
        for rel in root.iter(PKG_REL):
            if (rel.get("TargetMode") or "").lower() != "external":
                if (rel.get("Type") or "").endswith("/aFChunk"):
                    # altChunk: a whole HTML/RTF/MHT document imported into this one
                    doc.findings.append(Finding("OFF005", detail=f"documento incorporato (altChunk) "
                                                f"{rel.get('Target') or ''}".strip(), location=source))
                continue
            rtype = (rel.get("Type") or "").rsplit("/", 1)[-1]
            kind = EXTERNAL_KINDS.get(rtype, rtype or "riferimento esterno")
            where = doc.rid_where.get((source, rel.get("Id") or ""), source)
            doc.findings.append(Finding("OFF008", detail=(rel.get("Target") or "")[:300],
                                        location=where, args={"kind": kind}))


def _rels_source(rels_part: str) -> str:
    """word/_rels/document.xml.rels → word/document.xml"""
    folder, base = posixpath.split(rels_part)
    parent = posixpath.dirname(folder)
    return posixpath.join(parent, base[:-len(".rels")]) if base != ".rels" else "/"


# ---- Word

_WORD_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes|comments|glossary/document)\.xml$")


def _check_word(doc: _Ooxml) -> None:
    for part in sorted(n for n in doc.names if _WORD_PARTS.match(n)):
        root = _read_xml(doc, part)
        if root is None:
            continue
        paragraph = 0
        fields: list[tuple[str, str]] = []   # (instruction, where)
        for el in root.iter():
            if el.tag == f"{W}p":
                paragraph += 1
                doc.text.append("".join(t.text or "" for t in el.iter(f"{W}t")))
                doc.link_text.append(_text_outside_links(el))
            elif el.tag == f"{W}fldSimple":
                fields.append((el.get(f"{W}instr") or "", f"{part}, paragrafo {paragraph}"))
            elif el.tag == f"{W}hyperlink" and el.get(R_ID):
                doc.rid_where.setdefault((part, el.get(R_ID)), f"{part}, paragrafo {paragraph}")
        fields += _complex_fields(root, part)
        for instruction, where in fields:
            doc.findings.extend(field_findings([instruction], where))


def _complex_fields(root, part: str) -> list[tuple[str, str]]:
    """Instructions of complex fields (the w:instrText runs between fldChar begin and
    separate/end), each with the paragraph where the field begins."""
    out: list[tuple[str, str]] = []
    current: list[str] = []
    depth, paragraph, where = 0, 0, part
    for el in root.iter():
        if el.tag == f"{W}p":
            paragraph += 1
        elif el.tag == f"{W}fldChar":
            kind = el.get(f"{W}fldCharType")
            if kind == "begin":
                depth += 1
                if depth == 1:
                    current, where = [], f"{part}, paragrafo {paragraph}"
            elif kind in ("separate", "end") and depth:
                if current:
                    out.append(("".join(current), where))
                    current = []
                if kind == "end":
                    depth -= 1
        elif el.tag == f"{W}instrText" and depth:
            current.append(el.text or "")
    return out


def _text_outside_links(para) -> str:
    """Paragraph text minus hyperlinks (already reported as relationships). Iterative: a
    hostile file may nest elements thousands deep."""
    parts: list[str] = []
    stack = [para]
    while stack:
        node = stack.pop()
        if node.tag == f"{W}hyperlink":
            continue
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        stack.extend(reversed(list(node)))
    return "".join(parts)


# ---- Excel

def _check_excel(doc: _Ooxml) -> None:
    if "xl/workbook.xml" not in doc.names:
        return
    sheets = _sheet_names(doc)
    for part in sorted(n for n in doc.names if re.match(r"^xl/(worksheets|macrosheets|dialogsheets)/[^/]+\.xml$", n)):
        sheet = sheets.get(part, posixpath.basename(part))
        _scan_sheet(doc, part, sheet)
    if "xl/sharedStrings.xml" in doc.names:  # the text of cells, once for the whole workbook
        root = _read_xml(doc, "xl/sharedStrings.xml")
        if root is not None:
            doc.link_text.extend(t.text or "" for t in root.iter(f"{S}t"))
    for part in sorted(n for n in doc.names if re.match(r"^xl/externalLinks/[^/]+\.xml$", n)):
        root = _read_xml(doc, part)
        if root is None:
            continue
        for dde in root.iter(f"{S}ddeLink"):
            doc.findings.append(Finding("OFF006", detail=f"{dde.get('ddeService', '')} {dde.get('ddeTopic', '')}"
                                        .strip(), location=part))
    if "xl/connections.xml" in doc.names:
        root = _read_xml(doc, "xl/connections.xml")
        for conn in root.iter(f"{S}connection") if root is not None else ():
            web = conn.find(f"{S}webPr")
            db = conn.find(f"{S}dbPr")
            target = (web.get("url") if web is not None else None) or (
                db.get("connection") if db is not None else None) or conn.get("sourceFile") or ""
            doc.findings.append(Finding("OFF008", detail=f"{conn.get('name') or ''}: {target}".strip(": ")[:300],
                                        location="xl/connections.xml",
                                        args={"kind": "connessione a dati esterni"}))
    root = _read_xml(doc, "xl/workbook.xml")
    if root is not None:
        for dn in root.iter(f"{S}definedName"):
            name = dn.get("name") or ""
            if name.lower().startswith(("auto_open", "_xlnm.auto_open", "auto_close")):
                doc.findings.append(Finding("OFF002", detail=f"nome {name} (avvio automatico)",
                                            location="xl/workbook.xml"))


def _sheet_names(doc: _Ooxml) -> dict[str, str]:
    wb = _read_xml(doc, "xl/workbook.xml")
    rels = _read_xml(doc, "xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in doc.names else None
    if wb is None or rels is None:
        return {}
    targets = {}
    for rel in rels.iter(PKG_REL):
        target = rel.get("Target") or ""
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id")] = path
    return {targets.get(s.get(R_ID), ""): s.get("name") or "" for s in wb.iter(f"{S}sheet")}


def _scan_sheet(doc: _Ooxml, part: str, sheet: str) -> None:
    """Formulas by cell, streamed: a sheet can be large."""
    raw = zipinspect.read_member(doc.data, part, MAX_PART)
    if raw is None:
        doc.findings.append(Finding("OFF011", detail="foglio non leggibile", location=part))
        return
    try:
        xmlguard.check(raw)
        cell = ""
        for event, el in DET.iterparse(io.BytesIO(raw), events=("start", "end"), forbid_dtd=True):
            if event == "start" and el.tag == f"{S}c":
                cell = el.get("r") or ""
            elif event == "end" and el.tag == f"{S}f":
                if doc.formulas.full("OFF009"):
                    doc.formulas.skip("OFF009")
                    continue
                formula = (el.text or "").strip()
                if not formula and el.get("t") == "shared":
                    formula = f"(formula condivisa {el.get('si', '')})"
                doc.formulas.add(Finding("OFF009", detail=f"={formula}"[:300] if not formula.startswith("(")
                                         else formula, location=f"{sheet}!{cell}"))
            elif event == "end" and el.tag == f"{S}c":
                el.clear()
            elif event == "end" and el.tag == f"{S}t":
                if el.text:
                    doc.link_text.append(el.text)
            elif event == "end" and el.tag == f"{S}hyperlink" and el.get(R_ID):
                doc.rid_where.setdefault((part, el.get(R_ID)), f"{sheet}!{el.get('ref') or ''}")
    except (DefusedXmlException, DET.ParseError, ValueError, LookupError) as exc:  # LookupError: unknown encoding
        doc.findings.append(Finding("OFF011", detail=f"{type(exc).__name__}: {exc}"[:200], location=part))


# ---- PowerPoint

def _check_presentation(doc: _Ooxml) -> None:
    for part in sorted(n for n in doc.names if re.match(r"^ppt/slides/slide\d+\.xml$", n)):
        root = _read_xml(doc, part)
        if root is None:
            continue
        for para in root.iter(f"{A}p"):
            line = "".join(t.text or "" for t in para.iter(f"{A}t"))
            doc.text.append(line)
            doc.link_text.append(line)
        # click/hover actions: ppaction://macro?name=… runs VBA, ppaction://program runs a file
        for el in root.iter():
            action = (el.get("action") or "").strip()
            if action.lower().startswith("ppaction://macro"):
                doc.findings.append(Finding("OFF001", detail=f"azione: {action}"[:300], location=part))
            elif action.lower().startswith(("ppaction://program", "ppaction://ole")):
                doc.findings.append(Finding("OFF008", detail=action[:300], location=part,
                                            args={"kind": "avvio di un programma"}))


CHECKS = [Check(name="office", formats={"doc", "docx", "docm", "xls", "xlsx", "xlsm", "xlsb", "ppt",
                                        "pptx", "pptm"},
                run=run, label_it="Office: macro, formule, collegamenti, oggetti",
                                label_en="Office: macros, formulas, links, objects")]
