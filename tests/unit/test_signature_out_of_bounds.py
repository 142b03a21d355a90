"""An expired signer certificate, decided the same way for CAdES, PAdES and XAdES
(ETSI EN 319 102-1 5.2.6, 5.3.4 step 4, 5.6.2.4; checker/signatures/outofbounds.py).

Each sample is the expired test signer's intact signature, different in exactly one way:
- nothing proves when it was made → INDETERMINATE / OUT_OF_BOUNDS_NO_POE (SIG007);
- an archived CRL, current when the certificate expired, does not list it (in the trust
  folder, or for PAdES in the PDF's DSS, the intermediate coming from the signature)
  → INDETERMINATE / OUT_OF_BOUNDS_NOT_REVOKED (SIG007);
- a signature timestamp while the certificate was valid → PASSED at that moment (SIG001);
- a signature timestamp after expiry proves nothing → OUT_OF_BOUNDS_NO_POE (SIG007);
- a content timestamp after expiry proves it was made later → FAILED / EXPIRED (SIG033);
- a legacy adbe.x509.rsa_sha1 PDF signature (no timestamps possible): revocation data alone.
"""
from __future__ import annotations

import datetime as dt

import pytest

import pdfsig as S
import pki as P
import xades_forge as X
from checker import catalogue
from checker.model import InputFile
from checker.signatures import cms, outofbounds, pades, xades

DOC = b"Domanda di iscrizione all'albo, firmata." * 20


@pytest.fixture(scope="module")
def k(tmp_path_factory):
    return P.shared(tmp_path_factory)


def while_valid(k):
    return k.expired.cert.not_valid_after_utc - dt.timedelta(days=30)


def after_expiry(k):
    return k.expired.cert.not_valid_after_utc + dt.timedelta(days=30)


@pytest.fixture(scope="module")
def archived_crl_trust(k, tmp_path_factory):
    """Root + a CRL issued the day before the signer's certificate expired (not listing it)."""
    crl = P.crl_at(k, k.expired.cert.not_valid_after_utc - dt.timedelta(days=1))
    return P.trust_folder(k, tmp_path_factory.mktemp("archived-crl"), crl)


def cades(data, trust):
    env = cms.load_envelope(data)
    [r] = cms.validate_signers(env.signed_data, env.content, {"trust": [trust]})
    return r.info, [f.code for f in r.findings]


def pdf(data, trust):
    r = pades.check(InputFile("domanda.pdf", data), {"trust": [trust]})
    [info] = r.signatures
    return info, [f.code for f in r.findings]


def xml(data, trust):
    r = xades.check(InputFile("fattura.xml", data), {"trust": [trust]})
    [info] = r.signatures
    return info, [f.code for f in r.findings]


def verdict(info):
    return info.indication, info.sub_indication


# --- no proof of existence --------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["cades", "pades", "xades"])
def test_expired_without_proof_of_existence_is_out_of_bounds_no_poe(k, fmt):
    if fmt == "cades":
        info, codes = cades(P.cades(k, k.expired, DOC, signing_time=while_valid(k)), k.pem_trust)
    elif fmt == "pades":
        info, codes = pdf(P.pades(k, k.expired, P.plain_pdf()), k.pem_trust)
    else:
        info, codes = xml(P.xades(k, k.expired), k.pem_trust)
    assert verdict(info) == ("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE")
    assert codes[0] == "SIG007"


# --- revocation data current at expiry: not revoked ---------------------------------------

@pytest.mark.parametrize("fmt", ["cades", "pades", "xades"])
def test_archived_crl_at_expiry_gives_out_of_bounds_not_revoked(k, fmt, archived_crl_trust):
    if fmt == "cades":
        info, codes = cades(P.cades(k, k.expired, DOC, signing_time=while_valid(k)), archived_crl_trust)
    elif fmt == "pades":   # the CRL from the trust folder; the intermediate from the signature
        info, codes = pdf(P.pades(k, k.expired, P.plain_pdf()), archived_crl_trust)
    else:
        info, codes = xml(P.xades(k, k.expired), archived_crl_trust)
    assert verdict(info) == ("INDETERMINATE", "OUT_OF_BOUNDS_NOT_REVOKED")
    assert codes[0] == "SIG007"


