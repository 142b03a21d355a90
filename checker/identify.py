"""Format identification by content, compared with the file name (issue 2 §5).

Two steps, kept apart so each can be tested alone:

1. `sniff(data)` says what the bytes are: magic numbers first, then the
   container decides (zip central directory for ODF/OOXML, OLE stream names,
   CMS ContentInfo for signed envelopes, MIME structure for .m7m/.eml, the XML
   root element, strict text decoding). It also reports what is wrong with the
   container itself: truncated PDF, corrupt or hostile zip, polyglot files.
   libmagic's description is kept as one more signal (FormatInfo.magic).
2. `judge(fmt, name, accepted)` compares that with the file name (missing,
   wrong or double extension) and with the formats the office accepts.

Parsers are imported at module level: the worker forkserver preloads this module, so
each bounded worker starts with them loaded. Everything is bounded: only the head and
tail of a PDF and its XMP packet are read, zips are inspected before any member is
decompressed (zipinspect.py),
members are read with bounded reads, XML is parsed without a tree and without
expanding entities. `identify_job` runs in a bounded worker (engine.py).
"""
from __future__ import annotations

import base64
import binascii
import email.parser
import email.policy
import io
import re
import struct
import zlib
from dataclasses import dataclass, field
from typing import Any

import defusedxml
import defusedxml.ElementTree as SafeET
import olefile
import pikepdf
from asn1crypto import cms, pem, tsp  # noqa: F401 - tsp registers the TimeStampedData OID
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from . import zipinspect
from .filenames import detached_target, visible
from .model import CheckResult, Finding, FormatInfo, InputFile

try:  # libmagic is one signal among others; identification works without it
    import magic as _magic_module
    _MAGIC = _magic_module.Magic()
except Exception:  # noqa: BLE001 - missing libmagic must not stop identification
    _MAGIC = None


# --- what each format id is called and which extensions agree with it ----------------------

@dataclass(frozen=True)
class Kind:
    id: str
    mime: str
    label: str                    # Italian, shown in the report
    extensions: tuple[str, ...]   # first one is the one to use
    family: str = "other"         # decides which "not accepted" finding and fix applies


_KINDS = [
    Kind("pdf", "application/pdf", "Documento PDF", ("pdf",), "pdf"),
    Kind("txt", "text/plain", "Testo semplice", ("txt", "text", "csv", "tsv", "log", "asc", "md"),
         "text"),
    Kind("rtf", "application/rtf", "Documento RTF (Rich Text Format)", ("rtf",), "word"),
    Kind("xml", "application/xml", "Documento XML", ("xml", "xsd", "xsl", "xslt", "gml", "rdf"),
         "text"),
    Kind("kml", "application/vnd.google-earth.kml+xml", "Mappa KML", ("kml",), "text"),
    Kind("svg", "image/svg+xml", "Immagine vettoriale SVG", ("svg",), "image"),
    Kind("html", "text/html", "Pagina web HTML", ("html", "htm", "xhtml"), "web"),
    Kind("tiff", "image/tiff", "Immagine TIFF", ("tif", "tiff"), "image"),
    Kind("jpeg", "image/jpeg", "Immagine JPEG", ("jpg", "jpeg", "jpe"), "image"),
    Kind("png", "image/png", "Immagine PNG", ("png",), "image"),
    Kind("gif", "image/gif", "Immagine GIF", ("gif",), "image"),
    Kind("odt", "application/vnd.oasis.opendocument.text",
         "Documento di testo OpenDocument (ODT)", ("odt", "ott"), "word"),
    Kind("ods", "application/vnd.oasis.opendocument.spreadsheet",
         "Foglio di calcolo OpenDocument (ODS)", ("ods", "ots"), "sheet"),
    Kind("odp", "application/vnd.oasis.opendocument.presentation",
         "Presentazione OpenDocument (ODP)", ("odp", "otp"), "slides"),
    Kind("odg", "application/vnd.oasis.opendocument.graphics",
         "Disegno OpenDocument (ODG)", ("odg", "otg"), "image"),
    Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "Documento Word (DOCX)", ("docx", "dotx"), "word"),
    Kind("docm", "application/vnd.ms-word.document.macroEnabled.12",
         "Documento Word con macro (DOCM)", ("docm", "dotm"), "word"),
    Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "Foglio Excel (XLSX)", ("xlsx", "xltx"), "sheet"),
    Kind("xlsm", "application/vnd.ms-excel.sheet.macroEnabled.12",
         "Foglio Excel con macro (XLSM)", ("xlsm", "xltm"), "sheet"),
    Kind("xlsb", "application/vnd.ms-excel.sheet.binary.macroEnabled.12",
         "Foglio Excel binario (XLSB)", ("xlsb",), "sheet"),
    Kind("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
         "Presentazione PowerPoint (PPTX)", ("pptx", "ppsx", "potx"), "slides"),
    Kind("pptm", "application/vnd.ms-powerpoint.presentation.macroEnabled.12",
         "Presentazione PowerPoint con macro (PPTM)", ("pptm", "ppsm", "potm"), "slides"),
    Kind("doc", "application/msword", "Documento Word 97-2003 (DOC)", ("doc", "dot"), "word"),
    Kind("xls", "application/vnd.ms-excel", "Foglio Excel 97-2003 (XLS)", ("xls", "xlt"), "sheet"),
    Kind("ppt", "application/vnd.ms-powerpoint", "Presentazione PowerPoint 97-2003 (PPT)",
         ("ppt", "pps", "pot"), "slides"),
    Kind("msg", "application/vnd.ms-outlook", "Messaggio Outlook (MSG)", ("msg",), "other"),
    Kind("ole", "application/x-ole-storage", "File Microsoft Office (formato OLE)", (), "other"),
    Kind("p7m", "application/pkcs7-mime", "Documento firmato digitalmente (busta .p7m)", ("p7m",),
         "envelope"),
    Kind("p7s", "application/pkcs7-signature", "Firma digitale separata (.p7s)", ("p7s",),
         "detached"),
    Kind("tsd", "application/timestamped-data", "Documento con marca temporale (.tsd)", ("tsd",),
         "envelope"),
    Kind("m7m", "application/x-m7m", "Documento firmato con marca temporale (.m7m)", ("m7m",),
         "envelope"),
    Kind("tsr", "application/timestamp-reply", "Marca temporale separata (.tsr)", ("tsr", "tst"),
         "detached"),
    Kind("eml", "message/rfc822", "Messaggio di posta elettronica (EML)", ("eml",), "message"),
    Kind("zip", "application/zip", "Archivio compresso ZIP", ("zip",), "archive"),
    Kind("7z", "application/x-7z-compressed", "Archivio compresso 7-Zip", ("7z",), "archive"),
    Kind("rar", "application/vnd.rar", "Archivio compresso RAR", ("rar",), "archive"),
    Kind("gzip", "application/gzip", "File compresso GZIP", ("gz", "tgz"), "archive"),
    Kind("exe", "application/x-executable", "Programma eseguibile",
         ("exe", "dll", "com", "scr", "msi", "jar", "sh", "bat", "cmd", "js", "vbs", "ps1",
          "hta", "wsf", "bin", "elf", "app"), "exe"),
    Kind("empty", "application/x-empty", "File vuoto", (), "empty"),
    Kind("unknown", "application/octet-stream", "Formato non riconosciuto", (), "unknown"),
]
KINDS: dict[str, Kind] = {k.id: k for k in _KINDS}

