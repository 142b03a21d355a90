"""Clean and dirty documents for the content checks (macros, formulas, links, embedded
objects) in every non-PDF format, made with real libraries: python-docx, openpyxl,
odfpy, python-pptx, Pillow, py7zr, msoffcrypto-tool; raw zip/XML edits only where no library writes
the structure (a DDE field, a macro sheet, an ODF script event, an RTF object).

Each builder returns bytes; CASES maps a file name to (builder, what the dirty file
must be reported for). `generate(outdir)` writes them all into outdir/content/.

No maintained library writes a VBA project or an OLE file (olefile is read-only;
XlsxWriter only copies an existing vbaProject.bin), so samples/cfb_writer.py builds them
from the MS-CFB, MS-OVBA and MS-XLS field lists; oletools then reads them as it reads
Office's own files (module names and source come back out).
"""
from __future__ import annotations

import gzip
import io
import struct
import zipfile
from pathlib import Path

try:
    from . import cfb_writer  # type: ignore[attr-defined]
except ImportError:  # loaded by path (make_samples.py) or with samples/ on sys.path
    import importlib.util
    import sys
    _spec = importlib.util.spec_from_file_location("cfb_writer", Path(__file__).with_name("cfb_writer.py"))
    cfb_writer = importlib.util.module_from_spec(_spec)
    sys.modules.setdefault("cfb_writer", cfb_writer)
    _spec.loader.exec_module(cfb_writer)

TOPIC = "content"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

CLEAN_TEXT = [
    "Oggetto: richiesta di accesso agli atti",
    "Il sottoscritto Mario Rossi, c.f. RSSMRA80A01H501U, ai sensi dell'art. 22 della L. 241/1990",
    "e del D.Lgs. 82/2005, art. 4 c. 2, chiede copia del verbale n. 12/2024 (pag. 3).",
    "Importo versato: euro 1.234,56 alla Rossi Costruzioni S.p.A.",
]


# ----------------------------------------------------------------------------- helpers

