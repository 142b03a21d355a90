"""Revocation status of a signer's certificate: what we hold, and what the certificates name.

Validation stays pyHanko's and deterministic. When the deployment allows the network
(`PEC_PRECHECK_REVOCATION=online`, the default of the app and the CLI), the OCSP
responders (Authority Information Access) and CRL distribution points named by the
signer's certificate and its intermediate CAs are consulted with pyhanko-certvalidator's
aiohttp fetchers — a few requests, short timeouts — and the answers are handed to a
second validation as local knowledge, which then *requires* usable revocation data for
the signer (a forged or stale answer cannot pass as "not revoked"). Whatever happens,
the report says where the status came from, or why it could not be had (SIG011): an
unchecked certificate is never reported as not revoked.
"""
from __future__ import annotations

import asyncio
import base64
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from asn1crypto import x509

from ..model import Finding, SubIndication
from . import revcache

if TYPE_CHECKING:
    from pyhanko_certvalidator.fetchers.api import Fetchers
    from pyhanko_certvalidator.path import ValidationPath
    from pyhanko_certvalidator.policy_decl import CertRevTrustPolicy

    from .trust import TrustStore

ONLINE, OFFLINE = "online", "offline"
PER_REQUEST_SECONDS = 4.0
TOTAL_SECONDS = 8.0            # for the whole path of one signature
MAX_REQUESTS = 8               # a hostile certificate may name hundreds of URLs
# Answers are reused across workers and submissions (revcache: Redis, a folder, or memory)
# for at most ANSWER_TTL and never past their own nextUpdate; a service that just failed or
# hung is not asked again for FAILURE_TTL (the finding says it was not retried).
ANSWER_TTL = 300.0
FAILURE_TTL = 120.0
NO_NEXT_UPDATE_TTL = 60.0      # an answer without nextUpdate: newer data may come any time
CLOCK_SKEW = 300.0             # a thisUpdate further in the future is not trusted for reuse


@dataclass
class Revinfo:
    """Revocation data fetched online for one certification path."""
    crls: list[bytes] = field(default_factory=list)      # DER CertificateList
    ocsps: list[bytes] = field(default_factory=list)     # DER OCSPResponse
    covered: dict[bytes, str] = field(default_factory=dict)  # cert sha256 → where from
    problems: list[str] = field(default_factory=list)

    def covers(self, cert: x509.Certificate) -> bool:
        return cert.sha256 in self.covered

    def dumps(self) -> bytes:
        def b64(items: list[bytes]) -> list[str]:
            return [base64.b64encode(x).decode() for x in items]
        return json.dumps({"crls": b64(self.crls), "ocsps": b64(self.ocsps),
                           "covered": {k.hex(): v for k, v in self.covered.items()},
                           "problems": self.problems}).encode()

    @classmethod
    def loads(cls, data: bytes) -> Revinfo | None:
        try:
            raw = json.loads(data)
            return cls(crls=[base64.b64decode(x) for x in raw["crls"]],
                       ocsps=[base64.b64decode(x) for x in raw["ocsps"]],
                       covered={bytes.fromhex(k): str(v) for k, v in raw["covered"].items()},
                       problems=[str(p) for p in raw["problems"]])
        except (ValueError, KeyError, TypeError, AttributeError):
            return None     # a damaged entry is a miss

    def reusable_for(self, now: datetime) -> float:
        """Seconds these answers may be reused: ANSWER_TTL at most, never past an answer's
        nextUpdate; 0 when one is not yet valid or already stale."""
        from asn1crypto import crl as asn1_crl
        from asn1crypto import ocsp as asn1_ocsp
        bounds: list[tuple[datetime | None, datetime | None]] = []
        try:
            for data in self.ocsps:
                basic = asn1_ocsp.OCSPResponse.load(data)["response_bytes"]["response"].parsed
                for single in basic["tbs_response_data"]["responses"]:
                    bounds.append((single["this_update"].native, single["next_update"].native))
            for data in self.crls:
                tbs = asn1_crl.CertificateList.load(data)["tbs_cert_list"]
                bounds.append((tbs["this_update"].native, tbs["next_update"].native))
        except Exception:  # noqa: BLE001 - answers we cannot date are not reused
            return 0.0
        seconds = ANSWER_TTL
        for this_update, next_update in bounds:
            if this_update is not None and (this_update - now).total_seconds() > CLOCK_SKEW:
                return 0.0
            limit = (next_update - now).total_seconds() if next_update else NO_NEXT_UPDATE_TTL
            seconds = min(seconds, limit)
        return max(seconds, 0.0)


def mode(settings: dict[str, Any] | None) -> str:
    """Settings built by hand (tests, library callers) stay offline unless they say so."""
    return ONLINE if (settings or {}).get("revocation") == ONLINE else OFFLINE


def gather(path: ValidationPath | None, leaf: x509.Certificate, store: TrustStore,
           settings: dict[str, Any] | None) -> Revinfo | None:
    """What the certificates' own services say, for a signer on a trusted path that no
    held data found revoked: only online, and only when no trust source already gave the
    issuer's CRL. None when nothing was asked; the caller validates again when the
    result covers anything."""
    if path is None or mode(settings) != ONLINE or leaf.issuer.sha256 in store.crl_issuers:
        return None
    return fetch(path, settings)


