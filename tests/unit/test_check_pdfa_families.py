"""Check "pdfa" (checker/checks/pdfa.py): each clause family that had no test gets its finding
code from a small real PDF (samples/gen_pdfa.py with one tweak) that breaks one clause.
The clause a failure cites, and the code its family maps to, come from checker/pdfa/."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name

from checker import pdfa
from checker.checks.pdfa import findings_for

_spec = importlib.util.spec_from_file_location(
    "gen_pdfa", Path(__file__).resolve().parents[2] / "samples" / "gen_pdfa.py")
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)


def _content(pdf, ops: bytes, resources=None) -> None:
    page = pdf.pages[0].obj
    page.Contents = pdf.make_stream(ops)
    if resources is not None:
        page.Resources = resources


def need_appearances(pdf):
    pdf.Root.AcroForm = Dictionary(Fields=Array(), NeedAppearances=True)


def unnamed_layer_configuration(pdf):
    layer = pdf.make_indirect(Dictionary(Type=Name.OCG, Name=pikepdf.String("Livello")))
    pdf.Root.OCProperties = Dictionary(OCGs=Array([layer]), D=Dictionary(ON=Array([layer])))


def level_a_claim_without_structure(pdf):
    xmp = gen.XMP.format(part=2, extra="").replace('conformance="B"', 'conformance="A"')
    pdf.Root.Metadata = pdf.make_stream(xmp.encode("utf-8"), Type=Name.Metadata,
                                        Subtype=Name.XML)


def page_transparency_group(pdf):
    pdf.pages[0].obj.Group = Dictionary(S=Name.Transparency, CS=Name.DeviceRGB)


def device_rgb_without_output_intent(pdf):
    _content(pdf, b"1 0 0 rg 10 10 100 100 re f")


def transfer_function(pdf):
    _content(pdf, b"/G1 gs 10 10 100 100 re S", Dictionary(ExtGState=Dictionary(
        G1=Dictionary(Type=Name.ExtGState, TR=Name.Identity))))


@pytest.mark.parametrize("code, part, tweak, clauses", [
    # ISO 19005-2 6.2.4.3: device colour only with an output intent
    ("PDFA013", 2, device_rgb_without_output_intent, ["ISO 19005-2 6.2.4.3"]),
    # ISO 19005-1 6.4: no transparency group on a page (its DeviceRGB also needs an intent)
    ("PDFA014", 1, page_transparency_group, ["ISO 19005-1 6.4"]),
    # ISO 19005-2 6.2.5: a graphics state shall not have a transfer function
    ("PDFA015", 2, transfer_function, ["ISO 19005-2 6.2.5"]),
    # ISO 19005-2 6.4.1: NeedAppearances shall not be true
    ("PDFA018", 2, need_appearances, ["ISO 19005-2 6.4.1"]),
    # ISO 19005-2 6.9: every optional content configuration has a /Name
    ("PDFA020", 2, unnamed_layer_configuration, ["ISO 19005-2 6.9"]),
    # ISO 19005-2 6.7.2.2 and 6.7.3.3: level A needs MarkInfo and a structure tree
    ("PDFA021", 2, level_a_claim_without_structure,
     ["ISO 19005-2 6.7.2.2", "ISO 19005-2 6.7.3.3"]),
])
def test_family_code_from_a_pdf_that_breaks_one_clause(code, part, tweak, clauses):
    report = pdfa.validate(gen._pdf(part=part, tweak=tweak))
    assert report.compliant is False
    found = findings_for(report)
    assert [f.args["clause"] for f in found if f.code == code] == clauses
    assert found[-1].code == "PDFA002"          # the pre-check notice closes the list
    # the same file without the tweak passes: the tweak is what the family caught
    clean = findings_for(pdfa.validate(gen._pdf(part=part)))
    assert [f.code for f in clean] == ["PDFA002"]


def test_PDFA014_transparency_group_also_needs_an_output_intent_for_its_colour_space():
    found = findings_for(pdfa.validate(gen._pdf(part=1, tweak=page_transparency_group)))
    assert [(f.code, f.args.get("clause")) for f in found] == [
        ("PDFA013", "ISO 19005-1 6.2.3.3"), ("PDFA014", "ISO 19005-1 6.4"), ("PDFA002", None)]
