"""XAdES enveloped signatures (FatturaPA-like) signed with signxml, validated with signxml +
pyhanko-certvalidator."""
from __future__ import annotations

import pytest

import pki as P
from checker.model import InputFile
from checker.signatures import xades


@pytest.fixture(scope="module")
def k(tmp_path_factory):
    return P.shared(tmp_path_factory)


@pytest.fixture(scope="module")
def signed(k):
    return P.xades(k, k.signer)


def check(k, data):
    return xades.check(InputFile("fattura.xml", data), {"trust": [k.pem_trust]})


def codes(r):
    return [f.code for f in r.findings]


def test_unsigned_xml_gives_nothing(k):
    r = check(k, P.FATTURA)
    assert (r.signatures, r.findings) == ([], [])


def test_SIG001_valid_xades_with_non_repudiation_only_certificate(k, signed):
    r = check(k, signed)
    [sig] = r.signatures
    assert (sig.kind, sig.indication, sig.signer, sig.codice_fiscale, sig.qualified) == \
        ("xades", "PASSED", "ROSSI MARIO", P.CF, True)
    # xades:SigningTime, written by signxml when the fixture was signed (this session)
    import datetime as dt
    when = dt.datetime.fromisoformat(sig.signing_time)
    assert when.utcoffset() == dt.timedelta(0)
    assert abs(when - dt.datetime.now(dt.UTC)) < dt.timedelta(hours=1)
    assert codes(r) == ["SIG001"]


def test_SIG002_altered_xades(k, signed):
    r = check(k, signed.replace(b"100.00", b"900.00"))
    [sig] = r.signatures
    assert (sig.indication, sig.sub_indication) == ("FAILED", "HASH_FAILURE")
    assert codes(r) == ["SIG002"]


def test_SIG006_xades_untrusted(k):
    r = check(k, P.xades(k, k.rogue_signer))
    assert r.signatures[0].sub_indication == "NO_CERTIFICATE_CHAIN_FOUND"
    assert codes(r) == ["SIG006"]


def test_SIG004_xades_revoked(k):
    r = check(k, P.xades(k, k.revoked))
    assert (r.signatures[0].indication, r.signatures[0].sub_indication) == \
        ("INDETERMINATE", "REVOKED_NO_POE")
    assert codes(r) == ["SIG004"]


def test_SIG003_truncated_xades(k, signed):
    r = check(k, signed[: len(signed) // 2])
    assert codes(r) == ["SIG003"]


# --- XPath transforms (signed with python-xmlsec; signxml does not implement them) -------------

@pytest.mark.parametrize("filter2", [False, True], ids=["xpath", "xpath-filter2"])
def test_SIG001_xpath_transform_signature_is_verified_not_called_altered(k, filter2):
    r = check(k, P.xades_xpath(k, k.signer, filter2=filter2))
    [sig] = r.signatures
    assert (sig.indication, sig.sub_indication, sig.signer, sig.codice_fiscale) == \
        ("PASSED", None, "ROSSI MARIO", P.CF)
    assert codes(r) == ["SIG001"]


def test_SIG002_xpath_transform_signature_altered(k):
    data = P.xades_xpath(k, k.signer).replace(b"100.00", b"900.00")
    r = check(k, data)
    assert (r.signatures[0].indication, r.signatures[0].sub_indication) == ("FAILED", "HASH_FAILURE")
    assert codes(r) == ["SIG002"]


def test_xpath_signature_naming_another_signing_certificate_is_not_passed(k):
    r = check(k, P.xades_xpath(k, k.signer, cert_digest_of=k.signer2))
    assert (r.signatures[0].indication, r.signatures[0].sub_indication) == \
        ("INDETERMINATE", "NO_SIGNING_CERTIFICATE_FOUND")


def test_xpath_signature_over_an_external_document_is_not_fetched(k):
    signed = P.xades_xpath(k, k.signer)
    # a reference to another document: never loaded, so never verified
    data = signed.replace(b'<ds:Reference URI="">', b'<ds:Reference URI="http://127.0.0.1:9/fattura.xml">', 1)
    assert data != signed
    r = check(k, data)
    assert r.signatures[0].indication == "INDETERMINATE"
    assert "contenuto esterno" in r.signatures[0].details["message"]
