"""What a CAdES SignerInfo carries beside its signature: the unsigned attributes that
matter to validation — signature timestamps (CAdES-T) and counter-signatures — read as
stored, and the SignerInfo rebuilt without some of them (unsigned attributes are not
covered by the signature, so dropping one never changes what was signed).
"""
from __future__ import annotations

from asn1crypto import cms, core

from .ber import der_length

SIGNATURE_TIMESTAMP = "signature_time_stamp_token"    # 1.2.840.113549.1.9.16.2.14
COUNTER_SIGNATURE = "counter_signature"               # 1.2.840.113549.1.9.6


def present(value: core.Asn1Value | None) -> bool:
    """An OPTIONAL field that is really there (asn1crypto gives Void for absent ones)."""
    return value is not None and not isinstance(value, core.Void) and value.contents is not None


def digest(content: bytes, algorithm: str) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from pyhanko.sign.general import get_pyca_cryptography_hash
    h = hashes.Hash(get_pyca_cryptography_hash(algorithm))
    h.update(content)
    return h.finalize()


def unsigned_values(si: cms.SignerInfo, kind: str) -> list[core.Asn1Value]:
    attrs = si["unsigned_attrs"]
    if not present(attrs):
        return []
    return [value for attr in attrs if attr["type"].native == kind for value in attr["values"]]


def timestamp_problem(si: cms.SignerInfo, token: cms.ContentInfo) -> str | None:
    """Why a signature timestamp does not stamp this signature (its message imprint is not
    the digest of this SignerInfo's signature value), or None."""
    try:
        imprint = token["content"]["encap_content_info"]["content"].parsed["message_imprint"]
        algorithm = imprint["hash_algorithm"]["algorithm"].native
        hashed = imprint["hashed_message"].native
        expected = digest(si["signature"].native, algorithm)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return f"marca della firma illeggibile ({type(exc).__name__})"
    if hashed != expected:
        return "la marca non è di questa firma: la sua impronta non corrisponde (copiata da un'altra firma?)"
    return None


def without_timestamps(si: cms.SignerInfo, dropped: list[cms.ContentInfo]) -> cms.SignerInfo:
    """`si` with the signature timestamps in `dropped` removed, every other byte kept."""
    gone = {token.dump() for token in dropped}
    kept_attrs = []
    for attr in si["unsigned_attrs"]:
        if attr["type"].native != SIGNATURE_TIMESTAMP:
            kept_attrs.append(attr.dump())
            continue
        values = [v.dump() for v in attr["values"] if v.dump() not in gone]
        if values:
            body = b"".join(values)
            inner = attr["type"].dump() + b"\x31" + der_length(len(body)) + body
            kept_attrs.append(b"\x30" + der_length(len(inner)) + inner)
    parts = [si["version"].dump(), si["sid"].dump(), si["digest_algorithm"].dump()]
    if present(si["signed_attrs"]):
        parts.append(si["signed_attrs"].dump())
    parts += [si["signature_algorithm"].dump(), si["signature"].dump()]
    if kept_attrs:
        body = b"".join(kept_attrs)
        parts.append(b"\xa1" + der_length(len(body)) + body)
    inner = b"".join(parts)
    return cms.SignerInfo.load(b"\x30" + der_length(len(inner)) + inner)
