"""Helpers shared by the content checks (office_ooxml, office_ole, odf, rtf, xmldoc, text): turning links
found in text into findings without flooding the report, and reading zip parts safely."""
from __future__ import annotations

from ..linkfinder import find_links
from .. import zipinspect
from ..model import CheckResult, Finding, Severity

MAX_FINDINGS_PER_CODE = 20   # a report lists the first ones; the last says how many more
MAX_TEXT_CHARS = 5_000_000   # text scanned for links per document


def capped(findings: list[Finding], limit: int = MAX_FINDINGS_PER_CODE,
           hidden: dict[str, int] | None = None) -> list[Finding]:
    """Keep at most `limit` findings per code; the last kept one says how many were left out
    (`hidden` counts findings of a code that were never even built, see Tally)."""
    hidden = hidden or {}
    by_code: dict[str, list[Finding]] = {}
    for f in findings:
        by_code.setdefault(f.code, []).append(f)
    out: list[Finding] = []
    for code, group in by_code.items():
        extra = max(0, len(group) - limit) + hidden.get(code, 0)
        keep = group[:limit] if extra else group
        if extra:
            last = keep[-1]
            keep[-1] = Finding(last.code, last.severity, f"{last.detail} (e altri {extra} casi simili)",
                               last.location, dict(last.args))
        out.extend(keep)
    return out


class Tally:
    """Collects findings but builds at most `keep` per code: a sheet with a million formulas
    must not become a million objects inside a memory-capped worker."""

    def __init__(self, keep: int = MAX_FINDINGS_PER_CODE):
        self.keep = keep
        self.findings: list[Finding] = []
        self.hidden: dict[str, int] = {}
        self._count: dict[str, int] = {}

    def full(self, code: str) -> bool:
        return self._count.get(code, 0) >= self.keep

    def add(self, finding: Finding) -> None:
        n = self._count.get(finding.code, 0)
        self._count[finding.code] = n + 1
        if n < self.keep:
            self.findings.append(finding)
        else:
            self.hidden[finding.code] = self.hidden.get(finding.code, 0) + 1

    def skip(self, code: str) -> None:
        """Count one more finding of `code` without building it."""
        self._count[code] = self._count.get(code, 0) + 1
        self.hidden[code] = self.hidden.get(code, 0) + 1


def text_link_findings(text: str, code: str | dict[str, str], where: str = "",
                       with_lines: bool = False) -> list[Finding]:
    """One finding per link written in `text` (URL, e-mail, UNC path or bare domain).

    `code` is one rule code, or a map link kind -> code ("url", "email", "unc", "domain").
    With one code, bare domains are only a hint and are reported as warnings."""
    findings = []
    line, counted = 1, 0   # lines counted incrementally: links come in text order
    for link in find_links(text[:MAX_TEXT_CHARS]):
        location = where
        if with_lines:
            line += text.count("\n", counted, link.start)
            counted = link.start
            location = f"{where + ', ' if where else ''}riga {line}"
        if isinstance(code, dict):
            findings.append(Finding(code[link.kind], detail=link.text, location=location,
                                    args={"kind": link.kind}))
        else:
            severity = None if link.is_error else Severity.WARNING
            findings.append(Finding(code, severity, detail=link.text, location=location,
                                    args={"kind": link.kind}))
    return findings


# Word field instructions (docx w:instrText / w:fldSimple, RTF \fldinst) that run a program
# or open/load something outside the document.
DDE_FIELDS = {"DDE", "DDEAUTO"}
LINK_FIELDS = {"HYPERLINK", "INCLUDEPICTURE", "INCLUDETEXT", "INCLUDE", "IMPORT", "LINK", "RD"}


def classify_field(instruction: str) -> tuple[str, str] | None:
    """(FIELD, target) for a field that is DDE or links outside; None for PAGE, DATE, …

    'HYPERLINK \\l "bookmark"' jumps inside the document and is not a link."""
    words = instruction.replace("\u00a0", " ").strip().split(None, 1)
    if not words:
        return None
    name = words[0].upper().lstrip("\\")
    rest = words[1].strip() if len(words) > 1 else ""
    if name not in DDE_FIELDS and name not in LINK_FIELDS:
        return None
    if name == "HYPERLINK" and (rest.startswith("\\l") or not rest):
        return None
    if name in DDE_FIELDS:
        return name, " ".join(rest.split())[:300]
    target = rest.split('"')[1] if rest.count('"') >= 2 else rest.split(" ")[0]
    return name, target[:300]


def zip_problem_it(problem) -> str:
    """A zipinspect problem in words a citizen reads in the ARC002 text."""
    labels = {
        "too_many_entries": "contiene troppi file", "too_large": "dichiara dimensioni enormi",
        "entry_too_large": "un file interno dichiara dimensioni enormi",
        "entry_ratio": "un file interno è compresso in modo anomalo",
        "total_ratio": "il contenuto è compresso in modo anomalo",
        "overlap": "i file interni si sovrappongono", "header_mismatch": "l'indice non corrisponde ai dati",
        "corrupt": "l'archivio è danneggiato o troncato",
        "nested_too_deep": "contiene troppi archivi uno dentro l'altro",
    }
    return labels.get(problem.kind.value, problem.kind.value)


def unreadable_zip(report: zipinspect.ZipReport, corrupt_code: str) -> CheckResult:
    """The finding for a zip-based document that is not safe to open: damaged (the format's
    own code, e.g. ODF010) or dangerous to decompress (ARC002)."""
    problem = next(p for p in report.problems if p.kind.blocking)
    if problem.kind is zipinspect.ZipProblemKind.CORRUPT:
        return CheckResult(findings=[Finding(corrupt_code, detail=problem.detail, location=problem.entry)])
    return CheckResult(findings=[Finding("ARC002", detail=problem.detail, location=problem.entry,
                                         args={"problem": zip_problem_it(problem)})])
