"""veraPDF as the PDF/A authority when a deployment has it (BatchCheck, one JVM per
flavour group per submission; see checker/verapdf.py for how it is run).

Absent veraPDF: nothing is returned, so the built-in validator's findings and engine label
("pdfa" check) stand. Present: a verdict replaces the built-in findings on that document
(supersedes="pdfa", the engine logs any disagreement) and the engine label says which
veraPDF decided. A veraPDF failure (timeout, crash, exit 2-12) is a not_checked finding and
the built-in findings stay. Files without a PDF/A claim are not sent (veraPDF would judge
them as PDF/A-1b silently): the built-in check reports them.
"""
from __future__ import annotations

from .. import verapdf
from ..model import CheckResult, Finding, FormatInfo, InputFile, Severity
from . import BatchCheck, CheckContext

MAX_FAILURES = 50


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
    exe = verapdf.locate(ctx.settings)
    if exe is None:
        return {}
    picked = [(n, f, claimed_flavour(f, fmt)) for n, (f, fmt) in enumerate(items)]
    picked = [(n, f, fl) for n, f, fl in picked if fl]
    if not picked:
        return {}
    timeout = float(ctx.settings.get("verapdf_timeout") or verapdf.DEFAULT_TIMEOUT)
    results = verapdf.validate([(f.name, f.data) for _, f, _ in picked],
                               [fl for _, _, fl in picked], timeout=timeout,
                               settings={"verapdf": exe})
    out: dict[int, CheckResult] = {}
    fallback_version = ""
    if any(r.compliant is not None and not r.version for r in results):
        fallback_version = verapdf.version(exe)  # a report without buildInformation
    for (n, _, fl), res in zip(picked, results):
        engine = f"veraPDF {res.version or fallback_version}".strip()
        if res.not_checked_reason or res.compliant is None:
            reason = res.not_checked_reason or "nessun esito"
            out[n] = CheckResult(findings=[Finding("VPDF002", severity=Severity.NOT_CHECKED,
                                                   detail=reason, args={"reason": reason})])
            continue
        findings = []
        for clause, test, description in res.failures[:MAX_FAILURES]:
            findings.append(Finding("VPDF001", detail=description,
                                    location=f"{clause}, test {test}",
                                    args={"clause": clause, "test": test,
                                          "flavour": fl.upper(), "description": description}))
        if not res.compliant and not findings:
            findings.append(Finding("VPDF001", detail="", args={"clause": "ISO 19005",
                                                                "flavour": fl.upper()}))
        out[n] = CheckResult(findings=findings, engine=engine,
                             facts={"pdfa_verapdf_compliant": res.compliant})
    return out


BATCH_CHECKS = [BatchCheck(name="verapdf", formats={"pdf"}, run=run_batch, supersedes="pdfa",
                           label_it="Conformità PDF/A (veraPDF)")]