def test_pades_archived_crl_in_the_dss_gives_out_of_bounds_not_revoked(k, tmp_path):
    crl = P.crl_at(k, k.expired.cert.not_valid_after_utc - dt.timedelta(days=1))
    signed = S.add_dss(P.pades(k, k.expired, P.plain_pdf()), crls=[crl])
    info, codes = pdf(signed, P.trust_folder(k, tmp_path / "root-only"))
    assert verdict(info) == ("INDETERMINATE", "OUT_OF_BOUNDS_NOT_REVOKED")
    assert codes[0] == "SIG007"


def test_pades_archived_crl_in_the_dss_listing_the_certificate_is_no_proof(k, tmp_path):
    crl = P.crl_at(k, k.expired.cert.not_valid_after_utc - dt.timedelta(days=1), revoked=(k.expired,))
    signed = S.add_dss(P.pades(k, k.expired, P.plain_pdf()), crls=[crl])
    info, _ = pdf(signed, P.trust_folder(k, tmp_path / "root-only"))
    assert info.sub_indication != "OUT_OF_BOUNDS_NOT_REVOKED"
    assert info.indication != "PASSED"


def test_archived_crl_listing_the_certificate_is_no_proof_of_not_revoked(k, tmp_path):
    crl = P.crl_at(k, k.expired.cert.not_valid_after_utc - dt.timedelta(days=1), revoked=(k.expired,))
    trust = P.trust_folder(k, tmp_path / "revoked", crl)
    info, _ = cades(P.cades(k, k.expired, DOC, signing_time=while_valid(k)), trust)
    assert info.sub_indication != "OUT_OF_BOUNDS_NOT_REVOKED"
    assert info.indication != "PASSED"


def test_a_crl_issued_after_expiry_proves_nothing(k):
    """The shared trust folder's CRL is issued today: expired certificates are dropped from
    CRLs, so its silence says nothing about the moment of expiry."""
    sd = cms.load_envelope(P.cades(k, k.expired, DOC)).signed_data
    leaf = cms.signer_certificate(sd, sd["signer_infos"][0])
    certs = [c.chosen for c in sd["certificates"]]
    store = cms.trust_from_settings({"trust": [k.pem_trust]})
    assert outofbounds.not_revoked_at_expiry(leaf, certs, store, store.crls) is False
    archived = P.crl_at(k, k.expired.cert.not_valid_after_utc - dt.timedelta(days=1))
    assert outofbounds.not_revoked_at_expiry(leaf, certs, store, [archived]) is True


# --- signature timestamp: proof of existence ---------------------------------------------

@pytest.mark.parametrize("fmt", ["cades", "pades", "xades"])
def test_signature_timestamp_while_valid_passes_at_the_proof_of_existence(k, fmt):
    then = while_valid(k)
    if fmt == "cades":
        info, codes = cades(P.cades(k, k.expired, DOC, timestamp=True, ts_at=then, signing_time=then),
                            k.pem_trust)
    elif fmt == "pades":
        info, codes = pdf(P.pades(k, k.expired, P.plain_pdf(), timestamp=True, ts_at=then), k.pem_trust)
    else:
        info, codes = xml(X.xades_t(k, k.expired, at=then), k.pem_trust)
    assert verdict(info) == ("PASSED", None), info.details
    assert codes[0] == "SIG001"
    assert dt.datetime.fromisoformat(info.details["proof_of_existence"]) == then


