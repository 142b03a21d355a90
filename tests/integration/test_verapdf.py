"""The EXTERNAL-LAUNCHER path (checker/verapdf.py, a `verapdf` script named by VERAPDF):
report parsing on documents written to veraPDF's published schema, and process handling
(absent, timeout, crash, exit codes) with real processes. The scripts in
tests/fake_verapdf/ are stand-in launchers: these tests check our process handling and
say nothing about what veraPDF decides. veraPDF's own behaviour is tested with the real
veraPDF, through the warm pool, in tests/test_verapdf_warm.py.

Every test here hides the warm pool (PEC_PRECHECK_VERAPDF_HOME -> an empty folder), since
the check prefers the pool whenever it is built."""
from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path

import pikepdf
import pytest

from checker import catalogue, engine, verapdf
from checker.checks import settings_from_env
from checker.model import InputFile, Severity, Submission

FAKE = Path(__file__).resolve().parents[1] / "fixtures" / "fake_verapdf"
NO_POOL = "/nonexistent/verapdf-build"


@pytest.fixture(autouse=True)
def _launcher_only(monkeypatch):
    monkeypatch.setenv("PEC_PRECHECK_VERAPDF_HOME", NO_POOL)
REPORT, SLEEP, EXIT7, CRASH, GARBAGE = (str(FAKE / n) for n in (
    "verapdf_report", "verapdf_sleep", "verapdf_exit7", "verapdf_crash", "verapdf_garbage"))

# -- reports written by hand to veraPDF's schema ----------------------------------------------

XML_REPORT = b"""<?xml version="1.0" encoding="utf-8"?>
<report>
  <buildInformation>
    <releaseDetails id="core" version="1.24.1" buildDate="2023-07-27T11:55:00+02:00"/>
    <releaseDetails id="validation-model" version="1.24.1" buildDate="2023-07-27T12:03:00+02:00"/>
    <releaseDetails id="gui" version="1.24.2" buildDate="2023-08-01T10:22:00+02:00"/>
  </buildInformation>
  <jobs>
    <job>
      <item size="2345"><name>/tmp/x/000.pdf</name></item>
      <validationReport jobEndStatus="normal" profileName="PDF/A-2B validation profile"
          statement="PDF file is compliant with Validation Profile requirements." isCompliant="true">
        <details passedRules="144" failedRules="0" passedChecks="1502" failedChecks="0"/>
      </validationReport>
      <duration start="1690451234000" finish="1690451234300">00:00:00.300</duration>
    </job>
    <job>
      <item size="9999"><name>/tmp/x/001.pdf</name></item>
      <validationReport jobEndStatus="normal" profileName="PDF/A-2B validation profile"
          statement="PDF file is not compliant with Validation Profile requirements." isCompliant="false">
        <details passedRules="142" failedRules="2" passedChecks="1400" failedChecks="3">
          <rule specification="ISO 19005-2:2011" clause="6.2.11.4.1" testNumber="1" status="failed"
              failedChecks="2" tags="font">
            <description>The font programs for all fonts used for rendering within a conforming
              file shall be embedded within that file</description>
            <object>PDFont</object>
            <test>Subtype == "Type3" || fontFile_size == 1</test>
            <check status="failed">
              <context>root/document[0]/pages[0]/contentStream[0]/operators[3]/font[0](Arial)</context>
              <errorMessage>The font program is not embedded</errorMessage>
            </check>
          </rule>
          <rule specification="ISO 19005-2:2011" clause="6.1.3" testNumber="4" status="failed" failedChecks="1">
            <description>The Encrypt key shall not be present in the trailer dictionary</description>
            <object>CosTrailer</object><test>isEncrypted != true</test>
          </rule>
          <rule specification="ISO 19005-2:2011" clause="6.1.2" testNumber="1" status="passed" passedChecks="1">
            <description>Header</description>
          </rule>
        </details>
      </validationReport>
    </job>
    <job>
      <item size="12"><name>/tmp/x/002.pdf</name></item>
      <taskException type="PARSE" isExecuted="true" isSuccess="false">
        <exceptionMessage>Couldn't parse stream</exceptionMessage>
      </taskException>
    </job>
  </jobs>
  <batchSummary totalJobs="3" failedToParse="1" encrypted="0" outOfMemory="0" veraExceptions="0"/>
</report>
"""


