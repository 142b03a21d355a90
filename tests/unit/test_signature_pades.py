"""PAdES: every signature of a signed PDF, and what changed after each (pyHanko diff analysis)."""
from __future__ import annotations

import pytest

import pki as P
from checker.model import InputFile
from checker.signatures import pades


@pytest.fixture(scope="module")
def k(tmp_path_factory):
    return P.shared(tmp_path_factory)


@pytest.fixture(scope="module")
def signed(k):
    return P.pades(k, k.signer, P.plain_pdf())


def check(k, data: bytes, trust=None):
    return pades.check(InputFile("domanda.pdf", data), {"trust": trust or [k.pem_trust]})


def codes(result):
    return [f.code for f in result.findings]


def test_unsigned_pdf_gives_nothing(k):
    # how fast is measured by bench/hostile_bench.py
    result = check(k, P.plain_pdf())
    assert (result.signatures, result.findings) == ([], [])


def test_SIG001_valid_pades(k, signed):
    result = check(k, signed)
    [sig] = result.signatures
    assert (sig.kind, sig.indication, sig.signer, sig.codice_fiscale) == ("pades", "PASSED", "ROSSI MARIO", P.CF)
    assert sig.details["coverage"] == "ENTIRE_FILE"
    assert codes(result) == ["SIG001"]


def test_SIG016_content_modified_after_signing(k, signed):
    result = check(k, P.modify_pdf_after_signing(signed))
    [sig] = result.signatures
    assert sig.indication == "FAILED"
    assert sig.details["modification"] == "OTHER"
    assert codes(result) == ["SIG016"]


def test_SIG017_second_signature_is_an_allowed_change(k, signed):
    result = check(k, P.pades(k, k.signer2, signed, field_name="Firma2"))
    first, second = result.signatures
    assert [first.signer, second.signer] == ["ROSSI MARIO", "BIANCHI ANNA"]
    assert first.indication == second.indication == "PASSED"
    assert first.details["coverage"] == "ENTIRE_REVISION"
    # adding a signature field and signing it is form filling; nothing came after the second
    assert [first.details["modification"], second.details["modification"]] == ["FORM_FILLING", "NONE"]
    assert codes(result) == ["SIG001", "SIG017", "SIG001"]


def test_SIG002_byte_changed_inside_signed_range(k, signed):
    at = signed.index(b"595")
    result = check(k, signed[:at] + b"596" + signed[at + 3:])
    [sig] = result.signatures
    assert (sig.indication, sig.sub_indication) == ("FAILED", "HASH_FAILURE")
    assert codes(result) == ["SIG002"]


def test_pades_with_timestamp_uses_its_time(k):
    # the TSA says two days ago; the signer's own clock (signed attributes) says now
    import datetime as dt
    at = (dt.datetime.now(dt.UTC) - dt.timedelta(days=2)).replace(microsecond=0)
    result = check(k, P.pades(k, k.signer, P.plain_pdf(), timestamp=True, ts_at=at))
    [sig] = result.signatures
    assert sig.indication == "PASSED"
    assert dt.datetime.fromisoformat(sig.signing_time) == at
    untimed = check(k, P.pades(k, k.signer, P.plain_pdf())).signatures[0]
    assert dt.datetime.fromisoformat(untimed.signing_time) > at + dt.timedelta(days=1)


def test_SIG006_untrusted_pades(k):
    result = check(k, P.pades(k, k.rogue_signer, P.plain_pdf()))
    [sig] = result.signatures
    assert sig.sub_indication == "NO_CERTIFICATE_CHAIN_FOUND"
    assert codes(result) == ["SIG006"]


def test_truncated_signed_pdf_is_a_finding_not_a_crash(k, signed):
    result = check(k, signed[: signed.rindex(b"/ByteRange") + 40])
    assert result.signatures == []
    assert [f.code for f in result.findings] == ["SIG003"]
    assert "EOF" in result.findings[0].detail
