"""Remove what an office refuses in a PDF, keeping what a reader sees: links, JavaScript,
actions, embedded files and form fields go; visible text and drawings stay.

- form fields and other annotations with an appearance are flattened into the page (the
  filled-in value stays visible, it can no longer be edited); their appearances are generated
  first where the form asks the reader to make them (NeedAppearances);
- every annotation left (links, hidden or appearance-less ones, file attachments, multimedia)
  is removed, with the structure-tree references to it;
- the document's and pages' actions (OpenAction unless it is a plain destination, AA), the
  JavaScript and EmbeddedFiles name trees, AcroForm (XFA included), URI base and portfolio
  (Collection) are removed; outline items keep their destination, lose any other action;
- the result is written as a new file (qpdf writes only reachable objects, no incremental
  update: earlier revisions are gone) and without encryption.

The XMP metadata is kept untouched, so a PDF/A stays a PDF/A. `clean_isolated` runs the
cleaning in a child process (`python -m checker.fix.clean`) with a time and address-space
limit: pikepdf parses the untrusted file there, never in the server process.
"""
from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name

from ..pdfscan import text as pdftext
from ..pdfscan.model import Limits

TIMEOUT = float(os.environ.get("PEC_PRECHECK_FIX_TIMEOUT", "120"))
MEMORY_MB = int(os.environ.get("PEC_PRECHECK_MEMORY_MB", "1024"))
MAX_OUTLINE_ITEMS = 100_000
MAX_STRUCT_NODES = 500_000


class CleanError(RuntimeError):
    """pikepdf could not open or write the file, or the child process failed."""


@dataclass
class Cleaned:
    data: bytes
    pages: int
    removed: dict[str, int] = field(default_factory=dict)   # what went, counted
    chars: dict[str, int] = field(default_factory=dict)     # text_chars of the result, if asked


def text_chars(data: bytes) -> dict[str, int]:
    """How many times each letter or digit occurs in the PDF's text (pypdf, bounded as the
    check reads it): what a conversion must keep. Spacing is left out on purpose: a
    rewritten file may place its glyphs so that words split or join differently."""
    counts: dict[str, int] = {}
    for c in pdftext.extract(data, Limits()).text:
        if c.isalnum():
            counts[c] = counts.get(c, 0) + 1
    return counts


def text_lost(before: dict[str, int], after: dict[str, int]) -> int:
    """Letters and digits of `before` missing from `after` (0: the text was kept)."""
    return sum(max(0, n - after.get(c, 0)) for c, n in before.items())


