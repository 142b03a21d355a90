"""The regex-jumping scans of raw PDF syntax (checker/pdfa/lexer.py), specified case by case
and against a byte-by-byte reference tokenizer written here from ISO 32000-1 7.2-7.3."""
from __future__ import annotations

import random
import re

import pytest

from checker.pdfa.lexer import name_facts, scan_hex, unescape_name


def reference_scan_hex(data: bytes) -> str | None:
    """One byte at a time: comments to the end of line, literal strings with nested
    parentheses and backslash escapes, << as a dictionary, inline image data from a
    stand-alone ID to the first EI between white space."""
    i, n = 0, len(data)
    while i < n:
        c = data[i]
        if c == ord("%"):
            while i < n and data[i] not in b"\r\n":
                i += 1
        elif c == ord("("):
            depth, i = 1, i + 1
            while i < n and depth:
                if data[i] == ord("\\"):
                    i += 2
                    continue
                depth += (data[i] == ord("(")) - (data[i] == ord(")"))
                i += 1
        elif c == ord("<"):
            if data[i + 1:i + 2] == b"<":
                i += 2
                continue
            j = data.find(b">", i)
            if j < 0:
                return None
            body = bytes(b for b in data[i + 1:j] if b not in b" \t\r\n\f\v")
            if any(b not in b"0123456789abcdefABCDEF" for b in body):
                return "chars"
            if len(body) % 2:
                return "odd"
            i = j + 1
        elif data[i:i + 2] == b"ID" and (i == 0 or data[i - 1] in b" \t\r\n") \
                and data[i + 2:i + 3] in (b" ", b"\t", b"\r", b"\n"):
            m = re.compile(rb"\sEI(?=\s|$)").search(data, i + 3)
            i = m.end() if m else n
        else:
            i += 1
    return None


@pytest.mark.parametrize("data, expected", [
    (b"BT <48 65\n6c\t6C 6f> Tj ET", None),            # white space inside: ignored
    (b"<486> Tj", "odd"),
    (b"<48 6> Tj", "odd"),                              # odd once white space is removed
    (b"<48zz> Tj", "chars"),
    (b"<> Tj", None),                                   # empty: zero digits is even
    (b"/P <</MCID 0>> BDC EMC", None),                  # dictionary brackets, not hex
    (b"<<<41>>>", None),                                # << then the hex string <41>
    (b"<<<4>>>", "odd"),
    (b"(a <zz> b) Tj", None),                           # inside a literal string
    (b"(a (nested <zz>) b) Tj", None),
    (b"(a \\) <zz> still text) Tj", None),              # an escaped parenthesis does not close
    (b"(a \\\\) <zz> Tj", "chars"),                     # an escaped backslash does not escape
    (b"% a comment <zz>\n<41> Tj", None),
    (b"% a comment\r<4> Tj", "odd"),                    # CR ends a comment too
    (b"BI /W 2 /H 1 ID <zz> / EI Q", None),             # inline image data looks like syntax
    (b"BI /W 2 /H 1 ID \x00<7(\xff EI <4> Tj", "odd"),  # the scan resumes after EI
    (b"xID <4> Tj", "odd"),                             # ID inside a longer token: not inline data
    (b"BI /W 2 ID <zz>EI Q", None),                     # EI must be preceded by white space: data to the end
    (b"<414", None),                                    # unterminated: not judged
    (b"(unterminated <zz>", None),
])
def test_scan_hex_cases(data, expected):
    assert scan_hex(data) == expected
    assert reference_scan_hex(data) == expected


def test_scan_hex_matches_the_byte_by_byte_reference_on_random_syntax():
    pieces = [b"(", b")", b"\\", b"<", b">", b"<<", b">>", b"%", b"\n", b"\r", b" ", b"\t",
              b"ID", b"EI", b"ab", b"1", b"z", b"I", b"D", b"E", b"BI", b"Tj"]
    rng = random.Random(13)
    for _ in range(20_000):
        data = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        assert scan_hex(data) == reference_scan_hex(data), data


def test_names_unescaped_and_judged():
    assert unescape_name(b"A#20B") == b"A B"
    assert unescape_name(b"Plain") == b"Plain"
    assert unescape_name(b"A#2") == b"A#2"                    # not a complete escape
    assert name_facts(b"#41" * 127) == (127, True)           # 381 bytes written, 127 meant
    assert name_facts(b"#41" * 128) == (128, True)
    assert name_facts(b"Caf#C3#A9") == (5, True)             # UTF-8 é
    assert name_facts(b"Caf#E9") == (4, False)               # Latin-1 é: not UTF-8
