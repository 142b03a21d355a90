"""Metadata: XMP packet, predefined and extension schemas, value types, Info ↔ XMP,
PDF/A identification (ISO 19005-1 6.7; ISO 19005-2/3 6.6)."""
from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

import pikepdf

from . import xmp, xmp_schemas as S
from .document import Document, get, is_dict, read_stream
from .model import Failure, Outcome
from .xmp import Node

_SIMPLE_RES = {
    "Boolean": re.compile(r"^(True|False)$"),
    "Integer": re.compile(r"^[+-]?\d+$"),
    "Real": re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$"),
    "Rational": re.compile(r"^[+-]?\d+/[+-]?\d+$"),
    "GPSCoordinate": re.compile(r"^\d{1,3},\d{1,2}(,\d{1,2}|\.\d+)[NSEW]$"),
    "Date": re.compile(r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?"
                       r"(Z|[+-]\d{2}:\d{2})?)?)?)?$"),
}
_TEXT_TYPES = {"Text", "URI", "URL", "MIMEType", "Locale", "ProperName", "AgentName",
               "RenditionClass", "GUID", "XPath", "Part", "FrameRate", "FrameCount"}
_ARRAYS = ("Bag", "Seq", "Alt")


def xmp_packet(doc: Document):
    """(catalog metadata stream, parsed Packet or None, error text or None)."""
    stream = get(doc.root, "/Metadata")
    if not isinstance(stream, pikepdf.Stream):
        return stream, None, None
    data = read_stream(stream, limit=16 << 20)
    if data is None:
        return stream, None, "flusso dei metadati non decodificabile"
    try:
        return stream, xmp.parse(data), None
    except xmp.XmpError as exc:
        return stream, None, str(exc)


def check(doc: Document) -> Iterator[Outcome]:
    p = doc.part
    stream, packet, error = xmp_packet(doc)
    if not isinstance(stream, pikepdf.Stream):
        yield doc.fail(doc.rules.metadata_missing,
                       "il catalogo del documento non contiene il flusso di metadati XMP")
        return
    if p == 1 and get(stream, "/Filter") is not None:
        yield Failure(1, "6.7.2", 2, "il flusso dei metadati XMP è compresso (chiave /Filter)")
    if error or packet is None:
        yield doc.fail(doc.rules.xmp_invalid, f"metadati XMP non validi: {error}")
        return
    yield from _header(doc, packet)
    yield from _identification(doc, packet)
    extension_props, extension_types = yield from _extensions(doc, packet)
    yield from _properties(doc, packet, extension_props, extension_types)
    if p == 1:
        yield from _info_agreement(doc, packet)


def _header(doc: Document, packet: xmp.Packet) -> Iterator[Outcome]:
    header = packet.header
    if header is None:
        return
    if re.search(r"\sbytes\s*=", header):
        yield doc.fail(doc.rules.xmp_header_bytes, "l'intestazione del pacchetto XMP usa l'attributo «bytes»")
    if re.search(r"\sencoding\s*=", header):
        yield doc.fail(doc.rules.xmp_header_encoding,
                       "l'intestazione del pacchetto XMP usa l'attributo «encoding»")


def _identification(doc: Document, packet: xmp.Packet) -> Iterator[Outcome]:
    clause = doc.rules.identification_clause
    parts = packet.all(S.NS_PDFAID, "part")
    levels = packet.all(S.NS_PDFAID, "conformance")
    if not parts:
        yield Failure(doc.part, clause, 1, "manca l'identificazione PDF/A (pdfaid:part) nei metadati")
        return
    part = xmp.simple_text(parts[0]) or ""
    if part.strip() != str(doc.part):
        yield Failure(doc.part, clause, 2,
                      f"pdfaid:part vale «{part}», ma il documento è validato come PDF/A-{doc.part}")
    level = (xmp.simple_text(levels[0]) if levels else None) or ""
    # a file may claim a higher level than the one it is validated against (veraPDF's test 3)
    allowed = doc.rules.conformance_levels[doc.flavour.level]
    if level not in allowed:
        yield Failure(doc.part, clause, 3,
                      f"pdfaid:conformance vale «{level}»: sono ammessi solo {', '.join(allowed)}")


# --- extension schemas (ISO 19005-1 6.7.8, ISO 19005-2 6.6.2.3.2/6.6.2.3.3) ---

_SCHEMA_FIELDS = {"schema": "Text", "namespaceURI": "URI", "prefix": "Text",
                  "property": "Seq", "valueType": "Seq"}
