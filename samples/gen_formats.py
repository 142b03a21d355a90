"""Sample files for format identification: one per format the identifier knows, plus
hostile ones (zip bombs, overlapping entries, polyglots, truncated PDFs, disguised scripts).

Made with real libraries wherever one writes the format: reportlab + pikepdf (PDF, PDF/A
XMP claims), python-docx, openpyxl, python-pptx, odfpy, Pillow, zipfile, gzip, email,
cryptography + asn1crypto (CMS p7m/p7s in DER, BER, PEM and base64; RFC 3161 tokens and
responses; RFC 5544 TimeStampedData), msoffcrypto-tool (password-protected OOXML).
py7zr (7z). Written by hand, because no library here writes them: a minimal OLE compound
file (olefile only reads; see `compound_file`), executable headers (PE, ELF, Mach-O), the
RAR signature, and the hostile zips (crafted headers are the point of them).

`EXPECTED` maps every sample's file name to the format id the identifier must give it;
`HOSTILE` maps the hostile ones to the finding codes they must raise.

    generate(outdir) -> writes outdir/formats/<name>
"""
from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import io
import struct
import zipfile
import zlib
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

try:
    from . import cfb_writer  # type: ignore[attr-defined]
except ImportError:  # loaded by path (make_samples.py, tests) or with samples/ on sys.path
    import importlib.util
    import sys
    _spec = importlib.util.spec_from_file_location("cfb_writer", Path(__file__).with_name("cfb_writer.py"))
    cfb_writer = importlib.util.module_from_spec(_spec)
    sys.modules.setdefault("cfb_writer", cfb_writer)
    _spec.loader.exec_module(cfb_writer)

FIXED_TIME = dt.datetime(2024, 5, 6, 10, 0, 0, tzinfo=dt.UTC)
TEXT_IT = "Oggetto: richiesta di accesso agli atti\n\nIl sottoscritto Mario Rossi chiede è così.\n"

# file name -> format id the identifier must find by content
EXPECTED: dict[str, str] = {
    "plain.pdf": "pdf", "pdfa-2b.pdf": "pdf", "pdfa-1a-elements.pdf": "pdf",
    "utf8.txt": "txt", "utf8-bom.txt": "txt", "utf16.txt": "txt", "cp1252.txt": "txt",
    "ascii.txt": "txt", "letter.rtf": "rtf", "fattura.xml": "xml", "entities.xml": "xml",
    "map.kml": "kml", "drawing.svg": "svg", "page.xhtml": "html", "page.html": "html",
    "scan.tif": "tiff", "photo.jpg": "jpeg", "logo.png": "png", "anim.gif": "gif",
    "letter.odt": "odt", "table.ods": "ods", "slides.odp": "odp", "drawing.odg": "odg",
    "letter.docx": "docx", "macro.docm": "docm", "table.xlsx": "xlsx", "macro.xlsm": "xlsm",
    "slides.pptx": "pptx", "macro.pptm": "pptm",
    "word97.doc": "doc", "excel97.xls": "xls", "powerpoint97.ppt": "ppt", "outlook.msg": "msg",
    "signed-der.pdf.p7m": "p7m", "signed-ber.pdf.p7m": "p7m", "signed-pem.pdf.p7m": "p7m",
    "signed-base64.pdf.p7m": "p7m", "detached.p7s": "p7s", "token.tsr": "tsr",
    "response.tsr": "tsr", "stamped.pdf.tsd": "tsd", "stamped.pdf.m7m": "m7m",
    "message.eml": "eml", "archive.zip": "zip", "archive.7z": "7z", "archive.rar": "rar",
    "text.txt.gz": "gzip", "program.exe": "exe", "program.elf": "exe", "macos.bin": "exe",
    "script.sh": "exe", "script.bat": "exe", "script.vbs": "exe", "script.js": "exe",
    "script.ps1": "exe", "installer.msi": "exe", "shortcut.lnk": "exe", "empty.txt": "empty", "random.bin": "unknown",
    "password.docx": "ole",
    # hostile: what they are (their findings are in HOSTILE)
    "truncated.pdf": "pdf", "junk-header.pdf": "pdf", "bomb-10gb.zip": "zip",
    "bomb-ratio.zip": "zip", "many-entries.zip": "zip", "overlap.zip": "zip",
    "traversal.zip": "zip", "duplicate.zip": "zip", "encrypted.zip": "zip", "nested.zip": "zip",
    "pdf-then-zip.pdf": "pdf", "zip-with-pdf-header.zip": "zip", "exe-with-pdf.exe": "exe",
    "jpeg-with-zip.jpg": "jpeg", "zip-appended.zip": "zip", "corrupt.zip": "zip",
    "malformed.xml": "xml", "broken.docx": "zip",
}
# hostile sample -> finding codes it must raise (others may come too)
HOSTILE: dict[str, set[str]] = {
    "truncated.pdf": {"FMT018"}, "junk-header.pdf": {"FMT019"},
    "bomb-10gb.zip": {"FMT020"}, "bomb-ratio.zip": {"FMT020"}, "many-entries.zip": {"FMT020"},
    "overlap.zip": {"FMT022"}, "traversal.zip": {"FMT021"}, "duplicate.zip": {"FMT023"},
    "encrypted.zip": {"FMT024"}, "nested.zip": {"FMT025"},
    "pdf-then-zip.pdf": {"FMT014"}, "zip-with-pdf-header.zip": {"FMT014"},
    "exe-with-pdf.exe": {"FMT014", "FMT013"}, "jpeg-with-zip.jpg": {"FMT014"},
    "zip-appended.zip": {"FMT014"}, "corrupt.zip": {"FMT017"}, "broken.docx": {"FMT017"},
    "password.docx": {"FMT026"}, "empty.txt": {"FMT015"},
    "random.bin": {"FMT016"},
}