_EXE_LABELS = {
    "pe": "Programma Windows (EXE/DLL)", "dos": "Programma MS-DOS", "elf": "Programma Linux (ELF)",
    "macho": "Programma macOS (Mach-O)", "script": "Script eseguibile",
    "msi": "Pacchetto di installazione Windows (MSI)", "jar": "Programma Java (JAR)",
    "java": "Programma Java (classe compilata)", "apk": "App Android (APK)",
    "lnk": "Collegamento di Windows (LNK)", "chm": "Guida HTML compilata (CHM)",
}
_EXE_EXTENSIONS = {
    "pe": ("exe", "dll", "scr", "com", "sys", "cpl", "ocx"), "dos": ("exe", "com"),
    "elf": ("bin", "elf", "so", "run", "out"), "macho": ("app", "dylib", "bin"),
    "script": ("sh", "bash", "bat", "cmd", "js", "jse", "vbs", "vbe", "ps1", "psm1", "hta", "wsf",
               "py", "pl", "rb", "command"),
    "msi": ("msi", "msp"), "jar": ("jar",), "java": ("class",), "apk": ("apk",),
    "lnk": ("lnk",), "chm": ("chm",),
}
# A last extension Windows or a desktop runs on double click: a document disguised with one of
# these ("fattura.pdf.exe") is the classic malware attachment.
DANGEROUS_EXTENSIONS = frozenset({
    "exe", "scr", "com", "pif", "bat", "cmd", "js", "jse", "vbs", "vbe", "wsf", "wsh", "ps1",
    "psm1", "hta", "msi", "msp", "jar", "lnk", "cpl", "reg", "dll", "sh", "app", "apk", "iso",
    "img", "vhd", "application", "gadget", "inf", "scf", "url", "command", "chm"})
# Unicode controls that reverse or hide parts of a name ("fattura\u202efdp.exe" shows "exe.pdf").
_DECEPTIVE_CHARS = {"\u202e", "\u202d", "\u202a", "\u202b", "\u2066", "\u2067", "\u2068",
                    "\u200e", "\u200f", "\u061c"}

# Containers whose inner document is what the office judges (unpacked by the signature and
# message checks): their own format is never "not accepted".
ENVELOPES = frozenset({"p7m", "tsd", "m7m", "eml"})
_FORMAT_ALIASES = {"tif": "tiff", "pdf/a": "pdfa", "jpg": "jpeg", "htm": "html", "text": "txt"}

# "not accepted" finding per family, each with its own concrete fix in format.toml
_NOT_ACCEPTED_CODE = {
    "word": "FMT002", "sheet": "FMT003", "slides": "FMT004", "image": "FMT005",
    "archive": "FMT006",
}
_NOT_ACCEPTED_DEFAULT = "FMT001"

# Bounds (bytes)
_PDF_TAIL = 2048                 # %%EOF and startxref must be this close to the end
_PDF_HEADER_WINDOW = 1024        # readers accept junk this long before %PDF-
_MAX_XMP_RAW = 4 << 20
_MAX_XMP = 1 << 20
_MAX_CONTENT_TYPES = 2 << 20     # [Content_Types].xml
_MAX_MIMETYPE = 200              # ODF "mimetype" member
_MAX_XML_PROLOGUE = 1 << 20      # the root element must start within this many bytes
_XML_CHUNK = 64 << 10
_MAX_MIME_PARTS = 500
_MAX_BASE64 = 100 << 20
_TEXT_SNIFF = 8192


# --- step 1: what the bytes are ------------------------------------------------------------

@dataclass
class Sniffed:
    id: str
    details: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)   # problems of the container itself


def sniff(data: bytes) -> Sniffed:
    """What the content is, by magic numbers and container inspection. Never raises."""
    try:
        found = _sniff(data)
    except Exception as exc:  # noqa: BLE001 - a parser bug on hostile input is a finding
        found = Sniffed("unknown", findings=[Finding("FMT017", detail=f"{type(exc).__name__}: {exc}"[:300],
                                                     args={"label": "file"})])
    try:
        found.findings.extend(_polyglot(data, found))
    except Exception as exc:  # noqa: BLE001
        found.findings.append(Finding("FMT017", detail=f"{type(exc).__name__}: {exc}"[:300],
                                      args={"label": KINDS[found.id].label}))
    return found


