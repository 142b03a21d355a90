"""The report as a PDF to keep (reportlab): when the check ran (Italian time), the office, the
message facts, the verdict, every finding with its fix, the files with their SHA-256, the
signatures, and the engines with their versions. One language, the page's. Built in memory."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..model import Severity
from ..report import SEVERITY_LABELS
from . import i18n, present, report_view

# DejaVu (Debian's fonts-dejavu-core) has every character a file name may hold; without it,
# the PDF's own Helvetica (Latin-1 and the usual punctuation).
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
VERDICT_COLOURS = {"ready": "#008055", "ready-warnings": "#995c00", "fix": "#cc334d", "undetermined": "#5c6f82"}


def _fonts() -> tuple[str, str]:
    regular, bold = DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf"
    if not (regular.exists() and bold.exists()):
        return "Helvetica", "Helvetica-Bold"
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
    return "DejaVuSans", "DejaVuSans-Bold"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName=regular, fontSize=9.5, leading=12.5)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=colors.HexColor("#333333")),
        "mono": ParagraphStyle("mono", parent=body, fontSize=7.5, leading=9.5),
        "h1": ParagraphStyle("h1", parent=body, fontName=bold, fontSize=17, leading=21, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=body, fontName=bold, fontSize=12.5, leading=16, spaceBefore=10, spaceAfter=4),
        "h3": ParagraphStyle("h3", parent=body, fontName=bold, fontSize=10.5, leading=13, spaceBefore=6, spaceAfter=2),
        "bold": ParagraphStyle("bold", parent=body, fontName=bold),
    }


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _facts_table(rows: list[tuple[str, str]], st: dict[str, ParagraphStyle]) -> Table:
    table = Table([[_p(k, st["bold"]), _p(v, st["body"])] for k, v in rows], colWidths=[45 * mm, 125 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                               ("TOPPADDING", (0, 0), (-1, -1), 1)]))
    return table


def _finding(item: report_view.Item, st: dict[str, ParagraphStyle], lang: str) -> list[Flowable]:
    severity = SEVERITY_LABELS[Severity(item.severity)][lang]
    out: list[Flowable] = [_p(f"{severity}: {item.title}", st["bold"])]
    if len(item.files) > 1:
        out.append(_p(_("Riguarda questi file:") + " " + ", ".join(item.files), st["small"]))
    out.append(_p(item.explanation, st["body"]))
    out.append(_p(_("Come correggere:") + " " + item.fix, st["body"]))
    if item.consequence:
        out.append(_p(item.consequence, st["bold"]))
    tech = [f"{item.code} ({item.name})"]
    if item.location:
        tech.append(_("Dove") + f": {item.location}")
    if item.detail:
        tech.append(_("Dettaglio") + f": {item.detail[:300]}")
    tech.append(_("Fonte") + f": {item.source}")
    out.append(_p(" · ".join(tech), st["small"]))
    out.append(Spacer(1, 4))
    return out


def render(report: dict[str, Any]) -> bytes:
    """The PDF of a finished report (pec-precheck/report/1), in the page's language."""
    lang = i18n.current()
    view = report_view.build(report, lang)
    st = _styles()
    story: list[Flowable] = [
        _p(_("PEC Precheck — rapporto di verifica"), st["h1"]),
        _p(_("Verifica del %(when)s (ora italiana)", when=report_view.rome_time(report.get("checked_at"), True)),
           st["body"]),
        Spacer(1, 6),
    ]
    colour = colors.HexColor(VERDICT_COLOURS.get(view.state, "#333333"))
    headline = ParagraphStyle("verdict", parent=st["h1"], textColor=colour)
    story.append(_p(view.headline, headline))
    listed = view.blocking or (view.warnings if view.state == "ready-warnings" else [])
    for item in listed:
        where = f" ({', '.join(item.files)})" if item.files else ""
        story.append(_p(f"• {item.title}{where}", st["body"]))
    for text in view.consequences:
        story.append(_p(text, st["bold"]))
    if report["verdict"] == "undetermined" and not view.blocking:
        for reason in report["reasons"]:
            story.append(_p(f"• {reason}", st["body"]))

    msg = report["message"]
    story.append(_p(_("Il messaggio"), st["h2"]))
    story.append(_facts_table([
        (_("Ufficio"), report["profile_name"]), (_("Mittente"), msg["sender"] or "—"),
        (_("Destinatario"), msg["recipient"] or _("casella del protocollo dell'ufficio")),
        (_("Oggetto"), msg["subject"] or "—"), (_("Tipo di documento"), msg["doc_type"] or "—"),
        (_("Documento principale"), msg["main"] or _("non indicato")),
    ], st))
    for item in view.message_items:
        story.extend(_finding(item, st, lang))
    if view.shared_items:
        story.append(_p(_("Riguarda più file"), st["h2"]))
        for item in view.shared_items:
            story.extend(_finding(item, st, lang))

    story.append(_p(_("I file, uno per uno"), st["h2"]))
    for doc_view in report_view.walk(view):
        d = doc_view.doc
        title = d["name"] + (" — " + _("contenuto in %(name)s", name=d["parent"]) if d["parent"] else "")
        story.append(_p(title, st["h3"]))
        story.append(_p(f"{d['format']['label'] or d['format']['id']} · {present.human_size(d['size'])}"
                        f" · SHA-256 {d['sha256']}", st["mono"]))
        for s in doc_view.signatures:
            story.append(_p(f"{s['kind']}: {s['signer']} ({_('Codice fiscale')} {s['codice_fiscale']}) — "
                            f"{s['outcome']}" + (f": {s['reason']}" if s["reason"] else ""), st["body"]))
            story.append(_p(" · ".join([
                _("Emesso da") + f" {s['issuer']}", _("Qualificato") + f": {s['qualified']}",
                _("Data della firma") + f": {s['signing_time']}",
                _("Valido dal %(start)s al %(end)s", start=s["valid_from"] or "—", end=s["valid_until"] or "—"),
                _("Revoca") + f": {s['revocation']}" + _checked_at(s),
                f"ETSI {s['etsi']}"]), st["small"]))
        if not doc_view.items and not doc_view.shared:
            story.append(_p(_("Nessun problema trovato in questo file."), st["body"]))
        for item in doc_view.items:
            story.extend(_finding(item, st, lang))
        if doc_view.shared:
            story.append(_p(_("Vale anche per questo file:") + " "
                            + "; ".join(i.title for i in doc_view.shared), st["small"]))

    story.append(_p(_("Come è stata fatta la verifica"), st["h2"]))
    rows = [(_("Data e ora"), report.get("checked_at", "")),
            (_("Versione"), f"PEC Precheck {report.get('tool_version', '')}")]
    if view.trusted_list:
        rows.append((_("Elenco di fiducia"), view.trusted_list))
    rows += [(label, engine) for label, engine in view.engines]
    story.append(_facts_table(rows, st))

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=_("PEC Precheck — rapporto di verifica"),
                            author="PEC Precheck", subject=view.headline)
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return out.getvalue()


def _checked_at(s: dict[str, Any]) -> str:
    if s.get("revocation_produced_at"):
        return " " + _("secondo la risposta del %(when)s", when=s["revocation_produced_at"])
    when = s["revocation_checked_at"]
    return " " + _("controllata il %(when)s", when=when) if when else ""


def _footer(canvas: Any, doc: Any) -> None:
    canvas.saveState()
    canvas.setFont(_fonts()[0], 7.5)
    canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"PEC Precheck · {doc.page}")
    canvas.restoreState()