def generate(outdir: Path) -> None:
    target = Path(outdir) / "formats"
    target.mkdir(parents=True, exist_ok=True)
    for name, data in build().items():
        (target / name).write_bytes(data)


def build() -> dict[str, bytes]:
    """Every sample, in memory: name -> bytes."""
    out: dict[str, bytes] = {}
    pdf = pdf_document()
    out["plain.pdf"] = pdf
    out["pdfa-2b.pdf"] = pdf_with_xmp(pdf, part="2", conformance="B")
    out["pdfa-1a-elements.pdf"] = pdf_with_raw_xmp(pdf, XMP_ELEMENTS)
    out["truncated.pdf"] = pdf[: len(pdf) * 2 // 3]
    out["junk-header.pdf"] = b"JUNKJUNK" * 20 + b"\n" + pdf
    out.update(_texts())
    out.update(_images())
    out.update(_odf())
    out.update(_ooxml())
    out.update(_ole())
    out.update(_cms_samples(pdf))
    out["message.eml"] = _eml(pdf)
    out.update(_archives())
    out.update(_executables())
    out["empty.txt"] = b""
    out["random.bin"] = bytes((i * 7919 + 13) % 251 for i in range(4096))
    out.update(_hostile_zips())
    out.update(_polyglots(pdf, out["photo.jpg"], out["archive.zip"], out["program.exe"]))
    out["broken.docx"] = out["letter.docx"][:-200]
    return out


# --- PDF ----------------------------------------------------------------------------------

def pdf_document(pages: int = 1, text: str = "Oggetto: richiesta di accesso agli atti") -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for n in range(pages):
        c.drawString(72, 760, text)
        c.drawString(72, 740, f"Pagina {n + 1}")
        c.showPage()
    c.save()
    return buf.getvalue()


def pdf_with_xmp(pdf: bytes, part: str, conformance: str) -> bytes:
    """A PDF whose XMP claims PDF/A-<part><conformance> (pikepdf writes the packet; the
    claim need not be true: identification reads the claim, the PDF/A checks test it)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        with doc.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["pdfaid:part"] = part
            meta["pdfaid:conformance"] = conformance
        out = io.BytesIO()
        doc.save(out, deterministic_id=True)
    return out.getvalue()


XMP_ELEMENTS = b"""<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>1</pdfaid:part>
   <pdfaid:conformance>A</pdfaid:conformance>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def pdf_with_raw_xmp(pdf: bytes, xmp: bytes, compress: bool = True) -> bytes:
    """A PDF with this exact XMP packet as its /Metadata stream (element syntax)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        stream = doc.make_stream(xmp)
        stream.Type = pikepdf.Name.Metadata
        stream.Subtype = pikepdf.Name.XML
        doc.Root.Metadata = stream
        out = io.BytesIO()
        doc.save(out, deterministic_id=True,
                 compress_streams=compress,
                 stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return out.getvalue()


# --- text-based -----------------------------------------------------------------------------

FATTURA = b"""<?xml version="1.0" encoding="UTF-8"?>
<p:FatturaElettronica versione="FPR12" xmlns:p="http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2">
  <FatturaElettronicaHeader><DatiTrasmissione><ProgressivoInvio>00001</ProgressivoInvio></DatiTrasmissione></FatturaElettronicaHeader>
  <FatturaElettronicaBody/>
</p:FatturaElettronica>
"""
ENTITIES = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY ext SYSTEM "file:///etc/passwd">
]>
<lolz>&lol3;&ext;</lolz>
"""
KML = b"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>Lotto</name>
<Point><coordinates>9.69,45.05,0</coordinates></Point></Placemark></kml>
"""
SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5" height="5"/></svg>"""
XHTML = b"""<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head><body><p>x</p></body></html>
"""
HTML = b"""<!DOCTYPE html>
<html lang="it"><head><meta charset="utf-8"><title>Domanda</title></head>
<body><p>Domanda<br>di accesso</body></html>
"""
RTF = rb"""{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Times New Roman;}}
\f0\fs24 Oggetto: richiesta di accesso agli atti\par
Il sottoscritto chiede \'e8 cos\'ec.\par
}"""


def _texts() -> dict[str, bytes]:
    return {
        "utf8.txt": TEXT_IT.encode("utf-8"),
        "utf8-bom.txt": TEXT_IT.encode("utf-8-sig"),
        "utf16.txt": TEXT_IT.encode("utf-16"),
        "cp1252.txt": TEXT_IT.encode("cp1252"),
        "ascii.txt": b"Oggetto: istanza\r\nTesto semplice.\r\n",
        "letter.rtf": RTF,
        "fattura.xml": FATTURA,
        "entities.xml": ENTITIES,
        "map.kml": KML,
        "drawing.svg": SVG,
        "page.xhtml": XHTML,
        "page.html": HTML,
        "malformed.xml": FATTURA[: len(FATTURA) - 40],
    }


# --- images ---------------------------------------------------------------------------------

def _images() -> dict[str, bytes]:
    from PIL import Image

    out = {}
    img = Image.new("RGB", (32, 24), (200, 30, 30))
    for name, fmt, kwargs in [("scan.tif", "TIFF", {"compression": "tiff_deflate"}),
                              ("photo.jpg", "JPEG", {"quality": 80}),
                              ("logo.png", "PNG", {}), ("anim.gif", "GIF", {})]:
        buf = io.BytesIO()
        img.save(buf, fmt, **kwargs)
        out[name] = buf.getvalue()
    return out


# --- ODF (odfpy) ----------------------------------------------------------------------------

def _odf() -> dict[str, bytes]:
    from odf.draw import Page
    from odf.opendocument import (OpenDocumentDrawing, OpenDocumentPresentation,
                                  OpenDocumentSpreadsheet, OpenDocumentText)
    from odf.style import MasterPage, PageLayout
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    def save(doc) -> bytes:
        buf = io.BytesIO()
        doc.write(buf)
        return buf.getvalue()

    text = OpenDocumentText()
    text.text.addElement(P(text="Oggetto: richiesta di accesso agli atti"))
    sheet = OpenDocumentSpreadsheet()
    table = Table(name="Foglio1")
    row = TableRow()
    cell = TableCell()
    cell.addElement(P(text="1"))
    row.addElement(cell)
    table.addElement(row)
    sheet.spreadsheet.addElement(table)
    out = {"letter.odt": save(text), "table.ods": save(sheet)}
    for name, cls, body in [("slides.odp", OpenDocumentPresentation, "presentation"),
                            ("drawing.odg", OpenDocumentDrawing, "drawing")]:
        doc = cls()
        layout = PageLayout(name="PL")
        doc.automaticstyles.addElement(layout)
        master = MasterPage(name="Standard", pagelayoutname=layout)
        doc.masterstyles.addElement(master)
        getattr(doc, body).addElement(Page(masterpagename=master))
        out[name] = save(doc)
    return out


# --- OOXML ----------------------------------------------------------------------------------

_MACRO_TYPES = {
    "word/document.xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml", "word"),
    "xl/workbook.xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml", "xl"),
    "ppt/presentation.xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml", "ppt"),
}


