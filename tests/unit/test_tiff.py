"""checks/tiff.py on TIFF scans made with Pillow: readable, page count, compression
reported as information, truncated files and decompression bombs as findings."""
from __future__ import annotations

from content_cases import case, check_through_engine, codes, doc_findings, only, run_check

from checker.checks import tiff
from checker.model import FormatInfo, InputFile, Severity, Verdict


def tif(name: str):
    return run_check("tiff", name, case(name), "tiff")


def test_clean_uncompressed_tiff_reports_only_its_page_count():
    result = tif("pulito.tif")
    assert codes(result) == {"TIF003"}
    assert result.facts == {"pages": 1, "compression": "raw"}


def test_TIF003_pages_and_TIF004_lossless_group4():
    result = tif("gruppo4.tif")
    assert only(result, "TIF003")[0].args["pages"] == "3"
    assert only(result, "TIF004")[0].args["compression"] == "CCITT Gruppo 4, senza perdita"


def test_TIF004_jpeg_is_lossy():
    assert "con perdita" in only(tif("jpeg.tif"), "TIF004")[0].args["compression"]


def test_TIF001_truncated():
    assert codes(tif("troncato.tif")) == {"TIF001"}


def test_TIF002_decompression_bomb_is_refused_before_decoding():
    [bomb] = only(tif("bomba.tif"), "TIF002")
    assert bomb.args["pixels"] == "3.600.000.000"


def test_not_a_tiff_at_all():
    result = tiff.run(InputFile("x.tif", b"II*\x00" + bytes(20)), FormatInfo(id="tiff"), None)
    assert codes(result) == {"TIF001"}


def test_engine_clean_tiff_is_ready_and_bomb_is_fix():
    report = check_through_engine({"pulito.tif": case("pulito.tif")})
    assert report.verdict is Verdict.READY
    assert {f.severity for f in doc_findings(report, "pulito.tif", "tiff")} == {Severity.INFO}
    report = check_through_engine({"bomba.tif": case("bomba.tif")})
    assert report.verdict is Verdict.FIX
    assert [f.code for f in doc_findings(report, "bomba.tif", "tiff")] == ["TIF002"]
