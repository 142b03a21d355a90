"""PAdES LTV evidence: the revocation data a PDF carries in its Document Security Store.

A PAdES-LT/LTA file keeps, in the catalog's /DSS, the OCSP responses and CRLs that were
valid when it was signed (ETSI EN 319 142-1 5.4). They are evidence like an answer
fetched online: handed to pyHanko's validation as local knowledge, and when they speak
for the signer's certificate the validation *requires* them to be usable, so a stale or
forged entry cannot pass as "not revoked". The report then names the source, "DSS".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509

from . import revocation

if TYPE_CHECKING:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko_certvalidator.path import ValidationPath

SOURCE = "DSS"
MAX_ITEMS = 500


@dataclass
class Evidence:
    ocsps: list[bytes] = field(default_factory=list)   # DER OCSPResponse
    crls: list[bytes] = field(default_factory=list)    # DER CertificateList
    certs: list[x509.Certificate] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def present(self) -> bool:
        return bool(self.ocsps or self.crls or self.certs)


def read(reader: PdfFileReader) -> Evidence:
    """Everything readable in the /DSS; a broken entry is a recorded problem, never a crash."""
    from pyhanko.pdf_utils.misc import get_and_apply
    out = Evidence()
    try:
        dss = reader.root.get("/DSS")
        if dss is None:
            return out
        dss = dss.get_object()
        for key, sink in (("/OCSPs", out.ocsps), ("/CRLs", out.crls)):
            for ref in list(get_and_apply(dss, key, list, default=[]))[:MAX_ITEMS]:
                try:
                    sink.append(bytes(ref.get_object().data))
                except Exception as exc:  # noqa: BLE001 - one unreadable entry, the others still count
                    out.problems.append(f"{key}: {type(exc).__name__}: {exc}"[:200])
        for ref in list(get_and_apply(dss, "/Certs", list, default=[]))[:MAX_ITEMS]:
            try:
                cert = x509.Certificate.load(bytes(ref.get_object().data))
                cert.native  # noqa: B018 - parse now: a broken entry fails here
                out.certs.append(cert)
            except Exception as exc:  # noqa: BLE001 - see above
                out.problems.append(f"/Certs: {type(exc).__name__}: {exc}"[:200])
    except Exception as exc:  # noqa: BLE001 - a DSS pyHanko cannot walk is evidence we do not have
        out.problems.append(f"/DSS: {type(exc).__name__}: {exc}"[:200])
    return out


def revinfo_for(evidence: Evidence, path: ValidationPath | None,
                fetched: revocation.Revinfo | None = None) -> revocation.Revinfo | None:
    """The DSS data as revocation evidence for `path` (with anything fetched online added):
    which certificates of the path a DSS OCSP response or CRL speaks for."""
    if path is None or not (evidence.ocsps or evidence.crls):
        return fetched
    out = revocation.Revinfo(crls=list(evidence.crls), ocsps=list(evidence.ocsps))
    if fetched is not None:
        out.crls += fetched.crls
        out.ocsps += fetched.ocsps
        out.covered.update(fetched.covered)
        out.problems += fetched.problems
    ocsp_serials = _ocsp_subjects(evidence.ocsps)
    crl_issuers = _crl_issuers(evidence.crls)
    for cert in path.iter_certs(include_root=False):
        if cert.sha256 in out.covered:
            continue
        by_ocsp = {(cert.serial_number, "sha1", cert.issuer.sha1),
                   (cert.serial_number, "sha256", cert.issuer.sha256)} & ocsp_serials
        # pyhanko-certvalidator consults a held answer only for a service the certificate names
        if (by_ocsp and revocation._ocsp_urls(cert)) or (
                cert.issuer.sha256 in crl_issuers and revocation._crl_urls(cert)):
            out.covered[cert.sha256] = SOURCE
    return out


def _ocsp_subjects(responses: list[bytes]) -> set[tuple[int, str, bytes]]:
    """(serial, hash algorithm, issuer name hash) of every single response (RFC 6960 CertID)."""
    out: set[tuple[int, str, bytes]] = set()
    for der in responses:
        try:
            basic = asn1_ocsp.OCSPResponse.load(der).basic_ocsp_response
            for single in basic["tbs_response_data"]["responses"]:
                cert_id = single["cert_id"]
                out.add((cert_id["serial_number"].native, cert_id["hash_algorithm"]["algorithm"].native,
                         cert_id["issuer_name_hash"].native))
        except Exception:  # noqa: BLE001 - an unreadable response covers nothing
            continue
    return out


def _crl_issuers(crls: list[bytes]) -> set[bytes]:
    out: set[bytes] = set()
    for der in crls:
        try:
            out.add(asn1_crl.CertificateList.load(der)["tbs_cert_list"]["issuer"].sha256)
        except Exception:  # noqa: BLE001 - an unreadable CRL covers nothing
            continue
    return out
