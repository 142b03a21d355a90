"""Graphics: output intents, colour spaces, transparency, graphics states, images,
XObjects, rendering intents, content stream operators
(ISO 19005-1 6.2, 6.4; ISO 19005-2/3 6.2.2-6.2.10)."""
from __future__ import annotations

from collections.abc import Iterator

import pikepdf

from .document import Document, Undecidable, as_list, get, is_dict, name, objgen, read_stream
from .model import Failure, Outcome
from .usage import Use, usage

_INTENTS = {"RelativeColorimetric", "AbsoluteColorimetric", "Perceptual", "Saturation"}
_ICC_SPACES = {"XYZ ", "Lab ", "Luv ", "YCbr", "Yxy ", "RGB ", "GRAY", "HSV ", "HLS ", "CMYK",
               "CMY "} | {f"{n:X}CLR" for n in range(2, 16)}
_BLEND_MODES = {"Normal", "Compatible", "Multiply", "Screen", "Overlay", "Darken", "Lighten",
                "ColorDodge", "ColorBurn", "HardLight", "SoftLight", "Difference", "Exclusion",
                "Hue", "Saturation", "Color", "Luminosity"}


def check(doc: Document) -> Iterator[Outcome]:
    intent_space = yield from _output_intents(doc)
    yield from _colour_spaces(doc, intent_space)
    yield from _transparency(doc, intent_space)
    yield from _graphics_states(doc)
    yield from _images_and_xobjects(doc)
    yield from _operators(doc)


# --- output intents ---

def _pdfa_intents(doc: Document) -> list:
    return [oi for oi in as_list(get(doc.root, "/OutputIntents"))
            if is_dict(oi) and name(get(oi, "/S")) == "GTS_PDFA1"]


def _output_intents(doc: Document):
    """Check the PDF/A output intents; return the ICC colour space of its profile or None."""
    p, rules = doc.part, doc.rules
    clause = rules.output_intent_clause
    intents = _pdfa_intents(doc)
    profiles = [get(oi, "/DestOutputProfile") for oi in intents]
    profiles = [pr for pr in profiles if pr is not None]
    if not profiles:
        return None
    data = read_stream(profiles[0], limit=8 << 20)
    if data is None or len(data) < 128 or data[36:40] != b"acsp":
        yield Failure(p, clause, 1, "il profilo di output non è un profilo ICC valido", "catalogo")
        return None
    space = data[16:20].decode("latin-1")
    if space not in _ICC_SPACES:
        yield Failure(p, clause, 1,
                      f"il profilo di output dichiara uno spazio colore sconosciuto «{space}»", "catalogo")
    device_class = data[12:16].decode("latin-1")
    if device_class not in ("prtr", "mntr"):
        yield Failure(p, clause, 1,
                      f"il profilo di output è di classe «{device_class}» (ammesse prtr, mntr)",
                      "catalogo")
    if p == 1 and data[8] >= 4:
        yield Failure(1, clause, 1, "il profilo di output ICC è di versione 4, non ammessa in PDF/A-1",
                      "catalogo")
    return space


# --- colour spaces ---

def _device_families(cs, depth: int = 0) -> Iterator[str]:
    """'rgb' / 'cmyk' / 'gray' for each device colour space inside cs."""
    if depth > 8 or cs is None:
        return
    n = name(cs)
    if n is not None:
        fam = {"DeviceRGB": "rgb", "DeviceCMYK": "cmyk", "DeviceGray": "gray"}.get(n)
        if fam:
            yield fam
        return
    if not isinstance(cs, pikepdf.Array) or len(cs) == 0:
        return
    kind = name(cs[0])
    if kind == "Indexed" and len(cs) > 1:
        yield from _device_families(cs[1], depth + 1)
    elif kind in ("Separation", "DeviceN") and len(cs) > 2:
        # the alternate space, whatever the colorant
        yield from _device_families(cs[2], depth + 1)
    elif kind == "Pattern" and len(cs) > 1:
        yield from _device_families(cs[1], depth + 1)


