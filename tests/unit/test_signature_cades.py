"""CAdES envelopes validated by checker.signatures.cms on a test PKI made at test time."""
from __future__ import annotations

import datetime as dt

import pytest

import pki as P
from checker.signatures import cms
from checker.signatures.policy import DatedAlgorithmPolicy

DOC = b"%PDF-1.4\n% domanda di prova\n" + b"contenuto " * 200


@pytest.fixture(scope="module")
def k(tmp_path_factory):
    return P.shared(tmp_path_factory)


@pytest.fixture(scope="module")
def pem(k):
    return {"trust": [k.pem_trust]}


def validate(envelope: bytes, settings: dict, content: bytes | None = None):
    env = cms.load_envelope(envelope)
    return cms.validate_signers(env.signed_data, content if content is not None else env.content,
                                settings)


def codes(result) -> list[str]:
    return [f.code for f in result.findings]


def test_SIG001_valid_signature_reports_signer_and_codice_fiscale(k, pem):
    [r] = validate(P.cades(k, k.signer, DOC), pem)
    assert (r.info.indication, r.info.sub_indication) == ("PASSED", None)
    assert r.info.signer == "ROSSI MARIO"
    assert r.info.codice_fiscale == P.CF
    assert r.info.qualified is True
    assert abs(dt.datetime.fromisoformat(r.info.signing_time) - P.NOW) < dt.timedelta(hours=1)
    assert codes(r) == ["SIG001"]
    assert r.info.details["revocation"] == "good"   # the CRL in the PEM folder was consulted


def test_SIG002_one_byte_changed_is_hash_failure(k, pem):
    [r] = validate(P.tamper(P.cades(k, k.signer, DOC), DOC), pem)
    assert (r.info.indication, r.info.sub_indication) == ("FAILED", "HASH_FAILURE")
    assert codes(r) == ["SIG002"]


def test_SIG002_detached_with_wrong_content(k, pem):
    det = P.cades(k, k.signer, DOC, detached=True)
    [ok] = cms.verify_detached(det, DOC, pem)
    [bad] = cms.verify_detached(det, DOC + b"!", pem)
    assert ok.indication == "PASSED"
    assert (bad.indication, bad.sub_indication) == ("FAILED", "HASH_FAILURE")


def test_verify_detached_never_raises_on_garbage(k, pem):
    [r] = cms.verify_detached(b"\x30\x03\x02\x01", DOC, pem)
    assert (r.indication, r.sub_indication) == ("FAILED", "FORMAT_FAILURE")


def test_SIG007_expired_signer_without_timestamp(k, pem):
    [r] = validate(P.cades(k, k.expired, DOC), pem)
    assert (r.info.indication, r.info.sub_indication) == ("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE")
    assert codes(r) == ["SIG007"]


def test_expired_signer_with_timestamp_while_valid_passes(k, pem):
    then = P.NOW - dt.timedelta(days=400)
    [r] = validate(P.cades(k, k.expired, DOC, timestamp=True, ts_at=then, signing_time=then), pem)
    assert r.info.indication == "PASSED"
    assert r.info.signing_time.startswith(then.date().isoformat())
    assert r.info.codice_fiscale == "VRDLCU70C10D969Q"   # the older "IT:" serialNumber form


def test_SIG006_untrusted_root(k, pem):
    [r] = validate(P.cades(k, k.rogue_signer, DOC), pem)
    assert (r.info.indication, r.info.sub_indication) == ("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND")
    assert codes(r) == ["SIG006"]


def test_SIG005_no_trust_configured_is_not_broken(k):
    [r] = validate(P.cades(k, k.signer, DOC), {"trust": []})
    assert (r.info.indication, r.info.sub_indication) == ("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND")
    assert codes(r) == ["SIG005"]
    assert r.info.details["trust"] == "not_configured"


def test_SIG008_sha1_after_2011(k, pem):
    [r] = validate(P.cades(k, k.signer, DOC, digest="sha1"), pem)
    assert (r.info.indication, r.info.sub_indication) == ("INDETERMINATE", "CRYPTO_CONSTRAINTS_FAILURE_NO_POE")
    assert codes(r) == ["SIG008"]


def test_SIG008_rsa_1024_after_2015(k, pem):
    [r] = validate(P.cades(k, k.weak, DOC), pem)
    assert r.info.sub_indication == "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"
    assert r.info.details["key"] == "RSA 1024"


def test_dated_algorithm_policy_accepts_sha1_before_its_sunset():
    from asn1crypto import algos
    policy = DatedAlgorithmPolicy()
    sha1 = algos.DigestAlgorithm({"algorithm": "sha1"})
    assert policy.digest_algorithm_allowed(sha1, dt.datetime(2009, 5, 1, tzinfo=dt.UTC))
    assert not policy.digest_algorithm_allowed(sha1, dt.datetime(2020, 5, 1, tzinfo=dt.UTC))


