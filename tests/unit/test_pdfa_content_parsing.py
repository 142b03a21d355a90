"""The PDF/A validator's tokenisation of content streams and raw objects, on files built
here as conforming PDF/A-2b (tests/fixtures/pdfa_spec) and then broken in exactly one way
(or made awkward in one way that is still conforming)."""
from __future__ import annotations

import io

import pikepdf
import pytest

from checker import pdfa
from checker.pdfa import usage as usage_walk
from checker.pdfa.document import Document
from checker.pdfa.model import Flavour

from pdfa_spec.builder import Spec, build, save, shown_text

SHOW = b"BT /F1 12 Tf 72 720 Td " + shown_text("truetype") + b" Tj ET\n"


def with_content(content: bytes) -> bytes:
    spec = Spec("2b", text=True)
    pdf = build(spec)
    pdf.pages[0].Contents = pdf.make_stream(content)
    return save(pdf, spec.part)


def with_raw_name(written: bytes, as_value: bool = False) -> bytes:
    """The page dictionary gets a key (or a /Tag value) written exactly as `written` (escapes
    and all): a placeholder of the same length is replaced in the saved bytes, so offsets
    stay right."""
    spec = Spec("2b", text=True)
    pdf = build(spec)
    placeholder = b"Q" * len(written)
    if as_value:
        pdf.pages[0].obj[pikepdf.Name("/Tag")] = pikepdf.Name("/" + placeholder.decode())
    else:
        pdf.pages[0].obj[pikepdf.Name("/" + placeholder.decode())] = 1
    data = save(pdf, spec.part)
    assert data.count(b"/" + placeholder) == 1
    return data.replace(b"/" + placeholder, b"/" + written)


def test_the_unbroken_file_conforms():
    report = pdfa.validate(with_content(SHOW))
    assert report.compliant is True, report.failed_clauses


@pytest.mark.parametrize("image_data", [b"<zz> /", b"(<7 EI", b") Tj %", b"/X Do\n"])
def test_inline_image_data_that_looks_like_operators_is_not_read_as_syntax(image_data):
    # 2 x 1 RGB pixels = 6 bytes of data, whatever they look like
    assert len(image_data) == 6
    content = b"q BI /W 2 /H 1 /CS /RGB /BPC 8 ID " + image_data + b" EI Q\n" + SHOW
    report = pdfa.validate(with_content(content))
    assert report.compliant is True, (report.failed_clauses, report.not_checked_reason)


def test_inline_image_is_drawn_once_with_its_colour_space():
    content = b"q BI /W 2 /H 1 /CS /RGB /BPC 8 ID <zz> / EI Q\n" + SHOW
    data = with_content(content)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        u = usage_walk.usage(Document(data=data, pdf=pdf, flavour=Flavour.parse("2b")))
        assert len(u.inline_images) == 1
        assert [str(c.obj) for c in u.colour_spaces] == ["/DeviceRGB"]
        assert u.unknown_operators == [] and u.missing == []


@pytest.mark.parametrize("hex_string, rule", [
    (b"<41 42\n43>", None),           # white space between digits is allowed
    (b"<414>", "2:6.1.6-1"),          # odd number of digits
    (b"<41 4>", "2:6.1.6-1"),         # odd once white space is removed
    (b"<41zz>", "2:6.1.6-2"),         # not a hex digit
])
def test_hex_strings_in_content(hex_string, rule):
    content = b"/Span <</Alt " + hex_string + b">> BDC EMC\n" + SHOW
    report = pdfa.validate(with_content(content))
    if rule is None:
        assert report.compliant is True, report.failed_clauses
    else:
        assert report.failed_clauses == [rule]


def test_hex_lookalikes_inside_strings_and_comments_are_text():
    content = (b"% a comment with <zz>\n"
               b"/Span <</Alt (a <zz> \\) <1> (nested <z>) c)>> BDC EMC\n" + SHOW)
    report = pdfa.validate(with_content(content))
    assert report.compliant is True, report.failed_clauses


def test_nested_dictionaries_in_bdc_operands():
    content = (b"/Span <</ActualText (Ciao) /Lang (it-IT) /N <</D [1 2 <</X <4142>>>]>>>> BDC "
               + SHOW + b"EMC\n")
    data = with_content(content)
    assert pdfa.validate(data).compliant is True
    with pikepdf.open(io.BytesIO(data)) as pdf:
        u = usage_walk.usage(Document(data=data, pdf=pdf, flavour=Flavour.parse("2b")))
        assert [str(lang.obj) for lang in u.languages] == ["it-IT"]
        assert u.plain == []   # the text is inside an /ActualText span
        assert list(u.shown.values())[0].codes == b"Ciao PDF/A"


