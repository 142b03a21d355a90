#!/usr/bin/env python3
"""Time the paths that must stay cheap on large or hostile input.

The tests prove these inputs get the right finding and stay within generous bounds
(a quadratic blow-up or a real decompression would break them); how fast they really
are is measured here, where a loaded machine cannot turn a number into a failure.

    .venv/bin/python bench/hostile_bench.py [--runs 7]

Prints, per case: median and max seconds over the runs, and the target it is held to.
Runs in-process (no worker), so the figures are the parser's own cost.
"""
from __future__ import annotations

import argparse
import base64
import io
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "samples"))
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))

from checker import identify, profiles, xmlguard, zipinspect  # noqa: E402
from checker.checks import CheckContext, signature, tiff, xmldoc  # noqa: E402
from checker.mail.reader import read_message  # noqa: E402
from checker.pdfscan.scan import scan  # noqa: E402
from checker.model import FormatInfo, InputFile  # noqa: E402


def big_pdfa(megabytes: int = 5) -> bytes:
    """A PDF/A-2b claim with `megabytes` of incompressible streams beside it."""
    import gen_formats
    import pikepdf

    with pikepdf.open(io.BytesIO(gen_formats.pdf_with_xmp(gen_formats.pdf_document(), "2", "B"))) as pdf:
        for n in range(megabytes):
            pdf.Root[f"/Filler{n}"] = pdf.make_stream(os.urandom(1 << 20))
        buf = io.BytesIO()
        pdf.save(buf)
    return buf.getvalue()


def cases() -> list[tuple[str, float, callable]]:
    """(label, target seconds, function) — each function does one whole check."""
    import gen_content
    import gen_formats

    pdf = InputFile("big.pdf", big_pdfa())
    text = InputFile("a.txt", ("Il sottoscritto è così, " * (1 << 20)).encode())
    flat_xml = InputFile("a.xml", b"<r>" + b"<a x='1'>t</a>" * (1 << 20) + b"</r>")
    noise = InputFile("a.p7m", base64.encodebytes(bytes(range(256)) * (60 << 10)))
    laughs = InputFile("b.xml", gen_content.billion_laughs_xml())
    bomb = gen_formats.declared_bomb(10 << 30)
    plain_pdf = InputFile("a.pdf", gen_formats.pdf_document(pages=3))
    ctx = CheckContext(profiles.get("generic"), {})
    return hostile_cases() + [
        ("identify: 5 MB PDF/A claim", 0.025, lambda: identify.identify(pdf)),
        ("identify: 24 MB text", 0.5, lambda: identify.identify(text)),
        ("identify: 14 MB flat XML", 0.5, lambda: identify.identify(flat_xml)),
        ("identify: 20 MB base64 noise", 0.5, lambda: identify.identify(noise)),
        ("xml: billion laughs", 1.0, lambda: xmldoc.run(laughs, FormatInfo(id="xml"), None)),
        ("zip: 10 GiB declared bomb", 0.5, lambda: zipinspect.inspect(bomb)),
        ("signature: unsigned PDF", 0.5, lambda: signature.run(plain_pdf, FormatInfo(id="pdf"), ctx)),
    ]


def hostile_cases() -> list[tuple[str, float, callable]]:
    """Issue 12's hostile families: each must end in a finding, never a full parse/decode."""
    import pdf_bombs
    from hostile_tiff import tiff_pages

    head = b"From: a@b.example\r\nTo: c@d.example\r\nSubject: s\r\nX-Trasporto: posta-certificata\r\n"
    parts = head + b'Content-Type: multipart/mixed; boundary="x"\r\n\r\n' + \
        (b"--x\r\n\r\n" + b"A" * 26 + b"\r\n") * 2_000_000 + b"--x--\r\n"
    words = head.replace(b"Subject: s", b"Subject: " + b"=?utf-8?q?a?= " * 300_000) + b"\r\nb\r\n"
    attribute = b'<r><a x="' + b"A" * (50 << 20) + b'"/></r>'
    attributes = b"<r " + b" ".join(b'a%d="1"' % n for n in range(200_000)) + b"/>"
    pages = InputFile("p.tif", tiff_pages(100_000))
    links = InputFile("l.html", b"<html><body>" + b"".join(
        b'<a href="http://h%d.example.org/">x</a>\n' % n for n in range(1_000_000)) + b"</body></html>")
    icc_bomb = pdf_bombs.bomb_pdf("icc", "lzw-flate")
    flate2 = pdf_bombs.bomb_pdf("content", "flate2")
    predictor = pdf_bombs.bomb_pdf("font", "flate-predictor")
    return [
        ("eml: 70 MB, 2 M MIME parts", 2.0, lambda: read_message(parts)),
        ("eml: 300 k encoded words", 0.5, lambda: read_message(words)),
        ("xml guard: 50 MB attribute", 0.5, lambda: _refused(attribute)),
        ("xml guard: 200 k attributes", 0.5, lambda: _refused(attributes)),
        ("tiff: 100 k pages", 0.5, lambda: tiff.run(pages, FormatInfo(id="tiff"), None)),
        ("html: 10^6 links, 43 MB (streamed)", 10.0, lambda: xmldoc.run(links, FormatInfo(id="html"), None)),
        ("pdf: ICC bomb [LZW Flate]", 2.0, lambda: scan(icc_bomb)),
        ("pdf: content bomb Flate twice", 2.0, lambda: scan(flate2)),
        ("pdf: font bomb Flate+predictor", 2.0, lambda: scan(predictor)),
    ]


def _refused(data: bytes) -> None:
    try:
        xmlguard.check(data, force=True)
    except xmlguard.HostileMarkup:
        return
    raise AssertionError("not refused")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(f"{'case':34} {'median s':>9} {'max s':>8} {'target s':>9}  ok")
    for label, target, run in cases():
        run()  # first call pays imports and caches
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
        median = statistics.median(times)
        print(f"{label:34} {median:9.4f} {max(times):8.4f} {target:9.3f}  {'yes' if median < target else 'NO'}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
