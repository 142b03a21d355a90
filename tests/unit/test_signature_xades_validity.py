"""XAdES: integrity and validity decided apart (an expired certificate is a validity
question, answered against the proof of existence), signature timestamps (XAdES-T), and
signature wrapping (references must resolve to exactly the signed elements)."""
from __future__ import annotations

import datetime as dt

import pytest

import pki as P
import xades_forge as X
from checker.model import InputFile
from checker.signatures import xades


@pytest.fixture(scope="module")
def k(tmp_path_factory):
    return P.shared(tmp_path_factory)


def check(k, data, **settings):
    return xades.check(InputFile("fattura.xml", data), {"trust": [k.pem_trust], **settings})


def codes(r):
    return [f.code for f in r.findings]


def while_valid(k):
    """A moment inside the expired signer's validity."""
    return k.expired.cert.not_valid_after_utc - dt.timedelta(days=30)


# --- expired signer certificate ----------------------------------------------------------

def test_expired_signer_is_out_of_bounds_not_broken(k):
    r = check(k, P.xades(k, k.expired))
    [sig] = r.signatures
    assert (sig.indication, sig.sub_indication) == ("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE")
    assert (sig.signer, sig.codice_fiscale) == ("VERDI LUCA", "VRDLCU70C10D969Q")
    assert codes(r) == ["SIG007"]
    assert "SIG002" not in codes(r)


def test_expired_signer_altered_is_still_failed(k):
    r = check(k, P.xades(k, k.expired).replace(b"100.00", b"900.00"))
    assert (r.signatures[0].indication, r.signatures[0].sub_indication) == ("FAILED", "HASH_FAILURE")


def test_expired_signer_with_signature_timestamp_while_valid_passes(k):
    r = check(k, X.xades_t(k, k.expired, at=while_valid(k)))
    [sig] = r.signatures
    assert (sig.indication, sig.sub_indication) == ("PASSED", None), sig.details
    assert sig.details["level"] == "T"
    assert sig.details["proof_of_existence"] == while_valid(k).isoformat()
    assert codes(r) == ["SIG001"]


def test_expired_signer_with_timestamp_after_expiry_stays_out_of_bounds(k):
    r = check(k, X.xades_t(k, k.expired))   # stamped now, after the certificate ended
    assert (r.signatures[0].indication, r.signatures[0].sub_indication) == \
        ("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE")


def test_xades_t_of_a_valid_signer(k):
    r = check(k, X.xades_t(k, k.signer))
    [sig] = r.signatures
    assert (sig.indication, sig.details["level"]) == ("PASSED", "T")
    assert "timestamp" in sig.details


def test_signature_timestamp_of_another_signature_is_invalid_not_the_signature(k):
    other = X.stamp_over(k, P.xades(k, k.signer2), while_valid(k))
    r = check(k, X.with_timestamp(P.xades(k, k.signer), other))
    [sig] = r.signatures
    assert (sig.indication, sig.details["level"]) == ("PASSED", "B")
    assert codes(r) == ["SIG001", "SIG015"]
    # and it proves nothing for an expired signer
    r = check(k, X.with_timestamp(P.xades(k, k.expired), other))
    assert r.signatures[0].sub_indication == "OUT_OF_BOUNDS_NO_POE"
    assert "SIG015" in codes(r) and "SIG002" not in codes(r)


def test_unreadable_signature_timestamp_is_a_timestamp_finding(k):
    r = check(k, X.with_timestamp(P.xades(k, k.signer), b"bm90IGEgdG9rZW4="))
    assert r.signatures[0].indication == "PASSED"
    assert codes(r) == ["SIG001", "SIG015"]


def test_expired_xpath_signature_is_out_of_bounds_not_broken(k):
    r = check(k, P.xades_xpath(k, k.expired))
    assert (r.signatures[0].indication, r.signatures[0].sub_indication) == \
        ("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE")


