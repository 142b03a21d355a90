"""Polyglots: a file that is valid as two formats is an attack on whoever reads it (the
office's viewer shows one thing, another program runs or extracts the other). FMT014 when
a PDF, a zip or another format's magic number sits where a reader would find it."""
from __future__ import annotations

from .. import zipinspect
from ..model import Finding
from .kinds import ENVELOPES, KINDS, ZIP_BASED
from .pdf import PDF_HEADER_WINDOW
from .sniffed import OTHER_MAGICS, Sniffed


def polyglot_findings(data: bytes, found: Sniffed) -> list[Finding]:
    """FMT014 for each other format found inside what `found` says the file is."""
    if found.id in ("empty", "unknown") or len(data) < 32:
        return []
    out: list[Finding] = []
    zip_based = (found.id == "zip" or found.id in ZIP_BASED
                 or found.details.get("kind") in ("jar", "apk"))
    # An envelope or message carries its document's bytes near its start: a signed PDF is
    # not a polyglot.
    if found.id not in ENVELOPES and found.id != "pdf" and not found.details.get("header_offset"):
        pdf_at = data.find(b"%PDF-", 0, PDF_HEADER_WINDOW)
        if pdf_at > 0 and data.find(b"%%EOF", pdf_at) > 0:  # a PDF, not a mention of one
            out.append(_poly("PDF", pdf_at, found))
        elif found.id in ("exe", "jpeg", "png", "gif", "tiff", "gzip", "rar", "7z"):
            pdf_at = data.find(b"%PDF-")
            if pdf_at > 0 and data.find(b"%%EOF", pdf_at) > 0:
                out.append(_poly("PDF", pdf_at, found))
    # Envelopes, messages and OLE files legitimately carry whole documents (a signed .docx,
    # an embedded package) whose zip end record may sit near their own end.
    if not zip_based and found.id not in ("p7m", "tsd", "m7m", "eml", "txt", "xml", "doc",
                                          "xls", "ppt", "msg", "ole"):
        eocd = zipinspect.find_end_record(data)
        if eocd > 0:
            inner = zipinspect.inspect(data)
            if inner.entries and zipinspect.ZipProblemKind.CORRUPT not in inner.kinds():
                out.append(_poly("ZIP", min(e.header_offset for e in inner.entries), found))
    if found.id == "pdf":
        eof = data.rfind(b"%%EOF")
        tail = data[eof + 5:].lstrip(b"\r\n\t \x00") if eof >= 0 else b""
        for magic_bytes, name in OTHER_MAGICS:
            if tail.startswith(magic_bytes) and not any(f.args.get("other") == name for f in out):
                out.append(_poly(name, len(data) - len(tail), found))
                break
    return out


def _poly(other: str, offset: int, found: Sniffed) -> Finding:
    label = KINDS[found.id].label
    return Finding("FMT014", detail=f"{other} at byte {offset} inside {found.id}",
                   location=f"byte {offset}", args={"label": label, "other": other})