_PROPERTY_FIELDS = {"name": "Text", "valueType": "Text", "category": "Text", "description": "Text"}
_TYPE_FIELDS = {"type": "Text", "namespaceURI": "URI", "prefix": "Text", "description": "Text",
                "field": "Seq"}
_FIELD_FIELDS = {"name": "Text", "valueType": "Text", "description": "Text"}


def _extensions(doc: Document, packet: xmp.Packet):
    """Check the extension schema container; return (defined properties, defined types)."""
    props: dict[tuple[str, str], str] = {}
    types: set[str] = set()
    clause = doc.rules.extension_clause
    for uri, prefix in S.EXTENSION_PREFIXES.items():
        wrong = packet.used_prefixes.get(uri, set()) - {prefix}
        if wrong:
            first_field = {S.NS_PDFA_EXTENSION: 2, S.NS_PDFA_SCHEMA: 3, S.NS_PDFA_PROPERTY: 8,
                           S.NS_PDFA_TYPE: 12, S.NS_PDFA_FIELD: 17}[uri]
            yield Failure(doc.part, clause, _ext_test(doc.part, first_field), f"lo schema {uri} usa il prefisso "
                          f"«{sorted(wrong)[0]}» invece di «{prefix}»")
    for container in packet.all(S.NS_PDFA_EXTENSION, "schemas"):
        if container.kind != "array" or container.array != "Bag":
            yield Failure(doc.part, clause, _ext_test(doc.part, 2), "pdfaExtension:schemas deve essere un rdf:Bag")
            continue
        for schema in container.items:
            problem = _struct_problem(schema, S.NS_PDFA_SCHEMA, _SCHEMA_FIELDS,
                                      required=("schema", "namespaceURI", "prefix"))
            if problem:
                yield _ext_failure(doc.part, S.NS_PDFA_SCHEMA, problem, "schema di estensione")
                continue
            uri = xmp.simple_text(schema.field(S.NS_PDFA_SCHEMA, "namespaceURI")) or ""
            for vt in _seq(schema.field(S.NS_PDFA_SCHEMA, "valueType")):
                problem = _struct_problem(vt, S.NS_PDFA_TYPE, _TYPE_FIELDS,
                                          required=("type", "namespaceURI", "prefix", "description"))
                if problem:
                    yield _ext_failure(doc.part, S.NS_PDFA_TYPE, problem, "tipo di valore di estensione")
                    continue
                types.add(xmp.simple_text(vt.field(S.NS_PDFA_TYPE, "type")) or "")
                for fld in _seq(vt.field(S.NS_PDFA_TYPE, "field")):
                    problem = _struct_problem(fld, S.NS_PDFA_FIELD, _FIELD_FIELDS,
                                              required=("name", "valueType", "description"))
                    if problem:
                        yield _ext_failure(doc.part, S.NS_PDFA_FIELD, problem,
                                           "campo di un tipo di estensione")
            for prop in _seq(schema.field(S.NS_PDFA_SCHEMA, "property")):
                problem = _struct_problem(prop, S.NS_PDFA_PROPERTY, _PROPERTY_FIELDS,
                                          required=("name", "valueType", "category", "description"))
                if problem:
                    yield _ext_failure(doc.part, S.NS_PDFA_PROPERTY, problem, "proprietà di estensione")
                    continue
                category = xmp.simple_text(prop.field(S.NS_PDFA_PROPERTY, "category"))
                if category not in ("internal", "external"):
                    yield Failure(doc.part, clause, _ext_test(doc.part, 10),
                                  f"la categoria di una proprietà di estensione vale «{category}»"
                                  " (ammessi: internal, external)")
                pname = xmp.simple_text(prop.field(S.NS_PDFA_PROPERTY, "name")) or ""
                props[(uri, pname)] = xmp.simple_text(prop.field(S.NS_PDFA_PROPERTY, "valueType")) or ""
    return props, types


# veraPDF's test numbers of ISO 19005-1 6.7.8 per extension-schema field; ISO 19005-2/3
# 6.6.2.3.3 numbers the same tests one lower (its test 1 of 6.7.8 is 6.6.2.3.2-1)
_EXT_FIELD_TESTS = {
    S.NS_PDFA_SCHEMA: {"schema": 3, "namespaceURI": 4, "prefix": 5, "property": 6, "valueType": 7},
    S.NS_PDFA_PROPERTY: {"name": 8, "valueType": 9, "category": 10, "description": 11},
    S.NS_PDFA_TYPE: {"type": 12, "namespaceURI": 13, "prefix": 14, "description": 15, "field": 16},
    S.NS_PDFA_FIELD: {"name": 17, "valueType": 18, "description": 19},
}


