"""Check "pdfa": PDF/A conformance of a PDF with the built-in validator (checker/pdfa/).

Runs on every PDF. A file that claims PDF/A is validated against its claim; a plain PDF
gets an information finding (PDFA001). A profile may force the flavour with the extra key
`pdfa_flavour = "2b"`. When veraPDF is installed, its batch check supersedes this one
(see checker/checks/__init__.py BatchCheck.supersedes).
"""
from __future__ import annotations

from .. import pdfa
from ..model import CheckResult, Finding, FormatInfo, InputFile
from ..pdfa import clauses
from . import Check, CheckContext

ENGINE = "built-in validator"


def run(file: InputFile, fmt: FormatInfo, ctx: CheckContext) -> CheckResult:
    claim = fmt.details.get("pdfa") if fmt.details else None
    override = ctx.profile.extra.get("pdfa_flavour") if ctx.profile.extra else None
    if not claim and not override:
        return CheckResult(findings=[Finding("PDFA001")], engine=ENGINE)
    report = pdfa.validate(file.data, override or None)
    return CheckResult(findings=findings_for(report), engine=ENGINE,
                       facts={"pdfa_flavour": report.flavour.id if report.flavour else None,
                              "pdfa_compliant": report.compliant,
                              "pdfa_failed_clauses": report.failed_clauses})


def findings_for(report: pdfa.PdfaReport) -> list[Finding]:
    """One finding per failed requirement, then the pre-check notice or the undecided one."""
    out = []
    for failure in report.failures:
        family = clauses.family_of(failure)
        cite = clauses.citation(failure)
        out.append(Finding(family.code,
                           detail=f"{cite} (test {failure.test}): {failure.detail}",
                           location=failure.location,
                           args={"clause": cite, "test": failure.key}))
    if report.compliant is None:
        out.append(Finding("PDFA003", detail=report.not_checked_reason or "",
                           args={"reason": report.not_checked_reason or "motivo sconosciuto"}))
    else:
        out.append(Finding("PDFA002", args={"uncovered": clauses.UNCOVERED_IT}))
    return out


CHECKS = [Check(name="pdfa", formats={"pdf"}, run=run, label_it="Conformità PDF/A", label_en="PDF/A conformance")]
