"""One result row per PEC message: what it is, what it says, and whether what it carries
would pass the office's checks.

Flow per message (one direction):
    bytes ── read_message (bounded worker: parse, classify, daticert, unwrap) ── ParsedMessage
          ── provider signature (checker.signatures) ── inner submission (checker.engine,
             same rules a citizen sees) ── TriageRow

Only transport envelopes (posta-certificata) and anomaly envelopes carry a submission to
check; receipts are explained (daticert.EXPLANATIONS) but have no verdict.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable, Iterable, Iterator

from .. import catalogue, checks, engine, isolation, profiles, report
from ..model import CheckResult, Finding, InputFile, Report, Severity, Submission, Verdict
from . import daticert as dc
from . import sources, unwrap
from .classify import Classification, MessageClass, classify
from .signature import EnvelopeSignature, verify
from .sources import RawItem

# Parsing a message costs about 0.1-0.3 s and several copies of it per MB (the stdlib parser
# keeps parts as text): the bounds grow with size, so a 100 MB PEC is read, a bomb is not.
PARSE_TIMEOUT = 30.0
PARSE_SECONDS_PER_MB = 1.0
PARSE_MEMORY_PER_MB = 10
CHUNK = 8   # messages parsed in parallel, then checked one by one

# Findings that mean "this input is malformed": they go to the row's `problems`.
PROBLEM_CODES = {"PEC001", "PEC002", "PEC003", "PEC004", "PEC005", "PEC006", "PEC007", "PEC008",
                 "PEC009", "PEC011", "PEC012", "PEC013"}
_SUBJECT_PREFIX = re.compile(
    r"^\s*(?:POSTA CERTIFICATA|ANOMALIA MESSAGGIO|ACCETTAZIONE|AVVISO DI NON ACCETTAZIONE"
    r"(?: PER VIRUS)?|PRESA IN CARICO|CONSEGNA|AVVISO DI MANCATA CONSEGNA"
    r"(?: PER (?:VIRUS|SUP\. TEMPO MASSIMO))?|PROBLEMA DI SICUREZZA)\s*:\s*", re.IGNORECASE)
_PER_CONTO_DI = re.compile(r"per conto di:?\s*(\S+@\S+?)[\"'\s>]", re.IGNORECASE)
_MAIN_EXTENSIONS = (".pdf", ".p7m")


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


@dataclass
class TriageRow:
    file: str
    message_class: str                     # JSON "class"
    receipt_type: str | None = None
    receipt_detail: str | None = None
    error: str | None = None
    sender: str = ""
    subject: str = ""
    date: str | None = None
    verdict: str | None = None
    problems: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)   # top reasons of the inner verdict
    explanation: dict[str, str] | None = None          # code, title, explain, fix (Italian)
    error_detail: str = ""                             # daticert errore-esteso
    recipients: list[str] = field(default_factory=list)
    provider: str = ""                                 # daticert gestore-emittente
    identificativo: str = ""
    message_id: str = ""
    profile: str | None = None
    attachments: list[str] = field(default_factory=list)
    signature: EnvelopeSignature | None = None
    findings: list[Finding] = field(default_factory=list)
    report: Report | None = None

    def to_json(self, with_report: bool = True) -> dict[str, Any]:
        return {
            "file": self.file,
            "class": self.message_class,
            "receipt_type": self.receipt_type,
            "receipt_detail": self.receipt_detail,
            "error": self.error,
            "sender": self.sender,
            "subject": self.subject,
            "date": self.date,
            "verdict": self.verdict,
            "problems": list(self.problems),
            "reasons": list(self.reasons),
            "explanation": self.explanation,
            "error_detail": self.error_detail or None,
            "recipients": list(self.recipients),
            "provider": self.provider or None,
            "identificativo": self.identificativo or None,
            "message_id": self.message_id or None,
            "profile": self.profile,
            "attachments": list(self.attachments),
            "signature": self.signature.to_json() if self.signature else None,
            "findings": [report.finding_json(f) for f in self.findings],
            "report": report.to_json(self.report) if (with_report and self.report) else None,
        }


# --- reading one message (runs in a bounded worker) --------------------------------------------

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
    return out


def _header_sender(msg, cls: Classification) -> str:
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


def _parse_job(data: bytes) -> CheckResult:
    return CheckResult(facts={"parsed": read_message(data)})


# --- one row ----------------------------------------------------------------------------------

def choose_profile(explicit: str | None, recipients: list[str]) -> str:
    """The office profile: the one asked for, else the one whose boxes the message went to."""
    if explicit:
        return explicit
    wanted = {r.lower() for r in recipients}
    for profile in profiles.load_all().values():
        boxes = {a.lower() for a in (profile.protocol_address, *profile.pec_addresses,
                                      *profile.sector_addresses) if a}
        if boxes & wanted:
            return profile.id
    return "generic"


def main_document(files: list[InputFile]) -> str:
    """The first PDF or signed envelope attachment; else the first attachment."""
    for f in files:
        if f.name.lower().endswith(_MAIN_EXTENSIONS) or f.data[:5] == b"%PDF-":
            return f.name
    return files[0].name if files else ""


def build_row(name: str, parsed: ParsedMessage, profile: str | None,
              settings: dict[str, Any]) -> TriageRow:
    cls = parsed.classification
    dati = parsed.daticert
    row = TriageRow(file=name, message_class=cls.message_class.value,
                    receipt_type=cls.receipt_type, receipt_detail=cls.receipt_detail,
                    message_id=parsed.message_id)
    findings = list(parsed.findings)
    original = parsed.original
    row.sender = (dati.mittente if dati and dati.mittente else "") or parsed.header_sender or \
        (original.sender if original else "")
    row.subject = (dati.oggetto if dati and dati.oggetto else "") or \
        (original.subject if original else "") or parsed.header_subject
    row.date = (dati.date_iso if dati else None) or parsed.header_date
    if dati:
        row.error = dati.errore if dati.errore and dati.errore != "nessuno" else None
        row.error_detail = dati.errore_esteso
        row.recipients = [d.address for d in dati.destinatari if d.address]
        row.provider, row.identificativo = dati.gestore, dati.identificativo
    if not row.recipients:
        row.recipients = (original.recipients if original else []) or parsed.header_recipients

    if cls.message_class is not MessageClass.NOT_PEC:
        row.signature, sig_findings = verify(parsed.signature, parsed.signed_content,
                                             parsed.signed, settings)
        findings += sig_findings

    explanation_code = _explanation_code(cls, dati,
                                         not any(f.code == "PEC001" for f in findings))
    if explanation_code:
        detail = (dati.errore_esteso if dati else "") or (cls.receipt_detail or "")
        findings.append(Finding(explanation_code, detail=detail, args={"detail": detail or "-"}))
        f = findings[-1]
        texts = catalogue.describe(f, "it")
        row.explanation = {"code": explanation_code, **texts}

    if original is not None:
        row.attachments = [a.name for a in original.attachments]
        row.profile = choose_profile(profile, row.recipients)
        sub = Submission(profile=row.profile,
                         sender=(dati.mittente if dati and dati.mittente else "") or original.sender,
                         subject=original.subject or (dati.oggetto if dati else ""),
                         recipient=(original.recipients or row.recipients or [""])[0],
                         body=original.body, main=main_document(original.attachments),
                         files=original.attachments,
                         sender_transport=_TRANSPORT.get(cls.message_class, ""))
        try:
            row.report = engine.check_submission(sub, settings)
        except Exception as exc:  # noqa: BLE001 - the message is still triaged
            why = f"{type(exc).__name__}: {exc}"[:300]
            findings.append(Finding("PEC015", detail=why, args={"detail": why}))
            row.verdict = "undetermined"
            row.reasons = [_problem_text(findings[-1])]
        else:
            row.verdict = row.report.verdict.value
            row.reasons = top_reasons(row.report)
    row.findings = findings
    row.problems = [_problem_text(f) for f in findings if f.code in PROBLEM_CODES]
    return row


def _explanation_code(cls: Classification, dati: dc.DatiCert | None,
                      parsed_as_mail: bool = True) -> str | None:
    if cls.message_class is MessageClass.ANOMALIA:
        return "PEC020"
    if cls.message_class is MessageClass.NOT_PEC:
        return "PEC021" if parsed_as_mail else None
    if cls.message_class is MessageClass.RICEVUTA:
        return dc.explain(cls.receipt_type, dati.errore if dati else None,
                          dati.errore_esteso if dati else "", cls.security_error)
    return None


# What the class of a message says of its sender's box, for the inner check's sender rule.
_TRANSPORT = {MessageClass.POSTA_CERTIFICATA: "pec", MessageClass.ANOMALIA: "ordinary"}


def top_reasons(rep: Report, limit: int = 5) -> list[str]:
    """What decided the inner verdict: the errors of a "fix", the checks that could not run
    behind an "undetermined"; nothing for "ready" (warnings and infos do not block)."""
    if rep.verdict is Verdict.READY:
        return []
    if rep.verdict is Verdict.UNDETERMINED:
        return list(rep.reasons)[:limit]
    out: list[str] = []
    pool = [(f, "") for f in rep.message_findings] + [(f, d.name) for d in rep.documents for f in d.findings]
    for f, where in pool:
        if f.severity is not Severity.ERROR:
            continue
        title = catalogue.describe(f, "it")["title"]
        text = f"{f.code} {title}" + (f" ({where})" if where else "")
        if text not in out:
            out.append(text)
    return out[:limit]


def _problem_text(f: Finding) -> str:
    title = catalogue.describe(f, "it")["title"]
    return f"{f.code} {title}" + (f": {f.detail}" if f.detail and f.detail not in title else "")


def failed_row(item: RawItem, code: str, detail: str = "", args: dict[str, str] | None = None) -> TriageRow:
    f = Finding(code, detail=detail, args=args or {"detail": detail})
    return TriageRow(file=item.name, message_class=MessageClass.NOT_PEC.value, findings=[f],
                     problems=[_problem_text(f)])


# --- many rows ---------------------------------------------------------------------------------

def triage(items: Iterable[RawItem], profile: str | None = None,
           settings: dict[str, Any] | None = None,
           on_row: Callable[[TriageRow], None] | None = None) -> Iterator[TriageRow]:
    """Yield one row per item, in order. Never raises for a bad message."""
    settings = checks.settings_from_env() if settings is None else settings
    if profile:
        profiles.get(profile)  # an unknown profile is the caller's error: raise now
    batch: list[RawItem] = []
    for item in items:
        batch.append(item)
        if len(batch) >= CHUNK:
            yield from _triage_chunk(batch, profile, settings, on_row)
            batch = []
    if batch:
        yield from _triage_chunk(batch, profile, settings, on_row)


def _triage_chunk(items: list[RawItem], profile, settings, on_row) -> Iterator[TriageRow]:
    jobs = []
    for i, item in enumerate(items):
        if item.data is None:
            continue
        mb = len(item.data) / (1024 * 1024)
        jobs.append(isolation.Job(label="pec-triage", fn=_parse_job, args=(item.data,), key=i,
                                  timeout=PARSE_TIMEOUT + PARSE_SECONDS_PER_MB * mb,
                                  memory_mb=isolation.DEFAULT_MEMORY_MB + int(PARSE_MEMORY_PER_MB * mb)))
    isolation.run_jobs(jobs)
    by_index = {job.key: job.result for job in jobs}
    for i, item in enumerate(items):
        row = _row_for(item, by_index.get(i), profile, settings)
        if on_row:
            on_row(row)
        yield row


def _row_for(item: RawItem, result: CheckResult | None, profile, settings) -> TriageRow:
    if item.data is None:
        if item.too_large:
            return failed_row(item, "PEC012", item.problem or "",
                              {"limit_mb": f"{sources.MAX_MESSAGE_MB:g}"})
        return failed_row(item, "PEC013", item.problem or "")
    parsed = (result.facts.get("parsed") if result else None)
    if not isinstance(parsed, ParsedMessage):
        failure = result.findings[0] if result and result.findings else None
        why = catalogue.describe(failure, "it")["title"] if failure else "nessun risultato"
        if failure and failure.detail:
            why += f" — {failure.detail}"
        return failed_row(item, "PEC013", why)
    try:
        return build_row(item.name, parsed, profile, settings)
    except Exception as exc:  # noqa: BLE001 - one message must not stop the batch
        return failed_row(item, "PEC013", f"{type(exc).__name__}: {exc}"[:300])


def triage_bytes(name: str, data: bytes, profile: str | None = None,
                 settings: dict[str, Any] | None = None) -> TriageRow:
    return next(triage([RawItem(name, data)], profile, settings))


def summary(rows: list[TriageRow]) -> dict[str, Any]:
    """Counts for the end of a batch."""
    def count(values):
        out: dict[str, int] = {}
        for v in values:
            if v is not None:
                out[v] = out.get(v, 0) + 1
        return out
    return {
        "messages": len(rows),
        "classes": count(r.message_class for r in rows),
        "receipt_types": count(r.receipt_type for r in rows),
        "errors": count(r.error for r in rows),
        "verdicts": count(r.verdict for r in rows),
        "with_problems": sum(1 for r in rows if r.problems),
        "unreadable": sum(1 for r in rows if any(f.code in ("PEC001", "PEC012", "PEC013")
                                                 for f in r.findings)),
    }
