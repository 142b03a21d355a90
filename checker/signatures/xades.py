"""XAdES: enveloped XML signatures (FatturaPA and other signed XML).

signxml verifies the XML signature itself (references, SignedInfo, XAdES
SignedProperties) against the certificate carried in ds:KeyInfo, passed explicitly so
signxml does not apply its own TLS-style chain policy (which wants digitalSignature
and would refuse the nonRepudiation-only certificates of Italian signature cards).
Integrity and validity are decided apart: the cryptography is checked at a moment inside
the certificate's validity (signxml would otherwise call an expired certificate's intact
signature broken), and the certificate path is then validated like every other
signature's, by pyhanko-certvalidator against our anchors, CRLs and dated algorithm
policy, now or at the time a valid xades:SignatureTimeStamp proves. Before any of this,
xmlrefs checks that the references resolve to exactly the signed elements (wrapping).
signxml does not implement the XPath transforms (XPath 1.0 and XPath Filter 2.0) some
FatturaPA signing tools write, and would call such a valid signature altered: those are
verified by python-xmlsec (libxmlsec1) instead, with only same-document references and a
list of harmless transforms allowed, and the XAdES SigningCertificate digest compared
with the certificate that verified. Without python-xmlsec they are "not verifiable"
(SIG009), never broken.
"""
from __future__ import annotations

from datetime import datetime, UTC
from typing import TYPE_CHECKING, Any

from ..model import CheckResult, Finding, Indication, InputFile, SignatureInfo, SubIndication
from . import certpath, indications, sniff, xadescontent, xadests, xmlrefs
from .certpath import Verdict
from .cms import trust_from_settings
from .trust import TrustStore

if TYPE_CHECKING:
    from cryptography import x509
    from lxml import etree

ENGINE = "signxml or xmlsec + pyhanko-certvalidator (XAdES)"
DS = sniff.XMLDSIG_NS.decode()
XADES_NS = ("http://uri.etsi.org/01903/v1.3.2#", "http://uri.etsi.org/01903/v1.4.1#")
MAX_SIGNATURES = 10


def check(file: InputFile, settings: dict[str, Any]) -> CheckResult:
    if not sniff.xml_looks_signed(file.data):
        return CheckResult()
    from lxml import etree
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=False)
    try:
        root = etree.fromstring(file.data, parser)
    except etree.XMLSyntaxError as exc:
        return CheckResult(findings=[Finding("SIG003", detail=f"XML: {exc}"[:300])], engine=ENGINE)
    signatures = root.findall(f".//{{{DS}}}Signature")
    if root.tag == f"{{{DS}}}Signature":
        signatures.insert(0, root)
    if not signatures:
        return CheckResult()
    store = trust_from_settings(settings)
    result = CheckResult(engine=ENGINE, facts={"xades": {"signatures": len(signatures)}})
    places: dict[etree._Element, tuple[str, str | None]] = {}   # signature → (place, signer)
    counted: dict[etree._Element, int] = {}
    for sig in signatures[:MAX_SIGNATURES]:
        # a counter-signature is numbered under its parent, as CAdES ones are ("1.1")
        parent = next(sig.iterancestors(f"{{{DS}}}Signature"), None)
        extra: dict[str, Any] = {}
        if parent is not None and parent in places:
            counted[parent] = counted.get(parent, 0) + 1
            place = f"{places[parent][0]}.{counted[parent]}"
            extra = {"parent": places[parent][1] or "firmatario sconosciuto", "counter_signature": place}
        else:
            place = str(1 + sum(1 for p in places if "." not in places[p][0]))
        try:
            info, findings = _validate(file.data, sig, len(signatures), store, settings, extra)
        except RecursionError:
            info, findings = _failure("XML nested too deeply", Indication.FAILED, SubIndication.FORMAT_FAILURE)
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - a library failure: undetermined, and why
            info, findings = _failure(f"{type(exc).__name__}: {exc}"[:300])
        places[sig] = (place, info.signer)
        result.signatures.append(info)
        result.findings.extend(findings)
    return result


