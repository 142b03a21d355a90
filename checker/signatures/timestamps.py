"""Timestamps as proof of existence: RFC 3161 tokens in .tsd (RFC 5544 TimeStampedData)
and .m7m (MIME bundle of a .p7m and its .tsr). CAdES-T signature timestamps are
handled inside cms.validate_signers by pyHanko's "validation with time".

asn1crypto's TimeStampedData schema declares TimeStampAndCRL.timeStamp as an
EncapsulatedContentInfo, but RFC 5544 says TimeStampToken ::= ContentInfo, so a correct
.tsd does not parse with it; the schema below fixes that one field and reuses the rest.
Each token is validated by pyHanko's ETSI EN 319 102-1 5.4 timestamp validation.
"""
from __future__ import annotations

import asyncio
import email
import email.policy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, UTC
from typing import Any

from asn1crypto import cms, core, crl, tsp

from ..model import Finding, Indication, SignatureInfo, SubIndication
from .asn1errors import parse_errors
from . import ber, certinfo, indications
from .cms import SignerResult, _spec, trust_from_settings
from .cmsattrs import digest, present
from .validation_time import validation_time

TSD_OID = "1.2.840.113549.1.9.16.1.31"
MAX_TOKENS = 20


class TimestampFormatError(ValueError):
    pass


class TimeStampAndCRL(core.Sequence):
    _fields = [("time_stamp", cms.ContentInfo), ("crl", crl.CertificateList, {"optional": True})]


class TimeStampTokenEvidence(core.SequenceOf):
    _child_spec = TimeStampAndCRL


class Evidence(core.Choice):
    _alternatives = [("tst_evidence", TimeStampTokenEvidence, {"implicit": 0}),
                     ("ers_evidence", tsp.EvidenceRecord, {"implicit": 1}),
                     ("other_evidence", tsp.OtherEvidence, {"implicit": 2})]


class TimeStampedData(core.Sequence):
    _fields = [("version", core.Integer), ("data_uri", core.IA5String, {"optional": True}),
               ("meta_data", tsp.MetaData, {"optional": True}),
               ("content", core.OctetString, {"optional": True}),
               ("temporal_evidence", Evidence)]


class TsdContentInfo(core.Sequence):
    _fields = [("content_type", core.ObjectIdentifier),
               ("content", TimeStampedData, {"explicit": 0})]


@dataclass
class Stamped:
    content: bytes | None
    tokens: list[cms.ContentInfo]
    file_name: str | None = None


def read_tsd(data: bytes) -> Stamped:
    from .cms import decode_transport
    with parse_errors(TimestampFormatError):
        der, _ = decode_transport(data)
        try:
            der, _ = ber.to_definite(der)
        except ber.BerError as exc:
            raise TimestampFormatError(str(exc)) from None
        info = TsdContentInfo.load(der, strict=False)
        if info["content_type"].dotted != TSD_OID:
            raise TimestampFormatError("not an RFC 5544 TimeStampedData")
        tsd = info["content"]
        content = _octets(tsd["content"]) if present(tsd["content"]) else None
        evidence = tsd["temporal_evidence"]
        if evidence.name != "tst_evidence":
            raise TimestampFormatError(f"evidence {evidence.name} not supported")
        tokens = [item["time_stamp"] for item in evidence.chosen][:MAX_TOKENS]
        for t in tokens:
            t["content"]["encap_content_info"]["content"].parsed.native  # noqa: B018 - parse now
        name = None
        meta = tsd["meta_data"]
        if present(meta) and present(meta["file_name"]):
            name = meta["file_name"].native
        return Stamped(content, tokens, name)


def _octets(value: core.OctetString) -> bytes:
    return value.native if isinstance(value.native, bytes) else bytes(value)