def _sniff(data: bytes) -> Sniffed:
    if not data:
        return Sniffed("empty")
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return _pdf(data, 0)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _ole(data)
    if zipinspect.looks_like_zip(data):
        return _zip(data)
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return Sniffed("7z")
    if head.startswith((b"Rar!\x1a\x07\x00", b"Rar!\x1a\x07\x01\x00")):
        return Sniffed("rar", {"version": 5 if head[6] == 1 else 4})
    if head.startswith(b"\x1f\x8b"):
        return Sniffed("gzip")
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return Sniffed("tiff")
    if head[:4] in (b"II+\x00", b"MM\x00+"):
        return Sniffed("tiff", {"bigtiff": True})
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("jpeg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("png")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed("gif")
    exe = _executable(data)
    if exe:
        return exe
    if head[:1] == b"\x30":
        cms = _cms(data)
        if cms:
            cms.details["encoding"] = "der" if _definite_length(data) else "ber"
            return cms
        if _SIGNED_DATA_OID in data[:24]:
            # starts like a signed envelope but does not parse: a truncated or damaged .p7m.
            # The signature check says what is wrong with it (SIG003): one finding, not two.
            return Sniffed("p7m", {"damaged": True})
    pdf_at = data.find(b"%PDF-", 0, _PDF_HEADER_WINDOW)
    if pdf_at > 0 and b"%%EOF" in data[-_PDF_TAIL * 4:]:
        return _pdf(data, pdf_at)
    return _textual(data)


# --- PDF --------------------------------------------------------------------------------------

_PDF_VERSION = re.compile(rb"%PDF-(\d\.\d)")
_PDFAID_NS = "http://www.aiim.org/pdfa/ns/id/"


def _pdf(data: bytes, offset: int) -> Sniffed:
    out = Sniffed("pdf")
    m = _PDF_VERSION.match(data, offset)
    if m:
        out.details["version"] = m.group(1).decode()
    if offset:
        out.details["header_offset"] = offset
        out.findings.append(Finding("FMT019", detail=f"%PDF- at byte {offset}",
                                    location=f"byte {offset}", args={"offset": str(offset)}))
    eof = data.rfind(b"%%EOF")
    startxref = data.rfind(b"startxref", max(0, eof - _PDF_TAIL), eof) if eof >= 0 else -1
    trailing = data[eof + 5:].strip(b"\r\n\t \x00") if eof >= 0 else b""
    if eof < 0 or startxref < 0:
        missing = "%%EOF" if eof < 0 else "startxref"
        out.details["truncated"] = True
        out.findings.append(Finding("FMT018", detail=f"{missing} not found at the end of the file"))
    elif len(trailing) > _PDF_HEADER_WINDOW and not trailing.startswith(_MAGIC_PREFIXES):
        # an update cut short after an earlier complete revision (another format's bytes
        # there are a polyglot, reported by _polyglot)
        out.details["truncated"] = True
        out.findings.append(Finding("FMT018", detail=f"{len(trailing)} bytes after the last %%EOF"))
    out.details.update(_pdf_xmp(data))
    return out


_INFLATED_AT_OPEN = re.compile(rb"/Type\s*/(XRef|ObjStm)\b")
_OBJ_HEADER = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")
_FLATE = re.compile(rb"/(?:FlateDecode|Fl)\b")
_STRUCTURE_INFLATED_MAX = 64 << 20  # real xref/object streams: a few MB at most
_STRUCTURE_STREAMS_MAX = 256


@dataclass(frozen=True)
class StructureBomb:
    kind: str      # "XRef" (cross-reference stream) or "ObjStm" (object stream)
    ref: str       # "6 0", or "" when the object header is not found
    offset: int    # byte offset of the stream's /Type
    limit: int


def structure_stream_bomb(data: bytes, limit: int = _STRUCTURE_INFLATED_MAX) -> StructureBomb | None:
    """The first Flate-compressed cross-reference or object stream that inflates past
    `limit`, or None. qpdf inflates these whole while opening the file (cross-reference
    streams) or reconstructing a damaged one (object streams), before any caller can bound
    it: a 3 KB file can make it spend seconds and a gigabyte. Read here with zlib's bound."""
    for n, m in enumerate(_INFLATED_AT_OPEN.finditer(data)):
        if n >= _STRUCTURE_STREAMS_MAX:
            break
        start = data.find(b"stream", m.end())
        if start < 0:
            break
        obj = data.rfind(b"obj", 0, m.start())
        head = data[max(0, obj):start]
        flates = len(_FLATE.findall(head))
        if not flates or b"endstream" in head:
            continue
        start += len(b"stream")
        start += 2 if data[start:start + 2] == b"\r\n" else 1
        end = data.find(b"endstream", start)
        raw = data[start:end if end >= 0 else len(data)]
        for _ in range(flates):
            raw = _inflate_prefix(raw, limit)
            if len(raw) > limit:
                header = list(_OBJ_HEADER.finditer(data, max(0, obj - 24), obj + 3))
                ref = f"{int(header[-1].group(1))} {int(header[-1].group(2))}" if header else ""
                return StructureBomb(m.group(1).decode(), ref, m.start(), limit)
    return None


def _inflate_prefix(raw: bytes, limit: int) -> bytes:
    """What inflates from raw before the damage, at most limit + 1 bytes: like qpdf, keep
    what inflated before a broken byte, and do not insist on the final checksum."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)   # raw deflate after the 2-byte header
    out = bytearray()
    for i in range(2, len(raw), 512):
        try:
            out += inflater.decompress(raw[i:i + 512], limit + 1 - len(out))
        except zlib.error:
            break
        if len(out) > limit or inflater.eof:
            break
    return bytes(out)


def _pdf_xmp(data: bytes) -> dict[str, Any]:
    """PDF/A claim from the document's XMP packet, read with pikepdf (lazy: only the
    cross-reference table, the catalogue and the metadata stream are loaded)."""
    bomb = structure_stream_bomb(data)
    if bomb:  # pdf_active reports it (PDF022); qpdf would spend seconds and a gigabyte
        return {"damaged": f"/{bomb.kind} stream at byte {bomb.offset} inflates past "
                           f"{bomb.limit >> 20} MB"}
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        return {"encrypted": True}
    except Exception as exc:  # noqa: BLE001 - deep damage is the PDF checks' business
        return {"damaged": f"{type(exc).__name__}: {exc}"[:200]}
    try:
        details: dict[str, Any] = {}
        if pdf.is_encrypted:
            details["encrypted"] = True
        meta = pdf.Root.get("/Metadata")
        if not isinstance(meta, pikepdf.Stream):
            return details
        xmp = _stream_bytes(meta)
        if xmp is None:
            details["xmp"] = "unreadable"
            return details
        details.update(pdfa_claim(xmp))
        return details
    except Exception as exc:  # noqa: BLE001
        return {"damaged": f"{type(exc).__name__}: {exc}"[:200]}
    finally:
        pdf.close()


def _stream_bytes(stream) -> bytes | None:
    """A metadata stream's bytes, inflated with a bounded decompressor (never read_bytes():
    a hostile metadata stream could be a deflate bomb)."""
    raw = stream.read_raw_bytes()
    if len(raw) > _MAX_XMP_RAW:
        return None
    filters = stream.get("/Filter")
    if filters is None:
        names = []
    elif isinstance(filters, pikepdf.Array):
        names = [str(f) for f in filters]
    else:
        names = [str(filters)]
    if not names:
        return raw[:_MAX_XMP]
    if names == ["/FlateDecode"]:
        try:
            return zlib.decompressobj().decompress(raw, _MAX_XMP)
        except zlib.error:
            return None
    return None


def _xmp_as_utf8(xmp: bytes) -> bytes:
    """XMP packets may be UTF-8, UTF-16 or UTF-32 (XMP part 1, 7.3.2), told by a byte-order
    mark or by how the first "<" is encoded; the XML declaration, if any, is dropped."""
    codec = None
    for bom, name in _BOMS:
        if xmp.startswith(bom):
            codec, xmp = name.replace("-sig", ""), xmp[len(bom):]
            break
    else:
        for name, start in (("utf-32-le", b"<\x00\x00\x00"), ("utf-32-be", b"\x00\x00\x00<"),
                            ("utf-16-le", b"<\x00"), ("utf-16-be", b"\x00<")):
            if xmp.startswith(start):
                codec = name
                break
    if codec in (None, "utf-8"):
        return xmp.strip(b" \t\r\n\x00")
    text = xmp.decode(codec, "replace")
    return re.sub(r"^\s*<\?xml[^>]*\?>", "", text).strip().encode("utf-8")


# attribute (pdfaid:part="2") or element, with or without attributes (<pdfaid:part xmlns:..>2)
_PDFAID_RE = re.compile(rb"pdfaid:(part|conformance)(?:\s*=\s*[\"']|(?:\s[^<>]*)?>)\s*([A-Za-z0-9]+)")


def pdfa_claim(xmp: bytes) -> dict[str, Any]:
    """{"pdfa": "2b", "pdfa_part": 2, "pdfa_conformance": "b"} from an XMP packet, or {}.
    Both XMP spellings count: attributes (pdfaid:part="2") and elements (<pdfaid:part>2<...>)."""
    values: dict[str, str] = {}
    xmp = _xmp_as_utf8(xmp)
    try:
        root = SafeET.fromstring(xmp)
        for el in root.iter():
            for key in ("part", "conformance"):
                qname = "{%s}%s" % (_PDFAID_NS, key)
                if qname in el.attrib and key not in values:
                    values[key] = el.attrib[qname].strip()
                if el.tag == qname and el.text and key not in values:
                    values[key] = el.text.strip()
    except Exception:  # noqa: BLE001 - malformed XMP: fall back to the plain spelling
        for key, value in _PDFAID_RE.findall(xmp[:_MAX_XMP]):
            values.setdefault(key.decode(), value.decode("ascii", "replace"))
        if values:
            values["xmp_malformed"] = "1"
    part = values.get("part", "")
    if not part.isdigit():
        return {}
    conformance = values.get("conformance", "").lower()
    claim: dict[str, Any] = {"pdfa": f"{int(part)}{conformance}", "pdfa_part": int(part),
                             "pdfa_conformance": conformance}
    if values.get("xmp_malformed"):
        claim["xmp_malformed"] = True
    return claim


# --- OLE compound files -----------------------------------------------------------------------

_MSI_CLSIDS = {"000C1084-0000-0000-C000-000000000046", "000C1086-0000-0000-C000-000000000046"}


def _ole(data: bytes) -> Sniffed:
    try:
        ole = olefile.OleFileIO(data)
    except Exception as exc:  # noqa: BLE001 - olefile raises OSError, ValueError, struct.error...
        return Sniffed("ole", findings=[Finding("FMT017", detail=f"{type(exc).__name__}: {exc}"[:300],
                                                args={"label": KINDS["ole"].label})])
    try:
        streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=True)}
        clsid = (ole.root.clsid or "").upper() if ole.root else ""
    except Exception as exc:  # noqa: BLE001
        return Sniffed("ole", findings=[Finding("FMT017", detail=f"{type(exc).__name__}: {exc}"[:300],
                                                args={"label": KINDS["ole"].label})])
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


# --- ZIP-based: ODF, OOXML, JAR, plain zip ---------------------------------------------------

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


def _zip(data: bytes) -> Sniffed:
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
            args["other"] = _magic_name(data[:report.prepended_bytes])
            location = "byte 0"
        elif first.kind is zipinspect.ZipProblemKind.APPENDED_DATA:
            args["other"] = _magic_name(data[len(data) - report.appended_bytes:])
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
    except Exception:  # noqa: BLE001
        return None, ""
    for el in root:
        if el.attrib.get("{%s}full-path" % _MANIFEST_NS) == "/":
            mimetype = el.attrib.get("{%s}media-type" % _MANIFEST_NS, "")
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


# --- executables --------------------------------------------------------------------------------

_MACHO = {b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe"}


def _executable(data: bytes) -> Sniffed | None:
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
_SCRIPT_MARKS = re.compile(
    r"(?im)^\s*@?echo\s+off\b|WScript\.(Shell|CreateObject|Echo|Sleep)|new\s+ActiveXObject\s*\("
    r"|CreateObject\s*\(\s*\"(WScript|Scripting|Shell|ADODB|MSXML2)\.|<hta:application"
    r"|^\s*<job\b|^\s*<package\b|Invoke-Expression|Set-ExecutionPolicy|\bIEX\s*\(|"
    r"powershell(\.exe)?\s+-(enc|e|nop|w|exec)")


# --- CMS envelopes -------------------------------------------------------------------------------

_SIGNED_DATA_OID = bytes.fromhex("06092a864886f70d010702")  # 1.2.840.113549.1.7.2, DER
_TIMESTAMPED_DATA_OID = bytes.fromhex("060b2a864886f70d010910011f")  # 1.2.840.113549.1.9.16.1.31
_CMS_OIDS = (_SIGNED_DATA_OID, _TIMESTAMPED_DATA_OID)


def _cms(der: bytes) -> Sniffed | None:
    """p7m / p7s / tsd / tsr from DER or BER bytes, or None if they are no such structure.
    asn1crypto parses lazily: only the outer layers are decoded here."""
    try:
        info = cms.ContentInfo.load(der)
        ctype = info["content_type"].dotted
    except Exception:  # noqa: BLE001 - not a ContentInfo
        info, ctype = None, ""
    if ctype == "1.2.840.113549.1.7.2":  # signedData
        try:
            return _signed_data(info["content"])
        except Exception:  # noqa: BLE001 - asn1crypto parses lazily: damage shows up here
            return None
    if ctype == "1.2.840.113549.1.9.16.1.31":  # id-ct-timestampedData (RFC 5544)
        try:
            tsd = info["content"]
            has = tsd["content"].native is not None
        except Exception:  # noqa: BLE001
            has = None
        return Sniffed("tsd", {"content": has})
    try:  # an RFC 3161 TimeStampResp: PKIStatusInfo followed by the token
        resp = tsp.TimeStampResp.load(der)
        resp["status"]["status"].native
        token = resp["time_stamp_token"]
        if token["content_type"].dotted == "1.2.840.113549.1.7.2":
            found = _signed_data(token["content"])
            if found and found.id == "tsr":
                found.details["response"] = True
                return found
    except Exception:  # noqa: BLE001
        pass
    return None


def _signed_data(signed) -> Sniffed | None:
    try:
        eci = signed["encap_content_info"]
        etype = eci["content_type"].dotted
        content = eci["content"]
        has_content = content.native is not None if content is not None else False
        signers = len(signed["signer_infos"])
    except Exception:  # noqa: BLE001
        return None
    if etype == "1.2.840.113549.1.9.16.1.4":  # id-ct-TSTInfo: a time-stamp token
        return Sniffed("tsr", {"signers": signers})
    return Sniffed("p7m" if has_content else "p7s", {"signers": signers, "content_type": etype})


def _definite_length(der: bytes) -> bool:
    """DER (or definite-length BER) when the outer SEQUENCE has a definite length."""
    return len(der) > 1 and der[1] != 0x80


# --- text-based formats -------------------------------------------------------------------------

_BOMS = [(b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32-le"),
         (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")]
_ENCODING_LABELS = {"ascii": "ASCII", "utf-8": "UTF-8", "utf-8-sig": "UTF-8 con BOM",
                    "utf-16-le": "UTF-16", "utf-16-be": "UTF-16", "utf-32-le": "UTF-32",
                    "utf-32-be": "UTF-32", "cp1252": "Windows-1252"}
# For UTF-16/32 text: C0 controls other than tab, newline, form feed, carriage return;
# DEL; C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:[ \t]?")
_MAIL_HEADERS = {"from", "to", "cc", "subject", "date", "message-id", "mime-version", "received",
                 "return-path", "reply-to", "delivered-to", "x-trasporto", "x-riferimento-message-id"}
_PEM_BEGIN = re.compile(rb"-----BEGIN ([A-Z0-9 #]+)-----")
_XML_START = re.compile(r"^\s*(<\?xml|<!--|<!DOCTYPE|<[A-Za-z_])", re.IGNORECASE)
_HTML_START = re.compile(r"^\s*(<!--.*?-->\s*)*(<!DOCTYPE\s+html|<html[\s>]|<head[\s>]|<body[\s>])",
                         re.IGNORECASE | re.DOTALL)


def decode_text(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) when the bytes are plausible plain text, else None.

    Strict: UTF-8 (with or without BOM), UTF-16/32 with BOM; Windows-1252 only when most
    bytes are ASCII (a legacy Italian letter, not binary data that happens to decode).
    Control characters or NULs mean "not text"."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec.replace("-sig", ""))
            except UnicodeDecodeError:
                return None
            if codec != "utf-8-sig":
                return None if _CONTROL.search(text.rstrip("\x1a")) else (text, codec)
            return (text, codec) if _plain_bytes(data[len(bom):], utf8=True) else None
    if not _plain_bytes(data, utf8=True):
        return None
    try:
        text = data.decode("utf-8")
        return text, "ascii" if text.isascii() else "utf-8"
    except UnicodeDecodeError:
        pass
    sample = data[:65536]
    if sum(1 for b in sample if b >= 0x80) > len(sample) * 0.3:
        return None
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return None


# Byte-level check, C speed on tens of MB: C0 controls other than tab, newline, form feed,
# carriage return; DEL; in UTF-8 also the C1 controls U+0080..U+009F.
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 0x20 and b not in b"\t\n\x0c\r") and b != 0x7F)
_UTF8_C1 = re.compile(rb"\xc2[\x80-\x9f]")


def _plain_bytes(data: bytes, utf8: bool) -> bool:
    body = data.rstrip(b"\x1a")  # a trailing ^Z is the DOS end-of-file mark
    if body.translate(None, _NOT_CONTROL):
        return False
    return not (utf8 and _UTF8_C1.search(body))


def _textual(data: bytes) -> Sniffed:
    stripped = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if stripped[:4] == b"{\\rt":
        return Sniffed("rtf")
    pem = _PEM_BEGIN.search(data[:4096])
    if pem:
        found = _pem_cms(data)
        if found:
            return found
    mime = _mime_structure(data)
    if mime:
        return mime
    decoded = decode_text(data)
    if decoded is None:
        return Sniffed("unknown")
    text, encoding = decoded
    head = text[:_TEXT_SNIFF]
    if _HTML_START.match(head):
        return Sniffed("html", {"encoding": encoding})
    if _XML_START.match(head):
        xml = _xml(data)
        if xml:
            xml.details.setdefault("encoding", encoding)
            return xml
    if 64 <= len(data) <= _MAX_BASE64:
        found = _base64_cms(data)
        if found:
            return found
    if _SCRIPT_MARKS.search(head):
        return Sniffed("exe", {"kind": "script", "encoding": encoding})
    details: dict[str, Any] = {"encoding": encoding}
    if encoding == "cp1252":
        return Sniffed("txt", details, [Finding("FMT027", args={"encoding": "Windows-1252"})])
    return Sniffed("txt", details)


def _pem_cms(data: bytes) -> Sniffed | None:
    try:
        _type, _headers, der = pem.unarmor(data.strip())
    except Exception:  # noqa: BLE001
        return None
    found = _cms(der)
    if found:
        found.details["encoding"] = "pem"
    return found


def _base64_cms(data: bytes) -> Sniffed | None:
    try:  # the first 48 bytes tell whether this is a signed envelope: decode all only then
        start = base64.b64decode(b"".join(data[:256].split())[:64])
    except (binascii.Error, ValueError):
        return None
    if start[:1] != b"\x30" or not any(oid in start[:48] for oid in _CMS_OIDS):
        return None
    try:
        der = base64.b64decode(b"".join(data.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    if der[:1] != b"\x30":
        return None
    found = _cms(der)
    if found:
        found.details["encoding"] = "base64"
    return found


def _mime_structure(data: bytes) -> Sniffed | None:
    """eml (RFC 5322 message) or m7m (MIME multipart holding a p7m and a tsr)."""
    first = data[:1024].lstrip(b"\r\n")
    if not _HEADER_LINE.match(first):
        return None
    head_end = re.search(rb"\r?\n\r?\n", data[:65536])
    if not head_end:
        return None
    parser = email.parser.BytesHeaderParser(policy=email.policy.compat32)
    try:
        headers = parser.parsebytes(data[:head_end.end()])
    except Exception:  # noqa: BLE001
        return None
    names = {k.lower() for k in headers.keys()}
    content_type = str(headers.get("Content-Type") or "").lower()  # a Header when not ASCII
    is_mail = len(names & _MAIL_HEADERS) >= 2
    if not is_mail and not content_type.startswith("multipart/"):
        return None
    parts = _mime_parts(data) if content_type.startswith("multipart/") else []
    kinds = {_part_kind(ctype, fname) for ctype, fname in parts}
    if {"p7m", "tsr"} <= kinds and len(parts) <= 4:
        return Sniffed("m7m", {"parts": len(parts)})
    if is_mail:
        return Sniffed("eml", {"attachments": sum(1 for _, fname in parts if fname)})
    return None


def _mime_parts(data: bytes, depth: int = 0) -> list[tuple[str, str]]:
    """(content type, file name) of the parts of a multipart body, nested multiparts included
    up to three levels. Parts are found by splitting on the boundary and only their headers
    are parsed: a 30 MB message costs a few milliseconds, nothing is decoded."""
    head_end = re.search(rb"\r?\n\r?\n", data[:65536])
    if not head_end or depth > 3:
        return []
    header_parser = email.parser.BytesHeaderParser(policy=email.policy.compat32)
    try:
        headers = header_parser.parsebytes(data[:head_end.end()])
        boundary = headers.get_param("boundary")
    except Exception:  # noqa: BLE001
        return []
    if not isinstance(boundary, str) or not boundary:
        return []
    out: list[tuple[str, str]] = []
    chunks = data[head_end.end():].split(b"--" + boundary.encode("ascii", "replace"))
    for chunk in chunks[1:_MAX_MIME_PARTS]:
        if chunk.startswith(b"--"):
            break  # the closing boundary
        chunk = chunk.lstrip(b"\r\n")
        end = re.search(rb"\r?\n\r?\n", chunk[:65536])
        try:
            part = header_parser.parsebytes(chunk[:end.end()] if end else chunk[:65536])
            ctype = part.get_content_type().lower()
            fname = (part.get_filename() or "").lower()
        except Exception:  # noqa: BLE001
            continue
        if ctype.startswith("multipart/"):
            out.extend(_mime_parts(chunk, depth + 1))
        else:
            out.append((ctype, fname))
    return out


def _part_kind(ctype: str, filename: str) -> str:
    if "pkcs7-mime" in ctype or filename.endswith(".p7m"):
        return "p7m"
    if "timestamp" in ctype or filename.endswith((".tsr", ".tst")):
        return "tsr"
    return "other"


class _RootTarget:
    """An ElementTree parser target that keeps nothing but the root element's name."""
    def __init__(self) -> None:
        self.root: str | None = None

    def start(self, tag, attrib):
        if self.root is None:
            self.root = tag

    def end(self, tag):
        pass

    def data(self, text):
        pass

    def close(self):
        return self.root


