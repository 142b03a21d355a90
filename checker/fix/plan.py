"""What the fix pipeline will do to one file, decided from the check's findings alone.

The codes below are the findings with a mechanical fix: a conversion (LibreOffice, Ghostscript),
a cleaning (pikepdf) or a new name. Anything else (a password, a damaged file, a program, a
missing subject) needs the sender. A signed file is never touched: changing one byte would
break its signature.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field

from ..model import Document, InputFile
from ..profiles import Profile
from .convert import LEVELS, OFFICE_APPS
from .images import FORMATS as IMAGE_FORMATS


class Action(enum.StrEnum):
    CONVERTED = "converted"
    CLEANED = "cleaned"
    RENAMED = "renamed"
    UNCHANGED = "unchanged"
    REFUSED = "refused"


# a format the office does not take, which a PDF/A export replaces
FORMAT_CODES = frozenset({"FMT001", "FMT002", "FMT003", "FMT004", "FMT007"})
# an image in a format the office does not take (FMT005; FMT001 for a TIFF where TIFF is refused)
IMAGE_CODES = frozenset({"FMT001", "FMT005"})
# active content in Office, ODF and RTF files: gone once the document is a PDF (cleaned)
OFFICE_CODES = frozenset({f"OFF00{n}" for n in range(1, 10)} | {f"ODF00{n}" for n in range(1, 9)}
                         | {"RTF001", "RTF002", "RTF003"})
# active content in a PDF that pikepdf removes (PDF005: restrictions go with the encryption;
# PDF018: earlier revisions go with the rewrite)
CLEAN_CODES = frozenset({"PDF005", "PDF006", "PDF007", "PDF008", "PDF009", "PDF010", "PDF011",
                         "PDF012", "PDF014", "PDF015", "PDF016", "PDF017", "PDF018", "PDF024"})
# a PDF that claims PDF/A and is not one (built-in validator or veraPDF)
PDFA_CODES = frozenset({f"PDFA0{n}" for n in range(10, 22)} | {"VPDF001"})
# names: MSG036-MSG045 (name rules, duplicates), FMT010-FMT012 (extension and content disagree)
NAME_CODES = frozenset({f"MSG0{n}" for n in range(36, 46)} | {"FMT010", "FMT011", "FMT012"})
FIXABLE_CODES = FORMAT_CODES | IMAGE_CODES | OFFICE_CODES | CLEAN_CODES | PDFA_CODES | NAME_CODES
# with these the tools cannot help: a password, a damaged file, a program, a bomb
BLOCKING_CODES = frozenset({"PDF001", "PDF004", "PDF022", "FMT013", "FMT014", "FMT015", "FMT016",
                            "FMT017", "FMT018", "FMT019", "FMT020", "FMT026", "OFF010", "OFF011",
                            "ODF009", "ODF010", "RTF004"})
PASSWORD_CODES = frozenset({"PDF004", "FMT026", "OFF010", "ODF009"})
PASSWORD_REASON = ("protetto da una password di apertura: senza la password nessuno strumento "
                   "può leggerlo, quindi non si può correggere qui; apri il file con la password, "
                   "salvane una copia senza protezione (nel lettore PDF o nel programma "
                   "d'ufficio: Proprietà o Salva con nome > Sicurezza > nessuna password) e "
                   "correggi quella / protected by an opening password: no tool can read it "
                   "without the password, so it cannot be fixed here; open it with the password, "
                   "save a copy without protection and fix that copy")
# a PDF with only an owner password (restrictions on printing, copying, editing; PDF005) opens
# without one: the cleaning rewrites it unencrypted (clean.py), and it is fixed as any other
SIGNED_FORMATS = frozenset({"p7m", "p7s", "m7m", "tsd", "tsr"})
XMLDSIG = b"http://www.w3.org/2000/09/xmldsig#"
SIGNED_REASON = ("file firmato digitalmente: lasciato com'è, perché convertirlo o pulirlo "
                 "romperebbe la firma; correggi il documento originale e firmalo di nuovo / "
                 "digitally signed: left as is, converting would break the signature; fix the "
                 "original and sign again")
DEFAULT_LEVEL = "2b"


@dataclass
class Plan:
    """The steps for one top-level file, in order: convert_office or convert_image, clean,
    convert_pdf."""
    index: int
    file: InputFile
    document: Document
    before: set[str]                                  # codes found (error, warning, not checked)
    targets: set[str] = field(default_factory=set)    # the codes the steps should remove
    convert_office: bool = False
    convert_image: bool = False
    clean: bool = False
    convert_pdf: bool = False
    rename: bool = False
    refused: str = ""          # why the file is left as is (signed)
    blocked: set[str] = field(default_factory=set)   # codes that stop any fix

    @property
    def changes_bytes(self) -> bool:
        return self.convert_office or self.convert_image or self.clean or self.convert_pdf

    @property
    def converts(self) -> bool:
        """The output is a new PDF/A (converted), not the same document cleaned."""
        return self.convert_office or self.convert_image or self.convert_pdf


def blocked_reason(blocked: set[str]) -> str:
    """Why a file with these codes is left to the sender."""
    if blocked & PASSWORD_CODES:
        return f"{PASSWORD_REASON} ({', '.join(sorted(blocked))})"
    return "non correggibile automaticamente / needs the sender: " + ", ".join(sorted(blocked))


def target_level(profile: Profile) -> str:
    """The PDF/A level the office asks for (profile key pdfa_level), else 2b."""
    level = str(profile.extra.get("pdfa_level", DEFAULT_LEVEL)).lower()
    return level if level in LEVELS else DEFAULT_LEVEL


def wants_pdfa(profile: Profile) -> bool:
    return "pdfa" in profile.preferred_formats or "pdfa" in profile.accepted_formats


def is_signed(f: InputFile, doc: Document) -> bool:
    if doc.signed or doc.format.id in SIGNED_FORMATS:
        return True
    if doc.format.id == "pdf" and b"/ByteRange" in f.data:
        return True
    return doc.format.id in ("xml", "kml", "svg") and XMLDSIG in f.data


def plan_file(index: int, f: InputFile, doc: Document, codes: set[str], profile: Profile,
              level: str) -> Plan:
    """`codes`: the non-info codes of the document and the message findings that name it."""
    plan = Plan(index, f, doc, set(codes))
    if is_signed(f, doc):
        plan.refused = SIGNED_REASON
        return plan
    plan.blocked = codes & BLOCKING_CODES
    fmt = doc.format.id
    if not plan.blocked:
        if fmt in OFFICE_APPS and codes & (FORMAT_CODES | OFFICE_CODES):
            plan.convert_office = plan.clean = True
            plan.targets |= codes & (FORMAT_CODES | OFFICE_CODES)
        elif fmt in IMAGE_FORMATS and codes & IMAGE_CODES:
            plan.convert_image = plan.convert_pdf = True   # img2pdf, then Ghostscript → PDF/A
            plan.targets |= codes & IMAGE_CODES
        elif fmt == "pdf":
            if codes & CLEAN_CODES:
                plan.clean = True
                plan.targets |= codes & CLEAN_CODES
            claimed = doc.format.details.get("pdfa")
            if codes & (PDFA_CODES | {"FMT007"}) or (not claimed and wants_pdfa(profile)):
                plan.convert_pdf = True
                plan.targets |= codes & (PDFA_CODES | {"FMT007", "PDFA001"})
    if codes & NAME_CODES and not ({"FMT013", "FMT014"} & codes):
        plan.rename = True
        plan.targets |= codes & NAME_CODES
    return plan