def _has_default(scope: tuple, family: str) -> bool:
    key = {"rgb": "/DefaultRGB", "cmyk": "/DefaultCMYK", "gray": "/DefaultGray"}[family]
    return any(get(get(res, "/ColorSpace"), key) is not None for res in scope)


def _icc_streams(cs, depth: int = 0) -> Iterator:
    """The ICC profile streams of ICCBased spaces inside cs (directly or as a base)."""
    if depth > 8 or not isinstance(cs, pikepdf.Array) or len(cs) < 2:
        return
    kind = name(cs[0])
    if kind == "ICCBased" and isinstance(cs[1], pikepdf.Stream):
        yield cs[1]
    elif kind in ("Indexed", "Pattern"):
        yield from _icc_streams(cs[1], depth + 1)
    elif kind in ("Separation", "DeviceN") and len(cs) > 2:
        yield from _icc_streams(cs[2], depth + 1)


_ICC_N = {"GRAY": (1,), "RGB ": (3,), "Lab ": (3,), "CMYK": (4,)}


def _icc_profiles(doc: Document) -> Iterator[Outcome]:
    """ICCBased colour spaces: a profile PDF can use (class, colour space, version, N)."""
    p, clause = doc.part, doc.rules.icc_clause
    seen: set = set()
    for use in usage(doc).colour_spaces:
        for stream in _icc_streams(use.obj):
            key = objgen(stream) or id(stream)
            if key in seen:
                continue
            seen.add(key)
            data = read_stream(stream, limit=16 << 20)
            if data is None:
                yield doc.undecided(clause, "un profilo ICC è troppo grande o non decodificabile", use.where)
                continue
            if len(data) < 128:
                continue
            device_class, space, major = data[12:16].decode("latin-1"), data[16:20].decode("latin-1"), data[8]
            if device_class not in ("prtr", "mntr", "scnr", "spac") or space not in _ICC_N \
                    or major >= doc.rules.icc_max_major:
                yield Failure(p, clause, 1, f"profilo ICC non utilizzabile (classe «{device_class}», "
                              f"spazio «{space}», versione {major})", use.where)
                continue
            n = get(stream, "/N")
            if isinstance(n, int) and int(n) not in _ICC_N[space]:
                yield Failure(p, clause, 2, f"il profilo ICC dichiara N={n} ma descrive lo spazio "
                              f"«{space.strip()}»", use.where)


def _colour_spaces(doc: Document, intent_space: str | None) -> Iterator[Outcome]:
    p, clause = doc.part, doc.rules.colour_space_clause
    reported = set()
    separations: dict[str, tuple[bytes, object]] = {}
    yield from _icc_profiles(doc)
    for use in usage(doc).colour_spaces:
        for fam in set(_device_families(use.obj)):
            if fam in reported or _has_default(use.resources, fam):
                continue
            needed = {"rgb": "RGB ", "cmyk": "CMYK"}.get(fam)
            ok = intent_space is not None and (needed is None or intent_space == needed)
            if not ok:
                reported.add(fam)
                label = {"rgb": "DeviceRGB", "cmyk": "DeviceCMYK", "gray": "DeviceGray"}[fam]
                # part 1: 6.2.3.3-1..3; parts 2/3: 6.2.4.3-2..4 (6.2.4.3-1 is not in the profiles)
                test = {"rgb": 1, "cmyk": 2, "gray": 3}[fam] + (p >= 2)
                yield Failure(p, clause, test,
                              f"usa lo spazio colore {label} senza un profilo di output "
                              f"PDF/A adatto né uno spazio {label.replace('Device', 'Default')}",
                              use.where)
        if p >= 2:
            yield from _separation_consistency(use, separations, p)