_ROOT_AFTER_DOCTYPE = re.compile(r"<!DOCTYPE[^\[>]*(\[.*?\]\s*)?>\s*(<!--.*?-->\s*)*<([A-Za-z_][\w.:-]*)",
                                 re.DOTALL)
_ROOT_AFTER_PROLOGUE = re.compile(r"^\ufeff?\s*(<\?xml[^>]*\?>)\s*(<!--.*?-->\s*)*<([A-Za-z_][\w.:-]*)",
                                  re.DOTALL)
_XMLNS = re.compile(r"""xmlns\s*=\s*["']([^"']+)["']""")


def _xml(data: bytes) -> Sniffed | None:
    """xml / kml / svg / html by root element. Parsing stops at the root's start tag: whether
    the rest is well formed is the XML check's business (XML002). defusedxml refuses entity
    declarations, so a DOCTYPE with ENTITY is never expanded; its root is then read from the
    text instead."""
    target = _RootTarget()
    parser = DefusedXMLParser(target=target, forbid_dtd=False, forbid_entities=True,
                              forbid_external=True)
    details: dict[str, Any] = {}
    try:
        for start in range(0, min(len(data), _MAX_XML_PROLOGUE), _XML_CHUNK):
            parser.feed(data[start:start + _XML_CHUNK])
            if target.root is not None:
                break
    except defusedxml.DefusedXmlException as exc:
        details["entities"] = True
        details["defused"] = type(exc).__name__
    except (ParseError, LookupError, ValueError):  # LookupError: unknown declared encoding
        if target.root is None and not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml"):
            return None
    root = target.root
    if root is None:  # stopped before the root (entity declarations, bad encoding): read it
        head = data[:65536].decode("utf-8", "replace")
        m = _ROOT_AFTER_DOCTYPE.search(head) or _ROOT_AFTER_PROLOGUE.search(head)
        if not m:
            return None
        root = m.group(3)
        ns = _XMLNS.search(head[m.start(3):m.start(3) + 2000])
        if ns:
            root = "{%s}%s" % (ns.group(1), root.split(":")[-1])
    namespace, _, local = root[1:].partition("}") if root.startswith("{") else ("", "", root)
    local = local.split(":")[-1]
    details.update({"root": local, "namespace": namespace})
    fid = "xml"
    if local == "kml":
        fid = "kml"
    elif local == "svg":
        fid = "svg"
    elif local.lower() == "html":
        fid = "html"
    elif local == "FatturaElettronica" or "ivaservizi.agenziaentrate.gov.it" in namespace:
        details["fatturapa"] = True
    return Sniffed(fid, details)