def macro_enabled(ooxml: bytes) -> bytes:
    """The macro-enabled twin of a docx/xlsx/pptx: the main part's content type becomes the
    macroEnabled one and a vbaProject.bin part is added (as Office does when saving .docm)."""
    src = zipfile.ZipFile(io.BytesIO(ooxml))
    names = src.namelist()
    main = next(n for n in _MACRO_TYPES if n in names)
    plain, macro, folder = _MACRO_TYPES[main]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(plain.encode(), macro.encode()).replace(
                    b"</Types>", b'<Default Extension="bin" ContentType="application/'
                    b'vnd.ms-office.vbaProject"/></Types>')
            dst.writestr(info, data)
        dst.writestr(f"{folder}/vbaProject.bin", compound_file({"VBA/dir": b"\x01" * 64}))
    return buf.getvalue()


def _ooxml() -> dict[str, bytes]:
    import docx
    import openpyxl
    import pptx

    d = docx.Document()
    d.add_paragraph("Oggetto: richiesta di accesso agli atti")
    buf = io.BytesIO()
    d.save(buf)
    docx_bytes = buf.getvalue()

    wb = openpyxl.Workbook()
    wb.active["A1"] = 1
    buf = io.BytesIO()
    wb.save(buf)
    xlsx_bytes = buf.getvalue()

    prs = pptx.Presentation()
    prs.slides.add_slide(prs.slide_layouts[0]).shapes.title.text = "Domanda"
    buf = io.BytesIO()
    prs.save(buf)
    pptx_bytes = buf.getvalue()

    return {"letter.docx": docx_bytes, "macro.docm": macro_enabled(docx_bytes),
            "table.xlsx": xlsx_bytes, "macro.xlsm": macro_enabled(xlsx_bytes),
            "slides.pptx": pptx_bytes, "macro.pptm": macro_enabled(pptx_bytes),
            "password.docx": _encrypted_ooxml(docx_bytes)}