def _failure(detail: str, indication: Indication = Indication.INDETERMINATE,
             sub: SubIndication = SubIndication.GENERIC) -> tuple[SignatureInfo, list[Finding]]:
    info = SignatureInfo(kind="xades", indication=indication, sub_indication=sub,
                         details={"error": detail})
    return info, [indications.finding_for(info)]


def _certificates(sig: etree._Element) -> list[x509.Certificate]:
    import base64

    from cryptography import x509
    certs = []
    for el in sig.iterfind(f"{{{DS}}}KeyInfo/{{{DS}}}X509Data/{{{DS}}}X509Certificate"):
        certs.append(x509.load_der_x509_certificate(base64.b64decode("".join((el.text or "").split()))))
    return certs


def _leaf(certs: list[x509.Certificate]) -> x509.Certificate:
    issuers = {c.issuer for c in certs}
    for c in certs:
        if c.subject not in issuers or len(certs) == 1:
            return c
    return certs[0]


def _signing_time(signed_properties: etree._Element | None) -> datetime | None:
    """xades:SigningTime of the signed SignedProperties (never of an unsigned copy)."""
    if signed_properties is None:
        return None
    for ns in XADES_NS:
        el = signed_properties.find(f"{{{ns}}}SignedSignatureProperties/{{{ns}}}SigningTime")
        if el is not None and el.text:
            try:
                return datetime.fromisoformat(el.text.strip().replace("Z", "+00:00")).astimezone(UTC)
            except ValueError:
                return None
    return None


XPATH_TRANSFORMS = {"http://www.w3.org/TR/1999/REC-xpath-19991116",
                    "http://www.w3.org/2002/06/xmldsig-filter2"}
# what xmlsec may run on untrusted input: no XSLT, nothing that loads other documents
SAFE_TRANSFORMS = XPATH_TRANSFORMS | {
    "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
    "http://www.w3.org/2000/09/xmldsig#base64",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
    "http://www.w3.org/2006/12/xml-c14n11", "http://www.w3.org/2006/12/xml-c14n11#WithComments",
    "http://www.w3.org/2001/10/xml-exc-c14n#", "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"}
DIGESTS = {"http://www.w3.org/2000/09/xmldsig#sha1": "sha1",
           "http://www.w3.org/2001/04/xmlenc#sha256": "sha256",
           "http://www.w3.org/2001/04/xmldsig-more#sha384": "sha384",
           "http://www.w3.org/2001/04/xmlenc#sha512": "sha512"}


def _transforms(sig: etree._Element) -> set[str]:
    return {t.get("Algorithm") or "" for t in
            sig.iterfind(f"{{{DS}}}SignedInfo/{{{DS}}}Reference/{{{DS}}}Transforms/{{{DS}}}Transform")}


def _verify_xml(data: bytes, sig: etree._Element, leaf: x509.Certificate, several: bool,
                signed_properties: etree._Element | None
                ) -> tuple[Verdict, list[xadescontent.Referenced] | None]:
    """The cryptographic verdict: (indication, sub_indication, message), and the data each
    reference gave the verifier (signxml only; None from xmlsec)."""
    if several or _transforms(sig) & XPATH_TRANSFORMS:
        # signxml verifies the first ds:Signature of a document; xmlsec verifies this one
        return _verify_with_xmlsec(sig, leaf, signed_properties), None
    return _verify_with_signxml(data, sig, leaf)


