"""checks/office_ooxml.py and checks/office_ole.py on Word and Excel files made with python-docx,
openpyxl and msoffcrypto-tool
(raw zip edits only for structures no library writes): every dirty file is reported with
what and where, every clean one passes."""
from __future__ import annotations

import io
import zipfile

import pytest

from content_cases import case, check_through_engine, codes, doc_findings, gen_content, identified, only, run_check

from checker.model import Verdict


def office(name: str, data: bytes | None = None, fmt: str | None = None):
    return run_check("office", name, data if data is not None else case(name), fmt)


@pytest.mark.parametrize("name,fmt", [("pulito.docx", "docx"), ("pulito.xlsx", "xlsx"), ("pulito.pptx", "pptx")])
def test_clean_office_files_pass(name, fmt):
    assert office(name, fmt=fmt).findings == []


def test_clean_docx_gives_the_oggetto_line_for_the_one_procedure_rule():
    assert office("pulito.docx").facts["oggetto"] == "richiesta di accesso agli atti"


def test_OFF008_external_hyperlink_with_url_part_and_paragraph():
    result = office("collegamento.docx", fmt="docx")
    [link] = only(result, "OFF008")
    assert link.detail == "https://www.example.org/modulo"
    assert link.location == "word/document.xml, paragrafo 5"
    assert link.args["kind"] == "collegamento ipertestuale"


def test_OFF012_email_typed_in_text_is_a_warning_and_hyperlink_text_is_not_repeated():
    result = office("collegamento.docx")
    assert [f.detail for f in only(result, "OFF012")] == ["ufficio@example.org"]


def test_OFF006_dde_field_in_fldSimple():
    [dde] = only(office("dde.docx"), "OFF006")
    assert dde.detail.startswith("DDEAUTO") and "calc.exe" in dde.detail
    assert dde.location == "word/document.xml, paragrafo 5"


def test_OFF007_includetext_complex_field_split_over_runs():
    [field] = only(office("includetext.docx"), "OFF007")
    assert field.args["field"] == "INCLUDETEXT"
    assert field.location == "word/document.xml, paragrafo 5"
    assert "allegato.docx" in field.detail


def test_OFF008_remote_template_in_settings_part():
    [template] = only(office("modello-remoto.docx"), "OFF008")
    assert template.args["kind"] == "modello remoto"
    assert template.detail == "http://templates.example.net/modello.dotm"
    assert template.location == "word/settings.xml"


def test_OFF008_pptx_hyperlink_by_slide_and_OFF012_address_in_slide_text():
    result = office("collegamento.pptx", fmt="pptx")
    [link] = only(result, "OFF008")
    assert link.detail == "https://www.example.org/tariffe" and link.location == "ppt/slides/slide1.xml"
    assert [f.detail for f in only(result, "OFF012")] == ["www.example.org/info"]


def test_OFF004_activex_and_OFF005_ole_embedding_by_part():
    result = office("oggetti.docx")
    assert [f.location for f in only(result, "OFF005")] == ["word/embeddings/oleObject1.bin"]
    assert [f.location for f in only(result, "OFF004")] == ["word/activeX/activeX1.xml"]


def test_OFF001_and_OFF003_docm_vba_module_named_by_olevba_and_macro_enabled_type():
    result = office("macro.docm", fmt="docm")
    [vba] = only(result, "OFF001")
    assert vba.location == "word/vbaProject.bin" and vba.detail == "moduli: Module1.bas"
    [enabled] = only(result, "OFF003")
    assert "macroEnabled" in enabled.detail and enabled.args["format"].startswith("documento Word")


def test_OFF001_vba_project_in_a_word_97_file():
    [vba] = only(office("macro.doc", fmt="doc"), "OFF001")
    assert vba.detail == "moduli: Module1.bas" and vba.location == "Macros/VBA"


def test_vba_sample_is_a_real_project_olevba_reads_back():
    from oletools import olevba
    parser = olevba.VBA_Parser("vbaProject.bin", data=gen_content.cfb_writer.vba_project_bin(gen_content.VBA_MODULES))
    [(_, stream, name, code)] = parser.extract_all_macros()
    assert (stream, name) == ("VBA/Module1", "Module1.bas") and 'Shell "calc.exe"' in code