def _fingerprint(obj) -> bytes:
    """The bytes that define a colour space component, to compare two definitions."""
    if isinstance(obj, pikepdf.Stream):
        return obj.stream_dict.unparse(resolved=True) + obj.read_raw_bytes()
    if isinstance(obj, pikepdf.Object):
        return obj.unparse(resolved=True)
    return repr(obj).encode()  # a number, as pikepdf returns scalars


def _separation_consistency(use: Use, seen: dict, p: int) -> Iterator[Outcome]:
    cs = use.obj
    if not isinstance(cs, pikepdf.Array) or len(cs) < 4 or name(cs[0]) != "Separation":
        return
    colorant = name(cs[1])
    if colorant in (None, "All", "None"):
        return
    print_ = _fingerprint(cs[2]) + b"|" + _fingerprint(cs[3])
    if colorant in seen and seen[colorant] != print_:
        yield Failure(p, "6.2.4.4", 2, f"il colore separato «{colorant}» è definito in due modi diversi",
                      use.where)
    seen.setdefault(colorant, print_)


# --- transparency ---

def _opacity(gs, key: str) -> float | None:
    """/CA or /ca of a graphics state; Undecidable when it is not a number."""
    v = get(gs, key)
    try:
        return None if v is None else float(v)
    except (TypeError, ValueError) as exc:
        raise Undecidable(f"l'opacità {key[1:]} dello stato grafico non è un numero") from exc


def _gs_transparent(gs) -> bool:
    smask = get(gs, "/SMask")
    if smask is not None and name(smask) != "None":
        return True
    for key in ("/CA", "/ca"):
        v = _opacity(gs, key)
        if v is not None and v != 1.0:
            return True
    bm = get(gs, "/BM")
    modes = [name(b) for b in as_list(bm)]
    return bool(modes) and not any(m in ("Normal", "Compatible") for m in modes[:1])


def _transparency(doc: Document, intent_space: str | None) -> Iterator[Outcome]:
    p = doc.part
    u = usage(doc)
    if p == 1:
        for use in u.extgstates:
            smask = get(use.obj, "/SMask")
            if smask is not None and name(smask) != "None":
                yield Failure(1, "6.4", 1, "stato grafico con maschera morbida (SMask)", use.where)
            for key in ("/CA", "/ca"):
                try:
                    v = _opacity(use.obj, key)
                except Undecidable as exc:
                    yield doc.undecided("6.4", str(exc), use.where)
                    continue
                if v is not None and v != 1.0:
                    yield Failure(1, "6.4", 5 if key == "/CA" else 6,
                                  f"stato grafico con opacità {key[1:]} = {get(use.obj, key)}", use.where)
            bm = get(use.obj, "/BM")
            for m in as_list(bm)[:1]:
                if name(m) not in ("Normal", "Compatible"):
                    yield Failure(1, "6.4", 4, f"modo di fusione «{name(m)}» non ammesso", use.where)
        for use in u.images:
            if get(use.obj, "/SMask") is not None and name(get(use.obj, "/SMask")) != "None":
                yield Failure(1, "6.4", 2, "immagine con maschera morbida (SMask)", use.where)
        for use in u.forms:
            group = get(use.obj, "/Group")
            if name(get(group, "/S")) == "Transparency":
                yield Failure(1, "6.4", 3, "gruppo di trasparenza in un oggetto grafico", use.where)
        for n, page in enumerate(doc.pages(), start=1):
            if name(get(get(page.obj, "/Group"), "/S")) == "Transparency":
                yield Failure(1, "6.4", 3, "gruppo di trasparenza sulla pagina", f"pagina {n}")
        return
    for use in u.extgstates:
        for m in as_list(get(use.obj, "/BM")):
            if name(m) not in _BLEND_MODES:
                yield Failure(p, "6.2.10", 1, f"modo di fusione «{name(m)}» non previsto", use.where)
    if intent_space is not None:
        return
    # Without a PDF/A output intent, every page with transparency needs a blending colour space.
    pages_with: set[str] = set()
    for use in u.extgstates:
        try:
            if _gs_transparent(use.obj):
                pages_with.add(use.where.split(",")[0])
        except Undecidable as exc:
            yield doc.undecided("6.2.10", str(exc), use.where)
    pages_with |= {use.where.split(",")[0] for use in u.images
                   if is_dict(get(use.obj, "/SMask")) or (get(use.obj, "/SMaskInData") or 0) > 0}
    pages_with |= {use.where.split(",")[0] for use in u.forms
                   if name(get(get(use.obj, "/Group"), "/S")) == "Transparency"}
    for n, page in enumerate(doc.pages(), start=1):
        where = f"pagina {n}"
        if where in pages_with and get(get(page.obj, "/Group"), "/CS") is None:
            yield Failure(p, "6.2.10", 2, "la pagina usa trasparenze ma non c'è un profilo di output "
                          "né uno spazio colore di fusione (/Group /CS)", where)