def _encrypted_ooxml(ooxml: bytes) -> bytes:
    """A password-protected .docx, as Office writes it: an OLE file with EncryptedPackage."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(ooxml)).encrypt("segreta", out)
    return out.getvalue()


# --- OLE compound files (written by hand: no library here writes them) ------------------------

MSI_CLSID = "000C1084-0000-0000-C000-000000000046"
compound_file = cfb_writer.compound_file  # the one OLE writer of the samples (MS-CFB v3)


def _ole() -> dict[str, bytes]:
    return {
        "word97.doc": compound_file({"WordDocument": b"\xec\xa5" + b"\x00" * 1000,
                                     "1Table": b"\x00" * 100}),
        "excel97.xls": compound_file({"Workbook": b"\x09\x08" + b"\x00" * 500}),
        "powerpoint97.ppt": compound_file({"PowerPoint Document": b"\x00" * 500,
                                           "Current User": b"\x00" * 40}),
        "outlook.msg": compound_file({"__properties_version1.0": b"\x00" * 32,
                                      "__substg1.0_0037001F": "Domanda".encode("utf-16-le")}),
        "installer.msi": compound_file({"SummaryInformation": b"\x00" * 64}, MSI_CLSID),
    }


# --- CMS: p7m, p7s, tsr, tsd, m7m ----------------------------------------------------------------

def signer():
    """A throwaway self-signed RSA certificate and key (identification needs no trust)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Mario Rossi"),
                      x509.NameAttribute(NameOID.COUNTRY_NAME, "IT")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1000)
            .not_valid_before(FIXED_TIME - dt.timedelta(days=1))
            .not_valid_after(FIXED_TIME + dt.timedelta(days=3650))
            .sign(key, hashes.SHA256()))
    return cert, key


