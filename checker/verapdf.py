"""veraPDF, the reference PDF/A validator, run as a subprocess when a deployment has it.

veraPDF is a Java program that is not on PyPI, Debian or npm, so it is optional: found via
settings["verapdf"], the VERAPDF environment variable, or `verapdf` on PATH.

How it is run, and why:
- Flavour: always the one the file claims in its XMP (pdfaid:part/conformance), passed
  explicitly with --flavour. veraPDF's own default is PDF/A-1b, which it applies silently
  to a file with no claim; a file with no claim and no flavour given is therefore NOT sent
  and gets not_checked_reason "no PDF/A claim".
- One JVM per flavour group: --flavour applies to a whole run, so files are grouped by
  flavour and each group is one invocation (a submission almost always has one group). We
  do not use `--flavour 0` (auto-detection): passing the flavour we read keeps veraPDF and
  the built-in validator judging the same claim, and never falls back to 1b.
- `--format xml` (the report schema of veraPDF >= 1.24) with `--maxfailuresdisplayed 5`
  (the clause is what we report, not every failing object), stdout to a file in a private
  temporary directory that also holds the PDFs (written as 000.pdf, 001.pdf ... so names
  never reach the command line) and a writable HOME; the directory is removed afterwards.
- JAVA_OPTS caps the heap (-Xmx) and points java.io.tmpdir into the private directory.
- A hard timeout for the whole call: the process is started in its own session and the
  whole process group (the launcher script and its JVM) is killed with SIGKILL.
- Exit codes 0 (all compliant) and 1 (some not compliant) are verdicts; 2-12 are failures
  (CliConstants.ExitCodes in veraPDF-apps). On a failure, files that still have a
  validationReport in the report keep their verdict; the others get the reason.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Iterable

from lxml import etree

DEFAULT_TIMEOUT = 120.0
DEFAULT_HEAP_MB = int(os.environ.get("PEC_PRECHECK_VERAPDF_HEAP_MB", "1024"))
MAX_REPORT_BYTES = 256 * 1024 * 1024
NO_CLAIM = "no PDF/A claim"
NOT_AVAILABLE = "veraPDF not available"

# veraPDF-apps gui/src/main/java/org/verapdf/cli/CliConstants.java, enum ExitCodes
EXIT_CODES = {
    0: "all files validated",
    1: "invalid PDF/A file(s) found",
    2: "invalid command line parameters",
    3: "out of Java heap space (memory)",
    4: "no files to process",
    6: "I/O exception while processing",
    7: "failed to parse one or more files",
    8: "some PDFs encrypted",
    9: "veraPDF exception while processing",
    10: "Java XML marshalling exception while processing result",
    11: "failed to start multiprocess",
    12: "interrupted exception while processing",
}
FLAVOURS = frozenset({"1a", "1b", "2a", "2b", "2u", "3a", "3b", "3u", "4", "4e", "4f"})


@dataclass
class VeraResult:
    name: str
    flavour: str | None
    compliant: bool | None
    failed_clauses: list[str] = field(default_factory=list)      # "2:6.2.11.4.1-1"
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (clause, test, description)
    not_checked_reason: str | None = None
    version: str = ""
    # the warm pool's detail per failed rule: specification, part, clause, test,
    # description, failed_checks, context (first failing object), message
    rules: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Job:
    """One job of a parsed report: the item's file name and its outcome."""
    name: str
    compliant: bool | None = None
    profile: str = ""
    failures: list[tuple[str, str, str, str]] = field(default_factory=list)  # spec, clause, test, desc
    error: str = ""


# -- locating and versions ---------------------------------------------------------------------

def locate(settings: dict | None = None) -> str | None:
    """The veraPDF launcher: settings["verapdf"], else $VERAPDF, else `verapdf` on PATH."""
    for candidate in ((settings or {}).get("verapdf"), os.environ.get("VERAPDF")):
        if candidate:
            found = shutil.which(candidate) or (candidate if os.access(candidate, os.X_OK) else None)
            if found:
                return os.path.abspath(found)  # the run's cwd is a private directory
    found = shutil.which("verapdf")
    return os.path.abspath(found) if found else None


