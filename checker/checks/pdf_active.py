"""PDF active content, links and immodifiability (every PDF, PDF/A or not).

The analysis is checker/pdfscan (pikepdf walk of every revision, pypdf text); this module
turns its hits into rule findings (checker/rules/pdf.toml) and applies the office's
embedded-file policy together with what the claimed PDF/A part allows.
"""
from __future__ import annotations

from ..model import CheckResult, Finding, FormatInfo, InputFile
from ..pdfscan import Hit, HitKind, ScanReport, scan
from ..textfacts import text_facts
from . import Check, CheckContext

# One finding per hit for these kinds; the code and whether `subtype` is shown.
_CODES = {
    HitKind.UNREADABLE: "PDF001",
    HitKind.DAMAGED: "PDF003",
    HitKind.PASSWORD: "PDF004",
    HitKind.RESTRICTED: "PDF005",
    HitKind.JAVASCRIPT: "PDF006",
    HitKind.LAUNCH: "PDF007",
    HitKind.URI: "PDF008",
    HitKind.MAILTO: "PDF009",
    HitKind.FORM_ACTION: "PDF010",
    HitKind.REMOTE_GOTO: "PDF011",
    HitKind.MULTIMEDIA: "PDF014",
    HitKind.XFA: "PDF015",
    HitKind.DISPLAY_ACTION: "PDF024",
    HitKind.NEED_APPEARANCES: "PDF017",
    HitKind.TEXT_URL: "PDF019",
    HitKind.TEXT_EMAIL: "PDF020",
    HitKind.INCOMPLETE: "PDF021",
    HitKind.STREAM_BOMB: "PDF022",
    HitKind.HISTORY_INCOMPLETE: "PDF023",
}

# What a removed thing was, for the history finding.
_WHAT = {
    HitKind.JAVASCRIPT: ("uno script JavaScript", "a JavaScript script"),
    HitKind.LAUNCH: ("un'azione che avvia programmi", "an action that starts programs"),
    HitKind.URI: ("un collegamento web", "a web link"),
    HitKind.MAILTO: ("un collegamento e-mail", "an e-mail link"),
    HitKind.FORM_ACTION: ("un'azione di modulo", "a form action"),
    HitKind.REMOTE_GOTO: ("un rimando a un altro documento", "a link to another document"),
    HitKind.EMBEDDED_FILE: ("un file incorporato", "an embedded file"),
    HitKind.MULTIMEDIA: ("un contenuto multimediale", "multimedia content"),
    HitKind.XFA: ("un modulo XFA", "an XFA form"),
}

MAX_FINDINGS_PER_CODE = 20
_FIELD_NAMES_SHOWN = 5


def run(file: InputFile, fmt: FormatInfo, ctx: CheckContext) -> CheckResult:
    report = scan(file.data)
    findings = _findings(report, fmt, ctx)
    facts = {"pdf_pages": report.pages, "pdf_revisions": report.revisions,
             "pdf_encrypted": report.encrypted, **text_facts(report.text)}
    return CheckResult(findings=findings, facts=facts)


