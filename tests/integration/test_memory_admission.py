"""Memory under attack (issue 12): the admission ledger reserves the memory an upload will
really hold in the server (Content-Length × admission.HELD_PER_UPLOAD_BYTE, measured by
bench/load_bench.py --memory), not its length alone. Under the real gunicorn with two workers
and a low memory budget, concurrent uploads get a report or a clean 503 with Retry-After and
a message naming the memory limit — never a 500, and no worker dies. No timing is asserted."""
from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from checker.jobs import HELD_PER_UPLOAD_BYTE, Ledger, Limits, held_bytes
from checker.jobs.admission import MB
from gunicorn_server import all_workers, gunicorn_server, worker_pids
from http_client import Answer, post_files

BUDGET_MB = 40
UPLOAD_MB = 6
CLIENTS = 10


def test_the_ledger_counts_the_memory_an_upload_holds():
    assert HELD_PER_UPLOAD_BYTE >= 1
    assert held_bytes(10 * MB) == int(10 * MB * HELD_PER_UPLOAD_BYTE)


def _upload(base: str, n: int) -> tuple[bytes, Answer]:
    data = os.urandom(UPLOAD_MB * MB)
    return data, post_files(base, "/api/v1/check", [(f"scansione-{n}.bin", data)], timeout=600)


def _refusal_is_clean(answer: Answer) -> None:
    assert answer.status == 503, answer.body[:300]
    assert int(answer.headers["Retry-After"]) >= 1
    body = answer.json()
    assert body["reason"] == "memory" and body["retry_after"] == int(answer.headers["Retry-After"])
    assert "memoria" in body["message"] or "memoria" in str(body), body


def test_low_memory_budget_under_gunicorn_refuses_cleanly(tmp_path: Path):
    env = {"PEC_PRECHECK_WEB_WORKERS": "2", "PEC_PRECHECK_RUNTIME_DIR": str(tmp_path),
           "PEC_PRECHECK_MAX_BYTES_MB": str(BUDGET_MB), "PEC_PRECHECK_QUEUE": "50",
           "SECRET_KEY": "prova"}
    # with 16 MB held elsewhere, a 6 MB upload would fit by its length (22 ≤ 40 MB) but not by
    # the memory it holds (16 + 6 × HELD_PER_UPLOAD_BYTE > 40 MB)
    assert 16 + UPLOAD_MB <= BUDGET_MB < 16 + UPLOAD_MB * HELD_PER_UPLOAD_BYTE
    master: list = []
    with gunicorn_server(env, started=master) as base:
        workers = all_workers(master[0].pid, int(env["PEC_PRECHECK_WEB_WORKERS"]))
        ledger = Ledger(tmp_path, Limits())
        ledger.enter("held-by-the-test", 16 * MB)
        try:
            _data, refused = _upload(base, 0)
        finally:
            ledger.leave("held-by-the-test")
        _refusal_is_clean(refused)

        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            answers = list(pool.map(lambda n: _upload(base, n), range(1, CLIENTS + 1)))
        statuses = [a.status for _d, a in answers]
        assert set(statuses) <= {200, 503}, statuses
        assert 200 in statuses          # the first to arrive always gets in
        for data, answer in answers:
            if answer.status == 503:
                _refusal_is_clean(answer)
            else:
                doc = answer.json()["documents"][0]
                assert doc["sha256"] == hashlib.sha256(data).hexdigest()
        assert worker_pids(master[0].pid) == workers      # no worker crashed or was killed
        assert ledger.snapshot() == {"running": 0, "queued": 0, "bytes": 0}
