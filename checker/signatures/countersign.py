"""CAdES counter-signatures (RFC 5652 11.4, unsigned attribute countersignature
1.2.840.113549.1.9.6): listed and validated as signatures of their own.

A counter-signature signs the signature value of the SignerInfo that carries it (a
signer, or another counter-signature: they nest). pyHanko's CMS validation requires a
content-type attribute, which a counter-signature must not have, so integrity is checked
here — messageDigest against the digest of the parent's signature value, the signature
over the signed attributes (DER order too), the signing-certificate attribute, the dated
algorithm policy — and the certificate is judged by certpath like a XAdES signer's, at the
time its own signature timestamp proves when it has one. Each becomes a SignatureInfo
with details role "controfirma", the parent's signer and its place ("1.2": the second
counter-signature of the first signer); at most MAX_DEPTH levels and MAX_COUNTER in all.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from asn1crypto import cms

from ..model import Finding, Indication, SignatureInfo, SubIndication
from . import certpath, cmsattrs, indications, timestamps
from .certpath import Verdict
from .cms import (SignerResult, claimed_signing_time, library_failure, resorted_signer_info,
                  signer_certificate, trust_from_settings, validate_signers)
from .policy import DatedAlgorithmPolicy
from .validation_time import validation_time

ROLE = "controfirma"
MAX_DEPTH = 4
MAX_COUNTER = 20


def validate_all(sd: cms.SignedData, content: bytes | None, settings: dict[str, Any] | None,
                 kind: str = "cades", key_usage: str = "signature") -> list[SignerResult]:
    """Every signer of `sd` (cms.validate_signers), each followed by its counter-signatures."""
    results = validate_signers(sd, content, settings, kind, key_usage)
    budget = [MAX_COUNTER]
    out: list[SignerResult] = []
    for index, (si, result) in enumerate(zip(sd["signer_infos"], results, strict=False)):
        out.append(result)
        out += _counter_signatures(sd, si, result.info.signer, str(index + 1), settings or {}, 1, budget)
    return out


def _counter_signatures(sd: cms.SignedData, parent: cms.SignerInfo, parent_name: str | None,
                        place: str, settings: dict[str, Any], depth: int,
                        budget: list[int]) -> list[SignerResult]:
    try:
        children = cmsattrs.unsigned_values(parent, cmsattrs.COUNTER_SIGNATURE)
    except (ValueError, TypeError, KeyError) as exc:
        return [_unreadable(f"controfirme illeggibili: {type(exc).__name__}: {exc}"[:300], parent_name, place)]
    out: list[SignerResult] = []
    for n, child in enumerate(children, start=1):
        label = f"{place}.{n}"
        if depth > MAX_DEPTH or budget[0] <= 0:
            out.append(_unreadable(f"controfirme oltre il limite di {MAX_DEPTH} livelli o {MAX_COUNTER} "
                                   "in tutto: non verificate", parent_name, label))
            break
        budget[0] -= 1
        details = {"role": ROLE, "parent": parent_name or "firmatario sconosciuto", "counter_signature": label}
        try:
            result = validate_counter_signature(sd, child, parent, settings, details)
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - a library failure: undetermined, and why
            result = library_failure(sd, child, "cades", f"{type(exc).__name__}: {exc}"[:300], 0, details)
        out.append(result)
        out += _counter_signatures(sd, child, result.info.signer, label, settings, depth + 1, budget)
    return out


def _unreadable(detail: str, parent_name: str | None, place: str) -> SignerResult:
    info = SignatureInfo(kind="cades", indication=Indication.INDETERMINATE, sub_indication=SubIndication.GENERIC,
                         details={"role": ROLE, "parent": parent_name or "firmatario sconosciuto",
                                  "counter_signature": place, "error": detail})
    return SignerResult(info, [indications.finding_for(info)])


def validate_counter_signature(sd: cms.SignedData, cs: cms.SignerInfo, parent: cms.SignerInfo,
                               settings: dict[str, Any], details: dict[str, Any]) -> SignerResult:
    store = trust_from_settings(settings)
    cert = signer_certificate(sd, cs)
    if cert is None:
        info = SignatureInfo(kind="cades", indication=Indication.INDETERMINATE,
                             sub_indication=SubIndication.NO_SIGNING_CERTIFICATE_FOUND, details=details)
        return SignerResult(info, [indications.finding_for(info)])
    certs = [c.chosen for c in sd["certificates"] if c.name == "certificate"]
    when = claimed_signing_time(cs)
    crypto = _integrity(cs, cert, parent["signature"].native, when)
    poe: datetime | None = None
    stamp_findings: list[Finding] = []
    if crypto[0] is Indication.PASSED:
        poe, stamp_findings = _own_timestamps(cs, settings, details)
    details["level"] = "T" if poe else "B"
    info, findings = certpath.finish("cades", cert, certs, store, settings, crypto, when, poe, details)
    return SignerResult(info, findings + stamp_findings)


def _integrity(cs: cms.SignerInfo, cert: Any, parent_value: bytes, when: datetime | None) -> Verdict:
    """EN 319 102-1 5.2.7 for a counter-signature: (indication, sub-indication, message)."""
    from pyhanko.sign.general import check_ess_certid
    from pyhanko.sign.validation.generic_cms import get_signing_cert_attr
    algorithm = cs["digest_algorithm"]["algorithm"].native
    attrs = cs["signed_attrs"]
    if cmsattrs.present(attrs):
        embedded = [a["values"][0].native for a in attrs if a["type"].native == "message_digest"]
        if len(embedded) != 1:
            return Indication.FAILED, SubIndication.FORMAT_FAILURE, "messageDigest assente o ripetuto"
        if embedded[0] != cmsattrs.digest(parent_value, algorithm):
            return Indication.FAILED, SubIndication.HASH_FAILURE, "la controfirma non è sulla firma che la contiene"
        ess = get_signing_cert_attr(attrs)
        if ess is not None and not check_ess_certid(cert, ess["certs"][0]):
            return (Indication.INDETERMINATE, SubIndication.NO_SIGNING_CERTIFICATE_FOUND,
                    "signingCertificate non corrisponde al certificato della controfirma")
    if not (_signature_valid(cs, cert, parent_value) or _resorted_valid(cs, cert)):
        return Indication.FAILED, SubIndication.SIG_CRYPTO_FAILURE, "firma della controfirma non valida"
    policy = DatedAlgorithmPolicy()
    moment = when or validation_time(None)
    verdicts = [policy.digest_algorithm_allowed(cs["digest_algorithm"], moment),
                policy.signature_algorithm_allowed(cs["signature_algorithm"], moment, cert.public_key)]
    for verdict in verdicts:
        if not verdict:
            return (Indication.INDETERMINATE, SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE,
                    str(verdict.failure_reason or "algoritmo non ammesso"))
    return Indication.PASSED, None, ""


def _signature_valid(cs: cms.SignerInfo, cert: Any, parent_value: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from pyhanko_certvalidator.sig_validate import DefaultSignatureValidator, SignatureValidationContext
    attrs = cs["signed_attrs"]
    signed = attrs.untag().dump() if cmsattrs.present(attrs) else parent_value
    try:
        DefaultSignatureValidator().validate_signature(
            cs["signature"].native, signed, cert.public_key, cs["signature_algorithm"],
            context=SignatureValidationContext(
                contextual_md_algorithm=cs["digest_algorithm"]["algorithm"].native))
        return True
    except InvalidSignature:
        return False


def _resorted_valid(cs: cms.SignerInfo, cert: Any) -> bool:
    fixed = resorted_signer_info(cs)
    return fixed is not None and _signature_valid(fixed, cert, b"")


def _own_timestamps(cs: cms.SignerInfo, settings: dict[str, Any],
                    details: dict[str, Any]) -> tuple[datetime | None, list[Finding]]:
    """A counter-signature's own signature timestamps: the earliest valid one is its proof
    of existence; one that does not stamp it is SIG015 (and proves nothing)."""
    proven: list[datetime] = []
    findings: list[Finding] = []
    for token in cmsattrs.unsigned_values(cs, cmsattrs.SIGNATURE_TIMESTAMP)[:5]:
        checked = timestamps.validate_token(token, cs["signature"].native, settings)
        if checked.info.indication is Indication.PASSED and checked.info.signing_time:
            proven.append(datetime.fromisoformat(checked.info.signing_time))
        else:
            findings += [f for f in checked.findings if f.code == "SIG015"] or [
                Finding("SIG015", args={"reason": "marca della controfirma non verificabile"})]
            details["timestamp_invalid"] = str(checked.info.sub_indication or "non valida")
    if proven:
        details["timestamp"] = min(proven).isoformat()
    return (min(proven) if proven else None), findings
