"""CAdES / CMS SignedData: reading Italian envelopes and validating each signer.

Reading (load_envelope): DER, BER with indefinite lengths, PEM, and bare base64 (old
CNIPA envelopes); nested envelopes are unwrapped by the engine one level at a time.
Validation (validate_signers): pyHanko's ETSI EN 319 102-1 "validation with time"
(ades_with_time_validation) once per SignerInfo, because pyHanko handles exactly one
signer per SignedData: each signer is validated inside a SignedData that carries only
that SignerInfo. When the cryptographic check fails and the signed attributes are not
stored in DER order (some signing tools write them as they come), the signer is
validated again against the DER-sorted SET OF — the encoding the signature covers —
built from the original bytes (never from an asn1crypto re-encoding, which would
change what was hashed).

Public API: verify_detached(signature_der, content, settings) -> list[SignatureInfo].
"""
from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import re
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from asn1crypto import cms, core, crl, pem, x509
from asn1crypto import ocsp as asn1_ocsp

from ..model import Finding, Indication, SignatureInfo, SubIndication
from .asn1errors import parse_errors
from . import ber, certinfo, cmsattrs, indications, outofbounds, revocation, trustcache
from .cmsattrs import digest, present
from .policy import DatedAlgorithmPolicy, qualification
from .trust import TrustStore, qualified_at
from .validation_time import validation_time

if TYPE_CHECKING:
    from pyhanko.sign.validation.ades import AdESBasicValidationResult
    from pyhanko.sign.validation.policy_decl import SignatureValidationSpec
    from pyhanko.sign.validation.status import StandardCMSSignatureStatus

    # what validating one signer gives: basic (5.3) or with time (5.5), same status type
    Validated = AdESBasicValidationResult[StandardCMSSignatureStatus]

_T = TypeVar("_T")

MAX_ENVELOPE_BYTES = 512 * 1024 * 1024
MAX_SIGNERS = 20
for _noisy in ("pyhanko", "pyhanko_certvalidator"):
    # pyHanko logs every failed path build with a traceback; the outcome is in the result
    logging.getLogger(_noisy).setLevel(logging.CRITICAL)
_B64_RE = re.compile(rb"^[A-Za-z0-9+/=\s]+$")


class EnvelopeError(ValueError):
    """The bytes are not a readable CMS SignedData (the message says why, in English)."""


@dataclass
class Envelope:
    signed_data: cms.SignedData
    encoding: str                     # der | ber | pem | base64
    content: bytes | None             # None when detached


@dataclass
class SignerResult:
    info: SignatureInfo
    findings: list[Finding] = field(default_factory=list)


# --------------------------------------------------------------------------- reading

def decode_transport(data: bytes) -> tuple[bytes, str]:
    """Undo PEM armour or bare base64; say which encoding the DER/BER came in."""
    stripped = data.strip()
    if stripped.startswith(b"-----BEGIN"):
        try:
            _, _, der = pem.unarmor(stripped)
        except (ValueError, TypeError) as exc:
            raise EnvelopeError(f"bad PEM armour: {exc}") from None
        return der, "pem"
    if stripped[:1] != b"\x30" and _B64_RE.match(stripped[:4096] or b"-"):
        try:
            der = base64.b64decode(b"".join(stripped.split()), validate=True)
        except (binascii.Error, ValueError):
            raise EnvelopeError("neither DER nor valid base64") from None
        if der[:1] == b"\x30":
            return der, "base64"
    return data, "der"


def load_envelope(data: bytes) -> Envelope:
    """Parse a CMS SignedData ContentInfo. Raises EnvelopeError, never anything else."""
    if len(data) > MAX_ENVELOPE_BYTES:
        raise EnvelopeError("envelope too large")
    with parse_errors(EnvelopeError):
        der, encoding = decode_transport(data)
        if der[:1] != b"\x30":
            raise EnvelopeError("not an ASN.1 SEQUENCE")
        der, rewritten = definite_lengths(der)
        if rewritten and encoding == "der":
            encoding = "ber"
        info = cms.ContentInfo.load(der, strict=False)
        if info["content_type"].native != "signed_data":
            raise EnvelopeError(f"content type {info['content_type'].native}, not signedData")
        sd = info["content"]
        signer_infos = sd["signer_infos"]
        if len(signer_infos) == 0:
            raise EnvelopeError("no signers")
        if len(signer_infos) > MAX_SIGNERS:
            raise EnvelopeError(f"{len(signer_infos)} signers: more than {MAX_SIGNERS}")
        eci = sd["encap_content_info"]
        content = None
        if present(eci["content"]):
            content = _content_bytes(eci["content"])
        sd["certificates"].native  # noqa: B018 - force parsing now: errors surface here
        for si in signer_infos:
            si["sid"].native  # noqa: B018
            si["digest_algorithm"]["algorithm"].native  # noqa: B018
        return Envelope(signed_data=sd, encoding=encoding, content=content)