def _rezip(data: bytes, replace: dict[str, bytes] | None = None,
           add: dict[str, bytes] | None = None, edit=None) -> bytes:
    """Copy a zip, replacing or adding members; edit(name, bytes) -> bytes may patch any."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = replace.get(info.filename, zin.read(info))
            if edit:
                body = edit(info.filename, body)
            zout.writestr(info, body)
        for name, body in add.items():
            zout.writestr(name, body)
    return out.getvalue()


def _add_override(ct_xml: bytes, part: str, content_type: str) -> bytes:
    return ct_xml.replace(b"</Types>", f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>'
                          .encode())


def _add_rel(rels_xml: bytes, rid: str, rtype: str, target: str, external: bool = False) -> bytes:
    mode = ' TargetMode="External"' if external else ""
    return rels_xml.replace(b"</Relationships>",
                            f'<Relationship Id="{rid}" Type="{rtype}" Target="{target}"{mode}/></Relationships>'
                            .encode())


# ----------------------------------------------------------------------------- Word

def _docx(paragraphs=CLEAN_TEXT, extra=None) -> bytes:
    import docx
    document = docx.Document()
    for line in paragraphs:
        document.add_paragraph(line)
    if extra:
        extra(document)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def clean_docx() -> bytes:
    return _docx()


def hyperlink_docx() -> bytes:
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import parse_xml

    def extra(document):
        paragraph = document.add_paragraph("Modulistica: ")
        rid = document.part.relate_to("https://www.example.org/modulo", RELATIONSHIP_TYPE.HYPERLINK,
                                      is_external=True)
        paragraph._p.append(parse_xml(
            f'<w:hyperlink xmlns:w="{W_NS}" xmlns:r="{R_NS}" r:id="{rid}">'
            f'<w:r><w:t>scarica il modulo</w:t></w:r></w:hyperlink>'))
        document.add_paragraph("Per chiarimenti scrivere a ufficio@example.org")
    return _docx(extra=extra)


def dde_docx() -> bytes:
    from docx.oxml import parse_xml

    def extra(document):
        paragraph = document.add_paragraph()
        paragraph._p.append(parse_xml(
            f'<w:fldSimple xmlns:w="{W_NS}" w:instr=\' DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe '
            f'"/k calc.exe" \'><w:r><w:t>aggiorna</w:t></w:r></w:fldSimple>'))
    return _docx(extra=extra)


def includetext_docx() -> bytes:
    """A complex field: fldChar begin, instrText split over two runs, separate, result, end."""
    from docx.oxml import parse_xml

    def run(inner: str):
        return parse_xml(f'<w:r xmlns:w="{W_NS}">{inner}</w:r>')

    def extra(document):
        paragraph = document.add_paragraph()
        for inner in ('<w:fldChar w:fldCharType="begin"/>',
                      '<w:instrText xml:space="preserve"> INCLUDETEXT </w:instrText>',
                      '<w:instrText xml:space="preserve">"\\\\\\\\server\\\\atti\\\\allegato.docx" </w:instrText>',
                      '<w:fldChar w:fldCharType="separate"/>', '<w:t>testo incluso</w:t>',
                      '<w:fldChar w:fldCharType="end"/>'):
            paragraph._p.append(run(inner))
    return _docx(extra=extra)


def remote_template_docx() -> bytes:
    def extra(document):
        document.part._settings_part.relate_to(
            "http://templates.example.net/modello.dotm",
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate",
            is_external=True)
    return _docx(extra=extra)


def embedded_object_docx() -> bytes:
    """An OLE embedding and an ActiveX control, declared as Word declares them."""
    base = _docx()

    def edit(name, body):
        if name == "[Content_Types].xml":
            body = _add_override(body, "word/embeddings/oleObject1.bin",
                                 "application/vnd.openxmlformats-officedocument.oleObject")
            body = _add_override(body, "word/activeX/activeX1.xml", "application/vnd.ms-office.activeX+xml")
        if name == "word/_rels/document.xml.rels":
            body = _add_rel(body, "rIdOle1", f"{R_NS}/oleObject", "embeddings/oleObject1.bin")
            body = _add_rel(body, "rIdAx1", f"{R_NS}/control", "activeX/activeX1.xml")
        return body
    activex = (b'<?xml version="1.0" encoding="UTF-8"?><ax:ocx xmlns:ax="http://schemas.microsoft.com/'
               b'office/2006/activeX" ax:classid="{8BD21D40-EC42-11CE-9E0D-00AA006002F3}"/>')
    return _rezip(base, add={"word/embeddings/oleObject1.bin": encrypted_docx()[:4096],
                             "word/activeX/activeX1.xml": activex}, edit=edit)


def macro_docm() -> bytes:
    """A .docm: macro-enabled main content type and a vbaProject.bin with one module."""
    base = _docx()

    def edit(name, body):
        if name == "[Content_Types].xml":
            body = body.replace(
                b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                b"application/vnd.ms-word.document.macroEnabled.main+xml")
            body = body.replace(b"</Types>", b'<Default Extension="bin" ContentType='
                                b'"application/vnd.ms-office.vbaProject"/></Types>')
        if name == "word/_rels/document.xml.rels":
            body = _add_rel(body, "rIdVba", "http://schemas.microsoft.com/office/2006/relationships/vbaProject",
                            "vbaProject.bin")
        return body
    return _rezip(base, add={"word/vbaProject.bin": cfb_writer.vba_project_bin(VBA_MODULES)}, edit=edit)


VBA_MODULES = {"Module1": 'Sub AutoOpen()\r\n    Shell "calc.exe"\r\nEnd Sub\r\n'}


def macro_doc() -> bytes:
    """A Word 97-2003 file with a VBA project under Macros/ (cfb_writer)."""
    return cfb_writer.doc_with_vba(VBA_MODULES)


def xlm_xls() -> bytes:
    """An Excel 97-2003 workbook whose sheet is an Excel 4.0 macro sheet."""
    return cfb_writer.xls_with_macro_sheet()


def xlm_xls_without_clsid() -> bytes:
    """The same, without the root CLSID that olevba relies on to run its BIFF plugin."""
    return cfb_writer.xls_with_macro_sheet(clsid="")


def encrypted_docx() -> bytes:
    """A password-protected docx (ECMA-376 agile encryption, msoffcrypto-tool)."""
    import msoffcrypto.format.ooxml
    out = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(clean_docx())).encrypt("segreta", out)
    return out.getvalue()


# ----------------------------------------------------------------------------- Excel

def _xlsx(fill) -> bytes:
    import openpyxl
    workbook = openpyxl.Workbook()
    fill(workbook)
    buf = io.BytesIO()
    workbook.save(buf)
    return buf.getvalue()


def clean_xlsx() -> bytes:
    def fill(wb):
        ws = wb.active
        ws.title = "Importi"
        ws.append(["Voce", "Importo"])
        ws.append(["Diritti di segreteria", 12.5])
        ws.append(["Totale", 12.5])
    return _xlsx(fill)


def formulas_xlsx() -> bytes:
    def fill(wb):
        ws = wb.active
        ws.title = "Calcolo"
        ws["A1"], ws["A2"] = 10, 20
        ws["A3"] = "=SUM(A1:A2)"
        ws["B1"] = '=HYPERLINK("http://www.example.org/tariffe","tariffe")'
        ws["B2"] = '=WEBSERVICE("http://api.example.org/cambio")'
        other = wb.create_sheet("Riepilogo")
        other["C5"] = "=Calcolo!A3*2"
    return _xlsx(fill)


def hyperlink_xlsx() -> bytes:
    def fill(wb):
        ws = wb.active
        ws.title = "Contatti"
        ws["A1"] = "sito"
        ws["A1"].hyperlink = "https://www.example.org/contatti"
    return _xlsx(fill)


def external_link_xlsx() -> bytes:
    """A linked workbook and a DDE link, as Excel stores them in xl/externalLinks/."""
    base = clean_xlsx()
    link1 = (b'<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main" xmlns:r="' + R_NS.encode() + b'"><externalBook r:id="rId1">'
             b'<sheetNames><sheetName val="Dati"/></sheetNames></externalBook></externalLink>')
    link1_rels = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{REL_NS}">'
                  f'<Relationship Id="rId1" Type="{R_NS}/externalLinkPath" '
                  f'Target="file:///\\\\server\\bilancio\\preventivo.xlsx" TargetMode="External"/>'
                  f'</Relationships>').encode()
    link2 = (b'<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main"><ddeLink ddeService="cmd" ddeTopic="/c calc.exe"/></externalLink>')
    ext_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"

    def edit(name, body):
        if name == "[Content_Types].xml":
            body = _add_override(body, "xl/externalLinks/externalLink1.xml", ext_type)
            body = _add_override(body, "xl/externalLinks/externalLink2.xml", ext_type)
        if name == "xl/_rels/workbook.xml.rels":
            body = _add_rel(body, "rIdX1", f"{R_NS}/externalLink", "externalLinks/externalLink1.xml")
            body = _add_rel(body, "rIdX2", f"{R_NS}/externalLink", "externalLinks/externalLink2.xml")
        return body
    return _rezip(base, add={"xl/externalLinks/externalLink1.xml": link1,
                             "xl/externalLinks/_rels/externalLink1.xml.rels": link1_rels,
                             "xl/externalLinks/externalLink2.xml": link2}, edit=edit)


def xlm_macrosheet_xlsm() -> bytes:
    """An Excel 4 macro sheet (xl/macrosheets/sheet2.xml) in a macro-enabled workbook."""
    base = clean_xlsx()
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?><xm:macrosheet xmlns="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
             b'<sheetData><row r="1"><c r="A1"><f>EXEC("calc.exe")</f></c></row>'
             b'<row r="2"><c r="A2"><f>HALT()</f></c></row></sheetData></xm:macrosheet>')

    def edit(name, body):
        if name == "[Content_Types].xml":
            body = body.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
            body = _add_override(body, "xl/macrosheets/sheet2.xml", "application/vnd.ms-excel.macrosheet+xml")
        if name == "xl/_rels/workbook.xml.rels":
            body = _add_rel(body, "rIdM1", "http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet",
                            "macrosheets/sheet2.xml")
        if name == "xl/workbook.xml":
            body = body.replace(b"</sheets>", b'<sheet name="Macro1" sheetId="2" r:id="rIdM1"/></sheets>')
            if b'xmlns:r=' not in body.split(b">", 2)[1]:
                body = body.replace(b"<workbook ", f'<workbook xmlns:r="{R_NS}" '.encode(), 1)
        return body
    return _rezip(base, add={"xl/macrosheets/sheet2.xml": sheet}, edit=edit)


# ----------------------------------------------------------------------------- PowerPoint

def _pptx(fill) -> bytes:
    from pptx import Presentation
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Richiesta di accesso agli atti"
    fill(slide)
    buf = io.BytesIO()
    deck.save(buf)
    return buf.getvalue()


def clean_pptx() -> bytes:
    return _pptx(lambda slide: setattr(slide.placeholders[1], "text", CLEAN_TEXT[2]))


def hyperlink_pptx() -> bytes:
    def fill(slide):
        frame = slide.placeholders[1].text_frame
        run = frame.paragraphs[0].add_run()
        run.text = "tariffe"
        run.hyperlink.address = "https://www.example.org/tariffe"
        frame.add_paragraph().text = "Informazioni: www.example.org/info"
    return _pptx(fill)


# ----------------------------------------------------------------------------- ODF

def _odf_save(document) -> bytes:
    buf = io.BytesIO()
    document.write(buf)
    return buf.getvalue()


def clean_odt() -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import P
    document = OpenDocumentText()
    for line in CLEAN_TEXT:
        document.text.addElement(P(text=line))
    return _odf_save(document)


def links_odt() -> bytes:
    from odf.draw import Frame, Image
    from odf.opendocument import OpenDocumentText
    from odf.text import A, P, Section, SectionSource
    document = OpenDocumentText()
    document.text.addElement(P(text=CLEAN_TEXT[0]))
    paragraph = P(text="Informazioni: ")
    paragraph.addElement(A(href="https://www.example.org/informativa", text="informativa"))
    paragraph.addText(" oppure scrivere a privacy@example.org")
    document.text.addElement(paragraph)
    section = Section(name="Allegato")
    section.addElement(SectionSource(href="file:///C:/Documenti/allegato.odt"))
    document.text.addElement(section)
    frame = Frame(width="3cm", height="2cm", anchortype="paragraph")
    frame.addElement(Image(href="http://img.example.org/logo.png"))
    holder = P()
    holder.addElement(frame)
    document.text.addElement(holder)
    return _odf_save(document)


def macro_odt() -> bytes:
    """A Basic module (Basic/Standard/Module1.xml, declared in the manifest as LibreOffice
    does) started by the document's 'open' event."""
    base = clean_odt()
    module = (b'<?xml version="1.0" encoding="UTF-8"?><script:module xmlns:script="http://openoffice.org/2000/'
              b'script" script:name="Module1" script:language="StarBasic">Sub Main\n Shell("calc")\nEnd Sub'
              b'</script:module>')
    listener = (b'<office:scripts><office:event-listeners><script:event-listener script:language="ooo:script" '
                b'script:event-name="office:load" xlink:type="simple" xlink:href="vnd.sun.star.script:'
                b'Standard.Module1.Main?language=Basic&amp;location=document"/></office:event-listeners>'
                b'</office:scripts>')

    def edit(name, body):
        if name == "content.xml":
            body = body.replace(b"<office:document-content ", b'<office:document-content xmlns:script='
                                b'"urn:oasis:names:tc:opendocument:xmlns:script:1.0" ', 1)
            if b"xmlns:xlink" not in body:
                body = body.replace(b"<office:document-content ", b'<office:document-content xmlns:xlink='
                                    b'"http://www.w3.org/1999/xlink" ', 1)
            body = body.replace(b"<office:body>", listener + b"<office:body>", 1)
        if name == "META-INF/manifest.xml":
            body = body.replace(b"</manifest:manifest>",
                                b'<manifest:file-entry manifest:full-path="Basic/" manifest:media-type="application/'
                                b'binary"/><manifest:file-entry manifest:full-path="Basic/Standard/Module1.xml" '
                                b'manifest:media-type="text/xml"/></manifest:manifest>')
        return body
    return _rezip(base, add={"Basic/Standard/Module1.xml": module,
                             "Basic/Standard/script-lb.xml": b"<library:library/>",
                             "Basic/script-lc.xml": b"<library:libraries/>"}, edit=edit)


