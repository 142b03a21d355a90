"""The bounded walk from the document catalogue: actions, annotations, files, forms.

Only what a viewer can reach matters (an unreferenced object is never run), so the walk
starts at /Root, pages first so that a widget is located on its page rather than in the
field tree. Every indirect object is visited once (visited set by object number: reference
loops and /Next cycles end there); direct objects are bounded by depth; the whole walk by a
node budget and a deadline. Names are compared after qpdf's decoding, so #4A#61vaScript is
/JavaScript, and objects inside object streams are read like any other.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import pikepdf

from ..pdf.decode import StreamBomb, Undecodable, decode
from .model import Hit, HitKind, Limits

# Keys never followed: back-references (/Parent, /P), and large structures that hold no
# actions a viewer runs (fonts, images, colour spaces, the structure tree, thumbnails).
_SKIP_KEYS = frozenset({"/Parent", "/P", "/Resources", "/Font", "/ColorSpace", "/XObject",
                        "/StructTreeRoot", "/ParentTree", "/Thumb", "/OutputIntents",
                        "/Metadata", "/PieceInfo", "/Contents", "/DSS", "/Perms", "/Encrypt",
                        "/ID", "/Pg"})

_FORM_ACTIONS = {"/SubmitForm", "/ImportData", "/ResetForm"}
_REMOTE_GOTO = {"/GoToR", "/GoToE"}
# actions that change what the page shows (hide fields, switch layers, page transitions)
_DISPLAY_ACTIONS = {"/Hide", "/SetOCGState", "/Trans"}
_MEDIA_ACTIONS = {"/Rendition", "/Movie", "/Sound", "/RichMediaExecute", "/GoTo3DView"}
_MEDIA_ANNOTS = {"/RichMedia", "/3D", "/Movie", "/Sound", "/Screen"}
_PUSHBUTTON = 1 << 16
_READONLY = 1


class Budget(Exception):
    """A bound was reached (nodes or time)."""


@dataclass
class _Frame:
    obj: object
    path: tuple[str, ...]
    page: int | None
    owner: str  # nearest indirect object, "12 0"
    depth: int


_BROKEN = (pikepdf.PdfError, TypeError, ValueError, UnicodeError, KeyError, AttributeError,
           IndexError, OverflowError)


def _name(value) -> str:
    if not isinstance(value, pikepdf.Name):
        return ""
    try:
        return str(value)
    except UnicodeError:  # a name that is not UTF-8: never one of the names we look for
        return value.unparse().decode("latin-1")


def _items(obj) -> list:
    """A dictionary's entries; names that are not UTF-8 cannot round-trip through get()."""
    try:
        return list(obj.items())
    except _BROKEN:
        return []


def _text(value, limit: int = 300) -> str:
    if isinstance(value, pikepdf.String):
        try:
            return str(value)[:limit]
        except (UnicodeDecodeError, ValueError):
            return bytes(value)[:limit].decode("latin-1")
    if isinstance(value, pikepdf.Name):
        return str(value)[:limit]
    return ""


def _filespec_name(spec) -> str:
    if isinstance(spec, pikepdf.String):
        return _text(spec)
    if isinstance(spec, pikepdf.Dictionary):
        for key in ("/UF", "/F", "/Unix", "/DOS", "/Mac"):
            if key in spec:
                return _text(spec[key])
    return ""