def definite_lengths(der: bytes) -> tuple[bytes, bool]:
    """BER of any depth (indefinite lengths, chunked OCTET STRINGs) as definite lengths."""
    try:
        return ber.to_definite(der)
    except ber.BerError as exc:
        raise EnvelopeError(str(exc)) from None


def _content_bytes(value: core.OctetString) -> bytes:
    """The encapsulated content; asn1crypto joins the chunks of a BER constructed
    OCTET STRING (indefinite length) when asked for its bytes."""
    return bytes(value)


# ------------------------------------------------------------------------ validation

def verify_detached(signature_der: bytes, content: bytes,
                    settings: dict[str, Any]) -> list[SignatureInfo]:
    """Validate a detached CMS signature (e.g. a PEC provider's smime.p7s) over `content`.

    One SignatureInfo per signer; an unreadable signature gives one FAILED
    FORMAT_FAILURE entry. Never raises for bad input.
    """
    try:
        env = load_envelope(signature_der)
    except EnvelopeError as exc:
        return [SignatureInfo(kind="cades", indication=Indication.FAILED, sub_indication=SubIndication.FORMAT_FAILURE,
                              details={"error": str(exc)})]
    return [r.info for r in validate_signers(env.signed_data, content, settings,
                                             key_usage="any")]


def trust_from_settings(settings: dict[str, Any] | None) -> TrustStore:
    """The settings' trust store, parsed once per process tree (trustcache)."""
    return trustcache.load(tuple((settings or {}).get("trust") or ()))


def validate_signers(sd: cms.SignedData, content: bytes | None, settings: dict[str, Any] | None,
                     kind: str = "cades", key_usage: str = "signature") -> list[SignerResult]:
    """Validate every SignerInfo of sd over content. key_usage "signature" expects a
    document signature (nonRepudiation noted when missing); "any" accepts
    digitalSignature too (PEC provider S/MIME)."""
    store = trust_from_settings(settings)
    results: list[SignerResult] = []
    for index, si in enumerate(sd["signer_infos"]):
        try:
            results.append(_validate_one(sd, si, content, store, settings or {}, kind, key_usage))
        except RecursionError:
            results.append(library_failure(sd, si, kind, "ASN.1 nested too deeply", index))
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - a library failure: undetermined, and why
            results.append(library_failure(sd, si, kind, f"{type(exc).__name__}: {exc}"[:300], index))
    return results


def library_failure(sd: cms.SignedData, si: cms.SignerInfo, kind: str, detail: str, index: int,
                    details: dict[str, Any] | None = None) -> SignerResult:
    """A signer the validation library could not process: INDETERMINATE (nothing says the
    signature is broken), the library's reason, and the signer named when its certificate
    can be found — never a lost signature."""
    signer = codice = issuer = None
    try:
        cert = signer_certificate(sd, si)
        if cert is not None:
            described = certinfo.describe(cert)
            signer, codice, issuer = described.signer, described.codice_fiscale, described.issuer
    except Exception:  # noqa: BLE001 - the name is a courtesy; the failure is already reported
        pass
    info = SignatureInfo(kind=kind, signer=signer, codice_fiscale=codice, issuer=issuer,
                         indication=Indication.INDETERMINATE, sub_indication=SubIndication.GENERIC,
                         details={"error": f"errore della libreria di verifica: {detail}",
                                  "signer_index": index, **(details or {})})
    return SignerResult(info, [indications.finding_for(info)])