def cades(content: bytes, cert, key, detached: bool = False, pem: bool = False) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs7

    options = [pkcs7.PKCS7Options.Binary]
    if detached:
        options.append(pkcs7.PKCS7Options.DetachedSignature)
    builder = pkcs7.PKCS7SignatureBuilder().set_data(content).add_signer(cert, key, hashes.SHA256())
    return builder.sign(Encoding.PEM if pem else Encoding.DER, options)


def to_indefinite(der: bytes, levels: int = 3) -> bytes:
    """Re-encode the outer `levels` constructed layers of a DER value with BER indefinite
    lengths (0x80 ... 00 00), as some Italian signing tools write .p7m files."""
    tag = der[0]
    length, header = _der_length(der)
    body = der[header:header + length]
    if levels <= 1 or not tag & 0x20:
        inner = body
    else:
        children = []
        pos = 0
        while pos < len(body):
            clen, chead = _der_length(body[pos:])
            children.append(body[pos:pos + chead + clen])
            pos += chead + clen
        children[-1] = to_indefinite(children[-1], levels - 1) if children[-1][0] & 0x20 else children[-1]
        inner = b"".join(children)
    return bytes([tag, 0x80]) + inner + b"\x00\x00"


def _der_length(tlv: bytes) -> tuple[int, int]:
    first = tlv[1]
    if first < 0x80:
        return first, 2
    n = first & 0x7F
    return int.from_bytes(tlv[2:2 + n], "big"), 2 + n


def timestamp_token(data: bytes, cert, key):
    """An RFC 3161 TimeStampToken over data (asn1crypto structures, RSA signature)."""
    from asn1crypto import algos, cms, core, tsp, x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    tst = tsp.TSTInfo({
        "version": "v1", "policy": "1.3.6.1.4.1.99999.1",
        "message_imprint": {"hash_algorithm": {"algorithm": "sha256"},
                            "hashed_message": hashlib.sha256(data).digest()},
        "serial_number": 42, "gen_time": FIXED_TIME,
    })
    tst_der = tst.dump()
    signed_attrs = cms.CMSAttributes([
        cms.CMSAttribute({"type": "content_type", "values": ["tst_info"]}),
        cms.CMSAttribute({"type": "message_digest", "values": [hashlib.sha256(tst_der).digest()]}),
    ])
    signature = key.sign(signed_attrs.dump(), padding.PKCS1v15(), hashes.SHA256())
    a_cert = x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    signer_info = cms.SignerInfo({
        "version": "v1",
        "sid": cms.SignerIdentifier({"issuer_and_serial_number": cms.IssuerAndSerialNumber(
            {"issuer": a_cert.issuer, "serial_number": a_cert.serial_number})}),
        "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
        "signed_attrs": signed_attrs,
        "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": "rsassa_pkcs1v15"}),
        "signature": signature,
    })
    signed = cms.SignedData({
        "version": "v3", "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
        "encap_content_info": {"content_type": "tst_info",
                               "content": core.ParsableOctetString(tst_der)},
        "certificates": [a_cert], "signer_infos": [signer_info],
    })
    return cms.ContentInfo({"content_type": "signed_data", "content": signed})


