"""Built-in PDF/A validator, check "pdfa" and `pec-precheck pdfa`, on PDFs made here with pikepdf."""
from __future__ import annotations

import io
import zlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from checker import catalogue, pdfa, profiles
from checker.checks import CheckContext
from checker.checks import pdfa as pdfa_check
from checker.model import FormatInfo, InputFile
from pdfa_spec.cases_structure_meta import signed

ROOT = Path(__file__).resolve().parents[2]

XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
  pdfaid:part="{part}" pdfaid:conformance="{level}"/>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <dc:title><rdf:Alt><rdf:li xml:lang="x-default">Istanza</rdf:li></rdf:Alt></dc:title>
</rdf:Description>
{extra}
</rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""


def make_pdf(part: int = 2, level: str = "B", extra_xmp: str = "", tweak=None,
             claim: bool = True) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    if claim:
        xmp = XMP.format(part=part, level=level, extra=extra_xmp).encode("utf-8")
        pdf.Root.Metadata = pdf.make_stream(xmp, Type=pikepdf.Name.Metadata,
                                            Subtype=pikepdf.Name.XML)
    if tweak:
        tweak(pdf)
    out = io.BytesIO()
    pdf.save(out, static_id=False, fix_metadata_version=False)
    return out.getvalue()


def keys(report) -> list[str]:
    return report.failed_clauses


def test_clean_pdfa2b_is_compliant():
    report = pdfa.validate(make_pdf())
    assert report.flavour.id == "2b"
    assert report.failures == []
    assert report.compliant is True


def test_flavour_comes_from_xmp_and_can_be_overridden():
    data = make_pdf(part=1, level="B")
    assert pdfa.validate(data).flavour.id == "1b"
    overridden = pdfa.validate(data, "2b")
    assert overridden.flavour.id == "2b"
    assert "2:6.6.4-2" in keys(overridden)  # pdfaid:part says 1


def test_PDFA011_property_with_wrong_value_type():
    extra = ('<rdf:Description rdf:about="" xmlns:tiff="http://ns.adobe.com/tiff/1.0/">'
             '<tiff:ImageWidth>256 mm</tiff:ImageWidth></rdf:Description>')
    report = pdfa.validate(make_pdf(extra_xmp=extra))
    assert keys(report) == ["2:6.6.2.3.1-2"]


def test_PDFA011_property_outside_any_schema():
    extra = ('<rdf:Description rdf:about="" xmlns:my="http://example.org/my/">'
             '<my:Thing>x</my:Thing></rdf:Description>')
    assert keys(pdfa.validate(make_pdf(extra_xmp=extra))) == ["2:6.6.2.3.1-1"]


def test_PDFA011_property_defined_by_extension_schema_is_accepted():
    extra = """<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
  xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
 <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
  <pdfaSchema:schema>My schema</pdfaSchema:schema>
  <pdfaSchema:namespaceURI>http://example.org/my/</pdfaSchema:namespaceURI>
  <pdfaSchema:prefix>my</pdfaSchema:prefix>
  <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
   <pdfaProperty:name>Thing</pdfaProperty:name><pdfaProperty:valueType>Integer</pdfaProperty:valueType>
   <pdfaProperty:category>internal</pdfaProperty:category>
   <pdfaProperty:description>a number</pdfaProperty:description>
  </rdf:li></rdf:Seq></pdfaSchema:property>
 </rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>
<rdf:Description rdf:about="" xmlns:my="http://example.org/my/"><my:Thing>42</my:Thing></rdf:Description>"""
    assert pdfa.validate(make_pdf(extra_xmp=extra)).failures == []
    wrong = extra.replace("<my:Thing>42</my:Thing>", "<my:Thing>many</my:Thing>")
    assert keys(pdfa.validate(make_pdf(extra_xmp=wrong))) == ["2:6.6.2.3.1-2"]


