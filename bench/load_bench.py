#!/usr/bin/env python3
"""Load figures for the server as deployed: gunicorn (gunicorn.conf.py, two workers) on
loopback, in-process mode and queue mode (a private redis-server and two `rq worker`s).

For each mode: `--clients` concurrent clients each post `--per-client` submissions (a one-page
PDF and a short text) to POST /api/v1/check; we record throughput (submissions per second),
p50/p95 latency and any non-200 answer. Then 50 clients keep the server busy while /healthz is
asked `--pings` times: its p50/p95. The table goes to bench/results/load_bench.md (and .json).

    python bench/load_bench.py [--clients 20] [--per-client 5] [--modes in-process,queue]

The tests never assert speed (tests/integration/test_load.py checks correctness under load);
these figures are for the README. The machine's load average is recorded beside them.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "fixtures")]

from gunicorn_server import gunicorn_server  # noqa: E402 - after the sys.path set-up
from http_client import get, post_files  # noqa: E402
from redis_server import redis_available, redis_server, rq_workers  # noqa: E402
from web_samples import pdf_bytes, txt_bytes  # noqa: E402

RESULTS = ROOT / "bench" / "results"
FILES = [("domanda.pdf", pdf_bytes()), ("nota.txt", txt_bytes())]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


@contextlib.contextmanager
def server(mode: str, env: dict[str, str]) -> Iterator[str]:
    if mode == "in-process":
        with gunicorn_server({"PEC_PRECHECK_WEB_WORKERS": "2", **env}) as base:
            yield base
        return
    with redis_server() as url, rq_workers(url, 2), \
            gunicorn_server({"PEC_PRECHECK_WEB_WORKERS": "2", "REDIS_URL": url, **env}) as base:
        yield base


def submit(base: str) -> tuple[int, float]:
    started = time.monotonic()
    answer = post_files(base, "/api/v1/check", FILES, {"main": "domanda.pdf"})
    return answer.status, time.monotonic() - started


def load(base: str, clients: int, per_client: int) -> dict[str, float]:
    submit(base)  # warm: the first check starts the workers' forkservers
    latencies: list[float] = []
    failures: dict[int, int] = {}
    lock = threading.Lock()

    def client(_: int) -> None:
        for _ in range(per_client):
            status, seconds = submit(base)
            with lock:
                latencies.append(seconds)
                if status != 200:
                    failures[status] = failures.get(status, 0) + 1

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, range(clients)))
    wall = time.monotonic() - started
    return {"submissions": len(latencies), "seconds": wall, "throughput": len(latencies) / wall,
            "p50": statistics.median(latencies), "p95": percentile(latencies, 95),
            "non_200": sum(failures.values()), "non_200_codes": json.dumps(failures)}


def healthz_under_load(base: str, clients: int, pings: int) -> dict[str, float]:
    stop = threading.Event()

    def busy(_: int) -> None:
        while not stop.is_set():
            submit(base)

    times: list[float] = []
    codes: list[int] = []
    with ThreadPoolExecutor(max_workers=clients) as pool:
        try:
            for n in range(clients):
                pool.submit(busy, n)
            time.sleep(2)  # let the load build up
            for _ in range(pings):
                started = time.monotonic()
                codes.append(get(base, "/healthz").status)
                times.append(time.monotonic() - started)
                time.sleep(0.05)
        finally:
            stop.set()  # also on Ctrl-C: the clients end after their current submission
    return {"healthz_p50": statistics.median(times), "healthz_p95": percentile(times, 95),
            "healthz_non_200": sum(1 for c in codes if c != 200)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--per-client", type=int, default=5)
    parser.add_argument("--health-clients", type=int, default=50)
    parser.add_argument("--pings", type=int, default=100)
    parser.add_argument("--modes", default="in-process,queue")
    args = parser.parse_args()
    env = {"SECRET_KEY": "bench", "PEC_PRECHECK_QUEUE": "200", "PEC_PRECHECK_LOG_LEVEL": "warning"}
    rows = []
    for mode in args.modes.split(","):
        if mode == "queue" and not redis_available():
            print("queue mode skipped: redis-server not installed", file=sys.stderr)
            continue
        load_before = os.getloadavg()[0]
        with server(mode, env) as base:
            row = {"mode": mode, "clients": args.clients, **load(base, args.clients, args.per_client)}
            row.update(healthz_under_load(base, args.health_clients, args.pings))
        row["loadavg_before"] = load_before
        rows.append(row)
        print(json.dumps(row), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "load_bench.json").write_text(json.dumps(rows, indent=2) + "\n")
    lines = [f"# Load bench ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, gunicorn 2 workers; "
             f"queue mode: 2 rq workers)", "",
             "| mode | clients | submissions | throughput /s | p50 s | p95 s | non-200 | "
             f"/healthz p50 s ({args.health_clients} clients) | /healthz p95 s | load avg before |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['mode']} | {r['clients']} | {r['submissions']} | {r['throughput']:.2f} | "
                     f"{r['p50']:.2f} | {r['p95']:.2f} | {r['non_200']} | {r['healthz_p50']:.3f} | "
                     f"{r['healthz_p95']:.3f} | {r['loadavg_before']:.1f} |")
    (RESULTS / "load_bench.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
