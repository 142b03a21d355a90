"""Helpers for the content-check tests: build a sample with samples/gen_content.py, identify
it by content (the real identifier), and run one check on it in this process or through
the engine (real bounded workers)."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "samples"))

import gen_content  # noqa: E402

from checker import checks, engine, identify, profiles  # noqa: E402
from checker.model import CheckResult, Finding, FormatInfo, InputFile, Submission  # noqa: E402

SETTINGS = {**checks.settings_from_env(), "clamd": ""}  # antivirus "not configured" unless a test says
CTX = checks.CheckContext(profiles.get("generic"), SETTINGS)


def identified(name: str, data: bytes) -> FormatInfo:
    result = identify.identify_job(InputFile(name, data), CTX)
    assert result.format is not None
    return result.format


def run_check(check_name: str, name: str, data: bytes, expect_format: str | None = None) -> CheckResult:
    """Identify `data` and run the named check on it in-process (same function the worker runs)."""
    fmt = identified(name, data)
    if expect_format:
        assert fmt.id == expect_format, (name, fmt.id)
    check = next(c for c in checks.CHECKS if c.name == check_name)
    assert check.applies_to(fmt), (check_name, fmt.id)
    result = check.run(InputFile(name, data), fmt, CTX)
    assert isinstance(result, CheckResult)
    return result


def case(name: str) -> bytes:
    return gen_content.CASES[name][0]()


def codes(result_or_findings) -> set[str]:
    findings = getattr(result_or_findings, "findings", result_or_findings)
    return {f.code for f in findings}


def only(findings, code: str) -> list[Finding]:
    return [f for f in getattr(findings, "findings", findings) if f.code == code]


def check_through_engine(files: dict[str, bytes], profile: str = "generic", settings=None):
    """One submission through engine.check_submission: identification and checks in workers.
    The message facts are complete and right, so only the documents decide the verdict."""
    sub = Submission(profile=profile, sender="mario.rossi@pec.it",
                     subject="Istanza di accesso agli atti - Mario Rossi", doc_type="istanza",
                     recipient=profiles.get(profile).protocol_address, main=next(iter(files)),
                     files=[InputFile(n, d) for n, d in files.items()])
    return engine.check_submission(sub, settings=settings if settings is not None else SETTINGS)


def doc_findings(report, name: str, check: str | None = None) -> list[Finding]:
    doc = next(d for d in report.documents if d.name == name)
    return [f for f in doc.findings if check is None or f.check == check]
