"""Fix a submission: check it, fix what is mechanical, check the result again, offer only
what now passes.

1. The whole check runs on the original files (checker.engine.check_submission).
2. Each top-level file gets a plan (plan.py) from its findings: refused (signed), converted
   (LibreOffice → PDF/A, then cleaned), cleaned (pikepdf) and/or converted (Ghostscript →
   PDF/A), renamed (safe, unique names, filenames.py's rules), or unchanged.
3. The candidate set goes through the whole check again (veraPDF decides PDF/A when built).
   A changed file is offered only if the codes it was fixed for are gone, it has no new
   error, it now is a PDF/A of the target level where that was the point, and a PDF kept its
   page count; otherwise its original bytes go back into the set and the report says what
   could not be fixed. When a file was put back the set is checked once more, so the final
   report is the report of exactly the files offered.
4. The set is judged together (one main document, total encoded size via the size rule,
   formats) and packed into a ZIP, in memory.

The original files are never changed. Conversions need files on disk: see convert.py and
workspace.py (a private 0700 directory, RAM-backed when possible, removed afterwards).
"""
from __future__ import annotations

import io
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from .. import engine, filenames, profiles
from ..model import Document, Finding, InputFile, Report, Severity, Submission
from . import clean, convert, images
from .plan import (FIXABLE_CODES, PDFA_CODES, Action, Plan, blocked_reason, plan_file, target_level)

# set-level rules the fix is answerable for: main document, encoded size, number of files
SET_CODES = frozenset({"MSG001", "MSG002", "MSG003", "MSG032", "MSG035"})
CONVERSION_WORKERS = 2


@dataclass
class FileFix:
    """What happened to one file."""
    original: str
    action: Action
    output: str
    data: bytes = field(repr=False)
    fixed: list[str] = field(default_factory=list)       # codes gone
    remaining: list[str] = field(default_factory=list)   # codes left (not info)
    steps: list[str] = field(default_factory=list)
    reason: str = ""         # refused, or why the fixed file was not offered
    offered: bool = False    # a changed (or renamed) file is in the set
    status: str = "unchanged"  # fixed | unchanged | refused | failed | undetermined
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"original": self.original, "action": self.action.value, "output": self.output,
                "status": self.status, "fixed_codes": self.fixed, "remaining_codes": self.remaining,
                "steps": self.steps, "reason": self.reason, "size": len(self.data),
                "seconds": round(self.seconds, 3)}


