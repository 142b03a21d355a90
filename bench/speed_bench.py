#!/usr/bin/env python3
"""Speed and memory at every size (issue 13), each row beside a reference measured in the same run.

    .venv/bin/python bench/speed_bench.py [--runs 7] [--rows typical_cli,warm_api,corpus,scan]

Rows (one function each, `row_<name>() -> Row`; add a row by adding a function to ROWS):
- typical_cli: `pec-precheck check` on a typical submission (two text PDFs of 1–2 MB, a PDF/A,
  a signed .p7m), run as a user runs it (a fresh process each time); median of --runs.
- warm_api: the same files through POST /api/v1/check on a warm app (Flask test client).
- corpus: `pec-precheck check` on the veraPDF corpus (../shared/corpus, 870 PDFs, in calls of
  at most 200 files) beside `qpdf --check` run once per file, one after the other.
- scan: peak memory (PSS summed over the whole process tree, sampled) of `pec-precheck check`
  on a ~100 MB scan-like PDF (noise images) beside `qpdf --check` on it.

Writes bench/results/speed_bench.md and prints it. No network; veraPDF and clamd not used
(the built-in validators are measured).
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable

import psutil

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

ENV = {**os.environ, "PYTHONPATH": str(ROOT), "PEC_PRECHECK_REVOCATION": "offline",
       "VERAPDF": "", "PEC_PRECHECK_CLAMD": "", "PEC_PRECHECK_VERAPDF_HOME": "/nonexistent"}
CLI = [sys.executable, "-m", "checker"]


@dataclass
class Row:
    name: str          # what was measured
    ours: str          # our figure
    reference: str     # the reference measured in the same run
    ratio: str         # ours / reference, or the goal's comparison
    goal: str
    note: str = ""


# ---------------------------------------------------------------- inputs

def text_pdf(pages: int, title: str) -> bytes:
    """A text PDF (uncompressed content streams, as many office exports are), pages of prose."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=0)
    c.setTitle(title)
    for page in range(pages):
        c.setFont("Helvetica", 10)
        for line in range(60):
            c.drawString(50, 800 - line * 12.5, f"Pagina {page + 1}, riga {line + 1}: il sottoscritto chiede "
                                                 "l'accesso agli atti del procedimento indicato in oggetto.")
        c.showPage()
    c.save()
    return buf.getvalue()


def scan_pdf(target_mb: int, seed: int = 7) -> bytes:
    """A scan-like PDF of about target_mb: one incompressible noise image per page."""
    import pikepdf
    from PIL import Image
    rng = random.Random(seed)
    pdf = pikepdf.new()
    side = 1400   # 1400×1400 RGB ≈ 5.9 MB a page, stored raw (Flate of noise gains nothing)
    for _ in range(max(1, round(target_mb * 1e6 / (side * side * 3)))):
        Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))  # real image bytes
        image = pdf.make_stream(rng.randbytes(side * side * 3))
        image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        image.Width, image.Height, image.BitsPerComponent = side, side, 8
        image.ColorSpace = pikepdf.Name.DeviceRGB
        page = pdf.add_blank_page(page_size=(595, 842))
        page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        page.Contents = pdf.make_stream(b"q 595 0 0 842 0 0 cm /Im0 Do Q")
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def typical_files(folder: Path) -> list[Path]:
    """Two text PDFs of 1–2 MB, a PDF/A (samples/out/pdfa), a signed .p7m (samples/out/signed)."""
    made = [("domanda.pdf", text_pdf(110, "Richiesta di accesso agli atti")),
            ("relazione.pdf", text_pdf(190, "Relazione tecnica"))]
    paths = []
    for name, data in made:
        (folder / name).write_bytes(data)
        paths.append(folder / name)
    for sample in (ROOT / "samples/out/pdfa/pdfa2b-conforme.pdf", ROOT / "samples/out/signed/domanda.pdf.p7m"):
        if not sample.is_file():
            raise SystemExit(f"{sample} missing: run `make samples` first")
        shutil.copy(sample, folder / sample.name)
        paths.append(folder / sample.name)
    return paths


