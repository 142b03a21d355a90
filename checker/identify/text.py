"""Text-based formats: RTF, envelopes in PEM or Base64, mail, HTML, XML, scripts and plain
text, which is decoded strictly (decode_text) so that binary data is never called text."""
from __future__ import annotations

import re
from typing import Any

from ..model import Finding
from .envelopes import sniff_base64_cms, sniff_pem_cms
from .executables import SCRIPT_MARKS
from .mime import sniff_mime
from .sniffed import Sniffed
from .xmlroot import sniff_xml

_TEXT_SNIFF = 8192               # HTML, XML and script marks are looked for this far
_MAX_BASE64 = 100 << 20

_BOMS = [(b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32-le"),
         (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")]
# For UTF-16/32 text: C0 controls other than tab, newline, form feed, carriage return;
# DEL; C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_PEM_BEGIN = re.compile(rb"-----BEGIN ([A-Z0-9 #]+)-----")
_XML_START = re.compile(r"^\s*(<\?xml|<!--|<!DOCTYPE|<[A-Za-z_])", re.IGNORECASE)
_HTML_START = re.compile(r"^\s*(<!--.*?-->\s*)*(<!DOCTYPE\s+html|<html[\s>]|<head[\s>]|<body[\s>])",
                         re.IGNORECASE | re.DOTALL)


def decode_text(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) when the bytes are plausible plain text, else None.

    Strict: UTF-8 (with or without BOM), UTF-16/32 with BOM; Windows-1252 only when most
    bytes are ASCII (a legacy Italian letter, not binary data that happens to decode).
    Control characters or NULs mean "not text"."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec.replace("-sig", ""))
            except UnicodeDecodeError:
                return None
            if codec != "utf-8-sig":
                return None if _CONTROL.search(text.rstrip("\x1a")) else (text, codec)
            return (text, codec) if _plain_bytes(data[len(bom):], utf8=True) else None
    if not _plain_bytes(data, utf8=True):
        return None
    try:
        text = data.decode("utf-8")
        return text, "ascii" if text.isascii() else "utf-8"
    except UnicodeDecodeError:
        pass
    sample = data[:65536]
    if sum(1 for b in sample if b >= 0x80) > len(sample) * 0.3:
        return None
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return None


# Byte-level check, C speed on tens of MB: C0 controls other than tab, newline, form feed,
# carriage return; DEL; in UTF-8 also the C1 controls U+0080..U+009F.
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 0x20 and b not in b"\t\n\x0c\r") and b != 0x7F)
_UTF8_C1 = re.compile(rb"\xc2[\x80-\x9f]")


def _plain_bytes(data: bytes, utf8: bool) -> bool:
    body = data.rstrip(b"\x1a")  # a trailing ^Z is the DOS end-of-file mark
    if body.translate(None, _NOT_CONTROL):
        return False
    return not (utf8 and _UTF8_C1.search(body))


def sniff_text(data: bytes) -> Sniffed:
    """What a file with no binary magic number is; "unknown" when it is not text either."""
    stripped = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if stripped[:4] == b"{\\rt":
        return Sniffed("rtf")
    pem = _PEM_BEGIN.search(data[:4096])
    if pem:
        found = sniff_pem_cms(data)
        if found:
            return found
    mime = sniff_mime(data)
    if mime:
        return mime
    decoded = decode_text(data)
    if decoded is None:
        return Sniffed("unknown")
    text, encoding = decoded
    head = text[:_TEXT_SNIFF]
    if _HTML_START.match(head):
        return Sniffed("html", {"encoding": encoding})
    if _XML_START.match(head):
        xml = sniff_xml(data)
        if xml:
            xml.details.setdefault("encoding", encoding)
            return xml
    if 64 <= len(data) <= _MAX_BASE64:
        found = sniff_base64_cms(data)
        if found:
            return found
    if SCRIPT_MARKS.search(head):
        return Sniffed("exe", {"kind": "script", "encoding": encoding})
    details: dict[str, Any] = {"encoding": encoding}
    if encoding == "cp1252":
        return Sniffed("txt", details, [Finding("FMT027", args={"encoding": "Windows-1252"})])
    return Sniffed("txt", details)