def clean_pdf(data: bytes) -> Cleaned:
    """The cleaned file (in this process: call clean_isolated for untrusted input)."""
    removed: dict[str, int] = {}

    def count(what: str, n: int = 1) -> None:
        if n:
            removed[what] = removed.get(what, 0) + n

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as exc:
        raise CleanError("the PDF needs a password to be opened") from exc
    except pikepdf.PdfError as exc:
        raise CleanError(f"pikepdf cannot read the PDF: {exc}") from exc
    with pdf:
        root = pdf.Root
        form = root.get("/AcroForm")
        if isinstance(form, Dictionary):
            if "/XFA" in form:
                count("xfa")
            if form.get("/NeedAppearances") is not None and bool(form.get("/NeedAppearances")):
                pdf.generate_appearance_streams()
        flattened = _annotations(pdf)
        pdf.flatten_annotations("all")
        count("flattened", flattened)
        annot_objs: set[tuple[int, int]] = set()
        for page in pdf.pages:
            annots = page.obj.get("/Annots")
            if isinstance(annots, Array):
                for a in annots:
                    if a.is_indirect:
                        annot_objs.add(a.objgen)
                count("annotations", len(annots))
                del page.obj["/Annots"]
            if "/AA" in page.obj:
                del page.obj["/AA"]
                count("page_actions")
        count("structure_references", _drop_struct_refs(pdf, annot_objs))
        for key, what in (("/AcroForm", "form"), ("/AA", "document_actions"),
                          ("/URI", "uri_base"), ("/Collection", "portfolio")):
            if key in root:
                del root[key]
                count(what)
        opening = root.get("/OpenAction")
        if opening is not None and not isinstance(opening, Array):
            del root["/OpenAction"]
            count("open_action")
        names = root.get("/Names")
        if isinstance(names, Dictionary):
            for key, what in (("/JavaScript", "javascript"), ("/EmbeddedFiles", "embedded_files")):
                if key in names:
                    del names[key]
                    count(what)
        count("outline_actions", _outline_actions(pdf))
        out = io.BytesIO()
        pdf.save(out, fix_metadata_version=False, encryption=False, deterministic_id=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return Cleaned(out.getvalue(), len(pdf.pages), removed)


def _annotations(pdf: pikepdf.Pdf) -> int:
    """How many annotations carry an appearance (what flattening turns into page content)."""
    n = 0
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if isinstance(annots, Array):
            n += sum(1 for a in annots if isinstance(a, Dictionary) and "/AP" in a)
    return n


def _outline_actions(pdf: pikepdf.Pdf) -> int:
    """Outline items: a GoTo action becomes its destination, any other action goes."""
    outlines = pdf.Root.get("/Outlines")
    if not isinstance(outlines, Dictionary):
        return 0
    changed, seen = 0, set[tuple[int, int]]()
    stack = [outlines.get("/First")]
    while stack and len(seen) < MAX_OUTLINE_ITEMS:
        item = stack.pop()
        if not isinstance(item, Dictionary) or (item.is_indirect and item.objgen in seen):
            continue
        if item.is_indirect:
            seen.add(item.objgen)
        action = item.get("/A")
        if action is not None:
            if isinstance(action, Dictionary) and action.get("/S") == Name.GoTo and "/D" in action:
                item.Dest = action.D
            del item["/A"]
            changed += 1
        stack += [item.get("/Next"), item.get("/First")]
    return changed


def _drop_struct_refs(pdf: pikepdf.Pdf, annots: set[tuple[int, int]]) -> int:
    """Remove the structure tree's object references (OBJR) to the removed annotations."""
    tree = pdf.Root.get("/StructTreeRoot")
    if not isinstance(tree, Dictionary) or not annots:
        return 0
    dropped, seen, visited = 0, set[tuple[int, int]](), 0
    stack = [tree]
    while stack and visited < MAX_STRUCT_NODES:
        node = stack.pop()
        visited += 1
        if not isinstance(node, Dictionary) or (node.is_indirect and node.objgen in seen):
            continue
        if node.is_indirect:
            seen.add(node.objgen)
        kids = node.get("/K")
        if isinstance(kids, Dictionary):
            if _refers_to(kids, annots):
                del node["/K"]
                dropped += 1
            else:
                stack.append(kids)
        elif isinstance(kids, Array):
            keep = [k for k in kids if not _refers_to(k, annots)]
            if len(keep) != len(kids):
                dropped += len(kids) - len(keep)
                node.K = Array(keep)
            stack += [k for k in keep if isinstance(k, Dictionary)]
    return dropped


def _refers_to(kid: object, annots: set[tuple[int, int]]) -> bool:
    if not isinstance(kid, Dictionary) or kid.get("/Type") != Name.OBJR:
        return False
    target = kid.get("/Obj")
    return target is not None and target.is_indirect and target.objgen in annots


# -- in a child process --------------------------------------------------------------------------

def clean_isolated(data: bytes, timeout: float = TIMEOUT, memory_mb: int = MEMORY_MB,
                   mode: str = "clean") -> Cleaned:
    """clean_pdf in a child process with a wall-clock and an address-space limit. mode
    "clean+text" also counts the result's text_chars; "text" only counts (data unchanged)."""
    try:   # the child limits its own address space before it reads the file (_main)
        done = subprocess.run([sys.executable, "-m", "checker.fix.clean", str(memory_mb), mode],
                              input=data, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise CleanError(f"cleaning took more than {timeout:g} s") from None
    if done.returncode != 0:
        last = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["crashed"]
        raise CleanError(last[0][:300])
    header, _, body = done.stdout.partition(b"\n")
    facts = json.loads(header)
    return Cleaned(body if mode != "text" else data, int(facts["pages"]), dict(facts["removed"]),
                   dict(facts.get("chars", {})))


def _main() -> int:
    cap = int(sys.argv[1]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    mode = sys.argv[2] if len(sys.argv) > 2 else "clean"
    data = sys.stdin.buffer.read()
    try:
        cleaned = Cleaned(data, 0) if mode == "text" else clean_pdf(data)
    except CleanError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    facts = {"pages": cleaned.pages, "removed": cleaned.removed,
             "chars": text_chars(cleaned.data) if "text" in mode else {}}
    body = b"" if mode == "text" else cleaned.data
    sys.stdout.buffer.write(json.dumps(facts).encode() + b"\n" + body)
    return 0


if __name__ == "__main__":
    sys.exit(_main())
