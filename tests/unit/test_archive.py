"""checks/archive.py: archives are listed from their directory without extracting
(identification says they are not accepted, FMT006, and reports zip bombs, FMT020)."""
from __future__ import annotations

import io
import zipfile

import pytest

from content_cases import case, check_through_engine, codes, doc_findings, gen_content, only, run_check

from checker import engine
from checker.checks import archive
from checker.model import FormatInfo, InputFile, Submission, Verdict


@pytest.mark.parametrize("name,fmt,listing", [
    ("archivio.zip", "zip", "domanda.pdf (15 byte); allegati/planimetria.tif"),
    ("archivio.7z", "7z", "lettera.txt ("),
    ("domanda.txt.gz", "gzip", "domanda.txt ("),
])
def test_ARC001_lists_contents(name, fmt, listing):
    result = run_check("archive", name, case(name), fmt)
    [found] = only(result, "ARC001")
    assert found.args["listing"].startswith(listing)
    assert found.args["count"] == ("2" if fmt == "zip" else "1")


def test_zip_bomb_is_listed_without_decompressing_and_identification_flags_it():
    data = gen_content.bomb_zip()
    result = run_check("archive", "bomba.zip", data, "zip")
    assert only(result, "ARC001")[0].args["listing"].startswith("zeri.txt (64,0 MB)")
    report = check_through_engine({"bomba.zip": data})
    all_codes = {f.code for f in doc_findings(report, "bomba.zip") if f.check != "antivirus"}
    assert all_codes == {"FMT006", "FMT020", "ARC001"}   # no SYS00x: nothing was inflated
    assert report.verdict is Verdict.FIX


def test_long_listing_is_cut():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(50):
            z.writestr(f"f{i:02}.txt", b"x")
    result = archive.run(InputFile("a.zip", buf.getvalue()), FormatInfo(id="zip"), None)
    assert only(result, "ARC001")[0].args["listing"].endswith("… e altri 20")


def test_encrypted_7z_header_is_unreadable():
    import py7zr
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w", password="segreta", header_encryption=True) as z:
        z.writestr(b"dati", "segreto.txt")
    result = archive.run(InputFile("s.7z", buf.getvalue()), FormatInfo(id="7z"), None)
    assert codes(result) == {"ARC003"}


@pytest.mark.parametrize("fmt,data", [("7z", b"7z\xbc\xaf\x27\x1c" + bytes(40)),
                                      ("gzip", b"\x1f\x8b\x08\x08" + bytes(6) + b"x" * 5000),
                                      ("rar", b"Rar!\x1a\x07\x01\x00" + bytes(30))])
def test_ARC003_corrupt_archives_are_unreadable_not_empty(fmt, data):
    result = archive.run(InputFile("x", data), FormatInfo(id=fmt), None)
    assert [f.code for f in result.findings] == ["ARC003"], result.findings
    assert result.findings[0].detail


def test_an_empty_rar_is_listed_as_empty():
    # RAR 5: signature, main archive header, end-of-archive header (CRC32 over size+body)
    import zlib

    def block(body: bytes) -> bytes:
        head = bytes([len(body)]) + body
        return zlib.crc32(head).to_bytes(4, "little") + head
    data = b"Rar!\x1a\x07\x01\x00" + block(b"\x01\x00\x00") + block(b"\x05\x00\x00")
    result = archive.run(InputFile("vuoto.rar", data), FormatInfo(id="rar"), None)
    assert [(f.code, f.args["count"], f.args["listing"]) for f in result.findings] == \
        [("ARC001", "0", "archivio vuoto")]


def test_corrupt_zip_is_reported_once_by_identification():
    data = b"PK\x05\x06" + bytes(10)
    assert archive.run(InputFile("x.zip", data), FormatInfo(id="zip"), None).findings == []
    report = engine.check_submission(Submission(files=[InputFile("x.zip", data)]))
    codes_found = [f.code for f in report.documents[0].findings]
    assert "FMT017" in codes_found and "ARC003" not in codes_found
