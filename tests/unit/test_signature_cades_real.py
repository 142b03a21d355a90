"""CAdES as real Italian files bring it: BER of real size and depth, a signature timestamp
copied from another signature, and library failures that must not lose a signer."""
from __future__ import annotations

import time

import pytest

import cades_forge as F
import pki as P
from checker import profiles
from checker.checks import CheckContext
from checker.checks import signature as check
from checker.model import FormatInfo, InputFile
from checker.signatures import ber, cms, countersign

DOC = b"%PDF-1.4\n% domanda di prova\n" + b"contenuto " * 200


@pytest.fixture(scope="module")
def k(tmp_path_factory):
    return P.shared(tmp_path_factory)


@pytest.fixture(scope="module")
def settings(k):
    return {"trust": [k.pem_trust]}


def run_p7m(data: bytes, settings: dict):
    return check.run(InputFile("domanda.pdf.p7m", data), FormatInfo(id="p7m"),
                     CheckContext(profiles.get("generic"), settings))


# --- BER of real size and depth -----------------------------------------------------------

@pytest.fixture(scope="module")
def big_ber(k):
    """A 1.3 MB CAdES-T with a counter-signature, indefinite lengths at every level."""
    content = (b"%PDF-1.7\n" + bytes(range(256)) * 5200)[:1_330_000]
    der = F.countersign(k, k.signer2, P.cades(k, k.signer, content, timestamp=True))
    return content, F.indefinite_everywhere(der, chunk=1000)


def test_big_indefinite_length_cades_t_with_counter_signature_is_read(k, settings, big_ber):
    content, data = big_ber
    assert len(data) > 1_300_000
    assert F.indefinite_depth(data) > 10          # beyond asn1crypto's own limit
    from asn1crypto import cms as acms
    with pytest.raises(ValueError, match="recursion limit"):
        acms.ContentInfo.load(data)["content"]["signer_infos"].native  # noqa: B018
    started = time.monotonic()
    env = cms.load_envelope(data)
    assert env.encoding == "ber" and env.content == content
    results = countersign.validate_all(env.signed_data, env.content, settings)
    assert [(r.info.signer, r.info.indication, r.info.details.get("level")) for r in results] == [
        ("ROSSI MARIO", "PASSED", "T"), ("BIANCHI ANNA", "PASSED", "B")]
    assert time.monotonic() - started < 20


def test_big_ber_through_the_check_gives_the_document(k, settings, big_ber):
    content, data = big_ber
    result = run_p7m(data, settings)
    assert [f.code for f in result.findings] == ["SIG001", "SIG001"]
    assert result.facts["signature_envelope"]["encoding"] == "ber"
    assert result.children[0].data == content


def test_definite_lengths_keep_der_byte_for_byte(k):
    der = P.cades(k, k.signer, DOC, timestamp=True)
    assert ber.to_definite(der) == (der, False)
    assert ber.to_definite(F.indefinite_everywhere(der, chunk=100)) == (der, True)


def test_constructed_octet_string_chunks_are_joined(k):
    der = P.cades(k, k.signer, DOC)
    chunked = P.to_ber_indefinite(der, chunk=7)
    env = cms.load_envelope(chunked)
    assert env.content == DOC


@pytest.mark.parametrize("data", [b"\x30\x80" * 5000, b"\x30\x80\x04\x02ab", b"\x30\x05\x04\x09abc",
                                  b"\x24\x80\x30\x00\x00\x00", b"\x04\x80\x00\x00", b""])
def test_definite_lengths_refuse_bad_ber(data):
    with pytest.raises(ber.BerError):
        ber.to_definite(data)


# --- a signature timestamp copied from another signature -----------------------------------

def test_copied_signature_timestamp_invalidates_the_timestamp_not_the_signature(k, settings):
    other = P.cades(k, k.signer2, b"un altro documento", timestamp=True)
    signed = F.copy_signature_timestamp(other, P.cades(k, k.signer, DOC))
    [result] = countersign.validate_all(cms.load_envelope(signed).signed_data, DOC, settings)
    assert (result.info.indication, result.info.sub_indication) == ("PASSED", None)
    assert result.info.details["level"] == "B"
    assert "timestamp" not in result.info.details
    assert "copiata" in result.info.details["timestamp_invalid"]
    assert [f.code for f in result.findings] == ["SIG001", "SIG015"]