def embedded_object_odt() -> bytes:
    """A spreadsheet embedded as an object (draw:object → "Object 1/"), as odfpy writes it."""
    from odf.draw import Frame, Object
    from odf.opendocument import OpenDocumentSpreadsheet, OpenDocumentText
    from odf.table import Table, TableCell, TableRow
    from odf.text import P
    document = OpenDocumentText()
    document.text.addElement(P(text=CLEAN_TEXT[0]))
    sub = OpenDocumentSpreadsheet()
    table = Table(name="Dati")
    row = TableRow()
    row.addElement(TableCell(valuetype="float", value=1))
    table.addElement(row)
    sub.spreadsheet.addElement(table)
    href = document.addObject(sub)
    frame = Frame(width="6cm", height="3cm", anchortype="paragraph")
    frame.addElement(Object(href=href))
    holder = P()
    holder.addElement(frame)
    document.text.addElement(holder)
    return _odf_save(document)


def encrypted_odt() -> bytes:
    """content.xml declared encrypted in the manifest (what LibreOffice's «Save with
    password» writes; the bytes here are not real ciphertext)."""
    base = clean_odt()
    encryption = (b'<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA">'
                  b'<manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="AAAA"/>'
                  b'<manifest:key-derivation manifest:key-derivation-name="PBKDF2" manifest:iteration-count="1024" '
                  b'manifest:salt="AAAA"/></manifest:encryption-data>')

    def edit(name, body):
        if name == "META-INF/manifest.xml":
            start = body.index(b'manifest:full-path="content.xml"')
            close = body.index(b"/>", start)
            body = body[:close] + b">" + encryption + b"</manifest:file-entry>" + body[close + 2:]
        if name == "content.xml":
            body = bytes(b ^ 0x5A for b in body)
        return body
    return _rezip(base, edit=edit)