@pytest.mark.parametrize("fmt", ["cades", "pades", "xades"])
def test_signature_timestamp_after_expiry_proves_nothing(k, fmt):
    later = after_expiry(k)
    if fmt == "cades":
        info, codes = cades(P.cades(k, k.expired, DOC, timestamp=True, ts_at=later,
                                    signing_time=while_valid(k)), k.pem_trust)
    elif fmt == "pades":
        info, codes = pdf(P.pades(k, k.expired, P.plain_pdf(), timestamp=True, ts_at=later), k.pem_trust)
    else:
        info, codes = xml(X.xades_t(k, k.expired, at=later), k.pem_trust)
    assert verdict(info) == ("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE")
    assert codes[0] == "SIG007"


# --- content timestamp after expiry: made with an expired certificate -------------------

@pytest.mark.parametrize("fmt", ["cades", "pades", "xades"])
def test_content_timestamp_after_expiry_is_failed_expired(k, fmt):
    later = after_expiry(k)
    if fmt == "cades":
        info, codes = cades(P.cades(k, k.expired, DOC, content_timestamp=True, ts_at=later,
                                    signing_time=later), k.pem_trust)
    elif fmt == "xades":
        info, codes = xml(X.with_content_timestamp(k, k.expired, at=later), k.pem_trust)
    else:
        info, codes = pdf(P.pades(k, k.expired, P.plain_pdf(), content_timestamp=True, ts_at=later),
                          k.pem_trust)
    assert verdict(info) == ("FAILED", "EXPIRED")
    assert codes[0] == "SIG033"


def test_content_timestamp_while_valid_does_not_make_it_expired(k):
    then = while_valid(k)
    info, codes = cades(P.cades(k, k.expired, DOC, content_timestamp=True, ts_at=then, signing_time=then),
                        k.pem_trust)
    assert verdict(info) == ("PASSED", None)   # its signature timestamp (same moment) is the POE
    assert codes[0] == "SIG001"


def test_SIG033_is_in_the_catalogue():
    rule = catalogue.rule("SIG033")
    assert rule.severity == "error" and "EXPIRED" in rule.source


# --- legacy adbe.x509.rsa_sha1: no timestamps possible, revocation data alone decides --------

def test_legacy_x509_rsa_sha1_with_an_expired_certificate_is_out_of_bounds(k, archived_crl_trust):
    signed = S.x509_rsa_sha1(k, k.expired, P.plain_pdf(), signed_at=while_valid(k))
    info, codes = pdf(signed, k.pem_trust)
    assert info.details["sub_filter"] == "adbe.x509.rsa_sha1"
    # the claimed /M inside the validity proves nothing; expiry, not SHA-1 or integrity, decides
    assert verdict(info) == ("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE")
    assert codes[0] == "SIG007"
    info, codes = pdf(signed, archived_crl_trust)
    assert verdict(info) == ("INDETERMINATE", "OUT_OF_BOUNDS_NOT_REVOKED")
    assert codes[0] == "SIG007"


# --- SIG007's words fit both out-of-bounds outcomes ----------------------------------------

def test_SIG007_explains_not_revoked_as_well_as_no_proof_of_existence(k, archived_crl_trust):
    from checker.signatures import indications
    rule = catalogue.rule("SIG007")
    assert "OUT_OF_BOUNDS_NOT_REVOKED" in rule.source and "OUT_OF_BOUNDS_NO_POE" in rule.source
    assert "revocat" in rule.explain_it and "revoked" in rule.explain_en
    assert "alla data della firma" not in rule.title_it   # the signing date is what is unknown
    info, _ = cades(P.cades(k, k.expired, DOC, signing_time=while_valid(k)), archived_crl_trust)
    not_revoked = indications.explain(info)
    info, _ = cades(P.cades(k, k.expired, DOC, signing_time=while_valid(k)), k.pem_trust)
    no_poe = indications.explain(info)
    assert not_revoked.code == no_poe.code == "SIG007"
    assert "non era stato revocato" in not_revoked.it and "revoca" not in no_poe.it
