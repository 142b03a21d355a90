"""Source documents for samples/gen_producers.py: .odt (odfpy), .docx (python-docx),
reportlab PDFs and raster images, each varied by a seeded random.Random.

The real producers (LibreOffice, Ghostscript, img2pdf) turn them into PDFs; nothing here
writes a PDF/A itself. Every function takes the RNG and the folder to write into and returns
the path it wrote.
"""
from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw

_WORD_TEXT = ("istanza accesso atti comune protocollo richiesta documento allegato firma data "
              "ufficio cittadino pratica numero oggetto ricevuta posta certificata amministrazione "
              "società perché già più città università caffè è à ò ù € «citazione» “virgolette” "
              "Ωmega αβγ Ænima Łódź naïve")
WORDS = _WORD_TEXT.split()
# installed families and two names that fontconfig substitutes (Arial, Times New Roman)
FONTS = ("DejaVu Sans", "DejaVu Serif", "DejaVu Sans Mono", "Liberation Sans", "Liberation Serif",
         "Liberation Mono", "Carlito", "Arial", "Times New Roman")
URLS = ("https://www.example.org/", "https://www.comune.example.it/atti?id=42",
        "mailto:protocollo@pec.example.it")


def sentence(rng: random.Random, n: int | None = None) -> str:
    words = [rng.choice(WORDS) for _ in range(n or rng.randint(6, 24))]
    return " ".join(words).capitalize() + "."


IMAGE_KINDS = ("jpeg-rgb", "jpeg-gray", "png-rgb", "png-gray", "png-pal", "png-rgba", "jpeg-cmyk")


def image(rng: random.Random, folder: Path, stem: str, kinds: tuple[str, ...] = IMAGE_KINDS) -> Path:
    """A small raster image: JPEG RGB/gray/CMYK, PNG RGB/gray/palette/RGBA (alpha)."""
    kind = rng.choice(kinds)
    w, h = rng.randint(40, 320), rng.randint(40, 240)
    mode = {"jpeg-rgb": "RGB", "jpeg-gray": "L", "png-rgb": "RGB", "png-gray": "L",
            "png-pal": "RGB", "png-rgba": "RGBA", "jpeg-cmyk": "CMYK"}[kind]
    im = Image.new(mode, (w, h), _colour(rng, mode))
    draw = ImageDraw.Draw(im)
    for _ in range(rng.randint(2, 8)):
        x0, y0 = rng.randint(0, w - 1), rng.randint(0, h - 1)
        box = [x0, y0, rng.randint(x0, w), rng.randint(y0, h)]
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=_colour(rng, mode))
    if kind == "png-pal":
        im = im.convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    suffix = ".jpg" if kind.startswith("jpeg") else ".png"
    path = folder / f"{stem}{suffix}"
    im.save(path, quality=rng.randint(40, 95)) if suffix == ".jpg" else im.save(path)
    return path


def _colour(rng: random.Random, mode: str):
    if mode == "L":
        return rng.randint(0, 255)
    n = {"RGB": 3, "RGBA": 4, "CMYK": 4}[mode]
    values = [rng.randint(0, 255) for _ in range(n)]
    if mode == "RGBA":
        values[3] = rng.choice([0, 128, 255])
    return tuple(values)


# -- .odt with odfpy ---------------------------------------------------------------------------

