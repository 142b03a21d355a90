"""The built-in PDF/A validator against the real veraPDF, file by file (bench/pdfa_diff_bench.py).

veraPDF's verdict is the authority. Over veraPDF's developer corpus and over PDFs from real
producers (samples/gen_producers.py: LibreOffice, Ghostscript, reportlab, img2pdf, pikepdf
breakages) the built-in must agree on at least 99 % of the files veraPDF decides, and must
never call non-compliant a file veraPDF passes. Every spec-made rule case (tests/pdfa_spec) of
a rule the built-in implements must make veraPDF report that same rule id, so the spec tests
are checked against the authority too. A missing corpus, veraPDF build or producer fails.
"""
from __future__ import annotations

import functools
import importlib.util
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from checker import pdfa, verapdf_pool
from checker.pdfa import registry

from pdfa_spec.cases import CASES, Case

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "verapdf"
SAMPLES = ROOT / "samples" / "out"
MIN_AGREEMENT = 0.99

pytestmark = pytest.mark.slow


def _bench():
    spec = importlib.util.spec_from_file_location("pdfa_diff_bench", ROOT / "bench" / "pdfa_diff_bench.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["pdfa_diff_bench"] = module  # dataclasses and worker pickling look it up there
    spec.loader.exec_module(module)
    return module


def _need_verapdf() -> None:
    if not verapdf_pool.installed():
        pytest.fail(f"veraPDF is not built: {verapdf_pool.INSTALL_HINT}")


@functools.cache
def _pairs() -> tuple:
    """Both engines over corpus and producers in one run (2 workers, a warm JVM each)."""
    bench = _bench()
    items = bench.corpus_items(CORPUS) + bench.producer_items(SAMPLES)
    return bench, bench.run(items, workers=2)


def _check(group: str) -> None:
    bench, pairs = _pairs()
    mine = [p for p in pairs if p.item.folder.startswith(group + "/")]
    assert mine, f"no {group} files"
    false_fails = [f"{p.item.name} [{p.item.flavour}] built-in {p.builtin.failed}"
                   for p in mine if p.false_fail]
    assert false_fails == [], "built-in fails files veraPDF passes:\n" + "\n".join(false_fails)
    decided = [p for p in mine if p.decided]
    undecided = [f"{p.item.name}: {p.vera.reason}" for p in mine if not p.decided]
    assert len(decided) >= 0.98 * len(mine), "veraPDF did not decide:\n" + "\n".join(undecided)
    disagree = [f"{p.item.name} [{p.item.flavour}] built-in {p.builtin.compliant} {p.builtin.failed} "
                f"{p.builtin.reason or ''}| veraPDF {p.vera.compliant} {p.vera.failed}"
                for p in decided if not p.agrees]
    agreement = 1 - len(disagree) / len(decided)
    assert agreement >= MIN_AGREEMENT, (f"{group}: agreement {agreement:.1%} < {MIN_AGREEMENT:.0%}:\n"
                                        + "\n".join(disagree))


def test_corpus_agrees_with_verapdf():
    if not CORPUS.is_dir():
        pytest.fail(f"veraPDF corpus not present at {CORPUS}: the differential test needs it")
    _need_verapdf()
    _check("corpus")


def test_real_producers_agree_with_verapdf():
    if not CORPUS.is_dir():
        pytest.fail(f"veraPDF corpus not present at {CORPUS}: the differential test needs it")
    _need_verapdf()
    _check("producers")


def test_producer_set_is_varied():
    bench, pairs = _pairs()
    producers = {p.item.folder for p in pairs if p.item.folder.startswith("producers/")}
    assert producers == {f"producers/{n}" for n in
                         ("libreoffice", "ghostscript", "reportlab", "img2pdf", "pikepdf")}
    files = [p for p in pairs if p.item.folder.startswith("producers/")]
    assert len(files) >= 300
    flavours = {p.item.flavour for p in files}
    assert {"1a", "1b", "2b", "3b"} <= flavours, flavours  # LibreOffice's PDF/A-1 is 1a
    # real producers make conforming files and broken ones: both verdicts occur
    assert {True, False} <= {p.vera.compliant for p in files}


@functools.cache
def _implemented() -> frozenset[str]:
    return frozenset(c.rule.id for fid in pdfa.model.FLAVOURS for c in registry.coverage(fid)
                     if c.implemented)


def test_spec_cases_of_implemented_rules_are_failed_by_verapdf_under_the_same_id():
    _need_verapdf()
    cases = [c for c in CASES if c.rule in _implemented()]
    heap_mb = verapdf_pool.PoolSettings.from_env().heap_mb
    pool = verapdf_pool.VeraPool(verapdf_pool.PoolSettings(size=2, heap_mb=heap_mb, timeout=60))

    def wrong(case: Case) -> str | None:
        result = pool.validate(case.broken(), case.flavour, name=case.rule, timeout=60)
        if case.rule in result.failed_clauses:
            return None
        return f"{case.rule} [{case.flavour}]: veraPDF {result.compliant} {result.failed_clauses} " \
               f"{result.not_checked_reason or ''}"

    try:
        with ThreadPoolExecutor(2) as threads:
            answers = list(threads.map(wrong, cases))
    finally:
        pool.close()
    assert len(cases) > 300
    disagreements = [a for a in answers if a]
    assert disagreements == [], "veraPDF does not report the case's rule:\n" + "\n".join(disagreements)
