"""One PEC message's bytes → ParsedMessage: what it is and what it says.

    bytes ── unwrap.parse_bytes ── classify (headers) ── envelope parts ── daticert.parse
          ── reconcile headers with daticert.xml ── original message (postacert.eml)

The caller bounds the time and memory (parsing is the stdlib parser's, which keeps parts as
text): the triage runs this in an isolated worker, the pec_message check inside its own.
Nothing here raises for a malformed message; what was wrong is in `findings`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import Message

from ..model import Finding, Severity
from . import daticert as dc
from . import unwrap
from .classify import Classification, MessageClass, classify
from .limits import MAX_ATTACHMENTS

_SUBJECT_PREFIX = re.compile(
    r"^\s*(?:POSTA CERTIFICATA|ANOMALIA MESSAGGIO|ACCETTAZIONE|AVVISO DI NON ACCETTAZIONE"
    r"(?: PER VIRUS)?|PRESA IN CARICO|CONSEGNA|AVVISO DI MANCATA CONSEGNA"
    r"(?: PER (?:VIRUS|SUP\. TEMPO MASSIMO))?|PROBLEMA DI SICUREZZA)\s*:\s*", re.IGNORECASE)
_PER_CONTO_DI = re.compile(r"per conto di:?\s*(\S+@\S+?)[\"'\s>]", re.IGNORECASE)


@dataclass
class ParsedMessage:
    """Everything read from one message's bytes (built in a worker, picklable)."""
    classification: Classification
    daticert: dc.DatiCert | None = None
    original: unwrap.OriginalMessage | None = None
    header_sender: str = ""       # From / Reply-To / "Per conto di:", by class
    header_subject: str = ""
    header_date: str | None = None
    header_recipients: list[str] = field(default_factory=list)
    message_id: str = ""
    signature: bytes | None = None
    signed_content: bytes | None = None
    signed: bool = False
    findings: list[Finding] = field(default_factory=list)


def read_message(data: bytes) -> ParsedMessage:
    parsed = unwrap.parse_bytes(data)
    if parsed.message is None:
        return ParsedMessage(Classification(MessageClass.NOT_PEC), findings=parsed.findings)
    msg = parsed.message
    cls = classify(msg)
    out = ParsedMessage(cls, findings=parsed.findings + list(cls.findings),
                        header_subject=_SUBJECT_PREFIX.sub("", unwrap.text(msg.get("Subject")), 1),
                        header_date=unwrap.iso_date(msg.get("Date")),
                        header_recipients=unwrap.addresses(msg, "To", "Cc"),
                        message_id=unwrap.text(msg.get("Message-ID")))
    out.header_sender = _header_sender(msg, cls)
    parts = unwrap.envelope_parts(parsed)
    out.signature, out.signed_content, out.signed = parts.signature, parts.signed_content, parts.signed

    if parts.daticert is not None:
        try:
            out.daticert = dc.parse(parts.daticert)
        except dc.DaticertError as exc:
            out.findings.append(Finding("PEC005", detail=str(exc), args={"detail": str(exc)}))
        else:
            for warning in out.daticert.warnings:
                out.findings.append(Finding("PEC005", severity=Severity.WARNING, detail=warning,
                                            args={"detail": warning}))
    out.classification = _reconcile(cls, out.daticert, out.findings)
    kind = out.classification.message_class
    if kind in (MessageClass.POSTA_CERTIFICATA, MessageClass.RICEVUTA) and parts.daticert is None:
        out.findings.append(Finding("PEC004"))
    if kind in (MessageClass.POSTA_CERTIFICATA, MessageClass.ANOMALIA):
        if parts.postacert is None:
            out.findings.append(Finding("PEC007"))
        else:
            out.original = unwrap.original_message(parts.postacert)
            if out.original.dropped:
                out.findings.append(too_many_attachments(out.original))
    return out


def too_many_attachments(original: unwrap.OriginalMessage) -> Finding:
    """PEC017: only the first MAX_ATTACHMENTS attachments are checked."""
    total = len(original.attachments) + original.dropped
    return Finding("PEC017", detail=f"{total} allegati",
                   args={"count": str(total), "limit": str(MAX_ATTACHMENTS)})


def _header_sender(msg: Message, cls: Classification) -> str:
    if cls.message_class in (MessageClass.POSTA_CERTIFICATA, MessageClass.ANOMALIA):
        reply_to = unwrap.address(msg.get("Reply-To"))
        if reply_to:
            return reply_to
        found = _PER_CONTO_DI.search(unwrap.text(msg.get("From")) + " ")
        if found:
            return found.group(1).strip("<>\"'").lower()
    if cls.message_class is MessageClass.RICEVUTA:  # receipts go back to the sender
        recipients = unwrap.addresses(msg, "To")
        return recipients[0] if recipients else ""
    return unwrap.address(msg.get("From"))


def _reconcile(cls: Classification, dati: dc.DatiCert | None, findings: list[Finding]) -> Classification:
    """Headers decide; daticert.xml confirms, completes, or stands in when headers were lost."""
    if dati is None or dati.tipo not in dc.TIPI:
        return cls
    kind, rtype = cls.message_class, cls.receipt_type
    if kind is MessageClass.NOT_PEC:
        note = f"intestazioni X-Trasporto/X-Ricevuta assenti; daticert.xml: {dati.tipo}"
        findings.append(Finding("PEC006", detail=note, args={"detail": note}))
        if dati.tipo == "posta-certificata":
            return Classification(MessageClass.POSTA_CERTIFICATA, security_error=cls.security_error)
        detail = (dati.ricevuta or "completa") if dati.tipo == "avvenuta-consegna" else None
        return Classification(MessageClass.RICEVUTA, dati.tipo, detail, cls.security_error)
    header_tipo = rtype if kind is MessageClass.RICEVUTA else (
        "posta-certificata" if kind is MessageClass.POSTA_CERTIFICATA else None)
    if header_tipo and header_tipo != dati.tipo:
        note = f"intestazione: {header_tipo}; daticert.xml: {dati.tipo}"
        findings.append(Finding("PEC006", detail=note, args={"detail": note}))
    if rtype == "avvenuta-consegna" and cls.receipt_detail is None:
        return Classification(kind, rtype, dati.ricevuta or "completa", cls.security_error)
    return cls