def clean_ods() -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P
    document = OpenDocumentSpreadsheet()
    table = Table(name="Importi")
    for label, value in (("Diritti", 12.5), ("Bolli", 16)):
        row = TableRow()
        cell = TableCell()
        cell.addElement(P(text=label))
        row.addElement(cell)
        row.addElement(TableCell(valuetype="float", value=value))
        table.addElement(row)
    document.spreadsheet.addElement(table)
    return _odf_save(document)


def formulas_ods() -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    document = OpenDocumentSpreadsheet()
    table = Table(name="Calcolo")
    for cells in ((10, 20), (None, "of:=SUM([.A1];[.B1])")):
        row = TableRow()
        for value in cells:
            if value is None:
                row.addElement(TableCell(numbercolumnsrepeated=1))
            elif isinstance(value, str):
                row.addElement(TableCell(valuetype="float", value=30, formula=value))
            else:
                row.addElement(TableCell(valuetype="float", value=value))
        table.addElement(row)
    document.spreadsheet.addElement(table)
    return _odf_save(document)


# ----------------------------------------------------------------------------- RTF

def _rtf(body: bytes) -> bytes:
    return (rb"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Arial;}}" + body + b"}")


def _rtf_text(lines) -> bytes:
    out = b""
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}")
        text = "".join(c if ord(c) < 128 else f"\\'{ord(c):02x}" for c in escaped)
        out += rb"\pard " + text.encode("ascii") + rb"\par" + b"\n"
    return out


