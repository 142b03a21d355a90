"""Zip-based formats: OpenDocument (the "mimetype" member or the manifest), OOXML (the main
part's content type, so a .docm renamed .docx is still told apart), JAR, APK and plain zip.
zipinspect.py checks the archive before any member is decompressed; members are read with
bounded reads, XML parts without expanding entities."""
from __future__ import annotations

from typing import Any

import defusedxml.ElementTree as SafeET

from .. import zipinspect
from ..model import Finding
from .kinds import KINDS
from .sniffed import Sniffed, magic_name

_MAX_CONTENT_TYPES = 2 << 20     # [Content_Types].xml
_MAX_MIMETYPE = 200              # ODF "mimetype" member

_ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.text-template": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.spreadsheet-template": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/vnd.oasis.opendocument.presentation-template": "odp",
    "application/vnd.oasis.opendocument.graphics": "odg",
    "application/vnd.oasis.opendocument.graphics-template": "odg",
}
# Main-part content types of [Content_Types].xml (ECMA-376 Part 1 and MS-OE376): the
# macro-enabled ones are different types, so a .docx renamed from .docm is still told apart.
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "docx",
    "application/vnd.ms-word.document.macroenabled.main+xml": "docm",
    "application/vnd.ms-word.template.macroenabledtemplate.main+xml": "docm",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": "xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.main+xml": "xlsm",
    "application/vnd.ms-excel.template.macroenabled.main+xml": "xlsm",
    "application/vnd.ms-excel.sheet.binary.macroenabled.main": "xlsb",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml": "pptx",
    "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml": "pptx",
    "application/vnd.ms-powerpoint.presentation.macroenabled.main+xml": "pptm",
    "application/vnd.ms-powerpoint.slideshow.macroenabled.main+xml": "pptm",
    "application/vnd.ms-powerpoint.template.macroenabled.main+xml": "pptm",
}
_ZIP_FINDING = {
    zipinspect.ZipProblemKind.CORRUPT: "FMT017",
    zipinspect.ZipProblemKind.HEADER_MISMATCH: "FMT022",
    zipinspect.ZipProblemKind.OVERLAP: "FMT022",
    zipinspect.ZipProblemKind.PATH_TRAVERSAL: "FMT021",
    zipinspect.ZipProblemKind.DUPLICATE_NAME: "FMT023",
    zipinspect.ZipProblemKind.ENCRYPTED: "FMT024",
    zipinspect.ZipProblemKind.UNSUPPORTED_METHOD: "FMT017",
    zipinspect.ZipProblemKind.NESTED_TOO_DEEP: "FMT025",
    zipinspect.ZipProblemKind.PREPENDED_DATA: "FMT014",
    zipinspect.ZipProblemKind.APPENDED_DATA: "FMT014",
    **dict.fromkeys(zipinspect.BOMB_KINDS, "FMT020"),
}


def sniff_zip(data: bytes) -> Sniffed:
    """What the zip holds, when zipinspect found it safe to read, and its problems."""
    report = zipinspect.inspect(data)
    out = Sniffed("zip", {"entries": report.declared_entries, "uncompressed": report.total_size,
                          "inspected": report.safe_to_read})
    if report.safe_to_read:
        out.id, extra = _zip_kind(data, report)
        out.details.update(extra)
    label = KINDS[out.id].label
    # One finding per code (a bomb is both "entry too large" and "total too large"); the
    # first problem gives the location, the others add to the detail.
    grouped: dict[str, list[zipinspect.ZipProblem]] = {}
    for problem in report.problems:
        grouped.setdefault(_ZIP_FINDING[problem.kind], []).append(problem)
    for code, problems in grouped.items():
        first = problems[0]
        args = {"label": label, "problem": first.kind.value}
        if first.kind is zipinspect.ZipProblemKind.PREPENDED_DATA:
            args["other"] = magic_name(data[:report.prepended_bytes])
            location = "byte 0"
        elif first.kind is zipinspect.ZipProblemKind.APPENDED_DATA:
            args["other"] = magic_name(data[len(data) - report.appended_bytes:])
            location = f"byte {len(data) - report.appended_bytes}"
        else:
            location = first.entry
        details = [f"{p.entry}: {p.detail}"
                   if p.entry and p is not first and p.entry != p.detail else p.detail
                   for p in problems[:4]]
        if len(problems) > 4:
            details.append(f"(+{len(problems) - 4})")
        out.findings.append(Finding(code, detail="; ".join(details)[:500], location=location,
                                    args=args))
    return out


def _zip_kind(data: bytes, report: zipinspect.ZipReport) -> tuple[str, dict[str, Any]]:
    names = report.names()
    lower = {n.lower() for n in names}
    # ODF: the first member is an uncompressed "mimetype" (ODF 1.2 part 3, 3.3)
    if "mimetype" in names:
        raw = zipinspect.read_member(data, "mimetype", _MAX_MIMETYPE) or b""
        mimetype = raw.decode("ascii", "replace").strip()
        fid = _ODF_MIMETYPES.get(mimetype)
        if fid:
            details = {"mimetype": mimetype, "manifest": "META-INF/manifest.xml" in names,
                       "mimetype_first": names[0] == "mimetype"}
            if mimetype.endswith("-template"):
                details["template"] = True
            return fid, details
    if "META-INF/manifest.xml" in names:
        # ODF without a "mimetype" member: the manifest's root entry names the type
        fid, mimetype = _odf_from_manifest(
            zipinspect.read_member(data, "META-INF/manifest.xml", _MAX_CONTENT_TYPES))
        if fid:
            return fid, {"mimetype": mimetype, "manifest": True, "mimetype_first": False}
    if "[content_types].xml" in lower:
        name = next(n for n in names if n.lower() == "[content_types].xml")
        xml = zipinspect.read_member(data, name, _MAX_CONTENT_TYPES)
        fid = _ooxml_kind(xml) if xml else None
        if fid:
            return fid, {"vba_project": any(n.lower().endswith("vbaproject.bin") for n in names)}
    if "meta-inf/manifest.mf" in lower and any(n.endswith(".class") for n in names):
        return "exe", {"kind": "jar"}
    if "androidmanifest.xml" in lower and "classes.dex" in lower:
        return "exe", {"kind": "apk"}
    return "zip", {}


_MANIFEST_NS = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"


def _odf_from_manifest(xml: bytes | None) -> tuple[str | None, str]:
    if not xml:
        return None, ""
    try:
        root = SafeET.fromstring(xml)
    except Exception:  # noqa: BLE001 - a broken manifest names no type
        return None, ""
    for el in root:
        if el.attrib.get(f"{{{_MANIFEST_NS}}}full-path") == "/":
            mimetype = el.attrib.get(f"{{{_MANIFEST_NS}}}media-type", "")
            return _ODF_MIMETYPES.get(mimetype), mimetype
    return None, ""


def _ooxml_kind(xml: bytes) -> str | None:
    try:
        root = SafeET.fromstring(xml)
    except Exception:  # noqa: BLE001 - a broken [Content_Types].xml: not a readable OOXML
        return None
    for el in root:
        if el.tag.endswith("}Override") or el.tag == "Override":
            fid = _OOXML_MAIN.get(el.attrib.get("ContentType", "").lower())
            if fid:
                return fid
    return None
