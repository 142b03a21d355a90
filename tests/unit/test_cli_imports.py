"""The command line pays only for what a command needs: building the parser (`--help`) and the
commands that check nothing (`profiles`, `pdfa-rules`) import no check, and `--help` and
`profiles` neither pikepdf nor pyHanko (read from `python -X importtime`, in a fresh process);
`check` of unsigned PDFs loads, in the command and its workers, no signature, archive or Office
library."""
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


@pytest.mark.parametrize("args, own", [(["pdfa", "--help"], "pdfa"), (["pdfa-rules"], "pdfa_rules"),
                                       (["check", "--help"], "check")])
def test_a_command_imports_only_its_own_module(args, own):
    # the other commands' modules bring the trusted list's paths (urllib, asn1crypto) and
    # the profiles; `pdfa` on a short file should not pay for them
    # (read from sys.modules: -X importtime does not time importlib.import_module)
    probe = ("import sys\nfrom checker.cli import main\ntry:\n    main(sys.argv[1:])\n"
             "except SystemExit:\n    pass\n"
             "print(' '.join(m for m in sys.modules if m.startswith('checker.commands.')), file=sys.stderr)")
    run = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    commands = {m.split(".")[2] for m in run.stderr.splitlines()[-1].split()}
    assert {c for c in commands if not c.startswith("_")} == {own}, run.stderr[-2000:]


def test_help_and_a_mistyped_command_still_list_every_command():
    for args in (["--help"], ["nonsense"]):
        run = subprocess.run([sys.executable, "-m", "checker", *args], capture_output=True, text=True,
                             timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
        out = run.stdout + run.stderr
        assert all(name in out for name in ("check", "fix", "pdfa-rules", "profiles", "triage", "trust")), out


def test_pdfa_rules_imports_no_check():
    modules = imported("pdfa-rules")
    assert "checker.pdfa.registry" in modules
    assert not top(modules, "checker.checks") and not top(modules, "pyhanko")


def test_the_pdfa_rules_flavours_written_out_are_the_validators():
    from checker.commands import pdfa_rules
    from checker.pdfa.model import FLAVOURS
    assert pdfa_rules.FLAVOURS == FLAVOURS


def imported_checking(*files: Path) -> set[str]:
    """Every module imported while `check` runs: the command's and its forked workers'
    (they inherit -X importtime and its stderr)."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "checker", "check",
                          *map(str, files), "--json"], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(ROOT), "PEC_PRECHECK_REVOCATION": "offline",
                              "PEC_PRECHECK_VERAPDF_HOME": "/nonexistent", "VERAPDF": "",
                              "PEC_PRECHECK_CLAMD": ""})
    assert run.returncode in (0, 1, 3), run.stderr[-2000:]
    assert '"documents"' in run.stdout
    return {line.split("|")[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}


UNNEEDED_FOR_PDFS = ("pyhanko", "pyhanko_certvalidator", "signxml", "py7zr", "rarfile", "oletools.olevba",
                     "msoffcrypto.format", "checker.signatures.cms", "checker.signatures.trust",
                     "checker.signatures.pades")


def test_check_of_unsigned_pdfs_imports_no_signature_archive_or_office_library(samples, tmp_path):
    # the command preloads what its workers will need (isolation.preload_for): for unsigned
    # PDFs, not pyHanko's validation nor the archive and Office parsers
    pdf = tmp_path / "lettera.pdf"
    pdf.write_bytes((samples / "pdf" / "text_links.pdf").read_bytes())
    modules = imported_checking(pdf, samples / "pdfa" / "pdfa2b-conforme.pdf")
    assert top(modules, "pikepdf") and top(modules, "pypdf")
    assert [name for name in UNNEEDED_FOR_PDFS if top(modules, name)] == []


def test_check_of_a_signed_file_still_loads_the_signature_validation(samples):
    modules = imported_checking(samples / "signed" / "domanda.pdf.p7m")
    assert top(modules, "pyhanko") and top(modules, "pyhanko_certvalidator")


def test_checking_a_signed_file_writes_nothing_on_stderr(samples):
    # the second run reads the trusted list from its cache, whose classes import pyHanko's
    # signer package (a deprecation warning of cryptography's DSA, once on every run)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PEC_PRECHECK_REVOCATION": "offline",
           "PEC_PRECHECK_VERAPDF_HOME": "/nonexistent", "VERAPDF": "", "PEC_PRECHECK_CLAMD": ""}
    for _ in range(2):
        run = subprocess.run([sys.executable, "-m", "checker", "check", str(samples / "signed" / "domanda.pdf.p7m"),
                              "--json"], capture_output=True, text=True, timeout=300, env=env)
        assert run.returncode in (0, 1, 3) and '"documents"' in run.stdout
        assert run.stderr == ""
