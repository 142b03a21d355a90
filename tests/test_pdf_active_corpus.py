"""The active-content scan over veraPDF's developer corpus (870 real, often odd, PDFs):
no file makes it raise, none takes long, and the corpus's forbidden-action files are found."""
from __future__ import annotations

import time

import pytest

from checker.pdfscan import HitKind, scan
from conftest import CORPUS

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CORPUS.exists(), reason="veraPDF corpus not present")]


@pytest.fixture(scope="module")
def scanned() -> dict:
    out = {}
    for path in sorted(CORPUS.rglob("*.pdf")):
        started = time.monotonic()
        report = scan(path.read_bytes())
        # keyed by path: six names occur in two folders, and each file must be scanned
        out[str(path.relative_to(CORPUS))] = (report, time.monotonic() - started)
    return out


def test_every_corpus_file_is_scanned_quickly_without_raising(scanned):
    assert len(scanned) == len(list(CORPUS.rglob("*.pdf"))) > 800
    slowest = max(seconds for _, seconds in scanned.values())
    assert slowest < 10, slowest


def test_corpus_has_no_damage_false_alarms(scanned):
    # qpdf's "xref entry for the xref stream itself is missing" is benign (29 files)
    damaged = [name for name, (r, _) in scanned.items()
               if r.of(HitKind.DAMAGED) or r.of(HitKind.UNREADABLE) or r.of(HitKind.INCOMPLETE)]
    assert damaged == []


ACTIONS_2B = "PDF_A-2b/6.5 Action/6.5.1 General/veraPDF test suite "


@pytest.mark.parametrize("name, kind, subtype", [
    (ACTIONS_2B + "6-5-1-t01-fail-b.pdf", HitKind.MULTIMEDIA, "/Sound"),
    (ACTIONS_2B + "6-5-1-t01-fail-c.pdf", HitKind.MULTIMEDIA, "/Movie"),
    (ACTIONS_2B + "6-5-1-t01-fail-d.pdf", HitKind.FORM_ACTION, "/ResetForm"),
    (ACTIONS_2B + "6-5-1-t01-fail-h.pdf", HitKind.JAVASCRIPT, "/Rendition"),
])
def test_forbidden_actions_in_the_corpus_are_found(scanned, name, kind, subtype):
    report, _ = scanned[name]
    assert any(h.kind is kind and h.subtype == subtype for h in report.hits), report.hits


def test_pass_files_for_actions_have_no_active_content(scanned):
    for name in (ACTIONS_2B + "6-5-1-t02-pass-a.pdf",
                 "PDF_A-1b/6.6 Actions/6.6.1 General/veraPDF test suite 6-6-1-t02-pass-a.pdf"):
        report, _ = scanned[name]
        assert not [h for h in report.hits if h.kind in (HitKind.JAVASCRIPT, HitKind.LAUNCH,
                                                         HitKind.FORM_ACTION, HitKind.MULTIMEDIA)]