def test_copied_timestamp_proves_nothing_for_an_expired_signer(k, settings):
    other = P.cades(k, k.signer2, DOC, timestamp=True)
    signed = F.copy_signature_timestamp(other, P.cades(k, k.expired, DOC))
    [result] = countersign.validate_all(cms.load_envelope(signed).signed_data, DOC, settings)
    assert (result.info.indication, result.info.sub_indication) == ("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE")
    assert [f.code for f in result.findings] == ["SIG007", "SIG015"]


def test_altered_document_with_a_copied_timestamp_is_still_altered(k, settings):
    other = P.cades(k, k.signer2, DOC, timestamp=True)
    signed = F.copy_signature_timestamp(other, P.cades(k, k.signer, DOC))
    [result] = countersign.validate_all(cms.load_envelope(signed).signed_data, DOC + b"x", settings)
    assert (result.info.indication, result.info.sub_indication) == ("FAILED", "HASH_FAILURE")


def test_timestamp_whose_own_signature_is_broken(k, settings):
    """The imprint matches but the TSA's signature does not verify: the timestamp fails
    alone; the signature is judged without it."""
    from asn1crypto import cms as acms
    signed = P.cades(k, k.signer, DOC, timestamp=True)
    info = acms.ContentInfo.load(signed)
    si = info["content"]["signer_infos"][0]
    token = si["unsigned_attrs"][0]["values"][0]
    tsa_signature = token["content"]["signer_infos"][0]["signature"].native
    broken = signed.replace(tsa_signature, bytes([tsa_signature[0] ^ 1]) + tsa_signature[1:])
    assert broken != signed
    [result] = countersign.validate_all(cms.load_envelope(broken).signed_data, DOC, settings)
    assert (result.info.indication, result.info.details["level"]) == ("PASSED", "B")
    assert [f.code for f in result.findings] == ["SIG001", "SIG015"]


# --- library exceptions ------------------------------------------------------------------

def test_library_exception_is_indeterminate_and_keeps_every_signer(k, settings, monkeypatch):
    import pyhanko.sign.validation.ades as ades

    async def crash(*args, **kwargs):
        raise KeyError("/ByteRange")
    monkeypatch.setattr(ades, "ades_basic_validation", crash)
    signed = P.parallel(P.cades(k, k.signer, DOC), P.cades(k, k.signer2, DOC))
    result = run_p7m(signed, settings)
    assert sorted((s.signer, s.indication, s.sub_indication) for s in result.signatures) == [
        ("BIANCHI ANNA", "INDETERMINATE", "GENERIC"), ("ROSSI MARIO", "INDETERMINATE", "GENERIC")]
    assert [f.code for f in result.findings] == ["SIG009", "SIG009"]
    assert "KeyError" in result.findings[0].detail and "libreria" in result.findings[0].detail
    assert result.children   # the document is still handed on


def test_library_exception_in_a_counter_signature(k, settings, monkeypatch):
    from checker.signatures import certpath

    def crash(*args, **kwargs):
        raise AttributeError("'NoneType' object has no attribute 'chosen'")
    signed = F.countersign(k, k.signer2, P.cades(k, k.signer, DOC))
    monkeypatch.setattr(certpath, "finish", crash)
    main, counter = countersign.validate_all(cms.load_envelope(signed).signed_data, DOC, settings)
    assert main.info.indication == "PASSED"
    assert (counter.info.signer, counter.info.indication, counter.info.details["role"]) == \
        ("BIANCHI ANNA", "INDETERMINATE", "controfirma")


def test_library_exception_in_xades(k, monkeypatch):
    from checker.signatures import xades

    def crash(*args, **kwargs):
        raise TypeError("unexpected")
    monkeypatch.setattr(xades, "_verify_xml", crash)
    result = xades.check(InputFile("fattura.xml", P.xades(k, k.signer)), {"trust": [k.pem_trust]})
    [sig] = result.signatures
    assert (sig.indication, sig.sub_indication) == ("INDETERMINATE", "GENERIC")
    assert [f.code for f in result.findings] == ["SIG009"]
