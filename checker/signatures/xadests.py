"""XAdES-T: the xades:SignatureTimeStamp of a signature as its proof of existence.

The token (xades:EncapsulatedTimeStamp, RFC 3161) stamps the canonicalised
ds:SignatureValue element (ETSI EN 319 132-1 5.3; canonicalisation named by the
ds:CanonicalizationMethod beside it, inclusive C14N 1.0 when absent). Each token is
validated like any timestamp (timestamps.validate_token, EN 319 102-1 5.4); the earliest
valid one is the proof of existence the certificate is judged at when it has expired
since. A token that does not stamp this signature is invalid (SIG015), and only it: the
signature is then judged without it (level B).
"""
from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import TYPE_CHECKING, Any

from asn1crypto import cms

from ..model import Finding, Indication
from . import timestamps, xmlrefs

if TYPE_CHECKING:
    from lxml import etree

DS = xmlrefs.DS
MAX_TIMESTAMPS = 5
_EXCLUSIVE = "http://www.w3.org/2001/10/xml-exc-c14n#"


def canonical(el: etree._Element, algorithm: str | None) -> bytes:
    from lxml import etree
    algorithm = algorithm or "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
    out: bytes = etree.tostring(el, method="c14n", exclusive=algorithm.startswith(_EXCLUSIVE),
                                with_comments=algorithm.endswith("#WithComments"))
    return out


def signature_timestamps(sig: etree._Element, settings: dict[str, Any],
                         details: dict[str, Any]) -> tuple[datetime | None, list[Finding]]:
    """(earliest time proven by a valid signature timestamp or None, findings for the
    invalid ones); what was found goes into `details`."""
    value = sig.find(f"{{{DS}}}SignatureValue")
    stamps = [el for ns in xmlrefs.XADES_NS for el in sig.iter(f"{{{ns}}}SignatureTimeStamp")
              if xmlrefs.owned_by(sig, el)][:MAX_TIMESTAMPS]
    if value is None or not stamps:
        return None, []
    proven: list[datetime] = []
    findings: list[Finding] = []
    for stamp in stamps:
        method = stamp.find(f"{{{DS}}}CanonicalizationMethod")
        encapsulated = [el for el in stamp if xmlrefs.local_name(el.tag) == "EncapsulatedTimeStamp"]
        if not encapsulated:
            continue
        try:
            token = cms.ContentInfo.load(base64.b64decode("".join((encapsulated[0].text or "").split())))
            token["content"]["encap_content_info"]["content"].parsed.native  # noqa: B018 - parse now
        except (binascii.Error, ValueError, TypeError, KeyError) as exc:
            findings.append(Finding("SIG015", args={"reason": f"marca della firma illeggibile ({exc})"[:200]}))
            details["timestamp_invalid"] = "illeggibile"
            continue
        stamped = canonical(value, method.get("Algorithm") if method is not None else None)
        checked = timestamps.validate_token(token, stamped, settings)
        if checked.info.indication is Indication.PASSED and checked.info.signing_time:
            proven.append(datetime.fromisoformat(checked.info.signing_time))
            continue
        broken = [f for f in checked.findings if f.code == "SIG015"]
        details["timestamp_invalid"] = str(checked.info.sub_indication or "non valida")
        findings += broken or [Finding("SIG015", args={"reason": "marca della firma non verificabile"})]
    if proven:
        details["timestamp"] = min(proven).isoformat()
    return (min(proven) if proven else None), findings
