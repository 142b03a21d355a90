"""The MIME structure of a PEC message (DM 2/11/2005, regole tecniche; RFC 1847, RFC 5751).

An envelope or receipt is multipart/signed: part 1 is the multipart/mixed body (the
provider's text, daticert.xml, and postacert.eml — the sender's original message — where
the type carries it), part 2 is smime.p7s. Some clients save it "opaque"
(application/pkcs7-mime, the body inside the CMS): that is read too. This module finds those parts, cuts the exact
signed bytes out of the raw message (the parser re-serialises, the signature covers the
bytes as sent), and turns the original message into facts and attachments (InputFile).

Parsing uses the stdlib parser with the compat32 policy: it never raises on bad input
and records what it had to repair as `defects`.
"""
from __future__ import annotations

import email
import email.header
import email.utils
import mimetypes
import re
from dataclasses import dataclass, field
from email.message import Message

from ..model import Finding, InputFile
from .limits import MAX_ATTACHMENTS, structure_findings

MAX_PART_DEPTH = 30
MAX_DECODED_HEADER = 16 << 10   # characters of one header value decoded (a Subject is < 1 KB)
_HEADER_LINE = re.compile(rb"^(?:[!-9;-~]+[ \t]*:|From )")
_KNOWN_HEADER = re.compile(
    rb"^(?:Return-Path|Received|Delivered-To|Date|From|To|Subject|Message-ID|MIME-Version|"
    rb"X-[A-Za-z0-9-]+)[ \t]*:", re.IGNORECASE | re.MULTILINE)
_MAIL_HEADERS = ("from", "to", "subject", "date", "received", "message-id", "x-trasporto",
                 "x-ricevuta", "return-path", "mime-version")
_SERIOUS_DEFECTS = {"StartBoundaryNotFoundDefect", "CloseBoundaryNotFoundDefect",
                    "MultipartInvariantViolationDefect", "NoBoundaryInMultipartDefect",
                    "MissingHeaderBodySeparatorDefect", "FirstHeaderLineIsContinuationDefect",
                    "InvalidMultipartContentTransferEncodingDefect"}
SIGNATURE_TYPES = ("application/pkcs7-signature", "application/x-pkcs7-signature")
OPAQUE_TYPES = ("application/pkcs7-mime", "application/x-pkcs7-mime")


@dataclass
class Parsed:
    """A message parsed from bytes, with what was wrong with the bytes themselves."""
    message: Message | None
    raw: bytes                  # the bytes parsed (stray leading text removed)
    findings: list[Finding] = field(default_factory=list)


def parse_bytes(data: bytes) -> Parsed:
    if not data.strip():
        return Parsed(None, data, [Finding("PEC001", detail="file vuoto")])
    findings: list[Finding] = []
    first_line = data.lstrip(b"\r\n").split(b"\n", 1)[0]
    if not _HEADER_LINE.match(data) or not _HEADER_LINE.match(first_line):
        found = _KNOWN_HEADER.search(data, 0, 65536)
        if found and found.start() > 0:
            skipped = data[: found.start()].strip().split(b"\n", 1)[0][:80]
            text = skipped.decode("utf-8", "replace").strip()
            findings.append(Finding("PEC002", detail=text, args={"detail": f"«{text}»"}))
            data = data[found.start():]
    refused = structure_findings(data)
    if refused:  # beyond the fixed parse limits: the parser would take seconds and gigabytes
        return Parsed(None, data, findings + refused)
    message = email.message_from_bytes(data)
    if not any(k.lower() in _MAIL_HEADERS for k in message):
        return Parsed(None, data, findings + [Finding("PEC001", detail="nessuna intestazione di posta")])
    defects = sorted({type(d).__name__ for part in _walk(message) for d in part.defects}
                     & _SERIOUS_DEFECTS)
    if defects:
        note = ", ".join(defects)
        findings.append(Finding("PEC003", detail=note, args={"detail": note}))
    return Parsed(message, data, findings)


def _walk(msg: Message, depth: int = 0):
    """Every part, message/rfc822 included, depth-bounded (Message.walk is not)."""
    yield msg
    if depth >= MAX_PART_DEPTH or not msg.is_multipart():
        return  # a leaf's payload is not needed (and get_payload() decodes it: a NUL in charset raises)
    payload = msg.get_payload()
    if isinstance(payload, list):
        for sub in payload:
            if isinstance(sub, Message):
                yield from _walk(sub, depth + 1)


