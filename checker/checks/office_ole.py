"""Microsoft Office 97-2003 documents (OLE compound files: doc, xls, ppt), for the check
"office" (registered in office_ooxml.py, which hands every OLE container here whatever its
extension: an encrypted .docx is an OLE container too).

What is looked for: VBA projects (oletools' olevba), Excel 4 (XLM) macro sheets (olevba,
and oletools' BIFF plugin directly — mraptor misses XLM), ActiveX controls, OLE
embeddings and packages in the ObjectPool, DDE and link fields in the .doc text, and
encryption (msoffcrypto-tool tells an encrypted file from a plain one).
"""
from __future__ import annotations

import io
import re

import msoffcrypto
import olefile

from ..model import CheckResult, Finding, FormatInfo, InputFile
from . import CheckContext
from ._content import capped
from ._office import engine, field_findings, olevba_findings, printable

OLE_MAGIC = olefile.MAGIC


def is_ole(data: bytes) -> bool:
    return data[:8] == OLE_MAGIC


def run(file: InputFile, fmt: FormatInfo, ctx: CheckContext) -> CheckResult:
    return CheckResult(findings=capped(_check_ole(file.name, file.data)), engine=engine())


def _check_ole(name: str, data: bytes) -> list[Finding]:
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        streams = ["/".join(p) for p in ole.listdir(streams=True, storages=True)]
    except Exception as exc:  # noqa: BLE001 - olefile raises many kinds on hostile input
        return [Finding("OFF011", detail=f"{type(exc).__name__}: {exc}"[:300])]
    findings: list[Finding] = []
    encrypted = _ole_encrypted(data, streams)
    if encrypted:
        findings.append(Finding("OFF010", detail=encrypted))
        return findings  # nothing else is readable
    findings += olevba_findings(name, data, location="")
    if not any(f.code == "OFF002" for f in findings):
        findings += _biff_macro_sheets(ole, streams)
    for path in streams:
        low = path.lower()
        if low.startswith("objectpool/") and low.count("/") == 1:
            findings.append(Finding("OFF005", detail=path.split("/")[1], location=path))
        elif low.startswith("mbd") and "/" not in low:
            findings.append(Finding("OFF005", detail=path, location=path))
        if low.endswith(("\x03ocxname", "ocxname")):
            findings.append(Finding("OFF004", location=path))
        if low.endswith("\x01ole10native") and not low.startswith("objectpool/"):
            findings.append(Finding("OFF005", detail="pacchetto OLE", location=path))
    if "WordDocument" in streams:
        findings += _doc_fields(ole)
    ole.close()
    return findings


def _ole_encrypted(data: bytes, streams: list[str]) -> str:
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        return "documento Office cifrato (EncryptedPackage)"
    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        if office.is_encrypted():
            return "documento cifrato (msoffcrypto)"
    except Exception:  # noqa: BLE001 - unknown or malformed: not proven encrypted
        return ""
    return ""


def _biff_macro_sheets(ole, streams: list[str]) -> list[Finding]:
    """Excel 4 macro sheets in a BIFF workbook, read with oletools' BIFF plugin directly:
    olevba only runs it when the root CLSID says Excel, and a hostile file may omit it."""
    from oletools.thirdparty.oledump.plugin_biff import cBIFF
    for stream in ("Workbook", "Book"):
        if stream not in streams:
            continue
        try:
            data = ole.openstream(stream).read(64 << 20)
            lines = cBIFF(name=[stream], stream=data, options="-o BOUNDSHEET").Analyze()
        except Exception:  # noqa: BLE001 - a broken BIFF stream is not proof of a macro
            return []
        sheets = [printable(line.split(" - ", 1)[-1]) for line in lines if "Excel 4.0 macro sheet" in line]
        if sheets:
            return [Finding("OFF002", detail="; ".join(sheets)[:300], location=stream)]
    return []


_DOC_FIELD = re.compile(rb"\x13([^\x13\x14\x15]{1,600})[\x14\x15]")
_DOC_FIELD16 = re.compile(rb"\x13\x00((?:[^\x13\x14\x15]\x00|[^\x00][^\x00]){1,600}?)[\x14\x15]\x00")


def _doc_fields(ole) -> list[Finding]:
    """Field instructions in a Word 97-2003 body: begin mark 0x13, instruction, 0x14/0x15.
    Text is stored as cp1252 or UTF-16LE pieces; both are scanned."""
    try:
        body = ole.openstream("WordDocument").read(64 << 20)
    except Exception:  # noqa: BLE001
        return []
    instructions = [m.group(1).decode("cp1252", "replace") for m in _DOC_FIELD.finditer(body)]
    instructions += [m.group(1).decode("utf-16-le", "replace") for m in _DOC_FIELD16.finditer(body)]
    return field_findings(instructions, "WordDocument")
