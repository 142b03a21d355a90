"""checker/pdf: the PDF/A claim reader and the structure-stream bomb detector shared by
identification, the PDF/A validator and the active-content scanner, on PDFs made here with
pikepdf. The three callers must agree on what a file claims."""
from __future__ import annotations

import io
import zlib

import pikepdf
import pytest

from checker import identify, pdfa, pdfscan
from checker.model import InputFile
from checker.pdf import (PdfaClaim, claimed_flavour, metadata_bytes, pdfa_claim, read_claim,
                         structure_stream_bomb)
from checker.pdf.xmp import MAX_XMP

PACKET = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
{descriptions}
</rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""
PDFAID = 'xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"'
ATTRIBUTES = f'<rdf:Description rdf:about="" {PDFAID} pdfaid:part="2" pdfaid:conformance="B"/>'
ELEMENTS = (f'<rdf:Description rdf:about="" {PDFAID}>'
            '<pdfaid:part> 3 </pdfaid:part><pdfaid:conformance>U</pdfaid:conformance>'
            '</rdf:Description>')
DUBLIN_CORE = ('<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
               '<dc:format>application/pdf</dc:format></rdf:Description>')


def xmp(*descriptions: str) -> bytes:
    return PACKET.format(descriptions="\n".join(descriptions)).encode("utf-8")


def make_pdf(packet: bytes | None, compress: bool = False) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    if packet is not None:
        stream = pdf.make_stream(zlib.compress(packet) if compress else packet,
                                 Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
        if compress:
            stream.Filter = pikepdf.Name.FlateDecode
        pdf.Root.Metadata = stream
    out = io.BytesIO()
    pdf.save(out, fix_metadata_version=False, compress_streams=False,
             stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return out.getvalue()


def claim_of(data: bytes) -> PdfaClaim | None:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return read_claim(pdf)


# --- the claim ---------------------------------------------------------------------------------

def test_claim_in_attributes():
    claim = claim_of(make_pdf(xmp(ATTRIBUTES)))
    assert claim == PdfaClaim(part=2, conformance="b")
    assert claim.flavour == "2b"
    assert claim.details() == {"pdfa": "2b", "pdfa_part": 2, "pdfa_conformance": "b"}


def test_claim_in_elements_of_a_second_description():
    assert claim_of(make_pdf(xmp(DUBLIN_CORE, ELEMENTS))) == PdfaClaim(3, "u")


def test_claim_in_a_flate_compressed_metadata_stream():
    assert claim_of(make_pdf(xmp(ATTRIBUTES), compress=True)) == PdfaClaim(2, "b")


def test_claim_without_conformance_is_the_part_alone():
    packet = xmp(f'<rdf:Description rdf:about="" {PDFAID} pdfaid:part="4"/>')
    assert claim_of(make_pdf(packet)).flavour == "4"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_claim_in_utf16_and_utf32_packets(codec):
    packet = xmp(ATTRIBUTES).decode("utf-8").encode(codec)
    assert pdfa_claim(packet) == PdfaClaim(2, "b")


def test_no_metadata_no_claim():
    assert claim_of(make_pdf(None)) is None


def test_metadata_without_pdfaid_no_claim():
    assert claim_of(make_pdf(xmp(DUBLIN_CORE))) is None


def test_malformed_packet_is_read_by_its_plain_spelling_and_says_so():
    broken = xmp(ATTRIBUTES).replace(b"</rdf:RDF>", b"<broken></rdf:RDF>")
    claim = claim_of(make_pdf(broken))
    assert claim == PdfaClaim(2, "b", malformed=True)
    assert claim.details()["xmp_malformed"] is True


def test_malformed_packet_without_a_claim_claims_nothing():
    assert pdfa_claim(b"<x:xmpmeta><rdf:Description dc:title='x'><broken>") is None


@pytest.mark.parametrize("part", ["", "due", "2b", "\u00b2", "-1"])
def test_a_part_that_is_no_number_is_no_claim(part):
    packet = xmp(f'<rdf:Description rdf:about="" {PDFAID} pdfaid:part="{part}" '
                 'pdfaid:conformance="B"/>')
    assert pdfa_claim(packet) is None


def test_pdfaid_outside_an_rdf_description_is_no_claim():
    # XMP properties live on rdf:Description; veraPDF would not see this one
    nested = (f'<rdf:Description rdf:about="" xmlns:ex="http://example.com/ns/" {PDFAID}>'
              '<ex:note rdf:parseType="Resource"><ex:inner>'
              '<pdfaid:part>2</pdfaid:part></ex:inner></ex:note></rdf:Description>')
    assert pdfa_claim(xmp(nested)) is None
    no_rdf = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><pdfaid:part {PDFAID}>2</pdfaid:part></x:xmpmeta>'
    assert pdfa_claim(no_rdf.encode()) is None


def test_the_first_of_several_claims_counts():
    second = f'<rdf:Description rdf:about="" {PDFAID} pdfaid:part="1" pdfaid:conformance="A"/>'
    assert pdfa_claim(xmp(ATTRIBUTES, second)) == PdfaClaim(2, "b")


def test_entities_are_not_expanded():
    packet = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY p "2">]>'
              + xmp(f'<rdf:Description rdf:about="" {PDFAID} pdfaid:part="&p;"/>'))
    assert pdfa_claim(packet) is None


