"""XAdES content timestamps (xades:AllDataObjectsTimeStamp, IndividualDataObjectsTimeStamp;
ETSI EN 319 132-1 5.2.8; checker/signatures/xadescontent.py), made by signxml with the
test TSA's token over the referenced data objects (tests/fixtures/xades_forge.py):
- a token over the signed data proves the signature was made after its time;
- a token over other data proves nothing and is its own finding (SIG015), never a pass;
- a valid one after the signer certificate's expiry → FAILED / EXPIRED (SIG033).
"""
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


def check(data, trust):
    r = xades.check(InputFile("fattura.xml", data), {"trust": [trust]})
    [info] = r.signatures
    return info, [f.code for f in r.findings]


def proven(info):
    return dt.datetime.fromisoformat(info.details["content_timestamp"])


@pytest.mark.parametrize("individual", [False, True], ids=["all-data-objects", "individual-data-objects"])
def test_content_timestamp_over_the_signed_data_is_valid(k, individual):
    then = P.NOW - dt.timedelta(minutes=5)
    info, codes = check(X.with_content_timestamp(k, k.signer, at=then, individual=individual), k.pem_trust)
    assert (info.indication, info.sub_indication) == ("PASSED", None)
    assert codes[0] == "SIG001" and "SIG015" not in codes
    assert proven(info) == then
    assert "content_timestamp_invalid" not in info.details


def test_content_timestamp_over_other_data_is_its_own_finding(k):
    info, codes = check(X.with_content_timestamp(k, k.signer, stamped=b"un altro documento"), k.pem_trust)
    assert "SIG015" in codes
    assert "non corrisponde ai dati firmati" in info.details["content_timestamp_invalid"]
    assert "content_timestamp" not in info.details          # it proves no time
    assert (info.indication, info.sub_indication) == ("PASSED", None)   # the signature itself is intact


def test_a_mismatching_content_timestamp_after_expiry_does_not_decide_expiry(k):
    later = k.expired.cert.not_valid_after_utc + dt.timedelta(days=30)
    info, codes = check(X.with_content_timestamp(k, k.expired, at=later, stamped=b"altro"), k.pem_trust)
    assert (info.indication, info.sub_indication) == ("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE")
    assert codes[0] == "SIG007" and "SIG015" in codes


def test_content_timestamp_after_expiry_is_failed_expired(k):
    later = k.expired.cert.not_valid_after_utc + dt.timedelta(days=30)
    info, codes = check(X.with_content_timestamp(k, k.expired, at=later, individual=True), k.pem_trust)
    assert (info.indication, info.sub_indication) == ("FAILED", "EXPIRED")
    assert codes[0] == "SIG033"
    assert proven(info) == later


def test_content_timestamp_while_valid_is_no_proof_of_existence(k):
    """A content timestamp shows the signature came after it, not before expiry."""
    then = k.expired.cert.not_valid_after_utc - dt.timedelta(days=30)
    info, codes = check(X.with_content_timestamp(k, k.expired, at=then), k.pem_trust)
    assert (info.indication, info.sub_indication) == ("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE")
    assert codes[0] == "SIG007"


def test_altered_document_is_failed_before_any_timestamp(k):
    signed = X.with_content_timestamp(k, k.signer)
    info, codes = check(signed.replace(b"100.00", b"999.00"), k.pem_trust)
    assert info.indication == "FAILED" and info.sub_indication == "HASH_FAILURE"
    assert "content_timestamp" not in info.details
