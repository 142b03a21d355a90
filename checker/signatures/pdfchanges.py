"""What changed in a PDF after a signature, judged against what that signature allows.

pyHanko's difference analysis classifies every revision added after a signature:
NONE < LTA_UPDATES (DSS data, document timestamps) < FORM_FILLING (filling fields,
adding and signing signature fields) < ANNOTATIONS < OTHER (anything else: page content,
fonts, images, objects rewritten — the shadow "hide" and "replace" attacks land here,
because pyHanko compares object by object, not what a viewer shows).

What a signature allows (ISO 32000-1 12.8.2.2, ETSI EN 319 142-1 5.4):
- a certification signature's DocMDP /P: 1 = only LTV updates, 2 = + form filling and
  signing, 3 = + annotations; it binds every later signature of the document too;
- a field /Lock dictionary's /P, the same way, for its own signature;
- an approval signature alone: form filling, further signatures, annotations and LTV
  updates (what PDF readers allow after an ordinary signature).
Only changes beyond the allowed level are a modification (SIG016); a difference
analysis that pyHanko cannot complete is "not analysed" (SIG031), never "modified".
"""
from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

LABELS = {"NONE": "nessuna", "LTA_UPDATES": "dati di validazione o marche temporali",
          "FORM_FILLING": "compilazione di campi o altre firme",
          "ANNOTATIONS": "annotazioni", "OTHER": "modifiche al contenuto"}
_LEVELS = ["NONE", "LTA_UPDATES", "FORM_FILLING", "ANNOTATIONS", "OTHER"]
_BY_PERMISSION = {1: "LTA_UPDATES", 2: "FORM_FILLING", 3: "ANNOTATIONS"}


@dataclass(frozen=True)
class Changes:
    level: str            # NONE ... OTHER, or UNKNOWN when the analysis failed
    allowed: str          # the highest level this signature allows
    coverage: str         # pyHanko's SignatureCoverageLevel name
    reason: str = ""      # why OTHER / UNKNOWN, in pyHanko's words

    @property
    def modified(self) -> bool:
        """Changed beyond what the signature allows (or its byte range does not cover
        a whole revision: what was signed cannot be told apart from what was added)."""
        if self.coverage not in ("ENTIRE_FILE", "ENTIRE_REVISION"):
            return True
        if self.level == "UNKNOWN":
            return False
        return _LEVELS.index(self.level) > _LEVELS.index(self.allowed)

    @property
    def allowed_changes(self) -> bool:
        return not self.modified and self.level in ("LTA_UPDATES", "FORM_FILLING", "ANNOTATIONS")

    @property
    def label(self) -> str:
        return LABELS.get(self.level, self.level.lower())


def _annotation_rule() -> Any:
    """A pyHanko whitelist rule for comments added after signing (ANNOTATIONS level):
    pyHanko's default policy has none, so any added note or highlight was "OTHER".
    It clears only *new* non-widget annotations, new streams their /AP names, a page
    dictionary whose only change is /Annots, and an /Annots array that kept every old
    entry. Anything that rewrites an existing object (page content, fonts, images, an
    old annotation) stays unexplained: the shadow "replace" attacks are still OTHER."""
    from pyhanko.pdf_utils import generic
    from pyhanko.sign.diff_analysis.rules_api import ReferenceUpdate, WhitelistRule

    class AnnotationRule(WhitelistRule):
        def apply(self, old: Any, new: Any) -> Iterator[ReferenceUpdate]:
            xrefs = old.reader.xrefs
            changed = set(new.explicit_refs_in_revision())

            def is_new(ref: generic.Reference) -> bool:
                return xrefs.get_historical_ref(ref, old.revision) is None

            approved: set[generic.Reference] = set()
            comments: set[generic.Reference] = set()
            for ref in changed:
                obj = new(ref)
                if isinstance(obj, generic.DictionaryObject) and is_new(ref) \
                        and obj.get("/Type", "/Annot") == "/Annot" and "/Subtype" in obj \
                        and obj.get("/Subtype") != "/Widget" and "/Rect" in obj:
                    comments.add(ref)
                    approved.update(r for r in _appearance_refs(obj) if r in changed and is_new(r))
            approved |= comments
            for ref in changed:
                obj = new(ref)
                if comments and isinstance(obj, generic.DictionaryObject) and obj.get("/Type") == "/Page" \
                        and not is_new(ref):
                    before = old(ref)
                    keys = (set(obj) | set(before)) - {"/Annots"}
                    same = all(k in obj and k in before and obj.raw_get(k) == before.raw_get(k) for k in keys)
                    annots = obj.raw_get("/Annots") if "/Annots" in obj else None
                    old_annots = before.raw_get("/Annots") if "/Annots" in before else None
                    # only comments were added here (a new widget is the form rule's to judge)
                    if same and _kept(annots, old_annots, comments, approved):
                        approved.add(ref)
            for ref in approved:
                yield ReferenceUpdate(ref)

    return AnnotationRule()