def _ext_test(part: int, test_in_part1: int) -> int:
    return test_in_part1 if part == 1 else test_in_part1 - 1


def _ext_failure(part: int, ns: str, problem: tuple[str, str], what: str) -> Failure:
    """A field-specific failure, or the "undefined field" rule (6.7.8-1 / 6.6.2.3.2-1)."""
    local, text = problem
    test = _EXT_FIELD_TESTS[ns].get(local)
    if test is None:
        return Failure(part, "6.7.8" if part == 1 else "6.6.2.3.2", 1, f"{what}: {text}")
    return Failure(part, "6.7.8" if part == 1 else "6.6.2.3.3", _ext_test(part, test), f"{what}: {text}")


def _seq(node: Node | None) -> list[Node]:
    if node is None or node.kind != "array":
        return []
    return node.items


def _struct_problem(node: Node, ns: str, fields: dict[str, str],
                    required: tuple[str, ...]) -> tuple[str, str] | None:
    """(field at fault, what is wrong) or None; an undefined field is named "" ."""
    if node.kind != "struct":
        return "", "non è una struttura"
    present = set()
    for f in node.fields:
        if f.ns != ns:
            return "", f"il campo {f.local} usa lo spazio dei nomi {f.ns!r} invece di {ns!r}"
        expected = fields.get(f.local)
        if expected is None:
            return "", f"campo non previsto {f.local}"
        if expected == "Seq":
            if f.kind != "array" or f.array != "Seq":
                return f.local, f"il campo {f.local} deve essere un rdf:Seq"
        elif f.kind != "simple":
            return f.local, f"il campo {f.local} deve essere un testo semplice"
        present.add(f.local)
    missing = [r for r in required if r not in present]
    if missing:
        return missing[0], f"mancano i campi {', '.join(missing)}"
    return None


# --- properties and value types (ISO 19005-1 6.7.9; ISO 19005-2 6.6.2.3.1) ---

def _properties(doc: Document, packet: xmp.Packet, ext_props, ext_types) -> Iterator[Outcome]:
    schemas = S.predefined(doc.part)
    clause = doc.rules.properties_clause
    for prop in packet.properties:
        if prop.ns in S.EXTENSION_NAMESPACES:
            continue
        label = f"{packet.prefixes.get(prop.ns, prop.ns)}:{prop.local}"
        vtype = schemas.get(prop.ns, {}).get(prop.local)
        if vtype is None:
            vtype = ext_props.get((prop.ns, prop.local))
            if vtype is None:
                yield Failure(doc.part, clause, doc.rules.undefined_property_test,
                              f"la proprietà {label} non appartiene a uno schema predefinito "
                              "e non è descritta da uno schema di estensione")
                continue
        problem = _type_problem(prop, vtype, ext_types, depth=0)
        if problem:
            yield Failure(doc.part, clause, doc.rules.invalid_property_value_test,
                          f"la proprietà {label} ha un valore non valido: {problem}")


def _normalise(vtype: str) -> str:
    vtype = " ".join(vtype.split())
    for prefix in ("Closed Choice of ", "Open Choice of ", "closed choice of ", "open choice of "):
        if vtype.startswith(prefix):
            return vtype[len(prefix):]
    return vtype


def _type_problem(node: Node, vtype: str, ext_types: set[str], depth: int) -> str:
    if depth > 20:
        return ""
    vtype = _normalise(vtype)
    if vtype.lower() == "lang alt":
        if node.kind != "array" or node.array != "Alt":
            return "atteso un rdf:Alt con lingue (Lang Alt)"
        if any(item.kind != "simple" or item.lang is None for item in node.items):
            return "ogni voce di un Lang Alt deve avere xml:lang"
        return ""
    head, _, rest = vtype.partition(" ")
    if head.capitalize() in _ARRAYS and rest:
        if node.kind != "array" or node.array != head.capitalize():
            return f"atteso un rdf:{head.capitalize()}"
        for item in node.items:
            problem = _type_problem(item, rest, ext_types, depth + 1)
            if problem:
                return problem
        return ""
    if vtype in _SIMPLE_RES:
        if node.kind != "simple":
            return f"atteso un valore semplice di tipo {vtype}"
        if not _SIMPLE_RES[vtype].match(node.value.strip() if vtype != "Date" else node.value):
            return f"«{node.value[:60]}» non è di tipo {vtype}"
        return ""
    if vtype in _TEXT_TYPES:
        if node.kind != "simple":
            return f"atteso un valore semplice di tipo {vtype}"
        return ""
    if vtype in S.STRUCTS:
        ns, fields = S.STRUCTS[vtype]
        if node.kind != "struct":
            return f"attesa una struttura {vtype}"
        for f in node.fields:
            ftype = fields.get(f.local) if f.ns == ns else None
            if ftype is None:
                return f"campo {f.local} non previsto nella struttura {vtype}"
            problem = _type_problem(f, ftype, ext_types, depth + 1)
            if problem:
                return problem
        return ""
    return ""  # a type defined by an extension schema, or one we do not know: not judged


