"""The engine hands its workers the likely longest documents first (signed, then large), so
the last one to start is short; the report keeps the files' own order."""
from __future__ import annotations

from checker import engine
from checker.model import InputFile


def test_signed_documents_then_the_largest_go_first():
    files = [InputFile(name="nota.txt", data=b"x" * 10),
             InputFile(name="grande.pdf", data=b"%PDF-1.7\n" + b"x" * 5000),
             InputFile(name="domanda.pdf.p7m", data=b"\x30\x82" + b"x" * 100),
             InputFile(name="firmato.pdf", data=b"%PDF-1.7\n/ByteRange [0 1 2 3]" + b"x" * 50),
             InputFile(name="fattura.xml", data=b"<?xml version='1.0'?><a/>"),
             InputFile(name="media.pdf", data=b"%PDF-1.7\n" + b"x" * 1000)]
    order = [f.name for f in sorted(files, key=engine.likely_cost, reverse=True)]
    assert order == ["domanda.pdf.p7m", "firmato.pdf", "fattura.xml", "grande.pdf", "media.pdf", "nota.txt"]


def test_the_report_lists_documents_in_the_order_given(samples):
    from checker.model import Submission
    names = ["nota.txt", "domanda.pdf.p7m", "pdfa2b-conforme.pdf"]
    data = [b"Gentile ufficio,\nallego la domanda.\n", (samples / "signed" / "domanda.pdf.p7m").read_bytes(),
            (samples / "pdfa" / "pdfa2b-conforme.pdf").read_bytes()]
    files = [InputFile(name=n, data=d) for n, d in zip(names, data, strict=True)]
    report = engine.check_submission(Submission(files=files, profile="generic"))
    top = [d.name for d in report.documents if d.depth == 0]
    assert top == names