def test_read_claim_never_raises_on_a_damaged_catalogue():
    with pikepdf.open(io.BytesIO(make_pdf(None))) as pdf:
        pdf.Root.Metadata = pikepdf.Dictionary(Type=pikepdf.Name.Metadata)  # not a stream
        assert read_claim(pdf) is None
        assert claimed_flavour(pdf) is None
        stream = pdf.make_stream(b"00ff", Filter=pikepdf.Name.ASCIIHexDecode)
        assert metadata_bytes(stream) == b"\x00\xff"  # decoded by our own ASCIIHex decoder
        stream = pdf.make_stream(b"\xff\xd8", Filter=pikepdf.Name.DCTDecode)
        pdf.Root.Metadata = stream   # an image codec: the bounded reader does not decode it
        assert metadata_bytes(stream) is None
        assert read_claim(pdf) is None


def test_metadata_deflate_bomb_is_read_only_up_to_the_bound():
    huge = xmp(ATTRIBUTES) + b" " * (32 << 20)
    with pikepdf.open(io.BytesIO(make_pdf(None))) as pdf:
        stream = pdf.make_stream(b"")
        stream.write(zlib.compress(huge, 9), filter=pikepdf.Name.FlateDecode)
        assert len(metadata_bytes(stream)) == MAX_XMP
        pdf.Root.Metadata = stream
        assert claimed_flavour(pdf) == "2b"


# --- one reader: identification, the PDF/A validator and the scanner agree -----------------------

@pytest.mark.parametrize("packet", [
    xmp(ATTRIBUTES),
    xmp(DUBLIN_CORE, ELEMENTS),
    xmp(ATTRIBUTES).replace(b"</rdf:RDF>", b"<broken></rdf:RDF>"),
    xmp(DUBLIN_CORE),
    None,
], ids=["attributes", "elements", "malformed", "no-claim", "no-metadata"])
def test_identification_validator_and_scanner_read_the_same_claim(packet):
    data = make_pdf(packet)
    expected = claim_of(data)
    fmt, _ = identify.identify(InputFile("a.pdf", data))
    assert fmt.details.get("pdfa") == (expected.flavour if expected else None)
    assert pdfa.validate(data).claimed == (expected.flavour if expected else None)
    scanned = pdfscan.scan(data)
    assert scanned.pdfa_part == (expected.part if expected else None)


def test_a_claim_in_a_malformed_packet_is_validated_and_the_packet_fails():
    broken = xmp(ATTRIBUTES).replace(b"</rdf:RDF>", b"<broken></rdf:RDF>")
    report = pdfa.validate(make_pdf(broken))
    assert report.flavour.id == "2b" and report.compliant is False
    assert any("XMP" in f.detail for f in report.failures)


# --- structure-stream bombs -------------------------------------------------------------------

def _stream_object(kind: bytes, payload: bytes, filters: bytes = b"/FlateDecode") -> bytes:
    return (b"%PDF-1.7\n7 0 obj\n<< /Type /" + kind + b" /Filter " + filters
            + b" /Length " + str(len(payload)).encode() + b" >>\nstream\n" + payload
            + b"\nendstream\nendobj\nstartxref\n9\n%%EOF\n")


@pytest.mark.parametrize("kind", [b"XRef", b"ObjStm"])
def test_structure_stream_inflating_past_the_limit_is_a_bomb(kind):
    data = _stream_object(kind, zlib.compress(b"\0" * (2 << 20), 9))
    bomb = structure_stream_bomb(data, limit=1 << 20)
    assert bomb is not None
    assert (bomb.kind, bomb.ref, bomb.limit) == (kind.decode(), "7 0", 1 << 20)
    assert data[bomb.offset:].startswith(b"/Type /" + kind)


def test_structure_stream_within_the_limit_is_no_bomb():
    assert structure_stream_bomb(_stream_object(b"XRef", zlib.compress(b"\0" * 1000)),
                                 limit=1 << 20) is None


def test_doubly_compressed_structure_stream_is_inflated_twice():
    twice = zlib.compress(zlib.compress(b"\0" * (2 << 20), 9), 9)
    data = _stream_object(b"ObjStm", twice, b"[/FlateDecode /Fl]")
    assert structure_stream_bomb(data, limit=1 << 20) is not None


def test_real_pdf_has_no_structure_bomb():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    assert b"/ObjStm" in out.getvalue()
    assert structure_stream_bomb(out.getvalue()) is None
