"""PDF samples for the active-content check (checker/checks/pdf_active.py): one clean file
and one file per kind of active content, link, lock or damage, written with reportlab
(real page text) and pikepdf; the hostile ones (obfuscated names, loops, bombs, 10^6
objects) are written byte by byte because no library writes them on purpose.

    outdir/pdf/<name>.pdf       see SAMPLES below for what each one holds
"""
from __future__ import annotations

import io
import re
import zlib
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

TOPIC = "pdf"
OGGETTO = "Oggetto: Richiesta di accesso agli atti del procedimento edilizio n. 12/2024"


def _page_pdf(lines: list[str] | None = None) -> bytes:
    """A one-page PDF with real text, written by reportlab."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle("Istanza")
    y = 800
    for line in lines or ["Al Comune di Piacenza", OGGETTO,
                          "Il sottoscritto Mario Rossi chiede di accedere agli atti."]:
        c.drawString(72, y, line)
        y -= 20
    c.showPage()
    c.save()
    return buf.getvalue()


def _base() -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(_page_pdf()))


def _save(pdf: pikepdf.Pdf, **kw) -> bytes:
    out = io.BytesIO()
    kw.setdefault("deterministic_id", "encryption" not in kw)
    pdf.save(out, **kw)
    return out.getvalue()


def _js(pdf: pikepdf.Pdf, code: str = "app.alert('ciao');") -> pikepdf.Object:
    return pdf.make_indirect(Dictionary(Type=Name.Action, S=Name.JavaScript, JS=String(code)))


def _action(pdf: pikepdf.Pdf, **entries) -> pikepdf.Object:
    return pdf.make_indirect(Dictionary(Type=Name.Action, **entries))


def _add_annot(pdf: pikepdf.Pdf, annot: Dictionary) -> pikepdf.Object:
    page = pdf.pages[0]
    if "/Type" not in annot:
        annot["/Type"] = Name.Annot
    if "/Rect" not in annot:
        annot["/Rect"] = Array([72, 600, 300, 620])
    annot["/P"] = page.obj
    ref = pdf.make_indirect(annot)
    if "/Annots" not in page.obj:
        page.obj["/Annots"] = Array()
    page.obj["/Annots"].append(ref)
    return ref


def _link(pdf: pikepdf.Pdf, action) -> bytes:
    _add_annot(pdf, Dictionary(Subtype=Name.Link, Border=Array([0, 0, 0]), A=action))
    return _save(pdf)


def _field(pdf: pikepdf.Pdf, **entries) -> pikepdf.Object:
    widget = _add_annot(pdf, Dictionary(Subtype=Name.Widget, **entries))
    pdf.Root["/AcroForm"] = Dictionary(Fields=Array([widget]))
    return widget


# -- one function per sample -----------------------------------------------------------------

def clean() -> bytes:
    return _save(_base())


def js_name_tree() -> bytes:
    pdf = _base()
    pdf.Root["/Names"] = Dictionary(JavaScript=Dictionary(
        Names=Array([String("init"), _js(pdf, "this.print({bUI:false});")])))
    return _save(pdf)


def js_openaction() -> bytes:
    pdf = _base()
    pdf.Root["/OpenAction"] = _js(pdf, "app.launchURL('http://evil.example/');")
    return _save(pdf)


def aa_page() -> bytes:
    pdf = _base()
    pdf.pages[0].obj["/AA"] = Dictionary(O=_js(pdf, "console.println('page open');"))
    return _save(pdf)


def aa_annotation() -> bytes:
    pdf = _base()
    _add_annot(pdf, Dictionary(Subtype=Name.Text, Contents=String("nota"),
                               AA=Dictionary(E=_js(pdf, "app.alert('mouse enter');"))))
    return _save(pdf)


def aa_field() -> bytes:
    pdf = _base()
    _field(pdf, FT=Name.Tx, T=String("importo"), V=String("100,00"),
           AA=Dictionary(K=_js(pdf, "AFNumber_Keystroke(2, 0, 0, 0, '', true);")))
    return _save(pdf)


def widget_parent_aa() -> bytes:
    """A calculation script on a field reached only as the /Parent of a page's widget."""
    import warnings

    pdf = _base()
    field = pdf.make_indirect(Dictionary(FT=Name.Tx, T=String("totale"), V=String("2"),
                                         AA=Dictionary(C=_js(pdf, "event.value = 1 + 1;"))))
    widget = _add_annot(pdf, Dictionary(Subtype=Name.Widget))
    widget["/Parent"] = field
    field["/Kids"] = Array([widget])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pikepdf notes the widget is not in /AcroForm: on purpose
        return _save(pdf)


