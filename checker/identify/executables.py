"""Executables and scripts: PE/DOS, ELF, Mach-O, Java classes, Windows shortcuts, compiled
HTML help and #! scripts by their magic numbers; script code Windows runs on double click by
its marks at the start of a text."""
from __future__ import annotations

import re
import struct

from .sniffed import Sniffed

_MACHO = {b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe"}


def sniff_executable(data: bytes) -> Sniffed | None:
    if data[:2] == b"MZ":
        kind = "dos"
        if len(data) >= 0x40:
            pe_at = struct.unpack("<I", data[0x3C:0x40])[0]
            if data[pe_at:pe_at + 4] == b"PE\x00\x00":
                kind = "pe"
        return Sniffed("exe", {"kind": kind})
    if data[:4] == b"\x7fELF":
        return Sniffed("exe", {"kind": "elf"})
    if data[:4] in _MACHO:
        return Sniffed("exe", {"kind": "macho"})
    if data[:4] == b"\xca\xfe\xba\xbe" and len(data) > 8:
        if struct.unpack(">I", data[4:8])[0] < 40:
            return Sniffed("exe", {"kind": "macho", "universal": True})  # fat binary
        return Sniffed("exe", {"kind": "java"})  # a compiled Java class
    if data[:8] == b"L\x00\x00\x00\x01\x14\x02\x00":  # Windows shortcut: runs its target
        return Sniffed("exe", {"kind": "lnk"})
    if data[:4] == b"ITSF":  # compiled HTML help: runs scripts on opening
        return Sniffed("exe", {"kind": "chm"})
    if data[:2] == b"#!":
        return Sniffed("exe", {"kind": "script", "interpreter": data[2:80].split(b"\n")[0].decode(
            "ascii", "replace").strip()})
    return None


# Marks of script code that Windows runs on double click, looked for at the start of text.
SCRIPT_MARKS = re.compile(
    r"(?im)^\s*@?echo\s+off\b|WScript\.(Shell|CreateObject|Echo|Sleep)|new\s+ActiveXObject\s*\("
    r"|CreateObject\s*\(\s*\"(WScript|Scripting|Shell|ADODB|MSXML2)\.|<hta:application"
    r"|^\s*<job\b|^\s*<package\b|Invoke-Expression|Set-ExecutionPolicy|\bIEX\s*\(|"
    r"powershell(\.exe)?\s+-(enc|e|nop|w|exec)")

