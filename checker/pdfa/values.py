"""Every direct value of every indirect object against the implementation limits
(ISO 19005-1 6.1.12, ISO 19005-2/3 6.1.13; names also 6.1.8 in parts 2 and 3).

A plain recursive walk that appends what it finds (a generator per value cost more than
the checks themselves on files of 10^5 objects), dispatching on the value's type code,
with each distinct name judged once. Each category is reported at most once, in the
order the values are met, as the byte-by-byte walk before it did.
"""
from __future__ import annotations

from decimal import Decimal

import pikepdf

from .document import Budget, Document
from .lexer import name_facts
from .model import Failure

MAX_VALUES = 2_000_000
MAX_DEPTH = 64
_NAME = pikepdf.ObjectType.name_
_STRING = pikepdf.ObjectType.string
_ARRAY = pikepdf.ObjectType.array
_DICTIONARY = pikepdf.ObjectType.dictionary
_STREAM = pikepdf.ObjectType.stream
_SMALLEST_NORMAL = 1.175e-38


class _Walk:
    def __init__(self, doc: Document):
        self.p, self.limits, self.clause = doc.part, doc.rules.limits, doc.rules.limits_clause
        self.name_test = doc.rules.name_too_long_test
        self.seen: set[str] = set()   # categories already reported
        self.found: list[Failure] = []
        self.budget = MAX_VALUES
        self.keys: dict[str, tuple[int, bool]] = {}  # dictionary key -> name facts

    def fail(self, category: str, clause: str, test: int, detail: str) -> None:
        self.seen.add(category)
        self.found.append(Failure(self.p, clause, test, detail))

    def name(self, length: int, utf8: bool) -> None:
        if length > self.limits.name and "name" not in self.seen:
            self.fail("name", self.clause, self.name_test, "un nome supera i 127 byte")
        if self.p >= 2 and not utf8 and "utf8" not in self.seen:
            self.fail("utf8", "6.1.8", 1, "un nome non è codificato in UTF-8")

    def key(self, key: str, depth: int) -> None:
        self.budget -= 1
        if self.budget < 0:
            raise Budget("too many values")
        if depth > MAX_DEPTH:
            return
        facts = self.keys.get(key)
        if facts is None:
            facts = self.keys[key] = _key_facts(key)
        self.name(*facts)

    def visit(self, obj, depth: int) -> None:
        self.budget -= 1
        if self.budget < 0:
            raise Budget("too many values")
        if depth > MAX_DEPTH:
            return
        t = type(obj)
        if t is bool:
            return
        if t is int:
            if abs(obj) > self.limits.integer + (obj < 0) and "int" not in self.seen:
                self.fail("int", self.clause, 1, f"un numero intero ({obj}) supera i limiti ammessi")
            return
        if t is Decimal or t is float:
            self.real(obj)
            return
        code = getattr(obj, "_type_code", None)
        if code is None:
            self.other(obj, depth)
        elif code == _NAME:
            try:  # pikepdf decodes a name's bytes as strict UTF-8
                self.name(len(str(obj).encode("utf-8")) - 1, True)
            except UnicodeDecodeError:
                self.name(*name_facts(bytes(obj.unparse())[1:]))
        elif code == _STRING:
            if len(bytes(obj)) > self.limits.string and "string" not in self.seen:
                self.fail("string", self.clause, 3, f"una stringa supera i {self.limits.string} byte")
        elif code == _ARRAY:
            if self.limits.array is not None and len(obj) > self.limits.array and "array" not in self.seen:
                self.fail("array", self.clause, 5, f"un array ha più di {self.limits.array} elementi")
            for item in obj:
                if not getattr(item, "is_indirect", False):
                    self.visit(item, depth + 1)
        elif code in (_DICTIONARY, _STREAM):
            d = obj.stream_dict if code == _STREAM else obj
            if self.limits.dictionary is not None and len(d.keys()) > self.limits.dictionary \
                    and "dict" not in self.seen:
                self.fail("dict", self.clause, 6, f"un dizionario ha più di {self.limits.dictionary} voci")
            for key, value in d.items():
                self.key(key, depth + 1)
                if not getattr(value, "is_indirect", False):
                    self.visit(value, depth + 1)

    def real(self, obj) -> None:
        v = abs(float(obj))
        if self.p >= 2 and 0 < v < _SMALLEST_NORMAL and "small" not in self.seen:
            # part 1 sets no lower bound
            self.fail("small", self.clause, 5, f"un numero reale ({obj}) è più vicino a zero del minimo ammesso")
        if v > self.limits.real and "real" not in self.seen:
            self.fail("real", self.clause, 2, f"un numero reale ({obj}) supera i limiti ammessi")

    def other(self, obj, depth: int) -> None:
        """A value of a type pikepdf does not usually return (subclasses): judged by isinstance."""
        if isinstance(obj, bool):
            return
        if isinstance(obj, int):
            if abs(obj) > self.limits.integer + (obj < 0) and "int" not in self.seen:
                self.fail("int", self.clause, 1, f"un numero intero ({obj}) supera i limiti ammessi")
        elif isinstance(obj, (Decimal, float)):
            self.real(obj)


def _key_facts(key: str) -> tuple[int, bool]:
    """(bytes, valid UTF-8) of a dictionary key as pikepdf gives it: the name's bytes
    decoded as UTF-8, a byte that is not UTF-8 kept as a surrogate escape (pikepdf.Name()
    refuses those, which used to stop the whole structure family on such a file)."""
    plain = key.encode("utf-8", "surrogateescape")[1:]
    try:
        plain.decode("utf-8")
    except UnicodeDecodeError:
        return len(plain), False
    return len(plain), True


def object_values(doc: Document) -> tuple[list[Failure], set[str], Budget | None]:
    """The failures of every indirect object's values, the categories reported, and the
    Budget exceeded (if any: the failures found before it stand)."""
    walk = _Walk(doc)
    count = 0
    try:
        for obj in doc.objects():
            count += 1
            walk.visit(obj, 0)
    except Budget as exc:
        return walk.found, walk.seen, exc
    if count > 8_388_607:
        walk.found.append(Failure(walk.p, walk.clause, 7, "il file ha più di 8.388.607 oggetti"))
    return walk.found, walk.seen, None
