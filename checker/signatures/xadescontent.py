"""XAdES content timestamps: xades:AllDataObjectsTimeStamp and
xades:IndividualDataObjectsTimeStamp, signed properties made *before* the signature
(ETSI EN 319 132-1 5.2.8).

The token's message imprint is computed over the concatenation, in the order of
ds:SignedInfo, of the referenced data objects: every ds:Reference but the one to the
SignedProperties (AllDataObjectsTimeStamp), or the ones its xades:Include elements name
(IndividualDataObjectsTimeStamp). Each is the result of XMLDSig reference processing (the
octets the verifier digested and found matching) and, when that result is an XML node-set
(no canonicalisation transform closes the reference), it is canonicalised with the
timestamp's ds:CanonicalizationMethod (inclusive C14N 1.0 when absent).

A valid token proves the signature was made after its time: the latest such time goes to
outofbounds (a signer certificate expired before it → FAILED / EXPIRED). A token that does
not stamp the signed data, or does not validate, proves nothing and is its own finding
(SIG015); it never counts.
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from asn1crypto import cms

from ..model import Finding, Indication
from . import timestamps, xadests, xmlrefs

if TYPE_CHECKING:
    from lxml import etree

DS = xmlrefs.DS
MAX_TIMESTAMPS = 5
_KINDS = ("AllDataObjectsTimeStamp", "IndividualDataObjectsTimeStamp")
_C14N_PREFIXES = ("http://www.w3.org/TR/2001/REC-xml-c14n", "http://www.w3.org/2006/12/xml-c14n11",
                  "http://www.w3.org/2001/10/xml-exc-c14n#")
_BASE64 = "http://www.w3.org/2000/09/xmldsig#base64"


@dataclass
class Referenced:
    """One ds:Reference of SignedInfo and what its processing gave the verifier."""
    reference: etree._Element
    octets: bytes                        # the digested octets
    xml: etree._Element | None           # the same, parsed, when it is XML


def _node_set(reference: etree._Element, xml: etree._Element | None) -> bool:
    """Whether the reference's processing ends in an XML node-set (not octets)."""
    if xml is None:
        return False
    transforms = reference.findall(f"{{{DS}}}Transforms/{{{DS}}}Transform")
    last = (transforms[-1].get("Algorithm") or "") if transforms else ""
    return not (last.startswith(_C14N_PREFIXES) or last == _BASE64)


def _covered(stamp: etree._Element, refs: list[Referenced]) -> list[Referenced] | str:
    """The references this timestamp covers, or why they cannot be told."""
    if xmlrefs.local_name(stamp.tag) == "AllDataObjectsTimeStamp":
        return [r for r in refs if r.reference.get("Type") != xmlrefs.SIGNED_PROPERTIES_TYPE]
    includes = [el for el in stamp if xmlrefs.local_name(el.tag) == "Include"]
    if not includes:
        return "marca sui singoli oggetti senza xades:Include"
    chosen: list[Referenced] = []
    for include in includes:
        if (include.get("referencedData") or "true").strip() not in ("true", "1"):
            return "xades:Include con referencedData diverso da true"
        ident = (include.get("URI") or "").removeprefix("#")
        found = [r for r in refs if r.reference.get("Id") == ident]
        if not ident or not found:
            return f"xades:Include nomina un riferimento che non c'è: {include.get('URI')}"[:200]
        chosen.append(found[0])
    return [r for r in refs if any(r is c for c in chosen)]   # in SignedInfo order


def message_input(stamp: etree._Element, refs: list[Referenced]) -> bytes | str:
    """The octets the content timestamp should stamp, or why they cannot be computed."""
    covered = _covered(stamp, refs)
    if isinstance(covered, str):
        return covered
    if not covered:
        return "nessun oggetto firmato da marcare"
    method = stamp.find(f"{{{DS}}}CanonicalizationMethod")
    algorithm = method.get("Algorithm") if method is not None else None
    return b"".join(xadests.canonical(r.xml, algorithm) if r.xml is not None and _node_set(r.reference, r.xml)
                    else r.octets for r in covered)


def content_timestamps(signed_properties: etree._Element | None, refs: list[Referenced] | None,
                       settings: dict[str, Any], details: dict[str, Any]
                       ) -> tuple[datetime | None, list[Finding]]:
    """(latest time proven by a valid content timestamp or None, findings for the invalid
    ones). `refs` is None when the verifier gave no per-reference data (python-xmlsec):
    the timestamps are then left unchecked, and say so."""
    if signed_properties is None:
        return None, []
    stamps = [el for ns in xmlrefs.XADES_NS for kind in _KINDS
              for el in signed_properties.iter(f"{{{ns}}}{kind}")][:MAX_TIMESTAMPS]
    if not stamps:
        return None, []
    if refs is None:
        details["content_timestamp_unchecked"] = "dati firmati non disponibili dal verificatore XML"
        return None, []
    proven: list[datetime] = []
    findings: list[Finding] = []
    for stamp in stamps:
        reason = _check(stamp, refs, settings, proven)
        if reason:
            details["content_timestamp_invalid"] = reason
            findings.append(Finding("SIG015", args={"reason": reason}))
    if proven:
        details["content_timestamp"] = max(proven).isoformat()
    return (max(proven) if proven else None), findings


def _check(stamp: etree._Element, refs: list[Referenced], settings: dict[str, Any],
           proven: list[datetime]) -> str | None:
    """None when the token is valid over the signed data (its time added to `proven`),
    else why not, in Italian."""
    label = f"marca sul contenuto ({xmlrefs.local_name(stamp.tag)})"
    encapsulated = [el for el in stamp if xmlrefs.local_name(el.tag) == "EncapsulatedTimeStamp"]
    if not encapsulated:
        return f"{label}: nessun token RFC 3161"
    try:
        token = cms.ContentInfo.load(base64.b64decode("".join((encapsulated[0].text or "").split())))
        token["content"]["encap_content_info"]["content"].parsed.native  # noqa: B018 - parse now
    except (binascii.Error, ValueError, TypeError, KeyError) as exc:
        return f"{label} illeggibile ({exc})"[:200]
    stamped = message_input(stamp, refs)
    if isinstance(stamped, str):
        return f"{label}: {stamped}"[:200]
    checked = timestamps.validate_token(token, stamped, settings)
    if checked.info.indication is Indication.PASSED and checked.info.signing_time:
        proven.append(datetime.fromisoformat(checked.info.signing_time))
        return None
    broken = [f for f in checked.findings if f.code == "SIG015"]
    why = str(broken[0].args.get("reason")) if broken else str(checked.info.sub_indication or "non valida")
    if why == "l'impronta non corrisponde al documento":
        why = "l'impronta non corrisponde ai dati firmati"
    return f"{label}: {why}"[:200]
