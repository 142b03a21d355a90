"""Triage throughput: messages per second over a folder of 300 PEC messages (issue 13).

    .venv/bin/python bench/triage_bench.py [--messages 300] [--no-reference] [--json OUT]

The messages are samples/gen_pec.py's set (28 envelopes, receipts, anomalies, plain and
malformed mail, each S/MIME-signed by a test provider; 105 of 300 carry a submission with
a PDF to check), built now into a temporary folder and repeated to the count. Each run is
what `pec-precheck triage FOLDER` does in its process: read the folder, parse, verify the
provider signatures, check the inner submissions (workers forked from a fresh forkserver,
started inside the timed run as in a CLI run).

Two layouts are timed in the same run, on the same files:
  current    checker.triage.triage as it is;
  reference  the layout before issue 13, rebuilt here from the same pieces: one worker per
             message for parsing, 8 at a time, the provider signature verified and the inner
             submission checked in this process, one message after the other.
Rows must be identical (elapsed times aside). Reported: wall time, messages/s, CPU seconds
per message of this process and all its workers (the forkserver is stopped and reaped at
the end of each run, so its children's time is counted), the load average before each run
(the machine is shared: wall figures move with it, CPU per message much less), and the
ratio current/reference. Writes bench/results/triage_bench.json and .md.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from multiprocessing import forkserver
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))

import pec_samples  # noqa: E402

from checker import checks, isolation, triage  # noqa: E402
from checker.mail import sources  # noqa: E402
from checker.triage import batch, rows  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def build_folder(dest: Path, count: int) -> Path:
    messages = sorted((pec_samples.build(dest / "gen") / "messages").glob("*.eml"))
    folder = dest / "inbox"
    folder.mkdir()
    for n in range(count):
        src = messages[n % len(messages)]
        (folder / f"{n:04d}_{src.name}").write_bytes(src.read_bytes())
    return folder


def reference_triage(items: list[sources.RawItem], settings: dict[str, Any]) -> list[rows.TriageRow]:
    """The pre-issue-13 layout: per-message parse workers (8 at a time), the rest in order here."""
    out: list[rows.TriageRow] = []
    for start in range(0, len(items), 8):
        chunk = items[start:start + 8]
        jobs = [isolation.Job(label="pec-triage", fn=batch._parse_job, args=(item.data,), key=i,
                              timeout=batch.PARSE_TIMEOUT)
                for i, item in enumerate(chunk) if item.data is not None]
        isolation.run_jobs(jobs)
        results = {job.key: job.result for job in jobs}
        out += [batch._row_for(item, results.get(i), None, settings) for i, item in enumerate(chunk)]
    return out


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def stop_forkserver() -> None:
    """Stop and reap the forkserver: its workers' CPU time (it reaped them) becomes ours."""
    forkserver._forkserver._stop()  # noqa: SLF001 - the bench's accounting, not the app's


def timed(name: str, folder: Path, run) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    stop_forkserver()
    load = os.getloadavg()[0]
    cpu0, wall0 = self_cpu() + children_cpu(), time.perf_counter()
    items = list(sources.iter_paths([folder]))
    got = run(items)
    stop_forkserver()
    wall, cpu = time.perf_counter() - wall0, self_cpu() + children_cpu() - cpu0
    n = len(got)
    figures = {"layout": name, "messages": n, "wall_s": round(wall, 2),
               "messages_per_s": round(n / wall, 2), "cpu_s_per_message": round(cpu / n, 4),
               "load_avg_before": round(load, 2)}
    plain = [r.to_json(with_report=True) for r in got]
    for row in plain:
        if row["report"]:   # when and how long: not the same in the two layouts
            row["report"].pop("elapsed_ms", None)
            row["report"].pop("checked_at", None)
    return figures, plain


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--no-reference", action="store_true", help="time the current layout only")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    settings = checks.settings_from_env()
    tmp = Path(tempfile.mkdtemp(prefix="triage-bench-"))
    try:
        folder = build_folder(tmp, args.messages)
        list(triage.triage(sources.iter_paths([folder]), settings=settings))   # warm: caches, imports
        runs = []
        current, current_rows = timed("current", folder, lambda items: list(triage.triage(items, settings=settings)))
        runs.append(current)
        if not args.no_reference:
            reference, reference_rows = timed("reference", folder,
                                              lambda items: reference_triage(items, settings))
            runs.append(reference)
            differ = [(a, b) for a, b in zip(reference_rows, current_rows, strict=True) if a != b]
            if differ:
                RESULTS.mkdir(parents=True, exist_ok=True)
                (RESULTS / "triage_bench_differences.json").write_text(json.dumps(differ, indent=1))
                print(f"rows differ between the layouts: {len(differ)} (each pair in "
                      f"bench/results/triage_bench_differences.json)", file=sys.stderr)
                return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result: dict[str, Any] = {"cpus": os.cpu_count(), "workers": isolation.DEFAULT_WORKERS,
                              "row_threads": batch.ROW_THREADS, "runs": runs}
    if len(runs) == 2:
        result["speedup_wall"] = round(runs[1]["wall_s"] / runs[0]["wall_s"], 2)
        result["cpu_ratio"] = round(runs[0]["cpu_s_per_message"] / runs[1]["cpu_s_per_message"], 2)
    lines = ["| layout | messages | wall s | messages/s | CPU s/message | load avg before |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {r['layout']} | {r['messages']} | {r['wall_s']} | {r['messages_per_s']} | "
              f"{r['cpu_s_per_message']} | {r['load_avg_before']} |" for r in runs]
    if "speedup_wall" in result:
        lines.append(f"\ncurrent vs reference: {result['speedup_wall']}× faster (wall), "
                     f"{result['cpu_ratio']} of the CPU per message; {result['cpus']} CPUs")
    text = "\n".join(lines)
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "triage_bench.md").write_text(text + "\n")
    (RESULTS / "triage_bench.json").write_text(json.dumps(result, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
