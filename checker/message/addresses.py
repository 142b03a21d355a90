"""Rules on the boxes: the sender is a PEC box, or the office's policy on ordinary mail
applies (MSG014-MSG022), and the message goes to the office's protocol box, not to a
sector's or someone else's (MSG015, MSG023-MSG026). Address knowledge is pecdomains.py's."""
from __future__ import annotations

from .. import pecdomains
from ..model import Document, Finding, Indication, Submission
from ..pecdomains import PecStatus
from ..profiles import Profile
from .registry import message_rule
from .signature_required import SignatureOutcome, signatures_of
from .text import role_args

MAX_RECIPIENTS_JUDGED = 20    # each recipient gets its own findings; past this, only the count

_POLICY_TEXT = {
    "warn": ("", ""),
    "refuse": ("; questo ufficio non prende in carico messaggi da caselle non PEC",
               "; this office does not take in charge messages from non-PEC boxes"),
    "needs-signed-document": ("; da una casella non PEC questo ufficio accetta il messaggio solo "
                              "con un documento firmato digitalmente",
                              "; from a non-PEC box this office accepts the message only with a "
                              "digitally signed document"),
}


# ── sender ──────────────────────────────────────────────────────────────────────────────────

@message_rule("sender", codes=("MSG014", "MSG015", "MSG016", "MSG017", "MSG018", "MSG019", "MSG020",
                               "MSG021", "MSG022"), order=70)
def sender(sub: Submission, documents: list[Document], profile: Profile) -> list[Finding]:
    policy_it, policy_en = _POLICY_TEXT.get(profile.non_pec_sender, ("", ""))
    if not sub.sender.strip():
        return [Finding("MSG014", args={"policy_it": policy_it, "policy_en": policy_en})]
    info = pecdomains.classify(sub.sender)
    if info.status is PecStatus.MALFORMED:
        return [Finding("MSG015", args=role_args("sender", sub.sender))]
    if sub.sender_transport == "pec":
        return []  # a provider's transport envelope says it left a PEC box
    # an anomaly envelope (sender_transport "ordinary") is ordinary mail whatever the domain
    if sub.sender_transport != "ordinary":
        if info.status is PecStatus.PEC:
            return []
        if info.status is PecStatus.LIKELY_PEC:
            return [Finding("MSG021", args={"domain": info.domain, "reason": info.reason})]
        if info.status is PecStatus.UNKNOWN:
            return [Finding("MSG020", args={"domain": info.domain, "policy_it": policy_it,
                                            "policy_en": policy_en})]
    # an ordinary mailbox: the office's policy decides
    args = {"address": info.address, "domain": info.domain, "office": profile.name}
    if profile.non_pec_sender == "refuse":
        return [Finding("MSG017", args=args)]
    if profile.non_pec_sender == "needs-signed-document":
        return [_signed_document_policy(documents, args)]
    return [Finding("MSG016", args=args)]


def _signed_document_policy(documents: list[Document], args: dict[str, str]) -> Finding:
    """004: from ordinary mail, accepted only with a digitally signed document."""
    outcome = SignatureOutcome.best(pair for d in documents for pair in signatures_of(d))
    if outcome is None:
        return Finding("MSG018", args={**args, "state_it": "nessun documento è firmato",
                                       "state_en": "no document is signed"})
    args = {**args, "state_it": outcome.state_it, "state_en": outcome.state_en}
    code = {Indication.PASSED: "MSG022", Indication.FAILED: "MSG018"}.get(outcome.indication, "MSG019")
    return Finding(code, args=args, location=outcome.document)


# ── recipient ───────────────────────────────────────────────────────────────────────────────

@message_rule("recipient", codes=("MSG015", "MSG023", "MSG024", "MSG025", "MSG026"), order=80)
def recipient(sub: Submission, documents: list[Document], profile: Profile) -> list[Finding]:
    raw = sub.recipient.strip()
    if not raw:
        return []  # the form defaults to the office's protocol box
    findings: list[Finding] = []
    addresses = pecdomains.split_addresses(raw[:pecdomains.MAX_FIELD])
    protocol = profile.protocol_address or ", ".join(profile.pec_addresses) or "—"
    limit = max(1, profile.max_recipients)
    if len(addresses) > limit:
        findings.append(Finding("MSG026", args={"count": str(len(addresses)), "limit": str(limit),
                                                "office": profile.name, "protocol": protocol}))
    own = {a.lower() for a in (profile.protocol_address, *profile.pec_addresses) if a}
    sectors = {a.lower() for a in profile.sector_addresses}
    # An office's own domain (cert.comune.piacenza.it) also holds boxes its page links but does
    # not list; a provider's shared domain (asmepec.it serves many municipalities) proves nothing.
    own_domains = {a.rsplit("@", 1)[1] for a in own
                   if pecdomains.classify(a).status is not PecStatus.PEC}
    for raw_address in addresses[:MAX_RECIPIENTS_JUDGED]:
        info = pecdomains.classify(raw_address)
        if info.status is PecStatus.MALFORMED:
            findings.append(Finding("MSG015", args=role_args("recipient", raw_address)))
            continue
        args = {"address": info.address, "domain": info.domain, "office": profile.name,
                "protocol": protocol}
        if info.address in sectors:
            findings.append(Finding("MSG023", args=args))
        elif own and info.address not in own and info.domain not in own_domains:
            findings.append(Finding("MSG024", args=args))
        elif info.status is PecStatus.NOT_PEC:
            findings.append(Finding("MSG025", args=args))
    return findings