def _cms_samples(pdf: bytes) -> dict[str, bytes]:
    from asn1crypto import cms, tsp

    cert, key = signer()
    der = cades(pdf, cert, key)
    p7m_pem = cades(pdf, cert, key, pem=True)
    token = timestamp_token(der, cert, key)
    response = tsp.TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": token})
    tsd = cms.ContentInfo({"content_type": "timestamped_data", "content": tsp.TimeStampedData({
        "version": "v1", "content": pdf,
        "temporal_evidence": tsp.Evidence({"tst_evidence": [
            # asn1crypto types time_stamp as EncapsulatedContentInfo; the bytes are the
            # same SEQUENCE { OID, [0] EXPLICIT SignedData } as the token's ContentInfo
            tsp.TimeStampAndCRL({"time_stamp": cms.EncapsulatedContentInfo.load(
                timestamp_token(pdf, cert, key).dump())})]}),
    })})
    m7m = MIMEMultipart("mixed")
    m7m.attach(MIMEApplication(der, "pkcs7-mime", Name="stamped.pdf.p7m"))
    m7m.attach(MIMEApplication(token.dump(), "timestamp-reply", Name="stamped.pdf.tsr"))
    b64 = base64.encodebytes(der)
    return {
        "signed-der.pdf.p7m": der,
        "signed-ber.pdf.p7m": to_indefinite(der),
        "signed-pem.pdf.p7m": p7m_pem,
        "signed-base64.pdf.p7m": b64,
        "detached.p7s": cades(pdf, cert, key, detached=True),
        "token.tsr": token.dump(),
        "response.tsr": response.dump(),
        "stamped.pdf.tsd": tsd.dump(),
        "stamped.pdf.m7m": m7m.as_bytes(),
    }


def _eml(pdf: bytes) -> bytes:
    msg = MIMEMultipart()
    msg["From"] = "mario.rossi@pec.example.it"
    msg["To"] = "protocollo@cert.comune.example.it"
    msg["Subject"] = "Richiesta di accesso agli atti"
    msg["Date"] = "Mon, 06 May 2024 10:00:00 +0200"
    msg["Message-ID"] = "<sample-1@pec.example.it>"
    msg.attach(MIMEText("In allegato la domanda.", "plain", "utf-8"))
    msg.attach(MIMEApplication(pdf, "pdf", Name="domanda.pdf"))
    return msg.as_bytes()


# --- archives and executables ----------------------------------------------------------------

def _zip(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2024, 5, 6, 10, 0, 0)), data,
                        compress_type=method)
    return buf.getvalue()


def _archives() -> dict[str, bytes]:
    gz = io.BytesIO()
    with gzip.GzipFile(fileobj=gz, mode="wb", mtime=0) as fh:
        fh.write(TEXT_IT.encode())
    import py7zr

    seven = io.BytesIO()
    with py7zr.SevenZipFile(seven, "w") as archive:
        archive.writestr(TEXT_IT.encode(), "nota.txt")
    # RAR: a RAR5 signature and main header written by hand (no RAR writer is free software);
    # identification reads only the signature.
    rar5 = b"Rar!\x1a\x07\x01\x00" + b"\x33\x92\xb5\xe5\x0a\x01\x05\x06\x00\x05\x01\x01\x80\x80\x00"
    return {"archive.zip": _zip({"domanda.pdf": pdf_document(), "nota.txt": TEXT_IT.encode()}),
            "text.txt.gz": gz.getvalue(), "archive.7z": seven.getvalue(), "archive.rar": rar5}


def pe_header() -> bytes:
    """The smallest recognisable PE: DOS header pointing at "PE\\0\\0" and a COFF header."""
    dos = bytearray(0x80)
    dos[0:2] = b"MZ"
    struct.pack_into("<I", dos, 0x3C, 0x80)
    coff = struct.pack("<4sHHIIIHH", b"PE\x00\x00", 0x14C, 0, 0, 0, 0, 0xE0, 0x102)
    return bytes(dos) + coff + bytes(0xE0)


def _executables() -> dict[str, bytes]:
    elf = b"\x7fELF\x02\x01\x01" + bytes(9) + struct.pack("<HHI", 2, 0x3E, 1) + bytes(40)
    macho = struct.pack("<IiiIIII", 0xFEEDFACF, 0x01000007, 3, 2, 0, 0, 0) + bytes(4)
    return {
        "program.exe": pe_header(),
        "shortcut.lnk": b"L\x00\x00\x00\x01\x14\x02\x00\x00\x00\x00\x00\xc0" + bytes(63),
        "program.elf": elf,
        "macos.bin": macho,
        "script.sh": b"#!/bin/sh\nrm -rf \"$HOME/tmp\"\n",
        "script.bat": b"@echo off\r\ncopy a b\r\n",
        "script.vbs": b'Set sh = CreateObject("WScript.Shell")\r\nsh.Run "calc"\r\n',
        "script.js": b"var x = 1;\nfunction f() { return x; }\n",  # plain text: the extension decides
        "script.ps1": b"Set-ExecutionPolicy Bypass -Scope Process\nInvoke-Expression $a\n",
    }