# --- polyglots --------------------------------------------------------------------------------

_OTHER_MAGICS = [(b"PK\x03\x04", "ZIP"), (b"MZ", "EXE"), (b"\x7fELF", "ELF"),
                 (b"%PDF-", "PDF"), (b"\xd0\xcf\x11\xe0", "OLE"), (b"Rar!", "RAR"),
                 (b"7z\xbc\xaf", "7z"), (b"\x89PNG", "PNG"), (b"\xff\xd8\xff", "JPEG")]


def _polyglot(data: bytes, found: Sniffed) -> list[Finding]:
    """A file that is valid as two formats is an attack on whoever reads it: the office's
    viewer shows one thing, another program runs or extracts the other."""
    if found.id in ("empty", "unknown") or len(data) < 32:
        return []
    out: list[Finding] = []
    zip_based = found.id in ("zip", "odt", "ods", "odp", "odg", "docx", "docm", "xlsx", "xlsm",
                             "xlsb", "pptx", "pptm") or found.details.get("kind") in ("jar", "apk")
    # An envelope or message carries its document's bytes near its start: a signed PDF is
    # not a polyglot.
    if found.id not in ENVELOPES and found.id != "pdf" and not found.details.get("header_offset"):
        pdf_at = data.find(b"%PDF-", 0, _PDF_HEADER_WINDOW)
        if pdf_at > 0 and data.find(b"%%EOF", pdf_at) > 0:  # a PDF, not a mention of one
            out.append(_poly("PDF", pdf_at, found))
        elif found.id in ("exe", "jpeg", "png", "gif", "tiff", "gzip", "rar", "7z"):
            pdf_at = data.find(b"%PDF-")
            if pdf_at > 0 and data.find(b"%%EOF", pdf_at) > 0:
                out.append(_poly("PDF", pdf_at, found))
    # Envelopes, messages and OLE files legitimately carry whole documents (a signed .docx,
    # an embedded package) whose zip end record may sit near their own end.
    if not zip_based and found.id not in ("p7m", "tsd", "m7m", "eml", "txt", "xml", "doc",
                                          "xls", "ppt", "msg", "ole"):
        eocd = zipinspect.find_end_record(data)
        if eocd > 0:
            inner = zipinspect.inspect(data)
            if inner.entries and zipinspect.ZipProblemKind.CORRUPT not in inner.kinds():
                out.append(_poly("ZIP", min(e.header_offset for e in inner.entries), found))
    if found.id == "pdf":
        eof = data.rfind(b"%%EOF")
        tail = data[eof + 5:].lstrip(b"\r\n\t \x00") if eof >= 0 else b""
        for magic_bytes, name in _OTHER_MAGICS:
            if tail.startswith(magic_bytes) and not any(f.args.get("other") == name for f in out):
                out.append(_poly(name, len(data) - len(tail), found))
                break
    return out


