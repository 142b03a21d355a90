"""Step 1, what the bytes are: magic numbers first, then the container decides (one sniffer
module per family), then polyglot detection. `sniff` never raises: a parser that gives up
on hostile input is a finding (FMT017)."""
from __future__ import annotations

from .. import zipinspect
from .containers import sniff_zip
from .envelopes import SIGNED_DATA_OID, definite_length, sniff_cms
from .executables import sniff_executable
from .kinds import KINDS
from .ole import sniff_ole
from .pdf import PDF_HEADER_WINDOW, PDF_TAIL, sniff_pdf
from .polyglot import polyglot_findings
from .sniffed import Sniffed, unreadable
from .text import sniff_text


def sniff(data: bytes) -> Sniffed:
    """What the content is, by magic numbers and container inspection. Never raises."""
    try:
        found = classify(data)
    except Exception as exc:  # noqa: BLE001 - a parser bug on hostile input is a finding
        found = Sniffed("unknown", findings=[unreadable(exc, "file")])
    try:
        found.findings.extend(polyglot_findings(data, found))
    except Exception as exc:  # noqa: BLE001 - likewise, while looking for a second format
        found.findings.append(unreadable(exc, KINDS[found.id].label))
    return found


def classify(data: bytes) -> Sniffed:
    """sniff() without its safety net (tests call it to see parsers that raise)."""
    if not data:
        return Sniffed("empty")
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return sniff_pdf(data, 0)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return sniff_ole(data)
    if zipinspect.looks_like_zip(data):
        return sniff_zip(data)
    found = _by_magic_number(head) or sniff_executable(data)
    if found:
        return found
    if head[:1] == b"\x30":
        envelope = sniff_cms(data)
        if envelope:
            envelope.details["encoding"] = "der" if definite_length(data) else "ber"
            return envelope
        if SIGNED_DATA_OID in data[:24]:
            # starts like a signed envelope but does not parse: a truncated or damaged .p7m.
            # The signature check says what is wrong with it (SIG003): one finding, not two.
            return Sniffed("p7m", {"damaged": True})
    pdf_at = data.find(b"%PDF-", 0, PDF_HEADER_WINDOW)
    if pdf_at > 0 and b"%%EOF" in data[-PDF_TAIL * 4:]:
        return sniff_pdf(data, pdf_at)
    return sniff_text(data)


def _by_magic_number(head: bytes) -> Sniffed | None:
    """Archives and images: their magic number is enough to name them."""
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return Sniffed("7z")
    if head.startswith((b"Rar!\x1a\x07\x00", b"Rar!\x1a\x07\x01\x00")):
        return Sniffed("rar", {"version": 5 if head[6] == 1 else 4})
    if head.startswith(b"\x1f\x8b"):
        return Sniffed("gzip")
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return Sniffed("tiff")
    if head[:4] in (b"II+\x00", b"MM\x00+"):
        return Sniffed("tiff", {"bigtiff": True})
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("jpeg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("png")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed("gif")
    return None