def test_PDFA011_info_dictionary_must_agree_with_xmp_in_part1():
    def info(pdf):
        pdf.trailer.Info = pdf.make_indirect(pikepdf.Dictionary(Title=pikepdf.String("Altro")))
    report = pdfa.validate(make_pdf(part=1, tweak=info))
    assert "1:6.7.3-2" in keys(report)  # veraPDF's number for Title / dc:title


def test_PDFA016_hidden_annotation():
    def annot(pdf):
        pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, Rect=[0, 0, 10, 10], F=2,
            Contents=pikepdf.String("nota")))]))
    report = pdfa.validate(make_pdf(tweak=annot))
    assert "2:6.3.2-2" in keys(report)


def test_PDFA017_javascript_open_action_and_loop_in_next_chain():
    def js(pdf):
        action = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript,
                                                      JS=pikepdf.String("app.alert(1)")))
        action.Next = action  # a reference loop must not hang the walk
        pdf.Root.OpenAction = action
    assert "2:6.5.1-1" in keys(pdfa.validate(make_pdf(tweak=js)))


def test_PDFA019_embedded_file_forbidden_in_part1():
    def attach(pdf):
        pdf.attachments["dati.txt"] = pikepdf.AttachedFileSpec(pdf, b"ciao", mime_type="text/plain")
    assert "1:6.1.11-1" in keys(pdfa.validate(make_pdf(part=1, tweak=attach)))


@pytest.mark.parametrize("data", [
    b"",
    b"%PDF-1.7\n garbage",
    make_pdf()[:200],
    b"%PDF-1.4\n" + b"1 0 obj << /Type /Catalog /Pages 1 0 R >> endobj\n" * 3 + b"%%EOF",
], ids=["empty", "garbage", "truncated", "self-referencing"])
def test_bad_input_is_undecided_or_failed_never_a_crash(data):
    report = pdfa.validate(data, "2b")
    assert report.compliant in (None, False)
    if report.compliant is None:
        assert report.not_checked_reason


def test_encrypted_file_is_not_compliant():
    out = io.BytesIO()
    pdf = pikepdf.open(io.BytesIO(make_pdf()))
    pdf.save(out, encryption=pikepdf.Encryption(user="segreta", owner="segreta"))
    report = pdfa.validate(out.getvalue(), "2b")
    assert report.compliant is False


def _run_check(data: bytes, claim: str | None):
    fmt = FormatInfo(id="pdf", details={"pdfa": claim} if claim else {})
    ctx = CheckContext(profile=profiles.get("generic"))
    return pdfa_check.run(InputFile("doc.pdf", data), fmt, ctx)


def test_check_plain_pdf_gets_PDFA001_info():
    result = _run_check(make_pdf(claim=False), None)
    assert [f.code for f in result.findings] == ["PDFA001"]
    assert catalogue.rule("PDFA001").severity.value == "info"


def test_check_cites_clause_and_says_precheck():
    extra = ('<rdf:Description rdf:about="" xmlns:tiff="http://ns.adobe.com/tiff/1.0/">'
             '<tiff:ImageWidth>wide</tiff:ImageWidth></rdf:Description>')
    result = _run_check(make_pdf(extra_xmp=extra), "2b")
    assert result.engine == "built-in validator"
    codes = [f.code for f in result.findings]
    assert codes == ["PDFA011", "PDFA002"]
    finding = result.findings[0]
    assert finding.args["clause"] == "ISO 19005-2 6.6.2.3.1"
    assert finding.detail.startswith("ISO 19005-2 6.6.2.3.1")
    assert "Metadati" in catalogue.describe(finding)["title"] or "metadati" in catalogue.describe(finding)["title"]


def test_every_clause_family_code_is_in_the_catalogue():
    from checker.pdfa import clauses
    for family in clauses.families():
        assert catalogue.rule(family.code).group == "pdfa"