# ---------------------------------------------------------------- measuring

def run_cli(args: list[str]) -> float:
    return run_cli_cpu(args)[0]


def _subreaper() -> None:
    """Become the reaper of orphaned descendants (a forkserver outlives the command-line
    process by a moment): once reaped, their CPU time counts in RUSAGE_CHILDREN too."""
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def _reap(keep: set[int]) -> None:
    """Wait for the run's orphans (adopted as subreaper), not for this process's own long-lived
    children (an earlier row's forkserver or veraPDF JVM would never end)."""
    while True:
        orphans = [c.pid for c in psutil.Process().children() if c.pid not in keep]
        if not orphans:
            return
        for pid in orphans:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def run_cli_cpu(args: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one command-line run; CPU is user+system of the whole process
    tree (its workers, and a forkserver's, reaped here)."""
    _subreaper()
    keep = {c.pid for c in psutil.Process().children()}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    # run from the checkout: `python -m` puts the working directory first on sys.path,
    # before PYTHONPATH, so --root would otherwise measure this checkout
    subprocess.run(CLI + args, env=ENV, cwd=ENV["PYTHONPATH"], capture_output=True, timeout=1800)
    wall = time.perf_counter() - t
    _reap(keep)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def qpdf_seconds(paths: list[Path]) -> float:
    t = time.perf_counter()
    for p in paths:
        subprocess.run(["qpdf", "--check", str(p)], capture_output=True, timeout=300)
    return time.perf_counter() - t


def peak_tree_memory(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(peak PSS, peak RSS) in MB, summed over the process and all its descendants, sampled
    every 10 ms. PSS splits shared pages (forkserver, copy-on-write) between the processes
    mapping them; the RSS sum counts them once per process."""
    proc = psutil.Popen(cmd, env=env, cwd=(env or {}).get("PYTHONPATH"), stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL)
    peak_pss = peak_rss = 0.0
    while proc.poll() is None:
        pss = rss = 0.0
        for p in [proc, *proc.children(recursive=True)]:
            try:
                info = p.memory_full_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            pss += info.pss
            rss += info.rss
        peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
        time.sleep(0.01)
    return peak_pss / 2**20, peak_rss / 2**20


# ---------------------------------------------------------------- rows

def row_typical_cli(runs: int) -> Row:
    with tempfile.TemporaryDirectory() as tmp:
        paths = typical_files(Path(tmp))
        args = ["check", *map(str, paths), "--trust", str(ROOT / "samples/out/signed/trust"), "--json"]
        run_cli(args)  # page cache warm
        measured = [run_cli_cpu(args) for _ in range(runs)]
        walls = [w for w, _ in measured]
        cpu = statistics.median(c for _, c in measured)
        help_s = statistics.median(run_cli(["--help"]) for _ in range(3))
        qpdf = qpdf_seconds([p for p in paths if p.suffix == ".pdf"])
        sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in paths)
    median = statistics.median(walls)
    return Row("typical submission, CLI (fresh process)", f"{median:.2f} s median of {runs}",
               f"qpdf --check on its 3 PDFs {qpdf:.2f} s", f"{median / qpdf:.1f}×", "< 1 s",
               f"CPU {cpu:.2f} s median; min {min(walls):.2f}, max {max(walls):.2f}; "
               f"`--help` {help_s:.2f} s; {sizes}")


def row_warm_api(runs: int) -> Row:
    from app import create_app
    with tempfile.TemporaryDirectory() as tmp:
        paths = typical_files(Path(tmp))
        blobs = [(p.read_bytes(), p.name) for p in paths]
        qpdf = qpdf_seconds([p for p in paths if p.suffix == ".pdf"])
    os.environ.update({k: ENV[k] for k in ("PEC_PRECHECK_REVOCATION", "VERAPDF", "PEC_PRECHECK_CLAMD",
                                           "PEC_PRECHECK_VERAPDF_HOME")})
    client = create_app({"TESTING": True}).test_client()

    def post() -> float:
        t = time.perf_counter()
        r = client.post("/api/v1/check", content_type="multipart/form-data",
                        data={"sender": "mario.rossi@pec.it", "subject": "Richiesta di accesso agli atti",
                              "files": [(io.BytesIO(b), n) for b, n in blobs]})
        assert r.status_code == 200, r.get_data(as_text=True)[:300]
        return time.perf_counter() - t

    post()
    post()
    walls = [post() for _ in range(runs)]
    median = statistics.median(walls)
    return Row("typical submission, warm API", f"{median:.2f} s median of {runs}",
               f"qpdf --check on its 3 PDFs {qpdf:.2f} s", f"{median / qpdf:.1f}×", "< 0.35 s",
               f"min {min(walls):.2f}, max {max(walls):.2f}")


def row_corpus(runs: int) -> Row:
    paths = sorted(CORPUS.rglob("*.pdf"))
    if not paths:
        raise SystemExit(f"no corpus at {CORPUS}")
    chunks = [paths[i:i + 200] for i in range(0, len(paths), 200)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    qpdf = qpdf_seconds(paths)
    mid = resource.getrusage(resource.RUSAGE_CHILDREN)
    ours = cpu = 0.0
    for chunk in chunks:
        wall, used = run_cli_cpu(["check", *map(str, chunk), "--json"])
        ours, cpu = ours + wall, cpu + used
    qpdf_cpu = (mid.ru_utime + mid.ru_stime) - (before.ru_utime + before.ru_stime)
    return Row(f"`check` on the corpus ({len(paths)} PDFs, {len(chunks)} calls)", f"{ours:.1f} s",
               f"qpdf --check per file {qpdf:.1f} s", f"{ours / qpdf:.1f}×", "≤ 3×",
               f"CPU {cpu:.1f} s vs qpdf's {qpdf_cpu:.1f} s ({cpu / max(qpdf_cpu, 0.01):.1f}×); "
               f"{os.cpu_count()} CPUs; qpdf one file after another")


def row_scan(runs: int) -> Row:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scansione.pdf"
        path.write_bytes(scan_pdf(100))
        size = path.stat().st_size / 1e6
        ours_pss, ours_rss = peak_tree_memory(CLI + ["check", str(path), "--json"], ENV)
        ref_pss, ref_rss = peak_tree_memory(["qpdf", "--check", str(path)])
    return Row(f"peak memory, `check` on a {size:.0f} MB scan (process tree)",
               f"{ours_pss:.0f} MB PSS ({ours_rss:.0f} MB RSS sum)",
               f"qpdf --check {ref_pss:.0f} MB PSS", f"{ours_pss / max(ref_pss, 1):.1f}×", "< 300 MB",
               "sampled every 10 ms")


ROWS: dict[str, Callable[[int], Row]] = {
    "typical_cli": row_typical_cli,
    "warm_api": row_warm_api,
    "corpus": row_corpus,
    "scan": row_scan,
}


def table(rows: list[Row]) -> str:
    lines = ["| measured | ours | reference (same run) | ratio | goal | note |", "|---|---|---|---|---|---|"]
    lines += [f"| {r.name} | {r.ours} | {r.reference} | {r.ratio} | {r.goal} | {r.note} |" for r in rows]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--rows", default=",".join(ROWS), help=f"comma-separated, of: {', '.join(ROWS)}")
    ap.add_argument("--out", default=str(RESULTS / "speed_bench.md"))
    ap.add_argument("--root", default=str(ROOT),
                    help="checkout whose `checker` the command-line rows run (to compare two versions)")
    args = ap.parse_args()
    ENV["PYTHONPATH"] = args.root
    rows = []
    for name in args.rows.split(","):
        rows.append(ROWS[name](args.runs))
        print(table(rows[-1:]).splitlines()[-1], flush=True)
    text = (f"# speed_bench ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs, "
            f"machine shared while measuring)\n\n" + table(rows))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    threading.current_thread().name = "speed_bench"
    sys.exit(main())