def test_nested_dictionary_with_a_bad_hex_string_deep_inside():
    content = b"/Span <</N <</D [1 2 <</X <414>>>]>>>> BDC " + SHOW + b"EMC\n"
    assert pdfa.validate(with_content(content)).failed_clauses == ["2:6.1.6-1"]


@pytest.mark.parametrize("tail", [b"BT /F1 12 Tf (Hel", b"BT /F1 12 Tf <414"])
def test_truncated_content_stream_is_not_a_hex_failure(tail):
    # the stream ends inside a string: nothing after it to judge, the text before stands
    report = pdfa.validate(with_content(SHOW + tail))
    assert "2:6.1.6-1" not in report.failed_clauses and "2:6.1.6-2" not in report.failed_clauses


def test_content_limits_measured_on_every_operand():
    content = b"q 1 0 0 1 0 0 cm 40000.5 0 m 2147483650 0 l S Q\n" + SHOW
    report = pdfa.validate(with_content(content), "1b")
    assert {"1:6.1.12-1", "1:6.1.12-2"} <= set(report.failed_clauses)


# Each limit of ISO 19005-2 6.1.13 (Table 1) and 19005-1 6.1.12 reached by one content
# operand, and the same operand just inside the limit. The walker measures operands only
# where a content stream could hold one past a limit (5-digit runs, or over 32,767 bytes):
# every case here must be measured either way.
@pytest.mark.parametrize("operands, flavour, rule", [
    (b"32768.5 w", "1b", "1:6.1.12-2"),
    (b"32767.0 w", "1b", None),
    (b"-32768.25 0 m 0 0 l S", "1b", "1:6.1.12-2"),
    (b"2147483649 w", "2b", "2:6.1.13-1"),  # -2^31 is allowed, so |x| - 1 is the test
    (b"2147483647 w", "2b", None),
    (b"0." + b"0" * 40 + b"1 w", "2b", "2:6.1.13-5"),
    (b"0." + b"0" * 36 + b"2 w", "2b", None),
    (b"[(" + b"x" * 32768 + b")] 0 d", "2b", "2:6.1.13-3"),
    (b"[<" + b"41" * 32768 + b">] 0 d", "2b", "2:6.1.13-3"),
    (b"[(" + b"x" * 32767 + b")] 0 d", "2b", None),
    (b"[(" + b"x" * 65536 + b")] 0 d", "1b", "1:6.1.12-3"),
])
def test_each_content_limit_on_one_operand(operands, flavour, rule):
    report = pdfa.validate(with_content(b"q " + operands + b" Q\n" + SHOW), flavour)
    limit_rules = {r for r in report.failed_clauses if r.split(":")[1].startswith(("6.1.12-", "6.1.13-"))}
    assert limit_rules == ({rule} if rule else set()), report.failed_clauses


def test_limits_are_measured_in_a_form_xobject_too():
    spec = Spec("2b", text=True)
    pdf = build(spec)
    form = pdf.make_stream(b"2147483649 w 0 0 m 1 1 l S", Type=pikepdf.Name.XObject,
                           Subtype=pikepdf.Name.Form, BBox=[0, 0, 10, 10], Resources=pikepdf.Dictionary())
    pdf.pages[0].Resources.XObject = pikepdf.Dictionary(Fm1=form)
    pdf.pages[0].Contents = pdf.make_stream(b"q /Fm1 Do Q\n" + SHOW)
    report = pdfa.validate(save(pdf, spec.part))
    assert "2:6.1.13-1" in report.failed_clauses


def test_the_limit_screen_only_skips_what_cannot_exceed():
    may = usage_walk._may_exceed_limits
    assert not may(b"q 1 0 0 1 72 720 cm 0.5 w 9999.99 0 m (1234) Tj Q")
    assert may(b"12345 w") and may(b"(tel. 0612345) Tj") and may(b"x" * 32768)


@pytest.mark.parametrize("written, rule", [
    (b"Caf#C3#A9", None),            # UTF-8 é, escaped
    (b"Caf#E9", "2:6.1.8-1"),        # Latin-1 é: not UTF-8 (was: structure family not run)
    (b"#41" * 127, None),            # 381 bytes written, 127 meant: within the limit
    (b"#41" * 128, "2:6.1.13-4"),    # 128 bytes meant
])
@pytest.mark.parametrize("as_value", [False, True], ids=["key", "value"])
def test_names_are_judged_after_unescaping(written, rule, as_value):
    report = pdfa.validate(with_raw_name(written, as_value))
    if rule is None:
        assert report.compliant is True, report.failed_clauses
    else:
        assert report.failed_clauses == [rule]