def fetch(path: ValidationPath, settings: dict[str, Any] | None = None) -> Revinfo:
    """OCSP first, CRL when OCSP is not offered or fails, for each non-root certificate of
    `path` (a pyhanko-certvalidator ValidationPath), within TOTAL_SECONDS; answers still
    fresh in the shared cache (revcache) are not asked for again."""
    cache = revcache.store_for(settings)
    key = "answers:" + "/".join(cert.sha256.hex() for cert in path.iter_certs(include_root=False))
    held = cache.get(key)
    cached = Revinfo.loads(held) if held is not None else None
    if cached is not None:
        return cached
    out = Revinfo()
    try:
        asyncio.run(asyncio.wait_for(_fetch_path(path, out, cache), TOTAL_SECONDS))
    except TimeoutError:
        out.problems.append(f"nessuna risposta entro {TOTAL_SECONDS:g} s")
        for cert in path.iter_certs(include_root=False):
            _remember_failure(cache, _ocsp_urls(cert) + _crl_urls(cert))
    except Exception as exc:  # noqa: BLE001 - any network trouble means "not checked", said why
        out.problems.append(_why(exc))
    if out.covered:
        cache.put(key, out.dumps(), out.reusable_for(datetime.now(UTC)))
    return out


def _ocsp_urls(cert: x509.Certificate) -> list[str]:
    from pyhanko_certvalidator.util import get_ocsp_urls
    return list(get_ocsp_urls(cert))


def _crl_urls(cert: x509.Certificate) -> list[str]:
    from pyhanko_certvalidator.fetchers.common_utils import enumerate_delivery_point_urls
    from pyhanko_certvalidator.util import get_relevant_crl_dps
    return [url for dp in get_relevant_crl_dps(cert, use_deltas=False)
            for url in enumerate_delivery_point_urls(dp)]


def _remember_failure(cache: revcache.Layered, urls: list[str]) -> None:
    stamp = str(time.time()).encode()
    for url in urls:
        cache.put("failed:" + url, stamp, FAILURE_TTL)


def _recently_failed(cache: revcache.Layered, urls: list[str]) -> bool:
    return bool(urls) and all(cache.get("failed:" + url) is not None for url in urls)


async def _fetch_path(path: ValidationPath, out: Revinfo, cache: revcache.Layered) -> None:
    from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend
    from pyhanko_certvalidator.fetchers.api import FetchLimits

    backend = AIOHttpFetcherBackend(per_request_timeout=PER_REQUEST_SECONDS,
                                    limits=FetchLimits(max_requests=MAX_REQUESTS))
    fetchers = backend.get_fetchers()
    try:
        certs = list(path.iter_certs(include_root=False))
        await asyncio.gather(*(_fetch_cert(fetchers, path, cert, out, cache) for cert in certs))
    finally:
        # pyhanko-certvalidator leaves FetcherBackend.close() unannotated
        await backend.close()  # type: ignore[no-untyped-call]


async def _fetch_cert(fetchers: Fetchers, path: ValidationPath, cert: x509.Certificate,
                      out: Revinfo, cache: revcache.Layered) -> None:
    ocsp_urls = _ocsp_urls(cert)
    if ocsp_urls and _recently_failed(cache, ocsp_urls):
        out.problems.append(f"OCSP {ocsp_urls[0]}: non ha risposto poco fa, non riprovato")
    elif ocsp_urls:
        try:
            response = await fetchers.ocsp_fetcher.fetch(cert, path.find_issuing_authority(cert))
            if response["response_status"].native == "successful":
                out.ocsps.append(response.dump())
                out.covered[cert.sha256] = "OCSP " + ", ".join(ocsp_urls)
                return
            out.problems.append(f"OCSP {ocsp_urls[0]}: {response['response_status'].native}")
        except Exception as exc:  # noqa: BLE001 - reported, then the CRL is tried
            out.problems.append(f"OCSP {ocsp_urls[0]}: {_why(exc)}")
            _remember_failure(cache, ocsp_urls)
    crl_urls = _crl_urls(cert)
    if not crl_urls:
        if not ocsp_urls:
            out.problems.append(f"{_who(cert)}: il certificato non indica né OCSP né CRL")
        return
    if _recently_failed(cache, crl_urls):
        out.problems.append(f"CRL {crl_urls[0]}: non ha risposto poco fa, non riprovato")
        return
    try:
        crls = await fetchers.crl_fetcher.fetch(cert, use_deltas=False)
    except Exception as exc:  # noqa: BLE001 - reported
        out.problems.append(f"CRL {crl_urls[0]}: {_why(exc)}")
        _remember_failure(cache, crl_urls)
        return
    if crls:
        out.crls.extend(c.dump() for c in crls)
        out.covered[cert.sha256] = "CRL " + ", ".join(crl_urls)
    else:
        out.problems.append(f"CRL {crl_urls[0]}: nessuna lista ricevuta")


