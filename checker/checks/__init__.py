"""The check interface and registry.

Owns the per-document checks (adapters: call a validator, turn its answer into Findings).
A check may import the validators and format parsers (identify, pdf, pdfa, pdfscan,
signatures, zipinspect, linkfinder, textfacts, ...) and the base (model, catalogue,
profiles); never the engine, isolation or report.

A check module in this package exposes module-level lists:

    CHECKS = [Check(name="pdf_active", formats={"pdf"}, run=run)]
    BATCH_CHECKS = [BatchCheck(name="verapdf", formats={"pdf"}, run=run_batch),
                    PairCheck(name="signature_detached", formats={"*"}, pairs=pairs, run=run_pair)]

`Check.run(file, fmt, ctx) -> CheckResult` runs in a bounded worker process
(isolation.py), once per document whose format id is in `formats` ("*" = every
format). It must be a module-level function (it is pickled by reference) and
must not raise for a bad file: a file it cannot parse is itself a finding
(though if it does raise, the engine turns that into SYS003).

`BatchCheck.run(items, ctx) -> dict[index, CheckResult]` runs once per
submission in the parent process, for checks that drive an external program or
service over all documents at once (one veraPDF JVM, one clamd connection). It
must bound its own time (subprocess timeouts, socket timeouts).

`PairCheck` judges two documents of one submission together (a detached .p7s and the
document it signs): `pairs(items)` runs in the parent on names and formats only and
says which documents go together; the engine runs `run(subject, partner, ctx)` for each
pair in a bounded worker, as it does a Check. Only the engine schedules workers: no
check imports checker.isolation.

Modules are discovered automatically: adding a check is adding a module.
"""
from __future__ import annotations

import importlib
import os
import pkgutil
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable

from ..model import CheckResult, FormatInfo, InputFile
from ..profiles import Profile
from ..signatures import revcache
from ..signatures.trustfiles import default_sources


@dataclass(frozen=True)
class CheckContext:
    """What a check may know besides the file. Picklable."""
    profile: Profile
    settings: dict[str, Any] = field(default_factory=dict)  # see settings_from_env()
    is_main: bool = False
    # names of the other files beside this one (same message or envelope): lets a
    # detached .p7s know whether its document came with it
    siblings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Check:
    name: str
    formats: frozenset[str] | set[str]
    run: Callable[[InputFile, FormatInfo, CheckContext], CheckResult]
    timeout: float | None = None     # seconds; None = isolation default
    memory_mb: int | None = None     # None = isolation default
    label_it: str = ""               # shown in the report: "Conformità PDF/A"
    label_en: str = ""               # the same in English: "PDF/A conformance"

    def applies_to(self, fmt: FormatInfo) -> bool:
        return "*" in self.formats or fmt.id in self.formats


@dataclass(frozen=True)
class BatchCheck:
    name: str
    formats: frozenset[str] | set[str]
    run: Callable[[list[tuple[InputFile, FormatInfo]], CheckContext], dict[int, CheckResult]]
    label_it: str = ""
    label_en: str = ""
    # Name of a per-document check this one outranks (veraPDF over the built-in PDF/A
    # validator): where this check returns a result without "not_checked" findings, the
    # other check's findings on that document are dropped, and the difference is logged.
    supersedes: str = ""
    # Called by the engine just before superseding, with the document's name, the facts the
    # outranked check left on it and this check's result: where the two are compared
    # (veraPDF's verdict against the built-in one already computed, never a second run).
    compare: Callable[[str, dict[str, Any], CheckResult], None] | None = None

    def applies_to(self, fmt: FormatInfo) -> bool:
        return "*" in self.formats or fmt.id in self.formats


@dataclass(frozen=True)
class Pair:
    """Two documents judged together, as indices into the items a PairCheck was given."""
    subject: int      # the document the result is filed under (the .p7s)
    partner: int      # the other one (the document it signs)


@dataclass(frozen=True)
class PairCheck:
    name: str
    formats: frozenset[str] | set[str]   # the documents pairs() is shown
    pairs: Callable[[list[tuple[InputFile, FormatInfo]]], list[Pair]]
    run: Callable[[InputFile, InputFile, CheckContext], CheckResult]  # module-level, like Check.run
    timeout: float | None = None     # seconds; None = isolation default
    memory_mb: int | None = None     # None = isolation default
    label_it: str = ""
    label_en: str = ""
    # the check its findings (and a worker's failure) are reported under, when that is another
    # check's name: a detached signature's findings are the "signature" check's
    report_as: str = ""

    def applies_to(self, fmt: FormatInfo) -> bool:
        return "*" in self.formats or fmt.id in self.formats


def settings_from_env() -> dict[str, Any]:
    """Deployment settings every check may read (strings, picklable)."""
    return {
        "verapdf": os.environ.get("VERAPDF", ""),
        "clamd": os.environ.get("PEC_PRECHECK_CLAMD", ""),
        # no configured source: the Italian list `trust update` saved, else the shipped snapshot
        "trust": ([p for p in os.environ.get("PEC_PRECHECK_TRUST", "").split(os.pathsep) if p]
                  or default_sources()),
        # "online": ask the OCSP/CRL addresses certificates name (signatures/revocation.py)
        "revocation": os.environ.get("PEC_PRECHECK_REVOCATION", "online").strip().lower(),
        # where answers and failed services are shared between workers (signatures/revcache.py)
        "revocation_cache": revcache.location(),
    }


def _discover() -> tuple[list[Check], list[BatchCheck | PairCheck]]:
    checks: list[Check] = []
    batch: list[BatchCheck | PairCheck] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        checks.extend(getattr(module, "CHECKS", []))
        batch.extend(getattr(module, "BATCH_CHECKS", []))
    names = [c.name for c in checks] + [b.name for b in batch]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise RuntimeError(f"duplicate check names: {sorted(duplicates)}")
    return checks, batch


CHECKS, BATCH_CHECKS = _discover()


def for_format(fmt: FormatInfo) -> list[Check]:
    return [c for c in CHECKS if c.applies_to(fmt)]