def _json_report(validation_result) -> str:
    return json.dumps({"report": {
        "buildInformation": {"releaseDetails": [
            {"id": "core", "version": "1.28.1", "buildDate": 1735689600000},
            {"id": "gui", "version": "1.28.2", "buildDate": 1735689600000}]},
        "jobs": [{"itemDetails": {"name": "/tmp/y/000.pdf", "size": 2345},
                  "validationResult": validation_result,
                  "processingTime": {"start": 1, "finish": 2, "duration": "00:00:00.001",
                                     "difference": 1}}],
        "batchSummary": {"totalJobs": 1, "failedToParse": 0, "encrypted": 0}}})


_RESULT = {
    "details": {"passedRules": 143, "failedRules": 1, "passedChecks": 100, "failedChecks": 1,
                "ruleSummaries": [{
                    "ruleStatus": "FAILED", "specification": "ISO 19005-1:2005", "clause": "6.7.3",
                    "testNumber": 1, "status": "failed", "failedChecks": 1,
                    "description": "If a document information dictionary does appear at a "
                                   "document, then all of its entries that have analogous "
                                   "properties in predefined XMP schemas shall also be embedded",
                    "object": "CosInfo", "test": "doesInfoMatchXMP", "checks": []}]},
    "jobEndStatus": "normal", "profileName": "PDF/A-1B validation profile",
    "statement": "PDF file is not compliant with Validation Profile requirements.",
    "compliant": False,
}


def test_xml_report_parser_reads_verdicts_failed_rules_and_task_exceptions():
    jobs, version = verapdf.parse_xml_report(XML_REPORT)
    assert version == "1.24.2"
    ok, bad, broken = jobs
    assert ok.name == "/tmp/x/000.pdf" and ok.compliant is True and ok.failures == []
    assert bad.compliant is False and bad.profile == "PDF/A-2B validation profile"
    assert [(s, c, t) for s, c, t, _ in bad.failures] == [
        ("ISO 19005-2:2011", "6.2.11.4.1", "1"), ("ISO 19005-2:2011", "6.1.3", "4")]
    assert bad.failures[0][3].startswith("The font programs for all fonts used for rendering within a conforming file")
    assert broken.compliant is None and "Couldn't parse stream" in broken.error


def test_json_report_parser_reads_the_object_shape_up_to_1_26():
    jobs, version = verapdf.parse_json_report(_json_report(_RESULT))
    assert version == "1.28.2"
    (job,) = jobs
    assert job.compliant is False and job.failures[0][:3] == ("ISO 19005-1:2005", "6.7.3", "1")


def test_json_report_parser_reads_the_list_shape_from_1_28():
    passing = dict(_RESULT, compliant=True, details={"ruleSummaries": []})
    (job,), _ = verapdf.parse_json_report(_json_report([_RESULT]))
    assert job.compliant is False and len(job.failures) == 1
    (job,), _ = verapdf.parse_json_report(_json_report([passing]))
    assert job.compliant is True and job.failures == []


@pytest.mark.parametrize("bad", [b"", b"not xml", b"<html/>",
                                 b'<!DOCTYPE r [<!ENTITY x "y">]><report>&x;</report>'])
def test_xml_report_parser_refuses_what_is_not_a_report(bad):
    try:
        jobs, _ = verapdf.parse_xml_report(bad)
    except ValueError:
        return
    assert jobs == []  # an entity is not expanded into a job


# -- locating ------------------------------------------------------------------------------------