def _verify_with_xmlsec(sig: etree._Element, leaf: x509.Certificate,
                        signed_properties: etree._Element | None) -> Verdict:
    from cryptography.hazmat.primitives import serialization
    try:
        import xmlsec
    except Exception as exc:  # noqa: BLE001 - missing, or built against another libxml2
        return (Indication.INDETERMINATE, SubIndication.GENERIC,
                f"trasformazioni XPath: python-xmlsec non disponibile ({exc})"[:200])
    unsafe = _transforms(sig) - SAFE_TRANSFORMS
    if unsafe:
        return Indication.INDETERMINATE, SubIndication.GENERIC, f"trasformazione non ammessa: {sorted(unsafe)[0]}"[:200]
    for ref in sig.iterfind(f"{{{DS}}}SignedInfo/{{{DS}}}Reference"):
        uri = ref.get("URI")
        if uri is None or (uri and not uri.startswith("#")):
            return Indication.INDETERMINATE, SubIndication.GENERIC, f"riferimento a un contenuto esterno: {uri}"[:200]
    xmlsec.tree.add_ids(sig.getroottree().getroot(), ["Id", "ID", "id"])
    ctx = xmlsec.SignatureContext()
    try:
        ctx.key = xmlsec.Key.from_memory(leaf.public_bytes(serialization.Encoding.PEM),
                                         xmlsec.constants.KeyDataFormatCertPem)
        ctx.verify(sig)
    except xmlsec.VerificationError:
        return Indication.FAILED, SubIndication.HASH_FAILURE, "xmlsec: impronta o firma non corrispondente"
    except xmlsec.Error as exc:
        return Indication.INDETERMINATE, SubIndication.GENERIC, f"xmlsec: {exc}"[:200]
    if not _signing_certificate_matches(signed_properties, leaf):
        return Indication.INDETERMINATE, SubIndication.NO_SIGNING_CERTIFICATE_FOUND, \
            "SigningCertificate non corrisponde al certificato della firma"
    used = {el.get("Algorithm") or "" for el in sig.iterfind(f".//{{{DS}}}DigestMethod")} | {
        el.get("Algorithm") or "" for el in sig.iterfind(f"{{{DS}}}SignedInfo/{{{DS}}}SignatureMethod")}
    if any(a.endswith("sha1") for a in used):
        return Indication.INDETERMINATE, SubIndication.CRYPTO_CONSTRAINTS_FAILURE, "SHA-1"
    return Indication.PASSED, None, ""


def _signing_certificate_matches(signed_properties: etree._Element | None, leaf: x509.Certificate) -> bool:
    """XAdES binds the signer's certificate by digest in SignedProperties; no such property
    (plain XML-DSig) leaves the KeyInfo certificate as the only claim."""
    import base64
    import hashlib
    from cryptography.hazmat.primitives import serialization
    der = leaf.public_bytes(serialization.Encoding.DER)
    if signed_properties is None:
        return True
    digests: list[etree._Element] = []
    for ns in XADES_NS:
        digests += signed_properties.findall(f".//{{{ns}}}SigningCertificate/{{{ns}}}Cert/{{{ns}}}CertDigest")
        digests += signed_properties.findall(f".//{{{ns}}}SigningCertificateV2/{{{ns}}}Cert/{{{ns}}}CertDigest")
    if not digests:
        return True
    for cd in digests:
        method = cd.find(f"{{{DS}}}DigestMethod")
        value = cd.find(f"{{{DS}}}DigestValue")
        name = DIGESTS.get(method.get("Algorithm") if method is not None else "")
        if name and value is not None and value.text and \
                base64.b64decode("".join(value.text.split())) == hashlib.new(name, der).digest():
            return True
    return False


def _verify_with_signxml(data: bytes, sig: etree._Element, leaf: x509.Certificate
                         ) -> tuple[Verdict, list[xadescontent.Referenced] | None]:
    from signxml.exceptions import SignXMLException
    from signxml.xades import XAdESSignatureConfiguration, XAdESVerifier
    # cryptography only: a moment inside the certificate's validity, so that signxml's own
    # date check never turns an expired certificate into a "broken" signature
    inside = min(max(datetime.now(UTC), leaf.not_valid_before_utc), leaf.not_valid_after_utc)
    config = XAdESSignatureConfiguration(require_x509=True, expect_references=True,
                                         verification_time=inside)
    try:
        results = XAdESVerifier().verify(data, x509_cert=leaf, expect_config=config)
    except SignXMLException as exc:
        return _signxml_failure(exc), None
    # signxml gives one result per ds:Reference, in SignedInfo order (content timestamps)
    references = sig.findall(f"{{{DS}}}SignedInfo/{{{DS}}}Reference")
    referenced = None
    if isinstance(results, list) and len(results) == len(references):
        referenced = [xadescontent.Referenced(ref, r.signed_data, r.signed_xml)
                      for ref, r in zip(references, results, strict=True)]
    return (Indication.PASSED, None, ""), referenced


