"""Annotations, actions, interactive forms, optional content
(ISO 19005-1 6.5, 6.6, 6.9, 6.1.13; ISO 19005-2/3 6.3, 6.4, 6.5, 6.9)."""
from __future__ import annotations

from collections.abc import Iterator

import pikepdf

from .document import Budget, Document, as_list, get, is_dict, name, objgen, read_stream
from .model import Failure

_ANNOTS_1 = {"Text", "Link", "FreeText", "Line", "Square", "Circle", "Polygon", "PolyLine",
             "Highlight", "Underline", "Squiggly", "StrikeOut", "Stamp", "Ink", "Popup",
             "Widget", "PrinterMark", "TrapNet"}
_ANNOTS_2 = _ANNOTS_1 | {"Caret", "FileAttachment", "Watermark", "Redact"}
_FORBIDDEN_ACTIONS_1 = {"Launch", "Sound", "Movie", "ResetForm", "ImportData", "JavaScript",
                        "Hide", "SetOCGState", "Rendition", "Trans", "GoTo3DView"}
_FORBIDDEN_ACTIONS_2 = _FORBIDDEN_ACTIONS_1
_NAMED_OK = {"NextPage", "PrevPage", "FirstPage", "LastPage"}
_KNOWN_ACTIONS = {"GoTo", "GoToR", "GoToE", "Launch", "Thread", "URI", "Sound", "Movie", "Hide",
                  "Named", "SubmitForm", "ResetForm", "ImportData", "JavaScript", "SetOCGState",
                  "Rendition", "Trans", "GoTo3DView"}
MAX_ANNOTS = 50_000


def annotations(doc: Document) -> Iterator[tuple[object, str]]:
    seen = set()
    count = 0
    for n, page in enumerate(doc.pages(), start=1):
        for annot in as_list(get(page.obj, "/Annots")):
            if not is_dict(annot):
                continue
            key = objgen(annot) or id(annot)
            if key in seen:
                continue
            seen.add(key)
            count += 1
            if count > MAX_ANNOTS:
                raise Budget("too many annotations")
            yield annot, f"pagina {n}"


def check(doc: Document) -> Iterator[Failure]:
    yield from _annotations(doc)
    yield from _actions(doc)
    yield from _forms(doc)
    yield from _optional_content(doc)


def _annotations(doc: Document) -> Iterator[Failure]:
    p = doc.part
    for annot, where in annotations(doc):
        subtype = name(get(annot, "/Subtype")) or ""
        allowed = _ANNOTS_1 if p == 1 else _ANNOTS_2
        if subtype not in allowed:
            yield Failure(p, "6.5.2" if p == 1 else "6.3.1", 1,
                          f"annotazione di tipo «{subtype}» non ammessa", where)
            continue
        if p == 1:
            ca = get(annot, "/CA")
            if ca is not None and _number(ca) != 1.0:
                yield Failure(1, "6.5.3", 1, "annotazione trasparente (CA diverso da 1.0)", where)
        flags = get(annot, "/F")
        if flags is None:
            # ISO 19005-2/3 6.3.2-1 exempt Popup annotations; ISO 19005-1 6.5.3-2 does not
            # (veraPDF's PDF/A-1 profile fails a Popup without /F, e.g. LibreOffice's comments)
            if subtype != "Popup" or p == 1:
                yield Failure(p, "6.5.3" if p == 1 else "6.3.2", 2 if p == 1 else 1,
                              f"l'annotazione {subtype} non ha i flag /F (deve essere stampabile)",
                              where)
        else:
            f = int(_number(flags) or 0)
            # Invisible, Hidden, NoView; ISO 19005-2 6.3.2 adds ToggleNoView (a PDF 1.5 flag
            # that ISO 19005-1 6.5.3 does not name)
            forbidden = 1 | 2 | 32 | (256 if p >= 2 else 0)
            if not f & 4 or f & forbidden:
                yield Failure(p, "6.5.3" if p == 1 else "6.3.2", 2 if p == 1 else 2,
                              f"l'annotazione {subtype} non è stampabile o è nascosta (F={f})",
                              where)
        if p == 1 and (get(annot, "/C") is not None or get(annot, "/IC") is not None) \
                and _intent_space(doc) != "RGB ":
            yield Failure(1, "6.5.3", 3, "annotazione con colori C/IC senza un profilo di output "
                          "RGB", where)
        yield from _appearance(annot, subtype, where, p)