def _findings(report: ScanReport, fmt: FormatInfo, ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    counts: dict[str, int] = {}
    part = _pdfa_part(fmt, report)
    for hit in report.hits:
        if hit.revision:
            finding = _history(hit, report)
        elif hit.kind is HitKind.EMBEDDED_FILE:
            finding = _embedded(hit, part, ctx.profile.embedded_files)
        elif hit.kind is HitKind.UNFILLED_FIELD:
            continue  # grouped below
        elif hit.kind is HitKind.TRUNCATED:
            continue  # identification reports it (FMT018); the scan only uses it to mute PDF003
        else:
            code = _CODES[hit.kind]
            finding = Finding(code, detail=hit.detail, location=hit.where,
                              args={"where": hit.where or "documento", "detail": hit.detail,
                                    "subtype": hit.subtype.lstrip("/")})
        counts[finding.code] = counts.get(finding.code, 0) + 1
        if counts[finding.code] <= MAX_FINDINGS_PER_CODE:
            out.append(finding)
    for code, count in counts.items():
        if count > MAX_FINDINGS_PER_CODE:  # say how many more, rather than list hundreds
            more = f"altri {count - MAX_FINDINGS_PER_CODE} casi dello stesso tipo"
            out.append(Finding(code, detail=more, args={"where": more, "detail": more,
                                                        "name": more, "subtype": ""}))
    fields = report.of(HitKind.UNFILLED_FIELD)
    if fields:
        names = [h.detail for h in fields]
        shown = ", ".join(names[:_FIELD_NAMES_SHOWN]) + ("…" if len(names) > _FIELD_NAMES_SHOWN else "")
        pages = sorted({h.where.split(",")[0] for h in fields if h.where.startswith("pagina")})
        out.append(Finding("PDF016", detail=shown, location="; ".join(pages),
                           args={"count": str(len(fields)), "names": shown}))
    return out


def _pdfa_part(fmt: FormatInfo, report: ScanReport) -> int | None:
    """The claimed PDF/A part: identification's reading first, else the scan's own."""
    part = fmt.details.get("pdfa_part")
    if part is None and fmt.details.get("pdfa"):
        part = str(fmt.details["pdfa"])[:1]
    try:
        return int(part) if part is not None else report.pdfa_part
    except (TypeError, ValueError):
        return report.pdfa_part


def _embedded(hit: Hit, part: int | None, policy: str) -> Finding:
    """Allowed only where the office's policy and the claimed PDF/A part both allow it."""
    rel = hit.get("afrelationship")
    allowed, reason, reason_en = True, "", ""
    if part == 1:
        allowed = False
        reason, reason_en = "il PDF/A-1 non ammette file incorporati", "PDF/A-1 allows no embedded files"
    elif part == 2 and hit.get("pdfa") != "1":
        allowed = False
        reason = "il PDF/A-2 ammette solo file incorporati a loro volta PDF/A"
        reason_en = "PDF/A-2 only allows embedded files that are PDF/A themselves"
    elif part == 3 and not rel:
        allowed = False
        reason = "nel PDF/A-3 ogni file incorporato deve dichiarare il suo ruolo (AFRelationship)"
        reason_en = "in PDF/A-3 every embedded file must state its role (AFRelationship)"
    elif policy == "never":
        allowed = False
        reason = "questo ufficio non ammette file incorporati nei PDF"
        reason_en = "this office allows no files embedded in PDFs"
    elif policy == "pdfa3-only" and part != 3:
        allowed = False
        reason = "questo ufficio ammette file incorporati solo nei PDF/A-3"
        reason_en = "this office allows embedded files only in PDF/A-3"
    if allowed:
        if part == 3:
            reason = f"file associato a un PDF/A-3 (ruolo «{rel}»)"
            reason_en = f"associated file of a PDF/A-3 (role «{rel}»)"
        else:
            reason, reason_en = "file incorporato", "embedded file"
    args = {"name": hit.detail, "where": hit.where or "documento", "reason": reason,
            "reason_en": reason_en}
    return Finding("PDF013" if allowed else "PDF012", detail=f"{hit.detail}: {reason}",
                   location=hit.where, args=args)


def _history(hit: Hit, report: ScanReport) -> Finding:
    what, what_en = _WHAT.get(hit.kind, ("un contenuto attivo", "active content"))
    where = f"revisione {hit.revision} di {report.revisions}" + (f", {hit.where}" if hit.where else "")
    detail = hit.detail or hit.subtype
    return Finding("PDF018", detail=f"{what}: {detail}" if detail else what, location=where,
                   args={"revision": str(hit.revision), "revisions": str(report.revisions),
                         "what": what, "what_en": what_en, "detail": detail or "-"})


CHECKS = [Check(name="pdf_active", formats={"pdf"}, run=run, timeout=45,
                label_it="PDF: script, collegamenti e immodificabilità",
                                label_en="PDF: scripts, links and immutability")]