def _signxml_failure(exc: Exception) -> Verdict:
    """signxml's refusal as a verdict: altered data, broken signature, weak algorithm or
    something signxml cannot handle (undetermined)."""
    from signxml.exceptions import InvalidDigest, InvalidInput, InvalidSignature
    message = str(exc)
    sha1 = "SHA1" in message.upper() or "SHA-1" in message.upper()
    if isinstance(exc, InvalidDigest):
        if "certificate digest" in message:
            return Indication.INDETERMINATE, SubIndication.NO_SIGNING_CERTIFICATE_FOUND, message[:200]
        return Indication.FAILED, SubIndication.HASH_FAILURE, message[:200]
    if isinstance(exc, InvalidSignature):
        if sha1:
            return Indication.INDETERMINATE, SubIndication.CRYPTO_CONSTRAINTS_FAILURE, message[:200]
        return Indication.FAILED, SubIndication.SIG_CRYPTO_FAILURE, message[:200]
    if isinstance(exc, InvalidInput) and "SHA1" in message.upper():
        return Indication.INDETERMINATE, SubIndication.CRYPTO_CONSTRAINTS_FAILURE, message[:200]
    return Indication.INDETERMINATE, SubIndication.GENERIC, message[:200]


def _validate(data: bytes, sig: etree._Element, count: int, store: TrustStore,
              settings: dict[str, Any], extra: dict[str, Any] | None = None
              ) -> tuple[SignatureInfo, list[Finding]]:
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    certs = _certificates(sig)
    if not certs:
        info = SignatureInfo(kind="xades", indication=Indication.INDETERMINATE,
                             sub_indication=SubIndication.NO_SIGNING_CERTIFICATE_FOUND)
        return info, [indications.finding_for(info)]
    leaf = _leaf(certs)
    as_asn1 = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in certs]
    leaf_asn1 = as_asn1[certs.index(leaf)]
    refs = xmlrefs.check(sig.getroottree().getroot(), sig)
    details: dict[str, Any] = dict(extra or {})
    parent = next(sig.iterancestors(f"{{{DS}}}Signature"), None)
    if parent is not None:
        details["role"] = "controfirma"     # inside another's xades:CounterSignature
    referenced: list[xadescontent.Referenced] | None = None
    if refs.problem:
        details["wrapping"] = refs.problem
        crypto: Verdict = (Indication.FAILED, SubIndication.FORMAT_FAILURE, refs.problem)
    elif refs.missing is not None:
        crypto = (Indication.INDETERMINATE, SubIndication.SIGNED_DATA_NOT_FOUND,
                  f"riferimento a un elemento che non c'è: #{refs.missing}")
    elif parent is not None and not xmlrefs.countersigns(sig.getroottree().getroot(), sig, parent):
        # EN 319 132-1 5.2.7: a counter-signature signs its parent's ds:SignatureValue
        crypto = (Indication.FAILED, SubIndication.HASH_FAILURE, "la controfirma non è sulla firma che la contiene")
    else:
        # for a counter-signature the reference digest is checked over the parent's SignatureValue
        crypto, referenced = _verify_xml(data, sig, leaf, count > 1, refs.signed_properties)
    poe: datetime | None = None
    content_time: datetime | None = None
    stamp_findings: list[Finding] = []
    if crypto[0] is Indication.PASSED:
        content_time, stamp_findings = xadescontent.content_timestamps(
            refs.signed_properties, referenced, settings, details)
        poe, signature_stamp_findings = xadests.signature_timestamps(sig, settings, details)
        stamp_findings += signature_stamp_findings
    details["level"] = "T" if poe else "B"
    info, findings = certpath.finish("xades", leaf_asn1, as_asn1, store, settings, crypto,
                                     _signing_time(refs.signed_properties), poe, details,
                                     content_time=content_time)
    return info, findings + stamp_findings
