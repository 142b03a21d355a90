"""Per veraPDF rule id, a mutation that breaks exactly that rule in a conforming file.

A case names the rule (`part:clause-test`), the parts of the conforming file it needs (Spec
fields) and how to break it: `mutate(pdf)` edits the pikepdf object graph before saving,
`raw(data)` edits the saved bytes (same length where offsets matter). Each mutation follows the
rule's description and veraPDF test expression in /work/shared/verapdf-profiles, not any file
of the corpus. Rules that exist under a different clause in part 1 and parts 2/3 share one
mutation (`ids` maps part → clause-test).
"""
from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from checker.pdfa import registry
from checker.pdfa.model import FLAVOURS

from . import builder
from .builder import Spec

Mutate = Callable[[pikepdf.Pdf], None]
Raw = Callable[[bytes], bytes]


@dataclass(frozen=True)
class Case:
    rule: str
    flavour: str
    features: dict = field(default_factory=dict, compare=False, hash=False)
    mutate: Mutate | None = None
    raw: Raw | None = None

    @property
    def spec(self) -> Spec:
        return Spec(self.flavour, **self.features)

    def conforming(self) -> bytes:
        return builder.make(self.spec)

    def broken(self) -> bytes:
        pdf = builder.build(self.spec)
        if self.mutate:
            self.mutate(pdf)
        data = builder.save(pdf, self.spec.part)
        return self.raw(data) if self.raw else data


CASES: list[Case] = []


def _flavour_for(rule: str) -> str:
    """The first flavour of the rule's part whose profile holds it (b, then u, then a)."""
    part = rule.split(":")[0]
    for level in "bua":
        fid = part + level
        if fid in FLAVOURS and registry.in_profile(fid, rule):
            return fid
    raise KeyError(f"{rule} is in no profile")


def case(ids: dict[int, str] | str, mutate: Mutate | None = None, raw: Raw | None = None,
         **features) -> None:
    """Register one mutation under each of its rule ids ({1: "6.2.4-1", 2: …, 3: …}, or
    {23: …} for parts 2 and 3 alike; a plain "p:clause-test" string for one id)."""
    if isinstance(ids, str):
        pairs = [(ids.split(":")[0], ids.split(":")[1])]
    else:
        pairs = []
        for parts, clause in ids.items():
            pairs += [(p, clause) for p in str(parts)]
    for part, clause in pairs:
        rule = f"{part}:{clause}"
        if rule not in registry.rules():
            raise KeyError(f"no rule {rule}")
        CASES.append(Case(rule, _flavour_for(rule), features, mutate, raw))


# --- helpers -------------------------------------------------------------------------------