def clean_rtf() -> bytes:
    return _rtf(_rtf_text(CLEAN_TEXT + ["Perché è così: città, già, più."]))


def fields_rtf() -> bytes:
    fields = (rb'{\field{\*\fldinst{HYPERLINK "http://www.example.org/bando"}}{\fldrslt{bando}}}\par' + b"\n"
              + rb'{\field{\*\fldinst{ INCLUDEPICTURE "http://img.example.org/firma.png" \\d}}{\fldrslt{}}}\par' + b"\n"
              + rb'{\field{\*\fldinst{ DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc.exe"}}{\fldrslt{}}}\par'
              + b"\n" + rb'{\field{\*\fldinst{ PAGE }}{\fldrslt{1}}}\par')
    return _rtf(_rtf_text(CLEAN_TEXT[:1]) + fields + _rtf_text(["Sito: www.example.org"]))


def object_rtf() -> bytes:
    """An embedded OLE 1.0 'Package' object (MS-OLEDS 2.2), the classic RTF dropper shape."""
    payload = b"echo ciao\r\n"
    native = (struct.pack("<H", 2) + b"script.bat\0" + b"C:\\Temp\\script.bat\0" + struct.pack("<II", 0, 3)
              + b"C:\\Temp\\script.bat\0" + struct.pack("<I", len(payload)) + payload)

    def lps(value: bytes) -> bytes:
        return struct.pack("<I", len(value)) + value
    ole1 = (struct.pack("<II", 0x0501, 2) + lps(b"Package\0") + lps(b"") + lps(b"")
            + struct.pack("<I", len(native)) + native)
    obj = rb"{\object\objemb{\*\objclass Package}\objw1000\objh500{\*\objdata " + ole1.hex().encode() + rb"}}\par"
    return _rtf(_rtf_text(CLEAN_TEXT[:1]) + obj)


def template_rtf() -> bytes:
    return _rtf(rb"{\*\template \\\\templates.example.net\\share\\modello.dotm}" + _rtf_text(CLEAN_TEXT))


# ----------------------------------------------------------------------------- XML, KML, SVG, HTML

