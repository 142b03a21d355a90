"""Orchestration: open (encryption, damage), walk the final revision, walk earlier
revisions for history, read the first pages' text. Never saves the file."""
from __future__ import annotations

import contextlib
import io
import re
import time

import pikepdf

from ..pdf import read_claim, structure_stream_bomb
from ..pdf.decode import exceeds
from .bombs import stream_bombs
from . import revisions, text
from .model import ACTIVE_KINDS, Hit, HitKind, Limits, ScanReport
from .walk import _BROKEN, Walker

_PERMISSIONS_IT = {
    "print_lowres": "stampa", "print_highres": "stampa ad alta qualità",
    "extract": "copia del testo", "modify_other": "modifica",
    "modify_annotation": "commenti", "modify_form": "compilazione moduli",
    "modify_assembly": "assemblaggio pagine", "accessibility": "accessibilità",
}
_DAMAGE = re.compile(r"xref|reconstruct|recover|startxref|trailer|damaged|EOF|offset",
                     re.IGNORECASE)
# qpdf notes these and handles them as every reader does: not worth a warning to a citizen
# (the last is seen when the stream scan reads a stream's raw data; PDF/A judges it, 6.1.7.1)
_BENIGN = re.compile(r"xref stream itself is missing|extraneous whitespace seen before xref|"
                     r"stream keyword followed by extraneous whitespace", re.IGNORECASE)
_XREF = re.compile(r"xref|cross-reference|startxref", re.IGNORECASE)
_STREAM_PREFIX = re.compile(r"^(?:stream )?<_io\.[^>]*>(?: \([^)]*\))?:\s*")
_STREAM_NAME = re.compile(r"<_io\.[^>]*>")


def _open(data: bytes, inherit: bool = True) -> pikepdf.Pdf:
    # suppress_warnings: qpdf's repair messages go to get_warnings(), not stderr
    return pikepdf.open(io.BytesIO(data), suppress_warnings=True,
                        inherit_page_attributes=inherit)


def clean_message(exc_or_text) -> str:
    """qpdf's message without the in-memory stream's address (not deterministic)."""
    text = _STREAM_PREFIX.sub("", str(exc_or_text))
    return _STREAM_NAME.sub("file", text).strip()[:300]


def scan(data: bytes, limits: Limits | None = None) -> ScanReport:
    limits = limits or Limits()
    report = ScanReport()
    if revisions.looks_truncated(data):
        report.hits.append(Hit(HitKind.TRUNCATED, "fine del file",
                               f"nessun marcatore %%EOF negli ultimi 1024 byte ({len(data)} byte)"))
    bomb = structure_stream_bomb(data, 2 * limits.stream_bytes)
    if bomb:  # found before qpdf inflates it whole while opening or repairing the file
        what = "il flusso dei riferimenti (xref)" if bomb.kind == "XRef" else "il flusso di oggetti"
        where = ("flusso dei riferimenti" if bomb.kind == "XRef" else "flusso di oggetti") + \
            (f" {bomb.ref}" if bomb.ref else f" al byte {bomb.offset}")
        report.hits.append(Hit(HitKind.STREAM_BOMB, where,
                               f"{what} supera {bomb.limit // 2**20} MB una volta decompresso"))
        return report
    try:
        pdf = _open(data)
    except pikepdf.PasswordError:
        _password(data, report)
        return report
    except MemoryError:
        # qpdf inflates cross-reference streams while opening: a bomb there ends here
        report.hits.append(Hit(HitKind.STREAM_BOMB, "apertura del file",
                               "memoria esaurita leggendo la struttura del file"))
        return report
    except (pikepdf.PdfError, ValueError, RuntimeError) as exc:
        # e.g. a loop in the page tree: qpdf refuses to push inherited attributes down,
        # but the objects can still be read without that step
        try:
            pdf = _open(data, inherit=False)
        except pikepdf.PasswordError:
            _password(data, report)
            return report
        except (pikepdf.PdfError, ValueError, RuntimeError):
            report.hits.append(Hit(HitKind.UNREADABLE, "", clean_message(exc)))
            return report
        report.hits.append(Hit(HitKind.DAMAGED, "albero delle pagine", clean_message(exc)))

    try:
        with pdf:
            final_hits, declared_objects = _final_revision(pdf, data, limits, report)
        if final_hits is None:
            return report
        _history(data, final_hits, limits, report)
        if declared_objects > limits.text_max_objects:
            return report  # text is a hint (warnings, the Oggetto line): not worth minutes
        page_text = text.extract(data, limits)
    except MemoryError:
        # the worker's memory cap reached inside a parser: say what it most likely is
        report.hits.append(Hit(HitKind.STREAM_BOMB, "analisi del file",
                               "memoria esaurita durante l'analisi"))
        return report
    report.text = page_text.facts_text
    measured = {h.where for h in report.of(HitKind.STREAM_BOMB)}
    report.hits.extend(h for h in page_text.bomb if h.where not in measured)
    # a visible address that is also a link annotation is already an error: no second warning
    linked = {_link_key(h.detail) for h in report.hits if h.kind in (HitKind.URI, HitKind.MAILTO)}
    report.hits.extend(h for h in text.link_hits(page_text.text) if _link_key(h.detail) not in linked)
    return report


