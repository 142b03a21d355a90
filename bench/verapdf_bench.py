"""Warm veraPDF per file beside the built-in validator and `qpdf --check`, in one run.

    .venv/bin/python bench/verapdf_bench.py [--sample N] [--big K] [--no-qpdf]

- Corpus: ../shared/corpus/verapdf (every Nth file with --sample N; 1 = all), each file
  validated against its folder's flavour (bench/pdfa_bench.py cases()). Agreement with the
  file name's expectation (-pass- / -fail-) per folder, for veraPDF and the built-in one.
- Real-world-like files made now, in a temporary folder (never in the repository): K
  report-like documents (reportlab: text in an embedded TrueType font and a photo per
  page) and K scanned-like ones (a JPEG per page), 1-5 MB, claiming PDF/A-2b.
- Times: wall time per file as the caller sees it (warm veraPDF: request and answer through
  the pool; built-in: checker.pdfa.validate in this process; qpdf: a process per file).
  veraPDF's JVM is started and warmed before timing.
"""
from __future__ import annotations

import argparse
import io
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pdfa_bench import CORPUS, cases  # noqa: E402 - importable once bench/ is on sys.path

from checker import pdfa, verapdf_pool  # noqa: E402 - from this checkout, put on sys.path above

TARGET_MS = 300.0
XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
  pdfaid:part="2" pdfaid:conformance="B"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""


def text_pdf(pages: int, seed: int) -> bytes:
    """A report-like document: text in an embedded TrueType font (reportlab's Vera) and a
    photo on every page (1-5 MB)."""
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas
    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
    rnd = random.Random(seed)
    words = ["istanza", "accesso", "atti", "amministrazione", "protocollo", "domanda",
             "ufficio", "cittadino", "documento", "allegato", "firma", "comune", "servizio"]
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for page in range(pages):
        text = c.beginText(40, 800)
        text.setFont("Vera", 9)
        for _ in range(50):
            text.textLine(" ".join(rnd.choice(words) for _ in range(14)))
        c.drawText(text)
        photo = Image.effect_noise((500, 300), 30 + rnd.random() * 30).convert("RGB")
        c.drawImage(ImageReader(photo), 40, 60, width=500, height=300)
        c.drawString(500, 20, f"{page + 1}")
        c.showPage()
    c.save()
    return _claim_2b(buf.getvalue())


def scan_pdf(pages: int, seed: int) -> bytes:
    """A scanned-like document: one noisy RGB JPEG per page (about 0.3-0.5 MB each)."""
    import pikepdf
    from PIL import Image
    rnd = random.Random(seed)
    pdf = pikepdf.new()
    for _ in range(pages):
        img = Image.effect_noise((1240, 1754), 40 + rnd.random() * 20).convert("RGB")
        jpeg = io.BytesIO()
        img.save(jpeg, "JPEG", quality=70)
        pdf.add_blank_page(page_size=(595, 842))
        page = pdf.pages[-1]
        xobj = pdf.make_stream(jpeg.getvalue(), Type=pikepdf.Name.XObject,
                               Subtype=pikepdf.Name.Image, Width=1240, Height=1754,
                               ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8,
                               Filter=pikepdf.Name.DCTDecode)
        page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=xobj))
        page.Contents = pdf.make_stream(b"q 595 0 0 842 0 0 cm /Im0 Do Q")
    out = io.BytesIO()
    pdf.save(out)
    return _claim_2b(out.getvalue())


def _claim_2b(data: bytes) -> bytes:
    import pikepdf
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.Root.Metadata = pdf.make_stream(XMP.encode(), Type=pikepdf.Name.Metadata,
                                            Subtype=pikepdf.Name.XML)
        out = io.BytesIO()
        pdf.save(out, fix_metadata_version=False)
        return out.getvalue()


def timed(fn, *args):
    start = time.perf_counter()
    value = fn(*args)
    return value, (time.perf_counter() - start) * 1000


def qpdf_check(path: Path) -> None:
    subprocess.run(["qpdf", "--check", str(path)], capture_output=True, timeout=120, check=False)


def run_set(label: str, items: list[tuple[Path, bytes, str]], pool: verapdf_pool.VeraPool,
            use_qpdf: bool) -> tuple[dict[str, list[float]], list]:
    times: dict[str, list[float]] = defaultdict(list)
    verdicts = []
    for path, data, flavour in items:
        vera, ms = timed(pool.validate, data, flavour)
        times["verapdf"].append(ms)
        builtin, ms = timed(pdfa.validate, data, flavour)
        times["builtin"].append(ms)
        if use_qpdf:
            _, ms = timed(qpdf_check, path)
            times["qpdf"].append(ms)
        verdicts.append((path, vera, builtin))
    return times, verdicts