def test_signing_certificate_digest_of_another_certificate_is_not_an_alteration(k):
    signed = P.xades(k, k.signer)
    import base64
    import hashlib
    from cryptography.hazmat.primitives import serialization
    good = base64.b64encode(hashlib.sha256(k.signer.cert.public_bytes(serialization.Encoding.DER)).digest())
    assert good in signed
    r = check(k, signed)
    assert r.signatures[0].indication == "PASSED"


# --- wrapping -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def enveloping(k):
    return X.enveloping(k, k.signer)


def test_enveloping_xades_passes(k, enveloping):
    r = check(k, enveloping)
    assert (r.signatures[0].indication, codes(r)) == ("PASSED", ["SIG001"])


@pytest.mark.parametrize("forge", [X.duplicate_signed_properties, X.extra_signed_properties,
                                   X.moved_signed_properties])
def test_fake_signed_properties_is_wrapping(k, forge):
    r = check(k, forge(P.xades(k, k.signer)))
    [sig] = r.signatures
    assert (sig.indication, sig.sub_indication) == ("FAILED", "FORMAT_FAILURE")
    assert sig.details["wrapping"]
    assert codes(r) == ["SIG032"]
    assert r.findings[0].args["detail"] == sig.details["wrapping"]
    assert sig.signer == "ROSSI MARIO"   # still listed, with its signer
    assert sig.signing_time is None or not sig.signing_time.startswith("2001")


@pytest.mark.parametrize("forge", [X.duplicate_object, X.decoy_object, X.unsigned_object,
                                   X.duplicate_document_id])
def test_fake_object_is_wrapping(k, enveloping, forge):
    r = check(k, forge(enveloping))
    [sig] = r.signatures
    assert (sig.indication, sig.sub_indication) == ("FAILED", "FORMAT_FAILURE"), sig.details
    assert codes(r) == ["SIG032"]


def test_reference_to_a_missing_id_is_signed_data_not_found(k, enveloping):
    r = check(k, enveloping.replace(b'Id="object"', b'Id="renamed"'))
    assert (r.signatures[0].indication, r.signatures[0].sub_indication) == \
        ("INDETERMINATE", "SIGNED_DATA_NOT_FOUND")


def test_wrapping_finding_renders_its_reason(k):
    from checker import catalogue
    r = check(k, X.duplicate_signed_properties(P.xades(k, k.signer)))
    text = catalogue.describe(r.findings[0])
    assert "compare 2 volte" in " ".join(text.values())
    assert catalogue.rule("SIG032").severity == "error"


def test_signxml_certificate_validity_never_reaches_the_verdict(k):
    """signxml's own date check is kept out: the verdict on a certificate comes only from
    the path validation at the validation time asked for."""
    signed = P.xades(k, k.expired)
    at = while_valid(k).isoformat()
    r = check(k, signed, validation_time=at)
    assert r.signatures[0].indication == "PASSED"


def test_each_of_several_signatures_is_verified_itself(k):
    """signxml verifies the first ds:Signature of a document: with several, each one is
    verified on its own (xmlsec), so the second is not judged by the first's bytes."""
    import base64

    from lxml import etree
    from signxml.xades import XAdESSigner
    root = etree.fromstring(P.xades(k, k.signer))
    # a second enveloped signature over the whole document, first one included: the first
    # (whose enveloped transform removes only itself) no longer matches, the second does
    data = etree.tostring(XAdESSigner().sign(root, key=k.signer2.key, cert=[k.signer2.cert, k.intermediate.cert]))
    r = check(k, data)
    assert [(s.signer, s.indication) for s in r.signatures] == [("ROSSI MARIO", "FAILED"), ("BIANCHI ANNA", "PASSED")]
    tree = etree.fromstring(data)
    value = tree.findall(f".//{{{X.DS}}}SignatureValue")[-1]
    raw = bytearray(base64.b64decode(value.text))
    raw[5] ^= 1
    value.text = base64.b64encode(bytes(raw)).decode()
    r = check(k, etree.tostring(tree))
    assert [s.indication for s in r.signatures] == ["FAILED", "FAILED"]
