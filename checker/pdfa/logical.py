"""Logical structure for level A: tagged PDF, structure types, natural language
(ISO 19005-1 6.8; ISO 19005-2/3 6.7)."""
from __future__ import annotations

from collections.abc import Iterator


from .document import Document, as_list, get, is_dict, name, unique_dicts
from .model import Failure, Outcome
from .usage import usage

STANDARD_TYPES = {
    "Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI", "Index",
    "NonStruct", "Private", "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "L", "LI", "Lbl", "LBody",
    "Table", "TR", "TH", "TD", "THead", "TBody", "TFoot", "Span", "Quote", "Note", "Reference",
    "BibEntry", "Code", "Link", "Annot", "Ruby", "RB", "RT", "RP", "Warichu", "WT", "WP", "Figure",
    "Formula", "Form",
}
MAX_ELEMENTS = 200_000


def check(doc: Document) -> Iterator[Outcome]:
    if not doc.flavour.level_a:
        return
    p, rules = doc.part, doc.rules
    mark = get(doc.root, "/MarkInfo")
    marked = get(mark, "/Marked")
    if marked is None or not bool(marked):
        yield doc.fail(rules.marked, "il documento non è dichiarato «marcato» (MarkInfo /Marked true)",
                       "catalogo")
    root = get(doc.root, "/StructTreeRoot")
    langs = [(get(doc.root, "/Lang"), "catalogo")]
    if not is_dict(root):
        yield doc.fail(rules.struct_tree, "manca la struttura logica del documento (StructTreeRoot)",
                       "catalogo")
    else:
        role_map = get(root, "/RoleMap")
        reported: set = set()
        for elem in _elements(root):
            s = name(get(elem, "/S"))
            if get(elem, "/Lang") is not None:
                langs.append((get(elem, "/Lang"), "struttura logica"))
            if s is None or s in reported:
                continue
            if s in STANDARD_TYPES:
                if p >= 2 and _remapped_away(s, role_map):
                    reported.add(s)
                    yield Failure(p, rules.structure_types_clause, 3,
                                  f"il tipo standard «{s}» è rimappato a un tipo non standard",
                                  "struttura logica")
                continue
            problem = _role_problem(s, role_map)
            if problem:
                reported.add(s)
                yield Failure(p, rules.structure_types_clause, 1 if problem == "unmapped" else 2,
                              f"il tipo di struttura «{s}» non è ricondotto a un tipo standard"
                              + (" (mappatura circolare)" if problem == "loop" else ""),
                              "struttura logica")
    langs += [(use.obj, use.where) for use in usage(doc).languages]
    for value, where in langs:
        if value is None:
            continue
        text = str(value)
        if text and not rules.language_tag.match(text):
            yield doc.fail(rules.language, f"la lingua «{text}» non è un codice di lingua valido", where)
            break


def _role_problem(s: str, role_map) -> str:
    seen = {s}
    current = s
    for _ in range(32):
        target = name(get(role_map, "/" + current)) if is_dict(role_map) else None
        if target is None:
            return "unmapped"
        if target in STANDARD_TYPES:
            return ""
        if target in seen:
            return "loop"
        seen.add(target)
        current = target
    return "loop"


def _remapped_away(s: str, role_map) -> bool:
    """A standard type that the RoleMap maps on, ending at a non-standard type (ISO
    19005-2/3 6.7.3.4; veraPDF resolves an element's type through the RoleMap first)."""
    target = name(get(role_map, "/" + s)) if is_dict(role_map) else None
    return target is not None and target not in STANDARD_TYPES and _role_problem(target, role_map) != ""


def _elements(root) -> Iterator:
    """The structure elements under root; marked-content and object references (no /S) are
    counted but not elements."""
    for elem in unique_dicts(as_list(get(root, "/K")), budget=[MAX_ELEMENTS], follow=("/K",),
                             what="too many structure elements"):
        if get(elem, "/S") is not None:
            yield elem
