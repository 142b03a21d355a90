"""Triage under fixed parse limits: messages whose parse cost grows faster than their bytes
(parts, nesting, encoded words, header size, attachments) get a finding, never a parse.

No timing is asserted (bench/hostile_bench.py measures it); the parse must simply not
happen, which the findings and the absent message prove."""
from __future__ import annotations

from checker import catalogue
from checker.checks import pec_message
from checker.mail import limits, unwrap
from checker.mail.reader import read_message
from checker.model import Finding, FormatInfo, InputFile
from pec_samples import generator

GEN = generator()
HEAD = (b"From: a@b.example\r\nTo: c@d.example\r\nSubject: s\r\n"
        b"X-Trasporto: posta-certificata\r\nMIME-Version: 1.0\r\n")


def many_parts(parts: int, filler: int = 0) -> bytes:
    part = b"--x\r\n\r\n" + b"A" * filler + b"\r\n"
    return HEAD + b'Content-Type: multipart/mixed; boundary="x"\r\n\r\n' + part * parts + b"--x--\r\n"


def nested(depth: int) -> bytes:
    body = b"".join(f'Content-Type: multipart/mixed; boundary="b{n}"\r\n\r\n--b{n}\r\n'.encode()
                    for n in range(depth))
    return HEAD + body


def encoded_words(count: int) -> bytes:
    return HEAD.replace(b"Subject: s", b"Subject: " + b"=?utf-8?q?a?= " * count) + b"\r\nbody\r\n"


def codes(data: bytes) -> list[str]:
    return [f.code for f in read_message(data).findings]


def test_two_million_parts_are_refused_before_parsing():
    data = many_parts(2_000_000, filler=26)          # ~70 MB
    parsed = unwrap.parse_bytes(data)
    assert parsed.message is None
    assert [f.code for f in parsed.findings] == ["PEC016"]
    assert "2000001 parti MIME" in parsed.findings[0].detail


def test_deep_nesting_is_refused():
    assert codes(nested(limits.MAX_CONTAINERS + 1)) == ["PEC016"]


def test_many_encoded_words_are_refused():
    found = read_message(encoded_words(300_000)).findings
    assert {f.code for f in found} == {"PEC018"}
    assert any("parole codificate" in f.detail for f in found)


def test_encoded_words_total_length_is_bounded():
    word = b"=?utf-8?b?" + b"QUFB" * 40_000 + b"?="  # one word, 160 KB
    data = HEAD + b"X-A: " + word + b"\r\n\r\n" + b"X: " + word + b"\r\n"
    found = read_message(data).findings
    assert [f.code for f in found] == ["PEC018"] and "parole codificate" in found[0].detail


def test_huge_header_block_is_refused():
    data = HEAD + b"X-Long: " + b"a" * (limits.MAX_HEADER_BYTES + 1) + b"\r\n\r\nbody\r\n"
    found = read_message(data).findings
    assert [f.code for f in found] == ["PEC018"] and "intestazioni oltre" in found[0].detail


def test_ordinary_message_stays_below_every_limit():
    data = GEN.original_message(attachments=[(f"a{n}.txt", "text/plain", b"x") for n in range(50)])
    assert limits.structure_findings(data) == []
    assert unwrap.parse_bytes(data).message is not None


def test_attachments_beyond_the_cap_are_counted_not_decoded():
    original = GEN.original_message(
        attachments=[(f"a{n}.txt", "application/octet-stream", b"x") for n in range(200)])
    envelope = (HEAD + b'Content-Type: multipart/mixed; boundary="env"\r\n\r\n--env\r\n'
                b'Content-Type: message/rfc822; name="postacert.eml"\r\n'
                b'Content-Disposition: inline; filename="postacert.eml"\r\n\r\n'
                + original + b"\r\n--env--\r\n")
    parsed = read_message(envelope)
    assert parsed.original is not None
    assert len(parsed.original.attachments) == limits.MAX_ATTACHMENTS
    assert parsed.original.dropped == 200 - limits.MAX_ATTACHMENTS
    found = [f for f in parsed.findings if f.code == "PEC017"]
    assert found and found[0].args == {"count": "200", "limit": str(limits.MAX_ATTACHMENTS)}
    # an attached .eml (not a PEC) beyond the cap: the pec_message check says so too
    result = pec_message.run(InputFile("inoltro.eml", original), FormatInfo(id="eml"), None)
    assert "PEC017" in [f.code for f in result.findings]
    assert len(result.children) == limits.MAX_ATTACHMENTS


def test_hostile_attached_eml_is_an_error_in_a_submission():
    result = pec_message.run(InputFile("x.eml", many_parts(5000)), FormatInfo(id="eml"), None)
    assert [f.code for f in result.findings] == ["PEC016"]
    assert result.findings[0].severity is None  # the catalogue's: an error, not a warning
    assert result.children == []


def test_new_codes_have_texts_in_both_languages():
    args = {"detail": "2000001 parti MIME", "count": "200", "limit": "100"}
    for code in ("PEC016", "PEC017", "PEC018"):
        assert catalogue.rule(code).severity.value == "error"
        for lang in ("it", "en"):
            text = catalogue.describe(Finding(code, args=args), lang)
            assert text["title"] and text["fix"] and "{" not in text["explain"]
