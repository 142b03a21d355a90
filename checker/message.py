"""Message-level rules (RULES.md part A): the whole submission, read from the office's profile.

Runs in the parent after every document check, so it only reads typed facts:
the Submission (sender, recipient, subject, body, main), the Documents (format,
signatures, facts such as "oggetto" from checker/textfacts.py) and the Profile.
It never parses a file. Text analysis lives in subjects.py, address knowledge in
pecdomains.py, names in filenames.py, the size estimate in pecsize.py; this module
turns their answers into catalogue findings (checker/rules/message.toml).

Profile keys read here besides the documented ones (they land in Profile.extra):

    requires_destination = true          # 000: "l'ufficio di destinazione se noto"
    information_requests = "elsewhere"   # the box is not for requests for information
    information_channel_it = "..."       # where those go instead (shown in the finding)
    information_channel_en = "..."
    max_files = 20                       # more top-level attachments → warning

The document-type rule (MSG010) is a warning by default; an office that demands
it (Piacenza, 000) raises it with [severity] MSG010 = "error".
"""
from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from collections.abc import Iterable

from . import filenames, pecdomains, pecsize, subjects
from .filenames import NameProblem, detached_target, visible
from .model import Document, Finding, SignatureInfo, Submission
from .pecdomains import PecStatus
from .profiles import Profile
from .subjects import SubjectProblem

DEFAULT_MAX_FILES = 20
MAX_RECIPIENTS_JUDGED = 20    # each recipient gets its own findings; past this, only the count
NEAR_LIMIT = 0.8              # warn above 80 % of the size limit
PROVIDER_NOTE_FROM = 0.5      # show the providers' limit note above half the limit

_PASSED, _FAILED, _INDETERMINATE = "PASSED", "FAILED", "INDETERMINATE"

_SUBJECT_REASONS = {
    SubjectProblem.PLACEHOLDER: ("non descrive il contenuto", "it does not describe the content"),
    SubjectProblem.NO_WORDS: ("solo numeri o punteggiatura", "only numbers or punctuation"),
    SubjectProblem.TOO_SHORT: ("troppo breve", "too short"),
}

_NAME_CODES = {
    NameProblem.TOO_LONG: "MSG036",
    NameProblem.CONTROL_CHARACTERS: "MSG037",
    NameProblem.PATH_SEPARATOR: "MSG038",
    NameProblem.UNSAFE_CHARACTERS: "MSG039",
    NameProblem.RESERVED_NAME: "MSG040",
    NameProblem.LEADING_DOT: "MSG041",
    NameProblem.TRAILING_DOT_OR_SPACE: "MSG042",
    NameProblem.REPEATED_EXTENSION: "MSG043",
    NameProblem.EMPTY: "MSG045",
}


def check_message(sub: Submission, documents: list[Document], profile: Profile) -> list[Finding]:
    findings: list[Finding] = []
    findings += main_document(sub, documents)
    findings += one_procedure(sub, documents)
    subject_findings = subject(sub.subject)
    findings += subject_findings
    findings += document_type(sub, documents)
    findings += destination(sub, profile)
    findings += official_only(sub, profile, subject_ok=not any(
        f.code in ("MSG006", "MSG007") for f in subject_findings))
    findings += sender(sub, documents, profile)
    findings += recipient(sub, profile)
    findings += signature_required(sub, documents, profile)
    findings += size(sub, profile)
    findings += names(sub)
    findings += file_count(sub, profile)
    return findings


# ── main document ───────────────────────────────────────────────────────────────────────────

def main_document(sub: Submission, documents: list[Document]) -> list[Finding]:
    if not sub.files:
        return [Finding("MSG003")]
    top_names = [f.name for f in sub.files]
    if sub.main:
        if sub.main not in top_names:
            return [Finding("MSG002", args={"name": sub.main})]
        return []
    if len(sub.files) > 1:
        return [Finding("MSG001", args={"count": str(len(sub.files))},
                        detail=", ".join(top_names[:10]))]
    return []


def _main_name(sub: Submission) -> str:
    if sub.main:
        return sub.main
    return sub.files[0].name if len(sub.files) == 1 else ""


# ── one procedure per message ───────────────────────────────────────────────────────────────

