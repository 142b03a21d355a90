"""RTF: embedded objects (oletools' rtfobj, which parses RTF the way Word does, malformed
files included), link and DDE fields (\\fldinst), linked objects (\\objautlink), an
attached template (\\*\\template), and links written in the text."""
from __future__ import annotations

import contextlib

from oletools import rtfobj

from ..model import CheckResult, Finding, FormatInfo, InputFile
from ..textfacts import text_facts
from . import Check, CheckContext
from ._content import capped, classify_field, text_link_findings

_TEXT_DESTINATIONS = (None, b"fldrslt")   # the body, and the visible result of a field
_MAX_TEXT = 2_000_000
_KEPT_DESTINATIONS = (b"objdata", b"fldinst", b"template")


class _Parser(rtfobj.RtfObjParser):
    """rtfobj's object parser, also collecting fields, templates and the visible text."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.fields: list[tuple[int, str]] = []
        self.templates: list[str] = []
        self.linked_objects: list[int] = []
        self.chunks: list[str] = []
        self._size = 0
        self._skip = 0  # fallback characters to drop after \uN
        self._after_word = False  # the space that ends a control word is not text

    def _text(self, matchobject):
        # rtfobj appends every text token to its destination's bytes (quadratic on a long
        # body); only the destinations read back at close keep their bytes here.
        if self.current_destination.cword in _KEPT_DESTINATIONS:
            self.current_destination.data += matchobject.group()
        self.text(matchobject, matchobject.group())

    def _emit(self, text: str) -> None:
        if self._size < _MAX_TEXT and self.current_destination.cword in _TEXT_DESTINATIONS:
            self.chunks.append(text)
            self._size += len(text)

    def close_destination(self, destination):
        super().close_destination(destination)
        if destination.cword == b"fldinst":
            self.fields.append((destination.start or 0, destination.data.decode("cp1252", "replace")))
        elif destination.cword == b"template":
            self.templates.append(destination.data.decode("cp1252", "replace").strip())

    def text(self, matchobject, text):
        value = text.decode("cp1252", "replace").replace("\r", "").replace("\n", "")
        if self._after_word and value.startswith(" "):
            value = value[1:]
        self._after_word = False
        if self._skip:
            drop, self._skip = min(self._skip, len(value)), 0
            value = value[drop:]
        self._emit(value)

    def control_word(self, matchobject, cword, param):
        super().control_word(matchobject, cword, param)
        self._after_word = True
        if cword in (b"par", b"line", b"sect", b"page", b"row"):
            self._emit("\n")
        elif cword in (b"tab", b"cell"):
            self._emit("\t")
        elif cword == b"u" and param is not None:
            code = int(param)
            self._emit(chr(code + 65536 if code < 0 else code) if -32768 <= code < 65536 else "?")
            self._skip = 1
        elif cword in (b"objautlink", b"objlink"):
            self.linked_objects.append(self.index)

    def control_symbol(self, matchobject):
        self._after_word = False
        symbol = matchobject.group()[1:2]
        if symbol == b"'":
            digits = self.data[self.index + 2:self.index + 4]
            with contextlib.suppress(ValueError):  # not two hex digits: nothing to emit
                self._emit(bytes([int(digits, 16)]).decode("cp1252", "replace"))
        elif symbol in (b"{", b"}", b"\\"):
            self._emit(symbol.decode())
        super().control_symbol(matchobject)


def run(file: InputFile, fmt: FormatInfo, ctx: CheckContext) -> CheckResult:
    if not rtfobj.is_rtf(file.data, treat_str_as_data=True):
        return CheckResult(findings=[Finding("RTF004", detail="intestazione {\\rt assente")])
    parser = _Parser(file.data)
    try:
        parser.parse()
    except (RuntimeError, ValueError, IndexError) as exc:
        return CheckResult(findings=[Finding("RTF004", detail=f"{type(exc).__name__}: {exc}"[:300])])
    findings = []
    for obj in parser.objects:
        what = _describe_object(obj)
        findings.append(Finding("RTF001", detail=what, location=f"byte {obj.start}"))
    for offset, instruction in parser.fields:
        field = classify_field(instruction)
        if field:
            findings.append(Finding("RTF002", detail=field[1], location=f"byte {offset}",
                                    args={"field": field[0]}))
    for offset in parser.linked_objects:
        findings.append(Finding("RTF002", detail="\\objautlink", location=f"byte {offset}",
                                args={"field": "LINK"}))
    for template in parser.templates:
        findings.append(Finding("RTF003", detail=template[:300]))
    text = "".join(parser.chunks)
    findings += text_link_findings(text, "RTF005", with_lines=True)
    return CheckResult(findings=capped(findings), facts=text_facts(text))


def _describe_object(obj) -> str:
    if obj.is_package and obj.filename:
        return f"pacchetto: {obj.filename}"
    if obj.is_ole and obj.class_name:
        name = obj.class_name.rstrip(b"\0").decode("latin-1", "replace")
        return f"oggetto OLE: {name}"
    return f"oggetto di {len(obj.rawdata or b'')} byte"


CHECKS = [Check(name="rtf", formats={"rtf"}, run=run, label_it="RTF: oggetti, campi e collegamenti",
                label_en="RTF: objects, fields and links")]
