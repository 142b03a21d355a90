"""XAdES: enveloped XML signatures (FatturaPA and other signed XML).

signxml verifies the XML signature itself (references, SignedInfo, XAdES
SignedProperties) against the certificate carried in ds:KeyInfo, passed explicitly so
signxml does not apply its own TLS-style chain policy (which wants digitalSignature
and would refuse the nonRepudiation-only certificates of Italian signature cards).
The certificate path is then validated like every other signature: by
pyhanko-certvalidator against our anchors, CRLs and dated algorithm policy.
signxml does not implement the XPath transforms (XPath 1.0 and XPath Filter 2.0) some
FatturaPA signing tools write, and would call such a valid signature altered: those are
verified by python-xmlsec (libxmlsec1) instead, with only same-document references and a
list of harmless transforms allowed, and the XAdES SigningCertificate digest compared
with the certificate that verified. Without python-xmlsec they are "not verifiable"
(SIG009), never broken.
"""
from __future__ import annotations

import asyncio
from datetime import datetime, UTC
from typing import TYPE_CHECKING, Any

from ..model import CheckResult, Finding, Indication, InputFile, SignatureInfo, SubIndication
from . import certinfo, indications, revocation
from .cms import DatedAlgorithmPolicy, _validation_time, qualification, trust_from_settings
from .trust import TrustStore, qualified_at

if TYPE_CHECKING:
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from lxml import etree
    from pyhanko_certvalidator.path import ValidationPath

ENGINE = "signxml or xmlsec + pyhanko-certvalidator (XAdES)"
DS = "http://www.w3.org/2000/09/xmldsig#"
XADES_NS = ("http://uri.etsi.org/01903/v1.3.2#", "http://uri.etsi.org/01903/v1.4.1#")
MAX_SIGNATURES = 10


def looks_signed(data: bytes) -> bool:
    return DS.encode() in data and b"Signature" in data


def check(file: InputFile, settings: dict[str, Any]) -> CheckResult:
    if not looks_signed(file.data):
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
    for sig in signatures[:MAX_SIGNATURES]:
        try:
            info, findings = _validate(file.data, sig, len(signatures), store, settings)
        except RecursionError:
            info, findings = _failure("XML nested too deeply")
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - one bad signature is a finding
            info, findings = _failure(f"{type(exc).__name__}: {exc}"[:300])
        result.signatures.append(info)
        result.findings.extend(findings)
    return result


