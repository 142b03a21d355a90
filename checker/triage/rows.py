"""One triage row per PEC message: what it is, what it says, and whether the submission it
carries would pass the office's checks.

    ParsedMessage (checker.mail.reader) ── provider signature (checker.mail.signature)
        ── inner submission (checker.engine, same rules a citizen sees) ── TriageRow

Only transport envelopes (posta-certificata) and anomaly envelopes carry a submission to
check; receipts are explained (daticert.EXPLANATIONS) but have no verdict.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import catalogue, engine, profiles, report
from ..mail import daticert as dc
from ..mail.classify import Classification, MessageClass
from ..mail.reader import ParsedMessage
from ..mail.signature import EnvelopeSignature, verify
from ..mail.sources import RawItem
from ..model import Finding, InputFile, Report, Severity, Submission, Verdict
from .assess import assess

# Findings that mean "this input is malformed": they go to the row's `problems`.
PROBLEM_CODES = {"PEC001", "PEC002", "PEC003", "PEC004", "PEC005", "PEC006", "PEC007", "PEC008",
                 "PEC009", "PEC011", "PEC012", "PEC013", "PEC016", "PEC017", "PEC018"}
# Findings that mean the message was not read at all (no class can be told from it).
UNREAD_CODES = {"PEC001", "PEC012", "PEC013", "PEC016", "PEC018"}
_MAIN_EXTENSIONS = (".pdf", ".p7m")
# the provider signature's verdict, as checker.mail.signature.verify gives it
Verified = tuple[EnvelopeSignature, list[Finding]]


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
            **self.assessment(),
        }

    def assessment(self) -> dict[str, Any]:
        """`status` (regular | check | reject) and `alerts` (critical first): checker/triage/assess.py."""
        found = assess(self.message_class, {f.code for f in self.findings}, self.verdict)
        return {"status": found.status, "alerts": list(found.alerts)}


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
              settings: dict[str, Any], verified: Verified | None = None) -> TriageRow:
    """`verified`: the provider signature already verified (by the parsing worker, with the
    same settings); else it is verified here."""
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
        row.signature, sig_findings = verified or verify(parsed.signature, parsed.signed_content,
                                                         parsed.signed, settings)
        findings += sig_findings

    explanation_code = _explanation_code(cls, dati,
                                         not any(f.code in UNREAD_CODES for f in findings))
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