def _intent_space(doc: Document) -> str | None:
    """The colour space of the PDF/A output intent's ICC profile ("RGB "), if any."""
    for oi in as_list(get(doc.root, "/OutputIntents")):
        profile = get(oi, "/DestOutputProfile")
        if name(get(oi, "/S")) == "GTS_PDFA1" and isinstance(profile, pikepdf.Stream):
            data = read_stream(profile, limit=8 << 20) or b""
            return data[16:20].decode("latin-1") if len(data) >= 20 else None
    return None


def _appearance(annot, subtype: str, where: str, p: int) -> Iterator[Failure]:
    # ISO 19005-1 6.5.3-4..6 and ISO 19005-2/3 6.3.3-2..4 say the same of the AP dictionary
    clause, first = ("6.5.3", 3) if p == 1 else ("6.3.3", 1)
    ap = get(annot, "/AP")
    rect = [_number(x) for x in as_list(get(annot, "/Rect"))]
    # ISO 19005-2 6.3.3: exempt only when value 1 equals value 3 AND value 2 equals value 4
    zero = len(rect) == 4 and None not in rect and rect[0] == rect[2] and rect[1] == rect[3]
    if ap is None:
        if p >= 2 and subtype not in ("Popup", "Link") and not zero:
            yield Failure(p, "6.3.3", 1, f"l'annotazione {subtype} non ha un aspetto (/AP)", where)
        return
    if not is_dict(ap):
        return
    keys = set(ap.keys())
    if keys - {"/N"}:
        yield Failure(p, clause, first + 1, f"l'aspetto dell'annotazione {subtype} contiene "
                      f"{', '.join(sorted(k[1:] for k in keys - {'/N'}))} oltre a N", where)
    normal = get(ap, "/N")
    if normal is None:
        return
    field_type = name(get(annot, "/FT")) or name(get(get(annot, "/Parent"), "/FT"))
    if subtype == "Widget" and field_type == "Btn":
        if not isinstance(normal, pikepdf.Dictionary):
            yield Failure(p, clause, first + 2, "l'aspetto di un pulsante deve essere un dizionario di stati",
                          where)
    elif not isinstance(normal, pikepdf.Stream):
        yield Failure(p, clause, first + 3, f"l'aspetto dell'annotazione {subtype} non è un flusso",
                      where)


def _number(obj) -> float | None:
    try:
        return float(obj)
    except (TypeError, ValueError):
        return None


# --- actions ---

def _action_chain(action, budget: list[int]) -> Iterator:
    seen = set()
    stack = [action]
    while stack:
        a = stack.pop()
        if not is_dict(a):
            continue
        key = objgen(a) or id(a)
        if key in seen:
            continue
        seen.add(key)
        budget[0] -= 1
        if budget[0] < 0:
            raise Budget("too many actions")
        yield a
        stack.extend(as_list(get(a, "/Next")))


def _actions(doc: Document) -> Iterator[Failure]:
    p = doc.part
    clause = "6.6.1" if p == 1 else "6.5.1"
    forbidden = _FORBIDDEN_ACTIONS_1 if p == 1 else _FORBIDDEN_ACTIONS_2
    budget = [100_000]
    sources: list[tuple[object, str]] = []
    root = doc.root
    if get(root, "/OpenAction") is not None and is_dict(get(root, "/OpenAction")):
        sources.append((get(root, "/OpenAction"), "apertura del documento"))
    for annot, where in annotations(doc):
        if get(annot, "/A") is not None:
            sources.append((get(annot, "/A"), where))
    for item, where in _outline_items(doc, budget):
        if get(item, "/A") is not None:
            sources.append((get(item, "/A"), where))
    for first, where in sources:
        for action in _action_chain(first, budget):
            s = name(get(action, "/S"))
            if s in forbidden or s is not None and s not in _KNOWN_ACTIONS:
                yield Failure(p, clause, 1, f"azione «{s}» non ammessa", where)
            elif s == "Named":
                n = name(get(action, "/N"))
                if n not in _NAMED_OK:
                    yield Failure(p, clause, 2, f"azione con nome «{n}» non ammessa", where)
    # additional actions (trigger events)
    trig = "6.6.2" if p == 1 else "6.5.2"
    if get(root, "/AA") is not None:
        yield Failure(p, trig, 3 if p == 1 else 1, "il catalogo contiene azioni automatiche (/AA)",
                      "catalogo")
    if p >= 2:
        for n, page in enumerate(doc.pages(), start=1):
            if get(page.obj, "/AA") is not None:
                yield Failure(p, trig, 2, "la pagina contiene azioni automatiche (/AA)",
                              f"pagina {n}")
    for annot, where in annotations(doc):
        if name(get(annot, "/Subtype")) == "Widget" and get(annot, "/AA") is not None:
            yield Failure(p, "6.6.2" if p == 1 else "6.4.1", 1,
                          "un campo del modulo contiene azioni automatiche (/AA)", where)
    for fld in _fields(doc, budget):
        if get(fld, "/AA") is not None:
            yield Failure(p, "6.6.2" if p == 1 else "6.4.1", 2,
                          "un campo del modulo contiene azioni automatiche (/AA)", "modulo")


