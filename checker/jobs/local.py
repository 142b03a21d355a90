"""Jobs run in this process (the default, no REDIS_URL): one thread per job, which waits for
its turn in the admission ledger, runs the check and writes the outcome.

A job's status is a small JSON file in the runtime directory the ledger lives in, so any
gunicorn worker can answer GET /jobs/<id> for a job another worker runs. The file holds the
report (file names, hashes, findings), never the uploaded bytes, and is removed RESULT_TTL
seconds after it was last written. A job whose process died before finishing is reported
"failed" (its ledger entry is gone with the process).
"""
from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from . import work as work_mod
from .admission import Ledger, process_start_time

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class LocalJobs:
    mode = "in-process"

    def __init__(self, ledger: Ledger, result_ttl: float = 3600.0) -> None:
        self.ledger = ledger
        self.result_ttl = result_ttl
        self.directory = ledger.directory / "jobs"
        self.directory.mkdir(mode=0o700, exist_ok=True)
        self._finished: dict[str, threading.Event] = {}

    def submit(self, job_id: str, job: work_mod.Work) -> None:
        """Start the job; its ledger ticket (entered by the caller under job_id) is released
        when it ends, whatever happens."""
        self._sweep()
        self._write(job_id, {"kind": job.kind, "state": QUEUED})
        done = self._finished[job_id] = threading.Event()
        threading.Thread(target=self._run, args=(job_id, job, done), name=f"job-{job_id[:8]}",
                         daemon=True).start()

    def _run(self, job_id: str, job: work_mod.Work, done: threading.Event) -> None:
        try:
            self.ledger.wait_turn(job_id)
            self._write(job_id, {"kind": job.kind, "state": RUNNING})
            progress = work_mod.Progress(lambda snapshot: self._write(
                job_id, {"kind": job.kind, "state": RUNNING, "progress": snapshot}))
            result = work_mod.perform(job, progress)
            self._write(job_id, {"kind": job.kind, "state": DONE, "result": result})
        except Exception as exc:  # noqa: BLE001 - a job's failure is its status, not a dead thread
            log.exception("job %s failed", job_id)
            self._write(job_id, {"kind": job.kind, "state": FAILED,
                                 "error": f"{type(exc).__name__}: {exc}"[:300]})
        finally:
            job.submission = None   # the uploaded bytes go now, not when the thread object does
            job.items = []
            self.ledger.leave(job_id)
            done.set()
            self._finished.pop(job_id, None)

    def wait(self, job_id: str, timeout: float | None = None, queued_grace: float | None = None
             ) -> dict[str, Any] | None:
        """The status once the job ends, or earlier: after `timeout`, or after `queued_grace`
        seconds if it is still waiting for its turn then."""
        done = self._finished.get(job_id)
        if done is not None:
            if queued_grace is not None and not done.wait(queued_grace):
                status = self.status(job_id)
                if status is None or status["state"] == QUEUED:
                    return status
                done.wait(None if timeout is None else max(0.0, timeout - queued_grace))
            else:
                done.wait(timeout)
        return self.status(job_id)

    def status(self, job_id: str) -> dict[str, Any] | None:
        path = self._path(job_id)
        if path is None:
            return None
        try:
            data: dict[str, Any] = json.loads(path.read_text())
        except (OSError, ValueError):
            return None
        state = data["state"]
        position = None
        if state in (QUEUED, RUNNING):
            if process_start_time(data["pid"]) != data["started"]:
                data.update(state=FAILED, error="the process running the job stopped")
                state = FAILED
            else:
                position = self.ledger.position(job_id)
        out = {"id": job_id, "kind": data["kind"], "state": state, "position": position,
               "mode": self.mode}
        if state == RUNNING and data.get("progress"):
            out["progress"] = data["progress"]
        if state == DONE:
            out["result"] = data["result"]
        if state == FAILED:
            out["error"] = data.get("error", "")
        return out

    def _write(self, job_id: str, data: dict[str, Any]) -> None:
        pid = os.getpid()
        data = {**data, "pid": pid, "started": process_start_time(pid), "at": time.time()}
        path = self.directory / f"{job_id}.json"
        tmp = path.with_suffix(f".{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False))
        os.replace(tmp, path)

    def _path(self, job_id: str) -> Path | None:
        if not job_id or not all(c.isalnum() or c in "-_" for c in job_id) or len(job_id) > 64:
            return None
        return self.directory / f"{job_id}.json"

    def _sweep(self) -> None:
        """Remove the statuses of jobs that ended more than result_ttl ago."""
        cutoff = time.time() - self.result_ttl
        for path in self.directory.glob("*.json"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
            except OSError:
                continue
