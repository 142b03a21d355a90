"""PDF: version, a header after junk, truncation, encryption and the PDF/A claim. Only the
head and tail of the file and its XMP packet are read (pikepdf opens lazily: the
cross-reference table, the catalogue and the metadata stream); deep damage and active
content are the PDF checks' business."""
from __future__ import annotations

import io
import re
from typing import Any

import pikepdf

from ..model import Finding
from ..pdf import metadata_bytes, pdfa_claim, structure_stream_bomb
from .sniffed import MAGIC_PREFIXES, Sniffed

PDF_TAIL = 2048                 # %%EOF and startxref must be this close to the end
PDF_HEADER_WINDOW = 1024        # readers accept junk this long before %PDF-

_PDF_VERSION = re.compile(rb"%PDF-(\d\.\d)")


def sniff_pdf(data: bytes, offset: int) -> Sniffed:
    """A PDF whose header starts at `offset`."""
    out = Sniffed("pdf")
    m = _PDF_VERSION.match(data, offset)
    if m:
        out.details["version"] = m.group(1).decode()
    if offset:
        out.details["header_offset"] = offset
        out.findings.append(Finding("FMT019", detail=f"%PDF- at byte {offset}",
                                    location=f"byte {offset}", args={"offset": str(offset)}))
    eof = data.rfind(b"%%EOF")
    startxref = data.rfind(b"startxref", max(0, eof - PDF_TAIL), eof) if eof >= 0 else -1
    trailing = data[eof + 5:].strip(b"\r\n\t \x00") if eof >= 0 else b""
    if eof < 0 or startxref < 0:
        missing = "%%EOF" if eof < 0 else "startxref"
        out.details["truncated"] = True
        out.findings.append(Finding("FMT018", detail=f"{missing} not found at the end of the file"))
    elif len(trailing) > PDF_HEADER_WINDOW and not trailing.startswith(MAGIC_PREFIXES):
        # an update cut short after an earlier complete revision (another format's bytes
        # there are a polyglot, reported by polyglot.py)
        out.details["truncated"] = True
        out.findings.append(Finding("FMT018", detail=f"{len(trailing)} bytes after the last %%EOF"))
    out.details.update(_xmp_details(data))
    return out


def _xmp_details(data: bytes) -> dict[str, Any]:
    """Encryption and the PDF/A claim of the document's XMP packet."""
    bomb = structure_stream_bomb(data)
    if bomb:  # pdf_active reports it (PDF022); qpdf would spend seconds and a gigabyte
        return {"damaged": f"/{bomb.kind} stream at byte {bomb.offset} inflates past "
                           f"{bomb.limit >> 20} MB"}
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        return {"encrypted": True}
    except Exception as exc:  # noqa: BLE001 - deep damage is the PDF checks' business
        return {"damaged": f"{type(exc).__name__}: {exc}"[:200]}
    try:
        details: dict[str, Any] = {}
        if pdf.is_encrypted:
            details["encrypted"] = True
        meta = pdf.Root.get("/Metadata")
        if not isinstance(meta, pikepdf.Stream):
            return details
        xmp = metadata_bytes(meta)
        if xmp is None:
            details["xmp"] = "unreadable"
            return details
        claim = pdfa_claim(xmp)
        if claim:
            details.update(claim.details())
        return details
    except Exception as exc:  # noqa: BLE001 - a damaged catalogue: the PDF checks say what
        return {"damaged": f"{type(exc).__name__}: {exc}"[:200]}
    finally:
        pdf.close()
