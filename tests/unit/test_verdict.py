"""Verdict semantics (issue 2 §7): fix on any error; undetermined when a required check could
not run; otherwise ready — warnings and infos do not block."""
from __future__ import annotations

import dataclasses

from checker import engine, profiles
from checker.model import Document, Finding, FormatInfo, Severity, Verdict


def doc(*findings):
    return Document(name="a.pdf", sha256="0" * 64, size=1, parent=None, depth=0,
                    format=FormatInfo(id="pdf"), findings=list(findings))


GENERIC = profiles.get("generic")


def test_ready_when_only_warnings_and_infos():
    verdict, reasons = engine.decide(
        [doc(Finding("SYS004", Severity.WARNING), Finding("SYS004", Severity.INFO))], [], GENERIC)
    assert verdict is Verdict.READY and reasons == []


def test_fix_when_any_error_even_beside_not_checked():
    verdict, _ = engine.decide(
        [doc(Finding("SYS001", Severity.NOT_CHECKED, check="pdfa"))],
        [Finding("SYS004", Severity.ERROR)], GENERIC)
    assert verdict is Verdict.FIX


def test_undetermined_when_a_required_rule_could_not_run():
    verdict, reasons = engine.decide(
        [doc(Finding("SYS001", Severity.NOT_CHECKED, args={"check": "pdfa"}, check="pdfa"))],
        [], GENERIC)
    assert verdict is Verdict.UNDETERMINED
    assert reasons and "pdfa" in reasons[0]


def test_not_checked_blocks_only_when_the_rule_or_the_profile_requires_it():
    # SYS004 is not `required` in the catalogue: as not_checked it blocks only where the
    # profile lists the check that emitted it in required_checks.
    skipped = Finding("SYS004", Severity.NOT_CHECKED, check="antivirus")
    relaxed = dataclasses.replace(GENERIC, required_checks=())
    strict = dataclasses.replace(GENERIC, required_checks=("antivirus",))
    assert engine.decide([doc(skipped)], [], relaxed)[0] is Verdict.READY
    assert engine.decide([doc(skipped)], [], strict)[0] is Verdict.UNDETERMINED


def test_profile_can_lower_or_switch_off_a_rule():
    softer = dataclasses.replace(GENERIC, severity={"SYS004": "warning"})
    off = dataclasses.replace(GENERIC, severity={"SYS004": "off"})
    finding = Finding("SYS004")
    assert engine._resolve([finding], GENERIC)[0].severity is Severity.ERROR
    assert engine._resolve([finding], softer)[0].severity is Severity.WARNING
    assert engine._resolve([finding], off) == []


def test_PDFA003_a_claimed_level_the_validator_does_not_know_is_not_checked(monkeypatch):
    # A real PDF (samples/gen_pdfa.py) whose XMP claims "PDF/A-9B": no such flavour, so the
    # built-in validator decides nothing — never PDFA002 ("pre-check passed"). veraPDF is
    # kept out so that the built-in's own findings stay on the document.
    monkeypatch.setenv("PEC_PRECHECK_VERAPDF_HOME", "/nonexistent")
    import importlib.util
    from pathlib import Path

    from checker.model import InputFile, Submission
    spec = importlib.util.spec_from_file_location(
        "gen_pdfa", Path(__file__).resolve().parents[2] / "samples" / "gen_pdfa.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)

    def pdfa_findings(part):
        rep = engine.check_submission(Submission(files=[InputFile("domanda.pdf", gen._pdf(part=part))]))
        [document] = rep.documents
        return document, [f for f in document.findings if f.check == "pdfa"]

    document, found = pdfa_findings(9)
    assert document.format.details["pdfa"] == "9b"
    assert [(f.code, f.severity) for f in found] == [("PDFA003", Severity.NOT_CHECKED)]
    assert found[0].args["reason"] == "il file dichiara un livello PDF/A non gestito: «9b»"
    _, known = pdfa_findings(2)
    assert [f.code for f in known] == ["PDFA002"]
