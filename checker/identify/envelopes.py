"""Signed and time-stamped envelopes (CMS): .p7m (content inside), .p7s (detached
signature), .tsd (RFC 5544 TimeStampedData) and .tsr (RFC 3161 token or response), in DER,
BER, PEM or Base64. asn1crypto parses lazily: only the outer layers are decoded here."""
from __future__ import annotations

import base64
import binascii
from asn1crypto import cms, pem, tsp  # noqa: F401 - tsp registers the TimeStampedData OID

from .sniffed import Sniffed

SIGNED_DATA_OID = bytes.fromhex("06092a864886f70d010702")  # 1.2.840.113549.1.7.2, DER
_TIMESTAMPED_DATA_OID = bytes.fromhex("060b2a864886f70d010910011f")  # 1.2.840.113549.1.9.16.1.31
_CMS_OIDS = (SIGNED_DATA_OID, _TIMESTAMPED_DATA_OID)


def sniff_cms(der: bytes) -> Sniffed | None:
    """p7m / p7s / tsd / tsr from DER or BER bytes, or None if they are no such structure.
    asn1crypto parses lazily: only the outer layers are decoded here."""
    try:
        info = cms.ContentInfo.load(der)
        ctype = info["content_type"].dotted
    except Exception:  # noqa: BLE001 - not a ContentInfo
        info, ctype = None, ""
    if ctype == "1.2.840.113549.1.7.2":  # signedData
        try:
            return _signed_data(info["content"])
        except Exception:  # noqa: BLE001 - asn1crypto parses lazily: damage shows up here
            return None
    if ctype == "1.2.840.113549.1.9.16.1.31":  # id-ct-timestampedData (RFC 5544)
        try:
            tsd = info["content"]
            has = tsd["content"].native is not None
        except Exception:  # noqa: BLE001 - damaged inside: the signature check says what
            has = None
        return Sniffed("tsd", {"content": has})
    try:  # an RFC 3161 TimeStampResp: PKIStatusInfo followed by the token
        resp = tsp.TimeStampResp.load(der)
        resp["status"]["status"].native  # noqa: B018 - parsed now: garbage raises here
        token = resp["time_stamp_token"]
        if token["content_type"].dotted == "1.2.840.113549.1.7.2":
            found = _signed_data(token["content"])
            if found and found.id == "tsr":
                found.details["response"] = True
                return found
    except Exception:  # noqa: BLE001 - asn1crypto raises anything on what is no response
        return None
    return None


def _signed_data(signed: cms.SignedData) -> Sniffed | None:
    try:
        eci = signed["encap_content_info"]
        etype = eci["content_type"].dotted
        content = eci["content"]
        has_content = content.native is not None if content is not None else False
        signers = len(signed["signer_infos"])
    except Exception:  # noqa: BLE001 - damaged: no envelope identification can vouch for
        return None
    if etype == "1.2.840.113549.1.9.16.1.4":  # id-ct-TSTInfo: a time-stamp token
        return Sniffed("tsr", {"signers": signers})
    return Sniffed("p7m" if has_content else "p7s", {"signers": signers, "content_type": etype})


def definite_length(der: bytes) -> bool:
    """DER (or definite-length BER) when the outer SEQUENCE has a definite length."""
    return len(der) > 1 and der[1] != 0x80


def sniff_pem_cms(data: bytes) -> Sniffed | None:
    try:
        _type, _headers, der = pem.unarmor(data.strip())
    except Exception:  # noqa: BLE001 - not PEM after all
        return None
    found = sniff_cms(der)
    if found:
        found.details["encoding"] = "pem"
    return found


def sniff_base64_cms(data: bytes) -> Sniffed | None:
    try:  # the first 48 bytes tell whether this is a signed envelope: decode all only then
        start = base64.b64decode(b"".join(data[:256].split())[:64])
    except (binascii.Error, ValueError):
        return None
    if start[:1] != b"\x30" or not any(oid in start[:48] for oid in _CMS_OIDS):
        return None
    try:
        der = base64.b64decode(b"".join(data.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    if der[:1] != b"\x30":
        return None
    found = sniff_cms(der)
    if found:
        found.details["encoding"] = "base64"
    return found