def read_m7m(data: bytes) -> Stamped:
    """The .p7m part and the timestamp part(s) of an .m7m MIME bundle."""
    try:
        msg = email.message_from_bytes(data, policy=email.policy.compat32)
    except Exception as exc:  # noqa: BLE001
        raise TimestampFormatError(f"MIME: {exc}") from None
    envelope: bytes | None = None
    tokens: list[cms.ContentInfo] = []
    name: str | None = None
    for n, part in enumerate(msg.walk()):
        if n > 50:
            break
        if part.is_multipart():
            continue
        ctype = part.get_content_type().lower()
        fname = (part.get_filename() or "").lower()
        payload = part.get_payload(decode=True) or b""
        if not isinstance(payload, bytes):   # decode=True gives bytes for a non-multipart part
            continue
        if "pkcs7-mime" in ctype or fname.endswith(".p7m"):
            envelope, name = payload, part.get_filename()
        elif "timestamp" in ctype or fname.endswith((".tsr", ".tst")):
            token = _token_from(payload)
            if token is not None:
                tokens.append(token)
    if envelope is None:
        raise TimestampFormatError("no .p7m part")
    if not tokens:
        raise TimestampFormatError("no readable timestamp part")
    return Stamped(envelope, tokens, name)


def _token_from(payload: bytes) -> cms.ContentInfo | None:
    """A .tsr holds either a bare TimeStampToken or a whole TimeStampResp."""
    from .cms import decode_transport
    try:
        der, _ = decode_transport(payload)
    except ValueError:
        return None
    loaders: tuple[Callable[[bytes], cms.ContentInfo], ...] = (
        lambda d: cms.ContentInfo.load(d, strict=False),
        lambda d: tsp.TimeStampResp.load(d, strict=False)["time_stamp_token"])
    for loader in loaders:
        try:
            token = loader(der)
            if token["content_type"].native == "signed_data":
                token["content"]["encap_content_info"]["content"].parsed.native  # noqa: B018
                return token
        except Exception:  # noqa: BLE001 - try the next shape
            continue
    return None


def validate_token(token: cms.ContentInfo, content: bytes, settings: dict[str, Any] | None) -> SignerResult:
    """ETSI EN 319 102-1 5.4 validation of one RFC 3161 token over `content`."""
    from pyhanko.sign.validation.ades import ades_timestamp_validation
    from pyhanko_certvalidator.ltv.types import ValidationTimingInfo

    store = trust_from_settings(settings)
    sd = token["content"]
    try:
        tst_info = sd["encap_content_info"]["content"].parsed
        gen_time: datetime = tst_info["gen_time"].native
        imprint_algo = tst_info["message_imprint"]["hash_algorithm"]["algorithm"].native
    except Exception as exc:  # noqa: BLE001
        info = SignatureInfo(kind="timestamp", indication=Indication.FAILED,
                             sub_indication=SubIndication.FORMAT_FAILURE,
                             details={"error": f"{type(exc).__name__}: {exc}"[:200]})
        return SignerResult(info, [Finding("SIG015", args={"reason": "TSTInfo illeggibile"})])

    def imprint(algo: str) -> bytes:
        return digest(content, algo)

    moment = validation_time(settings or {})
    timing = ValidationTimingInfo(validation_time=moment, best_signature_time=moment,
                                  point_in_time_validation=False)
    try:
        result = asyncio.run(ades_timestamp_validation(sd, _spec(store), imprint,
                                                       timing_info=timing))
        subindic = result.ades_subindic
        indication, sub = indications.from_pyhanko(subindic)
        status = result.api_status
    except Exception as exc:  # noqa: BLE001 - pyHanko raises on structural problems
        indication, sub, status = Indication.FAILED, SubIndication.FORMAT_FAILURE, None
        detail = f"{type(exc).__name__}: {exc}"[:200]
    else:
        detail = result.failure_msg or ""
    tsa = None
    if status is not None and getattr(status, "signing_cert", None) is not None:
        tsa = certinfo.describe(status.signing_cert).signer
    intact = status is not None and status.intact and status.valid
    info = SignatureInfo(kind="timestamp", signer=tsa, issuer=None,
                         signing_time=gen_time.astimezone(UTC).isoformat(),
                         qualified=None, indication=indication, sub_indication=sub,
                         details={"hash_algorithm": imprint_algo, "message": str(detail)[:300]})
    findings = []
    if status is not None and not status.intact:
        findings.append(Finding("SIG015", args={"reason": "l'impronta non corrisponde al documento"}))
    elif not intact:
        findings.append(Finding("SIG015", args={"reason": sub.value if sub else "firma della marca non valida"}))
    else:
        findings.append(Finding("SIG014", args={"time": gen_time.strftime("%d/%m/%Y %H:%M:%S UTC"),
                                                "tsa": tsa or "un'autorità di marcatura"}))
        if indication is not Indication.PASSED:
            findings.append(indications.finding_for(info, trust_configured=store.configured))
    return SignerResult(info, findings)
