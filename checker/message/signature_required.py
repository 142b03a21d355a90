"""Rule: the office requires a digitally signed document (MSG027-MSG031), and the
outcome of the best signature among several, said in words (also read by the sender
rule for offices that accept ordinary mail only with a signed document)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from ..filenames import detached_target
from ..model import Document, Finding, Indication, SignatureInfo, Submission
from ..profiles import Profile
from .registry import message_rule
from .text import main_name

@message_rule("signature_required", codes=("MSG027", "MSG028", "MSG029", "MSG030", "MSG031"), order=90)
def signature_required(sub: Submission, documents: list[Document], profile: Profile) -> list[Finding]:
    if not profile.signature_required or not documents:
        return []
    office = {"office": profile.name}
    roots = [d for d in documents if d.depth == 0]
    signed_roots = {r.name for r in roots if _tree_signatures(r, documents)}
    if not signed_roots:
        return [Finding("MSG027", args=office)]
    findings: list[Finding] = []
    main = next((r for r in roots if r.name == main_name(sub)), None)
    if main is not None and main.name not in signed_roots:
        findings.append(Finding("MSG030", args={**office, "main": main.name,
                                                "signed": ", ".join(sorted(signed_roots))}))
        judged = [pair for r in roots if r.name in signed_roots
                  for pair in _tree_signatures(r, documents)]
    else:
        judged_root = main if main is not None else next(r for r in roots if r.name in signed_roots)
        judged = _tree_signatures(judged_root, documents)
    outcome = SignatureOutcome.best(judged)
    if outcome is not None and outcome.indication is not Indication.PASSED:
        args = {**office, "state_it": outcome.state_it, "state_en": outcome.state_en}
        code = "MSG028" if outcome.indication is Indication.FAILED else "MSG029"
        findings.append(Finding(code, args=args, location=outcome.document))
    unsigned = [r.name for r in roots if r.name not in signed_roots and r.format.id != "p7s"
                and (main is None or r.name != main.name)]
    if unsigned:
        findings.append(Finding("MSG031", args={**office, "names": ", ".join(unsigned[:10])}))
    return findings


def signatures_of(doc: Document) -> list[tuple[str, SignatureInfo]]:
    """(document name, signature) for each digital signature on one document."""
    # a bare timestamp proves a date, not who signed: it is not a digital signature
    return [(doc.name, s) for s in doc.signatures if s.kind != "timestamp"]


def _tree_signatures(root: Document, documents: list[Document]) -> list[tuple[str, SignatureInfo]]:
    """Signatures on a top-level file, on everything unwrapped from it (p7m in p7m, PAdES
    inside), and in a detached signature sent beside it (istanza.pdf + istanza.pdf.p7s)."""
    names = {root.name}
    found = signatures_of(root)
    for doc in documents:  # documents are in breadth-first order: parents come first
        if doc.depth > 0 and doc.parent in names and doc is not root:
            names.add(doc.name)
            found += signatures_of(doc)
        elif (doc.depth == 0 and doc.format.id == "p7s" and doc.name != root.name
              and detached_target(doc.name) == root.name):
            found += signatures_of(doc)
    return found


@dataclass(frozen=True)
class SignatureOutcome:
    """The best signature among several (ETSI EN 319 102-1 indication), said in words."""
    indication: Indication
    state_it: str          # "firma valida PASSED, ROSSI MARIO"
    state_en: str
    document: str          # the document that carries it

    _RANK: ClassVar[dict[Indication, int]] = {Indication.PASSED: 0, Indication.INDETERMINATE: 1,
                                              Indication.FAILED: 2}
    _WORDS: ClassVar[dict[Indication, tuple[str, str]]] = {
        Indication.PASSED: ("firma valida", "valid signature"),
        Indication.FAILED: ("firma non valida", "invalid signature"),
        Indication.INDETERMINATE: ("esito indeterminato", "indeterminate outcome")}

    @classmethod
    def best(cls, pairs: Iterable[tuple[str, SignatureInfo]]) -> SignatureOutcome | None:
        chosen: tuple[str, SignatureInfo] | None = None
        for pair in pairs:
            if chosen is None or cls._rank(pair[1]) < cls._rank(chosen[1]):
                chosen = pair
        if chosen is None:
            return None
        document, sig = chosen
        indication = sig.indication
        # the ETSI strings, as the report shows them: "INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND"
        code = indication.value + (f"/{sig.sub_indication.value}" if sig.sub_indication else "")
        it, en = cls._WORDS[indication]
        return cls(indication, f"{it} {code}, {sig.signer or 'firmatario non indicato'}",
                   f"{en} {code}, {sig.signer or 'signer not given'}", document)

    @classmethod
    def _rank(cls, sig: SignatureInfo) -> int:
        return cls._RANK.get(sig.indication, 1)
