"""PDF signatures with the legacy sub-filters pyHanko does not validate itself.

- adbe.pkcs7.sha1 (ISO 32000-1 12.8.3.3.1): a CMS SignedData whose *encapsulated
  content* is the SHA-1 digest of the byte range. The digest is compared with the file,
  then the CMS is validated as an attached CAdES over those 20 bytes (cms.validate_signers:
  trust, revocation, dated algorithm policy), one signer at a time.
- adbe.x509.rsa_sha1 (12.8.3.2): no CMS at all; /Contents is a DER OCTET STRING holding a
  PKCS #1 v1.5 RSA signature of the byte range, /Cert the signer's certificate (and its
  chain). The signature is checked with `cryptography` (the DigestInfo says which hash),
  the certificate with pyhanko-certvalidator.

Integrity and validity stay apart: a byte range that does not match is FAILED
(HASH_FAILURE); SHA-1 itself is a validity question, judged by the dated algorithm policy
(allowed before its 2011 sunset, else INDETERMINATE / CRYPTO_CONSTRAINTS_FAILURE_NO_POE).
"""
from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Any

from asn1crypto import algos, core, x509

from ..model import Finding, Indication, SignatureInfo, SubIndication
from . import certinfo, indications, outofbounds, revocation
from .cms import DatedAlgorithmPolicy, qualification, validate_signers
from .trust import TrustStore, qualified_at
from .validation_time import validation_time

if TYPE_CHECKING:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
    from pyhanko_certvalidator.path import ValidationPath

PKCS7_SHA1 = "/adbe.pkcs7.sha1"
X509_RSA_SHA1 = "/adbe.x509.rsa_sha1"
LEGACY = {PKCS7_SHA1, X509_RSA_SHA1}

Verdict = tuple[SignatureInfo, list[Finding]]


# pyHanko's EmbeddedPdfSignature parses /Contents as CMS in its constructor and has no
# public way to build one for a signature that is not CMS (adbe.x509.rsa_sha1); its
# coverage and difference analysis only need the PDF side. This is the one place that
# touches pyHanko internals: the attributes EmbeddedPdfSignature.__init__ sets, minus the
# CMS ones (CMS_ONLY). tests/unit/test_signature_pyhanko_pin.py checks, for the pyHanko
# pinned in pyproject.toml, that the set is still exactly pyHanko's.
CMS_ONLY = frozenset({"signed_data", "signer_info"})


def raw_signature(reader: PdfFileReader, sig_field: generic.DictionaryObject,
                  fq_name: str) -> EmbeddedPdfSignature:
    """An EmbeddedPdfSignature for a /Contents that is not CMS (adbe.x509.rsa_sha1), so
    that pyHanko's coverage and difference analysis still run on it."""
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature, extract_contents

    class RawPdfSignature(EmbeddedPdfSignature):
        def __init__(self) -> None:   # EmbeddedPdfSignature.__init__ without the CMS part
            self.reader = reader
            self.sig_field = sig_field
            sig_ref = sig_field.raw_get("/V")
            self.sig_object = sig_ref.get_object()
            self.byte_range = self.sig_object.raw_get("/ByteRange")
            self.pkcs7_content = extract_contents(self.sig_object)
            self.md_algorithm = self.external_md_algorithm = "sha1"
            self.signed_revision = reader.xrefs.get_last_change(sig_ref.reference)
            self.coverage = None
            self.external_digests = {}
            self._docmdp = self._fieldmdp = None
            self._docmdp_queried = self._fieldmdp_queried = False
            self.tst_signature_digest = None
            self.diff_result = None
            self._integrity_checked = False
            self.fq_name = fq_name
            self._sd_cert_info = None

        @property
        def self_reported_timestamp(self) -> datetime | None:   # /M: there are no signed attributes
            from pyhanko.pdf_utils.generic import parse_pdf_date
            try:
                return parse_pdf_date(self.sig_object["/M"], strict=False)
            except (KeyError, ValueError, TypeError):
                return None

    return RawPdfSignature()


