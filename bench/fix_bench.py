"""The fix pipeline over ≥ 200 real inputs: the share fixed and the time per file.

    .venv/bin/python bench/fix_bench.py [--quick] [--no-ocrmypdf] [--json OUT]

Inputs, made now in memory (never in the repository), varied by a seeded RNG:
- .odt (odfpy) and .docx (python-docx) from samples/producer_sources.py (gen_producers.py's
  sources: fonts, lists, tables, images, links, comments, page breaks);
- reportlab PDFs from the same sources (links, form fields, transparency, CMYK, standard and
  embedded fonts; two encrypted with an empty password), some given JavaScript, an
  attachment or a program-starting outline with pikepdf (tests/fixtures/fix_samples.py);
- the same PDFs printed again by Ghostscript (plain PDF), and scans wrapped by img2pdf;
- .xlsx and .pptx (openpyxl, python-pptx); 10-page .docx and PDFs (the median goal);
- JPEG and PNG pictures (Pillow: photos, an alpha-channel PNG), converted through img2pdf.

Each input is fixed alone (checker.fix.fix_files, profile generic): check, convert/clean,
check again with veraPDF. "Fixed" = offered, i.e. every code it was fixed for gone, no new
error, PDF/A-2b by veraPDF, pages kept. For PDFs the text is compared too (pdftotext words
before ⊆ after, control characters being separators: see fix_samples.words). Times: the
whole fix_files call (two checks included) and the conversion steps alone. veraPDF and the
check workers are warmed before timing.

With OCRmyPDF installed (Debian's ocrmypdf), each PDF input is also converted by
`ocrmypdf --output-type pdfa-2 --skip-text --tesseract-timeout 0` (no OCR: scans stay
images) after the same pikepdf cleaning, and validated by veraPDF: the share passing is
printed beside Ghostscript's.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "samples"))
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))

import fix_samples as S  # noqa: E402
import producer_sources as sources  # noqa: E402

from checker import verapdf_pool  # noqa: E402
from checker.fix import fix_files  # noqa: E402
from checker.fix.clean import clean_isolated  # noqa: E402
from checker.model import InputFile  # noqa: E402

SEED = 15


def inputs(quick: bool) -> list[tuple[str, str, bytes]]:
    """(kind, name, bytes) for every input."""
    rng = random.Random(SEED)
    scale = 4 if quick else 1
    out: list[tuple[str, str, bytes]] = []
    with tempfile.TemporaryDirectory(prefix="fix-bench-") as tmp:
        work = Path(tmp)
        for n in range(60 // scale):
            make = sources.odt if n % 2 == 0 else sources.docx
            path = make(random.Random(rng.random()), work, f"doc-{n:03d}")
            out.append((path.suffix[1:], path.name, path.read_bytes()))
        pdfs = []
        for n in range(70 // scale):
            path = sources.reportlab_pdf(random.Random(rng.random()), work, f"rl-{n:03d}",
                                         encrypt=n in (3, 40))
            pdfs.append(path.read_bytes())
            out.append(("reportlab", path.name, pdfs[-1]))
        extra = [("javascript", S.with_javascript), ("attachment", S.with_attachment),
                 ("launch", S.with_launch_outline)]
        for n in range(30 // scale):
            kind, change = extra[n % 3]
            out.append((kind, f"{kind}-{n:03d}.pdf", change(S.reportlab_pdf(links=n % 2 == 0,
                                                                            form=n % 5 == 0))))
        for n in range(20 // scale):
            out.append(("ghostscript", f"gs-{n:03d}.pdf", S.ghostscript_pdf(pdfs[n])))
        for n in range(16 // scale):
            out.append(("scan", f"scan-{n:03d}.pdf", S.scanned_pdf(pages=1 + n % 3)))
        for n in range(6 // scale):
            out.append(("xlsx", f"conti-{n}.xlsx", S.xlsx()))
            out.append(("pptx", f"slide-{n}.pptx", S.pptx()))
        for n in range(6 // scale):
            out.append(("docx-10p", f"lungo-{n}.docx", S.docx(pages=10, link=n % 2 == 0)))
            out.append(("pdf-10p", f"lungo-{n}.pdf", S.reportlab_pdf(pages=10, form=n % 2 == 0,
                                                                     transparency=True)))
        for n in range(10 // scale):
            out.append(("image", f"foto-{n:02d}.{'png' if n % 2 else 'jpg'}", picture(n)))
    return out


def picture(n: int) -> bytes:
    """A photo-like JPEG or an alpha-channel PNG with text drawn in it."""
    from PIL import Image, ImageDraw

    png = n % 2 == 1
    im = Image.new("RGBA" if png else "RGB", (1600 + 40 * n, 1200), (250, 250, 240, 255))
    draw = ImageDraw.Draw(im)
    for k in range(20):
        draw.rectangle((40 * k, 30 * k, 40 * k + 300, 30 * k + 200), fill=(12 * k, 90, 200 - 8 * k, 180))
        draw.text((60, 50 + 50 * k), S.SENTENCE, fill=(0, 0, 0, 255))
    buf = io.BytesIO()
    im.save(buf, "PNG" if png else "JPEG", quality=85)
    return buf.getvalue()


def ocrmypdf_pass(data: bytes) -> bool | None:
    """OCRmyPDF's PDF/A-2b of the cleaned PDF, judged by veraPDF (None: it failed)."""
    tool = shutil.which("ocrmypdf")
    if not tool:
        return None
    cleaned = clean_isolated(data).data
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "in.pdf", Path(tmp) / "out.pdf"
        src.write_bytes(cleaned)
        done = subprocess.run([tool, "-q", "--output-type", "pdfa-2", "--skip-text",
                               "--tesseract-timeout", "0", "--optimize", "0", str(src), str(dst)],
                              capture_output=True, timeout=300)
        if done.returncode != 0 or not dst.is_file():
            return False
        result = verapdf_pool.validate([("o.pdf", dst.read_bytes())], ["2b"])[0]
        return result.compliant is True


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a quarter of the inputs")
    parser.add_argument("--no-ocrmypdf", action="store_true")
    parser.add_argument("--json", metavar="OUT")
    args = parser.parse_args()
    items = inputs(args.quick)
    print(f"{len(items)} inputs", flush=True)
    load_start = os.getloadavg()[0]
    fix_files([InputFile("warm.pdf", S.reportlab_pdf())])   # workers and veraPDF warm
    rows = []
    for kind, name, data in items:
        started = time.monotonic()
        outcome = fix_files([InputFile(name, data)])
        total = time.monotonic() - started
        f = outcome.files[0]
        text_kept = None
        if name.endswith(".pdf") and f.status == "fixed":
            text_kept = S.words(S.pdf_text(data)) <= S.words(S.pdf_text(f.data))
        ocr = ocrmypdf_pass(data) if (name.endswith(".pdf") and not args.no_ocrmypdf) else None
        rows.append({"kind": kind, "name": name, "status": f.status, "action": f.action.value,
                     "fixable": f.status not in ("unchanged", "refused"),
                     "fixed": f.status == "fixed", "remaining": f.remaining, "reason": f.reason,
                     "seconds": round(total, 3), "convert_seconds": round(f.seconds, 3),
                     "text_kept": text_kept, "ocrmypdf_pdfa": ocr,
                     "gs_pdfa": f.status == "fixed" if name.endswith(".pdf") else None})
        print(f"{kind:12} {name:28} {f.status:12} {total:6.2f} s {f.reason[:80]}", flush=True)
    summary = summarise(rows)
    summary["loadavg"] = f"{load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end ({os.cpu_count()} cores)"
    print(json.dumps(summary, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps({"summary": summary, "rows": rows}, indent=1))
    return 0


def summarise(rows: list[dict]) -> dict:
    fixable = [r for r in rows if r["fixable"]]
    by_kind: dict[str, dict] = {}
    for r in rows:
        k = by_kind.setdefault(r["kind"], {"n": 0, "fixed": 0, "times": []})
        k["n"] += 1
        k["fixed"] += r["fixed"]
        k["times"].append(r["seconds"])
    ten = [r["seconds"] for r in rows if r["kind"].endswith("10p")]
    ocr = [r for r in rows if r["ocrmypdf_pdfa"] is not None]
    return {
        "inputs": len(rows), "fixable": len(fixable),
        "fixed": sum(r["fixed"] for r in fixable),
        "share_fixed": round(sum(r["fixed"] for r in fixable) / max(1, len(fixable)), 4),
        "median_seconds": statistics.median(r["seconds"] for r in rows),
        "median_convert_seconds": statistics.median(r["convert_seconds"] for r in rows),
        "median_seconds_10_pages": {k: statistics.median(r["seconds"] for r in rows if r["kind"] == k)
                                    for k in ("docx-10p", "pdf-10p") if any(r["kind"] == k for r in rows)},
        "median_10_pages_all": statistics.median(ten) if ten else None,
        "text_kept": f"{sum(1 for r in rows if r['text_kept'])}/"
                     f"{sum(1 for r in rows if r['text_kept'] is not None)}",
        "by_kind": {k: {"n": v["n"], "fixed": v["fixed"], "median_s": statistics.median(v["times"])}
                    for k, v in sorted(by_kind.items())},
        "pdfa_pass_ghostscript_vs_ocrmypdf": (
            f"{sum(1 for r in ocr if r['gs_pdfa'])}/{len(ocr)} vs "
            f"{sum(1 for r in ocr if r['ocrmypdf_pdfa'])}/{len(ocr)}" if ocr else "ocrmypdf not run"),
        "text_not_kept": [r["name"] for r in rows if r["text_kept"] is False],
        "not_fixed": [(r["name"], r["status"], r["reason"][:160]) for r in fixable if not r["fixed"]],
    }


if __name__ == "__main__":
    sys.exit(main())