_VERSION = re.compile(r"veraPDF\s+v?(\d+(?:\.\d+)+)", re.IGNORECASE)


def version(path: str, timeout: float = 30.0) -> str:
    """"1.26.2" from `verapdf --version`, or "" when it does not answer in time."""
    with tempfile.TemporaryDirectory(prefix="verapdf-v-", ignore_cleanup_errors=True) as tmp:
        try:
            _, out, _ = _run([os.path.abspath(path), "--version"], Path(tmp), timeout,
                             DEFAULT_HEAP_MB)
        except OSError:
            return ""
        m = _VERSION.search(out.read_bytes()[:4096].decode("utf-8", "replace"))
        return m.group(1) if m else ""


# -- running ------------------------------------------------------------------------------------

def _run(cmd: list[str], workdir: Path, timeout: float, heap_mb: int) -> tuple[int | None, Path, bytes]:
    """Run cmd in its own session; kill the whole group at the deadline.

    Returns (exit status or None on timeout, the stdout file, the tail of stderr). Both
    streams go to files in workdir: a JVM can print megabytes of warnings, and a report
    is read from disk rather than held twice in memory.
    """
    home = workdir / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_OPTS", "_JAVA_OPTIONS")}
    env.update(HOME=str(home), TMPDIR=str(workdir),
               JAVA_OPTS=f"-Xmx{heap_mb}m -Djava.io.tmpdir={workdir} -Djava.awt.headless=true")
    out_path, err_path = workdir / "stdout", workdir / "stderr"
    with open(out_path, "wb") as out_fh, open(err_path, "wb") as err_fh:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out_fh, stderr=err_fh,
                                cwd=workdir, env=env, start_new_session=True)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            proc.wait()
            code = None
        finally:
            _kill_group(proc)  # a launcher that exited may leave its JVM behind
    with open(err_path, "rb") as fh:
        fh.seek(max(0, err_path.stat().st_size - 4000))
        err = fh.read()
    return code, out_path, err


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def validate(files: list[tuple[str, bytes]], flavours: list[str | None],
             timeout: float = DEFAULT_TIMEOUT, *, settings: dict | None = None,
             heap_mb: int = DEFAULT_HEAP_MB) -> list[VeraResult]:
    """Validate every file with its flavour; one result per file, in order. Never raises
    for a tool problem: those become not_checked_reason."""
    if len(files) != len(flavours):
        raise ValueError("files and flavours differ in length")
    results = [VeraResult(name=name, flavour=_norm(fl), compliant=None) for (name, _), fl in
               zip(files, flavours, strict=True)]
    for r, fl in zip(results, flavours, strict=True):
        if r.flavour is None:
            r.not_checked_reason = NO_CLAIM if fl in (None, "", "0") else f"unknown flavour {fl!r}"
    todo = [(i, r.flavour) for i, r in enumerate(results) if r.flavour is not None]
    if not todo:
        return results
    exe = locate(settings)
    if exe is None:
        for i, _ in todo:
            results[i].not_checked_reason = NOT_AVAILABLE
        return results
    deadline = time.monotonic() + timeout
    groups: dict[str, list[int]] = {}
    for i, flavour in todo:
        groups.setdefault(flavour, []).append(i)
    for fl, indices in groups.items():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            for i in indices:
                results[i].not_checked_reason = f"timeout after {timeout:g} s"
            continue
        _run_group(exe, fl, [(i, files[i][1]) for i in indices], results, remaining, heap_mb,
                   timeout)
    return results


