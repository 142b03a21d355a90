"""The document under validation: raw bytes, the pikepdf object graph, bounded walks.

Every walk over the object graph keeps a visited set (reference loops) and a budget
(files with millions of objects), so a hostile file costs bounded time.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pikepdf

from ..pdf.decode import StreamBomb, Undecodable, decode
from .model import Failure, Flavour, Rule, Undecided
from .parts import PartRules, rules_for

MAX_OBJECTS = 300_000        # objects we are willing to look at one by one
MAX_STREAM_BYTES = 64 << 20  # decoded bytes we read from one stream
INDEXED_KEYS = ("/Type", "/EF", "/AF", "/Metadata")  # Document.dicts_with


class Budget(Exception):
    """A walk exceeded its budget: the family could not be fully checked."""


class Undecidable(Exception):
    """What a rule needs cannot be read (a damaged font program, a number that is not one):
    the rule's caller records it as Undecided instead of letting the file pass."""


def objgen(obj) -> tuple[int, int] | None:
    """(object number, generation) of an indirect object; None for direct objects and for
    the plain Python values (int, Decimal, bool) pikepdf returns for scalars."""
    og = getattr(obj, "objgen", (0, 0))
    return og if og != (0, 0) else None


def is_dict(obj) -> bool:
    return isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream))


def name(obj) -> str | None:
    """A Name's text without the slash, else None."""
    if isinstance(obj, pikepdf.Name):
        try:
            return str(obj)[1:]
        except UnicodeDecodeError:  # a name that is not UTF-8 (judged by structure checks)
            return "\ufffd"
    return None


def get(obj, key: str, default=None):
    """obj[key] for dictionaries and streams, `default` for anything else or a missing key.
    A damaged object raises pikepdf.PdfError: its family is then not decided."""
    if is_dict(obj):
        if key[0] != "/":
            key = "/" + key
        # membership first: pikepdf's get() of a missing key costs ~5x a present one
        if key in obj:
            value = obj.get(key)
            return default if value is None else value
    return default


def as_list(obj) -> list:
    if isinstance(obj, pikepdf.Array):
        return list(obj)
    return [] if obj is None else [obj]


def unique_dicts(start: list, *, budget: list[int], what: str, follow: tuple[str, ...] = (),
                 seen: set | None = None) -> Iterator:
    """Depth-first over the dictionaries in `start` and those each names under the `follow`
    keys (/Next of an action, /Kids of a field, /K of a structure element, /Next and /First
    of an outline item; the last key is walked first): each one once
    (by object number, so a cycle ends), at most budget[0] in all (a list, shared by callers
    that walk several trees), then Budget(what)."""
    seen = set() if seen is None else seen
    stack = list(start)
    while stack:
        item = stack.pop()
        if not is_dict(item):
            continue
        ident = objgen(item) or id(item)
        if ident in seen:
            continue
        seen.add(ident)
        budget[0] -= 1
        if budget[0] < 0:
            raise Budget(what)
        yield item
        for key in follow:
            stack.extend(as_list(get(item, key)))


def read_stream(stream, limit: int = MAX_STREAM_BYTES) -> bytes | None:
    """Decoded stream data, or None when it cannot be decoded or exceeds `limit` bytes.

    Decoded filter by filter under the limit (checker.pdf.decode), never by qpdf as a whole
    chain: a decompression bomb stops at the limit instead of filling memory."""
    try:
        return decode(stream, limit)
    except (pikepdf.PdfError, StreamBomb, Undecodable):  # a bomb, a filter not decoded, damage
        return None


@dataclass
class Document:
    data: bytes
    pdf: pikepdf.Pdf
    flavour: Flavour
    # validates an embedded file against a flavour: compliant True/False, None when undecided
    # (or nested too deep); None when embedded files are not to be validated
    validate_embedded: Callable[[bytes, str], bool | None] | None = field(default=None, repr=False)
    _objects: list | None = field(default=None, repr=False)
    _keyed: dict | None = field(default=None, repr=False)
    cache: dict = field(default_factory=dict, repr=False)  # per-document memos of the families
    rules: PartRules = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.rules = rules_for(self.flavour.part)

    @property
    def part(self) -> int:
        return self.flavour.part

    def fail(self, rule: Rule, detail: str, location: str = "") -> Failure:
        return Failure(self.part, rule.clause, rule.test, detail, location)

    def undecided(self, rule: Rule | str, detail: str, location: str = "") -> Undecided:
        clause = rule.clause if isinstance(rule, Rule) else rule
        return Undecided(self.part, clause, detail, location)

    @property
    def root(self):
        return self.pdf.Root

    @property
    def trailer(self):
        return self.pdf.trailer

    def objects(self) -> list:
        """Every indirect object in the file (bounded)."""
        if self._objects is None:
            objs = []
            for i, obj in enumerate(self.pdf.objects):
                if i >= MAX_OBJECTS:
                    raise Budget(f"more than {MAX_OBJECTS} objects")
                objs.append(obj)
            self._objects = objs
        return self._objects

    def dicts(self) -> Iterator:
        """Every indirect dictionary or stream."""
        for obj in self.objects():
            if is_dict(obj):
                yield obj

    def dicts_with(self, *keys: str) -> list:
        """The indirect dictionaries and streams having any of `keys` (INDEXED_KEYS only),
        in file order. One pass over the objects indexes them all, so the families that
        look for file specifications or metadata do not ask every object for every key."""
        if self._keyed is None:
            keyed: dict[str, list[int]] = {k: [] for k in INDEXED_KEYS}
            for i, obj in enumerate(self.objects()):
                if is_dict(obj):
                    present = obj.keys()  # one call, then set lookups
                    for k in INDEXED_KEYS:
                        if k in present:
                            keyed[k].append(i)
            self._keyed = keyed
        objs = self.objects()
        if len(keys) == 1:
            return [objs[i] for i in self._keyed[keys[0]]]
        return [objs[i] for i in sorted({i for k in keys for i in self._keyed[k]})]

    def pages(self) -> list:
        """The pages; a broken page tree raises pikepdf.PdfError (the family is not decided)."""
        return list(self.pdf.pages)