@pytest.mark.parametrize("name", ["macro-xlm.xls", "macro-xlm-senza-clsid.xls"])
def test_OFF002_excel4_macro_sheet_in_xls_even_without_the_excel_clsid(name):
    [xlm] = only(office(name, fmt="xls"), "OFF002")
    assert "Excel 4.0 macro sheet" in xlm.detail and xlm.location == "Workbook"


def test_OFF009_formulas_by_sheet_and_cell():
    found = {f.location: f.detail for f in only(office("formule.xlsx", fmt="xlsx"), "OFF009")}
    assert found == {
        "Calcolo!A3": "=SUM(A1:A2)",
        "Calcolo!B1": '=HYPERLINK("http://www.example.org/tariffe","tariffe")',
        "Calcolo!B2": '=WEBSERVICE("http://api.example.org/cambio")',
        "Riepilogo!C5": "=Calcolo!A3*2",
    }


def test_OFF008_cell_hyperlink_by_sheet_and_cell():
    [link] = only(office("collegamento.xlsx"), "OFF008")
    assert link.detail == "https://www.example.org/contatti"
    assert link.location == "Contatti!A1"


def test_OFF008_linked_workbook_and_OFF006_dde_link():
    result = office("collegamenti-esterni.xlsx")
    [linked] = only(result, "OFF008")
    assert linked.args["kind"] == "cartella di lavoro collegata" and "preventivo.xlsx" in linked.detail
    [dde] = only(result, "OFF006")
    assert dde.detail == "cmd /c calc.exe" and dde.location == "xl/externalLinks/externalLink2.xml"


def test_OFF002_xlm_macro_sheet_with_its_formulas():
    result = office("macro-xlm.xlsm", fmt="xlsm")
    assert "xl/macrosheets/sheet2.xml" in [f.location for f in only(result, "OFF002")]
    assert {f.location: f.detail for f in only(result, "OFF009")} == {
        "Macro1!A1": '=EXEC("calc.exe")', "Macro1!A2": "=HALT()"}
    # the workbook's content type says macro-enabled
    assert [(f.detail, f.location) for f in only(result, "OFF003")] == [
        ("application/vnd.ms-excel.sheet.macroEnabled.main+xml", "xl/workbook.xml")]


def test_encrypted_docx_is_told_apart_by_msoffcrypto():
    from checker.checks import office_ooxml as office_module
    from checker.model import FormatInfo, InputFile
    data = gen_content.encrypted_docx()
    # identification calls it an OLE container (FMT026); the office check on the same bytes agrees
    result = office_module.run(InputFile("cifrato.docx", data), FormatInfo(id="docx"), None)
    assert codes(result) == {"OFF010"}