FATTURA = """<?xml version="1.0" encoding="UTF-8"?>
<p:FatturaElettronica versione="FPR12" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"
 xmlns:p="http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
 xsi:schemaLocation="http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2 http://www.fatturapa.gov.it/export/fatturazione/sdi/fatturapa/v1.2/Schema_del_file_xml_FatturaPA_versione_1.2.xsd">
  <FatturaElettronicaHeader>
    <DatiTrasmissione><IdTrasmittente><IdPaese>IT</IdPaese><IdCodice>01234567890</IdCodice></IdTrasmittente>
      <ProgressivoInvio>00001</ProgressivoInvio><FormatoTrasmissione>FPA12</FormatoTrasmissione>
      <CodiceDestinatario>UFY9MH</CodiceDestinatario>
      <ContattiTrasmittente><Email>fatture@example.it</Email></ContattiTrasmittente>
    </DatiTrasmissione>
    <CedentePrestatore><DatiAnagrafici><Anagrafica><Denominazione>Rossi Costruzioni S.p.A.</Denominazione></Anagrafica></DatiAnagrafici></CedentePrestatore>
  </FatturaElettronicaHeader>
  <FatturaElettronicaBody><DatiGenerali><DatiGeneraliDocumento><TipoDocumento>TD01</TipoDocumento>
    <Divisa>EUR</Divisa><Data>2024-03-12</Data><Numero>12/2024</Numero><ImportoTotaleDocumento>1234.56</ImportoTotaleDocumento>
    <Causale>Lavori ai sensi del D.Lgs. 50/2016, art. 4 c. 2</Causale></DatiGeneraliDocumento></DatiGenerali>
  </FatturaElettronicaBody>
  <ds:Signature Id="Signature1"><ds:SignedInfo>
    <ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>
    <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
    <ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/></ds:Transforms>
      <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>AAAA</ds:DigestValue></ds:Reference>
    <ds:Reference URI="#SignedProps" Type="http://uri.etsi.org/01903#SignedProperties">
      <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>AAAA</ds:DigestValue></ds:Reference>
  </ds:SignedInfo><ds:SignatureValue>AAAA</ds:SignatureValue>
  <ds:Object><xades:QualifyingProperties xmlns:xades="http://uri.etsi.org/01903/v1.3.2#" Target="#Signature1">
    <xades:SignedProperties Id="SignedProps"><xades:SignedSignatureProperties><xades:SigningTime>2024-03-12T10:00:00Z</xades:SigningTime>
    </xades:SignedSignatureProperties></xades:SignedProperties></xades:QualifyingProperties></ds:Object>
  </ds:Signature>
</p:FatturaElettronica>
"""  # noqa: E501 - a real invoice's lines, kept as they are


def fattura_xml() -> bytes:
    return FATTURA.encode("utf-8")


def billion_laughs_xml() -> bytes:
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    return (f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{entities}]>'
            f"<lolz>&lol9;</lolz>").encode()


def xxe_xml() -> bytes:
    return (b'<?xml version="1.0"?><!DOCTYPE istanza [<!ENTITY segreto SYSTEM "file:///etc/passwd">]>'
            b"<istanza><nome>&segreto;</nome></istanza>")


def stylesheet_xml() -> bytes:
    return (b'<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="http://style.example.org/vista.xsl"?>'
            b"<istanza><oggetto>Richiesta</oggetto></istanza>")


def xinclude_xml() -> bytes:
    return (b'<?xml version="1.0"?><istanza xmlns:xi="http://www.w3.org/2001/XInclude">'
            b'<xi:include href="http://data.example.org/allegato.xml"/></istanza>')


def links_xml() -> bytes:
    return (b'<?xml version="1.0"?><istanza xmlns:xlink="http://www.w3.org/1999/xlink">'
            b'<allegato xlink:href="https://files.example.org/planimetria.pdf"/>'
            b"<note>dettagli su https://www.example.org/pratica/42</note></istanza>")


def deep_xml() -> bytes:
    return b'<?xml version="1.0"?>' + b"<a>" * 5000 + b"</a>" * 5000


def malformed_xml() -> bytes:
    return b'<?xml version="1.0"?><istanza><oggetto>Richiesta</istanza>'


def clean_kml() -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
            b'<Style id="s1"><LineStyle><width>2</width></LineStyle></Style>'
            b"<Placemark><name>Area di cantiere</name><description>Lotto 3, foglio 12, mapp. 345</description>"
            b"<styleUrl>#s1</styleUrl><Point><coordinates>9.69,45.05,0</coordinates></Point></Placemark>"
            b"</Document></kml>")


def network_kml() -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
            b"<NetworkLink><name>Aggiornamenti</name><Link><href>http://maps.example.org/livello.kml</href>"
            b"</Link></NetworkLink><Placemark><name>Sede</name>"
            b"<styleUrl>http://maps.example.org/stili.kml#rosso</styleUrl>"
            b'<description><![CDATA[<p>Vedi <a href="http://www.example.org/sede">la sede</a></p>]]></description>'
            b"<Point><coordinates>9.69,45.05,0</coordinates></Point></Placemark></Document></kml>")


