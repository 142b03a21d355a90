"""PAdES on real-world shapes (issue 11): legacy sub-filters, changes a signature allows,
the shadow "replace" attack, LTV data in the DSS, pyHanko failures, validation at a date."""
from __future__ import annotations

import datetime as dt

import pytest

import pdfsig as S
import pki as P
from checker.model import InputFile
from checker.signatures import pades, validation_time


@pytest.fixture(scope="module")
def k(tmp_path_factory):
    return P.shared(tmp_path_factory)


def check(k, data: bytes, trust=None, **settings):
    return pades.check(InputFile("domanda.pdf", data), {"trust": trust or [k.pem_trust], **settings})


def codes(result):
    return [f.code for f in result.findings]


# ---------------------------------------------------------------- legacy sub-filters

@pytest.mark.parametrize("make", [S.x509_rsa_sha1, S.pkcs7_sha1], ids=["x509.rsa_sha1", "pkcs7.sha1"])
def test_legacy_sub_filters_are_listed_and_judged_by_the_sha1_policy(k, make):
    result = check(k, make(k, k.signer, P.plain_pdf()))
    [sig] = result.signatures
    assert (sig.kind, sig.signer) == ("pades", "ROSSI MARIO")
    # intact, but SHA-1 after 2011 without a proof of existence: a validity question
    assert (sig.indication, sig.sub_indication) == ("INDETERMINATE", "CRYPTO_CONSTRAINTS_FAILURE_NO_POE")
    assert sig.details["sub_filter"].startswith("adbe.") and sig.details["document_digest"] == "sha1"
    assert codes(result) == ["SIG008"]


@pytest.mark.parametrize("make", [S.x509_rsa_sha1, S.pkcs7_sha1], ids=["x509.rsa_sha1", "pkcs7.sha1"])
def test_legacy_sub_filter_with_a_changed_byte_is_altered(k, make):
    signed = make(k, k.signer, P.plain_pdf())
    at = signed.index(b"595")
    result = check(k, signed[:at] + b"596" + signed[at + 3:])
    [sig] = result.signatures
    assert (sig.indication, sig.sub_indication) == ("FAILED", "HASH_FAILURE")
    assert codes(result) == ["SIG002"]


def test_a_bare_rsa_sha1_signature_is_read_like_the_der_one(k):
    result = check(k, S.x509_rsa_sha1(k, k.signer, P.plain_pdf(), bare=True))
    [sig] = result.signatures
    assert (sig.indication, sig.sub_indication) == ("INDETERMINATE", "CRYPTO_CONSTRAINTS_FAILURE_NO_POE")


def test_a_bare_signature_is_cut_at_the_key_size_not_at_its_zero_bytes():
    # a PKCS#1 signature is exactly the modulus's bytes and may end in zero bytes, which
    # the /Contents padding would swallow if stripped
    from checker.signatures.pdflegacy import _pkcs1_signature
    signature = b"\x5a" * 254 + b"\x00\x00"
    assert _pkcs1_signature(signature + b"\x00" * 300, 256) == signature
    from asn1crypto import core
    assert _pkcs1_signature(core.OctetString(signature).dump() + b"\x00" * 300, 256) == signature


@pytest.fixture(scope="module")
def old_pki(k, tmp_path_factory):
    """A 2009 signer under a root of its time: SHA-1 was still allowed (sunset 2011)."""
    from cryptography.hazmat.primitives import serialization
    y = lambda *a: dt.datetime(*a, tzinfo=dt.UTC)  # noqa: E731
    rk = P._key()
    root = P.Identity("old_root", rk, P._issue(P._name("Old Root CA"), rk, None, ca=True,
                                                not_before=y(2008, 1, 1), not_after=y(2030, 1, 1)))
    sk = P._key()
    signer = P.Identity("old", sk, P._issue(P._name("ROSSI MARIO", person=("Mario", "Rossi"),
                                                    serial=f"TINIT-{P.CF}"), sk, root,
                                            not_before=y(2009, 1, 1), not_after=y(2012, 1, 1)))
    folder = tmp_path_factory.mktemp("oldtrust")
    (folder / "root.pem").write_bytes(root.cert.public_bytes(serialization.Encoding.PEM))
    k.extra["old_root"] = root
    return signer, str(folder), y(2010, 5, 1)


def test_x509_rsa_sha1_passes_at_a_date_before_the_sha1_sunset(k, old_pki, monkeypatch):
    signer, trust, signed_at = old_pki
    monkeypatch.setattr(k, "chain", lambda who: [k.extra["old_root"]])
    data = S.x509_rsa_sha1(k, signer, P.plain_pdf(), signed_at=signed_at)
    result = check(k, data, trust=[trust], validation_time="2010-06-01")
    [sig] = result.signatures
    assert sig.indication == "PASSED", sig
    assert codes(result)[0] == "SIG001"
    assert check(k, data, trust=[trust]).signatures[0].indication == "INDETERMINATE"   # today: expired


# ------------------------------------------------------ changes after a signature (DocMDP)

@pytest.fixture(scope="module")
def certified2(k):
    return S.certify(k, k.signer, S.form_pdf(), 2)


def test_annotation_after_an_approval_signature_is_allowed(k):
    result = check(k, S.add_annotation(P.pades(k, k.signer, P.plain_pdf())))
    [sig] = result.signatures
    assert sig.indication == "PASSED"
    assert (sig.details["modification"], sig.details["allowed_modification"]) == ("ANNOTATIONS", "ANNOTATIONS")
    assert codes(result) == ["SIG001", "SIG017"]


