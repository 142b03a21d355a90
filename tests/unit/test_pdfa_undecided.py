"""A PDF/A rule whose inputs cannot be read (a damaged font program, a number that is not
one) is recorded as undecided: the file is then never reported compliant (PDFA003)."""
from __future__ import annotations

import pikepdf
import pytest

from checker import catalogue, pdfa
from checker.checks import pdfa as pdfa_check
from checker.model import Severity
from test_pdfa import _with_truetype, make_pdf


def _damaged_font_program(pdf):
    _with_truetype(None)(pdf)
    font = pdf.pages[0].Resources.Font.F1
    font.FontDescriptor.FontFile2 = pdf.make_stream(b"\x00\x01\x00\x00 not a TrueType program")


def _width_that_is_not_a_number(pdf):
    _with_truetype(None)(pdf)
    pdf.pages[0].Resources.Font.F1.Widths = [pikepdf.Name.Wide]


def _graphics_state(**entries):
    def tweak(pdf):
        page = pdf.pages[0]
        gs = pikepdf.Dictionary(Type=pikepdf.Name.ExtGState, **entries)
        page.Resources = pikepdf.Dictionary(ExtGState=pikepdf.Dictionary(G1=gs))
        page.Contents = pdf.make_stream(b"q /G1 gs 0 0 10 10 re f Q")
    return tweak


def _undecided(report) -> list[str]:
    return [f"{u.part}:{u.clause}" for u in report.undecided]


# a damaged TrueType program leaves undecided both its widths and its cmap (non-symbolic font)
DAMAGED_PROGRAM = ["2:6.2.11.5", "2:6.2.11.6"]


@pytest.mark.parametrize(("tweak", "clauses"), [
    (_damaged_font_program, DAMAGED_PROGRAM),
    (_width_that_is_not_a_number, ["2:6.2.11.5"]),
    (_graphics_state(HT=pikepdf.Dictionary(HalftoneType=pikepdf.Name.Five)), ["2:6.2.5"]),
], ids=["damaged-truetype-program", "width-not-a-number", "halftone-type-not-a-number"])
def test_a_rule_that_cannot_be_read_is_undecided_not_passed(tweak, clauses):
    report = pdfa.validate(make_pdf(tweak=tweak))
    assert report.failures == []
    assert _undecided(report) == clauses
    assert report.compliant is None
    assert f"ISO 19005-{clauses[0].replace(':', ' ')} non verificabile" in report.not_checked_reason


def test_opacity_that_is_not_a_number_is_undecided_in_part1():
    report = pdfa.validate(make_pdf(part=1, tweak=_graphics_state(CA=pikepdf.String("mezza"))))
    assert report.failures == []
    assert _undecided(report) == ["1:6.4"]
    assert report.compliant is None


def test_undecided_rule_becomes_PDFA003_not_checked():
    report = pdfa.validate(make_pdf(tweak=_damaged_font_program))
    findings = pdfa_check.findings_for(report)
    assert [f.code for f in findings] == ["PDFA003"]
    assert "6.2.11.5" in findings[0].args["reason"]
    assert catalogue.rule("PDFA003").severity is Severity.NOT_CHECKED


def test_a_failure_elsewhere_still_makes_the_file_not_compliant():
    def tweak(pdf):
        _damaged_font_program(pdf)
        pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    report = pdfa.validate(make_pdf(tweak=tweak))
    assert report.compliant is False
    assert "2:6.5.1-1" in report.failed_clauses
    assert _undecided(report) == DAMAGED_PROGRAM


def test_the_same_font_readable_is_compliant():
    report = pdfa.validate(make_pdf(tweak=_with_truetype(None)))
    assert report.undecided == []
    assert report.compliant is True
