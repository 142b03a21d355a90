"""A signer's certificate judged apart from the signature's integrity: path to a trust
anchor, validity at a moment, revocation, qualification (ETSI EN 319 102-1 5.2.6, 5.5).

Used where pyHanko's CMS validation does not run: XAdES (the XML is verified by signxml or
xmlsec, cryptography only) and CAdES counter-signatures (no content-type attribute, which
pyHanko's CMS validation requires). Integrity is the caller's verdict; this module only
turns a PASSED cryptographic check into the certificate's verdict, using a proof of
existence (a valid signature timestamp) to validate at the time it proves.
"""
from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Any

from asn1crypto import x509

from ..model import Finding, Indication, SignatureInfo, SubIndication
from . import certinfo, indications, outofbounds, revocation
from .policy import DatedAlgorithmPolicy, qualification
from .validation_time import validation_time
from .trust import TrustStore, qualified_at

if TYPE_CHECKING:
    from pyhanko_certvalidator.path import ValidationPath

# what a proof of existence before the event can resolve (EN 319 102-1 5.6.2.4)
POE_FIXABLE = {SubIndication.OUT_OF_BOUNDS_NO_POE, SubIndication.OUT_OF_BOUNDS_NOT_REVOKED,
               SubIndication.EXPIRED, SubIndication.REVOKED_NO_POE,
               SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE}

# (indication, sub-indication, message) of a cryptographic check
Verdict = tuple[Indication, SubIndication | None, str]
_PathOutcome = tuple[Indication, SubIndication | None, "ValidationPath | None", bool]


def validate_path(leaf: x509.Certificate, certs: list[x509.Certificate], store: TrustStore,
                  moment: datetime, revinfo: revocation.Revinfo | None = None) -> _PathOutcome:
    """(indication, sub_indication, path, revoked) from pyhanko-certvalidator at `moment`."""
    from pyhanko_certvalidator import CertificateValidator, ValidationContext
    from pyhanko_certvalidator.errors import (DisallowedAlgorithmError, ExpiredError,
                                              InsufficientRevinfoError, NotYetValidError,
                                              PathBuildingError, PathValidationError, RevokedError)
    context = ValidationContext(
        trust_manager=store.trust_manager(), other_certs=[c for c in certs if c is not leaf],
        crls=revocation.crls(store, revinfo), ocsps=revocation.ocsps(revinfo), allow_fetching=False,
        revinfo_policy=revocation.policy(revinfo, leaf),
        algorithm_usage_policy=DatedAlgorithmPolicy(), moment=moment)
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
    except NotYetValidError:
        return Indication.INDETERMINATE, SubIndication.NOT_YET_VALID, None, False
    except ExpiredError:
        return Indication.INDETERMINATE, SubIndication.OUT_OF_BOUNDS_NO_POE, None, False
    except DisallowedAlgorithmError:
        return Indication.INDETERMINATE, SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE, None, False
    except InsufficientRevinfoError:
        return Indication.INDETERMINATE, SubIndication.TRY_LATER, None, False
    except PathValidationError:
        return Indication.INDETERMINATE, SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE, None, False


def _judge_at(leaf: x509.Certificate, certs: list[x509.Certificate], store: TrustStore,
              settings: dict[str, Any], moment: datetime
              ) -> tuple[_PathOutcome, revocation.Revinfo | None]:
    outcome = validate_path(leaf, certs, store, moment)
    revinfo = revocation.gather(outcome[2], leaf, store, settings)
    if revinfo and revinfo.covered:   # validate again, the answers now required
        outcome = validate_path(leaf, certs, store, moment, revinfo)
    return outcome, revinfo


def finish(kind: str, leaf: x509.Certificate, certs: list[x509.Certificate], store: TrustStore,
           settings: dict[str, Any], crypto: Verdict, when: datetime | None,
           poe: datetime | None = None, details: dict[str, Any] | None = None,
           content_time: datetime | None = None) -> tuple[SignatureInfo, list[Finding]]:
    """The SignatureInfo and findings of a signature whose cryptographic verdict is
    `crypto`: the certificate is judged only when the cryptography PASSED (integrity
    first), now, and again at `poe` when that proof of existence resolves the outcome; an
    expired signer is then decided by outofbounds (`content_time`: a valid content
    timestamp's time, proof the signature was made after it)."""
    indication, sub, message = crypto
    described = certinfo.describe(leaf)
    path: ValidationPath | None = None
    revoked = False
    revinfo: revocation.Revinfo | None = None
    info_details: dict[str, Any] = {
        "key": f"{described.key_algorithm.upper()} {described.key_bits or '?'}",
        "not_before": described.not_before, "not_after": described.not_after, "message": message}
    info_details.update(details or {})
    if indication is Indication.PASSED:
        (indication, sub, path, revoked), revinfo = _judge_at(leaf, certs, store, settings,
                                                              validation_time(settings))
        if sub in POE_FIXABLE and poe is not None:
            (indication, sub, path, revoked), revinfo = _judge_at(leaf, certs, store, settings, poe)
            info_details["proof_of_existence"] = poe.isoformat()
        indication, sub = outofbounds.settle(
            indication, sub, leaf, certs, store, validation_time(settings), poe=poe,
            content_time=content_time, crls=revocation.crls(store, revinfo),
            ocsps=revocation.ocsps(revinfo))
    in_list = None
    if path is not None and store.registry is not None:
        in_list = qualified_at(store, list(path.iter_authorities()), poe or when)
    qualified = qualification(described, path is not None, in_list)
    shown = poe or when
    info = SignatureInfo(kind=kind, signer=described.signer, codice_fiscale=described.codice_fiscale,
                         issuer=described.issuer, signing_time=shown.isoformat() if shown else None,
                         qualified=qualified, indication=indication, sub_indication=sub,
                         details=info_details)
    if indication is Indication.INDETERMINATE and sub is SubIndication.GENERIC and message:
        info.details["error"] = message
    if not store.configured and indication is Indication.INDETERMINATE:
        info.details["trust"] = "not_configured"
    findings = [indications.finding_for(info, trust_configured=store.configured)]
    if indication is Indication.PASSED:
        if not revoked:
            checked, unchecked = revocation.outcome(leaf, store, revinfo, settings,
                                                    described.signer, sub)
            info.details.update(checked)
            if unchecked:
                findings.append(unchecked)
        if not described.non_repudiation:
            findings.append(Finding("SIG010", args={"signer": described.signer or "?"}))
        if qualified is False:
            findings.append(Finding("SIG013", args={"signer": described.signer or "?"}))
    return info, findings
