"""Large PDFs for the speed benchmarks, made on the fly (nothing stored in the repository).

`text_pdf(pages)`: a reportlab text document, an "Oggetto:" line on page 1, body text and a
visible URL on every page. `many_objects_pdf(count)`: a pikepdf file whose pages reference
`count` small indirect objects through arrays (the shape of a 200 k-object file that makes
per-object Python loops show). `scan_pdf(megabytes)`: one full-page JPEG per page. All
claim PDF/A-2b (not met: fonts not embedded), so the PDF/A validator runs every family.
"""
from __future__ import annotations

import io

BODY = ("Il sottoscritto chiede l'accesso agli atti del procedimento indicato in oggetto, "
        "ai sensi della legge 241/1990, e allega copia del documento di identità. ")


def text_pdf(pages: int) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    for n in range(1, pages + 1):
        text = c.beginText(60, 780)
        text.setFont("Helvetica", 10)
        if n == 1:
            text.textLine("Oggetto: Richiesta di accesso agli atti")
        text.textLine(f"Pagina {n} - vedere https://www.example.it/pratica/{n}")
        for line in range(40):
            text.textLine(f"{line:02d} {BODY[:90]}")
        c.drawText(text)
        c.setFillColorRGB(0.2, 0.3, 0.6)
        c.rect(60, 60, 200, 20, fill=1)
        c.showPage()
    c.save()
    return _claim_pdfa_2b(buf.getvalue())


def _claim_pdfa_2b(data: bytes) -> bytes:
    """The XMP claim makes the validator run every clause family, as on a real submission."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["pdfaid:part"] = "2"
            meta["pdfaid:conformance"] = "B"
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def many_objects_pdf(count: int, pages: int = 100) -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    per_page = count // pages
    for p in range(pages):
        page = pdf.add_blank_page(page_size=(595, 842))
        items = pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(N=i, Name=pikepdf.Name(f"/Item#20{i}")))
                               for i in range(p * per_page, (p + 1) * per_page)])
        page.obj["/PieceInfo"] = pikepdf.Dictionary(Bench=pikepdf.Dictionary(Private=items))
        page.obj["/Contents"] = pdf.make_stream(f"BT /F1 12 Tf 72 720 Td (Pagina {p + 1}) Tj ET".encode())
        page.obj["/Resources"] = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)))
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return _claim_pdfa_2b(out.getvalue())


def scan_pdf(megabytes: int = 100) -> bytes:
    """A scanned-document shape: one full-page JPEG per page (noise, so it does not
    compress), about 2.5 MB a page, `megabytes` in all, claiming PDF/A-2b."""
    import os

    import pikepdf
    from PIL import Image

    side = 1400
    noise = Image.frombytes("L", (side, side), os.urandom(side * side)).convert("RGB")
    buf = io.BytesIO()
    noise.save(buf, format="JPEG", quality=92)
    jpeg = buf.getvalue()
    pdf = pikepdf.new()
    for _ in range(max(1, (megabytes << 20) // len(jpeg))):
        page = pdf.add_blank_page(page_size=(595, 842))
        image = pdf.make_stream(jpeg, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                                Width=side, Height=side, ColorSpace=pikepdf.Name.DeviceRGB,
                                BitsPerComponent=8, Filter=pikepdf.Name.DCTDecode)
        page.obj["/Resources"] = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        page.obj["/Contents"] = pdf.make_stream(b"q 595 0 0 842 0 0 cm /Im0 Do Q")
    out = io.BytesIO()
    pdf.save(out)
    return _claim_pdfa_2b(out.getvalue())