def launch() -> bytes:
    pdf = _base()
    return _link(pdf, _action(pdf, S=Name.Launch, F=String("cmd.exe"),
                              Win=Dictionary(F=String("cmd.exe"), P=String("/c calc"))))


def uri_link() -> bytes:
    pdf = _base()
    return _link(pdf, _action(pdf, S=Name.URI, URI=String("https://www.example.com/modulo")))


def mailto_link() -> bytes:
    pdf = _base()
    return _link(pdf, _action(pdf, S=Name.URI, URI=String("mailto:ufficio@example.it")))


def submit_form() -> bytes:
    pdf = _base()
    return _link(pdf, _action(pdf, S=Name.SubmitForm,
                              F=Dictionary(FS=Name.URL, F=String("https://collect.example/post"))))


def import_data() -> bytes:
    pdf = _base()
    return _link(pdf, _action(pdf, S=Name.ImportData, F=String("dati.fdf")))


def reset_form() -> bytes:
    pdf = _base()
    return _link(pdf, _action(pdf, S=Name.ResetForm))


def goto_remote() -> bytes:
    pdf = _base()
    return _link(pdf, _action(pdf, S=Name.GoToR, F=String("altro.pdf"), D=Array([0, Name.Fit])))


def goto_embedded() -> bytes:
    pdf = _base()
    return _link(pdf, _action(pdf, S=Name.GoToE, D=Array([0, Name.Fit]),
                              T=Dictionary(R=Name.C, N=String("allegato.pdf"))))


def embedded_file() -> bytes:
    pdf = _base()
    pdf.attachments["dati.csv"] = pikepdf.AttachedFileSpec(pdf, b"a;b\n1;2\n", mime_type="text/csv")
    return _save(pdf)


def file_attachment_annot() -> bytes:
    pdf = _base()
    spec = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00 finto eseguibile", filename="setup.exe")
    _add_annot(pdf, Dictionary(Subtype=Name.FileAttachment, FS=spec.obj,
                               Contents=String("allegato")))
    return _save(pdf)


def pdfa3_embedded() -> bytes:
    """A PDF/A-3 claim with an associated file (AFRelationship): what PDF/A-3 allows."""
    pdf = _base()
    spec = pikepdf.AttachedFileSpec(pdf, b"<fattura/>", filename="fattura.xml",
                                    mime_type="application/xml", relationship=Name.Data)
    pdf.attachments["fattura.xml"] = spec
    pdf.Root["/AF"] = Array([pdf.attachments._get_filespec("fattura.xml").obj]) \
        if hasattr(pdf.attachments, "_get_filespec") else Array([spec.obj])
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["pdfaid:part"] = "3"
        meta["pdfaid:conformance"] = "B"
    return _save(pdf)


def richmedia() -> bytes:
    pdf = _base()
    _add_annot(pdf, Dictionary(Subtype=Name.RichMedia,
                               RichMediaContent=Dictionary(Assets=Dictionary(Names=Array()))))
    return _save(pdf)


def annotation_3d() -> bytes:
    pdf = _base()
    model = pdf.make_stream(b"U3D-placeholder", Type=Name("/3D"), Subtype=Name.U3D)
    _add_annot(pdf, Dictionary(Subtype=Name("/3D"), **{"/3DD": model}))
    return _save(pdf)


def hide_action() -> bytes:
    """A link that hides a field when clicked: what is shown changes."""
    pdf = _base()
    return _link(pdf, _action(pdf, S=Name.Hide, T=String("importo"), H=True))


def set_ocg_state_openaction() -> bytes:
    """On opening, switch a layer off: the content shown is not the content printed."""
    pdf = _base()
    layer = pdf.make_indirect(Dictionary(Type=Name.OCG, Name=String("Importo reale")))
    pdf.Root["/OCProperties"] = Dictionary(OCGs=Array([layer]), D=Dictionary(ON=Array([layer])))
    pdf.Root["/OpenAction"] = _action(pdf, S=Name.SetOCGState, State=Array([Name.OFF, layer]))
    return _save(pdf)


def need_appearances() -> bytes:
    """A filled field, but the form asks the viewer to redraw every field."""
    pdf = _base()
    _field(pdf, FT=Name.Tx, T=String("nome"), V=String("Mario Rossi"))
    pdf.Root.AcroForm["/NeedAppearances"] = True
    return _save(pdf)