def _run_group(exe: str, flavour: str, items: list[tuple[int, bytes]], results: list[VeraResult],
               timeout: float, heap_mb: int, total_timeout: float) -> None:
    with tempfile.TemporaryDirectory(prefix="verapdf-", ignore_cleanup_errors=True) as tmp:
        workdir = Path(tmp)
        paths = {}
        for i, data in items:
            path = workdir / f"{i:03d}.pdf"
            path.write_bytes(data)
            paths[path.name] = i
        # a few failed checks per rule are enough to name the clause; keeps the report small
        cmd = [exe, "--format", "xml", "--flavour", flavour, "--maxfailuresdisplayed", "5",
               *sorted(paths)]
        try:
            code, report_path, err = _run(cmd, workdir, timeout, heap_mb)
        except OSError as exc:
            _fail(results, paths.values(), f"cannot start veraPDF: {exc.strerror or exc}")
            return
        if code is None:
            _fail(results, paths.values(), f"timeout after {total_timeout:g} s (process killed)")
            return
        if code < 0:
            _fail(results, paths.values(), f"veraPDF crashed (signal {-code})")
            return
        jobs: list[_Job] = []
        ver, parse_error = "", ""
        if report_path.stat().st_size > MAX_REPORT_BYTES:
            parse_error = "report too large"
        else:
            try:
                jobs, ver = parse_xml_report(report_path.read_bytes())
            except ValueError as exc:
                parse_error = str(exc)
        by_name = {Path(j.name).name: j for j in jobs}
        reason = _exit_reason(code, err)
        for name, i in paths.items():
            job = by_name.get(name)
            r = results[i]
            r.version = ver
            if code in (0, 1) and job is None and parse_error:
                r.not_checked_reason = f"unreadable veraPDF report: {parse_error}"
            elif job is not None and job.compliant is not None and not job.error:
                r.compliant = job.compliant
                r.failures = [(f"ISO 19005-{_part(spec, flavour)} {clause}", test, desc)
                              for spec, clause, test, desc in job.failures]
                r.failed_clauses = sorted({f"{_part(spec, flavour)}:{clause}-{test}"
                                           for spec, clause, test, _ in job.failures},
                                          key=clause_key)
            elif job is not None and job.error:
                r.not_checked_reason = job.error if code in (0, 1) else f"{reason}: {job.error}"
            elif code not in (0, 1):
                r.not_checked_reason = reason
            else:
                r.not_checked_reason = "no result for this file in veraPDF's report"


def _fail(results: list[VeraResult], indices: Iterable[int], reason: str) -> None:
    for i in indices:
        results[i].not_checked_reason = reason


def _exit_reason(code: int, err: bytes) -> str:
    text = EXIT_CODES.get(code, "unexpected exit status")
    tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] if err else []
    return f"veraPDF exit {code}: {text}" + (f" ({tail[0][:200]})" if tail and code not in (0, 1) else "")


def _norm(flavour: str | None) -> str | None:
    if not flavour:
        return None
    fl = str(flavour).lower().replace("pdf/a-", "").replace("pdfa", "").strip()
    return fl if fl in FLAVOURS else None


_SPEC_PART = re.compile(r"19005-(\d)")


def _part(specification: str, flavour: str) -> str:
    m = _SPEC_PART.search(specification or "")
    return m.group(1) if m else flavour[:1]


def clause_key(s: str) -> tuple:
    """Sort key of "2:6.2.11.4.1-1": numbers compared as numbers."""
    return tuple(int(x) if x.isdigit() else x for x in re.split(r"[:.\-]", s))


# -- reports ------------------------------------------------------------------------------------

def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _parser() -> etree.XMLParser:
    # no DTDs, no entities, no network: the report is data from another process
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=True)