def _outline_items(doc: Document, budget: list[int]) -> Iterator[tuple[object, str]]:
    outlines = get(doc.root, "/Outlines")
    seen = set()
    stack = [get(outlines, "/First")]
    while stack:
        item = stack.pop()
        if not is_dict(item):
            continue
        key = objgen(item) or id(item)
        if key in seen:
            continue
        seen.add(key)
        budget[0] -= 1
        if budget[0] < 0:
            raise Budget("too many outline items")
        yield item, "segnalibri"
        stack.append(get(item, "/Next"))
        stack.append(get(item, "/First"))


def _fields(doc: Document, budget: list[int]) -> Iterator:
    form = get(doc.root, "/AcroForm")
    seen = set()
    stack = as_list(get(form, "/Fields"))
    while stack:
        fld = stack.pop()
        if not is_dict(fld):
            continue
        key = objgen(fld) or id(fld)
        if key in seen:
            continue
        seen.add(key)
        budget[0] -= 1
        if budget[0] < 0:
            raise Budget("too many form fields")
        yield fld
        stack.extend(as_list(get(fld, "/Kids")))


def _forms(doc: Document) -> Iterator[Failure]:
    p = doc.part
    form = get(doc.root, "/AcroForm")
    if is_dict(form):
        need = get(form, "/NeedAppearances")
        if need is not None and bool(need) is True and str(need) != "false":
            yield Failure(p, "6.9" if p == 1 else "6.4.1", 1 if p == 1 else 3,
                          "il modulo chiede al lettore di ricreare gli aspetti (NeedAppearances)",
                          "modulo")
        if p >= 2 and get(form, "/XFA") is not None:
            yield Failure(p, "6.4.2", 1, "il modulo contiene XFA", "modulo")
    if p >= 2 and get(doc.root, "/NeedsRendering") is not None and bool(get(doc.root, "/NeedsRendering")):
        yield Failure(p, "6.4.2", 2, "il catalogo chiede il rendering dinamico (NeedsRendering)",
                      "catalogo")
    for annot, where in annotations(doc):
        if name(get(annot, "/Subtype")) != "Widget":
            continue
        if get(annot, "/A") is not None:
            yield Failure(p, "6.6.1" if p == 1 else "6.4.1", 3 if p == 1 else 1,
                          "un campo del modulo contiene un'azione (/A)", where)
        if p == 1 and get(annot, "/FT") is not None and get(annot, "/AP") is None:
            yield Failure(1, "6.9", 2, "un campo del modulo non ha un aspetto (/AP)", where)


def _ocgs(array, depth: int = 0) -> set:
    """objgens of the optional content groups in an array (Order nests arrays)."""
    found: set = set()
    for item in as_list(array):
        if isinstance(item, pikepdf.Array) and depth < 32:
            found |= _ocgs(item, depth + 1)
        elif objgen(item) is not None:
            found.add(objgen(item))
    return found


def _optional_content(doc: Document) -> Iterator[Failure]:
    props = get(doc.root, "/OCProperties")
    if props is None:
        return
    if doc.part == 1:
        yield Failure(1, "6.1.13", 1, "il documento usa contenuti opzionali (livelli)", "catalogo")
        return
    configs = [get(props, "/D")] + as_list(get(props, "/Configs"))
    names = []
    for cfg in configs:
        if not is_dict(cfg):
            continue
        nm = get(cfg, "/Name")
        if nm is None:
            yield Failure(doc.part, "6.9", 1, "una configurazione dei livelli non ha il nome (/Name)",
                          "catalogo")
        else:
            names.append(str(nm))
        if get(cfg, "/AS") is not None:
            yield Failure(doc.part, "6.9", 4, "una configurazione dei livelli contiene /AS", "catalogo")
        order = get(cfg, "/Order")
        if order is not None and _ocgs(get(props, "/OCGs")) - _ocgs(order):
            yield Failure(doc.part, "6.9", 3, "l'ordine dei livelli (/Order) non elenca tutti i "
                          "livelli", "catalogo")
    if len(names) != len(set(names)):
        yield Failure(doc.part, "6.9", 2, "due configurazioni dei livelli hanno lo stesso nome",
                      "catalogo")
