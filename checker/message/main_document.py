"""Rule: which file is the main document (MSG001-MSG003)."""
from __future__ import annotations

from ..model import Document, Finding, Submission
from ..profiles import Profile
from .registry import message_rule


@message_rule("main_document", codes=("MSG001", "MSG002", "MSG003"), order=10)
def main_document(sub: Submission, documents: list[Document], profile: Profile) -> list[Finding]:
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
