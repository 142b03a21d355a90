"""Decompression bombs anywhere in the document: every stream (XMP, ICC profiles, font
programs, images, content, embedded files) is measured by checker.pdf.decode, chunk by chunk
and without keeping the bytes, before anything decodes it whole.

A stream that cannot exceed the limit, judged by its raw length and its filters' largest
expansion, is not decoded at all, so an ordinary document costs little. An image or an
embedded file may legitimately decode past the limit: it is allowed the size it declares
(width × height × components, /Params /Size), up to a ceiling no real one reaches.
"""
from __future__ import annotations

import time

import pikepdf

from ..pdf.decode import could_exceed, exceeds
from .model import Hit, HitKind, Limits
from .walk import _BROKEN

DECLARED_CEILING = 512 << 20     # an image or embedded file this large decoded: refused
TOTAL_DECODED = 2 << 30          # decoded bytes counted over the whole document
_COMPONENTS = {"/DeviceRGB": 3, "/CalRGB": 3, "/Lab": 3, "/DeviceCMYK": 4, "/DeviceGray": 1,
               "/CalGray": 1}


def stream_bombs(pdf: pikepdf.Pdf, limits: Limits, pages: dict[tuple[int, int], int]) -> list[Hit]:
    """A STREAM_BOMB hit per stream that decodes past its limit (a page's content stream
    named by its page, from `pages`: page object → number); an INCOMPLETE hit when the
    object, byte or time budget ran out first."""
    contents = _page_contents(pdf, pages)
    hits: list[Hit] = []
    budget = TOTAL_DECODED
    deadline = time.monotonic() + limits.walk_seconds / 2
    for n, obj in enumerate(pdf.objects):
        if n >= limits.max_nodes or time.monotonic() > deadline or budget <= 0:
            hits.append(Hit(HitKind.INCOMPLETE, "flussi compressi",
                            "non tutti i flussi sono stati misurati (limite di analisi raggiunto)"))
            break
        if not isinstance(obj, pikepdf.Stream):
            continue
        try:
            limit = _limit(obj, 2 * limits.stream_bytes)
            if not could_exceed(obj, limit):
                continue
            budget -= limit
            if exceeds(obj, limit):
                num, gen = obj.objgen
                where = f"pagina {contents[obj.objgen]}" if obj.objgen in contents else f"{role(obj)} {num} {gen}"
                hits.append(Hit(HitKind.STREAM_BOMB, where,
                                f"supera {limit // 2**20} MB una volta decompresso"))
        except _BROKEN:
            continue  # damaged streams are the structure checks' to report
    return hits


def _page_contents(pdf: pikepdf.Pdf, pages: dict[tuple[int, int], int]) -> dict[tuple[int, int], int]:
    """Content stream object → the number of the page it draws."""
    out: dict[tuple[int, int], int] = {}
    for og, number in pages.items():
        try:
            contents = pdf.get_object(og).get("/Contents")
            streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
            for stream in streams:
                if isinstance(stream, pikepdf.Stream):
                    out.setdefault(stream.objgen, number)
        except _BROKEN:
            continue
    return out


def role(stream: pikepdf.Stream) -> str:
    """What the stream is, in Italian, from its own dictionary."""
    kind, subtype = str(stream.get("/Type", "")), str(stream.get("/Subtype", ""))
    if kind == "/Metadata":
        return "metadati XMP"
    if subtype == "/Image":
        return "immagine"
    if subtype == "/Form":
        return "oggetto grafico"
    if kind == "/ObjStm":
        return "flusso di oggetti"
    if kind == "/EmbeddedFile":
        return "file incorporato"
    if any(key in stream for key in ("/Length1", "/Length2", "/Length3")) or \
            subtype in ("/Type1C", "/CIDFontType0C", "/OpenType"):
        return "programma di carattere"
    if "/N" in stream and "/Alternate" in stream or "/N" in stream and not subtype:
        return "profilo colore ICC"
    return "flusso"


def _limit(stream: pikepdf.Stream, base: int) -> int:
    """The decoded size allowed: `base`, or what an image or embedded file declares."""
    declared = 0
    if str(stream.get("/Subtype", "")) == "/Image":
        width, height = int(stream.get("/Width", 0)), int(stream.get("/Height", 0))
        bits = int(stream.get("/BitsPerComponent", 8))
        components = _COMPONENTS.get(str(stream.get("/ColorSpace", "")), 4)
        declared = (width * components * bits + 7) // 8 * height
    elif str(stream.get("/Type", "")) == "/EmbeddedFile":
        params = stream.get("/Params")
        if isinstance(params, pikepdf.Dictionary):
            declared = int(params.get("/Size", 0))
    if declared <= 0:
        return base
    return max(base, min(DECLARED_CEILING, declared + declared // 8 + 4096))