def test_cli_json_contract(tmp_path):
    good, bad = tmp_path / "buono.pdf", tmp_path / "cattivo.pdf"
    good.write_bytes(make_pdf())
    bad.write_bytes(make_pdf(extra_xmp='<rdf:Description rdf:about="" xmlns:my="http://e.org/m/">'
                                       '<my:X>1</my:X></rdf:Description>'))
    plain = tmp_path / "semplice.pdf"
    plain.write_bytes(make_pdf(claim=False))
    cmd = [sys.executable, "-m", "checker", "pdfa", "--json"]
    # no veraPDF at all (neither the warm build nor a launcher): the built-in decides
    env = {"PATH": "/usr/bin:/bin", "VERAPDF": "", "PEC_PRECHECK_VERAPDF_HOME": "/nonexistent"}
    ok = subprocess.run(cmd + [str(good)], capture_output=True, text=True, cwd=ROOT, env=env)
    assert ok.returncode == 0, ok.stderr
    [row] = json.loads(ok.stdout)
    contract = ("file", "flavour", "compliant", "engine", "failed_clauses")
    assert {k: row[k] for k in contract} == {"file": str(good), "flavour": "2b", "compliant": True,
                                             "engine": "builtin", "failed_clauses": []}
    res = subprocess.run(cmd + [str(good), str(bad)], capture_output=True, text=True, cwd=ROOT,
                         env=env)
    assert res.returncode == 1
    assert json.loads(res.stdout)[1]["failed_clauses"] == ["2:6.6.2.3.1-1"]
    undecided = subprocess.run(cmd + [str(plain)], capture_output=True, text=True, cwd=ROOT, env=env)
    assert undecided.returncode == 3
    assert json.loads(undecided.stdout)[0]["flavour"] is None
    forced = subprocess.run(cmd + ["--flavour", "2b", str(plain)], capture_output=True, text=True,
                            cwd=ROOT, env=env)
    assert json.loads(forced.stdout)[0]["flavour"] == "2b"
    usage = subprocess.run(cmd + ["--flavour", "9z", str(good)], capture_output=True, text=True,
                           cwd=ROOT, env=env)
    assert usage.returncode == 2
    text = subprocess.run(cmd[:-1] + [str(bad)], capture_output=True, text=True, cwd=ROOT, env=env)
    assert "NON CONFORME" in text.stdout and "ISO 19005-2 6.6.2.3.1" in text.stdout


def _many_objects_pdf(n: int) -> bytes:
    """A syntactically valid PDF with n indirect objects (built as bytes: pikepdf is too slow)."""
    head = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    body = [b"1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n",
            b"2 0 obj\n<</Type/Pages/Kids[]/Count 0>>\nendobj\n"]
    body += [b"%d 0 obj\nnull\nendobj\n" % k for k in range(3, n + 1)]
    offsets, pos = [], len(head)
    for chunk in body:
        offsets.append(pos)
        pos += len(chunk)
    xref = b"xref\n0 %d\n0000000000 65535 f \n" % (n + 1) + b"".join(b"%010d 00000 n \n" % o
                                                                     for o in offsets)
    trailer = b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (n + 1, pos)
    return head + b"".join(body) + xref + trailer


def test_a_million_objects_is_bounded_in_the_worker():
    from checker import isolation
    data = _many_objects_pdf(1_000_000)
    fmt = FormatInfo(id="pdf", details={"pdfa": "2b"})
    job = isolation.Job(label="pdfa", fn=pdfa_check.run,
                        args=(InputFile("molti.pdf", data), fmt,
                              CheckContext(profile=profiles.get("generic"))), timeout=60)
    isolation.run_jobs([job])
    codes = [f.code for f in job.result.findings]
    assert codes and not any(c.startswith("SYS") for c in codes), codes
    assert "PDFA002" not in codes or "PDFA010" in codes  # never a clean bill of health