# --- Info dictionary ↔ XMP (ISO 19005-1 6.7.3) ---

# (Info key, XMP namespace, property, test number as veraPDF numbers ISO 19005-1 6.7.3)
_INFO_MAP = (
    ("/CreationDate", S.NS_XMP, "CreateDate", 1), ("/Title", S.NS_DC, "title", 2),
    ("/Author", S.NS_DC, "creator", 3), ("/Subject", S.NS_DC, "description", 4),
    ("/Keywords", S.NS_PDF, "Keywords", 5), ("/Creator", S.NS_XMP, "CreatorTool", 6),
    ("/Producer", S.NS_PDF, "Producer", 7), ("/ModDate", S.NS_XMP, "ModifyDate", 8),
)


def _info_agreement(doc: Document, packet: xmp.Packet) -> Iterator[Outcome]:
    info = get(doc.trailer, "/Info")
    if not is_dict(info):
        return
    for key, ns, local, test in _INFO_MAP:
        value = get(info, key)
        if value is None:
            continue
        node = packet.get(ns, local)
        if key in ("/CreationDate", "/ModDate"):
            ok = node is not None and _same_date(str(value), xmp.simple_text(node) or "")
        else:
            text = str(value)
            if node is None:
                ok = not text.strip()  # an empty Info entry has nothing to disagree with
            elif local == "creator":
                ok = node.kind == "array" and len(node.items) == 1 and node.items[0].value == text
            else:
                ok = xmp.simple_text(node) == text
        if not ok:
            yield Failure(1, "6.7.3", test,
                          f"la voce {key[1:]} del dizionario Info non corrisponde ai metadati XMP"
                          f" ({'assente' if node is None else 'valore diverso'})")


_PDF_DATE = re.compile(r"^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+\-])?(\d{2})?'?(\d{2})?'?")
_XMP_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
                       r"(Z|[+-]\d{2}:\d{2})?$")


_DATE_DEFAULTS = ("", "01", "01", "00", "00", "00")  # year .. second, when a date leaves them out


def _offset(sign: str | None, hh: str | None, mm: str | None) -> int | None:
    """Minutes east of UTC; None when the date has no time zone."""
    if sign is None:
        return None
    if sign in "Zz":
        return 0
    minutes = int(hh or 0) * 60 + int(mm or 0)
    return -minutes if sign == "-" else minutes


def _instant(fields: list[str]) -> datetime.datetime:
    year, month, day, hour, minute, second = (int(f) for f in fields)
    return datetime.datetime(year, month, day, hour, minute, second)


def _same_date(pdf_date: str, xmp_date: str) -> bool:
    """ISO 19005-1 6.7.3: the Info date and the XMP date are equivalent, i.e. the same instant
    when both carry a time zone (D:...+01'00' and ...Z an hour earlier agree)."""
    m, n = _PDF_DATE.match(pdf_date.strip()), _XMP_DATE.match(xmp_date.strip())
    if not m or not n:
        return False
    a = [m.group(i) or d for i, d in enumerate(_DATE_DEFAULTS, start=1)]
    b = [n.group(i) or d for i, d in enumerate(_DATE_DEFAULTS, start=1)]
    pdf_off = _offset(m.group(7), m.group(8), m.group(9))
    tz = n.group(7)
    xmp_off = None if tz is None else _offset(tz[0], tz[1:3], tz[4:6]) if tz != "Z" else 0
    if pdf_off is None or xmp_off is None:
        # a date without time zone on either side is compared by its local fields only
        return a == b
    try:
        at = _instant(a) - datetime.timedelta(minutes=pdf_off)
        bt = _instant(b) - datetime.timedelta(minutes=xmp_off)
    except (ValueError, OverflowError):
        return a == b and pdf_off == xmp_off
    return at == bt
