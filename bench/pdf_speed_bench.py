"""PDF parsing speed at every size (issue 13): `pec-precheck pdfa` and `pec-precheck check`
end to end, and the in-process validator and scan, beside `qpdf --check` on the same file.

    PYTHONPATH=$PWD .venv/bin/python bench/pdf_speed_bench.py [--runs N] [--with-verapdf] [--only NAME]

Files, made here (bench/pdf_samples.py) into bench/results/gen/: text PDFs of 10, 100 and
1,000 pages (reportlab, claiming PDF/A-2b), a 200 k-object PDF and a 100 MB scan. Each
command runs --runs times (median): wall seconds, CPU seconds of the process tree (user +
sys of the command and its reaped children, or the sum over every process of the tree
as last polled when larger: forkserver workers are not reaped by the command), peak RSS
of the process tree (psutil, polled every 10 ms). Ratios are against `qpdf --check`
measured in the same run, so a loaded
machine moves both sides. `pdfa` runs with --engine builtin; `check` runs without veraPDF
(PEC_PRECHECK_VERAPDF_HOME pointed nowhere) unless --with-verapdf: the JVM is another
engine, not the PDF parsing measured here. Writes bench/results/pdf_speed_bench.md.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
GENERATED = RESULTS / "gen"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pdf_samples  # noqa: E402

FILES = {
    "text_10": ("10 pagine di testo", lambda: pdf_samples.text_pdf(10)),
    "text_100": ("100 pagine di testo", lambda: pdf_samples.text_pdf(100)),
    "text_1000": ("1.000 pagine di testo", lambda: pdf_samples.text_pdf(1000)),
    "objects_200k": ("200 k oggetti", lambda: pdf_samples.many_objects_pdf(200_000)),
    "scan_100mb": ("scansione 100 MB", lambda: pdf_samples.scan_pdf(100)),
}


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float


def measure(cmd: list[str], env: dict[str, str]) -> Run:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    peak = [0]
    cpu_seen: dict[int, float] = {}  # pid -> last CPU seen (forkserver workers are not our reaped children)
    done = threading.Event()

    def poll() -> None:
        try:
            root = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while not done.is_set():
            total = 0
            try:
                for p in [root, *root.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                        t = p.cpu_times()
                        cpu_seen[p.pid] = t.user + t.system
                    except psutil.Error:
                        continue
            except psutil.Error:
                break
            peak[0] = max(peak[0], total)
            time.sleep(0.01)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    proc.wait()
    wall = time.perf_counter() - start
    done.set()
    watcher.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    reaped = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    cpu = max(reaped, sum(cpu_seen.values()))
    # ru_maxrss of children is the largest single process: a floor for the tree's peak
    return Run(wall, cpu, max(peak[0], 0) / 2**20)


def median(runs: list[Run]) -> Run:
    return Run(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs),
               max(r.rss_mb for r in runs))


def in_process(path: Path, runs: int) -> tuple[float, float]:
    """CPU seconds of pdfa.validate and pdfscan.scan in this process (imports warmed)."""
    from checker import pdfa
    from checker.pdfscan import scan

    data = path.read_bytes()
    out = []
    for fn in (pdfa.validate, scan):
        fn(data)
        times = []
        for _ in range(runs):
            t = time.process_time()
            fn(data)
            times.append(time.process_time() - t)
        out.append(statistics.median(times))
    return out[0], out[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--with-verapdf", action="store_true")
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    GENERATED.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    check_env = dict(env) if args.with_verapdf else dict(env, PEC_PRECHECK_VERAPDF_HOME="/nonexistent")
    cli = [str(ROOT / ".venv" / "bin" / "pec-precheck")]
    rows = []
    for key, (label, make) in FILES.items():
        if args.only and args.only not in key:
            continue
        path = GENERATED / f"{key}.pdf"
        if not path.exists():
            path.write_bytes(make())
        qpdf = median([measure(["qpdf", "--check", str(path)], env) for _ in range(args.runs)])
        pdfa_run = median([measure(cli + ["pdfa", "--engine", "builtin", str(path)], env)
                           for _ in range(args.runs)])
        check_run = median([measure(cli + ["check", str(path)], check_env) for _ in range(args.runs)])
        validate_cpu, scan_cpu = in_process(path, args.runs)
        rows.append((label, path.stat().st_size / 2**20, qpdf, pdfa_run, check_run, validate_cpu, scan_cpu))
        print(f"{label}: qpdf {qpdf.wall:.2f}s, pdfa {pdfa_run.wall:.2f}s, check {check_run.wall:.2f}s",
              file=sys.stderr)
    table = render(rows, args)
    out = RESULTS / "pdf_speed_bench.md"
    out.write_text(table)
    print(table)
    print(f"(written to {out.relative_to(ROOT)})")
    return 0


def render(rows, args) -> str:
    lines = [
        f"PDF speed bench ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPU, load "
        f"{os.getloadavg()[0]:.1f}, median of {args.runs}; veraPDF "
        f"{'on' if args.with_verapdf else 'off'} in check)",
        "",
        "| file | MB | qpdf --check s (CPU) | pdfa CLI s (CPU) | × qpdf wall / CPU | check CLI s (CPU) "
        "| × qpdf wall / CPU | in-process validate / scan CPU s | validate × qpdf CPU "
        "| peak RSS MB qpdf / pdfa / check |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, mb, q, a, c, v, s in rows:
        def ratio(x: float, y: float) -> str:
            return f"{x / y:.1f}" if y > 0 else "-"
        lines.append(
            f"| {label} | {mb:.1f} | {q.wall:.2f} ({q.cpu:.2f}) | {a.wall:.2f} ({a.cpu:.2f}) "
            f"| {ratio(a.wall, q.wall)} / {ratio(a.cpu, q.cpu)} | {c.wall:.2f} ({c.cpu:.2f}) "
            f"| {ratio(c.wall, q.wall)} / {ratio(c.cpu, q.cpu)} | {v:.2f} / {s:.2f} | {ratio(v, q.cpu)} "
            f"| {q.rss_mb:.0f} / {a.rss_mb:.0f} / {c.rss_mb:.0f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