def xfa() -> bytes:
    pdf = _base()
    xdp = pdf.make_stream(b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"></xdp:xdp>')
    pdf.Root["/AcroForm"] = Dictionary(Fields=Array(), XFA=xdp)
    return _save(pdf)


def unfilled_field() -> bytes:
    pdf = _base()
    _field(pdf, FT=Name.Tx, T=String("codice_fiscale"))
    return _save(pdf)


def encrypted_user() -> bytes:
    """A password to open it, and (owner password) printing forbidden."""
    return _save(_base(), encryption=pikepdf.Encryption(
        user="segreta", owner="proprietario",
        allow=pikepdf.Permissions(print_lowres=False, print_highres=False)))


def encrypted_owner() -> bytes:
    return _save(_base(), encryption=pikepdf.Encryption(
        user="", owner="proprietario",
        allow=pikepdf.Permissions(extract=False, modify_other=False, modify_form=False)))


def js_in_object_stream() -> bytes:
    pdf = _base()
    pdf.Root["/OpenAction"] = _js(pdf, "app.alert('in object stream');")
    return _save(pdf, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def next_chain_loop() -> bytes:
    """GoTo → GoTo → JavaScript, and the last action's /Next points back to the first."""
    pdf = _base()
    third = _js(pdf, "app.alert('terzo passo');")
    second = _action(pdf, S=Name.GoTo, D=Array([pdf.pages[0].obj, Name.Fit]), Next=third)
    first = _action(pdf, S=Name.GoTo, D=Array([pdf.pages[0].obj, Name.Fit]), Next=second)
    third["/Next"] = first
    pdf.Root["/OpenAction"] = first
    return _save(pdf)


# -- written by hand ------------------------------------------------------------------------

def _raw_pdf(objects: dict[int, bytes], root: int = 1, xref_fix=None) -> bytes:
    """Serialise numbered object bodies with a classic xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    size = max(objects) + 1
    offsets = [0] * size
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(b"%010d 00000 n \n" % (xref_fix(o) if xref_fix else o) if o else
                    b"0000000000 65535 f \n" for o in offsets[1:])
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)
    return bytes(out)


def _page_objects(content: bytes, extra_catalog: bytes = b"", filters: bytes = b"") -> dict[int, bytes]:
    return {
        1: b"<< /Type /Catalog /Pages 2 0 R " + extra_catalog + b" >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
           b"/Resources << /Font << /F1 5 0 R >> >> >>",
        4: b"<< /Length %d %s >>\nstream\n" % (len(content), filters) + content + b"\nendstream",
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }


_HELLO = b"BT /F1 12 Tf 72 800 Td (Documento di prova) Tj ET"


def obfuscated_names() -> bytes:
    """/OpenAction << /S /#4A#61vaScript /#4A#53 (...) >>: the hex escapes spell /JavaScript, /JS."""
    objs = _page_objects(_HELLO, b"/OpenAction 6 0 R")
    objs[6] = b"<< /Type /Action /S /#4A#61va#53cript /#4A#53 (app.alert\\('nascosto'\\)) >>"
    return _raw_pdf(objs)


def incremental_removed_script() -> bytes:
    """Revision 1 opens with a script; revision 2 (an appended update) removes it."""
    first = js_openaction()
    pdf = pikepdf.open(io.BytesIO(first))
    root_num, root_gen = pdf.Root.objgen
    catalog = Dictionary({k: v for k, v in pdf.Root.items() if k != "/OpenAction"})
    body = catalog.unparse()
    size = int(pdf.trailer.Size)
    pdf.close()
    prev = int(re.findall(rb"startxref\s+(\d+)", first)[-1])
    out = bytearray(first)
    if not out.endswith(b"\n"):
        out += b"\n"
    obj_at = len(out)
    out += b"%d %d obj\n" % (root_num, root_gen) + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d %05d n \n" % (root_num, obj_at, root_gen)
    out += (b"trailer\n<< /Size %d /Root %d %d R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
            % (size, root_num, root_gen, prev, xref))
    return bytes(out)


def append_empty_updates(data: bytes, count: int) -> bytes:
    """Append `count` incremental updates that change nothing (as some editors do on save)."""
    pdf = pikepdf.open(io.BytesIO(data))
    root_num, root_gen = pdf.Root.objgen
    size = int(pdf.trailer.Size)
    pdf.close()
    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    out = bytearray(data)
    for _ in range(count):
        xref = len(out)
        out += (b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size %d /Root %d %d R /Prev %d >>\n"
                b"startxref\n%d\n%%%%EOF\n" % (size, root_num, root_gen, prev, xref))
        prev = xref
    return bytes(out)


def many_revisions() -> bytes:
    """The removed script of incremental_removed_script, buried under 20 empty updates."""
    return append_empty_updates(incremental_removed_script(), 20)


def text_links() -> bytes:
    return _save(pikepdf.open(io.BytesIO(_page_pdf([
        "Al Comune di Genova", OGGETTO,
        "Per informazioni visitare https://www.comune.example.it/servizi",
        "oppure scrivere a ufficio.tecnico@comune.example.it"]))))


def truncated() -> bytes:
    data = clean()
    return data[: len(data) // 2]


def damaged_xref() -> bytes:
    """Every xref offset is wrong by 7 bytes: readers must rebuild the table."""
    return _raw_pdf(_page_objects(_HELLO), xref_fix=lambda o: o + 7)


def million_objects() -> bytes:
    """10^6 tiny objects chained from the catalogue (each an array holding the next)."""
    n = 1_000_000
    head = 10
    parts = [b"%PDF-1.7\n"]
    offsets: list[int] = [0] * (head + n)
    pos = len(parts[0])
    base = _page_objects(_HELLO, b"/Chain %d 0 R" % head)
    for num in sorted(base):
        chunk = b"%d 0 obj\n" % num + base[num] + b"\nendobj\n"
        offsets[num] = pos
        parts.append(chunk)
        pos += len(chunk)
    for num in range(head, head + n):
        nxt = num + 1 if num + 1 < head + n else head
        chunk = b"%d 0 obj [%d 0 R] endobj\n" % (num, nxt)
        offsets[num] = pos
        parts.append(chunk)
        pos += len(chunk)
    size = head + n
    xref = [b"xref\n0 %d\n0000000000 65535 f \n" % size]
    xref += [b"%010d 00000 n \n" % o if o else b"0000000000 65535 f \n" for o in offsets[1:]]
    parts += xref
    parts.append(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, pos))
    return b"".join(parts)


def reference_loop() -> bytes:
    """The page tree lists itself among its kids; an object holds itself; /Next loops."""
    objs = _page_objects(_HELLO, b"/Loop 6 0 R /OpenAction 7 0 R")
    objs[2] = b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>"
    objs[6] = b"<< /Self 6 0 R /Other [6 0 R 1 0 R] >>"
    objs[7] = b"<< /S /GoTo /D [3 0 R /Fit] /Next 7 0 R >>"
    return _raw_pdf(objs)


def _zlib_of_filler(mib: int, fill: bytes = b" ", prefix: bytes = b"") -> bytes:
    """zlib data of `prefix` + `mib` MiB of `fill`, in milliseconds: one MiB is deflated once
    (with a full flush, so it stands alone) and the compressed piece repeated."""
    head = zlib.compressobj(9)
    out = bytearray(head.compress(prefix) + head.flush(zlib.Z_FULL_FLUSH))  # header + prefix
    chunk = fill * (1 << 20)
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = raw.compress(chunk) + raw.flush(zlib.Z_FULL_FLUSH)
    out += piece * mib
    out += zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # the final (empty) block
    adler = zlib.adler32(prefix)
    for _ in range(mib):
        adler = zlib.adler32(chunk, adler)
    return bytes(out + adler.to_bytes(4, "big"))


def decompression_bomb(inner_mib: int = 1024) -> bytes:
    """A page whose content is Flate inside Flate: a few KB that inflate to `inner_mib` MiB."""
    twice = zlib.compress(_zlib_of_filler(inner_mib), 9)
    return _raw_pdf(_page_objects(twice, filters=b"/Filter [/FlateDecode /FlateDecode]"))


def object_stream_bomb(inner_mib: int = 1024) -> bytes:
    """An object inside a PDF 1.5 object stream whose (Flate in Flate) data inflates to
    `inner_mib` MiB: reading the object makes a reader inflate the whole stream."""
    import struct

    header = b"5 0 "
    twice = zlib.compress(_zlib_of_filler(inner_mib, prefix=header + b"<< /Type /Annot >>"), 9)
    out = bytearray(b"%PDF-1.7\n")
    offsets: dict[int, int] = {}

    def put(num: int, body: bytes) -> None:
        offsets[num] = len(out)
        out.extend(b"%d 0 obj\n" % num + body + b"\nendobj\n")

    put(1, b"<< /Type /Catalog /Pages 2 0 R /Extra 5 0 R >>")
    put(2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
    put(3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>")
    put(6, b"<< /Type /ObjStm /N 1 /First %d /Length %d /Filter [/FlateDecode /FlateDecode] >>"
           b"\nstream\n" % (len(header), len(twice)) + twice + b"\nendstream")
    xref_at = len(out)
    rows = [b"\x00" + struct.pack(">IH", 0, 65535)]
    for num in range(1, 8):
        if num in offsets:
            rows.append(b"\x01" + struct.pack(">IH", offsets[num], 0))
        elif num == 5:  # object 5 lives in object stream 6
            rows.append(b"\x02" + struct.pack(">IH", 6, 0))
        elif num == 7:  # the xref stream itself
            rows.append(b"\x01" + struct.pack(">IH", xref_at, 0))
        else:
            rows.append(b"\x00" + struct.pack(">IH", 0, 0))
    table = b"".join(rows)
    out.extend(b"7 0 obj\n<< /Type /XRef /Size 8 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
               % len(table) + table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at)
    return bytes(out)


def xref_stream_bomb(inner_mib: int = 1100) -> bytes:
    """A cross-reference stream (read while opening the file) that inflates past 1 GiB."""
    import struct

    out = bytearray(b"%PDF-1.7\n")
    offsets: dict[int, int] = {}
    for num, body in ((1, b"<< /Type /Catalog /Pages 2 0 R >>"),
                      (2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
                      (3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>")):
        offsets[num] = len(out)
        out.extend(b"%d 0 obj\n" % num + body + b"\nendobj\n")
    xref_at = len(out)
    rows = [b"\x00" + struct.pack(">IH", 0, 65535)]
    rows += [b"\x01" + struct.pack(">IH", offsets[n], 0) for n in (1, 2, 3)]
    rows.append(b"\x01" + struct.pack(">IH", xref_at, 0))
    twice = zlib.compress(_zlib_of_filler(inner_mib, b"\0", prefix=b"".join(rows)), 9)
    out.extend(b"4 0 obj\n<< /Type /XRef /Size 5 /W [1 4 2] /Root 1 0 R /Length %d "
               b"/Filter [/FlateDecode /FlateDecode] >>\nstream\n" % len(twice) + twice
               + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at)
    return bytes(out)


# name -> builder
SAMPLES = {
    "clean": clean,
    "js_name_tree": js_name_tree,
    "js_openaction": js_openaction,
    "aa_page": aa_page,
    "aa_annotation": aa_annotation,
    "aa_field": aa_field,
    "widget_parent_aa": widget_parent_aa,
    "launch": launch,
    "uri_link": uri_link,
    "mailto_link": mailto_link,
    "submit_form": submit_form,
    "import_data": import_data,
    "reset_form": reset_form,
    "goto_remote": goto_remote,
    "goto_embedded": goto_embedded,
    "embedded_file": embedded_file,
    "file_attachment_annot": file_attachment_annot,
    "pdfa3_embedded": pdfa3_embedded,
    "richmedia": richmedia,
    "annotation_3d": annotation_3d,
    "xfa": xfa,
    "hide_action": hide_action,
    "set_ocg_state_openaction": set_ocg_state_openaction,
    "need_appearances": need_appearances,
    "unfilled_field": unfilled_field,
    "encrypted_user": encrypted_user,
    "encrypted_owner": encrypted_owner,
    "js_in_object_stream": js_in_object_stream,
    "obfuscated_names": obfuscated_names,
    "next_chain_loop": next_chain_loop,
    "incremental_removed_script": incremental_removed_script,
    "many_revisions": many_revisions,
    "text_links": text_links,
    "truncated": truncated,
    "damaged_xref": damaged_xref,
    "million_objects": million_objects,
    "reference_loop": reference_loop,
    "decompression_bomb": decompression_bomb,
    "object_stream_bomb": object_stream_bomb,
    "xref_stream_bomb": xref_stream_bomb,
}


def generate(outdir: Path) -> None:
    folder = Path(outdir) / TOPIC
    folder.mkdir(parents=True, exist_ok=True)
    for name, build in SAMPLES.items():
        (folder / f"{name}.pdf").write_bytes(build())


if __name__ == "__main__":
    import sys
    generate(Path(sys.argv[1] if len(sys.argv) > 1 else "samples/out"))