def _link_key(address: str) -> str:
    key = address.strip().lower()
    for prefix in ("mailto:", "https://", "http://"):
        key = key.removeprefix(prefix)
    return key.removeprefix("www.").rstrip("/")


def _final_revision(pdf: pikepdf.Pdf, data: bytes, limits: Limits,
                    report: ScanReport) -> tuple[list[Hit] | None, int]:
    """Walk the document as it is now; (None, n) when it must not be walked at all."""
    try:
        declared_objects = int(pdf.trailer.get("/Size", 0))
    except _BROKEN:
        declared_objects = 0
    try:
        report.linearized = bool(pdf.is_linearized)
    except _BROKEN:
        report.linearized = False  # a damaged linearization dictionary: an ordinary file
    for step in (_encryption, _pdfa_claim):
        with contextlib.suppress(*_BROKEN):
            step(pdf, report)
    if _object_stream_bombs(pdf, data, declared_objects, limits, report):
        return None, declared_objects  # reading any object inside would inflate it whole
    walker = Walker(pdf, limits, limits.max_nodes, limits.walk_seconds)
    final_hits = walker.run()
    report.hits.extend(final_hits)
    if not walker.exhausted:  # else the file is already "not fully examined" (PDF021)
        # bombs anywhere, before the text extraction decodes page content
        report.hits.extend(stream_bombs(pdf, limits, walker.pages))
    report.pages = len(walker.pages)
    if walker.exhausted:
        report.hits.append(Hit(HitKind.INCOMPLETE, "revisione finale", walker.exhausted))
    with contextlib.suppress(*_BROKEN):
        _damage(pdf, report)
    if walker.broken and not report.of(HitKind.DAMAGED):
        report.hits.append(Hit(HitKind.DAMAGED, "oggetti illeggibili",
                               f"{walker.broken} oggetti non leggibili ({walker.first_broken})"))
    return final_hits, declared_objects


def _object_stream_bombs(pdf: pikepdf.Pdf, data: bytes, declared_objects: int, limits: Limits,
                         report: ScanReport) -> bool:
    """Object streams (PDF 1.5) are inflated whole by qpdf as soon as one object inside is
    read; check each one under the bound first. True when one is a decompression bomb."""
    if b"ObjStm" not in data or declared_objects > limits.text_max_objects:
        return False
    try:
        numbers = sorted({e.obj_stream_number for e in pdf.get_xref_table().values()
                          if e.type == 2 and e.obj_stream_number is not None})
    except _BROKEN:
        return False
    for number in numbers[:10_000]:
        try:
            stream = pdf.get_object((number, 0))
            if isinstance(stream, pikepdf.Stream) and exceeds(stream, 2 * limits.stream_bytes):
                report.hits.append(Hit(HitKind.STREAM_BOMB, f"flusso di oggetti {number} 0",
                                       f"il flusso di oggetti supera {2 * limits.stream_bytes // 2**20}"
                                       f" MB una volta decompresso"))
                return True
        except _BROKEN:
            continue
    return False


# ISO 32000-1 Table 22: user access permissions, bit position (1-based) in /P
_P_BITS = {3: "stampa", 4: "modifica", 5: "copia del testo", 6: "commenti",
           9: "compilazione moduli", 10: "accessibilità", 11: "assemblaggio pagine",
           12: "stampa ad alta qualità"}


