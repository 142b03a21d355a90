"""Annotations, actions, interactive forms, optional content
(ISO 19005-1 6.5, 6.6, 6.9, 6.1.13; ISO 19005-2/3 6.3, 6.4, 6.5, 6.9)."""
from __future__ import annotations

from collections.abc import Iterator

import pikepdf

from .document import Document, as_list, get, is_dict, name, objgen, read_stream, unique_dicts
from .model import Failure, Outcome, Rule

# the same in every part
_FORBIDDEN_ACTIONS = {"Launch", "Sound", "Movie", "ResetForm", "ImportData", "JavaScript",
                      "Hide", "SetOCGState", "Rendition", "Trans", "GoTo3DView"}
_NAMED_OK = {"NextPage", "PrevPage", "FirstPage", "LastPage"}
_KNOWN_ACTIONS = {"GoTo", "GoToR", "GoToE", "Launch", "Thread", "URI", "Sound", "Movie", "Hide",
                  "Named", "SubmitForm", "ResetForm", "ImportData", "JavaScript", "SetOCGState",
                  "Rendition", "Trans", "GoTo3DView"}
MAX_ANNOTS = 50_000


def page_annotations(doc: Document) -> Iterator[tuple[object, str]]:
    seen: set = set()
    budget = [MAX_ANNOTS]
    for n, page in enumerate(doc.pages(), start=1):
        for annot in unique_dicts(as_list(get(page.obj, "/Annots")), budget=budget, seen=seen,
                                  what="too many annotations"):
            yield annot, f"pagina {n}"


def check(doc: Document) -> Iterator[Outcome]:
    yield from _annotations(doc)
    yield from _actions(doc)
    yield from _forms(doc)
    yield from _optional_content(doc)


def _annotations(doc: Document) -> Iterator[Outcome]:
    p, rules = doc.part, doc.rules
    for annot, where in page_annotations(doc):
        subtype = name(get(annot, "/Subtype")) or ""
        if subtype not in rules.annotation_types:
            yield doc.fail(rules.annotation_type, f"annotazione di tipo «{subtype}» non ammessa", where)
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
                yield doc.fail(rules.annotation_no_flags,
                               f"l'annotazione {subtype} non ha i flag /F (deve essere stampabile)", where)
        else:
            f = int(_number(flags) or 0)
            if not f & 4 or f & rules.annotation_hidden_flags:
                yield doc.fail(rules.annotation_hidden,
                               f"l'annotazione {subtype} non è stampabile o è nascosta (F={f})", where)
        if p == 1 and (get(annot, "/C") is not None or get(annot, "/IC") is not None) \
                and _intent_space(doc) != "RGB ":
            yield Failure(1, "6.5.3", 3, "annotazione con colori C/IC senza un profilo di output "
                          "RGB", where)
        yield from _appearance(annot, subtype, where, p, rules.appearance_first)


def _intent_space(doc: Document) -> str | None:
    """The colour space of the PDF/A output intent's ICC profile ("RGB "), if any."""
    for oi in as_list(get(doc.root, "/OutputIntents")):
        profile = get(oi, "/DestOutputProfile")
        if name(get(oi, "/S")) == "GTS_PDFA1" and isinstance(profile, pikepdf.Stream):
            data = read_stream(profile, limit=8 << 20) or b""
            return data[16:20].decode("latin-1") if len(data) >= 20 else None
    return None


def _appearance(annot, subtype: str, where: str, p: int, first_rule: Rule) -> Iterator[Outcome]:
    # ISO 19005-1 6.5.3-4..6 and ISO 19005-2/3 6.3.3-2..4 say the same of the AP dictionary
    clause, first = first_rule.clause, first_rule.test
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
    return unique_dicts([action], budget=budget, follow=("/Next",), what="too many actions")


def _actions(doc: Document) -> Iterator[Outcome]:
    p, clause = doc.part, doc.rules.actions_clause
    budget = [100_000]
    sources: list[tuple[object, str]] = []
    root = doc.root
    if get(root, "/OpenAction") is not None and is_dict(get(root, "/OpenAction")):
        sources.append((get(root, "/OpenAction"), "apertura del documento"))
    for annot, where in page_annotations(doc):
        if get(annot, "/A") is not None:
            sources.append((get(annot, "/A"), where))
    for item, where in _outline_items(doc, budget):
        if get(item, "/A") is not None:
            sources.append((get(item, "/A"), where))
    for first, where in sources:
        for action in _action_chain(first, budget):
            s = name(get(action, "/S"))
            if s in _FORBIDDEN_ACTIONS or s is not None and s not in _KNOWN_ACTIONS:
                yield Failure(p, clause, 1, f"azione «{s}» non ammessa", where)
            elif s == "Named":
                named = name(get(action, "/N"))
                if named not in _NAMED_OK:
                    yield Failure(p, clause, 2, f"azione con nome «{named}» non ammessa", where)
    # additional actions (trigger events)
    trig = doc.rules.triggers_clause
    if get(root, "/AA") is not None:
        yield Failure(p, trig, doc.rules.catalog_triggers_test, "il catalogo contiene azioni automatiche (/AA)",
                      "catalogo")
    if p >= 2:
        for n, page in enumerate(doc.pages(), start=1):
            if get(page.obj, "/AA") is not None:
                yield Failure(p, trig, 2, "la pagina contiene azioni automatiche (/AA)",
                              f"pagina {n}")
    for annot, where in page_annotations(doc):
        if name(get(annot, "/Subtype")) == "Widget" and get(annot, "/AA") is not None:
            yield doc.fail(doc.rules.widget_triggers, "un campo del modulo contiene azioni automatiche (/AA)", where)
    for fld in _fields(doc, budget):
        if get(fld, "/AA") is not None:
            yield doc.fail(doc.rules.field_triggers, "un campo del modulo contiene azioni automatiche (/AA)",
                           "modulo")


def _outline_items(doc: Document, budget: list[int]) -> Iterator[tuple[object, str]]:
    first = get(get(doc.root, "/Outlines"), "/First")
    for item in unique_dicts([first], budget=budget, follow=("/Next", "/First"),
                             what="too many outline items"):
        yield item, "segnalibri"


def _fields(doc: Document, budget: list[int]) -> Iterator:
    fields = as_list(get(get(doc.root, "/AcroForm"), "/Fields"))
    return unique_dicts(fields, budget=budget, follow=("/Kids",), what="too many form fields")


def _forms(doc: Document) -> Iterator[Outcome]:
    p = doc.part
    form = get(doc.root, "/AcroForm")
    if is_dict(form):
        need = get(form, "/NeedAppearances")
        if need is not None and bool(need) is True and str(need) != "false":
            yield doc.fail(doc.rules.need_appearances,
                           "il modulo chiede al lettore di ricreare gli aspetti (NeedAppearances)", "modulo")
        if p >= 2 and get(form, "/XFA") is not None:
            yield Failure(p, "6.4.2", 1, "il modulo contiene XFA", "modulo")
    if p >= 2 and get(doc.root, "/NeedsRendering") is not None and bool(get(doc.root, "/NeedsRendering")):
        yield Failure(p, "6.4.2", 2, "il catalogo chiede il rendering dinamico (NeedsRendering)",
                      "catalogo")
    for annot, where in page_annotations(doc):
        if name(get(annot, "/Subtype")) != "Widget":
            continue
        if get(annot, "/A") is not None:
            yield doc.fail(doc.rules.widget_action, "un campo del modulo contiene un'azione (/A)", where)
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


def _optional_content(doc: Document) -> Iterator[Outcome]:
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