class Walker:
    """One bounded walk over one opened Pdf; collects Hits."""

    def __init__(self, pdf: pikepdf.Pdf, limits: Limits, max_nodes: int, seconds: float,
                 revision: int = 0):
        self.pdf = pdf
        self.limits = limits
        self.max_nodes = max_nodes
        self.deadline = time.monotonic() + seconds
        self.revision = revision
        self.hits: list[Hit] = []
        self.nodes = 0
        self.visited: set[tuple[int, int]] = set()
        self.pages: dict[tuple[int, int], int] = {}
        self.exhausted = ""  # why the walk stopped early, "" when complete
        self.broken = 0       # objects that could not be read (damaged file)
        self.first_broken = ""

    # -- helpers ---------------------------------------------------------------------------
    def _tick(self) -> None:
        self.nodes += 1
        if self.nodes > self.max_nodes:
            raise Budget(f"più di {self.max_nodes} oggetti raggiungibili")
        if self.nodes % 512 == 0 and time.monotonic() > self.deadline:
            raise Budget("tempo di analisi esaurito")

    def _hit(self, kind: HitKind, frame: _Frame, detail: str = "", subtype: str = "",
             **extra: str) -> None:
        self.hits.append(Hit(kind=kind, where=self.where(frame), detail=detail[:300],
                             subtype=subtype, revision=self.revision,
                             extra=tuple(sorted(extra.items()))))

    @staticmethod
    def where(frame: _Frame) -> str:
        """"pagina 2, annotazione 3 (/Annots[3]/A/Next), oggetto 12 0": the page and the
        annotation in words, the PDF path for whoever opens the file with a PDF tool."""
        path = list(frame.path)
        head = ""
        if frame.page is not None:
            head = f"pagina {frame.page}"
            if path[:1] == ["/Page"]:
                path = path[1:]
            if path[:1] == ["/Annots"] and len(path) > 1 and path[1].startswith("["):
                head += f", annotazione {path[1].strip('[]')}"
        shown = ("…" if len(path) > 6 else "") + "".join(path[-6:])
        parts = [head] if head else []
        if shown:
            parts[-1:] = [f"{parts[-1]} ({shown})"] if parts else [shown]
        if frame.owner:
            parts.append(f"oggetto {frame.owner}")
        return ", ".join(parts)

    # -- pages -----------------------------------------------------------------------------
    def _map_pages(self) -> None:
        """Page object → page number, by a bounded walk of the page tree (loop-safe)."""
        root = self.pdf.Root
        pages = root.get("/Pages")
        stack = [pages] if pages is not None else []
        seen: set[tuple[int, int]] = set()
        count = 0
        while stack and count < 100_000:
            node = stack.pop()
            if not isinstance(node, pikepdf.Dictionary):
                continue
            og = node.objgen
            if og != (0, 0):
                if og in seen:
                    continue
                seen.add(og)
            count += 1
            kids = node.get("/Kids")
            if isinstance(kids, pikepdf.Array):
                stack.extend(reversed(list(kids)[:100_000]))
            elif _name(node.get("/Type")) == "/Page" or "/Kids" not in node:
                self.pages.setdefault(og, len(self.pages) + 1)

    # -- the walk --------------------------------------------------------------------------
    def _broke(self, exc: BaseException) -> None:
        self.broken += 1
        if not self.first_broken:
            self.first_broken = f"{type(exc).__name__}: {exc}"[:200]

    def run(self) -> list[Hit]:
        try:
            root = self.pdf.Root
            if not isinstance(root, pikepdf.Dictionary):
                self._broke(ValueError("il catalogo (/Root) non è un dizionario"))
                return self.hits
            for step in (self._map_pages, lambda: self._check_catalog(root),
                         lambda: self._walk(root), lambda: self._check_fields(root)):
                try:
                    step()
                except _BROKEN as exc:
                    self._broke(exc)
        except Budget as exc:
            self.exhausted = str(exc)
        except RecursionError:
            self.exhausted = "oggetti annidati troppo in profondità"
        except _BROKEN as exc:
            self._broke(exc)
        return self.hits

    def _walk(self, root) -> None:
        first = ["/Pages", "/OpenAction", "/AA", "/Names", "/AcroForm", "/Outlines"]
        keys = [k for k in first if k in root] + [k for k in root if k not in first]
        self.visited.add(root.objgen)
        owner = "{} {}".format(*root.objgen) if root.is_indirect else ""
        entries = dict(_items(root))
        stack = [_Frame(entries[k], (k,), None, owner, 1) for k in reversed(keys)
                 if k not in _SKIP_KEYS and k in entries]
        while stack:
            frame = stack.pop()
            try:
                self._visit(frame, stack)
            except _BROKEN as exc:
                self._broke(exc)

    def _visit(self, frame: _Frame, stack: list[_Frame]) -> None:
        obj = frame.obj
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)):
            if obj.is_indirect:
                og = obj.objgen
                if og in self.visited:
                    return
                self.visited.add(og)
                frame.owner = "{} {}".format(*og)
                if og in self.pages:
                    frame.page = self.pages[og]
                    frame.path = ("/Page",)
            self._tick()
            if frame.depth > self.limits.max_depth:
                raise Budget(f"oltre {self.limits.max_depth} livelli di oggetti annidati")
            if isinstance(obj, pikepdf.Array):
                items = list(obj)
                if len(items) > self.max_nodes:
                    raise Budget(f"array di {len(items)} elementi")
                for i in range(len(items) - 1, -1, -1):
                    child = items[i]
                    if isinstance(child, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)):
                        stack.append(_Frame(child, frame.path + (f"[{i + 1}]",), frame.page,
                                            frame.owner, frame.depth + 1))
                return
            self._inspect(obj, frame)
            widget = _name(obj.get("/Subtype")) == "/Widget"
            for key, child in _items(obj):
                # a widget's /Parent is its field, whose /AA the viewer runs for the widget
                if key in _SKIP_KEYS and not (widget and key == "/Parent"):
                    continue
                if isinstance(child, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)):
                    stack.append(_Frame(child, frame.path + (key,), frame.page, frame.owner,
                                        frame.depth + 1))

    # -- what a dictionary is --------------------------------------------------------------
    def _inspect(self, d, frame: _Frame) -> None:
        subtype = _name(d.get("/S"))
        if "/JS" in d or subtype == "/JavaScript":
            self._hit(HitKind.JAVASCRIPT, frame, self._js_excerpt(d.get("/JS")),
                      subtype or "/JS")
        if subtype == "/Launch":
            target = _filespec_name(d.get("/F"))
            win = d.get("/Win")
            if not target and isinstance(win, pikepdf.Dictionary):
                target = _text(win.get("/F"))
            self._hit(HitKind.LAUNCH, frame, target, subtype)
        elif subtype == "/URI":
            uri = _text(d.get("/URI"), 500)
            kind = HitKind.MAILTO if uri.strip().lower().startswith("mailto:") else HitKind.URI
            self._hit(kind, frame, uri, subtype)
        elif subtype in _FORM_ACTIONS:
            self._hit(HitKind.FORM_ACTION, frame, _filespec_name(d.get("/F")), subtype)
        elif subtype in _REMOTE_GOTO:
            target = _filespec_name(d.get("/F"))
            t = d.get("/T")
            if not target and isinstance(t, pikepdf.Dictionary):
                target = _text(t.get("/N")) or _text(t.get("/A"))
            self._hit(HitKind.REMOTE_GOTO, frame, target, subtype)
        elif subtype in _MEDIA_ACTIONS:
            self._hit(HitKind.MULTIMEDIA, frame, "", subtype)
        elif subtype in _DISPLAY_ACTIONS and _name(d.get("/Type")) in ("", "/Action"):
            self._hit(HitKind.DISPLAY_ACTION, frame, "", subtype)
        annot = _name(d.get("/Subtype"))
        if annot in _MEDIA_ANNOTS and ("/Rect" in d or _name(d.get("/Type")) == "/Annot"):
            self._hit(HitKind.MULTIMEDIA, frame, _text(d.get("/Contents")), annot)
        ef = d.get("/EF")
        if isinstance(ef, pikepdf.Dictionary):
            self._embedded(d, ef, frame)

    def _js_excerpt(self, js) -> str:
        try:
            if isinstance(js, pikepdf.Stream):
                data = decode(js, self.limits.stream_bytes)
            elif isinstance(js, pikepdf.String):
                data = bytes(js)
            else:
                return ""
        except StreamBomb as exc:
            return f"(script di dimensione anomala: {exc})"
        except (pikepdf.PdfError, Undecodable):
            return "(script illeggibile)"
        if data.startswith((b"\xfe\xff", b"\xff\xfe")):
            text = data.decode("utf-16", "replace")
        else:
            text = data.decode("latin-1")
        return " ".join(text.split())[: self.limits.js_excerpt]

    def _embedded(self, spec, ef, frame: _Frame) -> None:
        name = _filespec_name(spec) or "(senza nome)"
        rel = _name(spec.get("/AFRelationship"))
        stream = ef.get("/UF") or ef.get("/F")
        head = b""
        is_pdfa = ""
        if isinstance(stream, pikepdf.Stream):
            try:
                head = decode(stream, self.limits.stream_bytes)
                is_pdfa = "1" if head.startswith(b"%PDF") and b"pdfaid" in head else "0"
            except (StreamBomb, Undecodable, pikepdf.PdfError):
                is_pdfa = "?"
        self._hit(HitKind.EMBEDDED_FILE, frame, name, "/EmbeddedFile",
                  afrelationship=rel.lstrip("/"), pdfa=is_pdfa, size=str(len(head)))

    # -- the catalogue and the form --------------------------------------------------------
    def _check_catalog(self, root) -> None:
        frame = _Frame(root, ("/AcroForm",), None, "", 0)
        form = root.get("/AcroForm")
        if isinstance(form, pikepdf.Dictionary):
            if "/XFA" in form:
                self._hit(HitKind.XFA, frame, "", "/XFA")
            need = form.get("/NeedAppearances")
            if isinstance(need, bool) and need:
                self._hit(HitKind.NEED_APPEARANCES, frame, "", "/NeedAppearances")

    def _check_fields(self, root) -> None:
        """Terminal fields a person is expected to fill and that have no value."""
        form = root.get("/AcroForm")
        if not isinstance(form, pikepdf.Dictionary):
            return
        fields = form.get("/Fields")
        if not isinstance(fields, pikepdf.Array):
            return
        seen: set[tuple[int, int]] = set()
        # (field, full name, inherited FT, inherited V present, inherited Ff, depth)
        stack = [(f, "", "", False, 0, 0) for f in reversed(list(fields)[: self.max_nodes])]
        while stack:
            field, parent_name, ft, has_v, ff, depth = stack.pop()
            if not isinstance(field, pikepdf.Dictionary) or depth > 64:
                continue
            if field.is_indirect:
                if field.objgen in seen:
                    continue
                seen.add(field.objgen)
            self._tick()
            partial = _text(field.get("/T"))
            name = ".".join(x for x in (parent_name, partial) if x)
            ft = _name(field.get("/FT")) or ft
            has_v = has_v or ("/V" in field and not _is_empty(field.get("/V")))
            flags = field.get("/Ff")
            ff = int(flags) if isinstance(flags, int) else ff
            kids = field.get("/Kids")
            child_fields = [k for k in kids if isinstance(k, pikepdf.Dictionary) and "/T" in k] \
                if isinstance(kids, pikepdf.Array) else []
            if child_fields:
                for k in reversed(child_fields):
                    stack.append((k, name, ft, has_v, ff, depth + 1))
                continue
            if ft in ("", "/Sig") or has_v or ff & _READONLY:
                continue
            if ft == "/Btn" and ff & _PUSHBUTTON:
                continue
            page = self._widget_page(field, kids)
            og = "{} {}".format(*field.objgen) if field.is_indirect else ""
            self._hit(HitKind.UNFILLED_FIELD, _Frame(field, (), page, og, 0), name or "(senza nome)",
                      ft)

    def _widget_page(self, field, kids) -> int | None:
        widgets = [field] + (list(kids)[:8] if isinstance(kids, pikepdf.Array) else [])
        for w in widgets:
            if isinstance(w, pikepdf.Dictionary):
                p = w.get("/P")
                if isinstance(p, pikepdf.Dictionary) and p.objgen in self.pages:
                    return self.pages[p.objgen]
        return None


def _is_empty(value) -> bool:
    if value is None:
        return True
    if isinstance(value, pikepdf.String):
        return len(bytes(value)) == 0
    if isinstance(value, pikepdf.Name):
        return False  # /Off is a choice too: an unticked box has been answered
    return False
