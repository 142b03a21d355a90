"""What the page contents actually use: colour spaces, fonts, graphics states, images,
forms, shadings, operators. Built once per document by interpreting content streams
(pages, form XObjects, tiling patterns, annotation appearances), so checks judge only
resources that are drawn, as a PDF/A validator must.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

import pikepdf

from .document import Budget, Document, as_list, get, is_dict, name, objgen, read_stream

MAX_OPERATIONS = 3_000_000
MAX_CONTENT_BYTES = 32 << 20
MAX_DEPTH = 30
KEPT_CONTENT_BYTES = 16 << 20  # decoded content kept for the hex-string scan
CONTENT_CACHE = "decoded content"  # Document.cache key: objgen -> decoded bytes

# Operators of ISO 32000-1 Annex A (plus the two marked-content shorthands).
KNOWN_OPERATORS = {
    "b", "B", "b*", "B*", "BDC", "BI", "BMC", "BT", "BX", "c", "cm", "CS", "cs", "d", "d0", "d1",
    "Do", "DP", "EI", "EMC", "ET", "EX", "f", "F", "f*", "G", "g", "gs", "h", "i", "ID", "j", "J",
    "K", "k", "l", "m", "M", "MP", "n", "q", "Q", "re", "RG", "rg", "ri", "s", "S", "SC", "sc",
    "SCN", "scn", "sh", "T*", "Tc", "Td", "TD", "Tf", "TJ", "Tj", "TL", "Tm", "Tr", "Ts", "Tw",
    "Tz", "v", "w", "W", "W*", "y", "'", '"', "INLINE", "IMAGE",
    "INLINE IMAGE",
}
# Operators that use no resource and change no state the walk follows: only their operands
# are measured (the implementation limits)
_NOTHING_ELSE = frozenset(KNOWN_OPERATORS - {
    "rg", "RG", "k", "K", "g", "G", "cs", "CS", "scn", "SCN", "sh", "gs", "BDC", "BMC", "EMC",
    "q", "Q", "Tr", "Tj", "TJ", "'", '"', "Tf", "ri", "Do"})
_SHOWS = frozenset({"Tj", "TJ", "'", '"'})
_INSTRUCTION = pikepdf.ContentStreamInstruction
_STRING = pikepdf.ObjectType.string
_ARRAY = pikepdf.ObjectType.array
DEVICE = {"DeviceRGB": "rgb", "DeviceCMYK": "cmyk", "DeviceGray": "gray",
          "RGB": "rgb", "CMYK": "cmyk", "G": "gray"}


@dataclass
class Use:
    obj: object          # the used object (colour space, font, graphics state...)
    where: str
    resources: tuple = ()  # resource dictionaries in scope (innermost first)


@dataclass
class Usage:
    colour_spaces: list[Use] = field(default_factory=list)   # Names or arrays
    fonts: list[Use] = field(default_factory=list)
    extgstates: list[Use] = field(default_factory=list)
    images: list[Use] = field(default_factory=list)          # image XObjects
    inline_images: list[Use] = field(default_factory=list)   # inline image dictionaries
    forms: list[Use] = field(default_factory=list)
    shadings: list[Use] = field(default_factory=list)
    patterns: list[Use] = field(default_factory=list)
    unknown_operators: list[Use] = field(default_factory=list)
    rendering_intents: list[Use] = field(default_factory=list)
    xobjects_other: list[Use] = field(default_factory=list)  # PS, unknown subtypes
    unparsable: list[str] = field(default_factory=list)
    # Fonts that paint glyphs (text rendering mode other than 3, invisible), with the
    # character codes shown: objgen or id -> TextUse
    painted: dict = field(default_factory=dict)
    shown: dict = field(default_factory=dict)      # every font that shows text, any mode
    languages: list[Use] = field(default_factory=list)  # /Lang of marked content (BDC)
    truncated_codes: dict = field(default_factory=dict)  # 2-byte fonts shown an odd byte count
    missing: list[Use] = field(default_factory=list)  # names not in the explicit resources
    smallest_real: float = 0.0     # smallest non-zero absolute real operand (0 = none)
    max_q_depth: int = 0
    longest_string: int = 0        # bytes of the longest string operand
    largest_real: float = 0.0      # absolute value of the largest real operand
    largest_int: int = 0           # absolute value of the largest integer operand
    # text shown outside any /ActualText span: (font, codes, page number, MCID or None)
    plain: list = field(default_factory=list)


@dataclass
class TextUse:
    font: object
    where: str
    codes: bytearray = field(default_factory=bytearray)

MAX_CODES = 1 << 16


# The smallest operand past a limit of ISO 19005 (6.1.13 / Table 1 of parts 2 and 3): a
# string over 32,767 bytes, a real over 32,767 (five integer digits), an integer over
# 2^31 - 1 (ten digits), a non-zero real under 1.175e-38 (38 decimals). A content stream
# shorter than the first with no run of five digits has none, and its operands need no
# measuring: most text pages are skipped at the speed of one regex.
_LONG_STRING = 32_767
_FIVE_DIGITS = re.compile(rb"[0-9]{5}")


def _may_exceed_limits(data: bytes) -> bool:
    return len(data) > _LONG_STRING or _FIVE_DIGITS.search(data) is not None


def _marked_state(marked: list[tuple[bool, int | None]]) -> tuple[bool, int | None]:
    """Inside some /ActualText span?, and the innermost MCID of the open marked content."""
    mcids = [m for _, m in marked if m is not None]
    return any(a for a, _ in marked), (mcids[-1] if mcids else None)


def _strings(args) -> list[bytes]:
    """The bytes of the string operands of a text-showing operator (TJ: inside its array)."""
    out = []
    for a in args:
        code = getattr(a, "_type_code", None)
        if code == _STRING:
            out.append(bytes(a))
        elif code == _ARRAY:
            out.extend(bytes(x) for x in a if getattr(x, "_type_code", None) == _STRING)
    return out


def usage(doc: Document) -> Usage:
    cached = getattr(doc, "_usage", None)
    if cached is None:
        cached = _Walker(doc).run()
        doc._usage = cached  # type: ignore[attr-defined]
    return cached


def inherited_resources(page_obj):
    node, seen = page_obj, set()
    while is_dict(node):
        res = get(node, "/Resources")
        if res is not None:
            return res
        key = objgen(node) or id(node)
        if key in seen:
            break
        seen.add(key)
        node = get(node, "/Parent")
    return None


class _Walker:
    def __init__(self, doc: Document):
        self.doc = doc
        self.u = Usage()
        self.ops = 0
        self.done: set = set()
        self.page = 0
        self.explicit = True
        self._font: object = None  # the font of the last text shown, and (its key, Identity-H/V?)
        self._font_facts: tuple = (None, False)
        self.kept_bytes = 0

    def run(self) -> Usage:
        for n, page in enumerate(self.doc.pages(), start=1):
            where = f"pagina {n}"
            self.page = n
            res = inherited_resources(page.obj)
            self.content(page.obj, (res,) if res is not None else (), where, 0, is_page=True)
            group = get(page.obj, "/Group")
            if is_dict(group) and get(group, "/CS") is not None:
                self.u.colour_spaces.append(Use(get(group, "/CS"), where + ", gruppo di trasparenza",
                                                (res,) if res is not None else ()))
            for annot in as_list(get(page.obj, "/Annots")):
                ap = get(annot, "/AP")
                normal = get(ap, "/N")
                streams = [normal] if isinstance(normal, pikepdf.Stream) else (
                    [v for _, v in normal.items() if isinstance(v, pikepdf.Stream)]
                    if isinstance(normal, pikepdf.Dictionary) else [])
                for s in streams:
                    self.form(s, (), where + ", annotazione", 1)
        return self.u

    def form(self, stream, scope: tuple, where: str, depth: int) -> None:
        key = objgen(stream)
        if key is not None:
            if key in self.done:
                return
            self.done.add(key)
        own = get(stream, "/Resources")
        inner = ((own,) + scope) if own is not None else scope
        explicit = own is not None
        group = get(stream, "/Group")
        if is_dict(group) and get(group, "/CS") is not None:
            self.u.colour_spaces.append(Use(get(group, "/CS"), where + ", gruppo di trasparenza", inner))
        self.content(stream, inner, where, depth, explicit=explicit)

    def _keep(self, stream, data: bytes) -> None:
        """Keep decoded content for the hex-string scan (structure.py), so a content stream is
        decompressed once by us (and once inside qpdf's parser): only single-stage chains,
        whose bytes any smaller limit would decode the same, up to KEPT_CONTENT_BYTES."""
        og = objgen(stream)
        if og is None or self.kept_bytes + len(data) > KEPT_CONTENT_BYTES \
                or get(stream, "/DecodeParms") is not None:
            return
        chain = get(stream, "/Filter")
        if chain is not None and name(chain) not in ("FlateDecode", "Fl"):
            return
        self.kept_bytes += len(data)
        self.doc.cache.setdefault(CONTENT_CACHE, {})[og] = data

    def lookup(self, scope: tuple, category: str, key) -> object | None:
        for res in scope:
            group = get(res, category)
            if is_dict(group):
                value = get(group, str(key))
                if value is not None:
                    return value
        return None

    def find(self, scope: tuple, category: str, key, where: str):
        """A named resource; one missing from the explicitly associated dictionary is noted."""
        value = self.lookup(scope[:1] if self.explicit else (), category, key)
        if value is None:
            self.u.missing.append(Use(f"{category[1:]} {key}", where))
            value = self.lookup(scope, category, key)
        return value

    def content(self, owner, scope: tuple, where: str, depth: int, is_page: bool = False,
                explicit: bool = True) -> None:
        saved = self.explicit
        self.explicit = explicit and bool(scope)
        try:
            self._content(owner, scope, where, depth, is_page)
        finally:
            self.explicit = saved

    def _content(self, owner, scope: tuple, where: str, depth: int, is_page: bool = False) -> None:
        if depth > MAX_DEPTH:
            return
        contents = get(owner, "/Contents") if is_page else owner
        measure = False  # whether an operand could exceed an implementation limit
        for stream in as_list(contents):
            if isinstance(stream, pikepdf.Stream):
                data = read_stream(stream, MAX_CONTENT_BYTES)
                if data is None:
                    self.u.unparsable.append(f"{where}: contenuto troppo grande o non decodificabile")
                    return
                self._keep(stream, data)
                measure = measure or _may_exceed_limits(data)
        try:
            instructions = pikepdf.parse_content_stream(owner)
        except (pikepdf.PdfError, TypeError) as exc:  # recorded: the file is then not decided
            self.u.unparsable.append(f"{where}: {exc}"[:200])
            return
        u = self.u
        font, mode, stack = None, 0, []
        marked: list[tuple[bool, int | None]] = []  # open marked content: (ActualText?, MCID)
        actual_text, mcid = False, None  # _marked_state(marked), kept up to date
        limits = self._limits
        for ins in instructions:
            self.ops += 1
            if self.ops > MAX_OPERATIONS:
                raise Budget("too many content stream operations")
            if type(ins) is not _INSTRUCTION and isinstance(ins, pikepdf.ContentStreamInlineImage):
                image = getattr(ins.iimage, "obj", ins.iimage)  # the inline image's dictionary
                u.inline_images.append(Use(image, where, scope))
                self._inline(image, scope, where)
                continue
            args = ins.operands  # attributes: unpacking the instruction costs 3x more
            op = str(ins.operator)
            if args and measure:
                limits(args)
            if op in _NOTHING_ELSE:  # drawn with no resource or state we follow
                continue
            if op in _SHOWS:  # most of a text page: tested first
                if font is None:
                    continue
                if op == "Tj" and len(args) == 1 and getattr(args[0], "_type_code", None) == _STRING:
                    pieces = [bytes(args[0])]
                else:
                    pieces = _strings(args)
                self._show(font, mode, pieces, where)
                if len(u.plain) < 20_000 and not actual_text:
                    u.plain.append((font, b"".join(pieces)[:4096], self.page, mcid))
            elif op not in KNOWN_OPERATORS:
                u.unknown_operators.append(Use(op, where, scope))
            elif op in ("rg", "RG"):
                u.colour_spaces.append(Use(pikepdf.Name.DeviceRGB, where, scope))
            elif op in ("k", "K"):
                u.colour_spaces.append(Use(pikepdf.Name.DeviceCMYK, where, scope))
            elif op in ("g", "G"):
                u.colour_spaces.append(Use(pikepdf.Name.DeviceGray, where, scope))
            elif op in ("cs", "CS") and args:
                self._colour_space_name(args[0], scope, where)
            elif op in ("scn", "SCN") and args and isinstance(args[-1], pikepdf.Name):
                pat = self.find(scope, "/Pattern", args[-1], where)
                if pat is not None:
                    self._pattern(pat, scope, where, depth)
            elif op == "sh" and args:
                sh = self.find(scope, "/Shading", args[0], where)
                if sh is not None:
                    u.shadings.append(Use(sh, where, scope))
                    if get(sh, "/ColorSpace") is not None:
                        u.colour_spaces.append(Use(get(sh, "/ColorSpace"), where, scope))
            elif op == "gs" and args:
                gs = self.find(scope, "/ExtGState", args[0], where)
                if gs is not None:
                    u.extgstates.append(Use(gs, where, scope))
            elif op == "BDC" and len(args) > 1:
                props = args[1]
                if isinstance(props, pikepdf.Name):
                    props = self.find(scope, "/Properties", props, where)
                lang = get(props, "/Lang")
                if lang is not None:
                    u.languages.append(Use(lang, where, scope))
                mcid_value = get(props, "/MCID")
                marked.append((get(props, "/ActualText") is not None,
                               int(mcid_value) if isinstance(mcid_value, int) else None))
                actual_text, mcid = _marked_state(marked)
            elif op in ("BMC", "BDC"):
                marked.append((False, None))
            elif op == "EMC" and marked:
                marked.pop()
                actual_text, mcid = _marked_state(marked)
            elif op == "q":
                stack.append((font, mode))
                u.max_q_depth = max(u.max_q_depth, len(stack))
            elif op == "Q" and stack:
                font, mode = stack.pop()
            elif op == "Tr" and args:
                try:
                    mode = int(args[0])
                except (TypeError, ValueError):
                    mode = 0
            elif op == "Tf" and args:
                font = self.find(scope, "/Font", args[0], where)
                if font is not None:
                    u.fonts.append(Use(font, where, scope))
                    if name(get(font, "/Subtype")) == "Type3":
                        self._type3(font, scope, where, depth)
            elif op == "ri" and args:
                u.rendering_intents.append(Use(args[0], where, scope))
            elif op == "Do" and args:
                x = self.find(scope, "/XObject", args[0], where)
                if not isinstance(x, pikepdf.Stream):
                    continue
                sub = name(get(x, "/Subtype"))
                if sub == "Image":
                    u.images.append(Use(x, where, scope))
                    if get(x, "/ColorSpace") is not None and not get(x, "/ImageMask"):
                        u.colour_spaces.append(Use(get(x, "/ColorSpace"), where, scope))
                    smask = get(x, "/SMask")
                    if isinstance(smask, pikepdf.Stream):
                        u.images.append(Use(smask, where, scope))
                elif sub == "Form":
                    u.forms.append(Use(x, where, scope))
                    self.form(x, scope, where, depth + 1)
                else:
                    u.xobjects_other.append(Use(x, where, scope))

    def _limits(self, args) -> None:
        u = self.u
        for a in args:
            t = type(a)
            if t is Decimal:
                v = abs(float(a))
                if v > u.largest_real:
                    u.largest_real = v
                if v and (not u.smallest_real or v < u.smallest_real):
                    u.smallest_real = v
            elif t is int:
                v = abs(a)
                if v > u.largest_int:
                    u.largest_int = v
            elif t is bool:
                continue
            else:
                code = getattr(a, "_type_code", None)
                if code == _STRING:
                    u.longest_string = max(u.longest_string, len(bytes(a)))
                elif code == _ARRAY:
                    self._limits(list(a)[:10_000])
                elif code is None:
                    self._other_limit(a)

    def _other_limit(self, a) -> None:
        """A value of another Python type (a subclass): judged as its base type."""
        u = self.u
        if isinstance(a, bool):
            return
        if isinstance(a, int):
            u.largest_int = max(u.largest_int, abs(a))
        elif isinstance(a, Decimal):
            v = abs(float(a))
            u.largest_real = max(u.largest_real, v)
            if v and (not u.smallest_real or v < u.smallest_real):
                u.smallest_real = v

    def _show(self, font, mode: int, pieces: list[bytes], where: str) -> None:
        if font is self._font:  # the same font object as the last text shown: known
            key, identity = self._font_facts
        else:
            og = objgen(font)
            key = og or id(font)
            identity = name(get(font, "/Encoding")) in ("Identity-H", "Identity-V")
            self._font, self._font_facts = font, (key, identity)
        if identity:
            for piece in pieces:
                if len(piece) % 2:
                    self.u.truncated_codes.setdefault(key, TextUse(font, where))
        targets = (self.u.shown, self.u.painted) if mode != 3 else (self.u.shown,)
        for target in targets:
            use = target.get(key)
            if use is None:
                use = target[key] = TextUse(font, where)
            if len(use.codes) >= MAX_CODES:
                continue
            for piece in pieces:
                use.codes.extend(piece[:MAX_CODES])

    def _colour_space_name(self, cs, scope, where) -> None:
        n = name(cs)
        if n in ("DeviceRGB", "DeviceCMYK", "DeviceGray", "Pattern"):
            if n != "Pattern":
                self.u.colour_spaces.append(Use(cs, where, scope))
            return
        found = self.find(scope, "/ColorSpace", cs, where)
        if found is not None:
            self.u.colour_spaces.append(Use(found, where, scope))

    def _inline(self, d, scope, where) -> None:
        cs = get(d, "/CS") or get(d, "/ColorSpace")
        if cs is None or get(d, "/IM") or get(d, "/ImageMask"):
            return
        n = name(cs)
        if n in DEVICE:
            full = {"rgb": "DeviceRGB", "cmyk": "DeviceCMYK", "gray": "DeviceGray"}[DEVICE[n]]
            self.u.colour_spaces.append(Use(pikepdf.Name("/" + full), where, scope))
        elif isinstance(cs, pikepdf.Array):
            self.u.colour_spaces.append(Use(cs, where, scope))
        elif n is not None:
            self._colour_space_name(cs, scope, where)

    def _pattern(self, pat, scope, where, depth) -> None:
        self.u.patterns.append(Use(pat, where, scope))
        if get(pat, "/PatternType") == 1 and isinstance(pat, pikepdf.Stream):
            # a pattern's resources are its own: they are not inherited from the page
            self.form(pat, (), where + ", motivo", depth + 1)
        elif get(pat, "/PatternType") == 2:
            sh = get(pat, "/Shading")
            if sh is not None:
                self.u.shadings.append(Use(sh, where, scope))
                if get(sh, "/ColorSpace") is not None:
                    self.u.colour_spaces.append(Use(get(sh, "/ColorSpace"), where, scope))
            gs = get(pat, "/ExtGState")
            if gs is not None:
                self.u.extgstates.append(Use(gs, where, scope))

    def _type3(self, font, scope, where, depth) -> None:
        key = objgen(font)
        if key is not None:
            if ("t3", key) in self.done:
                return
            self.done.add(("t3", key))
        own = get(font, "/Resources")
        inner = ((own,) + scope) if own is not None else scope
        procs = get(font, "/CharProcs")
        if is_dict(procs):
            for _, proc in procs.items():
                if isinstance(proc, pikepdf.Stream):
                    self.content(proc, inner, where + ", carattere Type 3", depth + 1,
                                 explicit=own is not None)
