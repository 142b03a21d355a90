"""Hostile ASN.1 in signature envelopes: a clear finding, quickly, never a crash."""
from __future__ import annotations


import pytest

import pki as P
from checker import engine, profiles
from checker.checks import CheckContext, settings_from_env
from checker.checks import signature as check
from checker.model import FormatInfo, InputFile, Submission
from checker.signatures import cms, timestamps


@pytest.fixture(scope="module")
def k(tmp_path_factory):
    return P.shared(tmp_path_factory)


@pytest.fixture(scope="module")
def good(k):
    return P.cades(k, k.signer, b"documento " * 100)


def _hostile(good: bytes) -> dict[str, bytes]:
    return {
        "truncated": good[: len(good) // 2],
        "absurd-length": b"\x30\x84\x7f\xff\xff\xff" + good[2:],
        "deep-nesting": b"\x30\x80" * 200_000,
        "deep-definite": b"\x30\x82\xff\xff" + b"\x30\x82\xff\xfb" * 10_000,
        "garbage": bytes(range(256)) * 40,
        "empty-seq": b"\x30\x00",
        "bad-base64": b"MIAGCSqGSIb3DQEHAqCAMIACAQEx" + b"!!" * 50,
        "signers-bomb": _many_signers(good, 500),
        "other-content-type": _with_oid(good),
    }


def _many_signers(good: bytes, n: int) -> bytes:
    from asn1crypto import cms as acms
    info = acms.ContentInfo.load(good)
    sd = info["content"]
    si = sd["signer_infos"][0]
    bomb = acms.SignedData({"version": sd["version"], "digest_algorithms": sd["digest_algorithms"],
                            "encap_content_info": sd["encap_content_info"],
                            "signer_infos": [si] * n})
    return acms.ContentInfo({"content_type": "signed_data", "content": bomb}).dump()


def _with_oid(good: bytes) -> bytes:
    from asn1crypto import cms as acms
    return acms.ContentInfo({"content_type": "data", "content": b"x"}).dump()


@pytest.mark.parametrize("fmt", ["p7m", "tsd", "m7m"])
def test_hostile_envelopes_give_SIG003(k, good, fmt):
    ctx = CheckContext(profiles.get("generic"), {"trust": [k.pem_trust]})
    for label, data in _hostile(good).items():
        result = check.run(InputFile(f"x.{fmt}", data), FormatInfo(id=fmt), ctx)
        assert [f.code for f in result.findings] == ["SIG003"], (label, result.findings)
        assert result.findings[0].detail, label
        assert not result.children


def test_load_envelope_raises_only_envelope_error(good):
    for data in _hostile(good).values():
        with pytest.raises(cms.EnvelopeError):
            cms.load_envelope(data)
        with pytest.raises(timestamps.TimestampFormatError):
            timestamps.read_tsd(data)


def test_hostile_envelope_through_the_engine(k, good):
    files = [InputFile(f"{label}.pdf.p7m", data) for label, data in _hostile(good).items()]
    settings = settings_from_env()
    settings["trust"] = [k.pem_trust]
    rep = engine.check_submission(Submission(files=files), settings)
    # what identification can still call an envelope reaches the signature check (SIG003);
    # the rest is refused by identification already (unknown content, or text named .p7m)
    expected = {
        "truncated": ("p7m", ["SIG003"]),
        "absurd-length": ("p7m", ["SIG003"]),
        "signers-bomb": ("p7m", ["SIG003"]),
        "deep-nesting": ("unknown", ["FMT016"]),
        "deep-definite": ("unknown", ["FMT016"]),
        "garbage": ("unknown", ["FMT016"]),
        "empty-seq": ("unknown", ["FMT016"]),
        "other-content-type": ("unknown", ["FMT016"]),
        "bad-base64": ("txt", ["FMT010"]),
    }
    assert sorted(d.name for d in rep.documents) == sorted(f"{n}.pdf.p7m" for n in expected)
    for doc in rep.documents:
        fmt, codes = expected[doc.name.removesuffix(".pdf.p7m")]
        assert (doc.format.id, [f.code for f in doc.findings if f.check != "antivirus"]) == \
            (fmt, codes), doc.name
        assert not any(f.code in ("SYS001", "SYS002", "SYS003") and f.check == "signature"
                       for f in doc.findings), (doc.name, doc.findings)