def odt(rng: random.Random, folder: Path, stem: str) -> Path:
    from odf import draw, style, table, text
    from odf.opendocument import OpenDocumentText

    doc = OpenDocumentText()
    fonts = rng.sample(FONTS, rng.randint(1, 3))
    for name in fonts:
        doc.fontfacedecls.addElement(style.FontFace(name=name, fontfamily=f"'{name}'"))
    styles = []
    for n, name in enumerate(fonts):
        s = style.Style(name=f"P{n}", family="paragraph")
        s.addElement(style.TextProperties(fontname=name, fontsize=f"{rng.randint(9, 16)}pt",
                                          fontweight=rng.choice(["normal", "bold"]),
                                          fontstyle=rng.choice(["normal", "italic"])))
        doc.automaticstyles.addElement(s)
        styles.append(s)
    heading = style.Style(name="H", family="paragraph")
    heading.addElement(style.TextProperties(fontname=fonts[0], fontsize="20pt", fontweight="bold"))
    doc.automaticstyles.addElement(heading)
    pagebreak = style.Style(name="Break", family="paragraph")
    pagebreak.addElement(style.ParagraphProperties(breakbefore="page"))
    doc.automaticstyles.addElement(pagebreak)
    bullets = text.ListStyle(name="L1")
    bullets.addElement(text.ListLevelStyleBullet(level=1, bulletchar=rng.choice("•–▪")))
    doc.automaticstyles.addElement(bullets)

    doc.text.addElement(text.H(outlinelevel=1, stylename=heading, text=sentence(rng, 5)))
    for block in range(rng.randint(3, 12)):
        what = rng.choice(["para", "para", "list", "table", "image", "link", "break"])
        if what == "list":
            lst = text.List(stylename=bullets)
            for _ in range(rng.randint(2, 6)):
                item = text.ListItem()
                item.addElement(text.P(stylename=rng.choice(styles), text=sentence(rng, 6)))
                lst.addElement(item)
            doc.text.addElement(lst)
        elif what == "table":
            cols = rng.randint(2, 5)
            tab = table.Table(name=f"T{block}")
            tab.addElement(table.TableColumn(numbercolumnsrepeated=cols))
            for _ in range(rng.randint(2, 8)):
                row = table.TableRow()
                for _ in range(cols):
                    cell = table.TableCell()
                    cell.addElement(text.P(text=sentence(rng, 3)))
                    row.addElement(cell)
                tab.addElement(row)
            doc.text.addElement(tab)
        elif what == "image":
            href = doc.addPicture(str(image(rng, folder, f"{stem}-img{block}")))
            frame = draw.Frame(width=f"{rng.randint(3, 12)}cm", height=f"{rng.randint(2, 8)}cm",
                               anchortype="paragraph")
            frame.addElement(draw.Image(href=href))
            p = text.P()
            p.addElement(frame)
            doc.text.addElement(p)
        elif what == "link":
            p = text.P(stylename=rng.choice(styles), text=sentence(rng, 4) + " ")
            p.addElement(text.A(href=rng.choice(URLS), text="collegamento"))
            doc.text.addElement(p)
        elif what == "break":
            doc.text.addElement(text.P(stylename=pagebreak, text=sentence(rng)))
        else:
            doc.text.addElement(text.P(stylename=rng.choice(styles),
                                       text=" ".join(sentence(rng) for _ in range(rng.randint(1, 8)))))
    path = folder / f"{stem}.odt"
    doc.save(str(path))
    return path


# -- .docx with python-docx --------------------------------------------------------------------

def docx(rng: random.Random, folder: Path, stem: str) -> Path:
    from docx import Document
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement
    from docx.shared import Cm, Pt

    doc = Document()
    fonts = rng.sample(FONTS, rng.randint(1, 3))
    doc.styles["Normal"].font.name = fonts[0]
    doc.add_heading(sentence(rng, 5), level=rng.randint(0, 2))
    if rng.random() < 0.4:
        doc.sections[0].header.paragraphs[0].text = "Intestazione " + sentence(rng, 3)
    for block in range(rng.randint(3, 12)):
        what = rng.choice(["para", "para", "list", "table", "image", "link", "break", "comment"])
        if what == "list":
            style = rng.choice(["List Bullet", "List Number"])
            for _ in range(rng.randint(2, 6)):
                doc.add_paragraph(sentence(rng, 6), style=style)
        elif what == "table":
            cols = rng.randint(2, 5)
            tab = doc.add_table(rows=rng.randint(2, 8), cols=cols)
            tab.style = rng.choice(["Table Grid", "Light Shading", "Medium Grid 1 Accent 1"])
            for row in tab.rows:
                for cell in row.cells:
                    cell.text = sentence(rng, 3)
        elif what == "image":
            # python-docx does not read Adobe (CMYK) JPEG headers
            picture = image(rng, folder, f"{stem}-img{block}", IMAGE_KINDS[:-1])
            doc.add_picture(str(picture), width=Cm(rng.randint(3, 14)))
        elif what == "link":
            p = doc.add_paragraph(sentence(rng, 4) + " ")
            rid = p.part.relate_to(rng.choice(URLS), RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
            link = OxmlElement("w:hyperlink")
            link.set(qn("r:id"), rid)
            run = OxmlElement("w:r")
            t = OxmlElement("w:t")
            t.text = "collegamento"
            run.append(t)
            link.append(run)
            p._p.append(link)
        elif what == "break":
            doc.add_page_break()
        elif what == "comment":
            p = doc.add_paragraph(sentence(rng))
            doc.add_comment(p.runs, text=sentence(rng, 5), author="Revisore", initials="RV")
        else:
            p = doc.add_paragraph()
            for _ in range(rng.randint(1, 6)):
                run = p.add_run(sentence(rng) + " ")
                run.font.name = rng.choice(fonts)
                run.font.size = Pt(rng.randint(8, 16))
                run.bold, run.italic = rng.random() < 0.2, rng.random() < 0.2
    path = folder / f"{stem}.docx"
    doc.save(str(path))
    return path


# -- reportlab ---------------------------------------------------------------------------------

TTF_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation2",
            "/usr/share/fonts/truetype/crosextra")