def one_procedure(sub: Submission, documents: list[Document]) -> list[Finding]:
    findings = []
    parts = subjects.procedures_in_subject(sub.subject)
    if parts:
        findings.append(Finding("MSG005", args={"parts": " / ".join(f"«{p}»" for p in parts)}))
    # Oggetto lines of documents that each read as an application, one per top-level file
    # (an envelope and the document inside it are one file).
    by_root: dict[str, str] = {}
    for doc in documents:
        oggetto = doc.facts.get("oggetto")
        if not isinstance(oggetto, str) or not subjects.is_application(oggetto):
            continue
        by_root.setdefault(_root(doc, documents).name, oggetto)
    distinct: list[tuple[str, str]] = []
    for name, oggetto in by_root.items():
        if not any(subjects.same_matter(oggetto, seen) for _, seen in distinct):
            distinct.append((name, oggetto))
    if len(distinct) >= 2:
        listed = "; ".join(f"«{o}» ({n})" for n, o in distinct[:5])
        findings.append(Finding("MSG004", args={"subjects": listed}))
    return findings


def _root(doc: Document, documents: list[Document]) -> Document:
    """The top-level file a document came from (itself when it is one)."""
    by_name = {d.name: d for d in documents if d.depth == 0}
    seen = 0
    current = doc
    while current.parent and seen < 20:
        parent = next((d for d in documents if d.name == current.parent
                       and d.depth == current.depth - 1), None)
        if parent is None:
            break
        current, seen = parent, seen + 1
    return by_name.get(current.name, current)


# ── subject, type, destination ──────────────────────────────────────────────────────────────

def subject(text: str) -> list[Finding]:
    findings = []
    for issue in subjects.subject_issues(text):
        if issue.problem is SubjectProblem.MISSING:
            findings.append(Finding("MSG006"))
        elif issue.problem in _SUBJECT_REASONS:
            it, en = _SUBJECT_REASONS[issue.problem]
            findings.append(Finding("MSG007", args={"subject": visible(_clip(issue.detail, 80)),
                                                    "reason_it": it, "reason_en": en}))
        elif issue.problem is SubjectProblem.TOO_LONG:
            findings.append(Finding("MSG008", args={"length": issue.detail,
                                                    "limit": str(subjects.MAX_SUBJECT_LENGTH)}))
        elif issue.problem is SubjectProblem.FORWARDED:
            findings.append(Finding("MSG009", detail=visible(_clip(issue.detail, 120))))
    return findings


def document_type(sub: Submission, documents: list[Document]) -> list[Finding]:
    if sub.doc_type.strip():
        return []
    if subjects.document_type(sub.subject):
        return []
    # the main document's own "Oggetto:" line may name it: offer it as a hint
    main = next((d for d in documents if d.is_main), None)
    oggetto = main.facts.get("oggetto") if main is not None else None
    hint = ""
    if isinstance(oggetto, str) and subjects.document_type(oggetto):
        hint = f"Il documento principale riporta «Oggetto: {_clip(oggetto, 120)}»"
    return [Finding("MSG010", detail=hint)]


def destination(sub: Submission, profile: Profile) -> list[Finding]:
    if not profile.extra.get("requires_destination") or sub.destination.strip():
        return []
    if subjects.names_an_office(sub.subject) or subjects.names_an_office(sub.body):
        return []
    return [Finding("MSG011")]


# ── official communications only ────────────────────────────────────────────────────────────

def official_only(sub: Submission, profile: Profile, subject_ok: bool = True) -> list[Finding]:
    findings = []
    # a subject already judged meaningless ("prova") is reported once, as such
    phrase = subjects.non_official_wording(sub.subject if subject_ok else "", sub.body)
    if phrase:
        findings.append(Finding("MSG012", args={"phrase": phrase}))
    if profile.extra.get("information_requests") == "elsewhere":
        asked = subjects.information_request(sub.subject, sub.body)
        if asked:
            findings.append(Finding("MSG013", args={
                "phrase": asked,
                "channel_it": profile.extra.get("information_channel_it",
                                                "le caselle di posta ordinaria degli uffici competenti"),
                "channel_en": profile.extra.get("information_channel_en",
                                                "the competent offices' ordinary mailboxes"),
            }))
    return findings


