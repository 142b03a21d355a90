"""PDF/A claims read from XMP across the veraPDF corpus (/work/shared/corpus/verapdf):
every file is a PDF, and every conforming ("-pass-") file of a PDF_A-<part><level> folder
claims exactly that part and level — in UTF-8, UTF-16 and UTF-32 XMP packets alike."""
from __future__ import annotations

import re

import pytest

from checker.identify import identify
from checker.model import InputFile
from conftest import CORPUS, require


pytestmark = pytest.mark.slow


def corpus_files():
    return sorted(require(CORPUS, "the veraPDF corpus").rglob("*.pdf"))


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


def test_FMT019_exactly_on_corpus_files_whose_header_is_not_at_byte_zero():
    # Measured, not pinned: whichever corpus files have bytes before %PDF- are flagged, no other.
    flagged, offset = set(), set()
    for p in corpus_files():
        data = p.read_bytes()
        if not data.startswith(b"%PDF-"):
            offset.add(p)
        if "FMT019" in {f.code for f in identify(InputFile(p.name, data))[1]}:
            flagged.add(p)
    assert offset and flagged == offset
