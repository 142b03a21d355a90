"""Build a CONFORMING PDF/A file in memory, for any flavour 1a … 3u, with real libraries.

The file is made to the letter of ISO 19005 as veraPDF's profiles state it: header with the
binary comment, trailer /ID, classic xref table, XMP with pdfaid part/conformance whose
dc/xmp/pdf properties agree with the Info dictionary, an OutputIntent carrying a real sRGB ICC
profile (Pillow's), and optional parts a case needs: text in an embedded TrueType font
(reportlab's Vera.ttf, read with fontTools for its widths), an RGB image, a Square
annotation, a text form field, an embedded file. Level "a" files get MarkInfo, a /Lang and
a structure tree whose P element owns the page's marked content.

`Spec` says what to put in; `build(spec)` returns the pikepdf.Pdf for a mutation to edit;
`save(pdf, part)` writes it as a conforming writer would.
"""
from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

DATE_PDF = "D:20240102030405+01'00'"
DATE_XMP = "2024-01-02T03:04:05+01:00"
TITLE = "Istanza di prova"
PRODUCER = "pdfa_spec builder"


@dataclass(frozen=True)
class Spec:
    flavour: str = "2b"            # "1a" … "3u"
    text: bool = False             # a line of text in embedded Vera (TrueType)
    font: str = "truetype"         # the text's font: "truetype", "type0" (CIDFontType2,
    #                                Identity-H) or "type1" (a CFF Type 1 subset, FontBuilder)
    image: bool = False            # a 2×2 DeviceRGB image XObject
    annotation: bool = False       # a Square annotation with a normal appearance
    form: bool = False             # an AcroForm text field (merged widget)
    attachment: bool = False       # an embedded file (part 2: a PDF/A-1b; part 3: XML, /AF)

    @property
    def part(self) -> int:
        return int(self.flavour[0])

    @property
    def level(self) -> str:
        return self.flavour[1]


@functools.lru_cache(maxsize=2)
def srgb_profile(part: int = 2) -> bytes:
    """A real sRGB ICC profile: Pillow's (ICC v4) for parts 2 and 3; PDF/A-1 wants ICC v2
    (ISO 19005-1 6.2.2), so for part 1 the v2.3 sRGB profile pikepdf ships."""
    if part == 1:
        return (Path(pikepdf.__file__).parent / "pdfa" / "data" / "sRGB.icc").read_bytes()
    from PIL import ImageCms
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def vera_path() -> Path:
    import reportlab
    return Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"


@functools.lru_cache(maxsize=1)
def vera_widths() -> dict[int, float]:
    """PDF glyph widths (1/1000 em) of Vera for the printable WinAnsi ASCII range."""
    from fontTools.ttLib import TTFont
    font = TTFont(str(vera_path()))
    cmap, hmtx, upem = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    return {code: round(hmtx[cmap[code]][0] * 1000 / upem, 3) for code in range(32, 127)
            if code in cmap}


TEXT = "Ciao PDF/A"


def xmp_packet(part: int, level: str, *, extra: str = "", header: str | None = None,
               pdfaid: str | None = None) -> bytes:
    """The XMP metadata: identification, Dublin Core, xmp and pdf properties matching Info."""
    head = header if header is not None else \
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    ident = pdfaid if pdfaid is not None else (
        f'<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">'
        f'<pdfaid:part>{part}</pdfaid:part><pdfaid:conformance>{level.upper()}'
        f'</pdfaid:conformance></rdf:Description>')
    return f"""{head}
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
{ident}
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{TITLE}</rdf:li></rdf:Alt></dc:title>
<dc:format>application/pdf</dc:format>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<xmp:CreateDate>{DATE_XMP}</xmp:CreateDate><xmp:ModifyDate>{DATE_XMP}</xmp:ModifyDate>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdf:Producer>{PRODUCER}</pdf:Producer>
</rdf:Description>
{extra}
</rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>""".encode()


def set_metadata(pdf: pikepdf.Pdf, packet: bytes) -> None:
    pdf.Root.Metadata = pdf.make_stream(packet, Type=Name.Metadata, Subtype=Name.XML)


def build(spec: Spec) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0].obj
    page.Resources = Dictionary()
    set_metadata(pdf, xmp_packet(spec.part, spec.level))
    pdf.trailer.Info = pdf.make_indirect(Dictionary(
        Title=String(TITLE), Producer=String(PRODUCER),
        CreationDate=String(DATE_PDF), ModDate=String(DATE_PDF)))
    icc = pdf.make_stream(srgb_profile(spec.part), N=3)
    pdf.Root.OutputIntents = Array([pdf.make_indirect(Dictionary(
        Type=Name.OutputIntent, S=Name.GTS_PDFA1, OutputConditionIdentifier=String("sRGB"),
        Info=String("sRGB IEC61966-2.1"), DestOutputProfile=icc))])
    content = b""
    if spec.text:
        make_font = {"truetype": vera_font, "type0": vera_type0_font, "type1": cff_type1_font}
        page.Resources.Font = Dictionary(F1=make_font[spec.font](pdf))
        body = b"BT /F1 12 Tf 72 720 Td " + shown_text(spec.font) + b" Tj ET"
        content += (b"/P <</MCID 0>> BDC " + body + b" EMC\n") if spec.level == "a" else body + b"\n"
    if spec.image:
        page.Resources.XObject = Dictionary(Im1=rgb_image(pdf))
        content += b"q 20 0 0 20 72 600 cm /Im1 Do Q\n"
    pdf.pages[0].Contents = pdf.make_stream(content or b"0 0 m\n")
    if spec.annotation:
        add_annotation(pdf)
    if spec.form:
        add_text_field(pdf)
    if spec.attachment:
        add_attachment(pdf, spec)
    if spec.level == "a":
        add_structure(pdf, marked_content=spec.text)
    return pdf