# ── sender ──────────────────────────────────────────────────────────────────────────────────

_POLICY_TEXT = {
    "warn": ("", ""),
    "refuse": ("; questo ufficio non prende in carico messaggi da caselle non PEC",
               "; this office does not take in charge messages from non-PEC boxes"),
    "needs-signed-document": ("; da una casella non PEC questo ufficio accetta il messaggio solo "
                              "con un documento firmato digitalmente",
                              "; from a non-PEC box this office accepts the message only with a "
                              "digitally signed document"),
}


def sender(sub: Submission, documents: list[Document], profile: Profile) -> list[Finding]:
    policy_it, policy_en = _POLICY_TEXT.get(profile.non_pec_sender, ("", ""))
    if not sub.sender.strip():
        return [Finding("MSG014", args={"policy_it": policy_it, "policy_en": policy_en})]
    info = pecdomains.classify(sub.sender)
    if info.status is PecStatus.MALFORMED:
        return [Finding("MSG015", args=_role_args("sender", sub.sender))]
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
    outcome = SignatureOutcome.best(pair for d in documents for pair in _signatures(d))
    if outcome is None:
        return Finding("MSG018", args={**args, "state_it": "nessun documento è firmato",
                                       "state_en": "no document is signed"})
    args = {**args, "state_it": outcome.state_it, "state_en": outcome.state_en}
    code = {_PASSED: "MSG022", _FAILED: "MSG018"}.get(outcome.indication, "MSG019")
    return Finding(code, args=args, location=outcome.document)


def _role_args(role: str, address: str) -> dict[str, str]:
    it, en = {"sender": ("mittente", "sender"), "recipient": ("destinatario", "recipient")}[role]
    return {"role_it": it, "role_en": en, "address": visible(_clip(address, 120))}


# ── recipient ───────────────────────────────────────────────────────────────────────────────

def recipient(sub: Submission, profile: Profile) -> list[Finding]:
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
            findings.append(Finding("MSG015", args=_role_args("recipient", raw_address)))
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


def recipient_count(sub: Submission) -> int:
    return max(1, len(pecdomains.split_addresses(sub.recipient[:pecdomains.MAX_FIELD])))


# ── signature required (003) ────────────────────────────────────────────────────────────────

def signature_required(sub: Submission, documents: list[Document], profile: Profile) -> list[Finding]:
    if not profile.signature_required or not documents:
        return []
    office = {"office": profile.name}
    roots = [d for d in documents if d.depth == 0]
    signed_roots = {r.name for r in roots if _tree_signatures(r, documents)}
    if not signed_roots:
        return [Finding("MSG027", args=office)]
    findings: list[Finding] = []
    main = next((r for r in roots if r.name == _main_name(sub)), None)
    if main is not None and main.name not in signed_roots:
        findings.append(Finding("MSG030", args={**office, "main": main.name,
                                                "signed": ", ".join(sorted(signed_roots))}))
        judged = [pair for r in roots if r.name in signed_roots
                  for pair in _tree_signatures(r, documents)]
    else:
        judged_root = main if main is not None else next(r for r in roots if r.name in signed_roots)
        judged = _tree_signatures(judged_root, documents)
    outcome = SignatureOutcome.best(judged)
    if outcome is not None and outcome.indication != _PASSED:
        args = {**office, "state_it": outcome.state_it, "state_en": outcome.state_en}
        code = "MSG028" if outcome.indication == _FAILED else "MSG029"
        findings.append(Finding(code, args=args, location=outcome.document))
    unsigned = [r.name for r in roots if r.name not in signed_roots and r.format.id != "p7s"
                and (main is None or r.name != main.name)]
    if unsigned:
        findings.append(Finding("MSG031", args={**office, "names": ", ".join(unsigned[:10])}))
    return findings


def _signatures(doc: Document) -> list[tuple[str, SignatureInfo]]:
    # a bare timestamp proves a date, not who signed: it is not a digital signature
    return [(doc.name, s) for s in doc.signatures if s.kind != "timestamp"]


