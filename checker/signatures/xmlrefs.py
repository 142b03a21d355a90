"""XML signature wrapping: do the references of a ds:Signature resolve to exactly the
elements it signs? (XML Signature Best Practices, "signature wrapping"; ETSI EN 319 132-1.)

A verifier that finds references by Id, and a reader that looks elsewhere, can be shown
different elements: a second element with the signed Id, a fake ds:Object or
xades:SignedProperties beside the signed one, the signed one moved where nobody reads it.
The signature stays cryptographically valid, so this is decided before, and apart from,
the cryptography:
- every same-document reference (#id, #xpointer(id('id'))) names exactly one element in
  the document (Id, ID, id or xml:id attributes, whatever their namespace);
- the reference of Type SignedProperties resolves to the xades:SignedProperties inside
  this signature's own ds:Object/xades:QualifyingProperties, and that is the only
  SignedProperties and the only QualifyingProperties of the signature;
- where it signs elements by Id, every ds:Object of its own (but the qualifying
  properties) is signed whole.
The SignedProperties this returns is the one whose signing time and signing certificate
count; nothing is read from any other.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree

DS = "http://www.w3.org/2000/09/xmldsig#"
XADES_NS = ("http://uri.etsi.org/01903/v1.3.2#", "http://uri.etsi.org/01903/v1.4.1#")
SIGNED_PROPERTIES_TYPE = "http://uri.etsi.org/01903#SignedProperties"
_ID_ATTRS = {"Id", "ID", "id"}
_XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
_XPOINTER_ID = re.compile(r"""^xpointer\(id\(['"]([^'"]+)['"]\)\)$""")


@dataclass
class References:
    problem: str | None                     # a wrapping, in Italian; None when all is well
    missing: str | None                     # a reference to an Id found nowhere
    signed_properties: etree._Element | None  # the signed one, when there is one


def local_name(tag: object) -> str:
    return tag.split("}", 1)[-1] if isinstance(tag, str) else ""


def _ids(root: etree._Element) -> dict[str, list[etree._Element]]:
    found: dict[str, list[etree._Element]] = {}
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            if name == _XML_ID or local_name(name) in _ID_ATTRS:
                found.setdefault(str(value), []).append(el)
    return found


def owned_by(sig: etree._Element, el: etree._Element) -> bool:
    """`el` belongs to `sig`, not to a signature nested in it (a counter-signature)."""
    parent = el.getparent()
    while parent is not None:
        if parent.tag == f"{{{DS}}}Signature":
            return parent is sig
        parent = parent.getparent()
    return False


def _own_xades(sig: etree._Element, name: str) -> list[etree._Element]:
    return [el for ns in XADES_NS for el in sig.iter(f"{{{ns}}}{name}") if owned_by(sig, el)]


def check(root: etree._Element, sig: etree._Element) -> References:
    ids = _ids(root)
    targets: list[etree._Element] = []
    signed_properties: etree._Element | None = None
    for ref in sig.iterfind(f"{{{DS}}}SignedInfo/{{{DS}}}Reference"):
        uri = ref.get("URI")
        if not uri or not uri.startswith("#"):
            continue            # whole document, or external (refused by the verifier)
        ident = uri[1:]
        match = _XPOINTER_ID.match(ident)
        if match:
            ident = match.group(1)
        elif ident.startswith("xpointer("):
            continue
        found = ids.get(ident, [])
        if not found:
            return References(None, ident, None)
        if len(found) > 1:
            return References(f"l'identificativo firmato \"{ident}\" compare {len(found)} volte nel documento",
                              None, None)
        if ref.get("Type") == SIGNED_PROPERTIES_TYPE:
            signed_properties = found[0]
        else:
            targets.append(found[0])
    problem = _properties_problem(sig, signed_properties) or _unsigned_object(sig, targets)
    return References(problem, None, None if problem else signed_properties)


def _properties_problem(sig: etree._Element, signed: etree._Element | None) -> str | None:
    own_properties = _own_xades(sig, "SignedProperties")
    qualifying = _own_xades(sig, "QualifyingProperties")
    if signed is None:
        return "proprietà XAdES presenti ma non firmate" if own_properties else None
    if local_name(signed.tag) != "SignedProperties" or signed.tag.split("}")[0][1:] not in XADES_NS:
        return f"il riferimento alle proprietà firmate punta a un elemento {local_name(signed.tag)}"
    holder = signed.getparent()
    obj = holder.getparent() if holder is not None else None
    if (holder is None or local_name(holder.tag) != "QualifyingProperties" or obj is None
            or obj.tag != f"{{{DS}}}Object" or obj.getparent() is not sig):
        return "le proprietà firmate non sono quelle della firma (SignedProperties fuori posto)"
    if len(own_properties) != 1 or len(qualifying) != 1:
        return "la firma contiene altre proprietà XAdES oltre a quelle firmate"
    target = qualifying[0].get("Target")
    sig_id = sig.get("Id")
    if target and sig_id and target.lstrip("#") != sig_id:
        return f"le proprietà XAdES dichiarano di appartenere a un'altra firma ({target})"
    return None


def _unsigned_object(sig: etree._Element, targets: list[etree._Element]) -> str | None:
    """Where the signature signs elements by Id (not the whole document), every ds:Object
    of its own but the qualifying properties must be signed whole: a signed element, or
    an Object that holds nothing but one. Anything else beside them is a decoy."""
    if not targets:
        return None
    for obj in sig.iterfind(f"{{{DS}}}Object"):
        if any(local_name(child.tag) == "QualifyingProperties" for child in obj):
            continue
        if any(_holds_only(obj, t) for t in targets):
            continue
        if len(obj) or (obj.text or "").strip():
            return "la firma contiene un oggetto (ds:Object) non firmato"
    return None


def _holds_only(outer: etree._Element, target: etree._Element) -> bool:
    """`target` is `outer`, or sits in it with nothing beside it at any level."""
    el = target
    while el is not outer:
        parent = el.getparent()
        if parent is None:
            return False
        if len(parent) != 1 or (parent.text or "").strip() or (el.tail or "").strip():
            return False
        el = parent
    return True


def countersigns(root: etree._Element, counter: etree._Element, parent: etree._Element) -> bool:
    """A counter-signature (ETSI EN 319 132-1 5.2.7) has a reference that resolves to exactly
    its parent signature's own ds:SignatureValue; whether the digest matches is the
    cryptographic check's."""
    value = parent.find(f"{{{DS}}}SignatureValue")
    if value is None:
        return False
    ids = _ids(root)
    for ref in counter.iterfind(f"{{{DS}}}SignedInfo/{{{DS}}}Reference"):
        uri = ref.get("URI") or ""
        if not uri.startswith("#"):
            continue
        match = _XPOINTER_ID.match(uri[1:])
        found = ids.get(match.group(1) if match else uri[1:], [])
        if len(found) == 1 and found[0] is value:
            return True
    return False
