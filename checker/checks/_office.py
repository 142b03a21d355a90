"""Helpers shared by the two Office checks (office_ooxml.py, office_ole.py): oletools'
olevba over a whole file, and Word field instructions turned into findings."""
from __future__ import annotations

import contextlib
import posixpath
import re
from collections.abc import Iterable

from ..model import Finding
from ._content import classify_field


def engine() -> str:
    from oletools import olevba  # lazily: checks/_preload.py has the forkserver preload it
    return f"oletools olevba {olevba.__version__}"


def olevba_findings(name: str, data: bytes, location: str) -> list[Finding]:
    from oletools import olevba
    findings = []
    try:
        parser = olevba.VBA_Parser(name, data=data, relaxed=True)
    except Exception:  # noqa: BLE001 - not an OLE/OOXML file olevba understands
        return []
    try:
        if parser.detect_vba_macros():
            modules: list[tuple[str, str]] = []
            with contextlib.suppress(Exception):  # project present, source unreadable
                modules = [(m[1], m[2]) for m in parser.extract_all_macros() if m[2]]
            names = sorted({name for _, name in modules})
            detail = f"moduli: {', '.join(names[:10])}" if names else "progetto VBA presente"
            where = location or (posixpath.dirname(modules[0][0]) if modules else "progetto VBA")
            findings.append(Finding("OFF001", detail=detail, location=where))
        if parser.detect_xlm_macros():
            sheets = [printable(line.split(" - ", 1)[-1]) for line in parser.xlm_macros
                      if "macro sheet" in line.lower()]
            findings.append(Finding("OFF002", detail="; ".join(sheets[:3])[:300] or "foglio macro",
                                    location=location or "Workbook"))
    except Exception:  # noqa: BLE001 - olevba on hostile input
        pass
    finally:
        with contextlib.suppress(Exception):  # closing a parser that failed midway
            parser.close()
    return findings


def printable(text: str) -> str:
    return re.sub(r"[\x00-\x1f]", "", text)


def field_findings(instructions: Iterable[str], location: str) -> list[Finding]:
    out = []
    for instruction in instructions:
        found = classify_field(instruction)
        if not found:
            continue
        name, target = found
        if name in ("DDE", "DDEAUTO"):
            out.append(Finding("OFF006", detail=f"{name} {target}"[:300], location=location))
        else:
            out.append(Finding("OFF007", detail=target, location=location, args={"field": name}))
    return out