def text(value: object) -> str:
    """A header value decoded from RFC 2047 encoded words, spaces folded; '' when absent."""
    if value is None:
        return ""
    value = str(value)[:MAX_DECODED_HEADER]
    try:
        decoded = str(email.header.make_header(email.header.decode_header(value)))
    except (ValueError, LookupError, UnicodeError, email.errors.HeaderParseError):
        decoded = value
    return " ".join(decoded.split())


def address(value: object) -> str:
    """The bare address of a From/Reply-To header, lower case ('' when none)."""
    name, addr = email.utils.parseaddr(text(value))
    return addr.strip().lower()


def addresses(msg: Message, *names: str) -> list[str]:
    values = [text(v) for n in names for v in (msg.get_all(n) or [])]
    return [a.strip().lower() for _, a in email.utils.getaddresses(values) if a.strip()]


def iso_date(value: object) -> str | None:
    try:
        return email.utils.parsedate_to_datetime(text(value)).isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


# --- the envelope ------------------------------------------------------------------------

@dataclass
class EnvelopeParts:
    daticert: bytes | None = None
    postacert: Message | None = None
    signature: bytes | None = None        # smime.p7s, DER
    signed_content: bytes | None = None   # the exact bytes the signature covers (CRLF)
    signed: bool = False                  # the message is multipart/signed


def _filename(part: Message) -> str:
    try:
        return text(part.get_filename() or part.get_param("name") or "")
    except Exception:  # noqa: BLE001 - a broken RFC 2231 parameter is no name
        return ""


def _leaves(msg: Message, depth: int = 0):
    """Parts under msg without entering attached messages (message/rfc822 is a leaf)."""
    if depth >= MAX_PART_DEPTH:
        return
    if msg.is_multipart() and msg.get_content_maintype() == "multipart":
        for sub in msg.get_payload():
            if isinstance(sub, Message):
                yield from _leaves(sub, depth + 1)
    else:
        yield msg


def envelope_parts(parsed: Parsed) -> EnvelopeParts:
    msg = parsed.message
    out = EnvelopeParts()
    if msg is None:  # not a mail message: nothing to find
        return out
    content = msg
    if msg.get_content_type() == "multipart/signed" and msg.is_multipart():
        out.signed = True
        parts = [part for part in msg.get_payload() if isinstance(part, Message)]
        content = parts[0] if parts else msg
        for part in parts[1:]:
            if part.get_content_type() in SIGNATURE_TYPES:
                out.signature = _decoded(part) or None
        boundary = msg.get_boundary()
        if boundary:
            out.signed_content = signed_content(parsed.raw, boundary)
    elif msg.get_content_type() in OPAQUE_TYPES:
        content = _opaque_content(msg, out) or msg
    leaves = list(_leaves(content))
    for part in leaves:
        name = _filename(part).lower()
        if out.daticert is None and name.endswith("daticert.xml"):
            out.daticert = _decoded(part) or b""
        if out.postacert is None and part.get_content_type() == "message/rfc822" and \
                name in ("postacert.eml", ""):
            out.postacert = _embedded_message(part)
    if out.postacert is None:  # a provider that names it otherwise
        out.postacert = next((_embedded_message(p) for p in leaves
                              if p.get_content_type() == "message/rfc822"), None)
    return out


def _opaque_content(msg: Message, out: EnvelopeParts) -> Message | None:
    """An opaque-signed message (RFC 5751 3.4.2): the MIME entity is inside the CMS."""
    from ..signatures.cms import EnvelopeError, load_envelope
    der = _decoded(msg)
    if not der:
        return None
    try:
        envelope = load_envelope(der)
    except EnvelopeError:
        return None
    if not envelope.content:
        return None
    out.signed, out.signature = True, der
    out.signed_content = envelope.content
    return email.message_from_bytes(envelope.content)


def _embedded_message(part: Message) -> Message | None:
    if part.is_multipart():
        payload = part.get_payload()
        first = payload[0] if isinstance(payload, list) and payload else None
        return first if isinstance(first, Message) else None
    data = _decoded(part)  # a base64-encoded message/rfc822 (not RFC 2046, seen)
    return email.message_from_bytes(data) if data else None


