"""PDF filter-chain bombs: decoded filter by filter under a cap by our own decoders, and a
bomb anywhere (XMP, ICC profile, font program, image, page content) is a PDF022 finding.

No timing is asserted (bench/hostile_bench.py measures it): a whole decode of these 1 GiB
streams would break the worker's memory, which is what the findings prove did not happen."""
from __future__ import annotations

import base64
import io
import os
import zlib

import pikepdf
import pytest

from checker import profiles
from checker.checks import CheckContext, pdf_active
from checker.model import FormatInfo, InputFile
from checker.pdf import StreamBomb, decode, exceeds, metadata_bytes
from checker.pdf.xmp import MAX_XMP
from checker.pdfa.document import read_stream
from checker.pdfscan.model import HitKind
from checker.pdfscan.scan import scan
from pdf_bombs import bomb_pdf, lzw_encode

CHAINS = ("flate2", "lzw-flate", "flate-predictor")
ROLES = {"xmp": "metadati XMP 5 0", "icc": "profilo colore ICC 5 0",
         "font": "programma di carattere 5 0", "image": "immagine 5 0", "content": "pagina 1"}


SCRATCH = pikepdf.new()


def stream_with(raw: bytes, filters, parms=None) -> pikepdf.Stream:
    stream = SCRATCH.make_stream(b"")
    stream.write(raw, filter=filters, decode_parms=parms)
    return stream


@pytest.mark.parametrize("data", [b"", b"abc", b"TOBEORNOTTOBEORTOBEORNOT" * 50, os.urandom(20_000),
                                  bytes(100_000)])
def test_our_decoders_agree_with_qpdf(data):
    N = pikepdf.Name
    cases = [
        (lzw_encode(data), N.LZWDecode, None),
        (zlib.compress(lzw_encode(data)), [N.FlateDecode, N.LZWDecode], None),
        (zlib.compress(zlib.compress(data)), [N.FlateDecode, N.FlateDecode], None),
        (base64.a85encode(zlib.compress(data)) + b"~>", [N.ASCII85Decode, N.FlateDecode], None),
        (data.hex().encode() + b">", N.ASCIIHexDecode, None),
        (b"".join(bytes([len(c) - 1]) + c for c in (data[i:i + 128] for i in range(0, len(data), 128)))
         + b"\x80", N.RunLengthDecode, None),
    ]
    for raw, filters, parms in cases:
        stream = stream_with(raw, filters, parms)
        assert decode(stream, 1 << 20) == data
        if data:  # qpdf calls some empty streams unfilterable
            assert stream.read_bytes(pikepdf.StreamDecodeLevel.specialized) == data


def test_png_predictor_is_undone_on_bounded_bytes():
    rows = [bytes([2]) + bytes(range(i, i + 16)) for i in range(8)]  # PNG "Up" rows
    parms = pikepdf.Dictionary(Predictor=12, Colors=1, BitsPerComponent=8, Columns=16)
    stream = stream_with(zlib.compress(b"".join(rows)), pikepdf.Name.FlateDecode, parms)
    assert decode(stream, 1 << 20) == stream.read_bytes()


@pytest.mark.parametrize("chain", CHAINS)
def test_chain_bombs_stop_at_the_cap(chain):
    with pikepdf.open(io.BytesIO(bomb_pdf("xmp", chain))) as pdf:
        stream = pdf.Root.Metadata
        with pytest.raises(StreamBomb):
            decode(stream, 16 << 20)
        assert exceeds(stream, 16 << 20)
        assert read_stream(stream, 16 << 20) is None          # the PDF/A validator's reader
        assert len(metadata_bytes(stream) or b"") <= MAX_XMP   # the XMP reader: truncated


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("chain", CHAINS)
def test_a_bomb_anywhere_is_found(role, chain):
    report = scan(bomb_pdf(role, chain))
    bombs = report.of(HitKind.STREAM_BOMB)
    assert [h.where for h in bombs] == [ROLES[role]]


def test_a_bomb_in_an_icc_profile_is_a_pdf022_finding_not_ready():
    data = bomb_pdf("icc", "lzw-flate")
    ctx = CheckContext(profiles.get("generic"), {})
    result = pdf_active.run(InputFile("bomb.pdf", data), FormatInfo(id="pdf"), ctx)
    found = [f for f in result.findings if f.code == "PDF022"]
    assert found and "profilo colore ICC" in found[0].location + found[0].detail


def test_an_ordinary_image_larger_than_the_cap_is_not_a_bomb():
    """An image may decode past the per-stream cap up to the size it declares."""
    side = 5000  # 75 MB of RGB, beyond the 64 MB cap
    raw = zlib.compress(bytes(side * side * 3), 1)
    pdf = pikepdf.new()
    pdf.add_blank_page()
    image = pdf.make_stream(b"")
    image.write(raw, filter=pikepdf.Name.FlateDecode)
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height, image.BitsPerComponent = side, side, 8
    image.ColorSpace = pikepdf.Name.DeviceRGB
    pdf.pages[0].Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im1=image))
    buf = io.BytesIO()
    pdf.save(buf, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    assert scan(buf.getvalue()).of(HitKind.STREAM_BOMB) == []