def row(label: str, times: dict[str, list[float]], sizes: list[int]) -> str:
    med = {k: statistics.median(v) for k, v in times.items() if v}
    p90 = {k: sorted(v)[int(0.9 * (len(v) - 1))] for k, v in times.items() if v}
    qpdf = f"{med['qpdf']:8.1f} {p90['qpdf']:8.1f}" if "qpdf" in med else f"{'-':>8} {'-':>8}"
    ratio_b = med["verapdf"] / med["builtin"] if med["builtin"] else float("nan")
    ratio_q = f"{med['verapdf'] / med['qpdf']:7.1f}x" if med.get("qpdf") else f"{'-':>8}"
    return (f"{label:<28} {len(sizes):>5} {statistics.median(sizes) / 1e6:7.2f} "
            f"{med['verapdf']:8.1f} {p90['verapdf']:8.1f} {med['builtin']:8.1f} "
            f"{p90['builtin']:8.1f} {qpdf} {ratio_b:7.1f}x {ratio_q}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=1, help="every Nth corpus file (1 = all)")
    ap.add_argument("--big", type=int, default=3, help="generated files of each kind")
    ap.add_argument("--no-qpdf", action="store_true")
    args = ap.parse_args()
    if not verapdf_pool.installed():
        print(f"veraPDF is not built: {verapdf_pool.INSTALL_HINT}", file=sys.stderr)
        return 2
    pool = verapdf_pool.VeraPool(verapdf_pool.PoolSettings.from_env())
    start = time.perf_counter()
    pool.validate(b"%PDF-1.4\n", "2b")  # start the JVM (answer: cannot parse)
    print(f"JVM start (to ready): {(time.perf_counter() - start) * 1000:.0f} ms")

    corpus = cases(CORPUS)[::max(1, args.sample)]
    corpus_items = [(c.path, c.path.read_bytes(), c.flavour) for c in corpus]
    for _, data, flavour in corpus_items[:20]:  # JIT warm-up, not timed
        pool.validate(data, flavour)
    header = (f"{'set':<28} {'files':>5} {'MB med':>7} {'vera med':>8} {'vera p90':>8} "
              f"{'bi med':>8} {'bi p90':>8} {'qpdf med':>8} {'qpdf p90':>8} {'vera/bi':>8} "
              f"{'vera/qpdf':>8}")
    lines = []
    times, verdicts = run_set("corpus", corpus_items, pool, not args.no_qpdf)
    lines.append(row("veraPDF corpus (ms)", times, [len(d) for _, d, _ in corpus_items]))

    with tempfile.TemporaryDirectory(prefix="verapdf-bench-") as tmp:
        generated: dict[str, list[bytes]] = {"text+photos (reportlab)": [],
                                                 "scans (JPEG pages)": []}
        for i in range(args.big):
            generated["text+photos (reportlab)"].append(text_pdf(4 + 6 * i, i))
            generated["scans (JPEG pages)"].append(scan_pdf(1 + 2 * i, i))
        for label, blobs in generated.items():
            items = []
            for n, data in enumerate(blobs):
                path = Path(tmp) / f"{label.split()[0]}-{n}.pdf"
                path.write_bytes(data)  # for qpdf only; veraPDF gets the bytes
                items.append((path, data, "2b"))
            t, _ = run_set(label, items, pool, not args.no_qpdf)
            lines.append(row(label, t, [len(d) for d in blobs]))
    print(header)
    print("\n".join(lines))

    print("\nAgreement with the file names' expectation (-pass-/-fail-), per folder:")
    per_folder: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    case_of = {c.path: c for c in corpus}
    for path, vera, builtin in verdicts:
        case = case_of[path]
        stats = per_folder[case.folder]
        stats[0] += 1
        stats[1] += vera.compliant == case.expected
        stats[2] += builtin.compliant == case.expected
        stats[3] += vera.compliant is None
    total = [sum(s[i] for s in per_folder.values()) for i in range(4)]
    for folder, (n, vera_ok, builtin_ok, undecided) in sorted(per_folder.items()) + [
            ("ALL", tuple(total))]:
        print(f"  {folder:<16} {n:>4} files  veraPDF {100 * vera_ok / n:5.1f} %"
              f"  built-in {100 * builtin_ok / n:5.1f} %  veraPDF undecided {undecided}")
    median = statistics.median(times["verapdf"])
    print(f"\nwarm veraPDF median on the corpus: {median:.1f} ms "
          f"({'within' if median <= TARGET_MS else 'OVER'} the {TARGET_MS:.0f} ms target)")
    pool.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