def _who(cert: x509.Certificate) -> str:
    try:
        name: str = cert.subject.human_friendly
        return name[:80]
    except Exception:  # noqa: BLE001 - a name we cannot print is still a certificate
        return "certificato"


def _why(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    cause = exc.__cause__ or exc.__context__
    if cause is not None and str(cause) and str(cause) not in text:
        text = f"{text} ({cause})"
    return text[:200]


def policy(revinfo: Revinfo | None, leaf: x509.Certificate | None) -> CertRevTrustPolicy:
    """Soft checking where nothing was fetched (we cannot require what we could not ask);
    required for the signer when we did fetch, so an unusable answer is not a pass."""
    from pyhanko_certvalidator.policy_decl import (CertRevTrustPolicy, RevocationCheckingPolicy,
                                                   RevocationCheckingRule)
    soft = RevocationCheckingRule.CHECK_IF_DECLARED_SOFT
    ee = RevocationCheckingRule.CRL_OR_OCSP_REQUIRED if revinfo and revinfo.covers(leaf) else soft
    # a CRL issued after the signing time still says whether the certificate was revoked
    # before it (its revocation dates): usable for past validation
    return CertRevTrustPolicy(RevocationCheckingPolicy(ee_certificate_rule=ee,
                                                       intermediate_ca_cert_rule=soft),
                              retroactive_revinfo=True)


def crls(store: TrustStore, revinfo: Revinfo | None) -> list[bytes]:
    return list(store.crls) + (revinfo.crls if revinfo else [])


def ocsps(revinfo: Revinfo | None) -> list[bytes]:
    return list(revinfo.ocsps) if revinfo else []


def produced_at(leaf: x509.Certificate, ocsp_answers: list[bytes], crl_answers: list[bytes]) -> str | None:
    """When the newest answer about `leaf` was produced (ISO, UTC): an OCSP response's
    producedAt naming its serial, else a CRL's thisUpdate from its issuer; None when none
    can be read."""
    from asn1crypto import crl as asn1_crl
    from asn1crypto import ocsp as asn1_ocsp
    found: list[datetime] = []
    for data in ocsp_answers:
        try:
            basic = asn1_ocsp.OCSPResponse.load(data)["response_bytes"]["response"].parsed
            tbs = basic["tbs_response_data"]
            if any(single["cert_id"]["serial_number"].native == leaf.serial_number for single in tbs["responses"]):
                found.append(tbs["produced_at"].native)
        except Exception:  # noqa: BLE001 - an answer we cannot date gives no time
            continue
    if not found:
        for data in crl_answers:
            try:
                tbs_list = asn1_crl.CertificateList.load(data)["tbs_cert_list"]
                if tbs_list["issuer"] == leaf.issuer:
                    found.append(tbs_list["this_update"].native)
            except Exception:  # noqa: BLE001 - a CRL we cannot date gives no time
                continue
    latest = max((t for t in found if t is not None), default=None)
    return latest.astimezone(UTC).isoformat(timespec="seconds") if latest else None


# sub-indications by which a validation that required revocation data refused what it got
REVINFO_REFUSED = {SubIndication.TRY_LATER, SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE,
                    SubIndication.REVOCATION_OUT_OF_BOUNDS_NO_POE}


def outcome(leaf: x509.Certificate, store: TrustStore, revinfo: Revinfo | None,
            settings: dict[str, Any] | None, signer: str | None,
            sub_indication: SubIndication | None) -> tuple[dict[str, str], Finding | None]:
    """(details for the report, SIG011 or None) for a signer not found revoked on a
    trusted path; `sub_indication` is the validation's, made with what was fetched."""
    # when the status was asked (the report shows it in Italian time): now, this validation;
    # revocation_produced_at: when the answer itself was made (OCSP producedAt, CRL thisUpdate)
    checked = {"revocation_checked_at": datetime.now(UTC).isoformat(timespec="seconds")}
    if revinfo is not None and revinfo.covers(leaf):
        source = revinfo.covered[leaf.sha256]
        produced = produced_at(leaf, revinfo.ocsps, revinfo.crls)
        if produced:
            checked["revocation_produced_at"] = produced
        if sub_indication in REVINFO_REFUSED:   # required and fetched, yet not accepted
            return {"revocation": "unusable", "revocation_source": source, **checked}, None
        return {"revocation": "good", "revocation_source": source, **checked}, None
    if leaf.issuer.sha256 in store.crl_issuers:
        produced = produced_at(leaf, [], list(store.crls))
        if produced:
            checked["revocation_produced_at"] = produced
        return {"revocation": "good", "revocation_source": "CRL della fonte di fiducia", **checked}, None
    if mode(settings) == OFFLINE:
        why = "verifica senza rete (PEC_PRECHECK_REVOCATION=offline)"
    elif revinfo is not None and revinfo.problems:
        why = "; ".join(revinfo.problems)[:400]
    else:
        why = "il certificato non indica né OCSP né CRL"
    return ({"revocation": "not_checked", "revocation_problem": why},
            Finding("SIG011", detail=why, args={"signer": signer or "?"}))
