"""Where the built-in PDF/A validator and veraPDF disagree, counted for the whole process.

veraPDF decides; the built-in validator is our own pre-check, so every disagreement is a
lead for improving it. record() logs the rule ids of both sides (logger
"checker.pdfa_disagreements", WARNING for a different verdict, INFO for the same verdict
with different rules); counts() is what a health endpoint shows.
"""
from __future__ import annotations

import logging
import threading
from collections import Counter

log = logging.getLogger(__name__)

_lock = threading.Lock()
_counts: Counter[str] = Counter()


def record(name: str, builtin_compliant: bool | None, builtin_clauses: list[str],
           verapdf_compliant: bool | None, verapdf_clauses: list[str]) -> None:
    """Compare one file's two verdicts ("2:6.2.11.4.1-1" rule ids). A side that did not
    decide (None) is counted as "undecided" and not compared."""
    with _lock:
        if builtin_compliant is None or verapdf_compliant is None:
            _counts["undecided"] += 1
            return
        _counts["compared"] += 1
        only_builtin = sorted(set(builtin_clauses) - set(verapdf_clauses))
        only_verapdf = sorted(set(verapdf_clauses) - set(builtin_clauses))
        if builtin_compliant != verapdf_compliant:
            _counts["verdict"] += 1
            if verapdf_compliant:
                _counts["builtin_stricter"] += 1
            else:
                _counts["builtin_missed"] += 1
        elif only_builtin or only_verapdf:
            _counts["rules"] += 1
        else:
            return
    level = logging.WARNING if builtin_compliant != verapdf_compliant else logging.INFO
    log.log(level, "PDF/A disagreement on %s: built-in %s, veraPDF %s; only built-in: %s; "
            "only veraPDF: %s", name, _verdict(builtin_compliant), _verdict(verapdf_compliant),
            ", ".join(only_builtin) or "-", ", ".join(only_verapdf) or "-")


def counts() -> dict[str, int]:
    """{"compared", "verdict", "builtin_stricter", "builtin_missed", "rules", "undecided"}:
    files compared, files with a different verdict (split by which side said compliant),
    files with the same verdict but different failed rules, files one side did not decide."""
    with _lock:
        return {key: _counts[key] for key in ("compared", "verdict", "builtin_stricter",
                                              "builtin_missed", "rules", "undecided")}


def reset() -> None:
    with _lock:
        _counts.clear()


def _verdict(compliant: bool) -> str:
    return "compliant" if compliant else "not compliant"
