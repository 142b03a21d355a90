"""PDF/A claims read from XMP across the veraPDF corpus (/work/shared/corpus/verapdf):
every file is a PDF, and every conforming ("-pass-") file of a PDF_A-<part><level> folder
claims exactly that part and level — in UTF-8, UTF-16 and UTF-32 XMP packets alike."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from checker.identify import identify
from checker.model import InputFile

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "verapdf"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CORPUS.exists(), reason="veraPDF corpus not present")]


def corpus_files():
    return sorted(CORPUS.rglob("*.pdf")) if CORPUS.exists() else []


def test_every_corpus_file_is_a_pdf_and_pass_files_claim_their_folder():
    files = corpus_files()
    assert len(files) > 100
    checked = 0
    mismatches = []
    for path in files:
        fmt, findings = identify(InputFile(path.name, path.read_bytes()))
        assert fmt.id == "pdf", path
        folder = re.search(r"PDF_A-(\d)([abu])", str(path))
        if folder and "-pass-" in path.name:
            checked += 1
            if fmt.details.get("pdfa") != folder.group(1) + folder.group(2):
                mismatches.append((path.name, fmt.details.get("pdfa")))
    assert checked > 100
    assert mismatches == []


def test_FMT019_header_offset_test_file_is_flagged_and_only_it():
    # Of the 6.1.2 "File header" failures, only PDF_A-2b t01-fail-b has bytes ("SomeData")
    # before %PDF-; the others fail on the version number or the binary comment line.
    hits = [p for p in corpus_files() if "6.1.2 File header" in str(p) and "-fail-" in p.name]
    assert len(hits) == 8
    flagged = sorted(f"{p.parent.parent.parent.name}/{p.name}" for p in hits
                     if "FMT019" in {f.code for f in identify(InputFile(p.name, p.read_bytes()))[1]})
    assert flagged == ["PDF_A-2b/veraPDF test suite 6-1-2-t01-fail-b.pdf"]
    assert all(p.read_bytes().startswith(b"%PDF-") for p in hits
               if f"{p.parent.parent.parent.name}/{p.name}" not in flagged)
