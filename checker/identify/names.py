"""Step 2a, the file name against the content: missing or wrong extension (FMT011/FMT010),
a document disguised with a runnable last extension or with Unicode controls that reverse
the name (FMT012), an executable at all (FMT013)."""
from __future__ import annotations

from ..filenames import visible
from ..model import Finding, FormatInfo
from .kinds import EXE_EXTENSIONS, KIND_LIST, ZIP_BASED

# A last extension Windows or a desktop runs on double click: a document disguised with one of
# these ("fattura.pdf.exe") is the classic malware attachment.
DANGEROUS_EXTENSIONS = frozenset({
    "exe", "scr", "com", "pif", "bat", "cmd", "js", "jse", "vbs", "vbe", "wsf", "wsh", "ps1",
    "psm1", "hta", "msi", "msp", "jar", "lnk", "cpl", "reg", "dll", "sh", "app", "apk", "iso",
    "img", "vhd", "application", "gadget", "inf", "scf", "url", "command", "chm"})
# Unicode controls that reverse or hide parts of a name ("fattura\u202efdp.exe" shows "exe.pdf").
_DECEPTIVE_CHARS = {"\u202e", "\u202d", "\u202a", "\u202b", "\u2066", "\u2067", "\u2068",
                    "\u200e", "\u200f", "\u061c"}


def extensions_of(name: str) -> list[str]:
    """The dot-separated suffixes of a file name, lower case, last one last: "a.PDF.p7m" →
    ["pdf", "p7m"]. Spaces around a dot ("fattura.pdf   .exe") are ignored."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip().strip(".")
    parts = [p.strip().lower() for p in base.split(".")]
    return [p for p in parts[1:] if p and len(p) <= 12 and p.isalnum()]


def name_findings(fmt: FormatInfo, name: str) -> list[Finding]:
    """What the name says wrong about the content `fmt` describes."""
    out: list[Finding] = []
    exts = extensions_of(name)
    deceptive = sorted({f"U+{ord(c):04X}" for c in name if c in _DECEPTIVE_CHARS})
    if deceptive:
        out.append(Finding("FMT012", detail=f"{', '.join(deceptive)} in the name",
                           args={"name": visible(name), "ext": exts[-1] if exts else ""}))
    elif len(exts) >= 2 and exts[-1] in DANGEROUS_EXTENSIONS:
        out.append(Finding("FMT012", detail=f".{exts[-2]}.{exts[-1]}",
                           args={"name": name, "ext": exts[-1]}))
    if fmt.id == "exe":
        out.append(Finding("FMT013", detail=fmt.details.get("kind", ""), args={"label": fmt.label}))
    if fmt.id in ("empty", "unknown") or unopened_container(fmt, exts):
        return out
    expected = fmt.extensions[0] if fmt.extensions else ""
    if not exts:
        if expected:
            out.append(Finding("FMT011", args={"label": fmt.label, "expected": expected}))
    elif fmt.extensions and exts[-1] not in fmt.extensions and not (
            fmt.id in _OPEN_ENDED and exts[-1] not in _KNOWN_EXTENSIONS):
        out.append(Finding("FMT010", detail=f".{exts[-1]} → {fmt.id}",
                           args={"ext": exts[-1], "label": fmt.label, "expected": expected}))
    return out


# Text and XML have countless dialects (.json, .ini, .vcf, .gpx, .fodt, ...): their content
# contradicts only an extension that belongs to another format this module knows.
_OPEN_ENDED = frozenset({"txt", "xml"})
_KNOWN_EXTENSIONS = frozenset(e for k in KIND_LIST for e in k.extensions) | frozenset(
    e for exts in EXE_EXTENSIONS.values() for e in exts)

# Extensions of zip-based formats: a broken or hostile zip named so is not "a zip with the
# wrong extension" (its inside was never looked at); its own finding explains it.
_ZIP_BASED_EXTENSIONS = frozenset(e for k in KIND_LIST if k.id in ZIP_BASED for e in k.extensions)


def unopened_container(fmt: FormatInfo, exts: list[str]) -> bool:
    """A zip too broken or hostile to look inside, named as an Office or ODF document."""
    return (fmt.id == "zip" and not fmt.details.get("inspected", True)
            and bool(exts) and exts[-1] in _ZIP_BASED_EXTENSIONS)


# script extensions: plain text named so is code the system runs on double click
SCRIPT_EXTENSIONS = frozenset(EXE_EXTENSIONS["script"])
