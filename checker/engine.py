"""The flow: Submission → document tree → identification → checks → message rules → Report.

One direction only. Every step that parses an untrusted file runs in a bounded
worker (isolation.py); this module only schedules and collects.
"""
from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Generator
from typing import Any

from . import catalogue, checks, identify, isolation, message, profiles
from .model import (CheckResult, Document, Finding, FormatInfo, InputFile, Report, Severity,
                    Submission, Verdict)

log = logging.getLogger(__name__)

MAX_DEPTH = 5          # envelopes inside envelopes (p7m.p7m, PEC message, ...)
MAX_DOCUMENTS = 200    # documents in one tree, unwrapped ones included

UNKNOWN = FormatInfo(id="unknown", label="Formato non riconosciuto")

# Seconds one submission may take, all files and all checks (PEC_PRECHECK_DEADLINE). Past it,
# what was not checked gets isolation.DEADLINE_CODE (not_checked) and the report is returned.
DEFAULT_DEADLINE = float(os.environ.get("PEC_PRECHECK_DEADLINE", "") or 120)

# Progress events for whoever waits on a submission (the web's report page): called as
# progress(event, file name, check name) with event "start" when a check of a file is
# scheduled and "done" when it has ended; the message rules come as ("start"/"done", "", "message").
Progress = Callable[[str, str, str], None]


def _no_progress(event: str, name: str, check: str) -> None:
    return None


class _Clock:
    """The submission's deadline, handed to every isolation run and batch check; it also
    reports each run's jobs to the progress hook (names[job.key] is the job's file)."""

    def __init__(self, seconds: float, progress: Progress = _no_progress) -> None:
        self.seconds = seconds
        self.until = time.monotonic() + seconds
        self.progress = progress

    def expired(self) -> bool:
        return time.monotonic() >= self.until

    def run(self, jobs: list[isolation.Job], names: list[str] | None = None) -> None:
        def name(job: isolation.Job) -> str:
            return names[job.key] if names is not None and isinstance(job.key, int) else ""

        def step_done(job: isolation.Job, label: str) -> None:
            self.tell("done", name(job), label)
            identified = job.results.get(label) if label == "identify" and job.plan is not None else None
            if identified is not None:  # the document's checks are known now: they are next
                for check in checks.for_format(identified.format or UNKNOWN):
                    self.tell("start", name(job), check.name)

        for job in jobs:
            self.tell("start", name(job), job.label)
            job.on_step = step_done
        isolation.run_jobs(jobs, until=self.until, budget=self.seconds)

    def tell(self, event: str, name: str, check: str) -> None:
        try:
            self.progress(event, name, check)
        except Exception:  # noqa: BLE001 - a failing progress display never stops a check
            log.exception("progress hook failed")


def check_submission(sub: Submission, settings: dict[str, Any] | None = None,
                     deadline: float | None = None, progress: Progress | None = None) -> Report:
    """The report on one submission. `deadline`: seconds for everything (DEFAULT_DEADLINE when
    None); a check it leaves no time for is reported not_checked, never raised. `progress`:
    see Progress."""
    started = time.monotonic()
    profile = profiles.get(sub.profile)
    settings = checks.settings_from_env() if settings is None else settings
    timings: dict[str, float] = {}
    clock = _Clock(DEFAULT_DEADLINE if deadline is None else deadline, progress or _no_progress)

    main_name = sub.main or (sub.files[0].name if len(sub.files) == 1 else "")
    documents: list[Document] = []
    inputs: list[InputFile] = []   # parallel to documents
    skipped: list[InputFile] = []  # beyond MAX_DOCUMENTS: reported (SYS010), never dropped silently
    queue = list(sub.files)
    while queue:
        room = max(0, MAX_DOCUMENTS - len(documents))
        level, beyond = queue[:room], queue[room:]
        skipped += beyond
        queue = []
        if not level:
            break
        contexts = [checks.CheckContext(profile, settings, is_main=(f.depth == 0 and f.name == main_name),
                                        siblings=tuple(g.name for g in level
                                                       if g is not f and g.parent == f.parent))
                    for f in level]
        docs, children = _check_documents(level, contexts, timings, clock)
        for f, doc in zip(level, docs, strict=True):
            doc.is_main = f.depth == 0 and f.name == main_name
            documents.append(doc)
            inputs.append(f)
        for parent, kids in children:
            for kid in kids:
                if kid.depth > MAX_DEPTH:
                    parent.findings.append(Finding("SYS004", args={"max_depth": str(MAX_DEPTH)},
                                                   check="unpack"))
                    break
                queue.append(kid)

    _run_batch_checks(inputs, documents, profile, settings, timings, clock)

    t = time.monotonic()
    clock.tell("start", "", "message")
    message_findings = [f.with_check("message") for f in message.check_message(sub, documents, profile)]
    if skipped:
        message_findings.append(too_many(skipped))
    timings["message"] = timings.get("message", 0.0) + time.monotonic() - t
    clock.tell("done", "", "message")

    for doc in documents:
        doc.findings = _resolve(doc.findings, profile)
    message_findings = _resolve(message_findings, profile)
    verdict, reasons = decide(documents, message_findings, profile)
    return Report(verdict=verdict, profile=profile.id, profile_name=profile.name,
                  documents=documents, message_findings=message_findings, submission=sub,
                  reasons=reasons, elapsed_ms=int((time.monotonic() - started) * 1000),
                  timings=timings)


