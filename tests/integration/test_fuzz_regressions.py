"""Inputs that a mutation fuzzer (bit flips, byte runs, truncation, chunk duplication, length
fields, splices over samples/ output) turned into SYS001/SYS003, rebuilt here byte by byte.

Each must get the check's own finding ("damaged", "abnormally compressed"...), never the
engine's safety net (SYS001 timed out, SYS002 out of memory, SYS003 crashed).
"""
from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

import pytest

from checker import engine
from checker.model import InputFile, Submission

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "samples"))
import gen_formats  # noqa: E402
import gen_pdf  # noqa: E402


def _structure_stream(pdf: bytes, kind: bytes) -> tuple[int, int]:
    """Start and end of the data of the first /Type /<kind> stream."""
    at = pdf.index(b"/Type /" + kind)
    start = pdf.index(b"stream\n", at) + len(b"stream\n")
    return start, pdf.index(b"\nendstream", start)


def _xref_bomb_bad_checksum() -> bytes:
    """The cross-reference stream bomb with its last Adler-32 byte changed: zlib refuses the
    stream at its very end, but qpdf inflates it all (a gigabyte) before it notices."""
    pdf = bytearray(gen_pdf.xref_stream_bomb())
    _, end = _structure_stream(bytes(pdf), b"XRef")
    pdf[end - 1] ^= 0xFF
    return bytes(pdf)


def _xref_bomb_bytes_inserted() -> bytes:
    """The same bomb with a run of bytes inserted in the middle of its compressed data."""
    pdf = gen_pdf.xref_stream_bomb()
    start, end = _structure_stream(pdf, b"XRef")
    middle = (start + end) // 2
    return pdf[:middle] + b"\xff" * 16 + pdf[middle:]


def _object_stream_bomb_chunk_duplicated() -> bytes:
    """The object stream bomb with a chunk of its compressed data duplicated in place: the
    stream no longer inflates cleanly and every offset after it is wrong, so qpdf rebuilds
    the cross-reference table, inflating the object stream (a gigabyte) as it goes."""
    pdf = gen_pdf.SAMPLES["object_stream_bomb"]()
    start, end = _structure_stream(pdf, b"ObjStm")
    cut = start + (end - start) * 3 // 4
    return pdf[:cut] + pdf[cut - 312:cut] + pdf[cut:]


def _eml_nul_in_charset() -> bytes:
    """A leaf part whose charset name holds a NUL and whose body has a non-ASCII byte: the
    stdlib's Message.get_payload() raises ValueError decoding it."""
    return (b"From: mario.rossi@pec.example.it\r\nTo: protocollo@pec.example.it\r\n"
            b"Subject: Istanza\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=\"B\"\r\n\r\n"
            b"--B\r\nContent-Type: text/plain; charset=\"utf\x008\"\r\n\r\ncaff\xe8\r\n"
            b"--B\r\nContent-Type: text/plain; name=\"nota.txt\"\r\n"
            b"Content-Disposition: attachment; filename=\"nota.txt\"\r\n\r\nNota.\r\n--B--\r\n")


def _receipt_daticert_unknown_encoding() -> bytes:
    """A PEC receipt whose daticert.xml declares an encoding that does not exist (one bit
    flipped: UTF-8 -> UTV-8): the XML parser raises LookupError."""
    daticert = (b"<?xml version='1.0' encoding='UTV-8'?>\n<postacert tipo=\"non-accettazione\" "
                b"errore=\"altro\"><intestazione><mittente>mario.rossi@pec.example.it</mittente>"
                b"</intestazione></postacert>")
    return (b"From: posta-certificata@pec.gestore.example\r\nTo: mario.rossi@pec.example.it\r\n"
            b"Subject: AVVISO DI NON ACCETTAZIONE: Istanza\r\nX-Ricevuta: non-accettazione\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n"
            b"--B\r\nContent-Type: text/plain; charset=\"utf-8\"\r\n\r\nRicevuta di non accettazione\r\n"
            b"--B\r\nContent-Type: application/xml\r\n"
            b"Content-Disposition: inline; filename=\"daticert.xml\"\r\n\r\n" + daticert +
            b"\r\n--B--\r\n")


def _with_unknown_xml_encoding(container: bytes, part: str) -> bytes:
    """The zip with one XML part re-declared in an encoding that does not exist."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(container)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                data = re.sub(rb"^<\?xml[^>]*\?>", b"", data)
                data = b'<?xml version="1.0" encoding="UTV-8"?>' + data
            zout.writestr(info, data)
    return out.getvalue()


CASES = {
    # name: (bytes builder, check, expected code)
    "xref-bomb-bad-checksum.pdf": (_xref_bomb_bad_checksum, "pdf_active", "PDF022"),
    "xref-bomb-bytes-inserted.pdf": (_xref_bomb_bytes_inserted, "pdf_active", "PDF022"),
    "objstm-bomb-chunk-duplicated.pdf": (_object_stream_bomb_chunk_duplicated, "pdf_active", "PDF022"),
    "receipt-daticert-encoding.eml": (_receipt_daticert_unknown_encoding, "pec_message", "PEC005"),
    "letter-encoding.docx": (lambda: _with_unknown_xml_encoding(gen_formats._ooxml()["letter.docx"],
                                                                "word/document.xml"),
                             "office", "OFF011"),
    "letter-encoding.odt": (lambda: _with_unknown_xml_encoding(gen_formats._odf()["letter.odt"],
                                                               "content.xml"),
                            "odf", "ODF010"),
}


@pytest.fixture(scope="module")
def checked() -> dict:
    files = [InputFile(name, build()) for name, (build, _, _) in CASES.items()]
    files.append(InputFile("nul-charset.eml", _eml_nul_in_charset()))
    report = engine.check_submission(Submission(profile="generic", files=files))
    return {d.name: d for d in report.documents}


def _safety_nets(doc) -> list:
    return [(f.code, f.check, f.detail) for f in doc.findings if f.code in ("SYS001", "SYS002", "SYS003")]


@pytest.mark.parametrize("name", sorted(CASES))
def test_damaged_input_gets_the_checks_own_finding(checked, name):
    _, check, code = CASES[name]
    doc = checked[name]
    assert not _safety_nets(doc), _safety_nets(doc)
    assert [f for f in doc.findings if f.check == check and f.code == code], \
        [(f.code, f.check, f.detail) for f in doc.findings]


def test_nul_in_a_charset_name_does_not_stop_the_message_being_opened(checked):
    doc = checked["nul-charset.eml"]
    assert not _safety_nets(doc), _safety_nets(doc)
    assert doc.facts.get("attachments") == 1
    assert "nota.txt" in checked


def test_structure_stream_bombs_are_refused_before_any_time_limit(checked):
    # qpdf inflated these a gigabyte at a time: 5-15 s each, and identification timed out
    timed_out = [d.name for d in checked.values() if any(f.code == "SYS001" for f in d.findings)]
    assert timed_out == []
