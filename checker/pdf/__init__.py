"""Low-level PDF reading shared by identification (checker.identify), the active-content
scanner (checker.pdfscan) and the PDF/A validator (checker.pdfa).

Owns what more than one of them reads the same way, always bounded and never raising on
a hostile file:
- structure.py: cross-reference and object streams that would make qpdf inflate gigabytes
  while merely opening the file (looked for in the raw bytes, before pikepdf is called);
- decode.py: the one bounded stream reader: every filter chain decoded step by step by our
  own decoders under an output cap (qpdf never decodes a whole chain for us), and the
  counting variant that finds decompression bombs without keeping the bytes;
- xmp.py: the catalogue's XMP packet read through decode.py, and the one reader of
  the PDF/A claim (pdfaid:part and pdfaid:conformance).

May import: the standard library, pikepdf and defusedxml; nothing from checker (it sits
below every package that uses it).
"""
from __future__ import annotations

from .decode import StreamBomb, Undecodable, could_exceed, decode, exceeds
from .structure import StructureBomb, structure_stream_bomb
from .xmp import PdfaClaim, claimed_flavour, metadata_bytes, pdfa_claim, read_claim

__all__ = ["PdfaClaim", "StreamBomb", "StructureBomb", "Undecodable", "claimed_flavour", "could_exceed",
           "decode", "exceeds", "metadata_bytes", "pdfa_claim", "read_claim", "structure_stream_bomb"]
