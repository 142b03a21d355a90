"""Jobs on Redis with RQ (REDIS_URL set): the web servers enqueue, `rq worker` processes on
any machine run them.

    rq worker --url "$REDIS_URL" --worker-class rq.worker.SimpleWorker pec-precheck

(SimpleWorker: a job runs in the worker process itself, whose forkserver and veraPDF JVMs then
serve every job; the checks are isolated by checker/isolation.py anyway.)

The uploaded files travel in one Redis hash per job, UPLOAD_PREFIX + job id: a JSON header
and the files' bytes, with a TTL (upload_ttl) in case no worker ever takes the job. The
worker reads the hash and deletes it in one transaction before checking, so no upload bytes
stay in Redis once a check has started; the RQ job itself carries only the job id. The
result (the report JSON, no file bytes) is kept result_ttl seconds for GET /jobs/<id>.
"""
from __future__ import annotations

import time
from typing import Any

import redis
import rq
from rq.exceptions import NoSuchJobError

from . import work as work_mod
from .admission import Ledger, QueueFull

QUEUE_NAME = "pec-precheck"
UPLOAD_PREFIX = "pec-precheck:upload:"
_STATES = {"queued": "queued", "deferred": "queued", "scheduled": "queued", "started": "running",
           "finished": "done"}


def upload_key(job_id: str) -> str:
    return UPLOAD_PREFIX + job_id


def run_job(job_id: str) -> dict[str, Any]:
    """The RQ task: fetch the job's files (and delete them from Redis), run it."""
    current = rq.get_current_job()
    if current is None:
        raise RuntimeError("run_job runs inside an RQ worker")
    key = upload_key(job_id)
    pipe = current.connection.pipeline(transaction=True)
    pipe.hgetall(key)
    pipe.delete(key)
    stored, _ = pipe.execute()
    if not stored:
        raise LookupError("the job's files are no longer in Redis (their TTL expired)")
    count = len(stored) - 1
    job = work_mod.from_parts(stored.pop(b"header"), [stored.pop(str(n).encode()) for n in range(count)])

    def save(snapshot: dict[str, Any]) -> None:
        current.meta["progress"] = snapshot
        current.save_meta()
    return work_mod.perform(job, work_mod.Progress(save))


class QueueJobs:
    mode = "queue"

    def __init__(self, url: str, ledger: Ledger, job_timeout: float, upload_ttl: int = 900,
                 result_ttl: int = 3600) -> None:
        self.url = url
        self.ledger = ledger
        self.redis = redis.Redis.from_url(url)
        self.queue = rq.Queue(QUEUE_NAME, connection=self.redis)
        self.job_timeout = int(job_timeout)
        self.upload_ttl = upload_ttl
        self.result_ttl = result_ttl

    def check_room(self) -> None:
        """QueueFull when the queue already holds the most jobs allowed to wait."""
        waiting = self.queue.count
        if waiting >= self.ledger.limits.queue:
            raise QueueFull("queue", self.ledger.retry_after_for(waiting))

    def submit(self, job_id: str, job: work_mod.Work) -> None:
        """Store the files, enqueue the job; the caller's ticket is released: the bytes are in
        Redis now, the web process keeps none."""
        try:
            self.check_room()
            header, blobs = work_mod.to_parts(job)
            key = upload_key(job_id)
            pipe = self.redis.pipeline(transaction=True)
            pipe.hset(key, mapping={"header": header, **{str(n): b for n, b in enumerate(blobs)}})
            pipe.expire(key, self.upload_ttl)
            pipe.execute()
            del header, blobs
            self.queue.enqueue_call(run_job, args=(job_id,), job_id=job_id, timeout=self.job_timeout,
                                    ttl=self.upload_ttl, result_ttl=self.result_ttl,
                                    failure_ttl=self.result_ttl, meta={"kind": job.kind},
                                    description=f"pec-precheck {job.kind}")
        finally:
            job.submission = None
            job.items = []
            self.ledger.leave(job_id)

    def status(self, job_id: str) -> dict[str, Any] | None:
        try:
            job = rq.job.Job.fetch(job_id, connection=self.redis)
        except NoSuchJobError:
            return None
        except ValueError:  # not a job id RQ accepts
            return None
        rq_state = str(job.get_status(refresh=False).value)
        state = _STATES.get(rq_state, "failed")
        position = None
        if state == "queued":
            index = job.get_position()
            position = None if index is None else index + 1
        elif state == "running":
            position = 0
        out: dict[str, Any] = {"id": job_id, "kind": job.meta.get("kind", work_mod.CHECK),
                               "state": state, "position": position, "mode": self.mode}
        if state == "running" and job.meta.get("progress"):
            out["progress"] = job.meta["progress"]
        if state == "done":
            out["result"] = job.return_value(refresh=False)
        elif state == "failed":
            latest = job.latest_result()
            detail = (latest.exc_string or "") if latest is not None else ""
            out["error"] = (detail.strip().splitlines() or [rq_state])[-1][:300]
        return out

    def wait(self, job_id: str, timeout: float | None = None, queued_grace: float | None = None
             ) -> dict[str, Any] | None:
        start = time.monotonic()
        pause = 0.02
        while True:
            status = self.status(job_id)
            if status is None or status["state"] in ("done", "failed"):
                return status
            waited = time.monotonic() - start
            if timeout is not None and waited >= timeout:
                return status
            if queued_grace is not None and waited >= queued_grace and status["state"] == "queued":
                return status
            time.sleep(pause)
            pause = min(0.25, pause * 2)
