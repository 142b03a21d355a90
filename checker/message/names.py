"""Rule: attachment names every mail client and protocol system takes (MSG036-MSG045),
each with a suggested safe name. Name knowledge is filenames.py's."""
from __future__ import annotations

import unicodedata
from collections import Counter

from .. import filenames
from ..filenames import NameProblem, visible
from ..model import Document, Finding, Submission
from ..profiles import Profile
from .registry import message_rule
from .text import clip

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


@message_rule("names", codes=(*_NAME_CODES.values(), "MSG044"), order=110)
def names(sub: Submission, documents: list[Document], profile: Profile) -> list[Finding]:
    findings: list[Finding] = []
    taken = {f.name.lower() for f in sub.files}
    for f in sub.files:
        judged = f.sent_name or f.name  # a NUL or CR/LF the upload form removed still counts
        for issue in filenames.issues(judged):
            suggested = filenames.safe_name(judged, taken - {f.name.lower()})
            args = {"name": visible(clip(judged, 120)), "suggested": suggested}
            if issue.problem is NameProblem.TOO_LONG:
                args.update(length=issue.detail, limit=str(filenames.MAX_NAME_LENGTH))
            elif issue.problem in (NameProblem.CONTROL_CHARACTERS, NameProblem.UNSAFE_CHARACTERS):
                args["chars"] = issue.detail
            elif issue.problem is NameProblem.RESERVED_NAME:
                args["reserved"] = issue.detail
            elif issue.problem is NameProblem.REPEATED_EXTENSION:
                args["extension"] = issue.detail
            findings.append(Finding(_NAME_CODES[issue.problem], args=args,
                                    location=visible(judged) or "—"))
    counts = Counter(_name_key(f.name) for f in sub.files if f.name)
    used = set(taken)
    for key, count in counts.items():
        if count < 2:
            continue
        name = next(f.name for f in sub.files if _name_key(f.name) == key)
        suggested = filenames.safe_name(name, used)
        used.add(suggested.lower())
        findings.append(Finding("MSG044", args={"name": visible(clip(name, 120)), "count": str(count),
                                                "suggested": suggested},
                                location=visible(name)))
    return findings


def _name_key(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()
