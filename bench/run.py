#!/usr/bin/env python3
"""Time the whole check of a typical submission: three 1–5 MB PDFs and one small attachment.

Prints the median wall time over several runs, the per-check breakdown (seconds
spent inside each check's workers, summed over documents; checks run two at a
time, so the sum can exceed the wall time), and peak memory of the parent and
of the largest worker. Target (issue 2): verdict in under 1 s on 2 cores without
veraPDF.

    python bench/run.py [--runs 7] [--profile generic] [--json]
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checker import engine  # noqa: E402
from checker.model import InputFile, Submission  # noqa: E402


def make_pdf(target_mb: float, title: str, seed: int) -> bytes:
    """A real multi-page PDF with text and incompressible images, about target_mb in size."""
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    rng = random.Random(seed)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle(title)
    pages = max(1, round(target_mb / 0.65))  # one noisy 512×340 image ≈ 0.65 MB a page
    for page in range(pages):
        c.setFont("Helvetica", 11)
        c.drawString(72, 780, f"Oggetto: {title}")
        for line in range(40):
            c.drawString(72, 750 - line * 15, f"Riga {line} della pagina {page + 1}: testo della domanda.")
        noise = Image.frombytes("RGB", (512, 340), rng.randbytes(512 * 340 * 3))
        c.drawImage(ImageReader(noise), 72, 72, width=300, height=200)
        c.showPage()
    c.save()
    return buf.getvalue()


def typical_submission(profile: str) -> Submission:
    files = [
        InputFile("domanda.pdf", make_pdf(1.2, "Richiesta di accesso agli atti", 1)),
        InputFile("allegato_planimetria.pdf", make_pdf(4.5, "Richiesta di accesso agli atti", 2)),
        InputFile("documento_identita.pdf", make_pdf(2.5, "Richiesta di accesso agli atti", 3)),
        InputFile("note.txt", b"Oggetto: Richiesta di accesso agli atti\nNote per l'ufficio.\n"),
    ]
    return Submission(profile=profile, sender="mario.rossi@pec.it",
                      subject="Richiesta di accesso agli atti", doc_type="istanza",
                      main="domanda.pdf", files=files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--profile", default="generic")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    sub = typical_submission(args.profile)
    sizes = {f.name: len(f.data) for f in sub.files}
    engine.check_submission(sub)  # warm-up: starts the forkserver, imports the checks
    walls, per_check = [], {}
    verdict = None
    for _ in range(args.runs):
        started = time.perf_counter()
        report = engine.check_submission(sub)
        walls.append(time.perf_counter() - started)
        verdict = report.verdict.value
        for name, seconds in report.timings.items():
            per_check.setdefault(name, []).append(seconds)
    result = {
        "files": sizes,
        "runs": args.runs,
        "verdict": verdict,
        "wall_median_s": round(statistics.median(walls), 3),
        "wall_min_s": round(min(walls), 3),
        "wall_max_s": round(max(walls), 3),
        "per_check_median_s": {k: round(statistics.median(v), 3) for k, v in sorted(per_check.items())},
        "peak_rss_parent_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_worker_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "cpus": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"typical submission: {', '.join(f'{n} {s / 1e6:.1f} MB' for n, s in sizes.items())}")
        print(f"verdict {verdict}; wall median {result['wall_median_s']} s "
              f"(min {result['wall_min_s']}, max {result['wall_max_s']}) over {args.runs} runs, "
              f"{result['cpus']} CPUs")
        for name, sec in result["per_check_median_s"].items():
            print(f"  {name:<14} {sec:7.3f} s (summed over documents)")
        print(f"peak RSS: parent {result['peak_rss_parent_mb']} MB, "
              f"largest worker {result['peak_rss_worker_mb']} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
