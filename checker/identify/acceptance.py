"""Step 2, `judge`: the file name against the content (names.py) and the content against
the formats the office accepts (FMT001-FMT008, FMT015, FMT016)."""
from __future__ import annotations

from ..filenames import detached_target
from ..model import Finding, FormatInfo
from .kinds import ENVELOPES, FORMAT_ALIASES, KINDS, NOT_ACCEPTED_CODE, NOT_ACCEPTED_DEFAULT
from .names import extensions_of, name_findings, unopened_container


def judge(fmt: FormatInfo, name: str, accepted: tuple[str, ...],
          siblings: tuple[str, ...] = ()) -> list[Finding]:
    """Findings about the name and about the office's formats. `siblings` are the names of
    the files sent beside this one: a detached signature is fine next to its document."""
    if unopened_container(fmt, extensions_of(name)) or fmt.details.get("encrypted_package"):
        return name_findings(fmt, name)  # the container's own finding (FMT017/020/026) says it
    if KINDS.get(fmt.id, KINDS["unknown"]).family == "detached" and detached_target(name) in siblings:
        # domanda.pdf.p7s beside domanda.pdf: the signature check pairs them
        return name_findings(fmt, name)
    return name_findings(fmt, name) + _acceptance_findings(fmt, accepted)


def _acceptance_findings(fmt: FormatInfo, accepted: tuple[str, ...]) -> list[Finding]:
    accepted_ids = {FORMAT_ALIASES.get(a.lower(), a.lower()) for a in accepted}
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
    code = NOT_ACCEPTED_CODE.get(kind.family, NOT_ACCEPTED_DEFAULT)
    return [Finding(code, detail=fmt.id, args=args)]


_ACCEPTED_NAMES = {"pdfa": "PDF/A", "pdf": "PDF", "txt": "TXT", "rtf": "RTF", "xml": "XML",
                   "tiff": "TIFF", "odt": "ODT", "kml": "KML"}


def accepted_label(accepted_ids: set[str]) -> str:
    """"PDF/A, PDF, TXT": the accepted formats as a finding names them."""
    order = ["pdfa", "pdf", "txt", "rtf", "xml", "tiff", "odt", "kml"]
    names = [_ACCEPTED_NAMES[a] for a in order if a in accepted_ids]
    names += sorted(a.upper() for a in accepted_ids if a not in _ACCEPTED_NAMES)
    return ", ".join(names)