def _kept(annots: Any, old_annots: Any, comments: set[Any], approved: set[Any]) -> bool:
    """The new /Annots keeps every old entry and adds only the new comments (an indirect
    array is then cleared too)."""
    from pyhanko.pdf_utils import generic
    new_array = annots.get_object() if annots is not None else []
    old_array = old_annots.get_object() if old_annots is not None else []
    if not isinstance(new_array, list) or not isinstance(old_array, list):
        return False
    if not all(entry in new_array for entry in old_array):
        return False
    added = [a for a in new_array if a not in old_array]
    if not added or not all(isinstance(a, generic.IndirectObject) and a.reference in comments for a in added):
        return False
    if isinstance(annots, generic.IndirectObject):
        approved.add(annots.reference)
    return True


def _appearance_refs(annot: Any) -> Iterator[Any]:
    from pyhanko.pdf_utils import generic
    ap = annot.get("/AP")
    if not isinstance(ap, generic.DictionaryObject):
        return
    for key in ("/N", "/R", "/D"):
        value = ap.raw_get(key) if key in ap else None
        if isinstance(value, generic.IndirectObject):
            yield value.reference
        elif isinstance(value, generic.DictionaryObject):
            for state in value:
                sub = value.raw_get(state)
                if isinstance(sub, generic.IndirectObject):
                    yield sub.reference


@functools.cache
def diff_policy() -> Any:
    """pyHanko's default policy plus the annotation rule."""
    from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, ModificationLevel, StandardDiffPolicy
    return StandardDiffPolicy(
        global_rules=[*DEFAULT_DIFF_POLICY.global_rules,
                      _annotation_rule().as_qualified(ModificationLevel.ANNOTATIONS)],
        form_rule=DEFAULT_DIFF_POLICY.form_rule)


def certification_permission(reader: PdfFileReader) -> int | None:
    """The /P of the document's certification signature (/Perms /DocMDP), if any."""
    from pyhanko.sign.validation.pdf_embedded import read_certification_data
    try:
        info = read_certification_data(reader)
    except Exception:  # noqa: BLE001 - an unreadable /Perms: judged as an approval signature
        return None
    return int(info.permission.value) if info is not None and info.permission is not None else None


def allowed_level(emb: EmbeddedPdfSignature, certification: int | None) -> str:
    permissions = [p for p in (certification, _own_permission(emb)) if p in _BY_PERMISSION]
    return _BY_PERMISSION[min(permissions)] if permissions else "ANNOTATIONS"


def _own_permission(emb: EmbeddedPdfSignature) -> int | None:
    try:
        level = emb.docmdp_level
    except Exception:  # noqa: BLE001 - a malformed /Reference or /Lock: no own restriction read
        return None
    return int(level.value) if level is not None else None


def analyse(emb: EmbeddedPdfSignature, certification: int | None) -> Changes:
    """Run pyHanko's integrity computation (digest, coverage, difference analysis) on
    `emb` and judge it. The difference analysis is retried without diff when pyHanko
    fails inside it, so the signature itself can still be validated."""
    from pyhanko.sign.diff_analysis import DiffResult
    allowed = allowed_level(emb, certification)
    reason = ""
    # pyHanko leaves compute_integrity_info() unannotated
    try:
        emb.compute_integrity_info(diff_policy=diff_policy())  # type: ignore[no-untyped-call]
    except Exception as exc:  # noqa: BLE001 - pyHanko's diff can fail on real files; said, not fatal
        reason = f"{type(exc).__name__}: {exc}"[:300]
        emb.diff_result = None
        emb.compute_integrity_info(skip_diff=True)  # type: ignore[no-untyped-call]
    coverage = emb.coverage.name if emb.coverage is not None else "UNCLEAR"
    result = emb.diff_result
    if reason:
        level = "NONE" if coverage == "ENTIRE_FILE" else "UNKNOWN"
    elif isinstance(result, DiffResult):
        level = result.modification_level.name
    elif result is not None:            # SuspiciousModification: pyHanko's reason
        level, reason = "OTHER", str(result)[:300]
    else:
        level = "NONE" if coverage == "ENTIRE_FILE" else "UNKNOWN"
    return Changes(level=level, allowed=allowed, coverage=coverage, reason=reason)