def signer_certificate(sd: cms.SignedData, si: cms.SignerInfo) -> x509.Certificate | None:
    """The certificate `si` names (issuer and serial, or subject key identifier)."""
    if not present(sd["certificates"]):
        return None
    sid = si["sid"]
    for choice in sd["certificates"]:
        if choice.name != "certificate":
            continue
        cert = choice.chosen
        if sid.name == "issuer_and_serial_number":
            if (cert.issuer == sid.chosen["issuer"]
                    and cert.serial_number == sid.chosen["serial_number"].native):
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    return None


def single_signer(sd: cms.SignedData, si: cms.SignerInfo) -> cms.SignedData:
    """A SignedData holding only `si` and no encapsulated content; children keep their
    original encodings (asn1crypto dumps unchanged parsed values byte for byte)."""
    fields: dict[str, Any] = {
        "version": sd["version"],
        "digest_algorithms": sd["digest_algorithms"],
        "encap_content_info": type(sd["encap_content_info"])(
            {"content_type": sd["encap_content_info"]["content_type"].native}),
        "signer_infos": cms.SignerInfos([si]),
    }
    if present(sd["certificates"]):
        fields["certificates"] = sd["certificates"]
    if present(sd["crls"]):
        fields["crls"] = sd["crls"]
    return cms.SignedData(fields)


def resorted_signer_info(si: cms.SignerInfo) -> cms.SignerInfo | None:
    """The SignerInfo with its signed attributes in DER (sorted SET OF) order, built from
    each attribute's original bytes; None if they already are in order."""
    attrs = si["signed_attrs"]
    if not present(attrs):
        return None
    encoded = [a.dump() for a in attrs]
    ordered = sorted(encoded)
    if ordered == encoded:
        return None
    body = b"".join(ordered)
    tagged = b"\xa0" + ber.der_length(len(body)) + body
    parts = [si["version"].dump(), si["sid"].dump(), si["digest_algorithm"].dump(), tagged,
             si["signature_algorithm"].dump(), si["signature"].dump()]
    if present(si["unsigned_attrs"]):
        parts.append(si["unsigned_attrs"].dump())
    inner = b"".join(parts)
    return cms.SignerInfo.load(b"\x30" + ber.der_length(len(inner)) + inner)


def _spec(store: TrustStore, revinfo: revocation.Revinfo | None = None,
          leaf: x509.Certificate | None = None) -> SignatureValidationSpec:
    from pyhanko.sign.validation.policy_decl import (LocalKnowledge, RevinfoOnlineFetchingRule,
                                                     RevocationInfoGatheringSpec,
                                                     SignatureValidationSpec)
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko.sign.validation.utils import CMSAlgorithmUsagePolicy
    from pyhanko_certvalidator.context import CertValidationPolicySpec
    from pyhanko_certvalidator.revinfo.archival import CRLContainer, OCSPContainer

    policy = DatedAlgorithmPolicy()
    cert_policy = CertValidationPolicySpec(
        trust_manager=store.trust_manager(),
        revinfo_policy=revocation.policy(revinfo, leaf),
        algorithm_usage_policy=policy,
    )
    crls = []
    for data in revocation.crls(store, revinfo):
        try:
            crls.append(CRLContainer(crl.CertificateList.load(data)))
        except Exception:  # noqa: BLE001 - unreadable CRL: ignored, revocation then unknown
            continue
    ocsps = [c for data in revocation.ocsps(revinfo)
             for c in OCSPContainer.load_multi(asn1_ocsp.OCSPResponse.load(data))]
    usage = (KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"},
                                 match_all_key_usages=False))
    return SignatureValidationSpec(
        cert_validation_policy=cert_policy,
        # fetching is revocation.py's, bounded and reported; pyHanko validates offline
        revinfo_gathering_policy=RevocationInfoGatheringSpec(
            online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY),
        local_knowledge=LocalKnowledge(known_crls=crls, known_ocsps=ocsps),
        key_usage_settings=usage,
        signature_algorithm_policy=CMSAlgorithmUsagePolicy.lift_policy(policy),
    )


def _run(coro: Coroutine[Any, Any, _T]) -> _T:
    return asyncio.run(coro)


