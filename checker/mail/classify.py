"""What a PEC message is, from its top-level headers (DM 2/11/2005, regole tecniche).

Transport envelopes carry `X-Trasporto: posta-certificata`, anomaly envelopes (ordinary
mail that reached a PEC box) `X-Trasporto: errore`, receipts `X-Ricevuta: <type>` and, for
delivery receipts, `X-TipoRicevuta: completa|breve|sintetica`. Envelopes also carry
X-Riferimento-Message-ID, so that header alone says nothing about the class.

Header names are case-insensitive (RFC 5322; email.message does that) and values are
compared case- and space-insensitively, since hand-made gateways write them in any case.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from email.message import Message

from ..model import Finding


class MessageClass(str, enum.Enum):
    POSTA_CERTIFICATA = "posta-certificata"
    ANOMALIA = "anomalia"
    RICEVUTA = "ricevuta"
    NOT_PEC = "not-pec"


RECEIPT_TYPES = ("accettazione", "non-accettazione", "presa-in-carico", "avvenuta-consegna",
                 "errore-consegna", "preavviso-errore-consegna", "rilevazione-virus")
RECEIPT_DETAILS = ("completa", "breve", "sintetica")
TRASPORTO = {"posta-certificata": MessageClass.POSTA_CERTIFICATA, "errore": MessageClass.ANOMALIA}


@dataclass(frozen=True)
class Classification:
    message_class: MessageClass
    receipt_type: str | None = None      # the X-Ricevuta value, normalised
    receipt_detail: str | None = None    # completa / breve / sintetica (delivery receipts only)
    security_error: bool = False         # X-VerificaSicurezza: errore (virus)
    findings: tuple[Finding, ...] = field(default_factory=tuple)


def header_value(msg: Message, name: str) -> str | None:
    """A header's value, normalised (lower case, folded spaces), or None when absent."""
    try:
        value = msg.get(name)
    except Exception:  # noqa: BLE001 - a broken header is as good as absent
        return None
    if value is None:
        return None
    return " ".join(str(value).split()).lower() or None


def classify(msg: Message) -> Classification:
    ricevuta = header_value(msg, "X-Ricevuta")
    trasporto = header_value(msg, "X-Trasporto")
    security = header_value(msg, "X-VerificaSicurezza") == "errore"
    findings: list[Finding] = []
    if ricevuta:
        if ricevuta not in RECEIPT_TYPES:
            findings.append(Finding("PEC008", args={"value": ricevuta}, detail=ricevuta))
        detail = None
        if ricevuta == "avvenuta-consegna":
            detail = header_value(msg, "X-TipoRicevuta")  # None: daticert or "completa" decides
            if detail is not None and detail not in RECEIPT_DETAILS:
                findings.append(Finding("PEC006", detail=f"X-TipoRicevuta: {detail}",
                                        args={"detail": f"X-TipoRicevuta: {detail}"}))
                detail = None
        if trasporto:
            note = f"X-Ricevuta: {ricevuta} e X-Trasporto: {trasporto}"
            findings.append(Finding("PEC006", detail=note, args={"detail": note}))
        return Classification(MessageClass.RICEVUTA, ricevuta, detail, security, tuple(findings))
    if trasporto in TRASPORTO:
        return Classification(TRASPORTO[trasporto], security_error=security)
    if trasporto:  # an X-Trasporto value the rules do not define
        note = f"X-Trasporto: {trasporto}"
        findings.append(Finding("PEC006", detail=note, args={"detail": note}))
    return Classification(MessageClass.NOT_PEC, security_error=security, findings=tuple(findings))