def _failure(detail: str) -> tuple[SignatureInfo, list[Finding]]:
    info = SignatureInfo(kind="xades", indication=Indication.FAILED, sub_indication=SubIndication.FORMAT_FAILURE,
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


def _signing_time(sig: etree._Element) -> datetime | None:
    for ns in XADES_NS:
        el = sig.find(f".//{{{ns}}}SigningTime")
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


# (indication, sub-indication, message) of the cryptographic check
_Verdict = tuple[Indication, SubIndication | None, str]


def _verify_xml(data: bytes, sig: etree._Element, leaf: x509.Certificate, several: bool) -> _Verdict:
    """The cryptographic verdict: (indication, sub_indication, message)."""
    if _transforms(sig) & XPATH_TRANSFORMS:
        return _verify_with_xmlsec(sig, leaf)
    return _verify_with_signxml(data, sig, leaf, several)


def _verify_with_xmlsec(sig: etree._Element, leaf: x509.Certificate) -> _Verdict:
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
    if not _signing_certificate_matches(sig, leaf):
        return Indication.INDETERMINATE, SubIndication.NO_SIGNING_CERTIFICATE_FOUND, \
            "SigningCertificate non corrisponde al certificato della firma"
    used = {el.get("Algorithm") or "" for el in sig.iterfind(f".//{{{DS}}}DigestMethod")} | {
        el.get("Algorithm") or "" for el in sig.iterfind(f"{{{DS}}}SignedInfo/{{{DS}}}SignatureMethod")}
    if any(a.endswith("sha1") for a in used):
        return Indication.INDETERMINATE, SubIndication.CRYPTO_CONSTRAINTS_FAILURE, "SHA-1"
    return Indication.PASSED, None, ""


def _signing_certificate_matches(sig: etree._Element, leaf: x509.Certificate) -> bool:
    """XAdES binds the signer's certificate by digest in SignedProperties; no such property
    (plain XML-DSig) leaves the KeyInfo certificate as the only claim."""
    import base64
    import hashlib
    from cryptography.hazmat.primitives import serialization
    der = leaf.public_bytes(serialization.Encoding.DER)
    digests = []
    for ns in XADES_NS:
        digests += sig.findall(f".//{{{ns}}}SigningCertificate/{{{ns}}}Cert/{{{ns}}}CertDigest")
        digests += sig.findall(f".//{{{ns}}}SigningCertificateV2/{{{ns}}}Cert/{{{ns}}}CertDigest")
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


def _verify_with_signxml(data: bytes, sig: etree._Element, leaf: x509.Certificate,
                         several: bool) -> _Verdict:
    from signxml.exceptions import InvalidDigest, InvalidInput, InvalidSignature, SignXMLException
    from signxml.xades import XAdESSignatureConfiguration, XAdESVerifier
    config = XAdESSignatureConfiguration(require_x509=True, expect_references=True)
    if several:
        # verify this very signature: signxml looks for ds:Signature at `location`
        sig_id = sig.get("Id")
        if sig_id is None:
            return Indication.INDETERMINATE, SubIndication.GENERIC, "more signatures without Id"
    try:
        XAdESVerifier().verify(data, x509_cert=leaf, expect_config=config)
        return Indication.PASSED, None, ""
    except InvalidDigest as exc:
        return Indication.FAILED, SubIndication.HASH_FAILURE, str(exc)[:200]
    except InvalidSignature as exc:
        message = str(exc)
        if "SHA1" in message.upper() or "SHA-1" in message.upper():
            return Indication.INDETERMINATE, SubIndication.CRYPTO_CONSTRAINTS_FAILURE, message[:200]
        return Indication.FAILED, SubIndication.SIG_CRYPTO_FAILURE, message[:200]
    except InvalidInput as exc:
        message = str(exc)
        if "SHA1" in message.upper():
            return Indication.INDETERMINATE, SubIndication.CRYPTO_CONSTRAINTS_FAILURE, message[:200]
        return Indication.INDETERMINATE, SubIndication.GENERIC, message[:200]
    except SignXMLException as exc:
        return Indication.INDETERMINATE, SubIndication.GENERIC, str(exc)[:200]


def _validate(data: bytes, sig: etree._Element, count: int, store: TrustStore,
              settings: dict[str, Any]) -> tuple[SignatureInfo, list[Finding]]:
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    certs = _certificates(sig)
    if not certs:
        info = SignatureInfo(kind="xades", indication=Indication.INDETERMINATE,
                             sub_indication=SubIndication.NO_SIGNING_CERTIFICATE_FOUND)
        return info, [indications.finding_for(info)]
    leaf = _leaf(certs)
    indication, sub, message = _verify_xml(data, sig, leaf, count > 1)
    as_asn1 = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in certs]
    leaf_asn1 = as_asn1[certs.index(leaf)]
    described = certinfo.describe(leaf_asn1)
    when = _signing_time(sig)
    path: ValidationPath | None = None
    revoked = False
    revinfo: revocation.Revinfo | None = None
    if indication is Indication.PASSED:
        indication, sub, path, revoked = _validate_path(leaf_asn1, as_asn1, store, settings)
        revinfo = revocation.gather(path, leaf_asn1, store, settings)
        if revinfo and revinfo.covered:   # validate again, the answers now required
            indication, sub, path, revoked = _validate_path(leaf_asn1, as_asn1, store,
                                                            settings, revinfo)
    in_list = None
    if path is not None and store.registry is not None:
        in_list = qualified_at(store, list(path.iter_authorities()), when)
    qualified = qualification(described, path is not None, in_list)
    info = SignatureInfo(kind="xades", signer=described.signer, codice_fiscale=described.codice_fiscale,
                         issuer=described.issuer, signing_time=when.isoformat() if when else None,
                         qualified=qualified, indication=indication, sub_indication=sub,
                         details={"key": f"{described.key_algorithm.upper()} {described.key_bits or '?'}",
                                  "not_after": described.not_after, "message": message})
    if indication is Indication.INDETERMINATE and sub is SubIndication.GENERIC:
        info.details["error"] = message
    findings = [indications.finding_for(info, trust_configured=store.configured)]
    if indication is Indication.PASSED:
        if not revoked:
            checked, unchecked = revocation.outcome(leaf_asn1, store, revinfo, settings,
                                                    described.signer, sub)
            info.details.update(checked)
            if unchecked:
                findings.append(unchecked)
        if not described.non_repudiation:
            findings.append(Finding("SIG010", args={"signer": described.signer or "?"}))
        if qualified is False:
            findings.append(Finding("SIG013", args={"signer": described.signer or "?"}))
    return info, findings


def _validate_path(leaf: asn1_x509.Certificate, certs: list[asn1_x509.Certificate], store: TrustStore,
                   settings: dict[str, Any], revinfo: revocation.Revinfo | None = None
                   ) -> tuple[Indication, SubIndication | None, ValidationPath | None, bool]:
    """(indication, sub_indication, path, revoked) from pyhanko-certvalidator."""
    from pyhanko_certvalidator import CertificateValidator, ValidationContext
    from pyhanko_certvalidator.errors import (DisallowedAlgorithmError, ExpiredError,
                                              InsufficientRevinfoError, PathBuildingError,
                                              PathValidationError, RevokedError)
    context = ValidationContext(
        trust_manager=store.trust_manager(), other_certs=[c for c in certs if c is not leaf],
        crls=revocation.crls(store, revinfo), ocsps=revocation.ocsps(revinfo), allow_fetching=False,
        revinfo_policy=revocation.policy(revinfo, leaf),
        algorithm_usage_policy=DatedAlgorithmPolicy(), moment=_validation_time(settings))
    validator = CertificateValidator(leaf, validation_context=context)
    try:
        # pyhanko-certvalidator leaves async_validate_usage() unannotated; it gives the ValidationPath
        path: ValidationPath = asyncio.run(
            validator.async_validate_usage(set()))  # type: ignore[no-untyped-call]
        return Indication.PASSED, None, path, False
    except PathBuildingError:
        return Indication.INDETERMINATE, SubIndication.NO_CERTIFICATE_CHAIN_FOUND, None, False
    except RevokedError:
        return Indication.INDETERMINATE, SubIndication.REVOKED_NO_POE, None, True
    except ExpiredError:
        return Indication.INDETERMINATE, SubIndication.OUT_OF_BOUNDS_NO_POE, None, False
    except DisallowedAlgorithmError:
        return Indication.INDETERMINATE, SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE, None, False
    except InsufficientRevinfoError:
        return Indication.INDETERMINATE, SubIndication.TRY_LATER, None, False
    except PathValidationError:
        return Indication.INDETERMINATE, SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE, None, False
