"""Low-level PDF reading shared by identification (checker.identify), the active-content
scanner (checker.pdfscan) and the PDF/A validator (checker.pdfa).

Owns what more than one of them reads the same way, always bounded and never raising on
a hostile file:
- structure.py: cross-reference and object streams that would make qpdf inflate gigabytes
  while merely opening the file (looked for in the raw bytes, before pikepdf is called);
- xmp.py: the catalogue's XMP packet read with a bounded inflater, and the one reader of
  the PDF/A claim (pdfaid:part and pdfaid:conformance).

May import: the standard library, pikepdf and defusedxml; nothing from checker (it sits
below every package that uses it).
"""
from __future__ import annotations

from .structure import StructureBomb, structure_stream_bomb
from .xmp import PdfaClaim, claimed_flavour, metadata_bytes, pdfa_claim, read_claim

__all__ = ["PdfaClaim", "StructureBomb", "claimed_flavour", "metadata_bytes", "pdfa_claim", "read_claim",
           "structure_stream_bomb"]