def test_decompression_bomb_in_content_is_not_inflated():
    bomb = zlib.compress(b"0 0 m " * ((60 << 20) // 6), 9)  # ~60 MB of drawing operators

    def content(pdf):
        stream = pdf.make_stream(b"")
        stream.write(bomb, filter=pikepdf.Name.FlateDecode)
        pdf.pages[0].Contents = stream
    report = pdfa.validate(make_pdf(tweak=content))
    assert report.compliant is None
    assert "contenuto" in report.not_checked_reason


def test_reference_loops_in_outlines_and_structure_tree_terminate():
    def loops(pdf):
        item = pdf.make_indirect(pikepdf.Dictionary(Title=pikepdf.String("capitolo")))
        item.Next = item
        item.First = item
        pdf.Root.Outlines = pdf.make_indirect(pikepdf.Dictionary(First=item, Last=item))
        elem = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name("/Strano")))
        elem.K = pikepdf.Array([elem])
        pdf.Root.StructTreeRoot = pdf.make_indirect(pikepdf.Dictionary(K=elem))
        pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    report = pdfa.validate(make_pdf(level="A", tweak=loops))
    assert "2:6.7.3.4-1" in keys(report)  # the unmapped type is reported once, the loop ends


def test_stream_data_that_contains_the_word_endstream_is_not_a_length_error():
    def tricky(pdf):
        pdf.Root.Extra = pdf.make_stream(b"binary\nendstream\nmore bytes after the fake end")
    assert pdfa.validate(make_pdf(tweak=tricky)).failures == []


def test_PDFA010_wrong_stream_length_is_reported():
    pdf = pikepdf.open(io.BytesIO(make_pdf()))
    pdf.Root.Extra = pdf.make_stream(b"0123456789")
    out = io.BytesIO()
    pdf.save(out, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    good = out.getvalue()
    assert pdfa.validate(good).failures == []
    bad = good.replace(b"/Length 10", b"/Length 14", 1)
    assert "2:6.1.7.1-1" in keys(pdfa.validate(bad))


def test_pdfa_samples_give_the_verdicts_their_names_say(samples):
    folder = samples / "pdfa"
    if not folder.is_dir():  # samples built before gen_pdfa existed
        import importlib.util
        spec = importlib.util.spec_from_file_location("gen_pdfa", ROOT / "samples" / "gen_pdfa.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.generate(samples)
    verdicts = {p.name: pdfa.validate(p.read_bytes()).compliant for p in folder.glob("*.pdf")}
    assert verdicts == {"pdfa2b-conforme.pdf": True, "pdfa2b-metadati-errati.pdf": False,
                        "pdfa2b-javascript.pdf": False, "pdfa1b-allegato.pdf": False,
                        "pdf-semplice.pdf": None}


def _with_truetype(width_of_a: float | None, embed: bool = True):
    """A tweak that shows "A" in Vera (reportlab's TrueType font), with the given /Widths."""
    import reportlab
    from fontTools.ttLib import TTFont
    ttf = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    program = TTFont(str(ttf))
    real = program["hmtx"][program.getBestCmap()[ord("A")]][0] * 1000 / program["head"].unitsPerEm

    def tweak(pdf):
        desc = pikepdf.Dictionary(Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name("/Vera"),
                                  Flags=32, FontBBox=[-183, -236, 1287, 928], ItalicAngle=0,
                                  Ascent=928, Descent=-236, CapHeight=729, StemV=80)
        if embed:
            desc.FontFile2 = pdf.make_stream(ttf.read_bytes())
        font = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.TrueType, BaseFont=pikepdf.Name("/Vera"),
            FirstChar=65, LastChar=65, Widths=[real if width_of_a is None else width_of_a],
            Encoding=pikepdf.Name.WinAnsiEncoding, FontDescriptor=pdf.make_indirect(desc)))
        page = pdf.pages[0]
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 720 Td (A) Tj ET")
    return tweak


def test_PDFA012_embedded_truetype_with_matching_widths_passes():
    assert pdfa.validate(make_pdf(tweak=_with_truetype(None))).failures == []


def test_PDFA012_width_that_disagrees_with_the_font_program():
    assert keys(pdfa.validate(make_pdf(tweak=_with_truetype(250)))) == ["2:6.2.11.5-1"]