def validate_pkcs7_sha1(emb: EmbeddedPdfSignature, store: TrustStore,
                        settings: dict[str, Any]) -> Verdict:
    content = emb.signed_data["encap_content_info"]["content"]
    embedded_digest = bytes(content) if content.native is not None else b""
    if embedded_digest != emb.compute_digest("sha1"):
        return _altered("sha1")
    # one SignerInfo per PDF signature field; validate_signers validates each on its own
    signer = validate_signers(emb.signed_data, embedded_digest, settings, kind="pades")[0]
    info, findings = signer.info, signer.findings
    info.details["document_digest"] = "sha1"
    when = info.details.get("timestamp")
    moment = datetime.fromisoformat(when) if when else validation_time(settings)
    if info.indication is Indication.PASSED and not DatedAlgorithmPolicy().digest_algorithm_allowed(
            algos.DigestAlgorithm({"algorithm": "sha1"}), moment):
        # the signer may have used SHA-256 over the 20 bytes: the document is still bound by SHA-1
        info = _replace(info, Indication.INDETERMINATE, SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE)
        findings = [indications.finding_for(info, trust_configured=store.configured)]
    return info, findings


def validate_x509_rsa_sha1(emb: EmbeddedPdfSignature, store: TrustStore,
                           settings: dict[str, Any]) -> Verdict:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    from cryptography.x509 import load_der_x509_certificate

    certs = _certificates(emb.sig_object)
    if not certs:
        info = SignatureInfo(kind="pades", indication=Indication.INDETERMINATE,
                             sub_indication=SubIndication.NO_SIGNING_CERTIFICATE_FOUND,
                             details={"sub_filter": "adbe.x509.rsa_sha1"})
        return info, [indications.finding_for(info)]
    leaf = certs[0]
    described = certinfo.describe(leaf)
    public_key = load_der_x509_certificate(leaf.dump()).public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        return _altered("sha1", described, "not an RSA key")
    signature = _pkcs1_signature(emb.pkcs7_content, (public_key.key_size + 7) // 8)
    try:
        digest_info = algos.DigestInfo.load(
            public_key.recover_data_from_signature(signature, padding.PKCS1v15(), None))
        algorithm = digest_info["digest_algorithm"]["algorithm"].native
        claimed = digest_info["digest"].native
    except (InvalidSignature, ValueError) as exc:
        return _altered("sha1", described, f"RSA: {exc or 'invalid signature'}", crypto=True)
    if claimed != emb.compute_digest(algorithm):
        return _altered(algorithm, described)
    moment = validation_time(settings)
    indication, sub, path = _validate_certificate(leaf, certs[1:], store, moment)
    # no timestamps in this sub-filter: an expired signer is decided on revocation data alone
    indication, sub = outofbounds.settle(indication, sub, leaf, certs[1:], store, moment, poe=None,
                                         content_time=None, crls=revocation.crls(store, None))
    if indication is Indication.PASSED and not DatedAlgorithmPolicy().digest_algorithm_allowed(
            algos.DigestAlgorithm({"algorithm": algorithm}), moment):
        indication, sub = Indication.INDETERMINATE, SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE
    signed_at = emb.self_reported_timestamp
    in_list = None
    if path is not None and store.registry is not None:
        in_list = qualified_at(store, list(path.iter_authorities()), signed_at)
    info = SignatureInfo(kind="pades", signer=described.signer, codice_fiscale=described.codice_fiscale,
                         issuer=described.issuer,
                         signing_time=signed_at.isoformat() if signed_at else None,
                         qualified=qualification(described, path is not None, in_list),
                         indication=indication, sub_indication=sub,
                         details={"sub_filter": "adbe.x509.rsa_sha1", "digest_algorithm": algorithm,
                                  "document_digest": algorithm,
                                  "key": f"{described.key_algorithm.upper()} {described.key_bits or '?'}",
                                  "not_after": described.not_after})
    findings = [indications.finding_for(info, trust_configured=store.configured)]
    if indication is Indication.PASSED:
        checked, unchecked = revocation.outcome(leaf, store, None, settings, described.signer, sub)
        info.details.update(checked)
        if unchecked:
            findings.append(unchecked)
        if not described.non_repudiation:
            findings.append(Finding("SIG010", args={"signer": described.signer or "?"}))
    return info, findings


def _certificates(sig_object: generic.DictionaryObject) -> list[x509.Certificate]:
    raw = sig_object.get("/Cert")
    items = list(raw) if isinstance(raw, list) else [raw] if raw is not None else []
    out = []
    for item in items:
        obj = item.get_object() if hasattr(item, "get_object") else item
        out.append(x509.Certificate.load(bytes(obj.original_bytes)))
    return out


def _pkcs1_signature(contents: bytes, size: int) -> bytes:
    """/Contents holds a DER OCTET STRING (then zero padding); some tools wrote the bare
    signature bytes instead: a PKCS#1 signature is exactly the key's `size` bytes, which may
    begin or end with zero bytes (so the padding cannot be told apart by stripping zeros)."""
    if contents[:1] == b"\x04":
        try:
            return bytes(core.OctetString.load(contents, strict=False).native)
        except ValueError:
            pass
    return contents[:size]


def _validate_certificate(leaf: x509.Certificate, others: list[x509.Certificate], store: TrustStore,
                          moment: datetime) -> tuple[Indication, SubIndication | None, ValidationPath | None]:
    from pyhanko_certvalidator import CertificateValidator, ValidationContext
    from pyhanko_certvalidator.errors import (DisallowedAlgorithmError, ExpiredError,
                                              InsufficientRevinfoError, NotYetValidError,
                                              PathBuildingError, PathValidationError, RevokedError)
    context = ValidationContext(
        trust_manager=store.trust_manager(), other_certs=others, crls=revocation.crls(store, None),
        allow_fetching=False, revinfo_policy=revocation.policy(None, leaf),
        algorithm_usage_policy=DatedAlgorithmPolicy(), moment=moment)
    validator = CertificateValidator(leaf, validation_context=context)
    try:
        # pyhanko-certvalidator leaves async_validate_usage() unannotated; it gives the ValidationPath
        path: ValidationPath = asyncio.run(
            validator.async_validate_usage(set()))  # type: ignore[no-untyped-call]
        return Indication.PASSED, None, path
    except PathBuildingError:
        return Indication.INDETERMINATE, SubIndication.NO_CERTIFICATE_CHAIN_FOUND, None
    except RevokedError:
        return Indication.INDETERMINATE, SubIndication.REVOKED_NO_POE, None
    except ExpiredError:
        return Indication.INDETERMINATE, SubIndication.OUT_OF_BOUNDS_NO_POE, None
    except NotYetValidError:
        return Indication.INDETERMINATE, SubIndication.NOT_YET_VALID, None
    except DisallowedAlgorithmError:
        return Indication.INDETERMINATE, SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE, None
    except InsufficientRevinfoError:
        return Indication.INDETERMINATE, SubIndication.TRY_LATER, None
    except PathValidationError:
        return Indication.INDETERMINATE, SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE, None


def _altered(algorithm: str, described: certinfo.SignerCert | None = None, why: str = "",
             crypto: bool = False) -> Verdict:
    info = SignatureInfo(kind="pades", signer=described.signer if described else None,
                         codice_fiscale=described.codice_fiscale if described else None,
                         indication=Indication.FAILED,
                         sub_indication=SubIndication.SIG_CRYPTO_FAILURE if crypto else SubIndication.HASH_FAILURE,
                         details={"document_digest": algorithm, **({"message": why} if why else {})})
    return info, [indications.finding_for(info)]


def _replace(info: SignatureInfo, indication: Indication, sub: SubIndication | None) -> SignatureInfo:
    return SignatureInfo(**{**info.__dict__, "indication": indication, "sub_indication": sub})
