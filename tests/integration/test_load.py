"""A bounded load test on loopback against gunicorn (two workers, as deployed): 24 concurrent
clients, every answer right, no 5xx; the admission limit holds across both workers (the test
watches the shared ledger); with a tiny queue the excess gets 503 with Retry-After, never
anything else. Speed is not asserted here: bench/load_bench.py measures it."""
from __future__ import annotations

import hashlib
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from checker.jobs import Ledger, Limits
from gunicorn_server import gunicorn_server
from http_client import Answer, get, post_files

CLIENTS = 24
PER_CLIENT = 3


def letter(token: str) -> bytes:
    return "".join(f"Istanza di accesso agli atti, riga {n}: {token}\n" for n in range(30)).encode()


def run_clients(base: str, clients: int, per_client: int) -> list[tuple[str, bytes, Answer]]:
    def client(n: int) -> list[tuple[str, bytes, Answer]]:
        out = []
        for k in range(per_client):
            name, data = f"domanda-{n:02d}-{k}.txt", letter(secrets.token_hex(8))
            out.append((name, data, post_files(base, "/api/v1/check", [(name, data)])))
        return out
    with ThreadPoolExecutor(max_workers=clients) as pool:
        return [item for batch in pool.map(client, range(clients)) for item in batch]


def assert_report_right(name: str, data: bytes, answer: Answer) -> None:
    assert answer.status == 200, answer.body[:300]
    report = answer.json()
    doc = report["documents"][0]
    assert (doc["name"], doc["sha256"]) == (name, hashlib.sha256(data).hexdigest())
    assert doc["format"]["id"] == "txt" and report["verdict"] in ("ready", "fix", "undetermined")


def test_24_concurrent_clients_all_answered_right_within_the_global_limit(tmp_path: Path):
    limits = {"PEC_PRECHECK_MAX_CHECKS": "2", "PEC_PRECHECK_QUEUE": "100"}
    peak = []
    stop = threading.Event()

    def watch(ledger: Ledger) -> None:
        while not stop.is_set():
            peak.append(ledger.snapshot()["running"])
            stop.wait(0.05)

    with gunicorn_server({"PEC_PRECHECK_WEB_WORKERS": "2", "PEC_PRECHECK_RUNTIME_DIR": str(tmp_path),
                          "SECRET_KEY": "prova", **limits}) as base:
        watcher = threading.Thread(target=watch, args=(Ledger(tmp_path, Limits()),))
        watcher.start()
        health: list[int] = []
        pinger = threading.Thread(target=lambda: health.extend(get(base, "/healthz").status for _ in range(20)))
        pinger.start()
        results = run_clients(base, CLIENTS, PER_CLIENT)
        pinger.join()
        stop.set()
        watcher.join()
        final = Ledger(tmp_path, Limits()).snapshot()
    assert len(results) == CLIENTS * PER_CLIENT
    for name, data, answer in results:
        assert_report_right(name, data, answer)
    assert health == [200] * 20
    assert max(peak) <= 2        # one limit for both workers' threads together
    assert final == {"running": 0, "queued": 0, "bytes": 0}


def test_past_the_queue_the_excess_gets_503_with_retry_after_and_nothing_else(tmp_path: Path):
    with gunicorn_server({"PEC_PRECHECK_WEB_WORKERS": "2", "PEC_PRECHECK_RUNTIME_DIR": str(tmp_path),
                          "PEC_PRECHECK_MAX_CHECKS": "1", "PEC_PRECHECK_QUEUE": "1",
                          "SECRET_KEY": "prova"}) as base:
        ledger = Ledger(tmp_path, Limits())
        ledger.enter("held-by-the-test", 1)      # the one slot is taken: one may wait, no more
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            futures = [pool.submit(run_clients, base, 1, 1) for _ in range(CLIENTS)]
            # everyone but the one in the queue is answered (503) while the slot is held
            end = time.monotonic() + 240
            while sum(f.done() for f in futures) < CLIENTS - 1 and time.monotonic() < end:
                time.sleep(0.1)
            ledger.leave("held-by-the-test")
            results = [item for f in futures for item in f.result()]
    statuses = [answer.status for _, _, answer in results]
    assert sorted(statuses) == [200] + [503] * (CLIENTS - 1)
    for name, data, answer in results:
        if answer.status == 503:
            assert int(answer.headers["Retry-After"]) > 0 and answer.json()["error"] == "busy"
        else:
            assert_report_right(name, data, answer)
