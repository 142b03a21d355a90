"""What a signer's certificate says: name, codice fiscale, issuer, qualified statements,
key usage, key size and algorithms (judged with the date rule of ETSI TS 119 312)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, UTC

from asn1crypto import x509

# serialNumber carries the codice fiscale: "TINIT-RSSMRA80A01H501U" (ETSI EN 319 412-1,
# since 2016) or "IT:RSSMRA80A01H501U" (CNIPA Deliberazione 45/2009, before).
_CF_RE = re.compile(r"^(?:TINIT-|IT:)([A-Z0-9]{11,16})$", re.IGNORECASE)

# Dates after which an algorithm no longer protects a *new* signature (ETSI TS 119 312,
# SOG-IS; AgID Deliberazione 45/2009 art. 3 moved Italian signatures to SHA-256 from 2011).
SHA1_SUNSET = datetime(2011, 7, 1, tzinfo=UTC)
RSA1024_SUNSET = datetime(2016, 1, 1, tzinfo=UTC)
RSA_MIN_BITS = 2048


@dataclass(frozen=True)
class SignerCert:
    signer: str | None
    codice_fiscale: str | None
    issuer: str | None
    not_before: str
    not_after: str
    qc_compliance: bool
    qc_sscd: bool
    non_repudiation: bool
    key_algorithm: str
    key_bits: int | None


def describe(cert: x509.Certificate) -> SignerCert:
    subject = cert.subject.native
    name = subject.get("common_name")
    if not name:
        parts = [subject.get("given_name"), subject.get("surname")]
        name = " ".join(p for p in parts if p) or cert.subject.human_friendly
    if isinstance(name, list):
        name = name[0]
    statements = _qc_statements(cert)
    key_usage = cert.key_usage_value.native if cert.key_usage_value else set()
    try:
        bits = cert.public_key.bit_size
    except Exception:  # noqa: BLE001 - exotic keys: size unknown
        bits = None
    return SignerCert(
        signer=str(name) if name else None,
        codice_fiscale=codice_fiscale(cert),
        issuer=_short(cert.issuer),
        not_before=cert["tbs_certificate"]["validity"]["not_before"].native.isoformat(),
        not_after=cert["tbs_certificate"]["validity"]["not_after"].native.isoformat(),
        qc_compliance="qc_compliance" in statements,
        qc_sscd="qc_sscd" in statements,
        non_repudiation="non_repudiation" in key_usage,
        key_algorithm=cert.public_key.algorithm,
        key_bits=bits,
    )


def codice_fiscale(cert: x509.Certificate) -> str | None:
    for rdn in cert.subject.chosen:
        for ava in rdn:
            if ava["type"].native == "serial_number":
                match = _CF_RE.match(str(ava["value"].native).strip())
                if match:
                    return match.group(1).upper()
    return None


def _short(name: x509.Name) -> str:
    native = name.native
    cn = native.get("common_name")
    org = native.get("organization_name")
    if isinstance(cn, list):
        cn = cn[0]
    if cn and org:
        return f"{cn} ({org})"
    short: str = cn or org or name.human_friendly
    return short


def _qc_statements(cert: x509.Certificate) -> set[str]:
    from pyhanko.sign.ades import qualified_asn1
    try:
        return {st["statement_id"].native for st in qualified_asn1.get_qc_statements(cert)}
    except Exception:  # noqa: BLE001 - a malformed QCStatements extension counts as absent
        return set()


def weak_algorithms(digest: str, key_algorithm: str, key_bits: int | None,
                    when: datetime | None) -> list[str]:
    """Algorithms that were already weak at `when` (the best known signing time)."""
    when = when or datetime.now(UTC)
    weak = []
    if digest in ("sha1", "md5", "md2") and (digest != "sha1" or when >= SHA1_SUNSET):
        weak.append(digest.upper().replace("SHA", "SHA-"))
    if (key_algorithm == "rsa" and key_bits and key_bits < RSA_MIN_BITS
            and (key_bits < 1024 or when >= RSA1024_SUNSET)):
        weak.append(f"RSA {key_bits} bit")
    return weak
