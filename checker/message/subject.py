"""Rules on what the message is about: one procedure per message (MSG004-MSG005), the
subject (MSG006-MSG009), the document type (MSG010), the destination office (MSG011) and
official communications only (MSG012-MSG013). The text analysis is subjects.py's."""
from __future__ import annotations

from .. import subjects
from ..filenames import visible
from ..model import Document, Finding, Submission
from ..profiles import Profile
from ..subjects import SubjectProblem
from .registry import message_rule
from .text import clip

_SUBJECT_REASONS = {
    SubjectProblem.PLACEHOLDER: ("non descrive il contenuto", "it does not describe the content"),
    SubjectProblem.NO_WORDS: ("solo numeri o punteggiatura", "only numbers or punctuation"),
    SubjectProblem.TOO_SHORT: ("troppo breve", "too short"),
}


# ── one procedure per message ───────────────────────────────────────────────────────────────

@message_rule("one_procedure", codes=("MSG004", "MSG005"), order=20)
def one_procedure(sub: Submission, documents: list[Document], profile: Profile) -> list[Finding]:
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

@message_rule("subject", codes=("MSG006", "MSG007", "MSG008", "MSG009"), order=30)
def subject(sub: Submission, documents: list[Document], profile: Profile) -> list[Finding]:
    findings = []
    for issue in subjects.subject_issues(sub.subject):
        if issue.problem is SubjectProblem.MISSING:
            findings.append(Finding("MSG006"))
        elif issue.problem in _SUBJECT_REASONS:
            it, en = _SUBJECT_REASONS[issue.problem]
            findings.append(Finding("MSG007", args={"subject": visible(clip(issue.detail, 80)),
                                                    "reason_it": it, "reason_en": en}))
        elif issue.problem is SubjectProblem.TOO_LONG:
            findings.append(Finding("MSG008", args={"length": issue.detail,
                                                    "limit": str(subjects.MAX_SUBJECT_LENGTH)}))
        elif issue.problem is SubjectProblem.FORWARDED:
            findings.append(Finding("MSG009", detail=visible(clip(issue.detail, 120))))
    return findings


def _subject_meaningful(text: str) -> bool:
    """False when the subject rule reports it missing (MSG006) or meaningless (MSG007)."""
    return not any(issue.problem is SubjectProblem.MISSING or issue.problem in _SUBJECT_REASONS
                   for issue in subjects.subject_issues(text))


@message_rule("document_type", codes=("MSG010",), order=40)
def document_type(sub: Submission, documents: list[Document], profile: Profile) -> list[Finding]:
    if sub.doc_type.strip():
        return []
    if subjects.document_type(sub.subject):
        return []
    # the main document's own "Oggetto:" line may name it: offer it as a hint
    main = next((d for d in documents if d.is_main), None)
    oggetto = main.facts.get("oggetto") if main is not None else None
    hint = ""
    if isinstance(oggetto, str) and subjects.document_type(oggetto):
        hint = f"Il documento principale riporta «Oggetto: {clip(oggetto, 120)}»"
    return [Finding("MSG010", detail=hint)]


@message_rule("destination", codes=("MSG011",), order=50)
def destination(sub: Submission, documents: list[Document], profile: Profile) -> list[Finding]:
    if not profile.extra.get("requires_destination") or sub.destination.strip():
        return []
    if subjects.names_an_office(sub.subject) or subjects.names_an_office(sub.body):
        return []
    return [Finding("MSG011")]


# ── official communications only ────────────────────────────────────────────────────────────

@message_rule("official_only", codes=("MSG012", "MSG013"), order=60)
def official_only(sub: Submission, documents: list[Document], profile: Profile) -> list[Finding]:
    findings = []
    # a subject already judged meaningless ("prova") is reported once, as such
    subject_ok = _subject_meaningful(sub.subject)
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
