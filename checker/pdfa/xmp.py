"""A small RDF/XMP reader: turns an XMP packet into typed property nodes.

lxml parses (no network, no entities); this module only maps the RDF syntax forms XMP
allows (attribute shorthand, rdf:parseType="Resource", nested rdf:Description,
rdf:value with qualifiers, rdf:Bag/Seq/Alt) onto one tree of Node values, so the
type checks in metadata.py read one shape whatever the serialisation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XML = "http://www.w3.org/XML/1998/namespace"
_RDF_SYNTAX_ATTRS = {f"{{{RDF}}}{a}" for a in ("about", "ID", "nodeID", "parseType",
                                                   "resource", "datatype", "bagID")}
MAX_NODES = 100_000


class XmpError(ValueError):
    """The packet is not well-formed XML or not valid XMP/RDF."""


@dataclass
class Node:
    ns: str
    local: str
    kind: str = "simple"            # simple | struct | array
    value: str = ""                 # simple
    array: str = ""                 # Bag | Seq | Alt
    items: list[Node] = field(default_factory=list)
    fields: list[Node] = field(default_factory=list)
    qualifiers: dict[tuple[str, str], str] = field(default_factory=dict)
    lang: str | None = None

    @property
    def qname(self) -> tuple[str, str]:
        return (self.ns, self.local)

    def field(self, ns: str, local: str) -> Node | None:
        for f in self.fields:
            if f.ns == ns and f.local == local:
                return f
        return None


@dataclass
class Packet:
    properties: list[Node]
    prefixes: dict[str, str]        # namespace URI -> a prefix used in the packet
    used_prefixes: dict[str, set[str]]  # namespace URI -> prefixes of elements/attributes in it
    # (namespace URI, local name) -> the prefixes it is written with (an attribute only when
    # one prefix is bound to its namespace: lxml does not keep an attribute's prefix)
    property_prefixes: dict[tuple[str, str], set[str]]
    header: str | None              # the <?xpacket begin=...?> data, if any

    def get(self, ns: str, local: str) -> Node | None:
        for p in self.properties:
            if p.ns == ns and p.local == local:
                return p
        return None

    def all(self, ns: str, local: str) -> list[Node]:
        return [p for p in self.properties if p.ns == ns and p.local == local]


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, local = tag[1:].split("}", 1)
        return ns, local
    return "", tag


_XPACKET_BEGIN = re.compile(rb"<\?xpacket\s[^?]*?begin=[^?]*\?>", re.S)


def parse(data: bytes) -> Packet:
    """Parse an XMP packet. Raises XmpError when it is not well-formed XMP."""
    header_m = _XPACKET_BEGIN.search(data[:4096])
    header = header_m.group(0).decode("utf-8", "replace") if header_m else None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             remove_comments=True, remove_pis=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise XmpError(f"XML non ben formato: {exc}") from None
    if root is None:
        raise XmpError("pacchetto XMP vuoto")
    rdfs = [root] if root.tag == f"{{{RDF}}}RDF" else list(root.iter(f"{{{RDF}}}RDF"))
    if not rdfs:
        raise XmpError("manca l'elemento rdf:RDF")
    prefixes: dict[str, str] = {}
    used: dict[str, set[str]] = {}
    written: dict[tuple[str, str], set[str]] = {}
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for prefix, uri in (el.nsmap or {}).items():
            if prefix and uri not in prefixes:
                prefixes[uri] = prefix
        if el.prefix:
            used.setdefault(_split(el.tag)[0], set()).add(el.prefix)
            written.setdefault(_split(el.tag), set()).add(el.prefix)
        for attr in el.attrib:
            ns, _ = _split(attr)
            if ns:
                bound = [prefix for prefix, uri in (el.nsmap or {}).items() if uri == ns and prefix]
                used.setdefault(ns, set()).update(bound)
                if len(bound) == 1:
                    written.setdefault(_split(attr), set()).add(bound[0])
    budget = [MAX_NODES]
    props: list[Node] = []
    for rdf in rdfs:
        for desc in rdf:
            if not isinstance(desc.tag, str):
                continue
            if desc.tag != f"{{{RDF}}}Description":
                raise XmpError(f"elemento inatteso in rdf:RDF: {desc.tag}")
            props.extend(_description_props(desc, budget))
    return Packet(properties=props, prefixes=prefixes, used_prefixes=used, property_prefixes=written,
                  header=header)


def _description_props(desc, budget) -> list[Node]:
    out = []
    for attr, value in desc.attrib.items():
        if attr in _RDF_SYNTAX_ATTRS or attr.startswith(f"{{{XML}}}"):
            continue
        ns, local = _split(attr)
        out.append(Node(ns, local, value=value))
    for child in desc:
        if isinstance(child.tag, str):
            out.append(_property(child, budget))
    return out


def _property(el, budget) -> Node:
    budget[0] -= 1
    if budget[0] < 0:
        raise XmpError("pacchetto XMP troppo grande")
    ns, local = _split(el.tag)
    node = Node(ns, local, lang=el.get(f"{{{XML}}}lang"))
    if node.lang is not None:
        node.qualifiers[(XML, "lang")] = node.lang
    resource = el.get(f"{{{RDF}}}resource")
    if resource is not None:
        node.value = resource
        return node
    children = [c for c in el if isinstance(c.tag, str)]
    if el.get(f"{{{RDF}}}parseType") == "Resource":
        node.kind = "struct"
        node.fields = [_property(c, budget) for c in children]
        _lift_value(node)
        return node
    plain_attrs = [(a, v) for a, v in el.attrib.items()
                   if a not in _RDF_SYNTAX_ATTRS and not a.startswith(f"{{{XML}}}")]
    if not children:
        if plain_attrs:
            node.kind = "struct"
            node.fields = [Node(*_split(a), value=v) for a, v in plain_attrs]
            _lift_value(node)
        else:
            node.value = el.text or ""
        return node
    if len(children) != 1:
        raise XmpError(f"proprietà {local} con più elementi figli")
    inner = children[0]
    ins, ilocal = _split(inner.tag)
    if ins == RDF and ilocal in ("Bag", "Seq", "Alt"):
        node.kind = "array"
        node.array = ilocal
        for li in inner:
            if not isinstance(li.tag, str):
                continue
            if li.tag != f"{{{RDF}}}li":
                raise XmpError(f"elemento {li.tag} in un array RDF")
            item = _property(li, budget)
            node.items.append(item)
        return node
    if ins == RDF and ilocal == "Description":
        node.kind = "struct"
        node.fields = _description_props(inner, budget)
        _lift_value(node)
        return node
    raise XmpError(f"proprietà {local}: contenuto RDF non riconosciuto ({inner.tag})")


def _lift_value(node: Node) -> None:
    """A struct holding rdf:value is a simple value with qualifiers."""
    value = node.field(RDF, "value")
    if value is None:
        return
    node.kind = value.kind
    node.value, node.array, node.items = value.value, value.array, value.items
    node.qualifiers.update({f.qname: f.value for f in node.fields if f is not value})
    node.fields = value.fields


def simple_text(node: Node | None) -> str | None:
    """The text of a simple property, the first item of an array, or x-default of Lang Alt."""
    if node is None:
        return None
    if node.kind == "simple":
        return node.value
    if node.kind == "array" and node.items:
        if node.array == "Alt":
            for item in node.items:
                if item.lang == "x-default":
                    return item.value
        return node.items[0].value if node.items[0].kind == "simple" else None
    return None
