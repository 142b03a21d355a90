"""Plain text (TXT): the encoding must be valid and declared or detectable (a legacy
encoding is identification's FMT027); URLs and
e-mail addresses are links (errors), bare domain names are a hint (warnings)."""
from __future__ import annotations

import codecs

from ..model import CheckResult, Finding, FormatInfo, InputFile
from ..textfacts import text_facts
from . import Check, CheckContext
from ._content import capped, text_link_findings

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_ALLOWED_CONTROLS = set("\t\n\r\f\v\x1a")  # \x1a: DOS end-of-file, harmless

_LINK_CODES = {"url": "TXT001", "unc": "TXT001", "email": "TXT002", "domain": "TXT003"}


def decode(data: bytes) -> tuple[str | None, str, bool]:
    """(text, encoding, declared): BOM-declared or valid UTF-8 count as declared/detectable;
    cp1252 is a guess accepted only for text without control characters."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding, True
            except UnicodeDecodeError:
                return None, encoding, True
    try:
        return data.decode("utf-8"), "utf-8", True
    except UnicodeDecodeError:
        pass
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible(text):
            return text, encoding, False
    return None, "", False


def _plausible(text: str) -> bool:
    return not any(ord(c) < 32 and c not in _ALLOWED_CONTROLS or 0x7F <= ord(c) < 0xA0
                   for c in text)


def run(file: InputFile, fmt: FormatInfo, ctx: CheckContext) -> CheckResult:
    text, encoding, declared = decode(file.data)
    if text is None or not _plausible(text):
        return CheckResult(findings=[Finding("TXT004", detail=encoding or "sconosciuta")])
    # a legacy (non-UTF) encoding is reported by identification (FMT027); here only what breaks
    findings = capped(text_link_findings(text, _LINK_CODES, with_lines=True))
    facts = {"encoding": encoding, **text_facts(text)}
    return CheckResult(findings=findings, facts=facts)


CHECKS = [Check(name="text", formats={"txt"}, run=run, label_it="Testo: codifica e collegamenti",
                label_en="Text: encoding and links")]
