"""The triage table in words, in the page's language: one dict per row for triage.html and
the same cells for its CSV download. Pure presentation over the rows' JSON (checker.triage's
TriageRow.to_json); the status and alerts come from checker/triage/assess.py."""
from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from .. import catalogue
from ..triage import PROBLEM_CODES
from ..triage.assess import ALERT_SEVERITY, CRITICAL, assess_json
from .i18n import current, rule_text

ROME = ZoneInfo("Europe/Rome")

CLASS_LABELS = {"posta-certificata": _l("Posta certificata"), "anomalia": _l("Busta di anomalia"),
                "ricevuta": _l("Ricevuta o avviso"), "not-pec": _l("Posta ordinaria (non PEC)")}
RECEIPT_LABELS = {
    "accettazione": _l("Ricevuta di accettazione"),
    "non-accettazione": _l("Avviso di non accettazione"),
    "presa-in-carico": _l("Ricevuta di presa in carico"),
    "avvenuta-consegna": _l("Ricevuta di avvenuta consegna"),
    "errore-consegna": _l("Avviso di mancata consegna"),
    "preavviso-errore-consegna": _l("Preavviso di mancata consegna"),
    "rilevazione-virus": _l("Avviso di rilevazione virus"),
}
RECEIPT_DETAILS = {"completa": _l("completa"), "breve": _l("breve"), "sintetica": _l("sintetica")}
STATUS_LABELS = {"regular": _l("Regolare"), "check": _l("Da verificare"),
                 "reject": _l("Non valida / da respingere")}
STATUS_STYLE = {"regular": "success", "check": "warning", "reject": "danger"}
STATUS_ORDER = {"reject": 0, "check": 1, "regular": 2}
ALERT_LABELS = {
    "signature-invalid": _l("Firma del gestore alterata o non valida"),
    "signature-missing": _l("Firma del gestore assente"),
    "unreadable": _l("Messaggio illeggibile"),
    "virus": _l("Virus segnalato"),
    "malformed": _l("Struttura del messaggio irregolare"),
    "signature-not-verified": _l("Firma del gestore non verificata"),
    "not-delivered": _l("Mancata consegna"),
    "delivery-delayed": _l("Consegna in ritardo"),
    "not-certified": _l("Non certificato"),
    "not-pec": _l("Non è una PEC"),
    "attachments-fix": _l("Allegati non conformi alle regole dell'ufficio"),
    "attachments-undetermined": _l("Allegati non verificabili"),
}
# the submission an envelope carries, as the receiving office reads its check
ATTACHMENT_LABELS = {"ready": _l("Conformi"), "fix": _l("Non conformi"),
                     "undetermined": _l("Non verificabili")}
SIGNATURE_LABELS = {"valid": _l("valida"), "invalid": _l("NON valida"),
                    "not-verified": _l("non verificata"), "missing": _l("assente")}


def local_date(iso: str | None) -> tuple[str, str]:
    """(the date in words in Europe/Rome time, its ISO form for sorting); ("", "") if none.
    A date without a zone is a certified local time already (daticert's giorno/ora)."""
    if not iso:
        return "", ""
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return iso, ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=ROME)
    pattern = "d MMM yyyy, HH:mm" if current() == "en" else "dd/MM/yyyy HH:mm"
    return format_datetime(when, pattern), when.astimezone(ROME).isoformat()


def receipt_words(row: dict[str, Any]) -> str:
    kind = row.get("receipt_type")
    if not kind:
        return ""
    words = str(RECEIPT_LABELS.get(kind, kind))
    detail = row.get("receipt_detail")
    return f"{words} ({RECEIPT_DETAILS.get(detail, detail)})" if detail else words


def _finding_title(f: dict[str, Any]) -> str:
    return str(f["title"]["en" if current() == "en" else "it"])


def _reason_words(reason: str) -> str:
    """A reason line ("FMT002 Titolo (file)", Italian): its rule title in English on English pages."""
    code, _, rest = reason.partition(" ")
    if current() != "en" or code not in catalogue.load():
        return reason
    title = rule_text(catalogue.rule(code), "title")
    where = rest[rest.rfind(" ("):] if rest.endswith(")") and " (" in rest else ""
    return f"{code} {title}{where}" if "{" not in title else reason


