"""The triage table in words, in the page's language: one dict per row for triage.html and
the same cells for its CSV download. Pure presentation over the rows' JSON (checker.triage's
TriageRow.to_json); the status and alerts come from checker/triage/assess.py."""
from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from flask_babel import format_datetime
from flask_babel import lazy_gettext

from .. import catalogue
from ..model import ROME
from ..triage import PROBLEM_CODES
from ..triage.assess import ALERT_SEVERITY, CRITICAL, assess_json
from .i18n import current, rule_text


CLASS_LABELS = {"posta-certificata": lazy_gettext("Posta certificata"), "anomalia": lazy_gettext("Busta di anomalia"),
                "ricevuta": lazy_gettext("Ricevuta o avviso"), "not-pec": lazy_gettext("Posta ordinaria (non PEC)")}
RECEIPT_LABELS = {
    "accettazione": lazy_gettext("Ricevuta di accettazione"),
    "non-accettazione": lazy_gettext("Avviso di non accettazione"),
    "presa-in-carico": lazy_gettext("Ricevuta di presa in carico"),
    "avvenuta-consegna": lazy_gettext("Ricevuta di avvenuta consegna"),
    "errore-consegna": lazy_gettext("Avviso di mancata consegna"),
    "preavviso-errore-consegna": lazy_gettext("Preavviso di mancata consegna"),
    "rilevazione-virus": lazy_gettext("Avviso di rilevazione virus"),
}
RECEIPT_DETAILS = {"completa": lazy_gettext("completa"), "breve": lazy_gettext("breve"),
                   "sintetica": lazy_gettext("sintetica")}
STATUS_LABELS = {"regular": lazy_gettext("Regolare"), "check": lazy_gettext("Da verificare"),
                 "reject": lazy_gettext("Non valida / da respingere")}
STATUS_STYLE = {"regular": "success", "check": "warning", "reject": "danger"}
STATUS_ORDER = {"reject": 0, "check": 1, "regular": 2}
ALERT_LABELS = {
    "signature-invalid": lazy_gettext("Firma del gestore alterata o non valida"),
    "signature-missing": lazy_gettext("Firma del gestore assente"),
    "unreadable": lazy_gettext("Messaggio illeggibile"),
    "virus": lazy_gettext("Virus segnalato"),
    "malformed": lazy_gettext("Struttura del messaggio irregolare"),
    "signature-not-verified": lazy_gettext("Firma del gestore non verificata"),
    "not-delivered": lazy_gettext("Mancata consegna"),
    "delivery-delayed": lazy_gettext("Consegna in ritardo"),
    "not-certified": lazy_gettext("Non certificato"),
    "not-pec": lazy_gettext("Non è una PEC"),
    "attachments-fix": lazy_gettext("Allegati non conformi alle regole dell'ufficio"),
    "attachments-undetermined": lazy_gettext("Allegati non verificabili"),
}
# the submission an envelope carries, as the receiving office reads its check
ATTACHMENT_LABELS = {"ready": lazy_gettext("Conformi"), "fix": lazy_gettext("Non conformi"),
                     "undetermined": lazy_gettext("Non verificabili")}
SIGNATURE_LABELS = {"valid": lazy_gettext("valida"), "invalid": lazy_gettext("NON valida"),
                    "not-verified": lazy_gettext("non verificata"), "missing": lazy_gettext("assente")}


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
    return [("file", str(lazy_gettext("File"))), ("status_label", str(lazy_gettext("Stato"))),
            ("alerts", str(lazy_gettext("Problemi"))), ("class_label", str(lazy_gettext("Tipo"))),
            ("receipt", str(lazy_gettext("Ricevuta"))), ("sender", str(lazy_gettext("Mittente"))),
            ("subject", str(lazy_gettext("Oggetto"))), ("date", str(lazy_gettext("Data (ora italiana)"))),
            ("attachments_label", str(lazy_gettext("Allegati"))), ("explanation", str(lazy_gettext("Spiegazione"))),
            ("details", str(lazy_gettext("Dettagli")))]


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