def test_form_filling_allowed_by_docmdp_2_is_not_a_modification(k, certified2):
    result = check(k, S.fill_field(certified2))
    [sig] = result.signatures
    assert sig.indication == "PASSED" and sig.details["modification"] == "FORM_FILLING"
    assert result.facts["pades"]["certification_level"] == 2
    assert codes(result) == ["SIG001", "SIG017"]


def test_annotation_after_docmdp_2_is_a_modification(k, certified2):
    result = check(k, S.add_annotation(certified2))
    [sig] = result.signatures
    assert sig.indication == "FAILED" and sig.details["modified_after_signing"]
    assert codes(result) == ["SIG016"]


def test_shadow_replace_under_cover_of_form_filling_is_caught(k, certified2):
    attacked = S.fill_field(certified2, replace_page_content="Importo: 1.000.000 EUR")
    result = check(k, attacked)
    [sig] = result.signatures
    assert (sig.indication, sig.details["modification"]) == ("FAILED", "OTHER")
    assert "Contents" in sig.details["modification_reason"]
    assert codes(result) == ["SIG016"]


# ---------------------------------------------------------------------------- LTV / DSS

@pytest.fixture(scope="module")
def ltv_signer(k):
    return P.signer_with_urls(k, "ltv", ocsp_url="http://ocsp.test.invalid/")


def test_dss_ocsp_is_revocation_evidence_offline_lt_and_lta(k, ltv_signer):
    certified = S.certify(k, ltv_signer, P.plain_pdf(), 1)   # P=1: only LTV updates allowed
    lt = S.add_dss(certified, ocsps=[S.ocsp_response(k, ltv_signer)], certs=[k.intermediate.cert])
    lta = S.doc_timestamp(k, lt)
    for data in (lt, lta):
        result = check(k, data, trust=[k.tsl])   # no CRL in the trust source, no network
        sig = result.signatures[0]
        assert sig.indication == "PASSED", sig
        assert (sig.details["revocation"], sig.details["revocation_source"]) == ("good", "DSS")
        assert sig.details["modification"] == "LTA_UPDATES"
        assert "SIG016" not in codes(result) and "SIG011" not in codes(result)
        assert result.facts["pades"]["dss_content"]["ocsps"] == 1
    assert [s.kind for s in check(k, lta, trust=[k.tsl]).signatures] == ["pades", "timestamp"]


def test_dss_ocsp_saying_revoked_is_not_good(k, ltv_signer):
    data = S.add_dss(P.pades(k, ltv_signer, P.plain_pdf()), ocsps=[S.ocsp_response(k, ltv_signer, revoked=True)])
    result = check(k, data, trust=[k.tsl])
    assert result.signatures[0].sub_indication == "REVOKED_NO_POE"
    assert codes(result)[0] == "SIG004"


# ------------------------------------------------------------------- pyHanko failures

def test_a_pyhanko_exception_is_undetermined_and_keeps_the_other_signature(k, monkeypatch):
    from pyhanko.sign.validation import pdf_embedded
    two = P.pades(k, k.signer2, P.pades(k, k.signer, P.plain_pdf()), field_name="Firma2")
    real = pdf_embedded.async_validate_pdf_signature

    async def flaky(emb, **kwargs):
        if emb.field_name == "Firma1":
            raise KeyError("/VRI")
        return await real(emb, **kwargs)
    monkeypatch.setattr(pdf_embedded, "async_validate_pdf_signature", flaky)
    result = check(k, two)
    first, second = result.signatures
    assert (first.indication, first.sub_indication) == ("INDETERMINATE", None)
    assert "KeyError" in first.details["error"] and first.signer == "ROSSI MARIO"
    assert second.indication == "PASSED"
    assert codes(result)[0] == "SIG009" and "FAILED" not in [s.indication for s in result.signatures]


def test_a_failing_difference_analysis_is_not_a_modification(k, monkeypatch):
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

    def broken(self, policy):
        raise KeyError("/Annots")
    monkeypatch.setattr(EmbeddedPdfSignature, "evaluate_modifications", broken)
    result = check(k, S.add_annotation(P.pades(k, k.signer, P.plain_pdf())))
    [sig] = result.signatures
    assert sig.indication == "PASSED" and sig.details["modification"] == "UNKNOWN"
    assert codes(result) == ["SIG001", "SIG031"]


# ----------------------------------------------------------------- validation at a date

def test_parse_at():
    assert validation_time.parse_at("2024-03-01T10:30") == "2024-03-01T09:30:00+00:00"
    assert validation_time.parse_at("2024-07-01") == "2024-07-01T21:59:59+00:00"   # end of day, Rome
    with pytest.raises(ValueError):
        validation_time.parse_at("01/03/2024")
    assert validation_time.validation_time({"validation_time": "2024-03-01T09:30:00+00:00"}) == \
        dt.datetime(2024, 3, 1, 9, 30, tzinfo=dt.UTC)


def test_expired_signer_is_valid_at_a_date_inside_its_validity(k):
    data = P.pades(k, k.expired, P.plain_pdf())
    now = check(k, data).signatures[0]
    assert now.indication == "INDETERMINATE"
    inside = (P.NOW - dt.timedelta(days=500)).date().isoformat()
    then = check(k, data, validation_time=validation_time.parse_at(inside)).signatures[0]
    assert then.sub_indication != now.sub_indication
