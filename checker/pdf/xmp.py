"""The catalogue's XMP packet and the PDF/A claim it makes: pdfaid:part and
pdfaid:conformance of the PDF/A identification schema (ISO 19005-1 6.7.11, 19005-2/3 6.6.4).

The one reader of that claim: identification labels the document with it and picks
veraPDF's flavour from it, the PDF/A validator validates against it, the active-content
scanner applies that part's embedded-file rules. Bounded: a metadata stream is inflated
at most MAX_XMP bytes (a deflate bomb stops there) and parsed without expanding entities.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import defusedxml.ElementTree as SafeET
import pikepdf

from .decode import Undecodable, decode

MAX_XMP_RAW = 4 << 20   # a metadata stream larger than this, compressed, is not read
MAX_XMP = 1 << 20       # at most this much of a packet is inflated and read

PDFAID_NS = "http://www.aiim.org/pdfa/ns/id/"
_RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_KEYS = ("part", "conformance")
_BOMS = [(b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"),
         (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")]
# attribute (pdfaid:part="2") or element, with or without attributes (<pdfaid:part xmlns:..>2)
_PDFAID_RE = re.compile(rb"pdfaid:(part|conformance)(?:\s*=\s*[\"']|(?:\s[^<>]*)?>)\s*([A-Za-z0-9]+)")


@dataclass(frozen=True)
class PdfaClaim:
    """What the XMP packet claims, not whether the file lives up to it."""
    part: int
    conformance: str          # lower case ("b"); "" when the packet names no level
    malformed: bool = False   # the packet is not well-formed XML: read from its plain spelling

    @property
    def flavour(self) -> str:
        """"2b", "1a", "4" (the form PdfaReport.claimed and FormatInfo.details carry)."""
        return f"{self.part}{self.conformance}"

    def details(self) -> dict[str, Any]:
        """The FormatInfo.details keys identification reports for a claim."""
        out: dict[str, Any] = {"pdfa": self.flavour, "pdfa_part": self.part,
                               "pdfa_conformance": self.conformance}
        if self.malformed:
            out["xmp_malformed"] = True
        return out


def read_claim(pdf: pikepdf.Pdf) -> PdfaClaim | None:
    """The claim of the document catalogue's XMP packet; None when there is no packet, it
    cannot be read within the bounds, or it claims nothing. Never raises."""
    try:
        stream = pdf.Root.get("/Metadata")
        if not isinstance(stream, pikepdf.Stream):
            return None
        xmp = metadata_bytes(stream)
    except Exception:  # noqa: BLE001 - a damaged catalogue or stream claims nothing
        return None
    return pdfa_claim(xmp) if xmp is not None else None


def claimed_flavour(pdf: pikepdf.Pdf) -> str | None:
    """read_claim's flavour ("2b"), or None. Never raises."""
    claim = read_claim(pdf)
    return claim.flavour if claim else None


def metadata_bytes(stream: pikepdf.Stream) -> bytes | None:
    """A metadata stream's bytes, at most MAX_XMP of them, decoded filter by filter under
    that bound (checker.pdf.decode; never qpdf's read_bytes(): a hostile metadata stream
    could be a decompression bomb). None when the stream is larger than MAX_XMP_RAW or a
    filter cannot be decoded. pikepdf's errors on a damaged stream are the caller's to handle."""
    if len(stream.read_raw_bytes()) > MAX_XMP_RAW:
        return None
    try:
        return decode(stream, MAX_XMP, truncate=True)
    except Undecodable:
        return None


def pdfa_claim(xmp: bytes) -> PdfaClaim | None:
    """The claim an XMP packet makes, or None. Read where XMP puts properties, on an
    rdf:Description of rdf:RDF, in both spellings: attribute (pdfaid:part="2") and element
    (<pdfaid:part>2</pdfaid:part>); the first value of each key counts. A packet that is not
    well-formed XML is read by its plain spelling and the claim says so. Never raises."""
    text = _as_utf8(xmp[:MAX_XMP])
    try:
        root = SafeET.fromstring(text)
    except Exception:  # noqa: BLE001 - malformed in any way (syntax, entities, encoding)
        root = None
    values = _rdf_values(root) if root is not None else _plain_values(text)
    part = values.get("part", "").strip()
    if not (part.isascii() and part.isdigit()):
        return None
    return PdfaClaim(int(part), values.get("conformance", "").strip().lower(),
                     malformed=root is None)


def _rdf_values(root: Any) -> dict[str, str]:
    values: dict[str, str] = {}
    description = f"{{{_RDF_NS}}}Description"
    for rdf in root.iter(f"{{{_RDF_NS}}}RDF"):
        for desc in rdf:
            if desc.tag != description:
                continue
            for key in _KEYS:
                qname = f"{{{PDFAID_NS}}}{key}"
                if qname in desc.attrib:
                    values.setdefault(key, desc.attrib[qname])
            for prop in desc:
                for key in _KEYS:
                    if prop.tag == f"{{{PDFAID_NS}}}{key}" and len(prop) == 0:
                        values.setdefault(key, prop.text or "")
    return values


def _plain_values(xmp: bytes) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in _PDFAID_RE.findall(xmp):
        values.setdefault(key.decode(), value.decode("ascii", "replace"))
    return values


def _as_utf8(xmp: bytes) -> bytes:
    """XMP packets may be UTF-8, UTF-16 or UTF-32 (XMP part 1, 7.3.2), told by a byte-order
    mark or by how the first "<" is encoded; the XML declaration, if any, is dropped."""
    codec = None
    for bom, name in _BOMS:
        if xmp.startswith(bom):
            codec, xmp = name, xmp[len(bom):]
            break
    else:
        for name, start in (("utf-32-le", b"<\x00\x00\x00"), ("utf-32-be", b"\x00\x00\x00<"),
                            ("utf-16-le", b"<\x00"), ("utf-16-be", b"\x00<")):
            if xmp.startswith(start):
                codec = name
                break
    if codec in (None, "utf-8"):
        return xmp.strip(b" \t\r\n\x00")
    text = xmp.decode(codec, "replace")
    return re.sub(r"^\s*<\?xml[^>]*\?>", "", text).strip().encode("utf-8")