def clean_svg() -> bytes:
    return (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
            b' width="100" height="100"><defs><linearGradient id="g"/></defs>'
            b'<rect width="50" height="50" style="fill:url(#g)"/><use xlink:href="#g"/></svg>')


def script_svg() -> bytes:
    return (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
            b' onload="init()"><script>function init(){}</script>'
            b'<a xlink:href="https://www.example.org/"><image xlink:href="http://img.example.org/x.png" '
            b'width="10" height="10"/></a></svg>')


def links_html() -> bytes:
    return (b"<!DOCTYPE html><html><head><title>Istanza</title></head><body>"
            b"<p>Oggetto: istanza</p><p>Vedi <a href=\"https://www.example.org/\">il sito</a>.</p>"
            b"<script>alert(1)</script></body></html>")


# ----------------------------------------------------------------------------- TXT

def clean_txt() -> bytes:
    return ("\n".join(CLEAN_TEXT) + "\n").encode("utf-8")


def links_txt() -> bytes:
    return ("\n".join(CLEAN_TEXT + ["Modulo su https://www.example.org/modulo.pdf",
                                    "Per informazioni: ufficio.tecnico@example.org",
                                    "Vedi anche comune.example.it"]) + "\n").encode("utf-8")


def latin1_txt() -> bytes:
    return "Oggetto: perché la città è lì\n".encode("cp1252")


# ----------------------------------------------------------------------------- TIFF

def _tiff(pages=1, mode="L", size=(850, 1100), **options) -> bytes:
    from PIL import Image
    images = [Image.new(mode, size, 255) for _ in range(pages)]
    buf = io.BytesIO()
    images[0].save(buf, "TIFF", save_all=True, append_images=images[1:], **options)
    return buf.getvalue()


def clean_tiff() -> bytes:
    return _tiff()


def group4_tiff() -> bytes:
    return _tiff(pages=3, mode="1", compression="group4")


def jpeg_tiff() -> bytes:
    return _tiff(mode="RGB", compression="jpeg")