def view_row(row: dict[str, Any]) -> dict[str, Any]:
    found = assess_json(row)
    date_text, date_sort = local_date(row.get("date"))
    findings = row.get("findings", [])
    explanation = row.get("explanation") or {}
    explained = next((f for f in findings if f["code"] == explanation.get("code")), None)
    lang = "en" if current() == "en" else "it"
    return {
        "file": row["file"], "class": row["class"], "class_label": str(CLASS_LABELS.get(row["class"], row["class"])),
        "receipt_type": row.get("receipt_type") or "", "receipt": receipt_words(row),
        "status": found.status, "status_label": str(STATUS_LABELS[found.status]),
        "status_style": STATUS_STYLE[found.status], "status_order": STATUS_ORDER[found.status],
        "alerts": [{"id": a, "label": str(ALERT_LABELS[a]),
                    "critical": ALERT_SEVERITY[a] == CRITICAL} for a in found.alerts],
        "sender": row.get("sender") or "", "subject": row.get("subject") or "",
        "date": date_text, "date_sort": date_sort,
        "verdict": row.get("verdict") or "",
        "attachments_label": str(ATTACHMENT_LABELS[row["verdict"]]) if row.get("verdict") else "",
        "explanation": ({"code": explained["code"], "title": explained["title"][lang],
                         "explain": explained["explanation"][lang], "fix": explained["fix"][lang]}
                        if explained else None),
        "error_detail": row.get("error_detail") or "",
        "signature": row.get("signature"),
        "signature_label": (str(SIGNATURE_LABELS.get(row["signature"]["status"], row["signature"]["status"]))
                            if row.get("signature") else ""),
        "attachments": row.get("attachments") or [],
        "profile": row.get("profile"),
        "reasons": [_reason_words(r) for r in row.get("reasons", [])],
        "problems": [f"{f['code']} {_finding_title(f)}" + (f": {f['detail']}" if f.get("detail") else "")
                     for f in findings if f["code"] in PROBLEM_CODES],
    }


def view_rows(rows: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [view_row(r) for r in rows or []]


def filter_options(rows: list[dict[str, Any]]) -> dict[str, list[tuple[str, str]]]:
    """(value, words) for each filter, only the values the rows have, in a fixed order."""
    present = {key: {r[key] for r in rows} for key in ("status", "class", "receipt_type")}
    alerts = {a["id"] for r in rows for a in r["alerts"]}
    return {
        "status": [(k, str(v)) for k, v in STATUS_LABELS.items() if k in present["status"]],
        "class": [(k, str(v)) for k, v in CLASS_LABELS.items() if k in present["class"]],
        "receipt": [(k, str(v)) for k, v in RECEIPT_LABELS.items() if k in present["receipt_type"]],
        "alert": [(k, str(v)) for k, v in ALERT_LABELS.items() if k in alerts],
    }


def csv_columns() -> list[tuple[str, str]]:
    return [("file", str(_l("File"))), ("status_label", str(_l("Stato"))),
            ("alerts", str(_l("Problemi"))), ("class_label", str(_l("Tipo"))),
            ("receipt", str(_l("Ricevuta"))), ("sender", str(_l("Mittente"))),
            ("subject", str(_l("Oggetto"))), ("date", str(_l("Data (ora italiana)"))),
            ("attachments_label", str(_l("Allegati"))), ("explanation", str(_l("Spiegazione"))),
            ("details", str(_l("Dettagli")))]


def to_csv(rows: list[dict[str, Any]]) -> str:
    """The table as CSV (UTF-8 with a BOM so that spreadsheets read the accents)."""
    out = io.StringIO()
    columns = csv_columns()
    writer = csv.writer(out)
    writer.writerow([title for _, title in columns])
    for r in view_rows(rows):
        cells = dict(r, alerts="; ".join(a["label"] for a in r["alerts"]),
                     explanation=r["explanation"]["title"] if r["explanation"] else "",
                     details="; ".join(r["problems"] + r["reasons"]))
        writer.writerow([cells[key] for key, _ in columns])
    return "\ufeff" + out.getvalue()
