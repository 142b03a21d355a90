"""checks/odf.py on OpenDocument files made with odfpy (raw zip/XML edits for macros and
encryption, which odfpy does not write): every dirty file is reported with what and where."""
from __future__ import annotations

import io
import zipfile

import pytest

from content_cases import case, check_through_engine, codes, doc_findings, gen_content, only, run_check

from checker.model import Verdict
from report_client import check_page


def odf(name: str, data: bytes | None = None, fmt: str | None = None):
    return run_check("odf", name, data if data is not None else case(name), fmt)


@pytest.mark.parametrize("name,fmt", [("pulito.odt", "odt"), ("pulito.ods", "ods")])
def test_clean_odf_files_pass_even_with_libreoffice_empty_scripts(name, fmt):
    assert odf(name, fmt=fmt).findings == []


def test_empty_office_scripts_element_is_not_a_macro():
    data = gen_content._rezip(case("pulito.odt"), edit=lambda n, b: b.replace(
        b"<office:body>", b"<office:scripts/><office:body>", 1) if n == "content.xml" else b)
    assert b"<office:scripts/>" in zipfile.ZipFile(io.BytesIO(data)).read("content.xml")
    assert odf("x.odt", data).findings == []


def test_clean_odt_gives_the_oggetto_line():
    assert odf("pulito.odt").facts["oggetto"] == "richiesta di accesso agli atti"


def test_ODF003_hyperlink_ODF004_linked_section_and_image_ODF011_email_in_text():
    result = odf("collegamenti.odt", fmt="odt")
    assert [f.detail for f in only(result, "ODF003")] == ["https://www.example.org/informativa"]
    linked = {f.args["kind"]: f.detail for f in only(result, "ODF004")}
    assert linked == {"sezione collegata": "file:///C:/Documenti/allegato.odt",
                      "immagine collegata": "http://img.example.org/logo.png"}
    assert [f.detail for f in only(result, "ODF011")] == ["privacy@example.org"]
    where = {f.detail: f.location for f in only(result, "ODF003") + only(result, "ODF004")}
    assert where == {"https://www.example.org/informativa": "content.xml, paragrafo 2",
                     "file:///C:/Documenti/allegato.odt": "content.xml, dopo il paragrafo 2",
                     "http://img.example.org/logo.png": "content.xml, paragrafo 3"}


def test_ODF001_basic_module_and_ODF002_script_event_listener():
    result = odf("macro.odt")
    # the module itself, and the manifest entry of the Basic library
    assert [(f.detail, f.location) for f in only(result, "ODF001")] == [
        ("Basic/ (application/binary)", "META-INF/manifest.xml"),
        ("Basic/Standard/Module1.xml", "Basic/Standard/Module1.xml")]
    [event] = only(result, "ODF002")
    assert event.detail.startswith("vnd.sun.star.script:Standard.Module1.Main")
    # library index files alone are not macros
    assert not any(f.location.endswith(("script-lc.xml", "script-lb.xml")) for f in only(result, "ODF001"))


def test_ODF007_embedded_object():
    [obj] = only(odf("oggetto.odt"), "ODF007")
    assert obj.detail.startswith("Object")


def test_ODF009_encrypted_parts_from_the_manifest():
    result = odf("cifrato.odt")
    assert codes(result) == {"ODF009"}
    assert "content.xml" in only(result, "ODF009")[0].location


def test_ODF008_formula_by_sheet_and_cell():
    [formula] = only(odf("formule.ods", fmt="ods"), "ODF008")
    assert formula.location == "Calcolo!B2"
    assert formula.detail == "of:=SUM([.A1];[.B1])"


def test_formula_cell_address_counts_repeated_columns_and_rows():
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    document = OpenDocumentSpreadsheet()
    table = Table(name="S")
    table.addElement(TableRow(numberrowsrepeated=4))
    row = TableRow()
    row.addElement(TableCell(numbercolumnsrepeated=27))
    row.addElement(TableCell(formula="of:=1+1", valuetype="float", value=2))
    table.addElement(row)
    document.spreadsheet.addElement(table)
    [formula] = only(odf("r.ods", gen_content._odf_save(document)), "ODF008")
    assert formula.location == "S!AB5"


