"""Whether a PDF or an XML file can hold a signature at all, read from its bytes: a cheap
pre-filter that imports nothing, so checking an unsigned file never loads pyHanko,
pyhanko-certvalidator or signxml (the signature check runs on every PDF and XML)."""
from __future__ import annotations

XMLDSIG_NS = b"http://www.w3.org/2000/09/xmldsig#"


def pdf_looks_signed(data: bytes) -> bool:
    """A PDF signature dictionary always has a /ByteRange."""
    return b"/ByteRange" in data


def xml_looks_signed(data: bytes) -> bool:
    """An XML signature is a ds:Signature in the XML-DSig namespace."""
    return XMLDSIG_NS in data and b"Signature" in data
