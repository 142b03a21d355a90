"""XMP details the metadata family leaves: the packet's byte encoding (ISO 19005-2/3
6.6.2.1), the prefix the PDF/A identification properties are written with (ISO 19005-1
6.7.11, ISO 19005-2/3 6.6.4) and the value types named by extension schemas
(ISO 19005-1 6.7.8, ISO 19005-2/3 6.6.2.3.3).

Value types are judged as veraPDF's ValidatorsContainer does: case-insensitive, "Open/Closed
Choice of" and Bag/Seq/Alt prefixes dropped, against the XMP specification's types and the
types the packet's own extension schemas define (veraPDF 1.30's ValidatorsContainerCreator).

Imports: pikepdf besides its own modules.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

import pikepdf

from . import xmp, xmp_schemas as S
from .document import Budget, Document, get, read_stream
from .metadata import xmp_packet
from .model import Failure, Outcome, Rule
from .xmp import Node

MAX_METADATA_STREAMS = 1_000
ENCODING = Rule("6.6.2.1", 5)

# veraPDF's ValidatorsContainerCreator: simple and structure types of the XMP specification
_KNOWN_TYPES = frozenset({
    "boolean", "integer", "real", "mimetype", "propername", "text", "agentname", "rational",
    "renditionclass", "date", "lang alt", "uri", "url", "xpath", "gpscoordinate", "locale",
    "dimensions", "thumbnail", "resourceevent", "resourceref", "version", "job", "flash",
    "oecf/sfr", "cfapattern", "devicesettings",
})
_KNOWN_TYPES_2005 = _KNOWN_TYPES | {
    "colorant", "font", "beatsplicestretch", "marker", "media", "projectlink",
    "resamplestretch", "time", "timecode", "timescalestretch",
}
_ARRAYS = ("bag", "seq", "alt")
_CHOICE = re.compile(r"(open |closed )?(choice |choice$)(of )?")
# pdfaid property → veraPDF's test number of its prefix rule (part 1, parts 2 and 3)
_PREFIX_TESTS = {"part": (4, 4), "conformance": (5, 5), "amd": (6, 6), "corr": (None, 7)}


def check(doc: Document) -> Iterator[Outcome]:
    if doc.part >= 2:
        yield from _encodings(doc)
    _, packet, _ = xmp_packet(doc)
    if packet is None:
        return  # missing or not XMP: the metadata family reports it
    yield from _pdfaid_prefixes(doc, packet)
    yield from _value_types(doc, packet)


# --- encoding ---

def encoding(data: bytes) -> str:
    """The encoding the XMP toolkit reads a packet in, from its first bytes (Adobe XMP Core
    ByteBuffer.getEncoding, which veraPDF uses)."""
    if len(data) < 2:
        return "UTF-8"
    b0, b1 = data[0], data[1]
    if b0 == 0:
        if len(data) < 4 or b1 != 0:
            return "UTF-16BE"
        return "UTF-32BE" if data[2:4] == b"\xfe\xff" else "UTF-32"
    if b0 < 0x80:
        if b1 != 0:
            return "UTF-8"
        return "UTF-16LE" if len(data) < 4 or data[2] != 0 else "UTF-32LE"
    if b0 == 0xEF:
        return "UTF-8"
    if b0 == 0xFE or len(data) < 4 or data[2] != 0:
        return "UTF-16"
    return "UTF-32"


def _encodings(doc: Document) -> Iterator[Outcome]:
    """Every metadata stream (the catalog's and those of pages, images, fonts ...)."""
    streams = [get(doc.root, "/Metadata")]
    for obj in doc.dicts_with("/Metadata"):
        streams.append(get(obj, "/Metadata"))
    seen: set = set()
    for stream in streams:
        if not isinstance(stream, pikepdf.Stream) or stream.objgen in seen:
            continue
        seen.add(stream.objgen)
        if len(seen) > MAX_METADATA_STREAMS:
            raise Budget(f"more than {MAX_METADATA_STREAMS} metadata streams")
        data = read_stream(stream, limit=16 << 20)
        if data is None:
            yield doc.undecided(ENCODING, "flusso di metadati non decodificabile")
            continue
        found = encoding(data[:4])
        if found != "UTF-8":
            yield doc.fail(ENCODING, f"il pacchetto XMP è codificato in {found} invece che in UTF-8",
                          "metadati")
            return


# --- identification prefixes ---

def _pdfaid_prefixes(doc: Document, packet: xmp.Packet) -> Iterator[Outcome]:
    for prop, tests in _PREFIX_TESTS.items():
        test = tests[0] if doc.part == 1 else tests[1]
        wrong = packet.property_prefixes.get((S.NS_PDFAID, prop), set()) - {"pdfaid"}
        if test is not None and wrong:
            yield Failure(doc.part, doc.rules.identification_clause, test,
                          f"la proprietà {prop} dell'identificazione PDF/A usa il prefisso "
                          f"«{sorted(wrong)[0]}» invece di «pdfaid»", "metadati")


# --- extension value types ---

def _value_types(doc: Document, packet: xmp.Packet) -> Iterator[Outcome]:
    schemas = [schema for container in packet.all(S.NS_PDFA_EXTENSION, "schemas")
               if container.kind == "array" for schema in container.items]
    known = set(_KNOWN_TYPES if doc.part == 1 else _KNOWN_TYPES_2005)
    for schema in schemas:
        for vt in _items(_last_field(schema, S.NS_PDFA_SCHEMA, "valueType")):
            defined = _defined_type(vt)
            if defined:
                known.add(_simplified(defined))
    property_test, field_test = doc.rules.extension_type_tests
    clause = doc.rules.extension_clause
    reported = set()
    for schema in schemas:
        for prop in _items(schema.field(S.NS_PDFA_SCHEMA, "property")):
            vtype = _simple(prop.field(S.NS_PDFA_PROPERTY, "valueType"))
            if vtype is not None and not _is_known(vtype, known) and property_test not in reported:
                reported.add(property_test)
                yield Failure(doc.part, clause, property_test,
                              f"il tipo «{vtype}» di una proprietà di estensione non è definito", "metadati")
        for vt in _items(schema.field(S.NS_PDFA_SCHEMA, "valueType")):
            for fld in _items(vt.field(S.NS_PDFA_TYPE, "field")):
                vtype = _simple(fld.field(S.NS_PDFA_FIELD, "valueType"))
                if vtype is not None and not _is_known(vtype, known) and field_test not in reported:
                    reported.add(field_test)
                    yield Failure(doc.part, clause, field_test,
                                  f"il tipo «{vtype}» di un campo di estensione non è definito", "metadati")


def _items(node: Node | None) -> list[Node]:
    return node.items if node is not None and node.kind == "array" else []


def _last_field(node: Node, ns: str, local: str) -> Node | None:
    """The last field of that name (veraPDF registers the types of the last valueType)."""
    found = [f for f in node.fields if f.ns == ns and f.local == local]
    return found[-1] if found else None


def _simple(node: Node | None) -> str | None:
    return node.value if node is not None and node.kind == "simple" else None


def _defined_type(vt: Node) -> str | None:
    """The name of a value type an extension schema defines, when veraPDF 1.30 registers it:
    any named type without fields (then a Text), a structure when it also has a namespace."""
    name = _simple(vt.field(S.NS_PDFA_TYPE, "type"))
    namespace = _simple(vt.field(S.NS_PDFA_TYPE, "namespaceURI"))
    fields = [f for f in _items(vt.field(S.NS_PDFA_TYPE, "field"))
              if _simple(f.field(S.NS_PDFA_FIELD, "name")) is not None
              and _simple(f.field(S.NS_PDFA_FIELD, "valueType")) is not None]
    return name if name is not None and (not fields or namespace is not None) else None


def _simplified(vtype: str) -> str:
    res = _CHOICE.sub("", vtype.lower()).strip()
    if not res:
        return "text"
    if res.endswith("lang alt"):
        return res
    if res.endswith(_ARRAYS):
        res += " text"
    return res


def _is_known(vtype: str, known: set[str]) -> bool:
    res = _simplified(vtype)
    stripped = True
    while stripped:
        stripped = False
        for array in _ARRAYS:
            if res.startswith(array + " "):
                res, stripped = res[len(array) + 1:], True
                break
    return res in known