def _ttf_fonts() -> list[Path]:
    return sorted(p for d in TTF_DIRS for p in Path(d).glob("*.ttf"))


def reportlab_pdf(rng: random.Random, folder: Path, stem: str, encrypt: bool = False) -> Path:
    """Text in the standard 14 or embedded TrueType fonts, images, transparency, CMYK,
    links, outlines, form fields; optionally encrypted (empty user password)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    names = ["Helvetica", "Times-Roman", "Courier-Bold"]
    ttfs = _ttf_fonts()
    for ttf in rng.sample(ttfs, min(len(ttfs), rng.randint(0, 3))):
        pdfmetrics.registerFont(TTFont(ttf.stem, str(ttf)))
        names.append(ttf.stem)
    path = folder / f"{stem}.pdf"
    size = landscape(A4) if rng.random() < 0.2 else A4
    c = canvas.Canvas(str(path), pagesize=size, invariant=1,
                      encrypt="" if encrypt else None, pageCompression=rng.random() < 0.7)
    c.setTitle(sentence(rng, 4))
    c.setAuthor("PEC Precheck")
    for page in range(rng.randint(1, 4)):
        c.bookmarkPage(f"p{page}")
        if rng.random() < 0.5:
            c.addOutlineEntry(f"Pagina {page + 1}", f"p{page}")
        y = size[1] - 60
        while y > 80:
            what = rng.choice(["text", "text", "text", "image", "alpha", "cmyk", "link", "field"])
            if what == "image":
                c.drawImage(str(image(rng, folder, f"{stem}-p{page}-{int(y)}")), 60, y - 100,
                            width=rng.randint(60, 200), height=90, mask="auto")
                y -= 110
            elif what == "alpha":
                c.setFillColorRGB(rng.random(), rng.random(), rng.random(), alpha=rng.choice([0.3, 0.6]))
                c.rect(60, y - 40, rng.randint(50, 300), 35, fill=1, stroke=0)
                c.setFillAlpha(1)
                y -= 50
            elif what == "cmyk":
                c.setFillColorCMYK(*(rng.random() for _ in range(4)))
                c.setStrokeColorCMYK(*(rng.random() for _ in range(4)))
                c.roundRect(60, y - 40, rng.randint(50, 300), 35, 6, fill=1)
                y -= 50
            elif what == "link":
                c.setFillColorRGB(0, 0, 0.8)
                c.drawString(60, y, "collegamento")
                c.linkURL(rng.choice(URLS), (60, y - 2, 140, y + 10), relative=0)
                y -= 20
            elif what == "field" and not encrypt:
                c.acroForm.textfield(name=f"campo{page}_{int(y)}", x=60, y=y - 20, width=200,
                                     height=18, value=rng.choice(["valore", "Mario Rossi", ""]))
                y -= 30
            else:
                c.setFillColorRGB(0, 0, 0)
                c.setFont(rng.choice(names), rng.randint(8, 14))
                c.drawString(60, y, sentence(rng, rng.randint(4, 10))[:90])
                y -= 18
        c.showPage()
    c.save()
    return path


def images_for_img2pdf(rng: random.Random, folder: Path, stem: str) -> list[Path]:
    """img2pdf embeds JPEG/PNG as they are; it refuses alpha channels, so none here."""
    out = []
    for n in range(rng.randint(1, 3)):
        for _ in range(10):
            path = image(rng, folder, f"{stem}-{n}")
            if Image.open(path).mode not in ("RGBA", "LA", "PA"):
                out.append(path)
                break
            path.unlink()
    return out