def test_PDFA012_font_not_embedded():
    assert "2:6.2.11.4.1-1" in keys(pdfa.validate(make_pdf(tweak=_with_truetype(None, embed=False))))


# --- patterns of real producers (LibreOffice, Ghostscript, OCR tools, signing tools, PDF/A-3
# invoices), rebuilt here with pikepdf: conforming ones must pass, broken ones must fail ---

def _ocr_text_layer(pdf):
    """Invisible text (Tr 3) in a font that is not embedded, as OCR tools lay it over a scan."""
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica,
                                                Encoding=pikepdf.Name.WinAnsiEncoding))
    page = pdf.pages[0]
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = pdf.make_stream(b"BT 3 Tr /F1 12 Tf 72 720 Td (Perch\xe9 cos\xec) Tj ET")


def _inherited_resources(pdf):
    """Page resources kept on the /Pages node and inherited by the page."""
    _with_truetype(None)(pdf)
    page = pdf.pages[0]
    pdf.Root.Pages.Resources = page.obj.Resources
    del page.obj["/Resources"]


def _signature_widget(rect, appearance: bool = False):
    """A signature field as signing tools add it: invisible ones have an all-zero /Rect.
    The field is empty; `signed` fills it with a real signature (pdfa_spec's pyHanko signer)."""
    def tweak(pdf):
        widget = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Sig,
            T=pikepdf.String("Firma1"), F=132, Rect=rect, P=pdf.pages[0].obj))
        if appearance:
            widget.AP = pikepdf.Dictionary(N=pdf.make_stream(b"", Type=pikepdf.Name.XObject,
                                                             Subtype=pikepdf.Name.Form, BBox=[0, 0, 1, 1]))
        pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([widget]))
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[widget], SigFlags=3)
    return tweak


def _invoice_attachment(relationship: bool = True):
    """A PDF/A-3 with its XML invoice attached (FatturaPA, Factur-X)."""
    def tweak(pdf):
        spec = pikepdf.AttachedFileSpec(pdf, b"<FatturaElettronica/>", filename="fattura.xml",
                                        mime_type="text/xml", description="Fattura elettronica")
        pdf.attachments["fattura.xml"] = spec
        obj = pdf.Root.Names.EmbeddedFiles.Names[1]
        if relationship:
            obj.AFRelationship = pikepdf.Name.Alternative
        elif "/AFRelationship" in obj:
            del obj["/AFRelationship"]
        pdf.Root.AF = pikepdf.Array([obj])
    return tweak


def _resaved(data: bytes, **options) -> bytes:
    """The same file saved again with object streams or linearised, as qpdf-based tools do."""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(out, fix_metadata_version=False, **options)
    return out.getvalue()


@pytest.mark.parametrize("data", [
    pytest.param(make_pdf(part=1, tweak=_ocr_text_layer), id="ocr-text-layer-1b"),
    pytest.param(make_pdf(part=2, tweak=_ocr_text_layer), id="ocr-text-layer-2b"),
    pytest.param(make_pdf(tweak=_inherited_resources), id="inherited-page-resources"),
    pytest.param(_resaved(make_pdf(tweak=_with_truetype(None)),
                          object_stream_mode=pikepdf.ObjectStreamMode.generate),
                 id="object-and-xref-streams"),
    pytest.param(_resaved(make_pdf(tweak=_with_truetype(None)), linearize=True), id="linearised"),
    pytest.param(signed(make_pdf(tweak=_signature_widget([0, 0, 0, 0])), field="Firma1"),
                 id="invisible-signature"),
    pytest.param(signed(make_pdf(tweak=_signature_widget([350, 50, 550, 110], appearance=True)),
                        field="Firma1"), id="visible-signature-with-appearance"),
    pytest.param(make_pdf(part=3, tweak=_invoice_attachment()), id="pdfa3-invoice-attachment"),
])
def test_real_world_conforming_patterns_pass(data):
    report = pdfa.validate(data)
    assert report.failures == []
    assert report.compliant is True


