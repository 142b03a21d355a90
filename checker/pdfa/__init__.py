"""Built-in PDF/A validator (ISO 19005-1/2/3, levels a, b, u).

`validate(data, flavour=None)` opens the file with pikepdf, reads the flavour the XMP
metadata claims (or uses the one given), runs each clause family (one module each) and
returns a PdfaReport whose failures cite ISO 19005 part, clause and test number.

Each family is conservative: it reports a requirement as failed only when the file
clearly breaks it, because a false "not compliant" on a good PDF/A sends a citizen to
fix what is not broken. The other way round, a requirement whose inputs cannot be read
(a damaged font program, a number that is not one) is Undecided, never met: a file with
an undecided rule and no failure is reported as not checked (compliant None). Clauses we
do not check are listed in clauses.UNCOVERED_IT, so the report can say the built-in
result is a pre-check. What differs between parts 1, 2 and 3 is data in parts.py.

Imports: pikepdf, fontTools, lxml, asn1crypto (signatures' PKCS#7), checker.pdf (the one
PDF/A claim reader) and its own modules only (a validator: no checker.checks). An embedded
file of a PDF/A-2 is validated by this same validator, nested to MAX_EMBEDDED_DEPTH.
"""
from __future__ import annotations

import functools
import io
import logging

import pikepdf

from ..pdf import claimed_flavour
from . import (colour, cross_references, embedded, font_dicts, fonts, graphics, interactive, logical,
               metadata, metadata_packet, presentation, signatures, structure)
from .document import Budget, Document, Undecidable
from .model import Failure, Flavour, PdfaReport, Undecided

log = logging.getLogger(__name__)

FAMILIES = {
    "structure": structure.check,
    "metadata": metadata.check,
    "fonts": fonts.check,
    "font_dicts": font_dicts.check,
    "graphics": graphics.check,
    "colour": colour.check,
    "interactive": interactive.check,
    "embedded": embedded.check,
    "logical": logical.check,
    "signatures": signatures.check,
    "cross_references": cross_references.check,
    "metadata_packet": metadata_packet.check,
    "presentation": presentation.check,
}
MAX_FAILURES = 200
MAX_EMBEDDED_DEPTH = 3  # files embedded in embedded files validated recursively, this deep
MAX_REASONS = 5  # undecided rules named in the not-checked reason


def validate(data: bytes, flavour: str | Flavour | None = None) -> PdfaReport:
    """Validate a PDF against its claimed PDF/A flavour (or `flavour` when given)."""
    return _validate(data, flavour, depth=0)


def _nested(data: bytes, flavour: str, depth: int) -> bool | None:
    """Whether an embedded file complies with `flavour` (None: not decided or too deep)."""
    if depth >= MAX_EMBEDDED_DEPTH:
        return None
    return _validate(data, flavour, depth=depth + 1).compliant


def _validate(data: bytes, flavour: str | Flavour | None, depth: int) -> PdfaReport:
    try:
        pdf = pikepdf.open(io.BytesIO(data), suppress_warnings=True)
    except pikepdf.PasswordError:
        return PdfaReport(Flavour.parse(flavour) if isinstance(flavour, str) else flavour, None,
                          False, [Failure(_part(flavour), "6.1.3", 2, "il file è cifrato con una password")])
    except pikepdf.PdfError as exc:  # unreadable file: not decided
        return PdfaReport(None, None, None, not_checked_reason=f"PDF illeggibile: {exc}"[:300])
    with pdf:
        claimed = claimed_flavour(pdf)
        chosen = flavour if isinstance(flavour, Flavour) else Flavour.parse(flavour or claimed)
        if chosen is None:
            reason = ("il file non dichiara la conformità PDF/A" if not claimed
                      else f"il file dichiara un livello PDF/A non gestito: «{claimed}»")
            return PdfaReport(None, claimed, None, not_checked_reason=reason)
        doc = Document(data=data, pdf=pdf, flavour=chosen,
                       validate_embedded=functools.partial(_nested, depth=depth))
        report = PdfaReport(chosen, claimed, None)
        for family, run in FAMILIES.items():
            try:
                for outcome in run(doc):
                    if isinstance(outcome, Undecided):
                        report.undecided.append(outcome)
                    elif len(report.failures) < MAX_FAILURES:
                        report.failures.append(outcome)
            except Budget as exc:
                report.skipped_families.append(f"{family}: {exc}")
            except (pikepdf.PdfError, Undecidable, ValueError, TypeError, KeyError, AttributeError,
                    IndexError, RecursionError, OverflowError, NotImplementedError) as exc:
                # A family that trips on a damaged object does not decide anything.
                log.debug("pdfa family %s failed: %s", family, exc)
                report.skipped_families.append(f"{family}: {type(exc).__name__}: {exc}"[:200])
        drawn = getattr(doc, "_usage", None)
        if drawn is not None and drawn.unparsable:
            # content we could not read was not judged: never call that compliant
            report.skipped_families.append("contenuto: " + drawn.unparsable[0])
        report.failures = _dedupe(report.failures)
        report.undecided = list(dict.fromkeys(report.undecided))
        if report.failures:
            report.compliant = False
        elif report.skipped_families or report.undecided:
            # a rule that could not be decided is never counted as met
            report.compliant = None
            reasons = report.skipped_families + [u.reason for u in report.undecided[:MAX_REASONS]]
            more = len(report.undecided) - MAX_REASONS
            if more > 0:
                reasons.append(f"altre {more} regole non verificabili")
            report.not_checked_reason = "; ".join(reasons)
        else:
            report.compliant = True
        return report


def _part(flavour: str | Flavour | None) -> int:
    if isinstance(flavour, Flavour):
        return flavour.part
    f = Flavour.parse(flavour) if isinstance(flavour, str) else None
    return f.part if f else 2


def _dedupe(failures: list[Failure]) -> list[Failure]:
    seen: set[tuple[str, str]] = set()
    out: list[Failure] = []
    for f in failures:
        k = (f.key, f.detail)
        if k not in seen:
            seen.add(k)
            out.append(f)
    return out


__all__ = ["validate", "Flavour", "Failure", "PdfaReport", "Undecided"]