@dataclass
class FixOutcome:
    files: list[FileFix]
    before: Report
    after: Report
    level: str
    set_remaining: list[str]   # set-level codes left (main document, size, count)

    @property
    def exit_status(self) -> int:
        """0 everything fixable fixed, 1 something remains, 3 undetermined."""
        if self.set_remaining or any(f.status == "failed" or _errors(f) for f in self.files):
            return 1
        if any(f.status == "undetermined" for f in self.files):
            return 3
        return 0

    def zip_bytes(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for f in self.files:
                z.writestr(f.output, f.data)
        return out.getvalue()

    def to_json(self) -> dict[str, Any]:
        return {"profile": self.after.profile, "pdfa_level": self.level,
                "verdict_before": self.before.verdict.value, "verdict": self.after.verdict.value,
                "set_remaining_codes": self.set_remaining, "exit_status": self.exit_status,
                "files": [f.to_json() for f in self.files]}


def _errors(f: FileFix) -> bool:
    return f.status != "refused" and any(c in FIXABLE_CODES for c in f.remaining)


def fix_files(files: list[InputFile], profile_id: str = "generic", main: str = "",
              settings: dict[str, Any] | None = None) -> FixOutcome:
    """Fix the files of one submission (profile and main document as for a check)."""
    profile = profiles.get(profile_id)
    level = target_level(profile)
    before = engine.check_submission(Submission(profile=profile_id, main=main, files=files), settings)
    plans = [plan_file(i, f, doc, _codes(before, i, f), profile, level)
             for i, (f, doc) in enumerate(zip(files, before.documents, strict=False))]
    with ThreadPoolExecutor(CONVERSION_WORKERS) as pool:
        results = list(pool.map(lambda p: _apply(p, level), plans))
    names = _names(plans, results)
    fixes = [_file_fix(p, data, steps, reason, seconds, names[p.index])
             for p, (data, steps, reason, seconds) in zip(plans, results, strict=True)]
    after = _recheck(fixes, files, main, profile_id, settings)
    kept = [_verify(p, fx, after, level) for p, fx in zip(plans, fixes, strict=True)]
    if not all(kept):       # a file went back to its original: check the set as offered
        after = _recheck(fixes, files, main, profile_id, settings)
        for p, fx in zip(plans, fixes, strict=True):
            fx.remaining = _left(after, p.index, fx.output)
    return FixOutcome(fixes, before, after, level, _set_codes(after))


def _codes(report: Report, index: int, f: InputFile) -> set[str]:
    doc = report.documents[index]
    codes = {x.code for x in doc.findings}
    codes |= {x.code for x in report.message_findings if x.location == filenames.visible(f.name)}
    return codes


def _apply(plan: Plan, level: str) -> tuple[bytes | None, list[str], str, float]:
    """Run the plan's steps: (new bytes or None, steps done, why it stopped, seconds)."""
    if not plan.changes_bytes:
        return None, [], "", 0.0
    started = time.monotonic()
    data, steps = plan.file.data, []
    try:
        if plan.convert_office:
            made = convert.office_to_pdfa(data, plan.document.format.id, level)
            data = made.data
            steps.append(f"LibreOffice → PDF/A-{level} ({made.seconds:.1f} s)")
        if plan.convert_image:   # a new PDF with nothing active in it: no cleaning, no text
            data = images.image_to_pdf(data)
            steps.append("img2pdf → PDF")
            made = convert.pdf_to_pdfa(data, level)
            data = made.data
            steps.append(f"{made.tool} → PDF/A-{level} ({made.seconds:.1f} s)")
        elif plan.clean or plan.convert_pdf:   # cleaned first: no link or script reaches Ghostscript
            cleaned = clean.clean_isolated(data, mode="clean+text" if plan.convert_pdf else "clean")
            data = cleaned.data
            gone = ", ".join(f"{k} {v}" for k, v in sorted(cleaned.removed.items()))
            steps.append(f"pikepdf: {gone or 'riscritto senza revisioni'}")
        if plan.convert_pdf and not plan.convert_image:
            data, step = _ghostscript(data, cleaned.chars, level)
            steps.append(step)
    except (convert.ConversionError, clean.CleanError, images.ImageError) as exc:
        return None, steps, str(exc), time.monotonic() - started
    return data, steps, "", time.monotonic() - started


def _ghostscript(data: bytes, chars: dict[str, int], level: str) -> tuple[bytes, str]:
    """Ghostscript's PDF/A, with the legacy interpreter when the default one lost text."""
    made = convert.pdf_to_pdfa(data, level)
    lost = clean.text_lost(chars, clean.clean_isolated(made.data, mode="text").chars)
    if lost:
        retry = convert.pdf_to_pdfa(data, level, legacy=True)
        lost_again = clean.text_lost(chars, clean.clean_isolated(retry.data, mode="text").chars)
        if lost_again:
            raise convert.ConversionError(f"Ghostscript did not keep the text ({lost_again} "
                                          "letters or digits lost)")
        made = retry
    return made.data, f"{made.tool} → PDF/A-{level} ({made.seconds:.1f} s)"


def _names(plans: list[Plan], results: list[tuple[bytes | None, list[str], str, float]]) -> list[str]:
    """Output names: files that keep theirs first, then safe unique names for the others."""
    out = [p.file.name for p in plans]
    renamed = []
    for p, (data, _steps, _reason, _s) in zip(plans, results, strict=True):
        converted = data is not None and p.converts
        if p.rename or converted:
            renamed.append((p, converted))
    keep = {p.index for p in plans} - {p.index for p, _ in renamed}
    taken = {out[i].lower() for i in keep}
    for p, converted in renamed:
        name = _wanted(p, pdf=converted or p.document.format.id == "pdf")
        out[p.index] = filenames.safe_name(name, taken)
        taken.add(out[p.index].lower())
    return out


def _wanted(plan: Plan, pdf: bool) -> str:
    """The name before it is made safe: a converted file ends in .pdf, a wrong extension
    (content and name disagree) becomes the content's."""
    name = plan.file.name.replace("\\", "/").rsplit("/", 1)[-1]
    extensions = plan.document.format.extensions
    right = "pdf" if pdf else (extensions[0] if extensions else "")
    stem, dot, ext = name.rpartition(".")
    if not right:
        return name
    if not dot:
        return f"{name}.{right}"
    ext = ext.lower()
    if ext == right or (ext in extensions and not pdf):
        return name
    if pdf or (len(ext) <= 5 and ext.isalnum()):
        return f"{stem}.{right}"
    return f"{name}.{right}"


def _file_fix(plan: Plan, data: bytes | None, steps: list[str], reason: str, seconds: float,
              name: str) -> FileFix:
    f = plan.file
    if plan.refused:
        return FileFix(f.name, Action.REFUSED, f.name, f.data, reason=plan.refused,
                       status="refused")
    if data is not None:
        action = Action.CONVERTED if plan.converts else Action.CLEANED
        if name != f.name:
            steps.append(f"rinominato / renamed: {name}")
        return FileFix(f.name, action, name, data, steps=steps, seconds=seconds, offered=True,
                       status="fixed")
    if reason:   # a tool failed: the original goes on, under a safe name if one was wanted
        reason = f"correzione non riuscita / fix failed: {reason}"
    if name != f.name:
        return FileFix(f.name, Action.RENAMED, name, f.data, steps=[*steps, f"renamed: {name}"],
                       reason=reason, seconds=seconds, offered=True,
                       status="failed" if reason else "fixed")
    return FileFix(f.name, Action.UNCHANGED, f.name, f.data, steps=steps, reason=reason,
                   seconds=seconds, status="failed" if reason else "unchanged")


def _recheck(fixes: list[FileFix], originals: list[InputFile], main: str, profile_id: str,
             settings: dict[str, Any] | None) -> Report:
    new_main = ""
    if main:
        new_main = next((fx.output for fx, f in zip(fixes, originals, strict=True)
                         if f.name == main), "")
    files = [InputFile(fx.output, fx.data) for fx in fixes]
    return engine.check_submission(Submission(profile=profile_id, main=new_main, files=files),
                                   settings)


def _left(report: Report, index: int, name: str) -> list[str]:
    doc = report.documents[index]
    found = [x for x in doc.findings if x.severity is not Severity.INFO]
    found += [x for x in report.message_findings if x.location == filenames.visible(name)
              and x.severity is not Severity.INFO]
    return sorted({x.code for x in found})


def _verify(plan: Plan, fx: FileFix, after: Report, level: str) -> bool:
    """Whether the changed file passes what it was fixed for; else put the original back.
    False when the original went back (the set must be checked again)."""
    if fx.status == "refused":
        fx.remaining = _left(after, plan.index, fx.output)
        return True
    doc = after.documents[plan.index]
    now = {x.code for x in doc.findings} | {
        x.code for x in after.message_findings if x.location == filenames.visible(fx.output)}
    errors_now = {x.code for x in _severe(doc.findings, after, fx.output)}
    fx.remaining = _left(after, plan.index, fx.output)
    fx.fixed = sorted(plan.before - now)
    if fx.action in (Action.UNCHANGED, Action.RENAMED) and fx.data is plan.file.data:
        if plan.blocked:
            fx.reason = fx.reason or blocked_reason(plan.blocked)
        return True
    problems = sorted(plan.targets & errors_now)
    new_errors = sorted(errors_now - plan.before - {"AV001"})
    if new_errors:
        problems += [f"nuovo / new {c}" for c in new_errors]
    if plan.converts:
        problems += _pdfa_problems(doc, level)
    pages_before = plan.document.facts.get("pdf_pages")
    if pages_before is not None and doc.facts.get("pdf_pages") != pages_before:
        problems.append(f"pagine / pages {pages_before} → {doc.facts.get('pdf_pages')}")
    if not problems:
        return True
    undecided = any(x.severity is Severity.NOT_CHECKED and x.code.startswith(("PDFA", "SYS"))
                    for x in doc.findings)
    _put_back(plan, fx, "; ".join(problems), undecided)
    return False


def _severe(findings: list[Finding], report: Report, name: str) -> list[Finding]:
    located = [x for x in report.message_findings if x.location == filenames.visible(name)]
    return [x for x in [*findings, *located] if x.severity is Severity.ERROR]


def _pdfa_problems(doc: Document, level: str) -> list[str]:
    """Empty when the check says the file is a PDF/A of `level` (veraPDF's word when it ran)."""
    facts = doc.facts
    claimed = facts.get("pdfa_flavour") or doc.format.details.get("pdfa")
    if claimed != level:
        return [f"non è PDF/A-{level} / not PDF/A-{level} (dichiara / claims {claimed or '—'})"]
    verdict = facts.get("pdfa_verapdf_compliant")
    if verdict is None:
        verdict = facts.get("pdfa_compliant")
    failing = sorted({x.code for x in doc.findings if x.code in PDFA_CODES})
    if verdict is False or failing:
        return [f"PDF/A-{level} non conforme / not conforming {', '.join(failing)}".strip()]
    if verdict is None:
        return [f"conformità PDF/A-{level} non verificata / not decided"]
    return []


def _put_back(plan: Plan, fx: FileFix, why: str, undecided: bool) -> None:
    """The fixed bytes are not offered: the original goes back into the set."""
    fx.data = plan.file.data
    fx.offered = False
    fx.fixed = []
    fx.status = "undetermined" if undecided else "failed"
    fx.reason = f"non offerto, resta l'originale / not offered, original kept: {why}"
    fx.steps.append("scartato / discarded")
    if fx.output != plan.file.name and not plan.rename:
        fx.output = plan.file.name       # the new name was only for the converted file
    fx.action = Action.RENAMED if fx.output != plan.file.name else Action.UNCHANGED


def _set_codes(report: Report) -> list[str]:
    return sorted({x.code for x in report.message_findings
                   if x.code in SET_CODES and x.severity is Severity.ERROR})

