"""A signer's certificate outside its validity at the validation time: one decision for
CAdES, PAdES and XAdES (ETSI EN 319 102-1 5.2.6, 5.3.4 step 4, 5.6.2.4).

- A valid signature timestamp (proof of existence, POE) inside the certificate's validity
  moves the validation back to that moment: the caller validates there and keeps that
  outcome (PASSED when the certificate was good then).
- A valid content timestamp proves the signature was made *after* its time: one later
  than the certificate's expiry is FAILED / EXPIRED (5.3.4 4), as DSS reports it).
- Otherwise INDETERMINATE / OUT_OF_BOUNDS_NOT_REVOKED when held revocation data, current
  at the moment the certificate expired, shows it was not revoked then; else
  INDETERMINATE / OUT_OF_BOUNDS_NO_POE.
A claimed signing time (signing-time attribute, xades:SigningTime, PDF /M) proves
nothing either way and is not used here.
"""
from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from asn1crypto import x509

from ..model import Indication, SubIndication

if TYPE_CHECKING:
    from .trust import TrustStore

# what a certificate outside its validity is reported as, before this module decides
OUT_OF_BOUNDS = {SubIndication.OUT_OF_BOUNDS_NO_POE, SubIndication.OUT_OF_BOUNDS_NOT_REVOKED,
                 SubIndication.EXPIRED}


def not_before(leaf: x509.Certificate) -> datetime:
    when: datetime = leaf["tbs_certificate"]["validity"]["not_before"].native
    return when


def not_after(leaf: x509.Certificate) -> datetime:
    when: datetime = leaf["tbs_certificate"]["validity"]["not_after"].native
    return when


def expired_at(leaf: x509.Certificate, moment: datetime) -> bool:
    return moment > not_after(leaf)


def inside(leaf: x509.Certificate, moment: datetime | None) -> bool:
    """Whether `moment` (a proof of existence) lies within the certificate's validity."""
    return moment is not None and not_before(leaf) <= moment <= not_after(leaf)


def settle(indication: Indication, sub: SubIndication | None, leaf: x509.Certificate,
           certs: Iterable[x509.Certificate], store: TrustStore, moment: datetime, *,
           poe: datetime | None, content_time: datetime | None,
           crls: Iterable[bytes] = (), ocsps: Iterable[bytes] = ()
           ) -> tuple[Indication, SubIndication | None]:
    """The final (indication, sub-indication) of a signature whose integrity the caller
    has checked, given what its engine said at `moment` (or at the POE, when the engine
    already moved there). Outcomes not about the signer's expiry are returned unchanged."""
    if not expired_at(leaf, moment):
        return indication, sub
    if indication is Indication.PASSED and inside(leaf, poe):
        return indication, sub                   # validated at the proof of existence
    if indication is not Indication.PASSED and sub not in OUT_OF_BOUNDS:
        return indication, sub                   # broken, untrusted, revoked…: not our question
    return verdict(leaf, certs, store, content_time, crls, ocsps)


def verdict(leaf: x509.Certificate, certs: Iterable[x509.Certificate], store: TrustStore,
            content_time: datetime | None, crls: Iterable[bytes] = (),
            ocsps: Iterable[bytes] = ()) -> tuple[Indication, SubIndication]:
    """An expired signer with no proof of existence inside its validity."""
    if content_time is not None and content_time > not_after(leaf):
        return Indication.FAILED, SubIndication.EXPIRED
    if not_revoked_at_expiry(leaf, certs, store, crls, ocsps):
        return Indication.INDETERMINATE, SubIndication.OUT_OF_BOUNDS_NOT_REVOKED
    return Indication.INDETERMINATE, SubIndication.OUT_OF_BOUNDS_NO_POE


def not_revoked_at_expiry(leaf: x509.Certificate, certs: Iterable[x509.Certificate], store: TrustStore,
                          crls: Iterable[bytes] = (), ocsps: Iterable[bytes] = ()) -> bool:
    """Whether held revocation data (a CRL or OCSP answer current at the certificate's
    expiry: thisUpdate ≤ notAfter ≤ nextUpdate, signed for its issuer) shows it was not
    revoked then. A CRL issued later proves nothing (CAs drop expired certificates from
    their lists), so revocation data is not taken retroactively here."""
    from pyhanko_certvalidator import CertificateValidator, ValidationContext
    from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError, ValidationError
    from pyhanko_certvalidator.policy_decl import (CertRevTrustPolicy, RevocationCheckingPolicy,
                                                   RevocationCheckingRule)
    from .policy import DatedAlgorithmPolicy

    crls, ocsps = list(crls), list(ocsps)
    if not crls and not ocsps:
        return False
    policy = CertRevTrustPolicy(RevocationCheckingPolicy(
        ee_certificate_rule=RevocationCheckingRule.CRL_OR_OCSP_REQUIRED,
        intermediate_ca_cert_rule=RevocationCheckingRule.CHECK_IF_DECLARED_SOFT),
        retroactive_revinfo=False)
    context = ValidationContext(
        trust_manager=store.trust_manager(), other_certs=[c for c in certs if c is not leaf],
        crls=crls, ocsps=ocsps, allow_fetching=False, revinfo_policy=policy,
        algorithm_usage_policy=DatedAlgorithmPolicy(),
        moment=not_after(leaf) - timedelta(seconds=1))
    try:
        asyncio.run(CertificateValidator(leaf, validation_context=context)
                    .async_validate_usage(set()))  # type: ignore[no-untyped-call]
    except (PathBuildingError, PathValidationError, ValidationError):
        return False
    return True
