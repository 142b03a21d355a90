"""What a job does, and how its input travels: a check (a Submission → the report JSON) or a
triage batch (raw .eml items → rows and summary), as plain data either way.

to_parts()/from_parts() turn a job's input into a JSON header plus the files' bytes, the
shape the queue stores in Redis; the bytes never enter the header nor the queued job itself.
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .. import engine, report, triage
from ..mail.sources import RawItem
from ..model import InputFile, Submission

CHECK = "check"
TRIAGE = "triage"
KINDS = (CHECK, TRIAGE)

_SUBMISSION_FIELDS = ("profile", "sender", "subject", "doc_type", "destination", "recipient",
                      "body", "main")


@dataclass
class Work:
    """One job's input. settings: the checks' settings (None: the environment of the process
    that runs it); deadline: seconds for the whole job (None: engine.DEFAULT_DEADLINE)."""
    kind: str
    submission: Submission | None = None              # CHECK
    items: list[RawItem] = field(default_factory=list)  # TRIAGE
    profile: str | None = None                          # TRIAGE: None = the office written to
    settings: dict[str, Any] | None = None
    deadline: float | None = None

    @property
    def size(self) -> int:
        """Upload bytes this job holds."""
        if self.submission is not None:
            return sum(len(f.data) for f in self.submission.files)
        return sum(len(i.data or b"") for i in self.items)


class Progress:
    """The engine's progress events (engine.Progress) folded into a small snapshot for the
    job's status, handed to `save` on every change of a check's state (listed, finished) and
    otherwise at most every `interval` seconds (and at the end):

        {"files": [{"name", "checks": [{"check", "done"}]}], "message": "pending"|"running"|"done",
         "done": n, "total": m}
    """

    def __init__(self, save: Callable[[dict[str, Any]], None], interval: float = 0.3) -> None:
        self.save = save
        self.interval = interval
        self.files: dict[str, dict[str, bool]] = {}
        self.message = "pending"
        self.last = 0.0
        self.lock = threading.Lock()

    def __call__(self, event: str, name: str, check: str) -> None:
        with self.lock:
            if check == "message" and not name:
                self.message = "done" if event == "done" else "running"
            else:
                checks_ = self.files.setdefault(name, {})
                before = checks_.get(check)
                checks_[check] = event == "done" or checks_.get(check, False)
                # a check newly listed or finished is saved at once: throttled, the last change
                # before a long check (the checks a file gets once recognised) stayed unseen
                if checks_[check] != before:
                    self.last = 0.0
            now = time.monotonic()
            if now - self.last >= self.interval or self.message == "done":
                self.last = now
                self.save(self.snapshot())

    def snapshot(self) -> dict[str, Any]:
        files: list[dict[str, Any]] = [
            {"name": name, "checks": [{"check": c, "done": d} for c, d in checks_.items()]}
            for name, checks_ in self.files.items()]
        total = sum(len(checks_) for checks_ in self.files.values())
        done = sum(1 for checks_ in self.files.values() for finished in checks_.values() if finished)
        return {"files": files, "message": self.message, "done": done, "total": total}


def perform(work: Work, progress: engine.Progress | None = None) -> dict[str, Any]:
    """Run the job: the report JSON (pec-precheck/report/1) or {"rows", "summary"}.
    `progress` (a check only): the engine's progress events, see engine.Progress."""
    if work.kind == CHECK:
        if work.submission is None:
            raise ValueError("a check job without a submission")
        return report.to_json(engine.check_submission(work.submission, work.settings, work.deadline,
                                                      progress=progress))
    rows = list(triage.triage(work.items, profile=work.profile, settings=work.settings))
    return {"rows": [r.to_json() for r in rows], "summary": triage.summary(rows)}


def to_parts(work: Work) -> tuple[bytes, list[bytes]]:
    """(JSON header, the files' bytes in order). Settings do not travel: a queue worker uses
    its own environment's."""
    header: dict[str, Any] = {"kind": work.kind, "deadline": work.deadline}
    if work.submission is not None:
        sub = work.submission
        header["submission"] = {name: getattr(sub, name) for name in _SUBMISSION_FIELDS}
        header["files"] = [{"name": f.name, "sent_name": f.sent_name} for f in sub.files]
        blobs = [f.data for f in sub.files]
    else:
        header["profile"] = work.profile
        header["files"] = [{"name": i.name} for i in work.items]
        blobs = [i.data or b"" for i in work.items]
    return json.dumps(header).encode(), blobs


def from_parts(header_bytes: bytes, blobs: list[bytes]) -> Work:
    header = json.loads(header_bytes)
    kind = header["kind"]
    if kind not in KINDS or len(header["files"]) != len(blobs):
        raise ValueError(f"not a job's input: kind {kind!r}, {len(blobs)} files")
    if kind == CHECK:
        files = [InputFile(name=f["name"], data=data, sent_name=f.get("sent_name", ""))
                 for f, data in zip(header["files"], blobs, strict=True)]
        sub = Submission(files=files, **{k: str(v) for k, v in header["submission"].items()
                                         if k in _SUBMISSION_FIELDS})
        return Work(kind=CHECK, submission=sub, deadline=header.get("deadline"))
    items = [RawItem(f["name"], data) for f, data in zip(header["files"], blobs, strict=True)]
    return Work(kind=TRIAGE, items=items, profile=header.get("profile"), deadline=header.get("deadline"))
