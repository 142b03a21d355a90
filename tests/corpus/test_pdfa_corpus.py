"""Pins the built-in PDF/A validator's agreement with veraPDF's developer corpus.

Zero false fails (a -pass- file reported non-compliant) and per-folder agreement at least
the measured value, rounded down. Raise the floors when the validator improves.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "verapdf"

# Agreement measured with bench/pdfa_bench.py, rounded down (percent).
FLOORS = {
    "PDF_A-1a": 100,
    "PDF_A-1b": 99,
    "PDF_A-2a": 100,
    "PDF_A-2b": 99,
    "PDF_A-2u": 100,
    "PDF_A-3b": 100,
    "TWG test files": 98,
}


def _bench():
    spec = importlib.util.spec_from_file_location("pdfa_bench", ROOT / "bench" / "pdfa_bench.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["pdfa_bench"] = module  # dataclasses and worker pickling look it up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"veraPDF corpus not present at {CORPUS}")
def test_corpus_agreement_and_zero_false_fails():
    bench = _bench()
    outcomes = bench.run(bench.cases(CORPUS), workers=2, qpdf=False)
    false_fails = [str(o.case.path.relative_to(CORPUS)) + f" {o.failed}"
                   for o in outcomes if o.case.expected and o.compliant is False]
    assert false_fails == []
    crashes = [o.reason for o in outcomes if o.reason and o.reason.startswith(("CRASH", "timeout"))]
    assert crashes == []
    table = bench.summary(outcomes)
    assert set(table) == set(FLOORS)
    for folder, row in table.items():
        assert 100 * row["agreement"] >= FLOORS[folder], (folder, row)
