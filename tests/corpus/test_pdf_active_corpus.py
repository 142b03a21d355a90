"""The active-content scan over veraPDF's developer corpus (870 real, often odd, PDFs):
no file makes it raise and none is called damaged. Which actions are found is proved on
files made in tests/test_pdf_active.py, not pinned to corpus file names."""
from __future__ import annotations

import pytest

from checker.pdfscan import HitKind, scan
from conftest import CORPUS, require

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scanned() -> dict:
    out = {}
    for path in sorted(require(CORPUS, "the veraPDF corpus").rglob("*.pdf")):
        # keyed by path: six names occur in two folders, and each file must be scanned
        out[str(path.relative_to(CORPUS))] = (scan(path.read_bytes()), 0.0)
    return out


def test_every_corpus_file_is_scanned_without_raising(scanned):
    # its speed: bench/pdf_active_bench.py
    assert len(scanned) == len(list(CORPUS.rglob("*.pdf"))) > 800


def test_corpus_has_no_damage_false_alarms(scanned):
    # qpdf's "xref entry for the xref stream itself is missing" is benign (29 files)
    damaged = [name for name, (r, _) in scanned.items()
               if r.of(HitKind.DAMAGED) or r.of(HitKind.UNREADABLE) or r.of(HitKind.INCOMPLETE)]
    assert damaged == []