# --- hostile zips -----------------------------------------------------------------------------

def declared_bomb(declared: int, name: str = "zeros.bin") -> bytes:
    """A zip whose single member declares `declared` bytes of zeros, made from a short
    deflate stream repeated (each block is flushed, so copies can be chained) instead of
    compressing gigabytes. The CRC is left 0: the point is what the directory declares."""
    chunk = 1 << 20
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = co.compress(bytes(chunk)) + co.flush(zlib.Z_FULL_FLUSH)
    raw = block * (declared // chunk) + zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    buf = io.BytesIO()
    zf = zipfile.ZipFile(buf, "w")
    info = zipfile.ZipInfo(name, date_time=(2024, 5, 6, 10, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.file_size, info.compress_size, info.CRC = declared, len(raw), 0
    info.header_offset = buf.tell()
    buf.write(info.FileHeader(zip64=declared > 0xFFFFFFFF))
    buf.write(raw)
    zf.filelist.append(info)
    zf.NameToInfo[name] = info
    zf.start_dir = buf.tell()
    zf.close()
    return buf.getvalue()


def overlapping_zip() -> bytes:
    """Two directory entries whose local header offsets point at the same member (the
    "better zip bomb" construction), made by patching the second entry's offset."""
    data = bytearray(_zip({"a.xml": b"<a/>" * 100, "b.xml": b"<b/>" * 100}))
    cd = data.find(b"PK\x01\x02")
    second = data.find(b"PK\x01\x02", cd + 4)
    struct.pack_into("<I", data, second + 42, 0)
    return bytes(data)


def encrypted_zip() -> bytes:
    """A zip whose member is flagged as encrypted (bit 0 set in local and central headers);
    zipfile cannot write encryption, and identification reads only the flag."""
    data = bytearray(_zip({"segreto.txt": b"dati riservati"}, zipfile.ZIP_STORED))
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        pos = data.find(sig)
        flags = struct.unpack_from("<H", data, pos + off)[0]
        struct.pack_into("<H", data, pos + off, flags | 1)
    return bytes(data)


def nested_zip(levels: int) -> bytes:
    data = _zip({"domanda.txt": TEXT_IT.encode()})
    for n in range(levels):
        data = _zip({f"livello{levels - n}.zip": data})
    return data


def _hostile_zips() -> dict[str, bytes]:
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w", zipfile.ZIP_STORED) as zf:
        for n in range(10_050):
            zf.writestr(zipfile.ZipInfo(f"f{n}", date_time=(2024, 1, 1, 0, 0, 0)), b"")
    return {
        "bomb-10gb.zip": declared_bomb(10 << 30),
        "bomb-ratio.zip": declared_bomb(300 << 20),
        "many-entries.zip": many.getvalue(),
        "overlap.zip": overlapping_zip(),
        "traversal.zip": _zip({"../../etc/cron.d/evil": b"x", "/abs/path.txt": b"y"}),
        "duplicate.zip": _duplicate_zip(),
        "encrypted.zip": encrypted_zip(),
        "nested.zip": nested_zip(5),
        "corrupt.zip": _zip({"a.txt": TEXT_IT.encode()})[:-10],
    }


def _duplicate_zip() -> bytes:
    import warnings

    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns on the duplicate: that is the sample
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("word/document.xml", "<a/>")
            zf.writestr("word/document.xml", "<b/>")
    return buf.getvalue()


def _polyglots(pdf: bytes, jpeg: bytes, archive: bytes, exe: bytes) -> dict[str, bytes]:
    return {
        "pdf-then-zip.pdf": pdf + archive,
        "zip-with-pdf-header.zip": _zip({"a": pdf}, zipfile.ZIP_STORED),
        "exe-with-pdf.exe": exe + pdf,
        "jpeg-with-zip.jpg": jpeg + archive,
        "zip-appended.zip": archive + b"MZ" + b"\x00" * 100,
    }
