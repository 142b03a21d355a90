"""OLE compound files (Office 97-2003, Outlook .msg, MSI, password-protected OOXML): the
stream names say which; nothing is read beyond the directory."""
from __future__ import annotations

from typing import Any

import olefile

from ..model import Finding
from .kinds import KINDS
from .sniffed import Sniffed, unreadable

_MSI_CLSIDS = {"000C1084-0000-0000-C000-000000000046", "000C1086-0000-0000-C000-000000000046"}


def sniff_ole(data: bytes) -> Sniffed:
    try:
        ole = olefile.OleFileIO(data)
    except Exception as exc:  # noqa: BLE001 - olefile raises OSError, ValueError, struct.error...
        return Sniffed("ole", findings=[unreadable(exc, KINDS["ole"].label)])
    try:
        streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=True)}
        clsid = (ole.root.clsid or "").upper() if ole.root else ""
    except Exception as exc:  # noqa: BLE001 - a damaged directory: the container's finding
        return Sniffed("ole", findings=[unreadable(exc, KINDS["ole"].label)])
    finally:
        ole.close()
    lower = {s.lower() for s in streams}
    details: dict[str, Any] = {"container": "ole"}
    if "encryptedpackage" in lower and "encryptioninfo" in lower:
        details["encrypted"] = details["encrypted_package"] = True
        return Sniffed("ole", details, [Finding("FMT026")])
    if clsid in _MSI_CLSIDS:
        return Sniffed("exe", {"kind": "msi"})
    if "worddocument" in lower:
        return Sniffed("doc", details)
    if "workbook" in lower or "book" in lower:
        return Sniffed("xls", details)
    if "powerpoint document" in lower:
        return Sniffed("ppt", details)
    if any(s.startswith("__substg1.0_") for s in lower) or "__properties_version1.0" in lower:
        return Sniffed("msg", details)
    details["streams"] = sorted(streams)[:20]
    return Sniffed("ole", details)
