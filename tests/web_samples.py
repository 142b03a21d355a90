"""Small real files for the web and API tests, made with real libraries in memory."""
from __future__ import annotations

import io


def pdf_bytes(text: str = "Oggetto: Richiesta di accesso agli atti") -> bytes:
    """A one-page PDF drawn with reportlab."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle("Domanda")
    c.drawString(72, 760, text)
    c.drawString(72, 740, "Il sottoscritto Mario Rossi chiede l'accesso agli atti della pratica 123/2026.")
    c.showPage()
    c.save()
    return buf.getvalue()


def docx_bytes(text: str = "Oggetto: Richiesta di accesso agli atti") -> bytes:
    """A Word document made with python-docx."""
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    document.add_paragraph("Il sottoscritto Mario Rossi chiede l'accesso agli atti.")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def txt_bytes(text: str = "Oggetto: Richiesta di accesso agli atti\n\nIl sottoscritto chiede...\n") -> bytes:
    return text.encode("utf-8")