def page(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    return pdf.pages[0].obj


def draw(pdf: pikepdf.Pdf, ops: bytes) -> None:
    """Append operators to page 1's content."""
    p = page(pdf)
    old = p.Contents.read_bytes() if isinstance(p.Contents, pikepdf.Stream) else b""
    p.Contents = pdf.make_stream(old + b"\n" + ops + b"\n")


def resource(pdf: pikepdf.Pdf, category: str, key: str, value) -> None:
    res = page(pdf).Resources
    if category not in res:
        res[category] = Dictionary()
    res[category][key] = value


def gstate(**entries) -> Mutate:
    def mutate(pdf):
        resource(pdf, "/ExtGState", "/GS9", Dictionary(**entries))
        draw(pdf, b"/GS9 gs")
    return mutate


def image(**entries) -> Mutate:
    """Draw a 1×1 DeviceRGB image carrying extra dictionary entries."""
    def mutate(pdf):
        img = pdf.make_stream(b"\x00\x00\x00", Type=Name.XObject, Subtype=Name.Image, Width=1,
                              Height=1, ColorSpace=Name.DeviceRGB, BitsPerComponent=8)
        for k, v in entries.items():
            img[k if k.startswith("/") else "/" + k] = v(pdf) if callable(v) else v
        resource(pdf, "/XObject", "/Im9", img)
        draw(pdf, b"q 10 0 0 10 300 300 cm /Im9 Do Q")
    return mutate


def form_xobject(content: bytes = b"0 0 m", with_resources: bool = True, **entries) -> Mutate:
    def mutate(pdf):
        xo = pdf.make_stream(content, Type=Name.XObject, Subtype=Name.Form, BBox=[0, 0, 10, 10])
        if with_resources:
            xo.Resources = Dictionary()
        for k, v in entries.items():
            xo["/" + k] = v(pdf) if callable(v) else v
        resource(pdf, "/XObject", "/Fm9", xo)
        draw(pdf, b"/Fm9 Do")
    return mutate


def info(**entries) -> Mutate:
    def mutate(pdf):
        for k, v in entries.items():
            pdf.trailer.Info["/" + k] = v
    return mutate


def font(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    return page(pdf).Resources.Font.F1


def descendant(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    return font(pdf).DescendantFonts[0]


def descriptor(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    f = font(pdf)
    return (f.DescendantFonts[0] if f.Subtype == Name.Type0 else f).FontDescriptor


def annotation(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    return page(pdf).Annots[0]


def widget(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    return pdf.Root.AcroForm.Fields[0]


def both(*mutations: Mutate) -> Mutate:
    def mutate(pdf):
        for m in mutations:
            m(pdf)
    return mutate


def set_in(getter: Callable, **entries) -> Mutate:
    def mutate(pdf):
        target = getter(pdf)
        for k, v in entries.items():
            target["/" + k] = v(pdf) if callable(v) else v
    return mutate


def delete_in(getter: Callable, *keys: str) -> Mutate:
    def mutate(pdf):
        target = getter(pdf)
        for k in keys:
            del target["/" + k]
    return mutate


def no_output_intent(pdf: pikepdf.Pdf) -> None:
    del pdf.Root.OutputIntents


def same_length(old: bytes, new: bytes, count: int = 1) -> Raw:
    """Replace bytes in the saved file with bytes of the same length (xref offsets hold)."""
    assert len(old) == len(new), (old, new)

    def raw(data: bytes) -> bytes:
        assert old in data, old
        return data.replace(old, new, count)
    return raw


def regex_raw(pattern: bytes, repl: Callable[[re.Match], bytes]) -> Raw:
    def raw(data: bytes) -> bytes:
        out, n = re.subn(pattern, lambda m: _same(m, repl(m)), data, count=1)
        assert n == 1, pattern
        return out
    return raw


def _same(m: re.Match, new: bytes) -> bytes:
    assert len(new) == len(m.group(0)), (m.group(0), new)
    return new


def marker_string(pdf: pikepdf.Pdf) -> None:
    """An Info entry whose written form `(MARKER_STR)` a raw mutation can overwrite."""
    pdf.trailer.Info.Marker = String("MARKER_STR")


def marker_stream(pdf: pikepdf.Pdf, **entries) -> pikepdf.Stream:
    """A form XObject drawn on the page whose content is a single comment line."""
    xo = pdf.make_stream(b"%MARKSTREAM0123456789\n", Type=Name.XObject, Subtype=Name.Form,
                         BBox=[0, 0, 10, 10], Resources=Dictionary(), **entries)
    resource(pdf, "/XObject", "/Mk9", xo)
    draw(pdf, b"/Mk9 Do")
    return xo


def lzw(data: bytes) -> bytes:
    """LZW-encode (PDF LZWDecode, early change) without compressing: clear, literals, EOD."""
    codes = [256] + list(data) + [257]
    bits = "".join(format(c, "09b") for c in codes)
    bits += "0" * (-len(bits) % 8)
    return bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))


def icc(part: int = 2, device_class: bytes | None = None, space: bytes | None = None,
        version: bytes | None = None) -> bytes:
    """The builder's sRGB profile with header fields overwritten (class, colour space, version)."""
    data = bytearray(builder.srgb_profile(part))
    if version:
        data[8:12] = version
    if device_class:
        data[12:16] = device_class
    if space:
        data[16:20] = space
    return bytes(data)


# --- 6.1 file structure ----------------------------------------------------------------------

case({1: "6.1.2-1"}, raw=same_length(b"%PDF-1.4", b"%PDF-x.4"))
case({23: "6.1.2-1"}, raw=same_length(b"%PDF-1.7", b"%PDF-1.8"))
case({123: "6.1.2-2"}, raw=regex_raw(rb"\n%[\x80-\xff]{4}", lambda m: b"\n%abcd"))
case({123: "6.1.3-1"}, raw=regex_raw(rb"/ID \[<[0-9a-f]+><[0-9a-f]+>\]", lambda m: b" " * len(m.group(0))))
case({123: "6.1.3-3"}, raw=lambda data: data + b"garbage after the end\n")
# the xref table is the file's last section: growing it moves no object
case({1: "6.1.4-1"}, raw=lambda data: data.replace(b"\nxref\n0 ", b"\nxref\n0  "))
case({123: "6.1.4-2"}, raw=lambda data: data.replace(b"\nxref\n", b"\nxref \n"))
case({1: "6.1.4-3"}, raw=lambda data: _resave(data, object_stream_mode=pikepdf.ObjectStreamMode.generate))
case({123: "6.1.6-1"}, marker_string, raw=same_length(b"(MARKER_STR)", b"<ABC>       "))
case({123: "6.1.6-2"}, marker_string, raw=same_length(b"(MARKER_STR)", b"<ABCDEFGZ>  "))
case({1: "6.1.7-1", 23: "6.1.7.1-1"}, marker_stream,
     raw=regex_raw(rb"/Length 22(\s*>>\s*stream\n%MARKSTREAM)", lambda m: b"/Length 21" + m.group(1)))
case({1: "6.1.7-2", 23: "6.1.7.1-2"}, marker_stream,
     raw=same_length(b"stream\n%MARKSTREAM", b"stream\r%MARKSTREAM"))
case({1: "6.1.7-3", 23: "6.1.7.1-3"}, lambda pdf: marker_stream(pdf, FFilter=Name.FlateDecode))
case({1: "6.1.8-1", 23: "6.1.9-1"}, raw=regex_raw(rb"\n(\d+) 0 obj\n<<", lambda m: b"\n" + m.group(1) + b" 0 obj <<"))


def _lzw_stream(pdf):
    xo = marker_stream(pdf)
    xo.write(lzw(b"% lzw\n"), filter=Name.LZWDecode)


def _resave(data: bytes, **options) -> bytes:
    import io
    with pikepdf.open(io.BytesIO(data)) as pdf:
        out = io.BytesIO()
        pdf.save(out, static_id=True, fix_metadata_version=False, **options)
        return out.getvalue()


case({1: "6.1.10-1", 23: "6.1.7.2-1"}, _lzw_stream)
case({1: "6.1.10-2", 23: "6.1.10-1"},
     lambda pdf: draw(pdf, b"q 10 0 0 10 0 0 cm BI /W 1 /H 1 /CS /G /BPC 8 /F /LZW ID "
                      + lzw(b"\x00") + b"\nEI Q"))


def _filespec_with_ef(pdf):
    stream = pdf.make_stream(b"x", Type=Name.EmbeddedFile)
    spec = pdf.make_indirect(Dictionary(Type=Name.Filespec, F=String("a.txt"),
                                        EF=Dictionary(F=stream)))
    annot = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[0, 0, 10, 10],
                                         F=4, A=Dictionary(S=Name.GoToR, F=spec, D=Array([0, Name.Fit]))))
    page(pdf).Annots = Array([annot])


def _embedded_files_without_ef(pdf):
    spec = pdf.make_indirect(Dictionary(Type=Name.Filespec, F=String("a.txt")))
    pdf.Root.Names = Dictionary(EmbeddedFiles=Dictionary(Names=Array([String("a.txt"), spec])))


case("1:6.1.11-1", _filespec_with_ef)
case("1:6.1.11-2", _embedded_files_without_ef)
case({1: "6.1.12-1", 23: "6.1.13-1"}, info(Big=2147483648))
case("1:6.1.12-2", info(Big=Decimal("32768.5")))
case("2:6.1.13-2", info(Big=Decimal("1e39")))
case("3:6.1.13-2", info(Big=Decimal("1e39")))
case("1:6.1.12-3", info(Long=String("x" * 65536)))
case({23: "6.1.13-3"}, info(Long=String("x" * 32768)))
case({1: "6.1.12-4", 23: "6.1.13-4"}, info(Long=Name("/" + "N" * 128)))
case({23: "6.1.13-5"}, info(Tiny=Decimal("1e-39")))
case("1:6.1.12-5", info(Many=Array([0] * 8192)))
case("1:6.1.12-6", info(Many=Dictionary({f"/K{i}": 0 for i in range(4096)})))
case({1: "6.1.12-8", 23: "6.1.13-8"}, lambda pdf: draw(pdf, b"q " * 29 + b"Q " * 29))


def _devicen(n: int) -> Mutate:
    def mutate(pdf):
        names = [Name(f"/Spot{i}") for i in range(n)]
        fn = pdf.make_stream(b"{pop}" if n == 1 else b"{" + b"pop " * (n - 1) + b"}",
                             FunctionType=4, Domain=[0, 1] * n, Range=[0, 1])
        colorants = Dictionary({f"/Spot{i}": Array([Name.Separation, Name(f"/Spot{i}"),
                                                   Name.DeviceGray, tint_gray(pdf)])
                                for i in range(n)})
        cs = Array([Name.DeviceN, Array(names), Name.DeviceGray, fn,
                    Dictionary(Colorants=colorants)])
        resource(pdf, "/ColorSpace", "/CS9", cs)
        draw(pdf, b"/CS9 cs " + b"0 " * n + b"scn 0 0 5 5 re f")
    return mutate


def tint_gray(pdf) -> Dictionary:
    return Dictionary(FunctionType=2, Domain=[0, 1], C0=[1], C1=[0], N=1)


case("1:6.1.12-9", _devicen(9))
case({23: "6.1.13-9"}, _devicen(33))


def _type0_cmap(cmap_body: str, name: str = "Prova-H", wmode_dict: int = 0,
                registry_name: str = "Adobe", ordering: str = "Identity",
                use_cmap: str | None = None) -> Mutate:
    """Give the Type0 font an embedded CMap stream (codes 0000-FFFF) with the given body."""
    def mutate(pdf):
        text = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
                f"/CIDSystemInfo << /Registry ({registry_name}) /Ordering ({ordering}) /Supplement 0 >> def\n"
                f"/CMapName /{name} def /CMapType 1 def\n"
                f"{cmap_body}\nendcmap CMapName currentdict /CMap defineresource pop end end\n")
        stream = pdf.make_stream(text.encode(), Type=Name.CMap, CMapName=Name("/" + name),
                                 WMode=wmode_dict,
                                 CIDSystemInfo=Dictionary(Registry=String(registry_name),
                                                          Ordering=String(ordering), Supplement=0))
        if use_cmap:
            stream.UseCMap = Name("/" + use_cmap)
        font(pdf).Encoding = stream
    return mutate


IDENTITY_BODY = ("1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
                 "1 begincidrange <0000> <FFFF> 0 endcidrange")
case({1: "6.1.12-10", 23: "6.1.13-10"},
     _type0_cmap("1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
                 "1 begincidrange <0000> <FFFF> 70000 endcidrange"), text=True, font="type0")
case({23: "6.1.13-11"}, set_in(page, MediaBox=Array([0, 0, 2, 2])))


def _optional_content(pdf, **config) -> pikepdf.Dictionary:
    ocg = pdf.make_indirect(Dictionary(Type=Name.OCG, Name=String("Livello")))
    d = Dictionary(Name=String("Predefinita"), Order=Array([ocg]))
    for k, v in config.items():
        d["/" + k] = v
    pdf.Root.OCProperties = Dictionary(OCGs=Array([ocg]), D=d)
    return d


case("1:6.1.13-1", _optional_content)


def _perms(pdf):
    pdf.Root.Perms = Dictionary(Foo=Dictionary())


def _docmdp_sigref(pdf):
    sig = pdf.make_indirect(Dictionary(
        Type=Name.Sig, Filter=Name("/Adobe.PPKLite"), SubFilter=Name("/adbe.pkcs7.detached"),
        Reference=Array([Dictionary(Type=Name.SigRef, TransformMethod=Name.DocMDP,
                                    DigestLocation=Array([0, 0]), DigestMethod=Name.MD5,
                                    TransformParams=Dictionary(Type=Name.TransformParams, P=2,
                                                               V=Name("/1.2")))])))
    pdf.Root.Perms = Dictionary(DocMDP=sig)


case({23: "6.1.12-1"}, _perms)
case({23: "6.1.12-2"}, _docmdp_sigref)


def _bad_utf8_font_name(data: bytes) -> bytes:
    return data.replace(b"/BitstreamVeraSans-Roman", b"/BitstreamVeraSans-Ro#E9")


case({23: "6.1.8-1"}, raw=_bad_utf8_font_name, text=True)


# --- 6.2 graphics: output intent, colour spaces --------------------------------------------

def _output_profile(data_for_part: Callable[[int], bytes]) -> Mutate:
    def mutate(pdf):
        part, _ = _part_level(pdf)
        pdf.Root.OutputIntents[0].DestOutputProfile = pdf.make_stream(data_for_part(part), N=3)
    return mutate


def _second_output_intent(s: str = "GTS_PDFX", **entries) -> Mutate:
    def mutate(pdf):
        first = pdf.Root.OutputIntents[0]
        other = pdf.make_stream(first.DestOutputProfile.read_bytes(), N=3)
        intent = Dictionary(Type=Name.OutputIntent, S=Name("/" + s),
                            OutputConditionIdentifier=String("sRGB"), DestOutputProfile=other)
        for k, v in entries.items():
            intent["/" + k] = v
        pdf.Root.OutputIntents.append(pdf.make_indirect(intent))
    return mutate


case("1:6.2.2-1", _output_profile(lambda part: icc(part, version=b"\x04\x40\x00\x00")))
case({23: "6.2.3-1"}, _output_profile(lambda part: icc(part, device_class=b"scnr")))
case({1: "6.2.2-2", 23: "6.2.3-2"}, _second_output_intent())


def _pdfx_with_ref(pdf):
    intent = Dictionary(Type=Name.OutputIntent, S=Name.GTS_PDFX,
                        OutputConditionIdentifier=String("sRGB"),
                        DestOutputProfile=pdf.Root.OutputIntents[0].DestOutputProfile,
                        DestOutputProfileRef=Dictionary(URL=String("http://example.org/p.icc")))
    pdf.Root.OutputIntents.append(pdf.make_indirect(intent))


case({23: "6.2.3-3"}, _pdfx_with_ref)


def _iccbased_image(profile: Callable[[int], bytes], n: int = 3) -> Mutate:
    def mutate(pdf):
        part, _ = _part_level(pdf)
        cs = Array([Name.ICCBased, pdf.make_stream(profile(part), N=n)])
        image(ColorSpace=cs)(pdf)
    return mutate


case("1:6.2.3.2-1", _iccbased_image(lambda part: icc(part, device_class=b"abst")))
case({23: "6.2.4.2-1"}, _iccbased_image(lambda part: icc(part, device_class=b"abst")))
case("1:6.2.3.2-2", _iccbased_image(icc, n=4))
case({1: "6.2.3.3-1", 23: "6.2.4.3-2"}, no_output_intent, image=True)
case({1: "6.2.3.3-2", 23: "6.2.4.3-3"}, lambda pdf: draw(pdf, b"0 0 0 1 k 0 0 5 5 re f"))
case({1: "6.2.3.3-3", 23: "6.2.4.3-4"}, both(no_output_intent, lambda pdf: draw(pdf, b"0 g 0 0 5 5 re f")))


def _cmyk_overprint(pdf):
    cmyk = icc(2, device_class=b"prtr", space=b"CMYK")
    resource(pdf, "/ColorSpace", "/CS8", Array([Name.ICCBased, pdf.make_stream(cmyk, N=4)]))
    resource(pdf, "/ExtGState", "/GS8", Dictionary(OP=True, op=True, OPM=1))
    draw(pdf, b"/GS8 gs /CS8 cs 0 0 0 1 scn 0 0 5 5 re f")


case({23: "6.2.4.2-2"}, _cmyk_overprint)


def _devicen_without_colorants(pdf):
    cs = Array([Name.DeviceN, Array([Name("/Spot1")]), Name.DeviceGray, pdf.make_indirect(tint_gray(pdf))])
    resource(pdf, "/ColorSpace", "/CS9", cs)
    draw(pdf, b"/CS9 cs 1 scn 0 0 5 5 re f")


def _two_separations(pdf):
    a = Array([Name.Separation, Name("/Spot1"), Name.DeviceGray, pdf.make_indirect(tint_gray(pdf))])
    other = Dictionary(FunctionType=2, Domain=[0, 1], C0=[1], C1=[0.5], N=1)
    b = Array([Name.Separation, Name("/Spot1"), Name.DeviceGray, pdf.make_indirect(other)])
    resource(pdf, "/ColorSpace", "/CS8", a)
    resource(pdf, "/ColorSpace", "/CS9", b)
    draw(pdf, b"/CS8 cs 1 scn 0 0 5 5 re f /CS9 cs 1 scn 5 5 5 5 re f")


case({23: "6.2.4.4-1"}, _devicen_without_colorants)
case({23: "6.2.4.4-2"}, _two_separations)

# --- images and XObjects ---
case({1: "6.2.4-1", 23: "6.2.8-1"}, image(Alternates=Array()))
case("1:6.2.4-2", image(OPI=Dictionary()))
case({23: "6.2.8-2"}, image(OPI=Dictionary()))
case({1: "6.2.4-3", 23: "6.2.8-3"}, image(Interpolate=True))
case("1:6.2.4-4", image(BitsPerComponent=16))
case({23: "6.2.8-4"}, image(BitsPerComponent=5))


def _mask_bpc(pdf):
    mask = pdf.make_stream(b"\x00", Type=Name.XObject, Subtype=Name.Image, Width=1, Height=1,
                           ImageMask=True, BitsPerComponent=2)
    resource(pdf, "/XObject", "/Im8", mask)
    draw(pdf, b"q 10 0 0 10 300 300 cm /Im8 Do Q")


case({1: "6.2.4-5", 23: "6.2.8-5"}, _mask_bpc)
case("1:6.2.5-1", form_xobject(PS=lambda pdf: pdf.make_stream(b"0 0 moveto")))
case({23: "6.2.9-1"}, form_xobject(PS=lambda pdf: pdf.make_stream(b"0 0 moveto")))
case({1: "6.2.6-1", 23: "6.2.9-2"},
     form_xobject(Ref=lambda pdf: Dictionary(F=String("altro.pdf"), Page=0)))


def _postscript_xobject(pdf):
    ps = pdf.make_stream(b"0 0 moveto", Type=Name.XObject, Subtype=Name.PS)
    resource(pdf, "/XObject", "/Ps9", ps)
    draw(pdf, b"/Ps9 Do")


case({1: "6.2.7-1", 23: "6.2.9-3"}, _postscript_xobject)

# --- graphics state ---
case({1: "6.2.8-1", 23: "6.2.5-1"}, gstate(TR=Name.Identity))
case({1: "6.2.8-2", 23: "6.2.5-2"}, gstate(TR2=Name.Identity))
case({23: "6.2.5-3"}, gstate(HTP=Name.Default))


def _halftone(**entries) -> Mutate:
    def mutate(pdf):
        ht = Dictionary(Type=Name.Halftone, HalftoneType=1, Frequency=60, Angle=45,
                        SpotFunction=Name.Round)
        for k, v in entries.items():
            ht["/" + k] = v
        gstate(HT=pdf.make_indirect(ht))(pdf)
    return mutate


case({23: "6.2.5-4"}, _halftone(HalftoneType=6, Width=1, Height=1))
case({23: "6.2.5-5"}, _halftone(HalftoneName=String("Rete")))
case({23: "6.2.5-6"}, _halftone(TransferFunction=Name.Identity))
case({1: "6.2.9-1", 23: "6.2.6-1"}, gstate(RI=Name("/Brillante")))
case({1: "6.2.10-1", 23: "6.2.2-1"}, lambda pdf: draw(pdf, b"1 2 nonoperatore"))
case({23: "6.2.2-2"}, both(lambda pdf: resource(pdf, "/ExtGState", "/GS7", Dictionary(LW=2)),
                           form_xobject(b"/GS7 gs 0 0 m", with_resources=False)))

# --- transparency ---
case("1:6.4-1", gstate(SMask=Dictionary(Type=Name.Mask, S=Name.Luminosity,
                                        G=Name.Null)))
case("1:6.4-2", image(SMask=lambda pdf: pdf.make_stream(b"\x80", Type=Name.XObject,
                                                        Subtype=Name.Image, Width=1, Height=1,
                                                        ColorSpace=Name.DeviceGray,
                                                        BitsPerComponent=8)))
case("1:6.4-3", form_xobject(Group=Dictionary(S=Name.Transparency)))
case("1:6.4-4", gstate(BM=Name.Multiply))
case("1:6.4-5", gstate(CA=0.5))
case("1:6.4-6", gstate(ca=0.5))
case({23: "6.2.10-1"}, gstate(BM=Name("/Fondi")))
# veraPDF counts a page as transparent only when something is painted in the transparent
# state (the fill also uses DeviceGray without an OutputIntent: 6.2.4.3-4 comes with it)
case({23: "6.2.10-2"}, both(no_output_intent, gstate(ca=0.5), lambda pdf: draw(pdf, b"0 0 10 10 re f")))


# --- fonts ---------------------------------------------------------------------------------

TT = {"text": True}
T0 = {"text": True, "font": "type0"}
T1 = {"text": True, "font": "type1"}
case({1: "6.3.2-1", 23: "6.2.11.2-1"}, set_in(font, Type=Name("/Carattere")), **TT)
case({1: "6.3.2-2", 23: "6.2.11.2-2"}, set_in(font, Subtype=Name("/Type5")), **TT)
case({1: "6.3.2-3", 23: "6.2.11.2-3"}, delete_in(font, "BaseFont"), **TT)
case({1: "6.3.2-4", 23: "6.2.11.2-4"}, delete_in(font, "FirstChar"), **TT)
case({1: "6.3.2-5", 23: "6.2.11.2-5"}, delete_in(font, "LastChar"), **TT)
case({1: "6.3.2-6", 23: "6.2.11.2-6"}, lambda pdf: font(pdf).Widths.append(500), **TT)


def _fontfile3(subtype: str) -> Mutate:
    def mutate(pdf):
        desc = descriptor(pdf)
        program = desc.FontFile2.read_bytes()
        del desc.FontFile2
        desc.FontFile3 = pdf.make_stream(program, Subtype=Name("/" + subtype))
    return mutate


case("1:6.3.2-7", _fontfile3("OpenType"), **TT)
case({23: "6.2.11.2-7"}, _fontfile3("TrueType"), **TT)
case({1: "6.3.3.1-1", 23: "6.2.11.3.1-1"},
     _type0_cmap(IDENTITY_BODY, registry_name="Adobe", ordering="Japan1"), **T0)
case({1: "6.3.3.2-1", 23: "6.2.11.3.2-1"}, delete_in(descendant, "CIDToGIDMap"), **T0)
case("1:6.3.3.3-1", set_in(font, Encoding=Name("/UniJIS-UCS2-H")), **T0)
case({23: "6.2.11.3.3-1"}, set_in(font, Encoding=Name("/Prova-H")), **T0)
case({1: "6.3.3.3-2", 23: "6.2.11.3.3-2"}, _type0_cmap(IDENTITY_BODY + "\n/WMode 0 def", wmode_dict=1), **T0)
case({23: "6.2.11.3.3-3"}, _type0_cmap(IDENTITY_BODY + "\n/Altra-H usecmap", use_cmap="Altra-H"), **T0)
case({1: "6.3.4-1", 23: "6.2.11.4.1-1"}, delete_in(descriptor, "FontFile2"), **TT)
case({1: "6.3.5-1", 23: "6.2.11.4.1-2"}, lambda pdf: draw(pdf, b"BT /F1 12 Tf 72 700 Td <1388> Tj ET"), **T0)
case("1:6.3.5-2", delete_in(descriptor, "CharSet"), **T1)
case({23: "6.2.11.4.2-1"}, set_in(descriptor, CharSet=String("/A")), **T1)


def _subset_name(pdf):
    f = descendant(pdf)
    f.BaseFont = Name("/ABCDEF+BitstreamVeraSans-Roman")
    f.FontDescriptor.FontName = Name("/ABCDEF+BitstreamVeraSans-Roman")
    font(pdf).BaseFont = Name("/ABCDEF+BitstreamVeraSans-Roman-Identity-H")


case("1:6.3.5-3", _subset_name, **T0)
case({23: "6.2.11.4.2-2"}, both(_subset_name, set_in(descriptor, CIDSet=lambda pdf: pdf.make_stream(b"\x80"))), **T0)


def _width(pdf):
    f = font(pdf)
    f.Widths[ord("C") - int(f.FirstChar)] = 250


case({1: "6.3.6-1", 23: "6.2.11.5-1"}, _width, **TT)


def _only_symbolic_cmap(pdf):
    import io

    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables._c_m_a_p import CmapSubtable
    program = TTFont(str(builder.vera_path()))
    sub = CmapSubtable.newSubtable(4)
    sub.platformID, sub.platEncID, sub.language = 3, 0, 0
    sub.cmap = {0xF000 + code: name for code, name in program.getBestCmap().items() if code < 256}
    program["cmap"].tables = [sub]
    out = io.BytesIO()
    program.save(out)
    descriptor(pdf).FontFile2 = pdf.make_stream(out.getvalue())


case({23: "6.2.11.6-1"}, _only_symbolic_cmap, **TT)
case({1: "6.3.7-1", 23: "6.2.11.6-2"}, delete_in(font, "Encoding"), **TT)
case({1: "6.3.7-2", 23: "6.2.11.6-3"}, set_in(descriptor, Flags=4), **TT)
case({1: "6.3.7-3", 23: "6.2.11.6-4"}, both(set_in(descriptor, Flags=4), delete_in(font, "Encoding")), **TT)
case({1: "6.3.8-1", 23: "6.2.11.7.2-1"}, delete_in(font, "ToUnicode"), **T0)


def _to_unicode(text: str) -> Mutate:
    def mutate(pdf):
        mapping = {builder.vera_gid(ch): ch for ch in builder.TEXT}
        mapping[builder.vera_gid("C")] = text
        font(pdf).ToUnicode = pdf.make_stream(builder.to_unicode_cmap(mapping, 2))
    return mutate


case({23: "6.2.11.7.2-2"}, _to_unicode("\ufeff"), **T0)
case({23: "6.2.11.7.3-1"}, _to_unicode("\ue000"), **T0)
case({23: "6.2.11.8-1"}, lambda pdf: draw(pdf, b"BT /F1 12 Tf 72 700 Td <0000> Tj ET"), **T0)


# --- annotations -----------------------------------------------------------------------------

AN = {"annotation": True}
FORM = {"form": True}
case("1:6.5.2-1", set_in(annotation, Subtype=Name.FileAttachment), **AN)
case({23: "6.3.1-1"}, set_in(annotation, Subtype=Name("/Sound")), **AN)
case("1:6.5.3-1", set_in(annotation, CA=0.5), **AN)
case("1:6.5.3-2", set_in(annotation, F=6), **AN)
case({23: "6.3.2-1"}, delete_in(annotation, "F"), **AN)
case({23: "6.3.2-2"}, set_in(annotation, F=4 | 256), **AN)
case("1:6.5.3-3", both(no_output_intent, set_in(annotation, C=Array([1, 0, 0]))), **AN)
case({23: "6.3.3-1"}, delete_in(annotation, "AP"), **AN)
case({1: "6.5.3-4", 23: "6.3.3-2"},
     lambda pdf: annotation(pdf).AP.__setitem__("/D", annotation(pdf).AP.N), **AN)


def _checkbox(normal_is_stream: bool) -> Mutate:
    def mutate(pdf):
        w = widget(pdf)
        w.FT = Name.Btn
        del w.V
        w.AS = Name.Off
        if not normal_is_stream:
            w.AP.N = Dictionary(Off=w.AP.N)
    return mutate


case({1: "6.5.3-5", 23: "6.3.3-3"}, _checkbox(normal_is_stream=True), **FORM)
case({1: "6.5.3-6", 23: "6.3.3-4"},
     lambda pdf: annotation(pdf).AP.__setitem__("/N", Dictionary(On=annotation(pdf).AP.N)), **AN)

# --- forms and actions ---
case({1: "6.9-1", 23: "6.4.1-3"}, lambda pdf: pdf.Root.AcroForm.__setitem__("/NeedAppearances", True), **FORM)
case("1:6.9-2", delete_in(widget, "AP"), **FORM)
case({23: "6.4.2-1"}, lambda pdf: pdf.Root.AcroForm.__setitem__("/XFA", pdf.make_stream(b"<xdp/>")), **FORM)
case({23: "6.4.2-2"}, lambda pdf: pdf.Root.__setitem__("/NeedsRendering", True))

URI = Dictionary(S=Name.URI, URI=String("https://example.org/"))


def _split_field(**parent_entries) -> Mutate:
    """Turn the merged field/widget into a parent field with one widget kid."""
    def mutate(pdf):
        w = widget(pdf)
        parent = pdf.make_indirect(Dictionary(FT=Name.Tx, T=String("nome"), V=String(""),
                                              Kids=Array([w]), **parent_entries))
        for key in ("/FT", "/T", "/V"):
            del w[key]
        w.Parent = parent
        pdf.Root.AcroForm.Fields = Array([parent])
    return mutate


case("1:6.6.1-3", set_in(widget, A=URI), **FORM)
case("1:6.6.2-1", set_in(widget, AA=Dictionary(E=URI)), **FORM)
case("1:6.6.2-2", _split_field(AA=Dictionary(K=Dictionary(S=Name.JavaScript, JS=String("1")))), **FORM)
case({23: "6.4.1-1"}, set_in(widget, A=URI), **FORM)
case({23: "6.4.1-2"}, _split_field(AA=Dictionary(K=Dictionary(S=Name.JavaScript, JS=String("1")))), **FORM)
case({1: "6.6.2-3", 23: "6.5.2-1"}, lambda pdf: pdf.Root.__setitem__("/AA", Dictionary(WC=URI)))
case({23: "6.5.2-2"}, set_in(page, AA=Dictionary(O=URI)))
case({1: "6.6.1-1", 23: "6.5.1-1"},
     lambda pdf: pdf.Root.__setitem__("/OpenAction", Dictionary(S=Name.Launch, F=String("calc.exe"))))
case({1: "6.6.1-2", 23: "6.5.1-2"},
     lambda pdf: pdf.Root.__setitem__("/OpenAction", Dictionary(S=Name.Named, N=Name.Print)))


# --- metadata ------------------------------------------------------------------------------

def _part_level(pdf) -> tuple[int, str]:
    text = pdf.Root.Metadata.read_bytes().decode("utf-8", "replace")
    m = re.search(r"<pdfaid:part>(\d)</pdfaid:part><pdfaid:conformance>(\w)", text)
    assert m
    return int(m.group(1)), m.group(2)


def xmp(**kwargs) -> Mutate:
    """Rewrite the XMP packet (builder.xmp_packet arguments: extra, header, pdfaid)."""
    def mutate(pdf):
        part, level = _part_level(pdf)
        builder.set_metadata(pdf, builder.xmp_packet(part, level, **kwargs))
    return mutate


def pdfaid(body: str) -> str:
    return f'<rdf:Description rdf:about="" {body}</rdf:Description>'


ID_NS = 'xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"'


def _ident(part_level: str = "", extra: str = "", ns: str = ID_NS, prefix: str = "pdfaid") -> Callable:
    def make(pdf_part: int, level: str) -> str:
        return pdfaid(f'{ns}>' + (part_level or f"<{prefix}:part>{pdf_part}</{prefix}:part>"
                                  f"<{prefix}:conformance>{level}</{prefix}:conformance>") + extra)
    return make


def xmp_ident(make: Callable) -> Mutate:
    def mutate(pdf):
        part, level = _part_level(pdf)
        builder.set_metadata(pdf, builder.xmp_packet(part, level, pdfaid=make(part, level)))
    return mutate


case({1: "6.7.2-1", 23: "6.6.2.1-1"}, lambda pdf: pdf.Root.__delitem__("/Metadata"))


def _compressed_metadata(pdf):
    md = pdf.Root.Metadata
    md.write(zlib.compress(md.read_bytes()), filter=Name.FlateDecode)


case("1:6.7.2-2", _compressed_metadata)
case("1:6.7.3-1", info(CreationDate=String("D:20230101000000Z")))
case("1:6.7.3-2", info(Title=String("Un altro titolo")))
case("1:6.7.3-3", info(Author=String("Mario Rossi")))
case("1:6.7.3-4", info(Subject=String("Oggetto")))
case("1:6.7.3-5", info(Keywords=String("parole chiave")))
case("1:6.7.3-6", info(Creator=String("Scrittore")))
case("1:6.7.3-7", info(Producer=String("Altro produttore")))
case("1:6.7.3-8", info(ModDate=String("D:20230101000000Z")))
BYTES_HEADER = '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d" bytes="2048"?>'
ENC_HEADER = '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d" encoding="UTF-8"?>'
case({1: "6.7.5-1", 23: "6.6.2.1-2"}, xmp(header=BYTES_HEADER))
case({1: "6.7.5-2", 23: "6.6.2.1-3"}, xmp(header=ENC_HEADER))
case({1: "6.7.9-1", 23: "6.6.2.1-4"},
     xmp(extra='<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
               '<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">x</rdf:li></rdf:Bag></dc:rights>'
               '</rdf:Description>'))


def _utf16_metadata(pdf):
    part, level = _part_level(pdf)
    text = builder.xmp_packet(part, level).decode("utf-8")
    pdf.Root.Metadata.write(text.encode("utf-16-be"))


case({23: "6.6.2.1-5"}, _utf16_metadata)
UNDEFINED = ('<rdf:Description rdf:about="" xmlns:my="http://example.org/my/">'
             '<my:Cosa>x</my:Cosa></rdf:Description>')
WRONG_TYPE = ('<rdf:Description rdf:about="" xmlns:tiff="http://ns.adobe.com/tiff/1.0/">'
              '<tiff:ImageWidth>256 mm</tiff:ImageWidth></rdf:Description>')
case({1: "6.7.9-2", 23: "6.6.2.3.1-1"}, xmp(extra=UNDEFINED))
case({1: "6.7.9-3", 23: "6.6.2.3.1-2"}, xmp(extra=WRONG_TYPE))

# A complete extension schema (ISO 19005-1 6.7.8, ISO 19005-2 6.6.2.3.3): namespace "prova"
# with a property of a custom value type that has one field; each case alters one piece.
EXTENSION = """<rdf:Description rdf:about=""
  xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
  xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
  xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#"
  xmlns:pdfaType="http://www.aiim.org/pdfa/ns/type#"
  xmlns:pdfaField="http://www.aiim.org/pdfa/ns/field#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
 <pdfaSchema:schema>Schema di prova</pdfaSchema:schema>
 <pdfaSchema:namespaceURI>http://example.org/prova/</pdfaSchema:namespaceURI>
 <pdfaSchema:prefix>prova</pdfaSchema:prefix>
 <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
  <pdfaProperty:name>Pratica</pdfaProperty:name>
  <pdfaProperty:valueType>PraticaType</pdfaProperty:valueType>
  <pdfaProperty:category>external</pdfaProperty:category>
  <pdfaProperty:description>Numero di pratica</pdfaProperty:description>
 </rdf:li></rdf:Seq></pdfaSchema:property>
 <pdfaSchema:valueType><rdf:Seq><rdf:li rdf:parseType="Resource">
  <pdfaType:type>PraticaType</pdfaType:type>
  <pdfaType:namespaceURI>http://example.org/prova/pratica#</pdfaType:namespaceURI>
  <pdfaType:prefix>pratica</pdfaType:prefix>
  <pdfaType:description>Una pratica</pdfaType:description>
  <pdfaType:field><rdf:Seq><rdf:li rdf:parseType="Resource">
   <pdfaField:name>numero</pdfaField:name>
   <pdfaField:valueType>Text</pdfaField:valueType>
   <pdfaField:description>Il numero</pdfaField:description>
  </rdf:li></rdf:Seq></pdfaType:field>
 </rdf:li></rdf:Seq></pdfaSchema:valueType>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>"""


EXT_CASES = {
    # 6.7.8-1 / 6.6.2.3.2-1: a field the extension schema does not define
    ("6.7.8-1", "6.6.2.3.2-1"): ("<pdfaSchema:prefix>prova</pdfaSchema:prefix>",
                                 "<pdfaSchema:prefix>prova</pdfaSchema:prefix>"
                                 "<pdfaSchema:colore>rosso</pdfaSchema:colore>"),
    ("6.7.8-2", "6.6.2.3.3-1"): ("<pdfaExtension:schemas><rdf:Bag>", "<pdfaExtension:schemas><rdf:Seq>"),
    ("6.7.8-3", "6.6.2.3.3-2"): (" <pdfaSchema:schema>Schema di prova</pdfaSchema:schema>\n", ""),
    ("6.7.8-4", "6.6.2.3.3-3"): ("<pdfaSchema:namespaceURI>http://example.org/prova/</pdfaSchema:namespaceURI>", ""),
    ("6.7.8-5", "6.6.2.3.3-4"): ("<pdfaSchema:prefix>prova</pdfaSchema:prefix>", ""),
    ("6.7.8-6", "6.6.2.3.3-5"): ("<pdfaSchema:property><rdf:Seq>", "<pdfaSchema:property><rdf:Bag>"),
    ("6.7.8-7", "6.6.2.3.3-6"): ("<pdfaSchema:valueType><rdf:Seq>", "<pdfaSchema:valueType><rdf:Bag>"),
    ("6.7.8-8", "6.6.2.3.3-7"): ("<pdfaProperty:name>Pratica</pdfaProperty:name>", ""),
    ("6.7.8-9", "6.6.2.3.3-8"): ("<pdfaProperty:valueType>PraticaType</pdfaProperty:valueType>",
                                 "<pdfaProperty:valueType>TipoIgnoto</pdfaProperty:valueType>"),
    ("6.7.8-10", "6.6.2.3.3-9"): ("<pdfaProperty:category>external</pdfaProperty:category>",
                                  "<pdfaProperty:category>esterna</pdfaProperty:category>"),
    ("6.7.8-11", "6.6.2.3.3-10"): (
        "<pdfaProperty:description>Numero di pratica</pdfaProperty:description>", ""),
    ("6.7.8-12", "6.6.2.3.3-11"): ("<pdfaType:type>PraticaType</pdfaType:type>", ""),
    ("6.7.8-13", "6.6.2.3.3-12"): (
        "<pdfaType:namespaceURI>http://example.org/prova/pratica#</pdfaType:namespaceURI>", ""),
    ("6.7.8-14", "6.6.2.3.3-13"): ("<pdfaType:prefix>pratica</pdfaType:prefix>", ""),
    ("6.7.8-15", "6.6.2.3.3-14"): ("<pdfaType:description>Una pratica</pdfaType:description>", ""),
    ("6.7.8-16", "6.6.2.3.3-15"): ("<pdfaType:field><rdf:Seq>", "<pdfaType:field><rdf:Bag>"),
    ("6.7.8-17", "6.6.2.3.3-16"): ("<pdfaField:name>numero</pdfaField:name>",
                                   "<pdfaField:name><rdf:Bag><rdf:li>numero</rdf:li></rdf:Bag></pdfaField:name>"),
    ("6.7.8-18", "6.6.2.3.3-17"): ("<pdfaField:valueType>Text</pdfaField:valueType>",
                                   "<pdfaField:valueType>TipoIgnoto</pdfaField:valueType>"),
    ("6.7.8-19", "6.6.2.3.3-18"): ("<pdfaField:description>Il numero</pdfaField:description>",
                                   "<pdfaField:description><rdf:Bag><rdf:li>x</rdf:li></rdf:Bag></pdfaField:description>"),
}
for (one, two), (old, new) in EXT_CASES.items():
    extra = EXTENSION.replace(old, new, 1)
    if old.endswith(("<rdf:Seq>", "<rdf:Bag>")):  # an array kind swapped: close it alike
        tag, was, now = old.split(">")[0][1:], old[-4:-1], new[-4:-1]
        extra = extra.replace(f"</rdf:{was}></{tag}>", f"</rdf:{now}></{tag}>", 1)
    case({1: one, 23: two}, xmp(extra=extra))

case({1: "6.7.11-1", 23: "6.6.4-1"}, xmp_ident(lambda part, level: ""))
case({1: "6.7.11-2", 23: "6.6.4-2"}, xmp_ident(lambda part, level: _ident()(part + 1 if part < 3 else 1, level)))
case({1: "6.7.11-3", 23: "6.6.4-3"}, xmp_ident(lambda part, level: _ident()(part, "X")))
ALT_NS = 'xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" xmlns:altro="http://www.aiim.org/pdfa/ns/id/"'
case({1: "6.7.11-4", 23: "6.6.4-4"}, xmp_ident(lambda part, level: pdfaid(
    f"{ALT_NS}><altro:part>{part}</altro:part><pdfaid:conformance>{level}</pdfaid:conformance>")))
case({1: "6.7.11-5", 23: "6.6.4-5"}, xmp_ident(lambda part, level: pdfaid(
    f"{ALT_NS}><pdfaid:part>{part}</pdfaid:part><altro:conformance>{level}</altro:conformance>")))
case({1: "6.7.11-6", 23: "6.6.4-6"}, xmp_ident(_ident(extra="<altro:amd>2005</altro:amd>", ns=ALT_NS)))
case({23: "6.6.4-7"}, xmp_ident(_ident(extra="<altro:corr>1</altro:corr>", ns=ALT_NS)))


# --- logical structure (level A) -----------------------------------------------------------

def struct_p(pdf) -> pikepdf.Dictionary:
    return pdf.Root.StructTreeRoot.K.K[0]


case({1: "6.8.2.2-1", 23: "6.7.2.2-1"}, lambda pdf: pdf.Root.MarkInfo.__setitem__("/Marked", False))
case({1: "6.8.3.3-1", 23: "6.7.3.3-1"}, lambda pdf: pdf.Root.__delitem__("/StructTreeRoot"))
case({1: "6.8.3.4-1", 23: "6.7.3.4-1"}, set_in(struct_p, S=Name("/Paragrafo")))
case({1: "6.8.3.4-2", 23: "6.7.3.4-2"}, both(
    set_in(struct_p, S=Name("/Paragrafo")),
    lambda pdf: pdf.Root.StructTreeRoot.__setitem__(
        "/RoleMap", Dictionary(Paragrafo=Name("/Capoverso"), Capoverso=Name("/Paragrafo")))))
case({23: "6.7.3.4-3"}, lambda pdf: pdf.Root.StructTreeRoot.__setitem__(
    "/RoleMap", Dictionary(P=Name("/Paragrafo"))))
case({1: "6.8.4-1", 23: "6.7.4-1"}, lambda pdf: pdf.Root.__setitem__("/Lang", String("italiano!")))


# --- embedded files --------------------------------------------------------------------------

ATT = {"attachment": True}


def filespec(pdf) -> pikepdf.Dictionary:
    return pdf.Root.Names.EmbeddedFiles.Names[1]


def embedded_stream(pdf) -> pikepdf.Stream:
    return filespec(pdf).EF.F


case({23: "6.8-2"}, delete_in(filespec, "UF"), **ATT)


def _plain_attachment(pdf):
    embedded_stream(pdf).write(b"testo semplice, non PDF/A\n")


case("2:6.8-5", _plain_attachment, **ATT)
case("3:6.8-1", delete_in(embedded_stream, "Subtype"), **ATT)
case("3:6.8-3", delete_in(filespec, "AFRelationship"), **ATT)
case("3:6.8-4", lambda pdf: pdf.Root.__delitem__("/AF"), **ATT)


# --- optional content, alternate presentations, requirements --------------------------------

def _oc_config(mutate_d: Callable) -> Mutate:
    def mutate(pdf):
        mutate_d(pdf, _optional_content(pdf))
    return mutate


case({23: "6.9-1"}, _oc_config(lambda pdf, d: d.__delitem__("/Name")))
case({23: "6.9-2"}, _oc_config(lambda pdf, d: pdf.Root.OCProperties.__setitem__(
    "/Configs", Array([Dictionary(Name=String("Predefinita"))]))))
case({23: "6.9-3"}, _oc_config(lambda pdf, d: pdf.Root.OCProperties.OCGs.append(
    pdf.make_indirect(Dictionary(Type=Name.OCG, Name=String("Altro"))))))
case({23: "6.9-4"}, _oc_config(lambda pdf, d: d.__setitem__(
    "/AS", Array([Dictionary(Event=Name.Print, Category=Array([Name.Print]))]))))
case({23: "6.10-1"}, lambda pdf: pdf.Root.__setitem__(
    "/Names", Dictionary(AlternatePresentations=Dictionary(Names=Array()))))
case({23: "6.10-2"}, set_in(page, PresSteps=Dictionary(Type=Name.NavNode)))
case({23: "6.11-1"}, lambda pdf: pdf.Root.__setitem__(
    "/Requirements", Array([Dictionary(Type=Name.Requirement, S=Name.EnableJavaScripts)])))

CASES_BY_RULE = {c.rule: c for c in CASES}
assert len(CASES_BY_RULE) == len(CASES), "a rule has two cases"
