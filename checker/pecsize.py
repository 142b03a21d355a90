"""How big the message is on the wire, which is what PEC providers limit.

A PEC access point refuses a message whose size times the number of recipients
exceeds the provider's limit (RFC 6109 §3.1.1; the Italian rules set it at 30 MB).
That size is the MIME message, not the sum of the files:

- every attachment travels base64-encoded (RFC 2045 §6.8): 4 bytes for every 3,
  plus CRLF after every 76 characters, so a 10 MB PDF weighs about 13.9 MB;
- every MIME part has its own header block (Content-Type with the name,
  Content-Disposition with the filename, possibly RFC 2231-encoded, the
  transfer encoding, the boundary line): about 300-500 bytes;
- the message itself has headers and a text body (often text plus HTML).

The provider then wraps the message in the transport envelope (busta di
trasporto, DM 2/11/2005 allegato tecnico; RFC 6109 §3.1.3): a multipart/signed
S/MIME entity holding a text/HTML notice, daticert.xml (base64) and the original
message as postacert.eml, followed by smime.p7s (the provider's signature with
its certificate chain, base64). postacert.eml is a message/rfc822 part, which
MIME forbids to re-encode (RFC 2046 §5.2.1), so the original travels once,
not base64-encoded twice; the envelope adds a roughly constant overhead, which
we take generously (ENVELOPE_OVERHEAD) so the estimate errs on the large side.
"""
from __future__ import annotations

from dataclasses import dataclass

MB = 1_000_000                  # providers state limits in MB; the decimal MB is the stricter reading
PART_HEADER_BYTES = 500         # per attachment: boundary + Content-Type/Disposition/Encoding headers
MESSAGE_HEADER_BYTES = 3_000    # From/To/Subject/Date/Message-ID/MIME + Received lines added in transit
ENVELOPE_OVERHEAD = 20_000      # daticert.xml + smime.p7s with chain + notice text/HTML + envelope headers
ARUBA_LIMIT_MB = 100            # Aruba PEC: 100 MB per message, divided by the number of recipients


def base64_size(n: int) -> int:
    """Bytes of n bytes in base64 with a CRLF every 76 characters (RFC 2045 §6.8)."""
    encoded = -(-n // 3) * 4
    lines = -(-encoded // 76)
    return encoded + 2 * lines


@dataclass(frozen=True)
class SizeEstimate:
    files_bytes: int        # sum of the raw files
    message_bytes: int      # the MIME message the sender's client submits
    transport_bytes: int    # the message inside the provider's transport envelope
    recipients: int

    @property
    def counted_bytes(self) -> int:
        """What the provider compares with its limit: size times recipients (RFC 6109 §3.1.1)."""
        return self.transport_bytes * max(1, self.recipients)

    @property
    def counted_mb(self) -> float:
        return self.counted_bytes / MB


def estimate(file_sizes: list[int], body: str = "", subject: str = "", recipients: int = 1) -> SizeEstimate:
    files = sum(file_sizes)
    parts = sum(base64_size(n) + PART_HEADER_BYTES for n in file_sizes)
    # the body may go out as text/plain and text/html (alternative): count it twice, base64-sized
    body_bytes = 2 * (base64_size(len(body.encode("utf-8"))) + PART_HEADER_BYTES)
    message = MESSAGE_HEADER_BYTES + len(subject.encode("utf-8")) * 2 + body_bytes + parts
    return SizeEstimate(files_bytes=files, message_bytes=message,
                        transport_bytes=message + ENVELOPE_OVERHEAD, recipients=max(1, recipients))