@pytest.mark.parametrize("mangle", [
    lambda d: d[: len(d) // 2],                     # truncated
    lambda d: d.replace(b"word/document.xml", b"word/documenX.xml", 1),  # local/central mismatch
    lambda d: b"PK\x03\x04" + bytes(100),           # garbage zip
])
def test_corrupt_docx_is_a_finding_not_a_crash(mangle):
    from checker.checks import office_ooxml as office_module
    from checker.model import FormatInfo, InputFile
    result = office_module.run(InputFile("x.docx", mangle(case("pulito.docx"))), FormatInfo(id="docx"), None)
    assert codes(result) & {"OFF011", "ARC002"}


def test_docx_part_with_doctype_is_refused_before_parsing():
    data = case("pulito.docx")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            body = zin.read(info)
            if info.filename == "word/document.xml":
                body = body.replace(b"?>", b'?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1)
            zout.writestr(info, body)
    result = office("x.docx", out.getvalue())
    assert [f.location for f in only(result, "OFF011")] == ["word/document.xml"]


def test_ole_garbage_is_unreadable_not_a_crash():
    from checker.checks import office_ole as office_module
    from checker.model import FormatInfo, InputFile
    result = office_module.run(InputFile("x.doc", office_module.OLE_MAGIC + bytes(700)),
                               FormatInfo(id="doc"), None)
    assert codes(result) == {"OFF011"}


def test_engine_and_cli_report_office_findings_with_check_name(tmp_path):
    files = {n: case(n) for n in ("pulito.docx", "dde.docx", "formule.xlsx")}
    report = check_through_engine(files)
    assert report.verdict is Verdict.FIX
    assert doc_findings(report, "pulito.docx", "office") == []
    assert {f.code for f in doc_findings(report, "dde.docx", "office")} == {"OFF006"}
    assert {f.location: f.detail for f in doc_findings(report, "formule.xlsx", "office")} == {
        "Calcolo!B1": '=HYPERLINK("http://www.example.org/tariffe","tariffe")',
        "Calcolo!B2": '=WEBSERVICE("http://api.example.org/cambio")',
        "Calcolo!A3": "=SUM(A1:A2)", "Riepilogo!C5": "=Calcolo!A3*2"}

    import json
    import subprocess
    import sys
    path = tmp_path / "dde.docx"
    path.write_bytes(files["dde.docx"])
    out = subprocess.run([sys.executable, "-m", "checker", "check", str(path), "--json"],
                         capture_output=True, text=True, cwd=str(tmp_path.parent), timeout=180,
                         env={**__import__("os").environ, "PEC_PRECHECK_CLAMD": ""})
    assert out.returncode == 1, out.stderr
    data = json.loads(out.stdout)
    [found] = [f for f in data["documents"][0]["findings"] if f["code"] == "OFF006"]
    assert found["title"]["it"] == "Il documento contiene un campo DDE"
    assert found["location"] == "word/document.xml, paragrafo 5"


def test_api_reports_a_dirty_docx():
    from app import create_app
    client = create_app({"TESTING": True}).test_client()
    data = {"profile": "piacenza", "sender": "mario.rossi@pec.it", "doc_type": "istanza",
            "subject": "Istanza di accesso agli atti - Mario Rossi",
            "files": [(io.BytesIO(case("collegamento.docx")), "collegamento.docx")]}
    response = client.post("/api/v1/check", data=data, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    report = response.get_json()
    assert report["verdict"] == "fix"
    [doc] = report["documents"]
    [link] = [f for f in doc["findings"] if f["code"] == "OFF008"]
    assert link["detail"] == "https://www.example.org/modulo"
    assert link["location"] == "word/document.xml, paragrafo 5"
    assert link["title"]["it"].startswith("Riferimento esterno (collegamento ipertestuale)")


def test_formulas_beyond_the_cap_are_counted_not_built():
    import openpyxl
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Grande"
    for row in range(1, 3001):
        sheet.cell(row=row, column=1, value=f"=B{row}*2")
    buf = io.BytesIO()
    workbook.save(buf)
    formulas = only(office("grande.xlsx", buf.getvalue()), "OFF009")
    assert len(formulas) == 20
    assert formulas[-1].detail.endswith("(e altri 2980 casi simili)")


def test_deeply_nested_docx_paragraph_is_read_without_recursion():
    nested = "<w:r>" * 0 + "<w:smartTag>" * 5000 + "<w:r><w:t>www.example.org</w:t></w:r>" + "</w:smartTag>" * 5000
    data = gen_content._rezip(case("pulito.docx"), edit=lambda n, b: b.replace(
        b"</w:body>", f"<w:p>{nested}</w:p></w:body>".encode(), 1) if n == "word/document.xml" else b)
    assert [f.detail for f in only(office("deep.docx", data), "OFF012")] == ["www.example.org"]


def test_OFF005_altchunk_imported_document():
    def edit(name, body):
        if name == "word/_rels/document.xml.rels":
            body = gen_content._add_rel(body, "rIdAlt", "http://schemas.openxmlformats.org/officeDocument/2006/"
                                        "relationships/aFChunk", "afchunk.mht")
        if name == "[Content_Types].xml":
            body = body.replace(b"</Types>", b'<Default Extension="mht" ContentType="message/rfc822"/></Types>')
        return body
    data = gen_content._rezip(case("pulito.docx"), add={"word/afchunk.mht": b"MIME-Version: 1.0\r\n\r\nx"},
                              edit=edit)
    [chunk] = only(office("alt.docx", data), "OFF005")
    assert "altChunk" in chunk.detail and chunk.location == "word/document.xml"


def test_OFF_bomb_member_is_refused_before_decompression():
    from checker.checks import office_ooxml as office_module
    from checker.model import FormatInfo, InputFile
    data = gen_content._rezip(case("pulito.docx"), add={"word/media/zeri.bin": bytes(80 << 20)})
    result = office_module.run(InputFile("bomba.docx", data), FormatInfo(id="docx"), None)
    assert codes(result) == {"ARC002"}
    assert only(result, "ARC002")[0].location == "word/media/zeri.bin"


def test_word97_fields_and_object_pool_are_found_in_the_ole_streams():
    from checker.checks import office_ole as office_module
    from checker.model import FormatInfo, InputFile
    body = (b"\xec\xa5" + bytes(600) + b"Vedi \x13 HYPERLINK \"http://www.example.org/x\" \x14qui\x15 e "
            + "\x13 DDEAUTO cmd \"/c calc\" \x14\x15".encode("utf-16-le")).ljust(5000, b"\0")
    data = gen_content.cfb_writer.compound_file({
        "WordDocument": body, "1Table": bytes(4096),
        "ObjectPool/_1234567/\x01Ole10Native": b"\x10\x00\x00\x00pacchetto",
        "ObjectPool/_1234567/\x03OCXNAME": "CommandButton1".encode("utf-16-le"),
    })
    assert identified("vecchio.doc", data).id == "doc"
    result = office_module.run(InputFile("vecchio.doc", data), FormatInfo(id="doc"), None)
    [link] = only(result, "OFF007")
    assert (link.args["field"], link.detail, link.location) == ("HYPERLINK", "http://www.example.org/x", "WordDocument")
    [dde] = only(result, "OFF006")
    assert dde.detail.startswith("DDEAUTO cmd")
    assert [f.location for f in only(result, "OFF005")] == ["ObjectPool/_1234567"]
    assert [f.location for f in only(result, "OFF004")] == ["ObjectPool/_1234567/\x03OCXNAME"]


def test_OFF008_excel_data_connection_to_a_web_query():
    connections = (b'<?xml version="1.0" encoding="UTF-8"?><connections xmlns="http://schemas.openxmlformats.org/'
                   b'spreadsheetml/2006/main"><connection id="1" name="Cambi" type="4" refreshOnLoad="1">'
                   b'<webPr url="http://api.example.org/cambi.html"/></connection></connections>')

    def edit(name, body):
        if name == "[Content_Types].xml":
            body = gen_content._add_override(body, "xl/connections.xml", "application/vnd.openxmlformats-"
                                             "officedocument.spreadsheetml.connections+xml")
        return body
    data = gen_content._rezip(case("pulito.xlsx"), add={"xl/connections.xml": connections}, edit=edit)
    [conn] = only(office("dati.xlsx", data), "OFF008")
    assert conn.detail == "Cambi: http://api.example.org/cambi.html"
    assert conn.args["kind"] == "connessione a dati esterni"


def test_pptx_click_actions_that_run_a_macro_or_a_program():
    def edit(name, body):
        if name == "ppt/slides/slide1.xml":
            body = body.replace(b'<p:cNvPr id="2" name="Title 1"/>',
                                b'<p:cNvPr id="2" name="Title 1"><a:hlinkClick r:id="" action="ppaction://macro?'
                                b'name=Avvia"/></p:cNvPr>', 1)
            body = body.replace(b'<p:cNvPr id="3" name="Content Placeholder 2"/>',
                                b'<p:cNvPr id="3" name="Content Placeholder 2"><a:hlinkClick r:id="" '
                                b'action="ppaction://program"/></p:cNvPr>', 1)
        return body
    data = gen_content._rezip(case("pulito.pptx"), edit=edit)
    assert b"ppaction://macro" in zipfile.ZipFile(io.BytesIO(data)).read("ppt/slides/slide1.xml")
    result = office("azioni.pptx", data)
    assert [f.detail for f in only(result, "OFF001")] == ["azione: ppaction://macro?name=Avvia"]
    assert [f.args["kind"] for f in only(result, "OFF008")] == ["avvio di un programma"]


def test_OFF012_address_typed_in_a_cell():
    def fill(wb):
        wb.active["B2"] = "Per informazioni scrivere a info@example.org"
    [typed] = only(office("testo.xlsx", gen_content._xlsx(fill)), "OFF012")
    assert typed.detail == "info@example.org"