def test_PDFA016_annotation_without_appearance_is_exempt_only_when_its_rect_is_a_point():
    # ISO 19005-2 6.3.3: the exemption needs value 1 = value 3 AND value 2 = value 4; a
    # comment LibreOffice exports as a 0.05 pt wide Text annotation without /AP is not exempt
    flat = make_pdf(tweak=_signature_widget([10, 10, 10, 40]))
    assert keys(pdfa.validate(flat)) == ["2:6.3.3-1"]

    def comment(pdf):
        pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, F=4, Contents=pikepdf.String("nota"),
            Rect=[325.6, 719.689, 325.65, 732.339]))]))
    assert keys(pdfa.validate(make_pdf(tweak=comment))) == ["2:6.3.3-1"]


def test_PDFA019_pdfa3_attachment_without_relationship():
    assert "3:6.8-3" in keys(pdfa.validate(make_pdf(part=3, tweak=_invoice_attachment(False))))


def test_PDFA012_ocr_text_layer_does_not_excuse_visible_text_in_the_same_font():
    def visible(pdf):
        _ocr_text_layer(pdf)
        pdf.pages[0].Contents = pdf.make_stream(b"BT /F1 12 Tf 72 720 Td (visibile) Tj ET")
    assert "1:6.3.4-1" in keys(pdfa.validate(make_pdf(part=1, tweak=visible)))


