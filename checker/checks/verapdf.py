"""veraPDF as the PDF/A authority (BatchCheck, once per submission in the parent process).

Which veraPDF: the warm pool (checker/verapdf_pool.py, built by `make install`) when it is
built, else an external launcher (VERAPDF or `verapdf` on PATH, checker/verapdf.py), else
none. Only files whose XMP claims PDF/A are sent, with that claim as the flavour (veraPDF
would otherwise judge a plain PDF as PDF/A-1b); the built-in check reports the others.

- veraPDF decided: its verdict replaces the built-in findings on that document
  (supersedes="pdfa") and the engine label names veraPDF and its version.
- veraPDF absent, timed out, crashed or could not parse the file: a VPDF002 not_checked
  finding says so and the built-in findings and engine label stand. Never a silent pass.
- Both decided: the built-in verdict, computed alongside in a bounded worker, is compared
  rule by rule and differences are counted (checker/pdfa_disagreements.py).
"""
from __future__ import annotations

import threading
import time

from .. import isolation, pdfa, pdfa_disagreements, verapdf, verapdf_pool
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
    builtin = _BuiltinAlongside(picked)  # uses the other core while veraPDF works
    if exe is None:
        results = _validate_warm(files, flavours, timeout)
    else:
        results = verapdf.validate(files, flavours, timeout=timeout, settings={"verapdf": exe})
    verdicts = builtin.wait()
    out: dict[int, CheckResult] = {}
    fallback_version = ""
    if exe and any(r.compliant is not None and not r.version for r in results):
        fallback_version = verapdf.version(exe)  # a report without buildInformation
    for (n, f, fl), res in zip(picked, results):
        if res.not_checked_reason or res.compliant is None:
            out[n] = _not_checked(res.not_checked_reason or "nessun esito")
            continue
        if n in verdicts:
            pdfa_disagreements.record(f.name, *verdicts[n], res.compliant, res.failed_clauses)
        out[n] = _decided(res, str(fl), f"veraPDF {res.version or fallback_version}".strip())
    return out


def _validate_warm(files: list[tuple[str, bytes]], flavours: list[str | None],
                   timeout: float) -> list[verapdf.VeraResult]:
    """The warm pool, file by file, within one deadline for the whole submission."""
    deadline = time.monotonic() + timeout
    shared = verapdf_pool.pool()
    results = []
    for (name, data), flavour in zip(files, flavours):
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
                       facts={"pdfa_verapdf_compliant": res.compliant})


def builtin_verdict(data: bytes, flavour: str) -> CheckResult:
    """The built-in validator's verdict as facts (run in a bounded worker, for comparison)."""
    report = pdfa.validate(data, flavour)
    return CheckResult(facts={"compliant": report.compliant,
                              "failed_clauses": report.failed_clauses})


class _BuiltinAlongside:
    """The built-in verdicts of the picked files, computed in isolation workers in a thread."""

    def __init__(self, picked: list[tuple[int, InputFile, str | None]]) -> None:
        self.jobs = [isolation.Job(label="pdfa", fn=builtin_verdict, args=(f.data, fl), key=n)
                     for n, f, fl in picked]
        self.thread = threading.Thread(target=isolation.run_jobs, args=(self.jobs,), daemon=True)
        self.thread.start()

    def wait(self) -> dict[int, tuple[bool | None, list[str]]]:
        self.thread.join()
        verdicts = {}
        for job in self.jobs:
            facts = job.result.facts if job.result else {}
            if "compliant" in facts:
                verdicts[job.key] = (facts["compliant"], list(facts.get("failed_clauses") or []))
        return verdicts


BATCH_CHECKS = [BatchCheck(name="verapdf", formats={"pdf"}, run=run_batch, supersedes="pdfa",
                           label_it="Conformità PDF/A (veraPDF)")]
