#!/usr/bin/env python3
"""Load figures for the server as deployed: gunicorn (gunicorn.conf.py, two workers) on
loopback, in-process mode and queue mode (a private redis-server and two `rq worker`s).

For each mode: `--clients` concurrent clients each post `--per-client` submissions (a one-page
PDF and a short text) to POST /api/v1/check; we record throughput (submissions per second),
p50/p95 latency and any non-200 answer. Then 50 clients keep the server busy while /healthz is
asked `--pings` times: its p50/p95. The table goes to bench/results/load_bench.md (and .json).

    python bench/load_bench.py [--clients 20] [--per-client 5] [--modes in-process,queue]
    python bench/load_bench.py --memory [--upload-mb 90] [--uploads 24] [--budget-mb 512]

--memory (issue 12, "memory under attack"): gunicorn with two workers; first one upload of
--upload-mb alone, with room for it, to measure the memory the server tree holds per upload
byte (its peak proportional set size, PSS from /proc/<pid>/smaps_rollup, over the idle tree:
the multiplier checker/jobs/admission.HELD_PER_UPLOAD_BYTE should be at least); then
--uploads clients upload --upload-mb each at once with the admission budget
PEC_PRECHECK_MAX_BYTES_MB=--budget-mb: every answer must be 200 or a 503 with Retry-After,
and the tree's peak is recorded beside the budget and the largest single process beside
--process-cap-mb. Results in bench/results/memory_bench.md (and .json).

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
MB = 1024 * 1024
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


# --- memory under attack --------------------------------------------------------------------

def tree(master: int) -> list[int]:
    """master and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [master]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def pss_rss(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of one process in bytes, 0 when it has gone."""
    values = {"Pss:": 0, "Rss:": 0}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key = line.split(":")[0] + ":"
            if key in values:
                values[key] = int(line.split()[1]) * 1024
    except OSError:
        pass
    return values["Pss:"], values["Rss:"]


class Sampler(threading.Thread):
    """Samples the server tree every `every` seconds: peak total PSS, peak RSS of one process."""

    def __init__(self, master: int, every: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.master, self.every = master, every
        self.stop = threading.Event()
        self.peak_tree = self.peak_process = 0

    def sample(self) -> int:
        total = 0
        for pid in tree(self.master):
            pss, rss = pss_rss(pid)
            total += pss
            self.peak_process = max(self.peak_process, rss)
        self.peak_tree = max(self.peak_tree, total)
        return total

    def run(self) -> None:
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(self.every)


def upload(base: str, body: bytes, ctype: str) -> tuple[int, str, dict]:
    from http_client import request
    answer = request("POST", base + "/api/v1/check", body, ctype, timeout=900)
    info = answer.json() if answer.body.startswith(b"{") else {}
    return answer.status, answer.headers.get("Retry-After", ""), info


def memory_attack(upload_mb: int, uploads: int, budget_mb: int, process_cap_mb: int) -> dict:
    from http_client import MESSAGE, multipart
    data = os.urandom(upload_mb << 20)
    body, ctype = multipart(MESSAGE, [("scansione.pdf", data)])
    del data
    env = {"SECRET_KEY": "bench", "PEC_PRECHECK_LOG_LEVEL": "warning", "PEC_PRECHECK_WEB_WORKERS": "2",
           "PEC_PRECHECK_MAX_UPLOAD_MB": str(upload_mb + 5), "PEC_PRECHECK_QUEUE": str(uploads * 2)}
    row: dict = {"upload_mb": upload_mb, "uploads": uploads, "budget_mb": budget_mb,
                 "process_cap_mb": process_cap_mb, "loadavg_before": os.getloadavg()[0]}
    started: list = []
    # 1. one upload alone, with room for it: the memory held per upload byte
    with gunicorn_server({**env, "PEC_PRECHECK_MAX_BYTES_MB": str(upload_mb * 10)}, started) as base:
        submit(base)   # warm: the workers' forkservers
        sampler = Sampler(started[-1].pid)
        time.sleep(1)
        idle = min(sampler.sample() for _ in range(5))
        sampler.peak_tree = 0
        sampler.start()
        status, _retry, _info = upload(base, body, ctype)
        sampler.stop.set()
        sampler.join()
        row.update(single_status=status, idle_tree_mb=idle / MB,
                   single_peak_tree_mb=sampler.peak_tree / MB,
                   held_per_upload_byte=(sampler.peak_tree - idle) / (upload_mb << 20),
                   single_peak_process_mb=sampler.peak_process / MB)
    # 2. many at once, with the budget
    with gunicorn_server({**env, "PEC_PRECHECK_MAX_BYTES_MB": str(budget_mb)}, started) as base:
        submit(base)
        sampler = Sampler(started[-1].pid)
        time.sleep(1)
        idle = min(sampler.sample() for _ in range(5))
        sampler.peak_tree = sampler.peak_process = 0
        sampler.start()
        begun = time.monotonic()
        with ThreadPoolExecutor(max_workers=uploads) as pool:
            answers = list(pool.map(lambda _n: upload(base, body, ctype), range(uploads)))
        seconds = time.monotonic() - begun
        sampler.stop.set()
        sampler.join()
        codes: dict[str, int] = {}
        for status, _retry, _info in answers:
            codes[str(status)] = codes.get(str(status), 0) + 1
        refusals = [(r, i) for s, r, i in answers if s == 503]
        row.update(idle_tree_mb_2=idle / MB, peak_tree_mb=sampler.peak_tree / MB,
                   peak_tree_over_idle_mb=(sampler.peak_tree - idle) / MB,
                   peak_process_mb=sampler.peak_process / MB, seconds=seconds, codes=codes,
                   refusals_with_retry_after=sum(1 for r, _i in refusals if r),
                   refusal_reasons=sorted({i.get("reason", "?") for _r, i in refusals}))
    from checker.jobs import HELD_PER_UPLOAD_BYTE
    row["held_per_upload_byte_constant"] = HELD_PER_UPLOAD_BYTE
    return row


def write_memory(row: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "memory_bench.json").write_text(json.dumps(row, indent=2) + "\n")
    lines = [f"# Memory under attack ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, gunicorn 2 workers, "
             f"load avg before {row['loadavg_before']:.1f})", "",
             f"One {row['upload_mb']} MB upload alone: the server tree's PSS went from "
             f"{row['idle_tree_mb']:.0f} MB to {row['single_peak_tree_mb']:.0f} MB: "
             f"**{row['held_per_upload_byte']:.2f} × the upload** held "
             f"(checker/jobs/admission.HELD_PER_UPLOAD_BYTE = {row['held_per_upload_byte_constant']}); "
             f"largest process {row['single_peak_process_mb']:.0f} MB RSS.", "",
             "| uploads at once | MB each | budget MB | answers | 503 with Retry-After | reasons | "
             "tree idle MB | tree peak MB (PSS) | peak over idle MB | largest process MB (RSS) | "
             "cap per process MB | seconds |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|",
             f"| {row['uploads']} | {row['upload_mb']} | {row['budget_mb']} | {json.dumps(row['codes'])} | "
             f"{row['refusals_with_retry_after']} | {', '.join(row['refusal_reasons'])} | "
             f"{row['idle_tree_mb_2']:.0f} | {row['peak_tree_mb']:.0f} | {row['peak_tree_over_idle_mb']:.0f} | "
             f"{row['peak_process_mb']:.0f} | {row['process_cap_mb']} | {row['seconds']:.1f} |"]
    (RESULTS / "memory_bench.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--per-client", type=int, default=5)
    parser.add_argument("--health-clients", type=int, default=50)
    parser.add_argument("--pings", type=int, default=100)
    parser.add_argument("--modes", default="in-process,queue")
    parser.add_argument("--memory", action="store_true", help="the memory-under-attack run instead")
    parser.add_argument("--upload-mb", type=int, default=90)
    parser.add_argument("--uploads", type=int, default=24)
    parser.add_argument("--budget-mb", type=int, default=512)
    parser.add_argument("--process-cap-mb", type=int, default=512)
    args = parser.parse_args()
    if args.memory:
        row = memory_attack(args.upload_mb, args.uploads, args.budget_mb, args.process_cap_mb)
        print(json.dumps(row), flush=True)
        write_memory(row)
        return 0
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