def signed_content(raw: bytes, boundary: str) -> bytes | None:
    """The first body part of a multipart/signed, byte for byte, with CRLF line ends.

    RFC 1847: the signature covers the part's MIME entity, headers included; the CRLF
    before the next delimiter belongs to the delimiter. Plain bytes.find, not regexes:
    messages run to 100 MB.
    """
    head_end = re.search(rb"\r?\n\r?\n", raw)
    if not head_end:
        return None
    delim = b"--" + boundary.encode("ascii", "replace")
    first = _delimiter(raw, delim, head_end.start() + 1)
    if first is None:
        return None
    start = raw.find(b"\n", first) + 1
    end = _delimiter(raw, delim, start)
    if end is None or end < start:
        return None
    end -= 1                                   # the LF that starts the delimiter
    if end > start and raw[end - 1:end] == b"\r":
        end -= 1
    content = raw[start:end]
    if content.count(b"\n") != content.count(b"\r\n"):   # saved with bare LF: canonicalise
        content = content.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    return content


def _delimiter(raw: bytes, delim: bytes, pos: int) -> int | None:
    """Offset of the next line that is `delim` (or the closing `delim--`), from pos."""
    while True:
        i = raw.find(delim, pos)
        if i == -1:
            return None
        line_end = raw.find(b"\n", i)
        rest = raw[i + len(delim): line_end if line_end != -1 else len(raw)]
        if (i == 0 or raw[i - 1:i] == b"\n") and rest.rstrip(b" \t\r") in (b"", b"--") and line_end != -1:
            return i
        pos = i + 1


# --- the original message ------------------------------------------------------------------

@dataclass
class OriginalMessage:
    sender: str = ""
    recipients: list[str] = field(default_factory=list)
    subject: str = ""
    date: str | None = None
    message_id: str = ""
    body: str = ""
    attachments: list[InputFile] = field(default_factory=list)
    dropped: int = 0    # attachments beyond MAX_ATTACHMENTS


def original_message(msg: Message) -> OriginalMessage:
    out = OriginalMessage(sender=address(msg.get("From")),
                          recipients=addresses(msg, "To", "Cc"),
                          subject=text(msg.get("Subject")),
                          date=iso_date(msg.get("Date")),
                          message_id=text(msg.get("Message-ID")))
    names: set[str] = set()
    for part in _leaves(msg):
        ctype = part.get_content_type()
        name = _filename(part)
        disposition = (part.get_content_disposition() or "").lower()
        is_body = not name and disposition != "attachment" and part.get_content_maintype() == "text"
        if len(out.attachments) >= MAX_ATTACHMENTS and not is_body:
            out.dropped += 1  # counted, never decoded
            continue
        if ctype == "message/rfc822":
            inner = _embedded_message(part)
            data = inner.as_bytes() if inner is not None else b""
            name = name or f"messaggio-{len(out.attachments) + 1}.eml"
        elif is_body:
            if not out.body and ctype == "text/plain":
                out.body = _decoded_text(part)
            continue
        else:
            data = _decoded(part) or b""
            if not name:
                ext = mimetypes.guess_extension(ctype) or ".bin"
                name = f"allegato-{len(out.attachments) + 1}{ext}"
        out.attachments.append(InputFile(name=_unique(_safe_name(name), names), data=data))
    return out


def _decoded(part: Message) -> bytes | None:
    """The part's body, transfer-decoded; None for a multipart (no body of its own)."""
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else None


def _decoded_text(part: Message) -> str:
    data = _decoded(part) or b""
    charset = part.get_content_charset() or "utf-8"
    try:
        return data.decode(charset, "replace")
    except (LookupError, ValueError):  # unknown charset, or a NUL in its name
        return data.decode("utf-8", "replace")


def _safe_name(name: str) -> str:
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if name in ("", ".", ".."):
        name = "allegato"
    return name[:150]


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        stem, dot, ext = name.rpartition(".")
        candidate = f"{stem} ({n}).{ext}" if dot and stem else f"{name} ({n})"
    taken.add(candidate.lower())
    return candidate