def save(pdf: pikepdf.Pdf, part: int) -> bytes:
    """Write as a PDF/A writer would: classic xref (no object streams), /ID, PDF 1.4 or 1.7."""
    out = io.BytesIO()
    pdf.save(out, static_id=True, fix_metadata_version=False, compress_streams=False,
             stream_decode_level=pikepdf.StreamDecodeLevel.none,
             object_stream_mode=pikepdf.ObjectStreamMode.disable,
             force_version="1.4" if part == 1 else "1.7")
    return out.getvalue()


def make(spec: Spec) -> bytes:
    return save(build(spec), spec.part)


# --- optional parts ---

def shown_text(font: str) -> bytes:
    """The Tj operand that shows TEXT (type1: "A A", the glyphs the CFF subset has)."""
    if font == "type0":
        return b"<" + b"".join(b"%04X" % vera_gid(ch) for ch in TEXT) + b">"
    if font == "type1":
        return b"(A A)"
    return b"(" + TEXT.encode("latin-1") + b")"


@functools.cache
def vera_gid(ch: str) -> int:
    from fontTools.ttLib import TTFont
    font = TTFont(str(vera_path()))
    return font.getGlyphID(font.getBestCmap()[ord(ch)])


def vera_descriptor(pdf: pikepdf.Pdf, font_name: str) -> pikepdf.Object:
    return pdf.make_indirect(Dictionary(
        Type=Name.FontDescriptor, FontName=Name("/" + font_name), Flags=32,
        FontBBox=[-183, -236, 1287, 928], ItalicAngle=0, Ascent=928, Descent=-236,
        CapHeight=729, StemV=80, FontFile2=pdf.make_stream(vera_path().read_bytes())))


def vera_font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    widths = vera_widths()
    first, last = min(widths), max(widths)
    desc = vera_descriptor(pdf, "BitstreamVeraSans-Roman")
    font = Dictionary(
        Type=Name.Font, Subtype=Name.TrueType, BaseFont=Name("/BitstreamVeraSans-Roman"),
        FirstChar=first, LastChar=last,
        Widths=Array([widths.get(code, 0) for code in range(first, last + 1)]),
        Encoding=Name.WinAnsiEncoding, FontDescriptor=desc)
    font.ToUnicode = pdf.make_stream(to_unicode_cmap({c: chr(c) for c in range(first, last + 1)}))
    return pdf.make_indirect(font)


def vera_type0_font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    """Type0 / CIDFontType2 (Vera, Identity-H, CIDToGIDMap Identity): CID = glyph id."""
    widths = vera_widths()
    cid_font = pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.CIDFontType2, BaseFont=Name("/BitstreamVeraSans-Roman"),
        CIDToGIDMap=Name.Identity, FontDescriptor=vera_descriptor(pdf, "BitstreamVeraSans-Roman"),
        CIDSystemInfo=Dictionary(Registry=String("Adobe"), Ordering=String("Identity"),
                                 Supplement=0),
        W=Array([x for ch in sorted(set(TEXT)) for x in (vera_gid(ch), Array([widths[ord(ch)]]))])))
    return pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.Type0, BaseFont=Name("/BitstreamVeraSans-Roman"),
        Encoding=Name("/Identity-H"), DescendantFonts=Array([cid_font]),
        ToUnicode=pdf.make_stream(to_unicode_cmap({vera_gid(ch): ch for ch in TEXT}, 2))))