@pytest.mark.parametrize("mangle", [
    lambda d: d[: len(d) // 2],
    lambda d: gen_content._rezip(d, edit=lambda n, b: b"<office:document-content" if n == "content.xml" else b),
    lambda d: gen_content._rezip(d, edit=lambda n, b: b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'
                                 if n == "content.xml" else b),
])
def test_corrupt_or_hostile_odt_is_a_finding_not_a_crash(mangle):
    from checker.checks import odf as odf_module
    from checker.model import FormatInfo, InputFile
    result = odf_module.run(InputFile("x.odt", mangle(case("pulito.odt"))), FormatInfo(id="odt"), None)
    assert codes(result) & {"ODF010", "ARC002"}


def test_engine_reports_odf_findings():
    files = {n: case(n) for n in ("pulito.odt", "macro.odt", "formule.ods")}
    report = check_through_engine(files, profile="piacenza")
    assert report.verdict is Verdict.FIX
    assert doc_findings(report, "pulito.odt", "odf") == []
    assert {f.code for f in doc_findings(report, "macro.odt", "odf")} == {"ODF001", "ODF002"}
    assert [f.location for f in doc_findings(report, "formule.ods", "odf")] == ["Calcolo!B2"]


def test_deeply_nested_odt_spans_are_read_without_recursion():
    nested = "<text:span>" * 5000 + "www.example.org" + "</text:span>" * 5000
    data = gen_content._rezip(case("pulito.odt"), edit=lambda n, b: b.replace(
        b"</office:text>", f"<text:p>{nested}</text:p></office:text>".encode(), 1) if n == "content.xml" else b)
    assert [f.detail for f in only(odf("deep.odt", data), "ODF011")] == ["www.example.org"]


def test_form_page_shows_the_odt_link_with_what_and_where():
    from app import create_app
    client = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False}).test_client()
    data = {"profile": "piacenza", "sender": "mario.rossi@pec.it", "doc_type": "Istanza",
            "subject": "Richiesta di accesso agli atti - Mario Rossi",
            "files": [(io.BytesIO(case("collegamenti.odt")), "collegamenti.odt")]}
    response = check_page(client, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:500]
    assert "Collegamento ipertestuale nel documento" in page
    assert "https://www.example.org/informativa" in page and "content.xml" in page
    assert "ODF003" in page


def test_ODF005_applet_and_ODF006_dde_connection():
    body = (b'<text:dde-connection-decls><text:dde-connection-decl office:name="Listino" '
            b'office:dde-application="soffice" office:dde-topic="C:\\listino.ods" office:dde-item="A1"/>'
            b'</text:dde-connection-decls>'
            b'<text:p><draw:frame svg:width="2cm" svg:height="2cm"><draw:applet draw:code="Evil.class" '
            b'xlink:href="http://applets.example.org/"/></draw:frame></text:p>')

    def edit(name, data):
        if name != "content.xml":
            return data
        for prefix, uri in (("draw", "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"),
                            ("svg", "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"),
                            ("xlink", "http://www.w3.org/1999/xlink")):
            if f"xmlns:{prefix}=".encode() not in data:
                data = data.replace(b"<office:document-content ",
                                    f'<office:document-content xmlns:{prefix}="{uri}" '.encode(), 1)
        return data.replace(b"</office:text>", body + b"</office:text>", 1)
    result = odf("x.odt", gen_content._rezip(case("pulito.odt"), edit=edit))
    assert [f.detail for f in only(result, "ODF005")] == ["http://applets.example.org/"]
    assert [f.detail for f in only(result, "ODF006")] == ["soffice C:\\listino.ods A1"]


def test_odp_presentation_link_is_reported():
    from odf.draw import Frame, Page, TextBox
    from odf.opendocument import OpenDocumentPresentation
    from odf.style import MasterPage, PageLayout
    from odf.text import A, P
    document = OpenDocumentPresentation()
    layout = PageLayout(name="L")
    document.automaticstyles.addElement(layout)
    master = MasterPage(name="M", pagelayoutname=layout)
    document.masterstyles.addElement(master)
    page = Page(masterpagename=master)
    frame = Frame(width="10cm", height="2cm", x="1cm", y="1cm")
    box = TextBox()
    paragraph = P(text="Programma: ")
    paragraph.addElement(A(href="http://www.example.org/programma", text="qui"))
    box.addElement(paragraph)
    frame.addElement(box)
    page.addElement(frame)
    document.presentation.addElement(page)
    result = odf("p.odp", gen_content._odf_save(document), fmt="odp")
    assert [f.detail for f in only(result, "ODF003")] == ["http://www.example.org/programma"]


def test_embedded_chart_is_content_not_a_foreign_object():
    from odf.chart import Chart
    from odf.draw import Frame, Object
    from odf.opendocument import OpenDocumentChart, OpenDocumentText
    from odf.text import P
    document = OpenDocumentText()
    chart = OpenDocumentChart()
    chart.chart.addElement(Chart(attributes={"class": "chart:bar"}))
    frame = Frame(width="6cm", height="4cm", anchortype="paragraph")
    frame.addElement(Object(href=document.addObject(chart)))
    holder = P()
    holder.addElement(frame)
    document.text.addElement(holder)
    assert odf("grafico.odt", gen_content._odf_save(document)).findings == []


def test_ODF002_execute_macro_field():
    def edit(name, data):
        if name == "content.xml":
            data = data.replace(b"</office:text>", b'<text:p><text:execute-macro text:name="Standard.Module1.Main">'
                                b"clicca</text:execute-macro></text:p></office:text>", 1)
        return data
    [field] = only(odf("x.odt", gen_content._rezip(case("pulito.odt"), edit=edit)), "ODF002")
    assert "Standard.Module1.Main" in field.detail