def parse_xml_report(data: bytes) -> tuple[list[_Job], str]:
    """Jobs and veraPDF version from an XML report (veraPDF >= 1.24: report/jobs/job)."""
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"XML: {exc}") from None
    if root is None or _local(root.tag) != "report":
        raise ValueError("not a veraPDF report")
    ver = ""
    for rel in root.iter("{*}releaseDetails", "releaseDetails"):
        if rel.get("id") in ("gui", "core", "apps") and rel.get("version"):
            ver = rel.get("version")
            if rel.get("id") == "gui":
                break
    jobs = []
    for job in root.iter("{*}job", "job"):
        name = ""
        for item in job:
            if _local(item.tag) == "item":
                name = next((c.text or "" for c in item if _local(c.tag) == "name"), "")
        out = _Job(name=name.strip())
        report = next((c for c in job if _local(c.tag) == "validationReport"), None)
        if report is not None:
            compliant = report.get("isCompliant")
            out.compliant = None if compliant is None else compliant.strip().lower() == "true"
            out.profile = report.get("profileName", "")
            for rule in report.iter("{*}rule", "rule"):
                if (rule.get("status") or "").lower() != "failed":
                    continue
                desc = next((" ".join((c.text or "").split()) for c in rule
                             if _local(c.tag) == "description"), "")
                out.failures.append((rule.get("specification", ""), rule.get("clause", ""),
                                     rule.get("testNumber", ""), desc))
            if report.get("jobEndStatus", "normal") not in ("normal", "") and out.compliant is None:
                out.error = f"job ended: {report.get('jobEndStatus')}"
        for child in job.iter():
            tag = _local(child.tag)
            if tag in ("taskException", "taskResult") and \
                    (child.get("isSuccess", "true").lower() == "false" or tag == "taskException"):
                msg = next((" ".join((c.text or "").split()) for c in child.iter()
                            if _local(c.tag) == "exceptionMessage"), "")
                out.error = f"{child.get('type', 'task')} failed: {msg}"[:300]
                break
        jobs.append(out)
    return jobs, ver


def parse_json_report(data: bytes | str) -> tuple[list[_Job], str]:
    """Jobs and version from a JSON report: validationResult is an object up to veraPDF 1.26
    and a list (one per profile) from 1.28."""
    try:
        doc = json.loads(data)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"JSON: {exc}") from None
    report = doc.get("report", doc) if isinstance(doc, dict) else None
    if not isinstance(report, dict):
        raise ValueError("not a veraPDF report")
    ver = ""
    build = report.get("buildInformation") or {}
    details = build.get("releaseDetails") if isinstance(build, dict) else None
    for rel in details if isinstance(details, list) else []:
        if isinstance(rel, dict) and rel.get("id") in ("gui", "core", "apps") and rel.get("version"):
            ver = rel["version"]
            if rel.get("id") == "gui":
                break
    jobs = []
    for job in report.get("jobs") or []:
        if not isinstance(job, dict):
            continue
        item = job.get("itemDetails") or job.get("item") or {}
        out = _Job(name=str(item.get("name", "")) if isinstance(item, dict) else "")
        vr = job.get("validationResult")
        results = vr if isinstance(vr, list) else [vr] if isinstance(vr, dict) else []
        for res in results:
            if not isinstance(res, dict):
                continue
            compliant = res.get("compliant", res.get("isCompliant"))
            if isinstance(compliant, bool):
                out.compliant = compliant if out.compliant is None else (out.compliant and compliant)
            out.profile = out.profile or str(res.get("profileName", ""))
            det = res.get("details") or {}
            for rule in det.get("ruleSummaries") or det.get("rules") or []:
                if not isinstance(rule, dict):
                    continue
                status = str(rule.get("ruleStatus", rule.get("status", ""))).lower()
                if status != "failed":
                    continue
                out.failures.append((str(rule.get("specification", "")), str(rule.get("clause", "")),
                                     str(rule.get("testNumber", "")),
                                     " ".join(str(rule.get("description", "")).split())))
        task = job.get("taskException") or job.get("taskResult")
        if isinstance(task, dict) and (str(task.get("isSuccess", "false")).lower() == "false"):
            out.error = f"{task.get('type', 'task')} failed: {task.get('exceptionMessage', '')}"[:300]
        jobs.append(out)
    return jobs, ver