def too_many(skipped: list[InputFile]) -> Finding:
    """SYS010: the files past MAX_DOCUMENTS, named (the first 20), never left out silently."""
    names = [f"{f.parent}/{f.name}" if f.parent else f.name for f in skipped]
    shown = ", ".join(names[:20]) + (f" … (+{len(names) - 20})" if len(names) > 20 else "")
    return Finding("SYS010", detail=shown, check="engine",
                   args={"skipped": str(len(skipped)), "max_documents": str(MAX_DOCUMENTS)})


IDENTIFY_TIMEOUT = 10.0


def document_plan(file: InputFile, ctx: checks.CheckContext) -> Generator[isolation.Step, CheckResult | None, None]:
    """What one worker does with one document: identify it, then run every check of its
    format, one after the other (isolation.py reports each step's result as it ends)."""
    identified = yield isolation.Step("identify", identify.identify_job, (file, ctx), timeout=IDENTIFY_TIMEOUT,
                                      feeds_plan=True)
    fmt = (identified.format if identified is not None else None) or UNKNOWN
    for check in checks.for_format(fmt):
        yield _step(check, check.name, (file, fmt, ctx))


def _check_documents(files: list[InputFile], contexts: list[checks.CheckContext], timings: dict[str, float],
                     clock: _Clock) -> tuple[list[Document], list[tuple[Document, list[InputFile]]]]:
    """One worker per document (identification and its checks); the documents, and the ones
    found inside each (envelopes, messages, archives)."""
    jobs = [isolation.Job(label="identify", fn=None, plan=document_plan, args=(f, ctx), key=i,
                          timeout=IDENTIFY_TIMEOUT)
            for i, (f, ctx) in enumerate(zip(files, contexts, strict=True))]
    # the likely longest first, so the last document to start is a short one (results are
    # matched by job, in the files' order, whatever order the workers take them in)
    clock.run(sorted(jobs, key=lambda job: likely_cost(files[job.key]), reverse=True), [f.name for f in files])
    docs: list[Document] = []
    children: list[tuple[Document, list[InputFile]]] = []
    for f, job in zip(files, jobs, strict=True):
        identified = job.results.get("identify") or _missing(job, "identify", clock)
        doc = Document(name=f.name, sha256=f.sha256, size=len(f.data), parent=f.parent,
                       depth=f.depth, format=identified.format or UNKNOWN)
        _merge(doc, identified, "identify")
        timings["identify"] = timings.get("identify", 0.0) + job.timings.get("identify", 0.0)
        kids: list[InputFile] = []
        for check in checks.for_format(doc.format):
            result = job.results.get(check.name) or _missing(job, check.name, clock)
            timings[check.name] = timings.get(check.name, 0.0) + job.timings.get(check.name, 0.0)
            _merge(doc, result, check.name)
            for kid in result.children:
                kid.parent = kid.parent or f.name
                kid.depth = f.depth + 1
                kids.append(kid)
        docs.append(doc)
        if kids:
            children.append((doc, kids))
    return docs, children


_SIGNED_SUFFIXES = (".p7m", ".p7s", ".tsd", ".m7m", ".xml")


def likely_cost(file: InputFile) -> tuple[bool, int]:
    """A guess at how long a document's checks take, to order the workers' queue: signed
    ones first (certificate paths and revocation take longer than parsing), then by size.
    Read from the name and the bytes without parsing; it orders, it decides nothing."""
    signed = (file.name.lower().endswith(_SIGNED_SUFFIXES) or file.data[:1] == b"\x30"
              or b"/ByteRange" in file.data)
    return signed, len(file.data)


def _missing(job: isolation.Job, label: str, clock: _Clock) -> CheckResult:
    """A step the document's worker never reached: the deadline's doing (SYS009), or the
    worker stopped in the plan itself (SYS003)."""
    if job.deadline_hit or clock.expired():
        return isolation.not_reached(label, clock.seconds)
    return CheckResult(findings=[Finding("SYS003", detail="worker ended before this check",
                                         args={"check": label}, check=label)])


