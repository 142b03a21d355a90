"""checks/rtf.py: embedded objects (oletools' rtfobj), link and DDE fields, attached
templates and links typed in the text; the body text feeds the one-procedure rule."""
from __future__ import annotations

import pytest

from content_cases import case, check_through_engine, codes, doc_findings, only, run_check

from checker.model import FormatInfo, InputFile, Verdict


def rtf(name: str, data: bytes | None = None):
    return run_check("rtf", name, data if data is not None else case(name), "rtf")


def test_clean_rtf_passes_and_gives_the_oggetto_line():
    result = rtf("pulito.rtf")
    assert result.findings == []
    assert result.facts["oggetto"] == "richiesta di accesso agli atti"


def test_RTF002_hyperlink_includepicture_and_dde_fields_but_not_page():
    result = rtf("campi.rtf")
    fields = {f.args["field"]: f.detail for f in only(result, "RTF002")}
    assert fields["HYPERLINK"] == "http://www.example.org/bando"
    assert fields["INCLUDEPICTURE"] == "http://img.example.org/firma.png"
    assert "calc.exe" in fields["DDEAUTO"]
    assert "PAGE" not in fields
    assert all(f.location.startswith("byte ") for f in only(result, "RTF002"))


def test_RTF005_address_typed_in_text_with_line():
    [typed] = only(rtf("campi.rtf"), "RTF005")
    assert typed.detail == "www.example.org" and typed.location.startswith("riga ")


def test_RTF001_embedded_package_object_names_the_file():
    [obj] = only(rtf("oggetto.rtf"), "RTF001")
    assert obj.detail == "pacchetto: script.bat"


def test_RTF003_attached_template():
    [template] = only(rtf("modello.rtf"), "RTF003")
    assert "modello.dotm" in template.detail


# Word opens unbalanced or truncated RTF ("{\\rt" is the signature it checks): those carry
# nothing active, so no finding; a broken \\object is still an embedded object.
@pytest.mark.parametrize("data, expected", [
    (b"{\\rt", []),                                          # header only
    (b"{\\rtf1 {{{{{{{{{{{{ \\bin-5 xx", []),                   # unbalanced, negative \\bin
    (b"{\\rtf1" + b"{" * 20000 + b"x", []),                  # very deep groups
    (b"{\\rtf1{\\object\\objemb{\\*\\objdata 0105zzzz}}}", [("RTF001", "oggetto di 2 byte")]),
])
def test_malformed_rtf_never_crashes(data, expected):
    from checker.checks import rtf as rtf_module
    result = rtf_module.run(InputFile("x.rtf", data), FormatInfo(id="rtf"), None)
    assert [(f.code, f.detail) for f in result.findings] == expected


def test_RTF004_not_rtf_at_all():
    from checker.checks import rtf as rtf_module
    result = rtf_module.run(InputFile("x.rtf", b"plain text"), FormatInfo(id="rtf"), None)
    assert codes(result) == {"RTF004"}


def test_engine_reports_rtf_findings():
    report = check_through_engine({"pulito.rtf": case("pulito.rtf"), "oggetto.rtf": case("oggetto.rtf")})
    assert report.verdict is Verdict.FIX
    assert doc_findings(report, "pulito.rtf", "rtf") == []
    assert [f.code for f in doc_findings(report, "oggetto.rtf", "rtf")] == ["RTF001"]


def test_rtf_text_decodes_hex_and_unicode_escapes_for_the_oggetto_line():
    from checker.checks import rtf as rtf_module
    data = b"{\\rtf1\\ansi\\uc1\\pard Oggetto: perch\\'e9 la citt\\u224? chiede\\par}"
    result = rtf_module.run(InputFile("x.rtf", data), FormatInfo(id="rtf"), None)
    assert result.facts["oggetto"] == "perché la città chiede"


def test_long_rtf_body_is_parsed_to_its_end():
    from checker.checks import rtf as rtf_module
    data = b"{\\rtf1\\ansi " + b"parola \\b grassetto\\b0 " * 100_000 + b"\\par www.example.org}"
    result = rtf_module.run(InputFile("lungo.rtf", data), FormatInfo(id="rtf"), None)
    assert [f.detail for f in only(result, "RTF005")] == ["www.example.org"]
