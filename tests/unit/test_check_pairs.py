"""Pair checks (checks/__init__.py PairCheck): a detached .p7s is paired with its document by
name, in the parent; the engine alone runs the pairs in workers (no check imports isolation)."""
from __future__ import annotations

import ast
from pathlib import Path

from checker import checks
from checker.checks import Pair, PairCheck
from checker.checks.signature import detached_pairs
from checker.model import FormatInfo, InputFile


def item(name: str, fmt: str, parent: str | None = None) -> tuple[InputFile, FormatInfo]:
    return InputFile(name, b"", parent=parent), FormatInfo(id=fmt)


def test_a_detached_signature_pairs_with_the_document_it_is_named_after():
    items = [item("domanda.pdf", "pdf"), item("allegato.pdf", "pdf"), item("Domanda.pdf.P7S", "p7s"),
             item("domanda.pdf.p7s", "p7s"), item("sola.pdf.p7s", "p7s")]
    assert detached_pairs(items) == [Pair(subject=3, partner=0)]


def test_pairs_stay_within_one_envelope():
    items = [item("domanda.pdf", "pdf", parent="a.eml"), item("domanda.pdf.p7s", "p7s", parent="b.eml"),
             item("domanda.pdf", "pdf", parent="b.eml")]
    assert detached_pairs(items) == [Pair(subject=1, partner=2)]


def test_the_detached_signature_check_is_a_pair_check_reported_as_signature():
    [pair_check] = [b for b in checks.BATCH_CHECKS if b.name == "signature_detached"]
    assert isinstance(pair_check, PairCheck)
    assert pair_check.report_as == "signature"


def test_no_check_imports_the_isolation_module():
    folder = Path(checks.__file__).parent
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                names = {a.name for a in node.names}
                assert not (node.module or "").endswith("isolation") and "isolation" not in names, path
            elif isinstance(node, ast.Import):
                assert not any(a.name.endswith("isolation") for a in node.names), path