_MAGIC_PREFIXES = tuple(m for m, _ in _OTHER_MAGICS)


def _magic_name(chunk: bytes) -> str:
    """What a stray piece of a file starts as: "PDF", "EXE", ... or "BIN"."""
    chunk = chunk.lstrip(b"\r\n\t \x00")
    return next((name for magic_bytes, name in _OTHER_MAGICS if chunk.startswith(magic_bytes)),
                "BIN")


def _poly(other: str, offset: int, found: Sniffed) -> Finding:
    label = KINDS[found.id].label
    return Finding("FMT014", detail=f"{other} at byte {offset} inside {found.id}",
                   location=f"byte {offset}", args={"label": label, "other": other})


# --- FormatInfo --------------------------------------------------------------------------------

def format_info(found: Sniffed, magic_text: str = "") -> FormatInfo:
    kind = KINDS.get(found.id, KINDS["unknown"])
    label, extensions = kind.label, kind.extensions
    d = found.details
    if found.id == "pdf" and d.get("pdfa"):
        label = f"Documento PDF/A-{d['pdfa_part']}{d['pdfa_conformance']}"
    elif found.id in ("txt", "html") and d.get("encoding"):
        label = f"{label} ({_ENCODING_LABELS.get(d['encoding'], d['encoding'])})"
    elif found.id == "ole" and d.get("encrypted_package"):
        label = "Documento Office protetto da password"
    elif found.id == "xml" and d.get("fatturapa"):
        label = "Fattura elettronica (FatturaPA, XML)"
    elif found.id == "exe" and d.get("kind"):
        label = _EXE_LABELS.get(d["kind"], label)
        extensions = _EXE_EXTENSIONS.get(d["kind"], extensions)
    elif found.id in ("p7m", "tsd") and d.get("encoding") in ("pem", "base64"):
        label = f"{label}, codifica {d['encoding'].upper() if d['encoding'] == 'pem' else 'Base64'}"
    return FormatInfo(id=found.id, mime=kind.mime, label=label, extensions=extensions,
                      magic=magic_text, details=dict(d))