def _validate_one(sd: cms.SignedData, si: cms.SignerInfo, content: bytes | None, store: TrustStore,
                  settings: dict[str, Any], kind: str, key_usage: str) -> SignerResult:
    from pyhanko.sign.validation.ades import ades_basic_validation, ades_with_time_validation
    from pyhanko_certvalidator.ltv.types import ValidationTimingInfo

    if content is None:
        info = SignatureInfo(kind=kind, indication=Indication.INDETERMINATE,
                             sub_indication=SubIndication.SIGNED_DATA_NOT_FOUND)
        return SignerResult(info, [indications.finding_for(info)])
    md = si["digest_algorithm"]["algorithm"].native
    raw_digest = digest(content, md)
    spec = _spec(store)
    moment = validation_time(settings)
    timing = ValidationTimingInfo(validation_time=moment, best_signature_time=moment,
                                  point_in_time_validation=False)

    # A signature timestamp that does not stamp this signature (copied from another one)
    # is invalid, and only it: the signature is judged without it.
    tokens = cmsattrs.unsigned_values(si, cmsattrs.SIGNATURE_TIMESTAMP)
    foreign = [(token, problem) for token in tokens
               if (problem := cmsattrs.timestamp_problem(si, token)) is not None]
    stamp_findings = [Finding("SIG015", args={"reason": problem}) for _, problem in foreign]
    if foreign:
        si = cmsattrs.without_timestamps(si, [token for token, _ in foreign])

    # A signature timestamp (CAdES-T) is a proof of existence: validation "with time"
    # (EN 319 102-1 5.5) uses it; without one, basic validation (5.3) at the current time.
    has_timestamp = len(tokens) > len(foreign)
    validate = ades_with_time_validation if has_timestamp else ades_basic_validation

    def attempt(signer_info: cms.SignerInfo, with_spec: SignatureValidationSpec) -> Validated:
        return _run(validate(single_signer(sd, signer_info), with_spec,
                             timing_info=timing, raw_digest=raw_digest))

    result = attempt(si, spec)
    if has_timestamp and indications.from_pyhanko(result.ades_subindic)[0] is Indication.FAILED:
        # the timestamp may be what failed: the signature on its own decides
        si_alone = cmsattrs.without_timestamps(si, tokens)
        alone = _run(ades_basic_validation(single_signer(sd, si_alone), spec,
                                           timing_info=timing, raw_digest=raw_digest))
        if indications.from_pyhanko(alone.ades_subindic)[0] is not Indication.FAILED:
            si, result, validate = si_alone, alone, ades_basic_validation
            stamp_findings.append(Finding("SIG015", args={"reason": "la marca della firma non è valida"}))
    resorted = False
    status = result.api_status
    if status is not None and status.intact and not status.valid:
        fixed = resorted_signer_info(si)
        if fixed is not None:
            second = attempt(fixed, spec)
            if second.api_status is not None and second.api_status.valid:
                result, status, resorted = second, second.api_status, True
    revinfo = None
    if status is not None and status.revocation_details is None:
        revinfo = revocation.gather(status.validation_path, status.signing_cert, store, settings)
        if revinfo and revinfo.covered:   # validate again, the answers now required
            result = attempt(resorted_signer_info(si) if resorted else si,
                             _spec(store, revinfo, status.signing_cert))
    outcome = _to_result(result, si, store, kind, resorted, key_usage, revinfo, settings,
                         _certificates(sd))
    outcome.info.details["level"] = "T" if "timestamp" in outcome.info.details else "B"
    if stamp_findings:
        outcome.info.details["timestamp_invalid"] = stamp_findings[0].args["reason"]
        outcome.findings.extend(stamp_findings)
    return outcome


def _certificates(sd: cms.SignedData) -> list[x509.Certificate]:
    if not present(sd["certificates"]):
        return []
    return [c.chosen for c in sd["certificates"] if c.name == "certificate"]


