"""The format registry: every format id identification can say, with its MIME type, Italian
label, the extensions that agree with it and the family that decides which "not accepted"
finding applies; and `format_info`, which turns a sniffing result into the FormatInfo the
report shows."""
from __future__ import annotations

from dataclasses import dataclass

from ..model import FormatInfo
from .sniffed import Sniffed


@dataclass(frozen=True)
class Kind:
    id: str
    mime: str
    label: str                    # Italian, shown in the report
    extensions: tuple[str, ...]   # first one is the one to use
    family: str = "other"         # decides which "not accepted" finding and fix applies


KIND_LIST = [
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
KINDS: dict[str, Kind] = {k.id: k for k in KIND_LIST}

EXE_LABELS = {
    "pe": "Programma Windows (EXE/DLL)", "dos": "Programma MS-DOS", "elf": "Programma Linux (ELF)",
    "macho": "Programma macOS (Mach-O)", "script": "Script eseguibile",
    "msi": "Pacchetto di installazione Windows (MSI)", "jar": "Programma Java (JAR)",
    "java": "Programma Java (classe compilata)", "apk": "App Android (APK)",
    "lnk": "Collegamento di Windows (LNK)", "chm": "Guida HTML compilata (CHM)",
}
EXE_EXTENSIONS = {
    "pe": ("exe", "dll", "scr", "com", "sys", "cpl", "ocx"), "dos": ("exe", "com"),
    "elf": ("bin", "elf", "so", "run", "out"), "macho": ("app", "dylib", "bin"),
    "script": ("sh", "bash", "bat", "cmd", "js", "jse", "vbs", "vbe", "ps1", "psm1", "hta", "wsf",
               "py", "pl", "rb", "command"),
    "msi": ("msi", "msp"), "jar": ("jar",), "java": ("class",), "apk": ("apk",),
    "lnk": ("lnk",), "chm": ("chm",),
}
# Containers whose inner document is what the office judges (unpacked by the signature and
# message checks): their own format is never "not accepted".
ENVELOPES = frozenset({"p7m", "tsd", "m7m", "eml"})
FORMAT_ALIASES = {"tif": "tiff", "pdf/a": "pdfa", "jpg": "jpeg", "htm": "html", "text": "txt"}

# "not accepted" finding per family, each with its own concrete fix in format.toml
NOT_ACCEPTED_CODE = {
    "word": "FMT002", "sheet": "FMT003", "slides": "FMT004", "image": "FMT005",
    "archive": "FMT006",
}
NOT_ACCEPTED_DEFAULT = "FMT001"

# Office formats stored as a zip, told apart by what is inside it (ODF, OOXML).
ZIP_BASED = frozenset({"odt", "ods", "odp", "odg", "docx", "docm", "xlsx", "xlsm", "xlsb", "pptx",
                       "pptm"})
ENCODING_LABELS = {"ascii": "ASCII", "utf-8": "UTF-8", "utf-8-sig": "UTF-8 con BOM",
                   "utf-16-le": "UTF-16", "utf-16-be": "UTF-16", "utf-32-le": "UTF-32",
                   "utf-32-be": "UTF-32", "cp1252": "Windows-1252"}


def format_info(found: Sniffed, magic_text: str = "") -> FormatInfo:
    """The report's view of a sniffing result: the label says more than the kind's when the
    details do (PDF/A level, text encoding, executable kind, envelope encoding)."""
    kind = KINDS.get(found.id, KINDS["unknown"])
    label, extensions = kind.label, kind.extensions
    d = found.details
    if found.id == "pdf" and d.get("pdfa"):
        label = f"Documento PDF/A-{d['pdfa_part']}{d['pdfa_conformance']}"
    elif found.id in ("txt", "html") and d.get("encoding"):
        label = f"{label} ({ENCODING_LABELS.get(d['encoding'], d['encoding'])})"
    elif found.id == "ole" and d.get("encrypted_package"):
        label = "Documento Office protetto da password"
    elif found.id == "xml" and d.get("fatturapa"):
        label = "Fattura elettronica (FatturaPA, XML)"
    elif found.id == "exe" and d.get("kind"):
        label = EXE_LABELS.get(d["kind"], label)
        extensions = EXE_EXTENSIONS.get(d["kind"], extensions)
    elif found.id in ("p7m", "tsd") and d.get("encoding") in ("pem", "base64"):
        label = f"{label}, codifica {d['encoding'].upper() if d['encoding'] == 'pem' else 'Base64'}"
    return FormatInfo(id=found.id, mime=kind.mime, label=label, extensions=extensions,
                      magic=magic_text, details=dict(d))