def test_locate_prefers_settings_then_env_then_path(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("VERAPDF", raising=False)
    assert verapdf.locate({}) is None
    monkeypatch.setenv("VERAPDF", REPORT)
    assert verapdf.locate(None) == REPORT
    assert verapdf.locate({"verapdf": EXIT7}) == EXIT7
    launcher = tmp_path / "verapdf"
    launcher.symlink_to(REPORT)
    monkeypatch.delenv("VERAPDF")
    assert verapdf.locate({"verapdf": ""}) == str(launcher)


def test_version_asks_the_launcher():
    assert verapdf.version(REPORT) == "1.26.2"


# -- real processes ------------------------------------------------------------------------------

FILES = [("a.pdf", b"%PDF-1.7 ok"), ("b.pdf", b"%PDF-1.7 FAKE-NONCOMPLIANT"),
         ("c.pdf", b"%PDF-1.7 no claim"), ("d.pdf", b"%PDF-1.7 FAKE-PARSE-ERROR"),
         ("e.pdf", b"%PDF-1.7 other flavour")]
FLAVOURS = ["2b", "2b", None, "2b", "1b"]


def test_validate_runs_one_invocation_per_flavour_group_with_capped_heap(tmp_path, monkeypatch):
    log = tmp_path / "calls.jsonl"
    monkeypatch.setenv("FAKE_VERAPDF_LOG", str(log))
    a, b, c, d, e = verapdf.validate(FILES, FLAVOURS, timeout=60, settings={"verapdf": REPORT},
                                     heap_mb=256)
    assert a.compliant is True and a.version == "1.26.2" and a.not_checked_reason is None
    assert b.compliant is False
    assert b.failed_clauses == ["2:6.2.11.4.1-1", "2:6.6.2.1-1"]
    assert b.failures[0] == ("ISO 19005-2 6.2.11.4.1", "1", "The font programs for all fonts used "
                             "for rendering within a conforming file shall be embedded")
    assert c.compliant is None and c.not_checked_reason == verapdf.NO_CLAIM
    assert d.compliant is None and "exit 7" in d.not_checked_reason and "parse" in d.not_checked_reason
    assert e.compliant is True and e.flavour == "1b"
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert sorted(c["argv"][c["argv"].index("--flavour") + 1] for c in calls) == ["1b", "2b"]
    for call in calls:
        assert call["argv"][:2] == ["--format", "xml"]
        assert "-Xmx256m" in call["java_opts"] and call["home_writable"]
        assert not Path(call["cwd"]).exists()  # the private directory is gone
    two_b = next(c for c in calls if "2b" in c["argv"])
    assert len([a for a in two_b["argv"] if a.endswith(".pdf")]) == 3  # one JVM for the group


def test_files_without_a_claim_are_never_sent(tmp_path, monkeypatch):
    log = tmp_path / "calls.jsonl"
    monkeypatch.setenv("FAKE_VERAPDF_LOG", str(log))
    (r,) = verapdf.validate([("c.pdf", b"%PDF")], [None], settings={"verapdf": REPORT})
    assert r.not_checked_reason == verapdf.NO_CLAIM and not log.exists()


def test_absent_verapdf_is_not_checked_for_claimed_files(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("VERAPDF", raising=False)
    (r,) = verapdf.validate([("a.pdf", b"%PDF")], ["2b"], settings={})
    assert r.compliant is None and r.not_checked_reason == verapdf.NOT_AVAILABLE


def test_timeout_kills_the_whole_process_group(tmp_path, monkeypatch):
    log = tmp_path / "pids"
    monkeypatch.setenv("FAKE_VERAPDF_LOG", str(log))
    started = time.monotonic()
    (r,) = verapdf.validate([("a.pdf", b"%PDF")], ["2b"], timeout=1.5, settings={"verapdf": SLEEP})
    assert time.monotonic() - started < 10
    assert r.compliant is None and "timeout" in r.not_checked_reason
    child = int(log.read_text().split()[0])
    for _ in range(50):  # the launcher's child (its "JVM") must be gone too
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"child process {child} survived the timeout")


@pytest.mark.parametrize("launcher, expected", [
    (EXIT7, "exit 7: failed to parse"),
    (CRASH, "crashed (signal 11)"),
    (GARBAGE, "unreadable veraPDF report"),
])
def test_failures_become_not_checked_reasons(launcher, expected):
    (r,) = verapdf.validate([("a.pdf", b"%PDF")], ["2b"], timeout=30, settings={"verapdf": launcher})
    assert r.compliant is None and expected in r.not_checked_reason


# -- the BatchCheck through the engine -----------------------------------------------------------

def _pdfa(marker: bytes = b"") -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["pdfaid:part"] = "2"
        meta["pdfaid:conformance"] = "B"
    buf = io.BytesIO()
    pdf.save(buf, deterministic_id=True)
    return buf.getvalue() + (b"%" + marker + b"\n" if marker else b"")


def _check(files, **settings):
    merged = {**settings_from_env(), **settings}
    return engine.check_submission(Submission(files=[InputFile(n, d) for n, d in files]), merged)


def test_engine_uses_the_launchers_verdict_and_drops_builtin_pdfa_findings():
    report = _check([("buono.pdf", _pdfa()), ("cattivo.pdf", _pdfa(b"FAKE-NONCOMPLIANT"))],
                    verapdf=REPORT)
    good, bad = report.documents
    for doc in (good, bad):
        assert doc.engines.get("verapdf") == "veraPDF 1.26.2"
        assert not [f for f in doc.findings if f.check == "pdfa"]
        assert "pdfa" not in doc.engines
    assert not [f for f in good.findings if f.check == "verapdf"]
    failed = [f for f in bad.findings if f.code == "VPDF001"]
    assert [f.args["clause"] for f in failed] == ["ISO 19005-2 6.2.11.4.1", "ISO 19005-2 6.6.2.1"]
    assert failed[0].severity is Severity.ERROR and "font programs" in failed[0].detail


def test_engine_keeps_builtin_findings_when_the_launcher_times_out():
    report = _check([("a.pdf", _pdfa())], verapdf=SLEEP, verapdf_timeout=1)
    (doc,) = report.documents
    (nc,) = [f for f in doc.findings if f.code == "VPDF002"]
    assert nc.severity is Severity.NOT_CHECKED and "timeout" in nc.detail
    assert "verapdf" not in doc.engines
    assert "pdfa" in doc.engines  # the built-in verdict and its engine label stand
    # the built-in validator passed it (pre-check notice, PDFA002)
    assert [(f.code, f.severity) for f in doc.findings if f.check == "pdfa"] == \
        [("PDFA002", Severity.INFO)]
    assert not catalogue.rule("VPDF002").required
    assert catalogue.rule("VPDF002").title_it not in report.reasons


def test_engine_without_any_verapdf_says_it_was_not_run(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", os.pathsep.join([str(tmp_path), "/usr/bin", "/bin"]))
    monkeypatch.delenv("VERAPDF", raising=False)
    report = _check([("a.pdf", _pdfa())], verapdf="")
    (doc,) = report.documents
    (nc,) = [f for f in doc.findings if f.check == "verapdf"]
    assert nc.code == "VPDF002" and nc.severity is Severity.NOT_CHECKED
    assert "non installato" in nc.detail and "make install" in nc.detail
    assert "verapdf" not in doc.engines and "pdfa" in doc.engines  # the built-in verdict stands


def test_heap_cap_comes_from_the_environment(tmp_path):
    # PEC_PRECHECK_VERAPDF_HEAP_MB, read by the command's own process, reaches JAVA_OPTS
    import subprocess
    import sys
    pdf = tmp_path / "domanda.pdf"
    pdf.write_bytes(_pdfa())
    log = tmp_path / "calls.jsonl"
    run = subprocess.run([sys.executable, "-m", "checker", "check", str(pdf), "--json"],
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "VERAPDF": REPORT, "FAKE_VERAPDF_LOG": str(log),
                              "PEC_PRECHECK_VERAPDF_HOME": NO_POOL,
                              "PEC_PRECHECK_VERAPDF_HEAP_MB": "300"})
    [document] = json.loads(run.stdout)["documents"]
    assert document["engines"]["verapdf"] == "veraPDF 1.26.2"
    [call] = [json.loads(line) for line in log.read_text().splitlines() if "--flavour" in line]
    assert "-Xmx300m" in call["java_opts"]
