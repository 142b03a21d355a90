"""One-way breakages of a conforming PDF/A, for samples/gen_producers.py.

Each mutation takes the bytes of a file LibreOffice or Ghostscript wrote as PDF/A and returns
the bytes broken in one known way (or None when the file has nothing to break that way). The
name says what is broken; the differential test compares what both validators make of it.
"""
from __future__ import annotations

import io
import re
from collections.abc import Callable

import pikepdf
from pikepdf import Array, Dictionary, Name, String


def _edit(change: Callable[[pikepdf.Pdf], bool | None], **save) -> Callable[[bytes], bytes | None]:
    def mutate(data: bytes) -> bytes | None:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if change(pdf) is False:
                return None
            out = io.BytesIO()
            # qpdf derives no deterministic /ID for an encrypted file
            pdf.save(out, fix_metadata_version=False, deterministic_id="encryption" not in save, **save)
            return out.getvalue()
    return mutate


def _no_output_intent(pdf: pikepdf.Pdf) -> None:
    del pdf.Root.OutputIntents


def _no_metadata(pdf: pikepdf.Pdf) -> None:
    del pdf.Root.Metadata


def _javascript(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String("app.alert(1)")))


def _launch(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = pdf.make_indirect(Dictionary(S=Name.Launch, F=String("calc.exe")))


def _page_aa(pdf: pikepdf.Pdf) -> None:
    pdf.pages[0].obj.AA = Dictionary(O=Dictionary(S=Name.URI, URI=String("https://example.org/")))


def _hidden_annotation(pdf: pikepdf.Pdf) -> None:
    page = pdf.pages[0].obj
    annot = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[10, 10, 50, 30],
                                         Border=[0, 0, 0], F=0,
                                         A=Dictionary(S=Name.URI, URI=String("https://example.org/"))))
    page.Annots = Array([*page.get("/Annots", Array()), annot])


def _transparency(pdf: pikepdf.Pdf) -> None:
    page = pdf.pages[0]
    res = page.obj.Resources
    if "/ExtGState" not in res:
        res.ExtGState = Dictionary()
    res.ExtGState.GSmut = Dictionary(ca=0.4, CA=0.4)
    page.contents_add(pdf.make_stream(b"q /GSmut gs 0 0 1 rg 20 20 100 60 re f Q"), prepend=False)


def _device_cmyk(pdf: pikepdf.Pdf) -> None:
    pdf.pages[0].contents_add(pdf.make_stream(b"q 0.1 0.7 0.2 0 k 30 30 80 40 re f Q"), prepend=False)


def _embedded_file(pdf: pikepdf.Pdf) -> None:
    spec = pikepdf.AttachedFileSpec(pdf, b"not a PDF/A attachment", mime_type="text/plain")
    pdf.attachments["nota.txt"] = spec


def _interpolate(pdf: pikepdf.Pdf) -> bool:
    for page in pdf.pages:
        for _, image in page.images.items():
            image.Interpolate = True
            return True
    return False


def _unembedded_font(pdf: pikepdf.Pdf) -> bool:
    for obj in pdf.objects:
        if isinstance(obj, Dictionary) and obj.get("/Type") == Name.FontDescriptor:
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                if key in obj:
                    del obj[key]
                    return True
    return False


def _no_trailer_id(pdf: pikepdf.Pdf) -> None:
    del pdf.trailer.ID


def _info_title_mismatch(pdf: pikepdf.Pdf) -> None:
    if "/Info" not in pdf.trailer:
        pdf.trailer.Info = pdf.make_indirect(Dictionary())
    pdf.trailer.Info.Title = String("Un titolo diverso da quello dell'XMP")


def _trailing_garbage(data: bytes) -> bytes:
    return data + b"\n% garbage after the end of file\n" * 3


def _ascii_header_comment(data: bytes) -> bytes | None:
    """The second line's binary comment made ASCII (same length: offsets stay right)."""
    m = re.match(rb"%PDF-\d\.\d\r?\n%([\x80-\xff]{4,})", data)
    if not m:
        return None
    return data[:m.start(1)] + b"A" * len(m.group(1)) + data[m.end(1):]


def _wrong_part(data: bytes) -> bytes | None:
    """pdfaid:part 2 ↔ 3 in the XMP (same length), so the claim and the file disagree."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if "/Metadata" not in pdf.Root:
            return None
        stream = pdf.Root.Metadata
        xmp = stream.read_bytes()
        new = re.sub(rb"(pdfaid:part[>=\"']+)1", rb"\g<1>3", xmp)
        if new == xmp:
            return None
        stream.write(new)
        out = io.BytesIO()
        pdf.save(out, fix_metadata_version=False, deterministic_id=True)
        return out.getvalue()


MUTATIONS: dict[str, Callable[[bytes], bytes | None]] = {
    "no-output-intent": _edit(_no_output_intent),
    "no-metadata": _edit(_no_metadata),
    "javascript": _edit(_javascript),
    "launch-action": _edit(_launch),
    "page-aa": _edit(_page_aa),
    "hidden-annotation": _edit(_hidden_annotation),
    "transparency": _edit(_transparency),
    "device-cmyk": _edit(_device_cmyk),
    "embedded-file": _edit(_embedded_file),
    "interpolate": _edit(_interpolate),
    "unembedded-font": _edit(_unembedded_font),
    "no-trailer-id": _edit(_no_trailer_id),
    "info-title-mismatch": _edit(_info_title_mismatch),
    "encrypted": _edit(lambda pdf: None, encryption=pikepdf.Encryption(owner="proprietario", user="")),
    "object-streams": _edit(lambda pdf: None, object_stream_mode=pikepdf.ObjectStreamMode.generate),
    "trailing-garbage": _trailing_garbage,
    "ascii-header": _ascii_header_comment,
    "wrong-part": _wrong_part,
}