def _tree_signatures(root: Document, documents: list[Document]) -> list[tuple[str, SignatureInfo]]:
    """Signatures on a top-level file, on everything unwrapped from it (p7m in p7m, PAdES
    inside), and in a detached signature sent beside it (istanza.pdf + istanza.pdf.p7s)."""
    names = {root.name}
    found = _signatures(root)
    for doc in documents:  # documents are in breadth-first order: parents come first
        if doc.depth > 0 and doc.parent in names and doc is not root:
            names.add(doc.name)
            found += _signatures(doc)
        elif (doc.depth == 0 and doc.format.id == "p7s" and doc.name != root.name
              and detached_target(doc.name) == root.name):
            found += _signatures(doc)
    return found




@dataclass(frozen=True)
class SignatureOutcome:
    """The best signature among several (ETSI EN 319 102-1 indication), said in words."""
    indication: str        # PASSED / INDETERMINATE / FAILED
    state_it: str          # "firma valida PASSED, ROSSI MARIO"
    state_en: str
    document: str          # the document that carries it

    _RANK = {_PASSED: 0, _INDETERMINATE: 1, _FAILED: 2}
    _WORDS = {_PASSED: ("firma valida", "valid signature"),
              _FAILED: ("firma non valida", "invalid signature"),
              _INDETERMINATE: ("esito indeterminato", "indeterminate outcome")}

    @classmethod
    def best(cls, pairs: Iterable[tuple[str, SignatureInfo]]) -> SignatureOutcome | None:
        chosen: tuple[str, SignatureInfo] | None = None
        for pair in pairs:
            if chosen is None or cls._rank(pair[1]) < cls._rank(chosen[1]):
                chosen = pair
        if chosen is None:
            return None
        document, sig = chosen
        indication = sig.indication if sig.indication in cls._RANK else _INDETERMINATE
        code = indication + (f"/{sig.sub_indication}" if sig.sub_indication else "")
        it, en = cls._WORDS[indication]
        return cls(indication, f"{it} {code}, {sig.signer or 'firmatario non indicato'}",
                   f"{en} {code}, {sig.signer or 'signer not given'}", document)

    @classmethod
    def _rank(cls, sig: SignatureInfo) -> int:
        return cls._RANK.get(sig.indication, 1)


# ── size and count ──────────────────────────────────────────────────────────────────────────

def size(sub: Submission, profile: Profile) -> list[Finding]:
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


def file_count(sub: Submission, profile: Profile) -> list[Finding]:
    limit = int(profile.extra.get("max_files", DEFAULT_MAX_FILES))
    if len(sub.files) > limit:
        return [Finding("MSG035", args={"count": str(len(sub.files)), "limit": str(limit)})]
    return []


# ── attachment names ────────────────────────────────────────────────────────────────────────

def names(sub: Submission) -> list[Finding]:
    findings: list[Finding] = []
    taken = {f.name.lower() for f in sub.files}
    for f in sub.files:
        for issue in filenames.issues(f.name):
            suggested = filenames.safe_name(f.name, taken - {f.name.lower()})
            args = {"name": visible(_clip(f.name, 120)), "suggested": suggested}
            if issue.problem is NameProblem.TOO_LONG:
                args.update(length=issue.detail, limit=str(filenames.MAX_NAME_LENGTH))
            elif issue.problem is NameProblem.CONTROL_CHARACTERS or issue.problem is NameProblem.UNSAFE_CHARACTERS:
                args["chars"] = issue.detail
            elif issue.problem is NameProblem.RESERVED_NAME:
                args["reserved"] = issue.detail
            elif issue.problem is NameProblem.REPEATED_EXTENSION:
                args["extension"] = issue.detail
            findings.append(Finding(_NAME_CODES[issue.problem], args=args,
                                    location=visible(f.name) or "—"))
    counts = Counter(_name_key(f.name) for f in sub.files if f.name)
    used = set(taken)
    for key, count in counts.items():
        if count < 2:
            continue
        name = next(f.name for f in sub.files if _name_key(f.name) == key)
        suggested = filenames.safe_name(name, used)
        used.add(suggested.lower())
        findings.append(Finding("MSG044", args={"name": visible(_clip(name, 120)), "count": str(count),
                                                "suggested": suggested},
                                location=visible(name)))
    return findings


def _name_key(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()




def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