# --- graphics states ---

def _is_icc_cmyk(cs) -> bool:
    return (isinstance(cs, pikepdf.Array) and len(cs) > 1 and name(cs[0]) == "ICCBased"
            and get(cs[1], "/N") == 4)


def _overprint(doc: Document) -> Iterator[Outcome]:
    """ISO 19005-2 6.2.4.2: with ICCBased CMYK and overprinting on, OPM must be 0."""
    u = usage(doc)
    pages_cmyk = {use.where.split(",")[0] for use in u.colour_spaces if _is_icc_cmyk(use.obj)}
    for use in u.extgstates:
        gs = use.obj
        # fill overprinting: /op, which defaults to /OP (strokes are not judged here)
        fill = get(gs, "/op") if get(gs, "/op") is not None else get(gs, "/OP")
        on = fill is not None and bool(fill)
        opm = get(gs, "/OPM")
        if on and opm is not None and int(opm) == 1 and use.where.split(",")[0] in pages_cmyk:
            yield Failure(doc.part, "6.2.4.2", 2, "sovrastampa con OPM 1 su colori CMYK ICCBased",
                          use.where)
            return


def _graphics_states(doc: Document) -> Iterator[Outcome]:
    p, clause, intent = doc.part, doc.rules.graphics_state_clause, doc.rules.rendering_intent
    if p >= 2:
        yield from _overprint(doc)
    for use in usage(doc).extgstates:
        gs = use.obj
        if get(gs, "/TR") is not None:
            yield Failure(p, clause, 1, "stato grafico con funzione di trasferimento (TR)", use.where)
        tr2 = get(gs, "/TR2")
        if tr2 is not None and name(tr2) != "Default":
            yield Failure(p, clause, 2, "stato grafico con TR2 diverso da Default", use.where)
        ri = get(gs, "/RI")
        if ri is not None and name(ri) not in _INTENTS:
            yield doc.fail(intent, f"intento di resa «{name(ri)}» non standard", use.where)
        if p >= 2:
            if get(gs, "/HTP") is not None:
                yield Failure(p, clause, 3, "stato grafico con la voce HTP", use.where)
            ht = get(gs, "/HT")
            if is_dict(ht):
                try:
                    htype = int(get(ht, "/HalftoneType", 0))
                except (TypeError, ValueError):
                    yield doc.undecided(clause, "il tipo del retino (/HalftoneType) non è un numero", use.where)
                    continue
                if get(ht, "/HalftoneType") is not None and htype not in (1, 5):
                    yield Failure(p, clause, 4, f"retino di tipo {htype} (ammessi 1 e 5)", use.where)
                if get(ht, "/HalftoneName") is not None:
                    yield Failure(p, clause, 5, "retino con HalftoneName", use.where)
                yield from _halftone_transfer(ht, htype, p, clause, use.where)
    for use in usage(doc).rendering_intents:
        if name(use.obj) not in _INTENTS:
            yield doc.fail(intent, f"intento di resa «{name(use.obj)}» non standard", use.where)


