"""Colour and image data as veraPDF reads them: every output intent's profile (ISO 19005-1
6.2.2-2; ISO 19005-2/3 6.2.3-2/-3), DeviceN colourants (6.1.12-9 / 6.1.13-9, 6.2.4.4-1), image
sample depths (6.2.4-4/-5; 6.2.8-4/-5) and the JPEG 2000 header boxes (ISO 19005-2/3 6.2.8.3),
parsed here from the image stream bytes, bounded, exactly as far as veraPDF parses them.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pikepdf

from .document import Document, as_list, get, is_dict, name, objgen
from .model import Failure, Outcome
from .usage import usage

_DEVICEN_LIMIT = {1: 8, 2: 32, 3: 32}
_IGNORED_COLORANTS = {"None", "Cyan", "Magenta", "Yellow", "Black"}
_IMAGE_DEPTHS = {1: {1, 2, 4, 8}, 2: {1, 2, 4, 8, 16}, 3: {1, 2, 4, 8, 16}}
MAX_JP2_BOXES = 1000


def check(doc: Document) -> Iterator[Outcome]:
    yield from _output_intents(doc)
    yield from _devicen(doc)
    yield from _sample_depths(doc)
    if doc.part >= 2:
        yield from _jpeg2000(doc)


# --- output intents ---

def _output_intents(doc: Document) -> Iterator[Outcome]:
    p, clause = doc.part, doc.rules.output_intent_clause
    intents = [oi for oi in as_list(get(doc.root, "/OutputIntents")) if is_dict(oi)]
    profiles = {objgen(get(oi, "/DestOutputProfile")) or id(get(oi, "/DestOutputProfile"))
                for oi in intents if get(oi, "/DestOutputProfile") is not None}
    if len(profiles) > 1:
        yield Failure(p, clause, 2, "gli intenti di output (OutputIntents) indicano profili di output "
                      "diversi", "catalogo")
    if p >= 2 and any(name(get(oi, "/S")) == "GTS_PDFX" and get(oi, "/DestOutputProfileRef") is not None
                      for oi in intents):
        yield Failure(p, clause, 3, "l'intento di output PDF/X contiene DestOutputProfileRef", "catalogo")


# --- DeviceN ---

def _devicen_spaces(cs, depth: int = 0) -> Iterator:
    """DeviceN arrays inside a colour space (itself, the base of Indexed and Pattern, the
    alternate of Separation and DeviceN)."""
    if depth > 8 or not isinstance(cs, pikepdf.Array) or len(cs) < 2:
        return
    kind = name(cs[0])
    if kind == "DeviceN":
        yield cs
        if len(cs) > 2:
            yield from _devicen_spaces(cs[2], depth + 1)
    elif kind in ("Indexed", "Pattern"):
        yield from _devicen_spaces(cs[1], depth + 1)
    elif kind == "Separation" and len(cs) > 2:
        yield from _devicen_spaces(cs[2], depth + 1)


def _devicen(doc: Document) -> Iterator[Outcome]:
    p = doc.part
    seen: set = set()
    for use in usage(doc).colour_spaces:
        for cs in _devicen_spaces(use.obj):
            key = objgen(cs) or cs.unparse()
            if key in seen:
                continue
            seen.add(key)
            names = as_list(cs[1])
            if len(names) > _DEVICEN_LIMIT[p]:
                yield Failure(p, doc.rules.limits_clause, 9, f"uno spazio colore DeviceN ha {len(names)} "
                              f"coloranti (massimo {_DEVICEN_LIMIT[p]})", use.where)
            if p >= 2:
                missing = _missing_colorants(cs, names)
                if missing:
                    yield Failure(p, "6.2.4.4", 1, f"il colorante «{missing}» dello spazio DeviceN non è "
                                  "nel dizionario Colorants", use.where)


def _missing_colorants(cs, names: list) -> str | None:
    attributes = cs[4] if len(cs) > 4 else None
    known: set[str] = set()
    if is_dict(attributes):
        colorants = get(attributes, "/Colorants")
        if is_dict(colorants):
            known |= {str(k)[1:] for k in colorants}
        components = get(get(attributes, "/Process"), "/Components")
        known |= {n for n in (name(c) for c in as_list(components)) if n}
    for colorant in names:
        label = name(colorant)
        if label is not None and label not in _IGNORED_COLORANTS and label not in known:
            return label
    return None


# --- image sample depths ---

def _bits(d, *keys: str) -> int | None:
    for key in keys:
        value = get(d, key)
        if isinstance(value, int) and not isinstance(value, bool):
            return int(value)
    return None


def _sample_depths(doc: Document) -> Iterator[Outcome]:
    p, clause = doc.part, doc.rules.images_clause
    u = usage(doc)
    for use in [*u.images, *u.inline_images]:
        image = use.obj
        if not is_dict(image):
            continue
        if get(image, "/ImageMask") or get(image, "/IM"):
            continue
        bpc = _bits(image, "/BitsPerComponent", "/BPC")
        if bpc is not None and bpc not in _IMAGE_DEPTHS[p]:
            yield Failure(p, clause, 4, f"un'immagine ha {bpc} bit per componente", use.where)
    for use in u.images:
        mask = get(use.obj, "/Mask")
        if isinstance(mask, pikepdf.Stream):
            bpc = _bits(mask, "/BitsPerComponent")
            if bpc is not None and bpc != 1:
                yield Failure(p, clause, 5, f"la maschera di un'immagine ha {bpc} bit per componente "
                              "(ammesso 1)", use.where)


# --- JPEG 2000 ---

@dataclass
class Jp2Header:
    """What veraPDF reads from a JP2 file's header box, with its defaults."""
    channels: int = 0
    bit_depth: int = 0
    bpcc: bool = False
    specs: int = 0
    approx_specs: int = 0
    method: int = 0
    enum_cs: int | None = None