def _run_batch_checks(inputs: list[InputFile], documents: list[Document], profile: profiles.Profile,
                      settings: dict[str, Any], timings: dict[str, float], clock: _Clock) -> None:
    for batch in checks.BATCH_CHECKS:
        picked = [i for i, d in enumerate(documents) if batch.applies_to(d.format)]
        if not picked:
            continue
        t = time.monotonic()
        ctx = checks.CheckContext(profile, settings)
        items = [(inputs[i], documents[i].format) for i in picked]
        for i in picked:
            clock.tell("start", documents[i].name, batch.name)
        try:
            if clock.expired():  # a batch runs in this process and cannot be stopped midway
                label = (batch.report_as if isinstance(batch, checks.PairCheck) else "") or batch.name
                results = {n: isolation.not_reached(label, clock.seconds) for n in range(len(picked))}
            elif isinstance(batch, checks.PairCheck):
                results = _run_pairs(batch, items, ctx, clock)
            else:
                results = batch.run(items, ctx)
        except Exception as exc:  # noqa: BLE001 - a failing tool is a finding, not a 500
            detail = f"{type(exc).__name__}: {exc}"[:500]
            results = {n: CheckResult(findings=[Finding("SYS003", detail=detail,
                                                        args={"check": batch.name})])
                       for n in range(len(picked))}
        timings[batch.name] = timings.get(batch.name, 0.0) + time.monotonic() - t
        for i in picked:
            clock.tell("done", documents[i].name, batch.name)
        for n, result in results.items():
            doc = documents[picked[n]]
            if (isinstance(batch, checks.BatchCheck) and batch.supersedes
                    and not any(f.severity is Severity.NOT_CHECKED for f in result.findings)):
                if batch.compare is not None:
                    batch.compare(doc.name, doc.facts, result)
                _supersede(doc, batch.supersedes, batch.name, result)
            _merge(doc, result, batch.name)


def _step(check: checks.Check, label: str, args: tuple[Any, ...]) -> isolation.Step:
    """A step of a document's worker for one check, with the check's own limits if it sets any."""
    return isolation.Step(label, check.run, args, timeout=check.timeout or isolation.DEFAULT_TIMEOUT,
                          memory_mb=check.memory_mb or isolation.DEFAULT_MEMORY_MB)


def _job(check: checks.Check | checks.PairCheck, label: str, key: int, args: tuple[Any, ...]) -> isolation.Job:
    """An isolated worker job for one run of a check, with the check's own limits if it sets any."""
    job = isolation.Job(label=label, fn=check.run, args=args, key=key)
    if check.timeout:
        job.timeout = check.timeout
    if check.memory_mb:
        job.memory_mb = check.memory_mb
    return job


def _run_pairs(check: checks.PairCheck, items: list[tuple[InputFile, FormatInfo]],
               ctx: checks.CheckContext, clock: _Clock) -> dict[int, CheckResult]:
    """Each pair the check names, in its own bounded worker; the result is filed under the
    pair's subject, its findings under the check it reports as."""
    label = check.report_as or check.name
    jobs = []
    for pair in check.pairs(items):
        jobs.append(_job(check, label, key=pair.subject,
                         args=(items[pair.subject][0], items[pair.partner][0], ctx)))
    clock.run(jobs, [f.name for f, _ in items])
    results: dict[int, CheckResult] = {}
    for job in jobs:
        result = job.result or CheckResult()
        result.findings = [f.with_check(label) for f in result.findings]
        results[job.key] = result
    return results


def _supersede(doc: Document, loser: str, winner: str, result: CheckResult) -> None:
    """Drop `loser`'s findings on doc in favour of `winner`'s, logging where they disagree."""
    lost = {(f.code, f.detail) for f in doc.findings if f.check == loser}
    won = {(f.code, f.detail) for f in result.findings}
    if lost != won:
        log.info("%s and %s disagree on %s: only %s: %s; only %s: %s", winner, loser, doc.name,
                 loser, sorted(lost - won), winner, sorted(won - lost))
    doc.findings = [f for f in doc.findings if f.check != loser]
    doc.engines.pop(loser, None)


def _merge(doc: Document, result: CheckResult, check: str) -> None:
    doc.findings.extend(f.with_check(check) for f in result.findings)
    doc.signatures.extend(result.signatures)
    doc.facts.update(result.facts)
    if result.engine:
        doc.engines[check] = result.engine


def _resolve(findings: list[Finding], profile: profiles.Profile) -> list[Finding]:
    """Give every finding its final severity (check's own, catalogue, profile override); drop 'off'."""
    ranked: list[tuple[int, Finding]] = []
    for f in findings:
        rule = catalogue.rule(f.code)
        default = f.severity or rule.severity
        severity = profile.severity_for(f.code, default) if f.code in profile.severity else default
        if severity is None:
            continue
        ranked.append((severity.rank, Finding(f.code, severity, f.detail, f.location, f.args, f.check)))
    ranked.sort(key=lambda pair: pair[0])  # stable: within a severity, the order found
    return [f for _, f in ranked]


def decide(documents: list[Document], message_findings: list[Finding],
           profile: profiles.Profile) -> tuple[Verdict, list[str]]:
    """fix if any error; undetermined if a required check could not run; else ready."""
    everything = message_findings + [f for d in documents for f in d.findings]
    if any(f.severity is Severity.ERROR for f in everything):
        return Verdict.FIX, []
    blocking = [f for f in everything if f.severity is Severity.NOT_CHECKED
                and (catalogue.rule(f.code).required or f.check in profile.required_checks)]
    if blocking:
        reasons = sorted({catalogue.describe(f)["title"] for f in blocking})
        return Verdict.UNDETERMINED, reasons
    return Verdict.READY, []