def _with_cff_subset(charset: bytes):
    """A tweak that shows "A" in a Type 1 (CFF) subset made with fontTools, with /CharSet."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen
    glyphs = [".notdef", "space", "A"]
    fb = FontBuilder(1000, isTTF=False)
    fb.setupGlyphOrder(glyphs)
    fb.setupCharacterMap({32: "space", 65: "A"})
    charstrings = {}
    for glyph in glyphs:
        pen = T2CharStringPen(600, None)
        if glyph == "A":
            pen.moveTo((0, 0))
            pen.lineTo((300, 700))
            pen.lineTo((600, 0))
            pen.closePath()
        charstrings[glyph] = pen.getCharString()
    fb.setupCFF("ABCDEF+Prova", {"FullName": "Prova"}, charstrings, {})
    fb.setupHorizontalMetrics(dict.fromkeys(glyphs, (600, 0)))
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    program = fb.font["CFF "].compile(fb.font)

    def tweak(pdf):
        desc = pikepdf.Dictionary(Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name("/ABCDEF+Prova"),
                                  Flags=32, FontBBox=[0, 0, 600, 700], ItalicAngle=0, Ascent=800,
                                  Descent=-200, CapHeight=700, StemV=80, CharSet=pikepdf.String(charset),
                                  FontFile3=pdf.make_stream(program, Subtype=pikepdf.Name.Type1C))
        font = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name("/ABCDEF+Prova"),
            FirstChar=32, LastChar=65, Widths=[600] + [0] * 32 + [600],
            Encoding=pikepdf.Name.WinAnsiEncoding, FontDescriptor=pdf.make_indirect(desc)))
        page = pdf.pages[0]
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 720 Td (A A) Tj ET")
    return tweak


@pytest.mark.parametrize("charset", [b"/A/space", b"/space /A", b"/A\n/sp#61ce"],
                         ids=["packed", "spaced", "newline-and-escape"])
def test_PDFA012_charset_names_are_read_in_pdf_name_syntax(charset):
    # white space between names and #xx escapes are plain PDF name syntax, not omissions
    for part in (1, 2):
        assert pdfa.validate(make_pdf(part=part, tweak=_with_cff_subset(charset))).failures == []


def test_PDFA012_charset_that_omits_a_glyph_of_the_subset():
    assert keys(pdfa.validate(make_pdf(tweak=_with_cff_subset(b"/A")))) == ["2:6.2.11.4.2-1"]


def _to_unicode(entries: bytes):
    """A tweak: the shown TrueType font ("A", code 65) gets a ToUnicode CMap with `entries`."""
    def tweak(pdf):
        _with_truetype(None)(pdf)
        cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
                b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
                b"1 begincodespacerange <00> <FF> endcodespacerange\n"
                + entries + b"\nendcmap CMapName currentdict /CMap defineresource pop end end")
        pdf.pages[0].Resources.Font.F1.ToUnicode = pdf.make_stream(cmap)
    return tweak


def test_PDFA012_unicode_values_are_judged_on_the_glyphs_the_text_shows():
    # .notdef (code 0, never shown) mapped to <0000> maps no glyph of the document
    unused = _to_unicode(b"2 beginbfchar\n<00> <0000>\n<41> <0041>\nendbfchar")
    assert pdfa.validate(make_pdf(level="U", tweak=unused)).failures == []
    shown = _to_unicode(b"1 beginbfchar\n<41> <FEFF>\nendbfchar")
    assert keys(pdfa.validate(make_pdf(level="U", tweak=shown))) == ["2:6.2.11.7.2-2"]
    in_range = _to_unicode(b"1 beginbfrange\n<40> <42> <FFFD>\nendbfrange")  # 0x41 -> U+FFFE
    assert keys(pdfa.validate(make_pdf(level="U", tweak=in_range))) == ["2:6.2.11.7.2-2"]


def _annotation_flags(flags: int):
    def tweak(pdf):
        pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 10, 10], F=flags,
            Border=[0, 0, 0]))]))
    return tweak


def test_PDFA016_toggle_no_view_is_forbidden_in_part2_only():
    # ISO 19005-1 6.5.3 names Hidden, Invisible and NoView; ISO 19005-2 6.3.2 adds ToggleNoView
    assert pdfa.validate(make_pdf(part=1, tweak=_annotation_flags(4 | 256))).failures == []
    assert keys(pdfa.validate(make_pdf(part=2, tweak=_annotation_flags(4 | 256)))) == ["2:6.3.2-2"]
    assert keys(pdfa.validate(make_pdf(part=1, tweak=_annotation_flags(4 | 32)))) == ["1:6.5.3-2"]


def _with_cid_truetype(type0_name: str, cid_font_name: str):
    """A tweak that shows "A" in a Type0 / CIDFontType2 font (Vera, Identity-H), no CIDSet."""
    import reportlab
    from fontTools.ttLib import TTFont
    ttf = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    program = TTFont(str(ttf))
    glyph = program.getBestCmap()[ord("A")]
    gid = program.getGlyphID(glyph)
    width = round(program["hmtx"][glyph][0] * 1000 / program["head"].unitsPerEm)

    def tweak(pdf):
        desc = pikepdf.Dictionary(Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name("/" + cid_font_name),
                                  Flags=32, FontBBox=[-183, -236, 1287, 928], ItalicAngle=0,
                                  Ascent=928, Descent=-236, CapHeight=729, StemV=80,
                                  FontFile2=pdf.make_stream(ttf.read_bytes()))
        cid_font = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2,
            BaseFont=pikepdf.Name("/" + cid_font_name), CIDToGIDMap=pikepdf.Name.Identity,
            CIDSystemInfo=pikepdf.Dictionary(Registry=pikepdf.String("Adobe"),
                                             Ordering=pikepdf.String("Identity"), Supplement=0),
            W=[gid, [width]], FontDescriptor=pdf.make_indirect(desc)))
        font = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=pikepdf.Name("/" + type0_name),
            Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=[cid_font]))
        page = pdf.pages[0]
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 720 Td <%04X> Tj ET" % gid)
    return tweak


def test_PDFA012_cidset_is_required_of_a_subset_cidfont_as_the_cidfont_names_itself():
    # ISO 19005-1 6.3.5: "CIDFont subsets"; the subset tag that counts is the CIDFont's BaseFont
    whole = make_pdf(part=1, tweak=_with_cid_truetype("ABCDEF+Vera-Identity-H", "Vera"))
    assert pdfa.validate(whole).failures == []
    subset = make_pdf(part=1, tweak=_with_cid_truetype("ABCDEF+Vera-Identity-H", "ABCDEF+Vera"))
    assert keys(pdfa.validate(subset)) == ["1:6.3.5-3"]


def _dates(info_date: str, xmp_date: str):
    extra = ('<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">'
             f'<xmp:CreateDate>{xmp_date}</xmp:CreateDate></rdf:Description>')

    def tweak(pdf):
        pdf.trailer.Info = pdf.make_indirect(pikepdf.Dictionary(
            Title=pikepdf.String("Istanza"), CreationDate=pikepdf.String(info_date)))
    return make_pdf(part=1, extra_xmp=extra, tweak=tweak)


@pytest.mark.parametrize("info_date, xmp_date", [
    ("D:20261123193213+01'00'", "2026-11-23T19:32:13+01:00"),
    ("D:20261123193213+01'00'", "2026-11-23T18:32:13Z"),       # local time in Info, UTC in XMP
    ("D:20261123193213Z", "2026-11-23T19:32:13+00:00"),
    ("D:20261123193213", "2026-11-23T19:32:13+01:00"),          # no zone in Info: local fields
])
def test_PDFA011_info_and_xmp_dates_that_name_the_same_instant_agree(info_date, xmp_date):
    assert pdfa.validate(_dates(info_date, xmp_date)).failures == []


def test_PDFA011_info_and_xmp_dates_an_hour_apart_disagree():
    assert keys(pdfa.validate(_dates("D:20261123193213+01'00'", "2026-11-23T19:32:13Z"))) == ["1:6.7.3-1"]


def _info_subject(raw: bytes) -> bytes:
    """A PDF whose Info /Subject is `raw`; tests then rewrite its bytes in place (same length)
    into string syntax pikepdf itself would normalise."""
    def tweak(pdf):
        pdf.trailer.Info = pdf.make_indirect(pikepdf.Dictionary(Subject=pikepdf.String(raw)))
    return make_pdf(tweak=tweak)


def test_PDFA010_literal_string_with_nested_parentheses_and_angle_brackets_is_not_hex():
    # "(Nota (a) <urgente> (b))": balanced parentheses need no escape (ISO 32000-1 7.3.4.2)
    data = _info_subject(b"Nota [a] <urgente> [b]").replace(
        b"(Nota [a] <urgente> [b])", b"(Nota (a) <urgente> (b))")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert str(pdf.trailer.Info.Subject) == "Nota (a) <urgente> (b)"
    assert pdfa.validate(data).failures == []


def test_PDFA010_hex_string_with_odd_digit_count_in_an_object():
    data = _info_subject(b"\x00\xff\x01").replace(b"<00ff01>", b"<00ff0 >")
    assert data.count(b"<00ff0 >") == 1
    assert keys(pdfa.validate(data)) == ["2:6.1.6-1"]


def test_a_pkcs7_that_ends_in_a_zero_byte_is_read_whole():
    # the zero padding of /Contents comes right after the DER; a signature value that itself
    # ends in 0x00 (1 in 256) must not lose that byte to the padding
    from pdfa_spec.builder import Spec, build, save
    from pdfa_spec.cases_structure_meta import _in_place

    def ends_in_zero(signed_data) -> None:
        info = signed_data["signer_infos"][0]
        info["signature"] = info["signature"].native[:-1] + b"\x00"

    from asn1crypto import cms

    spec = Spec("2b")
    data = _in_place(ends_in_zero)(save(build(spec), spec.part))
    contents = bytes.fromhex(re.search(rb"/Contents <([0-9A-Fa-f]+)>", data).group(1).decode())
    der = cms.ContentInfo.load(contents, strict=False).dump()
    assert der.endswith(b"\x00") and contents.startswith(der) and len(contents) > len(der)
    report = pdfa.validate(data)
    assert "2:6.4.3-2" not in report.failed_clauses, report.failures
    assert not [u for u in report.undecided if "PKCS#7" in str(u)], report.undecided