def _box(data: bytes, at: int) -> tuple[int, bytes, int] | None:
    """(box length, type, header size) of the box at `at`; None when cut short."""
    if at + 8 > len(data):
        return None
    length, kind, head = int.from_bytes(data[at:at + 4], "big"), data[at + 4:at + 8], 8
    if length == 1:
        if at + 16 > len(data):
            return None
        length, head = int.from_bytes(data[at + 8:at + 16], "big"), 16
    return length, kind, head


def jp2_header(data: bytes) -> Jp2Header:
    """Parse the signature and jp2h boxes as veraPDF's JPEG2000.fromStream does."""
    out = Jp2Header()
    if data[:12] != b"\x00\x00\x00\x0cjP  \r\n\x87\n":
        return out
    at, left = 12, -1
    for _ in range(MAX_JP2_BOXES):  # find the header box
        box = _box(data, at)
        if box is None:
            return out
        length, kind, head = box
        if kind == b"jp2h":
            left = 0 if length == 0 else length - head
            if left <= 0 and length != 0:
                return out
            at += head
            break
        if length == 0 or length < head:
            return out
        at += length
    else:
        return out
    to_end = left == 0
    first_method: int | None = None
    first_enum: int | None = None
    method: int | None = None
    enum_cs: int | None = None
    for _ in range(MAX_JP2_BOXES):
        box = _box(data, at)
        if box is None:
            break
        length, kind, head = box
        if not to_end and (length == 0 or length > left):
            break
        body = data[at + head:at + length] if length else data[at + head:]
        if kind == b"ihdr":
            if len(body) != 14 and length != 0:
                break
            out.channels = int.from_bytes(body[8:10], "big")
            bpc = body[10] if len(body) > 10 else 0
            out.bit_depth = (bpc - 256 if bpc > 127 else bpc) + 1  # Java reads a signed byte
        elif kind == b"bpcc":
            out.bpcc = True
        elif kind == b"colr":
            if len(body) < 3:
                break
            out.specs += 1
            meth, approx = body[0], body[2]
            first_method = meth if first_method is None else first_method
            if approx == 1:
                out.approx_specs += 1
                method = meth if method is None else method
            if meth == 1:
                if len(body) < 7:
                    break
                value = int.from_bytes(body[3:7], "big")
                first_enum = value if first_enum is None else first_enum
                if approx == 1 and enum_cs is None:
                    enum_cs = value
        left -= length
        at += length
        if (to_end and length == 0) or (not to_end and left == 0):
            break
    if out.approx_specs:
        out.method = method if method is not None else 0
        out.enum_cs = enum_cs
    elif out.specs == 1:
        out.method = first_method if first_method is not None else 0
        out.enum_cs = first_enum
    return out


def _jpeg2000(doc: Document) -> Iterator[Outcome]:
    p = doc.part
    seen: set = set()
    for use in usage(doc).images:
        image = use.obj
        filters = [name(f) for f in as_list(get(image, "/Filter"))]
        if not filters or filters[-1] != "JPXDecode":
            continue
        key = objgen(image) or id(image)
        if key in seen:
            continue
        seen.add(key)
        if filters != ["JPXDecode"] or not isinstance(image, pikepdf.Stream):
            yield doc.undecided("6.2.8.3", "un'immagine JPEG 2000 ha altri filtri prima di JPXDecode",
                                use.where)
            continue
        header = jp2_header(image.read_raw_bytes())
        yield from _jp2_failures(p, header, get(image, "/ColorSpace") is not None, use.where)


def _jp2_failures(p: int, h: Jp2Header, has_colour_space: bool, where: str) -> Iterator[Outcome]:
    if h.channels not in (1, 3, 4):
        yield Failure(p, "6.2.8.3", 1, f"un'immagine JPEG 2000 ha {h.channels} canali di colore "
                      "(ammessi 1, 3 o 4)", where)
    if not has_colour_space:
        # the image dictionary's ColorSpace, when present, overrides the JPEG 2000 colour boxes
        if h.specs != 1 and h.approx_specs != 1:
            yield Failure(p, "6.2.8.3", 2, f"un'immagine JPEG 2000 ha {h.specs} specifiche di colore e "
                          f"{h.approx_specs} con APPROX 1 (ne serve una)", where)
        if h.method not in (1, 2, 3):
            yield Failure(p, "6.2.8.3", 3, f"il metodo (METH) del riquadro colr di un'immagine JPEG 2000 "
                          f"è {h.method}", where)
        if h.enum_cs == 19:
            yield Failure(p, "6.2.8.3", 4, "un'immagine JPEG 2000 usa lo spazio colore enumerato 19 "
                          "(CIEJab)", where)
    if h.bpcc or not 1 <= h.bit_depth <= 38:
        yield Failure(p, "6.2.8.3", 5, "un'immagine JPEG 2000 ha profondità di bit diverse tra i canali "
                      f"(riquadro bpcc) o fuori intervallo ({h.bit_depth})", where)
