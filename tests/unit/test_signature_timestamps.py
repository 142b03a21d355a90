""".tsd (RFC 5544) and .m7m envelopes: the timestamp as proof of existence."""
from __future__ import annotations

import datetime as dt

import pytest

import pki as P
from checker import profiles
from checker.checks import CheckContext
from checker.checks import signature as check
from checker.model import FormatInfo, InputFile
from checker.signatures import timestamps


@pytest.fixture(scope="module")
def k(tmp_path_factory):
    return P.shared(tmp_path_factory)


def run(k, name, data, fmt):
    ctx = CheckContext(profiles.get("generic"), {"trust": [k.pem_trust]})
    return check.run(InputFile(name, data), FormatInfo(id=fmt), ctx)


def test_SIG014_tsd_with_signed_content(k):
    pdf = P.plain_pdf()
    result = run(k, "domanda.pdf.p7m.tsd", P.tsd(k, P.cades(k, k.signer, pdf)), "tsd")
    kinds = {s.kind: s for s in result.signatures}
    assert kinds["timestamp"].indication == "PASSED"
    assert kinds["timestamp"].signer == "PEC Precheck Test TSA"
    assert kinds["cades"].indication == "PASSED"
    assert [c.name for c in result.children] == ["domanda.pdf"]
    assert result.children[0].data == pdf
    assert [f.code for f in result.findings] == ["SIG014", "SIG001"]   # the stamp, the signature


def test_tsd_timestamp_is_proof_of_existence_for_an_expired_signer(k):
    then = P.NOW - dt.timedelta(days=400)
    envelope = P.cades(k, k.expired, b"testo firmato", signing_time=then)
    stamped = then + dt.timedelta(hours=2)
    token = P.timestamp_token(k, envelope, at=stamped)
    data = timestamps.TsdContentInfo({"content_type": timestamps.TSD_OID, "content": {
        "version": 1, "content": envelope,
        "temporal_evidence": {"tst_evidence": [{"time_stamp": token}]}}}).dump()
    result = run(k, "vecchio.txt.p7m.tsd", data, "tsd")
    cades = [s for s in result.signatures if s.kind == "cades"][0]
    assert cades.indication == "PASSED"
    # the proof of existence is the timestamp's own time (not the signing day:
    # two hours later may already be tomorrow)
    assert cades.details["proof_of_existence"] == stamped.isoformat()
    # the same envelope without the timestamp is OUT_OF_BOUNDS_NO_POE
    alone = run(k, "vecchio.txt.p7m", envelope, "p7m")
    assert alone.signatures[0].sub_indication == "OUT_OF_BOUNDS_NO_POE"


def test_SIG015_tsd_with_content_changed(k):
    content = P.cades(k, k.signer, b"abc" * 100)
    data = bytearray(P.tsd(k, content))
    at = bytes(data).index(b"abc" * 10)
    data[at] ^= 1
    result = run(k, "x.txt.p7m.tsd", bytes(data), "tsd")
    # the flipped byte breaks both the timestamp's imprint and the signature inside
    assert [f.code for f in result.findings] == ["SIG015", "SIG002"]
    assert [(s.kind, s.indication, s.sub_indication) for s in result.signatures] == [
        ("timestamp", "FAILED", "HASH_FAILURE"), ("cades", "FAILED", "HASH_FAILURE")]


def test_m7m_bundle(k):
    pdf = P.plain_pdf()
    result = run(k, "domanda.pdf.m7m", P.m7m(k, P.cades(k, k.signer, pdf)), "m7m")
    assert {s.kind for s in result.signatures} == {"timestamp", "cades"}
    assert all(s.indication == "PASSED" for s in result.signatures)
    assert [c.name for c in result.children] == ["domanda.pdf"]


def test_tsd_file_name_from_metadata_when_envelope_name_is_odd(k):
    data = P.tsd(k, b"solo testo", file_name="nota.txt")
    result = run(k, "allegato", data, "tsd")
    assert [c.name for c in result.children] == ["nota.txt"]


def test_asn1crypto_schema_cannot_read_a_correct_tsd_ours_can(k):
    from asn1crypto import cms, tsp  # noqa: F401 - registers asn1crypto's TimeStampedData
    data = P.tsd(k, b"contenuto")
    with pytest.raises(ValueError):
        _ = cms.ContentInfo.load(data)["content"]["temporal_evidence"].chosen[0]["time_stamp"]["content"].native
    assert timestamps.read_tsd(data).content == b"contenuto"
