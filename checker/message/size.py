"""Rules on how much is sent: the encoded size against the office's and the providers'
limits (MSG032-MSG034) and the number of attachments (MSG035). The estimate is pecsize.py's."""
from __future__ import annotations

from .. import pecdomains, pecsize
from ..model import Document, Finding, Submission
from ..profiles import Profile
from .registry import message_rule

DEFAULT_MAX_FILES = 20
NEAR_LIMIT = 0.8              # warn above 80 % of the size limit
PROVIDER_NOTE_FROM = 0.5      # show the providers' limit note above half the limit


def recipient_count(sub: Submission) -> int:
    return max(1, len(pecdomains.split_addresses(sub.recipient[:pecdomains.MAX_FIELD])))


@message_rule("size", codes=("MSG032", "MSG033", "MSG034"), order=100)
def size(sub: Submission, documents: list[Document], profile: Profile) -> list[Finding]:
    if not sub.files:
        return []
    recipients = recipient_count(sub)
    est = pecsize.estimate([len(f.data) for f in sub.files], body=sub.body, subject=sub.subject,
                           recipients=recipients)
    limit_mb = profile.max_message_mb or 30.0
    share = est.counted_mb / limit_mb
    per_it = per_en = ""
    if recipients > 1:
        per_it = f" per {recipients} destinatari, cioè {est.counted_mb:.1f} MB nel conto del gestore"
        per_en = f" for {recipients} recipients, that is {est.counted_mb:.1f} MB in the provider's count"
    args = {"size_mb": f"{est.transport_bytes / pecsize.MB:.1f}", "limit_mb": f"{limit_mb:g}",
            "files_mb": f"{est.files_bytes / pecsize.MB:.1f}", "per_recipient_it": per_it,
            "per_recipient_en": per_en}
    detail = (f"file {est.files_bytes} B; messaggio MIME ~{est.message_bytes} B; "
              f"con busta PEC ~{est.transport_bytes} B; × {recipients} destinatari")
    findings = []
    if share > 1:
        findings.append(Finding("MSG032", args=args, detail=detail))
    elif share > NEAR_LIMIT:
        findings.append(Finding("MSG033", args=args, detail=detail))
    if share > PROVIDER_NOTE_FROM or recipients > 1:
        aruba_each = pecsize.ARUBA_LIMIT_MB / recipients
        findings.append(Finding("MSG034", args={"aruba_mb": str(pecsize.ARUBA_LIMIT_MB),
                                                "recipients": str(recipients),
                                                "aruba_each_mb": f"{aruba_each:g}"}))
    return findings


# order 120, after the names rule (110): the order the report has always listed them in
@message_rule("file_count", codes=("MSG035",), order=120)
def file_count(sub: Submission, documents: list[Document], profile: Profile) -> list[Finding]:
    limit = int(profile.extra.get("max_files", DEFAULT_MAX_FILES))
    if len(sub.files) > limit:
        return [Finding("MSG035", args={"count": str(len(sub.files)), "limit": str(limit)})]
    return []
