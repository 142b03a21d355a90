"""Page text read from the first pages only, on the caller's bytes (checker/pdfscan/first_pages.py,
text.py): the facts text is the first 3 pages, the link-in-text scan still reads 30, pypdf
neither copies the file nor keeps the images it parsed, and a page tree is flattened only as
far as the pages read."""
from __future__ import annotations

import io
import os

import pikepdf
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from checker.pdfscan import HitKind, Limits, scan
from checker.pdfscan import first_pages, text


def text_pdf(pages: int) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for n in range(1, pages + 1):
        if n == 1:
            c.drawString(72, 760, "Oggetto: Richiesta di accesso agli atti")
        c.drawString(72, 740, f"Pagina {n}: scrivere a ufficio{n}@example.it")
        c.showPage()
    c.save()
    return buf.getvalue()


def nested_tree_pdf(pages: int) -> bytes:
    """Pages under intermediate /Pages nodes that carry the inherited /Resources."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    kids = pikepdf.Array()
    root = pdf.Root.Pages
    for group in range(0, pages, 10):
        node = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Pages, Parent=root,
                                                    Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
                                                    Kids=pikepdf.Array(), Count=0))
        for n in range(group + 1, min(pages, group + 10) + 1):
            content = pdf.make_stream(f"BT /F1 12 Tf 72 720 Td (Pagina {n}) Tj ET".encode())
            page = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Page, Parent=node,
                                                        MediaBox=[0, 0, 595, 842], Contents=content))
            node.Kids.append(page)
        node.Count = len(node.Kids)
        kids.append(node)
    root.Kids = kids
    root.Count = pages
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_facts_text_is_the_first_pages_and_links_come_from_thirty():
    data = text_pdf(40)
    found = text.extract(data, Limits())
    assert found.facts_text.count("\f") == 2 and "Oggetto:" in found.facts_text
    assert found.text.count("\f") == 29                 # 30 pages read
    assert "ufficio30@example.it" in found.text and "ufficio31@example.it" not in found.text
    report = scan(data)
    emails = [h.detail for h in report.of(HitKind.TEXT_EMAIL)]
    assert "ufficio25@example.it" in emails and "ufficio31@example.it" not in emails
    assert report.pages == 40 and "Oggetto:" in report.text


def test_only_the_pages_read_are_flattened_with_inherited_resources():
    data = nested_tree_pdf(55)
    reader = first_pages.reader(first_pages.SharedBytesIO(data), 12)
    assert len(reader.pages) == 12
    assert reader.pages[11].extract_text() == "Pagina 12"   # font inherited from its /Pages node
    found = text.extract(data, Limits(text_pages=12, facts_pages=2))
    assert found.text.split("\f") == [f"Pagina {n}" for n in range(1, 13)]
    assert found.facts_text == "Pagina 1\fPagina 2"


def test_fewer_pages_than_asked():
    reader = first_pages.reader(first_pages.SharedBytesIO(text_pdf(2)), 30)
    assert len(reader.pages) == 2


def test_the_callers_bytes_are_shared_not_copied():
    data = text_pdf(3)
    stream = first_pages.SharedBytesIO(data)
    first_pages.reader(stream, 30).pages[0].extract_text()
    assert not hasattr(stream, "getbuffer")          # pypdf's whole-file copy path is off
    assert stream.getvalue() is data                 # the buffer was never unshared


def test_images_parsed_for_a_page_are_not_kept():
    noise = Image.frombytes("L", (64, 64), os.urandom(64 * 64)).convert("RGB")
    jpeg = io.BytesIO()
    noise.save(jpeg, format="JPEG")
    pdf = pikepdf.new()
    for _ in range(3):
        page = pdf.add_blank_page()
        image = pdf.make_stream(jpeg.getvalue(), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                                Width=64, Height=64, ColorSpace=pikepdf.Name.DeviceRGB,
                                BitsPerComponent=8, Filter=pikepdf.Name.DCTDecode)
        page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        page.obj.Contents = pdf.make_stream(b"q 100 0 0 100 0 0 cm /Im0 Do Q")
    out = io.BytesIO()
    pdf.save(out)
    reader = first_pages.reader(first_pages.SharedBytesIO(out.getvalue()), 30)
    reader.pages[0].extract_text()
    images = [o for o in reader.resolved_objects.values()
              if hasattr(o, "get") and o.get("/Subtype") == "/Image"]
    assert images, "pypdf parsed the page's image (what drop_images is for)"
    first_pages.drop_images(reader)
    assert not [o for o in reader.resolved_objects.values()
                if hasattr(o, "get") and o.get("/Subtype") == "/Image"]
    assert reader.pages[1].extract_text() == ""       # later pages still read normally
