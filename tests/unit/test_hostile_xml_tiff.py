"""Linear-time guards: a huge XML token and 200 k attributes refused before expat (< 2.6)
re-tokenises them at every buffer fill; a TIFF with 100 k pages counted up to the cap
without walking every IFD. No timing is asserted (bench/hostile_bench.py measures it)."""
from __future__ import annotations

import struct

import pytest

from checker import xmlguard
from checker.checks import tiff, xmldoc
from checker.model import FormatInfo, InputFile
from hostile_tiff import tiff_pages

HUGE_ATTRIBUTE = b'<?xml version="1.0"?><r><a x="' + b"A" * (50 << 20) + b'"/></r>'
MANY_ATTRIBUTES = b"<r " + b" ".join(b'a%d="1"' % n for n in range(200_000)) + b"/>"


@pytest.mark.parametrize("data", [HUGE_ATTRIBUTE, MANY_ATTRIBUTES,
                                  b"<r><!--" + b"x>" * (1 << 20) + b"--></r>",
                                  b"<r a='" + b"x>" * (1 << 20) + b"'/>"])
def test_huge_tokens_are_refused(data):
    with pytest.raises(xmlguard.HostileMarkup):
        xmlguard.check(data, force=True)


def test_many_attributes_are_named():
    with pytest.raises(xmlguard.HostileMarkup, match="attributi"):
        xmlguard.check(MANY_ATTRIBUTES, force=True)


def test_long_text_runs_and_ordinary_files_pass():
    base64_text = b"<r><data>" + b"QUJD" * (4 << 20) + b"</data><b x='1'>t</b></r>"
    flat = b"<r>" + b"<a x='1'>t</a>" * 100_000 + b"</r>"
    for data in (base64_text, flat, b"<r/>", b""):
        xmlguard.check(data, force=True)


def test_xmldoc_gives_a_finding_not_a_parse():
    for data in (HUGE_ATTRIBUTE, MANY_ATTRIBUTES):
        result = xmldoc.run(InputFile("a.xml", data), FormatInfo(id="xml"), None)
        codes = [f.code for f in result.findings]
        if not xmlguard.EXPAT_REPARSES_LINEARLY:
            assert codes == ["XML011"]
        else:  # libexpat ≥ 2.6 parses them in linear time; libxml2 then refuses or reads them
            assert "SYS001" not in codes


def test_tiff_with_100k_pages_is_refused_at_the_cap():
    data = tiff_pages(100_000)
    assert tiff.count_pages(data, tiff.MAX_PAGES) == tiff.MAX_PAGES + 1
    result = tiff.run(InputFile("a.tif", data), FormatInfo(id="tiff"), None)
    assert [f.code for f in result.findings] == ["TIF005"]


def test_tiff_page_count_is_exact_below_the_cap_and_ends_loops():
    assert tiff.count_pages(tiff_pages(3), tiff.MAX_PAGES) == 3
    looped = bytearray(tiff_pages(2))
    struct.pack_into("<I", looped, len(looped) - 4, 10)  # last page points back to the first
    assert tiff.count_pages(bytes(looped), tiff.MAX_PAGES) == 2
    result = tiff.run(InputFile("a.tif", tiff_pages(3)), FormatInfo(id="tiff"), None)
    assert "TIF003" in [f.code for f in result.findings] and result.facts["pages"] == 3
