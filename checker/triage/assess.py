"""What a triage row means for the office that received the message: a status in three
words and the critical problems as alerts, from the row's findings, class and verdict.

    regular  nothing to say: a certified message or receipt whose provider signature holds
    check    someone should look: signature not verified, not certified (anomaly, plain mail),
             a delivery failure, a malformed part, attachments that could not be decided
    reject   not valid: the provider's signature is broken or missing, the message cannot be
             read, a virus, attachments that break the office's rules

Ids only (stable, in the JSON as `status` and `alerts`); the interfaces put them in words.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

REGULAR, CHECK, REJECT = "regular", "check", "reject"
STATUSES = (REGULAR, CHECK, REJECT)
CRITICAL, WARNING = "critical", "warning"

# alert id → (severity, the finding codes that raise it); first match order is display order
_BY_CODES: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("signature-invalid", CRITICAL, frozenset({"PEC011"})),
    ("signature-missing", CRITICAL, frozenset({"PEC009"})),
    ("unreadable", CRITICAL, frozenset({"PEC001", "PEC012", "PEC013", "PEC016", "PEC018"})),
    ("virus", CRITICAL, frozenset({"PEC032", "PEC037", "PEC042"})),
    ("malformed", WARNING, frozenset({"PEC002", "PEC003", "PEC004", "PEC005", "PEC006", "PEC007",
                                      "PEC008", "PEC017"})),
    ("signature-not-verified", WARNING, frozenset({"PEC010"})),
    ("not-delivered", WARNING, frozenset({"PEC031", "PEC035", "PEC036", "PEC038", "PEC039",
                                          "PEC041"})),
    ("delivery-delayed", WARNING, frozenset({"PEC040", "PEC043"})),
)
ALERT_SEVERITY = {alert: severity for alert, severity, _ in _BY_CODES}
ALERT_SEVERITY.update({"not-certified": WARNING, "not-pec": WARNING,
                       "attachments-fix": CRITICAL, "attachments-undetermined": WARNING})
ALERTS = tuple(ALERT_SEVERITY)


@dataclass(frozen=True)
class Assessment:
    status: str
    alerts: tuple[str, ...]


def assess(message_class: str, codes: set[str] | frozenset[str], verdict: str | None) -> Assessment:
    """The status and alerts of one row: its class, the codes of its findings, the verdict of
    the submission it carries (None for receipts)."""
    alerts = [alert for alert, _, wanted in _BY_CODES if codes & wanted]
    if message_class == "anomalia":
        alerts.append("not-certified")
    elif message_class == "not-pec" and "unreadable" not in alerts:
        alerts.append("not-pec")
    if verdict == "fix":
        alerts.append("attachments-fix")
    elif verdict == "undetermined":
        alerts.append("attachments-undetermined")
    alerts.sort(key=lambda a: ALERT_SEVERITY[a] != CRITICAL)  # critical first, stable otherwise
    if any(ALERT_SEVERITY[a] == CRITICAL for a in alerts):
        status = REJECT
    elif alerts:
        status = CHECK
    else:
        status = REGULAR
    return Assessment(status, tuple(alerts))


def assess_json(row: dict[str, Any]) -> Assessment:
    """The same from a row's JSON (a job's stored result)."""
    return assess(row["class"], {f["code"] for f in row.get("findings", [])}, row.get("verdict"))
