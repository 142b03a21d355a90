"""veraPDF as the PDF/A authority (BatchCheck, once per submission in the parent process).

Which veraPDF: the warm pool (checker/verapdf_pool.py, built by `make install`) when it is
built, else an external launcher (VERAPDF or `verapdf` on PATH, checker/verapdf.py), else
none. Only files whose XMP claims PDF/A are sent, with that claim as the flavour (veraPDF
would otherwise judge a plain PDF as PDF/A-1b); the built-in check reports the others.

- veraPDF decided: its verdict replaces the built-in findings on that document
  (supersedes="pdfa") and the engine label names veraPDF and its version.
- veraPDF absent, timed out, crashed or could not parse the file: a VPDF002 not_checked
  finding says so and the built-in findings and engine label stand. Never a silent pass.
- Both decided: the engine hands over the built-in verdict the "pdfa" check already left on
  the document, and compare() counts the differences rule by rule
  (checker/pdfa_disagreements.py).
"""
from __future__ import annotations

import time
from typing import Any

from .. import pdfa_disagreements, verapdf, verapdf_pool
from ..model import CheckResult, Finding, FormatInfo, InputFile, Severity
from . import BatchCheck, CheckContext

MAX_FAILURES = 50
NOT_INSTALLED = f"veraPDF non installato ({verapdf_pool.INSTALL_HINT})"


def claimed_flavour(file: InputFile, fmt: FormatInfo) -> str | None:
    """veraPDF's flavour id ("1b", "2u", "4e") for the XMP claim identification read, or None
    (no claim: the file is not sent, veraPDF would silently judge it as 1b)."""
    part, conf = fmt.details.get("pdfa_part"), str(fmt.details.get("pdfa_conformance") or "")
    if not part:
        return None
    if int(part) >= 4:
        return str(part) + (conf if conf in ("e", "f") else "")
    return f"{part}{conf or 'b'}"


def run_batch(items: list[tuple[InputFile, FormatInfo]], ctx: CheckContext) -> dict[int, CheckResult]:
    picked = [(n, f, claimed_flavour(f, fmt)) for n, (f, fmt) in enumerate(items)]
    picked = [(n, f, fl) for n, f, fl in picked if fl]
    if not picked:
        return {}
    timeout = float(ctx.settings.get("verapdf_timeout") or verapdf.DEFAULT_TIMEOUT)
    files = [(f.name, f.data) for _, f, _ in picked]
    flavours: list[str | None] = [fl for _, _, fl in picked]
    exe = None if verapdf_pool.installed() else verapdf.locate(ctx.settings)
    if not verapdf_pool.installed() and exe is None:
        return {n: _not_checked(NOT_INSTALLED) for n, _, _ in picked}
    if exe is None:
        results = _validate_warm(files, flavours, timeout)
    else:
        results = verapdf.validate(files, flavours, timeout=timeout, settings={"verapdf": exe})
    out: dict[int, CheckResult] = {}
    fallback_version = ""
    if exe and any(r.compliant is not None and not r.version for r in results):
        fallback_version = verapdf.version(exe)  # a report without buildInformation
    for (n, _, fl), res in zip(picked, results, strict=True):  # one result per file
        if res.not_checked_reason or res.compliant is None:
            out[n] = _not_checked(res.not_checked_reason or "nessun esito")
            continue
        out[n] = _decided(res, str(fl), f"veraPDF {res.version or fallback_version}".strip())
    return out


def _validate_warm(files: list[tuple[str, bytes]], flavours: list[str | None],
                   timeout: float) -> list[verapdf.VeraResult]:
    """The warm pool, file by file, within one deadline for the whole submission."""
    deadline = time.monotonic() + timeout
    shared = verapdf_pool.pool()
    results = []
    for (name, data), flavour in zip(files, flavours, strict=True):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            results.append(verapdf.VeraResult(name=name, flavour=flavour, compliant=None,
                                              not_checked_reason=f"timeout after {timeout:g} s"))
            continue
        per_file = min(remaining, shared.settings.timeout)
        results.append(shared.validate(data, flavour, name=name, timeout=per_file))
    return results


def _not_checked(reason: str) -> CheckResult:
    return CheckResult(findings=[Finding("VPDF002", severity=Severity.NOT_CHECKED,
                                         detail=reason, args={"reason": reason})])


def _decided(res: verapdf.VeraResult, flavour: str, engine: str) -> CheckResult:
    findings = []
    for clause, test, description in res.failures[:MAX_FAILURES]:
        findings.append(Finding("VPDF001", detail=description, location=f"{clause}, test {test}",
                                args={"clause": clause, "test": test,
                                      "flavour": flavour.upper(), "description": description}))
    if not res.compliant and not findings:
        findings.append(Finding("VPDF001", detail="", args={"clause": "ISO 19005",
                                                            "flavour": flavour.upper()}))
    return CheckResult(findings=findings, engine=engine,
                       facts={"pdfa_verapdf_compliant": res.compliant,
                              "pdfa_verapdf_failed_clauses": list(res.failed_clauses)})


def compare(name: str, builtin_facts: dict[str, Any], result: CheckResult) -> None:
    """Count where the built-in validator (the "pdfa" check's facts) and veraPDF disagree."""
    if "pdfa_compliant" not in builtin_facts:
        return  # the built-in did not validate this file (no claim, or it did not run)
    pdfa_disagreements.record(name, builtin_facts["pdfa_compliant"],
                              list(builtin_facts.get("pdfa_failed_clauses") or []),
                              result.facts.get("pdfa_verapdf_compliant"),
                              list(result.facts.get("pdfa_verapdf_failed_clauses") or []))


BATCH_CHECKS = [BatchCheck(name="verapdf", formats={"pdf"}, run=run_batch, supersedes="pdfa", compare=compare,
                           label_it="Conformità PDF/A (veraPDF)", label_en="PDF/A conformance (veraPDF)")]