def truncated_tiff() -> bytes:
    data = _tiff(size=(400, 400))
    return data[: len(data) // 3]


def bomb_tiff() -> bytes:
    """A 1×1 group4 TIFF whose header then claims 60000×60000 pixels."""
    data = bytearray(_tiff(mode="1", size=(1, 1), compression="group4"))
    (ifd,) = struct.unpack("<I", data[4:8])
    (count,) = struct.unpack("<H", data[ifd:ifd + 2])
    for n in range(count):
        entry = ifd + 2 + 12 * n
        tag, kind = struct.unpack("<HH", data[entry:entry + 4])
        if tag in (256, 257):
            if kind == 3:
                data[entry + 8:entry + 10] = struct.pack("<H", 60000)
            else:
                data[entry + 8:entry + 12] = struct.pack("<I", 60000)
    return bytes(data)


# ----------------------------------------------------------------------------- archives

def listing_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("domanda.pdf", b"%PDF-1.4\n%%EOF\n")
        archive.writestr("allegati/planimetria.tif", clean_tiff())
    return buf.getvalue()


def listing_7z() -> bytes:
    import py7zr
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w") as archive:
        archive.writestr(clean_txt(), "lettera.txt")
    return buf.getvalue()


def listing_gz() -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile("domanda.txt", "wb", fileobj=buf, mtime=0) as fh:
        fh.write(clean_txt())
    return buf.getvalue()


def bomb_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeri.txt", bytes(64 << 20))
    return buf.getvalue()


# ----------------------------------------------------------------------------- antivirus

# The EICAR test string, in two halves so this file is not itself a detection.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def eicar_txt() -> bytes:
    return EICAR


def eicar_odt() -> bytes:
    return _rezip(clean_odt(), add={"Pictures/eicar.com": EICAR})


def eicar_docx() -> bytes:
    return _rezip(clean_docx(), add={"word/media/eicar.com": EICAR})


# name → (builder, codes the check must report; empty = must pass clean)
CASES: dict[str, tuple] = {
    "pulito.docx": (clean_docx, set()),
    "collegamento.docx": (hyperlink_docx, {"OFF008", "OFF012"}),
    "dde.docx": (dde_docx, {"OFF006"}),
    "includetext.docx": (includetext_docx, {"OFF007"}),
    "modello-remoto.docx": (remote_template_docx, {"OFF008"}),
    "oggetti.docx": (embedded_object_docx, {"OFF004", "OFF005"}),
    "macro.docm": (macro_docm, {"OFF001", "OFF003"}),
    "macro.doc": (macro_doc, {"OFF001"}),
    "macro-xlm.xls": (xlm_xls, {"OFF002"}),
    "macro-xlm-senza-clsid.xls": (xlm_xls_without_clsid, {"OFF002"}),
    "pulito.xlsx": (clean_xlsx, set()),
    "formule.xlsx": (formulas_xlsx, {"OFF009"}),
    "collegamento.xlsx": (hyperlink_xlsx, {"OFF008"}),
    "collegamenti-esterni.xlsx": (external_link_xlsx, {"OFF006", "OFF008"}),
    "macro-xlm.xlsm": (xlm_macrosheet_xlsm, {"OFF002", "OFF003", "OFF009"}),
    "pulito.pptx": (clean_pptx, set()),
    "collegamento.pptx": (hyperlink_pptx, {"OFF008", "OFF012"}),
    "pulito.odt": (clean_odt, set()),
    "collegamenti.odt": (links_odt, {"ODF003", "ODF004", "ODF011"}),
    "macro.odt": (macro_odt, {"ODF001", "ODF002"}),
    "oggetto.odt": (embedded_object_odt, {"ODF007"}),
    "cifrato.odt": (encrypted_odt, {"ODF009"}),
    "pulito.ods": (clean_ods, set()),
    "formule.ods": (formulas_ods, {"ODF008"}),
    "pulito.rtf": (clean_rtf, set()),
    "campi.rtf": (fields_rtf, {"RTF002", "RTF005"}),
    "oggetto.rtf": (object_rtf, {"RTF001"}),
    "modello.rtf": (template_rtf, {"RTF003"}),
    "fattura.xml": (fattura_xml, set()),
    "billion-laughs.xml": (billion_laughs_xml, {"XML001"}),
    "xxe.xml": (xxe_xml, {"XML001"}),
    "foglio-stile.xml": (stylesheet_xml, {"XML004"}),
    "xinclude.xml": (xinclude_xml, {"XML005"}),
    "collegamenti.xml": (links_xml, {"XML006", "XML007"}),
    "profondo.xml": (deep_xml, {"XML003"}),
    "malformato.xml": (malformed_xml, {"XML002"}),
    "pulito.kml": (clean_kml, set()),
    "rete.kml": (network_kml, {"XML006", "XML009", "XML010"}),
    "pulito.svg": (clean_svg, set()),
    "script.svg": (script_svg, {"XML006", "XML008"}),
    "collegamenti.html": (links_html, {"XML006", "XML008"}),
    "pulito.txt": (clean_txt, set()),
    "collegamenti.txt": (links_txt, {"TXT001", "TXT002", "TXT003"}),
    "pulito.tif": (clean_tiff, {"TIF003"}),
    "gruppo4.tif": (group4_tiff, {"TIF003", "TIF004"}),
    "jpeg.tif": (jpeg_tiff, {"TIF003", "TIF004"}),
    "troncato.tif": (truncated_tiff, {"TIF001"}),
    "bomba.tif": (bomb_tiff, {"TIF002"}),
    "archivio.zip": (listing_zip, {"ARC001"}),
    "archivio.7z": (listing_7z, {"ARC001"}),
    "domanda.txt.gz": (listing_gz, {"ARC001"}),
}


def generate(outdir: Path) -> None:
    folder = Path(outdir) / TOPIC
    folder.mkdir(parents=True, exist_ok=True)
    for name, (builder, _codes) in CASES.items():
        (folder / name).write_bytes(builder())
    (folder / "cifrato.docx").write_bytes(encrypted_docx())
    (folder / "latin1.txt").write_bytes(latin1_txt())
    (folder / "bomba.zip").write_bytes(bomb_zip())
    antivirus = folder / "antivirus"
    antivirus.mkdir(exist_ok=True)
    (antivirus / "eicar.txt").write_bytes(eicar_txt())
    (antivirus / "eicar.odt").write_bytes(eicar_odt())
    (antivirus / "eicar.docx").write_bytes(eicar_docx())
    (antivirus / "README.txt").write_text(
        "File con la stringa di prova EICAR (non è un virus): servono a provare l'antivirus.\n",
        encoding="utf-8")


if __name__ == "__main__":
    import sys
    generate(Path(sys.argv[1] if len(sys.argv) > 1 else "samples/out"))
