"""The command line pays only for what a command needs: building the parser (`--help`) and the
commands that check nothing (`profiles`, `pdfa-rules`) import no check, and `--help` and
`profiles` neither pikepdf nor pyHanko (read from `python -X importtime`, in a fresh process)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("checker.checks", "checker.engine", "pikepdf", "pyhanko", "pypdf", "lxml")


def imported(*args: str) -> set[str]:
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "checker", *args],
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0, run.stderr[-2000:]
    return {line.split("|")[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}


def top(modules: set[str], name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in modules)


@pytest.mark.parametrize("args", [["--help"], ["profiles"], ["profiles", "cremona"], ["check", "--help"],
                                  ["pdfa", "--help"], ["trust", "--help"]])
def test_help_and_profiles_import_no_check_and_no_pdf_or_signature_library(args):
    modules = imported(*args)
    assert "checker.cli" in modules  # the probe sees the package's own imports
    assert [name for name in HEAVY if top(modules, name)] == []


def test_pdfa_rules_imports_no_check():
    modules = imported("pdfa-rules")
    assert "checker.pdfa.registry" in modules
    assert not top(modules, "checker.checks") and not top(modules, "pyhanko")


def test_the_pdfa_rules_flavours_written_out_are_the_validators():
    from checker.commands import pdfa_rules
    from checker.pdfa.model import FLAVOURS
    assert pdfa_rules.FLAVOURS == FLAVOURS
