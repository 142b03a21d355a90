"""XAdES counter-signatures (ETSI EN 319 132-1 5.2.7), made with signxml: a ds:Signature in
the parent's xades:UnsignedSignatureProperties/CounterSignature that signs the parent's
ds:SignatureValue. Each is listed as a signature of its own (role "controfirma", its
parent and place, like CAdES counter-signatures) with its own indication."""
from __future__ import annotations

import pytest

import pki as P
import xades_forge as X
from checker.model import InputFile
from checker.signatures import xades


@pytest.fixture(scope="module")
def k(tmp_path_factory):
    return P.shared(tmp_path_factory)


def check(k, data):
    return xades.check(InputFile("fattura.xml", data), {"trust": [k.pem_trust]})


def verdict(info):
    return info.indication, info.sub_indication


def test_a_valid_counter_signature_is_validated_and_listed_under_its_parent(k):
    r = check(k, X.countersign(k, k.signer2, P.xades(k, k.signer)))
    parent, counter = r.signatures
    assert verdict(parent) == ("PASSED", None) and parent.signer == "ROSSI MARIO"
    assert verdict(counter) == ("PASSED", None), counter.details
    assert counter.signer == "BIANCHI ANNA" and counter.codice_fiscale == "BNCNNA85M41F205X"
    assert counter.details["role"] == "controfirma"
    assert counter.details["parent"] == "ROSSI MARIO"
    assert counter.details["counter_signature"] == "1.1"
    assert [f.code for f in r.findings] == ["SIG001", "SIG001"]


def test_a_counter_signature_that_signs_something_else_is_failed(k):
    r = check(k, X.countersign(k, k.signer2, P.xades(k, k.signer), target="KeyInfo"))
    parent, counter = r.signatures
    assert verdict(parent) == ("PASSED", None)
    assert verdict(counter) == ("FAILED", "HASH_FAILURE")
    assert counter.details["message"] == "la controfirma non è sulla firma che la contiene"
    assert [f.code for f in r.findings] == ["SIG001", "SIG002"]


def test_a_counter_signature_over_a_modified_signature_value_is_failed_and_so_is_the_parent(k):
    r = check(k, X.alter_signature_value(X.countersign(k, k.signer2, P.xades(k, k.signer))))
    parent, counter = r.signatures
    assert parent.indication == "FAILED"
    assert verdict(counter) == ("FAILED", "HASH_FAILURE")
    assert counter.details["role"] == "controfirma"
    assert [f.code for f in r.findings] == ["SIG002", "SIG002"]


def test_an_expired_counter_signer_is_out_of_bounds_while_the_parent_passes(k):
    r = check(k, X.countersign(k, k.expired, P.xades(k, k.signer)))
    parent, counter = r.signatures
    assert verdict(parent) == ("PASSED", None)
    assert verdict(counter) == ("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE")
    assert [f.code for f in r.findings] == ["SIG001", "SIG007"]