_PRIMARY = {"/Cyan", "/Magenta", "/Yellow", "/Black", "/Red", "/Green", "/Blue", "/Gray",
            "/Default"}


def _halftone_transfer(ht, htype: int, p: int, clause: str, where: str) -> Iterator[Outcome]:
    """Transfer functions only in type 5 components for non-primary colorants."""
    if htype != 5:
        if get(ht, "/TransferFunction") is not None:
            yield Failure(p, clause, 6, "retino con funzione di trasferimento", where)
        return
    for key, component in ht.items():
        if key in _PRIMARY and is_dict(component) and get(component, "/TransferFunction") is not None:
            yield Failure(p, clause, 6, f"retino per il colore primario {key[1:]} con funzione di "
                          "trasferimento", where)
            return


# --- images and XObjects ---

def _images_and_xobjects(doc: Document) -> Iterator[Outcome]:
    p, rules, u = doc.part, doc.rules, usage(doc)
    img = rules.images_clause
    for use in u.images:
        x = use.obj
        if get(x, "/Alternates") is not None:
            yield Failure(p, img, 1, "immagine con immagini alternative (Alternates)", use.where)
        if get(x, "/OPI") is not None:
            yield Failure(p, img, 2, "immagine con riferimenti OPI", use.where)
        if get(x, "/Interpolate") is not None and bool(get(x, "/Interpolate")):
            yield Failure(p, img, 3, "immagine con interpolazione attiva", use.where)
        intent = get(x, "/Intent")
        if intent is not None and name(intent) not in _INTENTS:
            yield doc.fail(rules.rendering_intent, f"intento di resa «{name(intent)}» non standard", use.where)
    for use in u.inline_images:
        d = use.obj
        filters = [name(f) for f in as_list(get(d, "/F") or get(d, "/Filter"))] if is_dict(d) else []
        if any(f in ("LZW", "LZWDecode") or (p >= 2 and f == "Crypt") for f in filters):
            yield doc.fail(rules.inline_lzw, "immagine in linea compressa con LZW", use.where)
        interp = get(d, "/I") if is_dict(d) else None
        if interp is None and is_dict(d):
            interp = get(d, "/Interpolate")
        if interp is not None and bool(interp):
            yield Failure(p, img, 3, "immagine in linea con interpolazione attiva", use.where)
        intent = get(d, "/Intent") if is_dict(d) else None
        if intent is not None and name(intent) not in _INTENTS:
            yield doc.fail(rules.rendering_intent, f"intento di resa «{name(intent)}» non standard", use.where)
    for use in u.forms:
        x = use.obj
        if get(x, "/OPI") is not None or name(get(x, "/Subtype2")) == "PS" or get(x, "/PS") is not None:
            yield doc.fail(rules.postscript_form, "oggetto grafico con codice PostScript o OPI", use.where)
        if get(x, "/Ref") is not None:
            yield doc.fail(rules.reference_xobject,
                           "oggetto grafico che rimanda a un altro file (Reference XObject)", use.where)
    for use in u.xobjects_other:
        sub = name(get(use.obj, "/Subtype"))
        yield doc.fail(rules.other_xobject, f"oggetto grafico di tipo «{sub}» non ammesso (PostScript)",
                       use.where)


def _operators(doc: Document) -> Iterator[Outcome]:
    p = doc.part
    if p >= 2:
        missing = usage(doc).missing
        if missing:
            use = missing[0]
            yield Failure(p, "6.2.2", 2, f"il contenuto usa la risorsa «{use.obj}» che non è nel suo "
                          "dizionario delle risorse", use.where)
    seen = set()
    for use in usage(doc).unknown_operators:
        if use.obj in seen:
            continue
        seen.add(use.obj)
        yield doc.fail(doc.rules.unknown_operator, f"operatore «{use.obj}» non definito dalla norma PDF",
                       use.where)
