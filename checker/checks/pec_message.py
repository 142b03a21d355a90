"""Check pec_message: an e-mail message attached to a submission is an envelope, not a
document. A forwarded PEC (transport or anomaly envelope) is opened down to the original
message's attachments (postacert.eml); an ordinary .eml to its own attachments. Those become
children, checked with every document rule. Receipts carry no documents to judge.

What is wrong with the message itself (damaged MIME, missing or unreadable daticert.xml)
is reported as a warning: the office judges the documents inside.
"""
from __future__ import annotations

from typing import Any

from ..model import CheckResult, Finding, FormatInfo, InputFile, Severity
from ..mail import unwrap
from ..mail.classify import MessageClass
from ..mail.reader import read_message, too_many_attachments
from . import Check, CheckContext

_REPORTED = {"PEC002", "PEC003", "PEC004", "PEC005", "PEC006", "PEC007", "PEC008"}
# Beyond the parse limits the documents inside were not (all) checked: never only a warning.
_NOT_CHECKED = {"PEC016", "PEC017", "PEC018"}


def run(file: InputFile, fmt: FormatInfo, ctx: CheckContext) -> CheckResult:
    parsed = read_message(file.data)
    kind = parsed.classification.message_class
    findings = [Finding(f.code, Severity.WARNING, f.detail, f.location, f.args)
                for f in parsed.findings if f.code in _REPORTED]
    findings += [f for f in parsed.findings if f.code in _NOT_CHECKED]
    facts: dict[str, Any] = {"pec_class": kind.value}
    if parsed.classification.receipt_type:
        facts["pec_receipt"] = parsed.classification.receipt_type
    children: list[InputFile] = []
    if parsed.original is not None:
        children = parsed.original.attachments
    elif kind is MessageClass.NOT_PEC:
        message = unwrap.parse_bytes(file.data).message
        if message is not None:
            original = unwrap.original_message(message)
            children = original.attachments
            if original.dropped:
                findings.append(too_many_attachments(original))
    facts["attachments"] = len(children)
    return CheckResult(findings=findings, children=children, facts=facts)


CHECKS = [Check(name="pec_message", formats={"eml"}, run=run,
                label_it="Messaggio di posta allegato (PEC inoltrata)",
                                label_en="Attached e-mail message (forwarded PEC)")]
