"""Mail structure: an RFC 5322 message (.eml) or an .m7m (a MIME multipart holding a signed
envelope and its time-stamp). Only headers are parsed, nothing is decoded."""
from __future__ import annotations

import email.parser
import email.policy
import re

from .sniffed import Sniffed

_MAX_MIME_PARTS = 500
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:[ \t]?")
_MAIL_HEADERS = {"from", "to", "cc", "subject", "date", "message-id", "mime-version", "received",
                 "return-path", "reply-to", "delivered-to", "x-trasporto", "x-riferimento-message-id"}


def sniff_mime(data: bytes) -> Sniffed | None:
    """eml (RFC 5322 message) or m7m (MIME multipart holding a p7m and a tsr)."""
    first = data[:1024].lstrip(b"\r\n")
    if not _HEADER_LINE.match(first):
        return None
    head_end = re.search(rb"\r?\n\r?\n", data[:65536])
    if not head_end:
        return None
    parser = email.parser.BytesHeaderParser(policy=email.policy.compat32)
    try:
        headers = parser.parsebytes(data[:head_end.end()])
    except Exception:  # noqa: BLE001 - headers the email package cannot read: no message
        return None
    names = {k.lower() for k in headers}
    content_type = str(headers.get("Content-Type") or "").lower()  # a Header when not ASCII
    is_mail = len(names & _MAIL_HEADERS) >= 2
    if not is_mail and not content_type.startswith("multipart/"):
        return None
    parts = _mime_parts(data) if content_type.startswith("multipart/") else []
    kinds = {_part_kind(ctype, fname) for ctype, fname in parts}
    if {"p7m", "tsr"} <= kinds and len(parts) <= 4:
        return Sniffed("m7m", {"parts": len(parts)})
    if is_mail:
        return Sniffed("eml", {"attachments": sum(1 for _, fname in parts if fname)})
    return None


def _mime_parts(data: bytes, depth: int = 0) -> list[tuple[str, str]]:
    """(content type, file name) of the parts of a multipart body, nested multiparts included
    up to three levels. Parts are found by splitting on the boundary and only their headers
    are parsed: a 30 MB message costs a few milliseconds, nothing is decoded."""
    head_end = re.search(rb"\r?\n\r?\n", data[:65536])
    if not head_end or depth > 3:
        return []
    header_parser = email.parser.BytesHeaderParser(policy=email.policy.compat32)
    try:
        headers = header_parser.parsebytes(data[:head_end.end()])
        boundary = headers.get_param("boundary")
    except Exception:  # noqa: BLE001 - no readable boundary: no parts to list
        return []
    if not isinstance(boundary, str) or not boundary:
        return []
    out: list[tuple[str, str]] = []
    chunks = data[head_end.end():].split(b"--" + boundary.encode("ascii", "replace"))
    for chunk in chunks[1:_MAX_MIME_PARTS]:
        if chunk.startswith(b"--"):
            break  # the closing boundary
        body = chunk.lstrip(b"\r\n")
        end = re.search(rb"\r?\n\r?\n", body[:65536])
        try:
            part = header_parser.parsebytes(body[:end.end()] if end else body[:65536])
            ctype = part.get_content_type().lower()
            fname = (part.get_filename() or "").lower()
        except Exception:  # noqa: BLE001 - an unreadable part header: the part is skipped
            continue
        if ctype.startswith("multipart/"):
            out.extend(_mime_parts(body, depth + 1))
        else:
            out.append((ctype, fname))
    return out


def _part_kind(ctype: str, filename: str) -> str:
    if "pkcs7-mime" in ctype or filename.endswith(".p7m"):
        return "p7m"
    if "timestamp" in ctype or filename.endswith((".tsr", ".tst")):
        return "tsr"
    return "other"