def _password(data: bytes, report: ScanReport) -> None:
    """A user password: nothing can be read, but the /Encrypt dictionary is in clear, so
    the permission locks the owner password sets are reported too."""
    report.encrypted = True
    report.hits.append(Hit(HitKind.PASSWORD, "dizionario /Encrypt",
                           "serve una password per aprire il documento"))
    if len(data) > 20 * 1024 * 1024:
        return  # pypdf would check every xref entry in Python: the password finding suffices
    try:
        from pypdf import PdfReader
        from pypdf.generic import DictionaryObject, NumberObject

        encrypt = PdfReader(io.BytesIO(data), strict=False).trailer["/Encrypt"].get_object()
        permissions = encrypt["/P"] if isinstance(encrypt, DictionaryObject) and "/P" in encrypt else None
        if not isinstance(permissions, NumberObject):
            return  # no readable /P: nothing locked to list
        p = int(permissions)
    except Exception:  # noqa: BLE001 - pypdf raises many types on broken files; the locks are an extra to the password finding
        return
    denied = [label for bit, label in _P_BITS.items() if not p & (1 << (bit - 1))]
    if denied:
        report.hits.append(Hit(HitKind.RESTRICTED, "dizionario /Encrypt",
                               "permessi negati: " + ", ".join(denied),
                               extra=(("denied", ",".join(denied)),)))


def _encryption(pdf: pikepdf.Pdf, report: ScanReport) -> None:
    if not pdf.is_encrypted:
        return
    report.encrypted = True
    allow = pdf.allow
    denied = [label for attr, label in _PERMISSIONS_IT.items() if not getattr(allow, attr, True)]
    info = pdf.encryption
    method = f"R{info.R}, {info.stream_method.name}" if info is not None else ""
    detail = ("permessi negati: " + ", ".join(denied)) if denied else "cifrato senza restrizioni"
    report.hits.append(Hit(HitKind.RESTRICTED, "dizionario /Encrypt",
                           f"{detail} ({method})" if method else detail,
                           extra=(("denied", ",".join(denied)),)))


def _pdfa_claim(pdf: pikepdf.Pdf, report: ScanReport) -> None:
    """The PDF/A part the XMP claims (embedded-file rules depend on it)."""
    claim = read_claim(pdf)
    if claim:
        report.pdfa_part = claim.part


def _damage(pdf: pikepdf.Pdf, report: ScanReport) -> None:
    warnings = [str(w) for w in pdf.get_warnings()]
    report.warnings = warnings[:10]
    exhausted = [w for w in warnings if "bad_alloc" in w or "out of memory" in w.lower()]
    if exhausted:  # qpdf ran out of memory inflating a stream and carried on without it
        report.hits.append(Hit(HitKind.STREAM_BOMB, "struttura del file",
                               "memoria esaurita decomprimendo: " + clean_message(exhausted[0])))
    damaged = [w for w in warnings if _DAMAGE.search(w) and not _BENIGN.search(w)]
    if damaged and not report.of(HitKind.TRUNCATED) and not report.of(HitKind.DAMAGED):
        where = ("tabella dei riferimenti (xref)" if any(_XREF.search(w) for w in damaged)
                 else "struttura del file")
        report.hits.append(Hit(HitKind.DAMAGED, where,
                               "; ".join(clean_message(w) for w in damaged[:3]),
                               extra=(("count", str(len(warnings))),)))


def _history(data: bytes, final_hits: list[Hit], limits: Limits, report: ScanReport) -> None:
    """Active content present in an earlier revision and gone from the final one."""
    ends = revisions.earlier_ends(data)
    # A linearized file's first %%EOF closes its first-page section: scanned like the others
    # (a file may only pretend to be linearized), but not counted as a revision.
    shift = 1 if report.linearized and ends else 0
    report.revisions = len(ends) + 1 - shift
    if not ends:
        return
    present = {h.identity for h in final_hits}
    reported: set[tuple[str, str, str]] = set()
    deadline = time.monotonic() + limits.revisions_seconds
    # The original document first (what was there before any update), then newest first.
    numbered = list(enumerate(ends, start=1))
    chosen = numbered[:1] + list(reversed(numbered[1:]))[: max(0, limits.max_revisions - 1)]
    skipped = len(numbered) - len(chosen)
    for position, (number, end) in enumerate(chosen):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            skipped += len(chosen) - position
            break
        try:
            pdf = _open(data[:end])
        except (pikepdf.PdfError, ValueError, RuntimeError, MemoryError):
            continue  # a prefix that is not a document on its own (e.g. linearization part)
        with pdf:
            walker = Walker(pdf, limits, limits.revision_nodes, remaining, revision=number)
            for hit in walker.run():
                if hit.kind in ACTIVE_KINDS and hit.identity not in present \
                        and hit.identity not in reported:
                    reported.add(hit.identity)
                    report.hits.append(Hit(hit.kind, hit.where, hit.detail, hit.subtype,
                                           revision=max(1, number - shift), extra=hit.extra))
    if skipped:
        report.hits.append(Hit(HitKind.HISTORY_INCOMPLETE, "revisioni precedenti",
                               f"{skipped} revisioni su {len(ends) - shift} non esaminate (limiti di "
                               f"tempo o di numero)"))