@functools.lru_cache(maxsize=1)
def cff_program() -> bytes:
    """A CFF font with glyphs .notdef, space, A (600 units wide), made with FontBuilder."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen
    glyphs = [".notdef", "space", "A"]
    fb = FontBuilder(1000, isTTF=False)
    fb.setupGlyphOrder(glyphs)
    fb.setupCharacterMap({32: "space", 65: "A"})
    charstrings = {}
    for glyph in glyphs:
        pen = T2CharStringPen(600, None)
        if glyph != "space":
            pen.moveTo((0, 0))
            pen.lineTo((300, 700))
            pen.lineTo((600, 0))
            pen.closePath()
        charstrings[glyph] = pen.getCharString()
    fb.setupCFF("ABCDEF+Prova", {"FullName": "Prova"}, charstrings, {})
    fb.setupHorizontalMetrics(dict.fromkeys(glyphs, (600, 0)))
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    return bytes(fb.font["CFF "].compile(fb.font))


def cff_type1_font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    """A Type 1 subset font (ABCDEF+Prova) with a CFF program (FontFile3 /Type1C) and CharSet."""
    desc = pdf.make_indirect(Dictionary(
        Type=Name.FontDescriptor, FontName=Name("/ABCDEF+Prova"), Flags=32,
        FontBBox=[0, 0, 600, 700], ItalicAngle=0, Ascent=800, Descent=-200, CapHeight=700,
        StemV=80, CharSet=String("/A/space"),
        FontFile3=pdf.make_stream(cff_program(), Subtype=Name.Type1C)))
    return pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.Type1, BaseFont=Name("/ABCDEF+Prova"), FirstChar=32,
        LastChar=65, Widths=Array([600] + [0] * 32 + [600]), Encoding=Name.WinAnsiEncoding,
        FontDescriptor=desc,
        ToUnicode=pdf.make_stream(to_unicode_cmap({32: " ", 65: "A"}))))


def to_unicode_cmap(mapping: dict[int, str], width: int = 1) -> bytes:
    digits = 2 * width
    lines = [f"<{code:0{digits}X}> <{''.join(f'{ord(ch):04X}' for ch in text)}>"
             for code, text in sorted(mapping.items())]
    body = "\n".join(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar"
                     for chunk in (lines[i:i + 100] for i in range(0, len(lines), 100)))
    return (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        f"1 begincodespacerange <{'00' * width}> <{'FF' * width}> endcodespacerange\n"
        f"{body}\nendcmap CMapName currentdict /CMap defineresource pop end end\n").encode()


def rgb_image(pdf: pikepdf.Pdf) -> pikepdf.Object:
    pixels = bytes([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255])
    return pdf.make_stream(pixels, Type=Name.XObject, Subtype=Name.Image, Width=2, Height=2,
                           ColorSpace=Name.DeviceRGB, BitsPerComponent=8)


def appearance(pdf: pikepdf.Pdf, width: float, height: float) -> pikepdf.Object:
    return pdf.make_stream(b"0 0 %d %d re n" % (width, height), Type=Name.XObject,
                           Subtype=Name.Form, BBox=[0, 0, width, height],
                           Resources=Dictionary())


def add_annotation(pdf: pikepdf.Pdf) -> pikepdf.Object:
    annot = pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.Square, Rect=[100, 100, 200, 150], F=4,
        Contents=String("nota"), AP=Dictionary(N=appearance(pdf, 100, 50))))
    page = pdf.pages[0].obj
    page.Annots = Array([*page.get("/Annots", Array()), annot])
    return annot


def add_text_field(pdf: pikepdf.Pdf) -> pikepdf.Object:
    field = pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.Widget, FT=Name.Tx, T=String("nome"), V=String(""),
        Rect=[100, 300, 300, 320], F=4, P=pdf.pages[0].obj,
        AP=Dictionary(N=appearance(pdf, 200, 20))))
    page = pdf.pages[0].obj
    page.Annots = Array([*page.get("/Annots", Array()), field])
    pdf.Root.AcroForm = Dictionary(Fields=Array([field]))
    return field


def add_attachment(pdf: pikepdf.Pdf, spec: Spec) -> pikepdf.Object:
    """Part 2: an embedded PDF/A-1b (ISO 19005-2 6.8). Part 3: an XML file associated with
    the document (/AF, AFRelationship, MIME Subtype, F and UF). Part 1 forbids both."""
    if spec.part == 2:
        data, mime = make(Spec("1b")), "application/pdf"
    else:
        data, mime = b"<?xml version='1.0'?><fattura/>", "text/xml"
    stream = pdf.make_stream(data, Type=Name.EmbeddedFile, Subtype=Name("/" + mime),
                             Params=Dictionary(ModDate=String(DATE_PDF), Size=len(data)))
    filename = "allegato.pdf" if spec.part == 2 else "fattura.xml"
    filespec = pdf.make_indirect(Dictionary(
        Type=Name.Filespec, F=String(filename), UF=String(filename),
        Desc=String("allegato"), EF=Dictionary(F=stream, UF=stream)))
    if spec.part == 3:
        filespec.AFRelationship = Name.Data
        pdf.Root.AF = Array([filespec])
    pdf.Root.Names = Dictionary(EmbeddedFiles=Dictionary(Names=Array([String(filename), filespec])))
    return filespec


def add_structure(pdf: pikepdf.Pdf, marked_content: bool) -> None:
    """Tagged PDF for level A: MarkInfo, /Lang, Document → P owning MCID 0 of page 1."""
    page = pdf.pages[0].obj
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    doc = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root))
    para = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.P, P=doc, Pg=page))
    if marked_content:
        para.K = 0
        page.StructParents = 0
        root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array([0, Array([para])])))
        root.ParentTreeNextKey = 1
    doc.K = Array([para])
    root.K = doc
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    pdf.Root.Lang = String("it-IT")