def _to_result(result: Validated, si: cms.SignerInfo, store: TrustStore, kind: str, resorted: bool,
               key_usage: str, revinfo: revocation.Revinfo | None,
               settings: dict[str, Any], certs: list[x509.Certificate] | None = None) -> SignerResult:
    from pyhanko.sign.validation.ades import AdESWithTimeValidationResult

    status = result.api_status
    subindic = result.ades_subindic
    indication, sub = indications.from_pyhanko(subindic)
    details: dict[str, Any] = {"digest_algorithm": si["digest_algorithm"]["algorithm"].native}
    signer = codice = issuer = None
    qualified = None
    findings: list[Finding] = []
    signing_time = claimed_signing_time(si)
    best_time = result.best_signature_time if isinstance(result, AdESWithTimeValidationResult) else None
    timestamp_time = _timestamp_time(status)
    if status is not None and status.intact and status.valid:
        # an expired signer: decided against the proofs of existence, like every format's
        moment = validation_time(settings)
        indication, sub = outofbounds.settle(
            indication, sub, status.signing_cert, certs or [], store, moment, poe=timestamp_time,
            content_time=_content_time(status), crls=revocation.crls(store, revinfo),
            ocsps=revocation.ocsps(revinfo))
        if outofbounds.expired_at(status.signing_cert, moment) and indication is Indication.PASSED:
            details["proof_of_existence"] = timestamp_time.isoformat() if timestamp_time else None
    if status is not None:
        cert = status.signing_cert
        described = certinfo.describe(cert)
        signer, codice, issuer = described.signer, described.codice_fiscale, described.issuer
        details.update(not_before=described.not_before, not_after=described.not_after,
                       key=f"{described.key_algorithm.upper()} {described.key_bits or '?'}",
                       qc_compliance=described.qc_compliance, qc_sscd=described.qc_sscd,
                       non_repudiation=described.non_repudiation,
                       signature_algorithm=status.pkcs7_signature_mechanism)
        when = timestamp_time or signing_time or best_time
        path = status.validation_path
        in_list = None
        if path is not None and store.registry is not None:
            in_list = qualified_at(store, list(path.iter_authorities()), when)
            details["trusted_list_qualified"] = in_list
        qualified = qualification(described, path is not None, in_list)
        weak = certinfo.weak_algorithms(details["digest_algorithm"], described.key_algorithm,
                                        described.key_bits, timestamp_time or signing_time)
        if weak:
            details["weak_algorithms"] = weak
        if key_usage == "signature" and qualified is False and indication is Indication.PASSED:
            findings.append(Finding("SIG013", args={"signer": signer or "?"}))
        if key_usage == "signature" and not described.non_repudiation:
            findings.append(Finding("SIG010", args={"signer": signer or "?"}))
        if status.revocation_details is None and indication is not Indication.FAILED and path is not None:
            checked, unchecked = revocation.outcome(cert, store, revinfo, settings, signer, sub)
            details.update(checked)
            if unchecked:
                findings.append(unchecked)
        elif status.revocation_details is not None:
            details["revocation"] = "revoked"
    if resorted:
        details["signed_attributes_resorted"] = True
        findings.append(Finding("SIG012"))
    if timestamp_time:
        details["timestamp"] = timestamp_time.isoformat()
    if result.failure_msg:
        details["message"] = str(result.failure_msg)[:300]
    shown_time = timestamp_time or signing_time
    info = SignatureInfo(kind=kind, signer=signer, codice_fiscale=codice, issuer=issuer,
                         signing_time=shown_time.isoformat() if shown_time else None,
                         qualified=qualified, indication=indication, sub_indication=sub,
                         details=details)
    if not store.configured and indication is Indication.INDETERMINATE:
        details["trust"] = "not_configured"
    findings.insert(0, indications.finding_for(info, trust_configured=store.configured))
    return SignerResult(info, findings)


def claimed_signing_time(si: cms.SignerInfo) -> datetime | None:
    attrs = si["signed_attrs"]
    if not present(attrs):
        return None
    for attr in attrs:
        if attr["type"].native == "signing_time":
            try:
                when: datetime = attr["values"][0].native
                return when
            except Exception:  # noqa: BLE001
                return None
    return None


def _content_time(status: StandardCMSSignatureStatus) -> datetime | None:
    """When a valid content timestamp (signed attribute) says the signature was made after."""
    ts = status.content_timestamp_validity
    return ts.timestamp if ts is not None and ts.valid and ts.intact else None


def _timestamp_time(status: StandardCMSSignatureStatus | None) -> datetime | None:
    ts = status.timestamp_validity if status is not None else None
    if ts is not None and ts.valid and ts.intact:
        return ts.timestamp
    return None