def libmagic(data: bytes) -> str:
    if _MAGIC is None or not data:
        return ""
    try:
        return _MAGIC.from_buffer(data[:65536])[:200]
    except Exception:  # noqa: BLE001
        return ""


# --- step 2: name and office ---------------------------------------------------------------------

def extensions_of(name: str) -> list[str]:
    """The dot-separated suffixes of a file name, lower case, last one last: "a.PDF.p7m" →
    ["pdf", "p7m"]. Spaces around a dot ("fattura.pdf   .exe") are ignored."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip().strip(".")
    parts = [p.strip().lower() for p in base.split(".")]
    return [p for p in parts[1:] if p and len(p) <= 12 and p.isalnum()]


def judge(fmt: FormatInfo, name: str, accepted: tuple[str, ...],
          siblings: tuple[str, ...] = ()) -> list[Finding]:
    """Findings about the name and about the office's formats. `siblings` are the names of
    the files sent beside this one: a detached signature is fine next to its document."""
    if _unopened_container(fmt, extensions_of(name)) or fmt.details.get("encrypted_package"):
        return _name_findings(fmt, name)  # the container's own finding (FMT017/020/026) says it
    if KINDS.get(fmt.id, KINDS["unknown"]).family == "detached" and detached_target(name) in siblings:
        return _name_findings(fmt, name)  # domanda.pdf.p7s beside domanda.pdf: the signature check pairs them
    return _name_findings(fmt, name) + _acceptance_findings(fmt, accepted)




def _name_findings(fmt: FormatInfo, name: str) -> list[Finding]:
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
    if fmt.id in ("empty", "unknown") or _unopened_container(fmt, exts):
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
_KNOWN_EXTENSIONS = frozenset(e for k in _KINDS for e in k.extensions) | frozenset(
    e for exts in _EXE_EXTENSIONS.values() for e in exts)

# Extensions of zip-based formats: a broken or hostile zip named so is not "a zip with the
# wrong extension" (its inside was never looked at); its own finding explains it.
_ZIP_BASED_EXTENSIONS = frozenset(
    e for k in _KINDS if k.id in ("odt", "ods", "odp", "odg", "docx", "docm", "xlsx", "xlsm",
                                  "xlsb", "pptx", "pptm") for e in k.extensions)


def _unopened_container(fmt: FormatInfo, exts: list[str]) -> bool:
    return (fmt.id == "zip" and not fmt.details.get("inspected", True)
            and bool(exts) and exts[-1] in _ZIP_BASED_EXTENSIONS)




def _acceptance_findings(fmt: FormatInfo, accepted: tuple[str, ...]) -> list[Finding]:
    accepted_ids = {_FORMAT_ALIASES.get(a.lower(), a.lower()) for a in accepted}
    kind = KINDS.get(fmt.id, KINDS["unknown"])
    args = {"label": fmt.label, "accepted": accepted_label(accepted_ids)}
    if fmt.id == "empty":
        return [Finding("FMT015")]
    if fmt.id == "unknown":
        return [Finding("FMT016", detail=fmt.magic, args=args)]
    if fmt.id == "exe" or fmt.id in ENVELOPES:
        return []  # executables have their own finding; envelopes are judged by their content
    if kind.family == "detached":
        return [Finding("FMT008", args=args)]
    if fmt.id == "pdf":
        # Where a plain PDF is accepted, recommending PDF/A is the PDF/A check's PDFA001;
        # here only an office that takes nothing but PDF/A refuses it.
        if "pdf" in accepted_ids:
            return []
        if "pdfa" in accepted_ids:
            return [] if fmt.details.get("pdfa") else [Finding("FMT007", args=args)]
    if fmt.id in accepted_ids:
        return []
    code = _NOT_ACCEPTED_CODE.get(kind.family, _NOT_ACCEPTED_DEFAULT)
    return [Finding(code, detail=fmt.id, args=args)]


_ACCEPTED_NAMES = {"pdfa": "PDF/A", "pdf": "PDF", "txt": "TXT", "rtf": "RTF", "xml": "XML",
                   "tiff": "TIFF", "odt": "ODT", "kml": "KML"}


def accepted_label(accepted_ids: set[str]) -> str:
    order = ["pdfa", "pdf", "txt", "rtf", "xml", "tiff", "odt", "kml"]
    names = [_ACCEPTED_NAMES[a] for a in order if a in accepted_ids]
    names += sorted(a.upper() for a in accepted_ids if a not in _ACCEPTED_NAMES)
    return ", ".join(names)


# --- the worker entry point ----------------------------------------------------------------------

_SCRIPT_EXTENSIONS = frozenset(_EXE_EXTENSIONS["script"])


def identify(file: InputFile) -> tuple[FormatInfo, list[Finding]]:
    """Format and container findings for one file, before any profile is applied."""
    found = sniff(file.data)
    exts = extensions_of(file.name)
    if found.id == "txt" and exts and exts[-1] in _SCRIPT_EXTENSIONS:
        # plain text named .js/.vbs/.bat/.ps1 is code the system runs on double click
        found = Sniffed("exe", {"kind": "script", "by": "extension", **found.details},
                        found.findings)
    return format_info(found, libmagic(file.data)), found.findings


def identify_job(file: InputFile, ctx) -> CheckResult:
    """Run by engine.py in a bounded worker: the format, and the findings about the format."""
    fmt, findings = identify(file)
    profile = ctx.profile
    findings = findings + judge(fmt, file.name, tuple(profile.accepted_formats),
                                tuple(getattr(ctx, "siblings", ())))
    return CheckResult(findings=findings, format=fmt, engine=_engine_label())


def _engine_label() -> str:
    return "identificazione per contenuto" + (" + libmagic" if _MAGIC else "")