def test_SIG004_revoked_signer(k, pem):
    [r] = validate(P.cades(k, k.revoked, DOC), pem)
    assert r.info.indication == "INDETERMINATE" and r.info.sub_indication == "REVOKED_NO_POE"
    assert codes(r) == ["SIG004"]
    assert r.info.details["revocation"] == "revoked"


def test_SIG011_revocation_not_checked_without_crl(k):
    [r] = validate(P.cades(k, k.signer, DOC), {"trust": [k.tsl]})
    assert r.info.indication == "PASSED"
    assert "SIG011" in codes(r)
    assert r.info.details["revocation"] == "not_checked"


def test_SIG010_certificate_without_non_repudiation(k, pem):
    [r] = validate(P.cades(k, k.plain, DOC), pem)
    assert r.info.indication == "PASSED"
    assert r.info.qualified is False
    assert "SIG010" in codes(r)


@pytest.mark.parametrize("transform,encoding", [
    (P.base64_envelope, "base64"), (P.pem_armour, "pem"), (P.to_ber_indefinite, "ber")])
def test_transport_encodings(k, pem, transform, encoding):
    data = transform(P.cades(k, k.signer, DOC))
    env = cms.load_envelope(data)
    assert env.encoding == encoding
    assert env.content == DOC
    [r] = cms.validate_signers(env.signed_data, env.content, pem)
    assert r.info.indication == "PASSED"


def test_two_parallel_signers_are_validated_separately(k, pem):
    both = P.parallel(P.cades(k, k.signer, DOC), P.cades(k, k.signer2, DOC))
    results = validate(both, pem)
    assert sorted(r.info.signer for r in results) == ["BIANCHI ANNA", "ROSSI MARIO"]
    assert all(r.info.indication == "PASSED" for r in results)


def test_parallel_signer_with_untrusted_root_does_not_spoil_the_other(k, pem):
    both = P.parallel(P.cades(k, k.signer, DOC), P.cades(k, k.rogue_signer, DOC))
    by_signer = {r.info.signer: r.info for r in validate(both, pem)}
    assert by_signer["ROSSI MARIO"].indication == "PASSED"
    assert by_signer["MORI EVA"].sub_indication == "NO_CERTIFICATE_CHAIN_FOUND"


def test_SIG012_signed_attributes_out_of_der_order(k, pem):
    data = P.out_of_der_order(k, k.signer, DOC)
    si = cms.load_envelope(data).signed_data["signer_infos"][0]
    resorted = cms.resorted_signer_info(si)               # really stored out of order
    stored = [a.dump() for a in si["signed_attrs"]]
    assert stored != sorted(stored)
    assert [a.dump() for a in resorted["signed_attrs"]] == sorted(stored)
    in_order = cms.load_envelope(P.cades(k, k.signer, DOC)).signed_data["signer_infos"][0]
    assert cms.resorted_signer_info(in_order) is None
    [r] = validate(data, pem)
    assert r.info.indication == "PASSED"
    assert codes(r) == ["SIG001", "SIG012"]
    assert r.info.details["signed_attributes_resorted"] is True


def test_qualified_status_from_trusted_list(k):
    [r] = validate(P.cades(k, k.signer, DOC), {"trust": [k.tsl]})
    assert r.info.qualified is True
    assert r.info.details["trusted_list_qualified"] is True


def test_untrusted_qualified_looking_certificate_is_not_called_qualified(k, pem):
    [r] = validate(P.cades(k, k.rogue_signer, DOC), pem)
    assert r.info.details["qc_compliance"] is True
    assert r.info.qualified is None


def test_SIG018_envelope_without_content(k, pem):
    from checker import profiles
    from checker.checks import CheckContext
    from checker.checks import signature as check
    from checker.model import FormatInfo, InputFile
    detached = P.cades(k, k.signer, DOC, detached=True)
    ctx = CheckContext(profiles.get("generic"), pem)
    result = check.run(InputFile("vuota.pdf.p7m", detached), FormatInfo(id="p7m"), ctx)
    assert [f.code for f in result.findings] == ["SIG018"]
    assert not result.children


def test_SIG009_signed_data_not_found(k, pem):
    env = cms.load_envelope(P.cades(k, k.signer, DOC, detached=True))
    [r] = cms.validate_signers(env.signed_data, None, pem)
    assert (r.info.indication, r.info.sub_indication) == ("INDETERMINATE", "SIGNED_DATA_NOT_FOUND")
    assert codes(r) == ["SIG009"]


def test_inner_names():
    from checker.checks.signature import inner_name
    assert inner_name("domanda.pdf.p7m") == "domanda.pdf"
    assert inner_name("DOMANDA.PDF.P7M") == "DOMANDA.PDF"
    assert inner_name("x.pdf.p7m.tsd") == "x.pdf.p7m"
    assert inner_name("senza-estensione") == "senza-estensione"
