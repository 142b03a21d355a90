"""Identification through the real pipeline: checker.engine.check_submission (bounded
workers) and the `pec-precheck check` command line, on sample files written to disk."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from checker import engine, profiles
from checker.model import InputFile, Severity, Submission, Verdict

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("gen_formats", ROOT / "samples" / "gen_formats.py")
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)
CLI = Path(sys.executable).with_name("pec-precheck")
# the installed command when there is one, else the same entry point through the module
CLI_COMMAND = [str(CLI)] if CLI.exists() else [sys.executable, "-m", "checker"]


@pytest.fixture(scope="module")
def formats(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("samples")
    gen.generate(out)
    return out / "formats"


def identify_findings(doc) -> dict[str, Severity]:
    return {f.code: f.severity for f in doc.findings if f.check == "identify"}


def run(files: list[tuple[str, bytes]], profile: str = "generic"):
    sub = Submission(profile=profile, subject="Richiesta di accesso agli atti",
                     sender="mario.rossi@pec.example.it", doc_type="istanza",
                     files=[InputFile(name, data) for name, data in files])
    return engine.check_submission(sub)


def test_engine_identifies_each_file_in_a_worker(formats):
    files = [(n, (formats / n).read_bytes()) for n in
             ("pdfa-2b.pdf", "letter.docx", "scan.tif", "utf8.txt", "signed-der.pdf.p7m")]
    report = run(files)
    by_name = {d.name: d for d in report.documents}
    assert by_name["pdfa-2b.pdf"].format.details["pdfa"] == "2b"
    assert by_name["letter.docx"].format.id == "docx"
    assert identify_findings(by_name["letter.docx"]) == {"FMT002": Severity.ERROR}
    assert by_name["scan.tif"].format.id == "tiff"
    assert by_name["utf8.txt"].format.label == "Testo semplice (UTF-8)"
    assert by_name["signed-der.pdf.p7m"].format.id == "p7m"
    assert "FMT010" not in identify_findings(by_name["pdfa-2b.pdf"])
    assert report.verdict is Verdict.FIX
    assert "identify" in report.timings


def test_engine_docx_renamed_to_pdf(formats):
    report = run([("domanda.pdf", (formats / "letter.docx").read_bytes())])
    codes = identify_findings(report.documents[0])
    assert codes == {"FMT010": Severity.ERROR, "FMT002": Severity.ERROR}
    assert report.verdict is Verdict.FIX


def test_engine_plain_pdf_has_no_identification_finding(formats):
    report = run([("domanda.pdf", (formats / "plain.pdf").read_bytes())])
    assert identify_findings(report.documents[0]) == {}
    assert report.documents[0].format.label == "Documento PDF"


def test_engine_zip_bomb_is_flagged_by_identification(formats):
    report = run([("allegati.zip", (formats / "bomb-10gb.zip").read_bytes())])
    codes = identify_findings(report.documents[0])
    assert codes == {"FMT020": Severity.ERROR, "FMT006": Severity.ERROR}  # bomb; zip not accepted
    assert not [f for f in report.documents[0].findings if f.code.startswith("SYS")]


def test_engine_profile_decides_acceptance(formats):
    data = (formats / "letter.odt").read_bytes()
    by_profile = {p.id: "odt" in p.accepted_formats for p in profiles.load_all().values()}
    accepting = next(p for p, accepts in by_profile.items() if accepts)
    refusing = next(p for p, accepts in by_profile.items() if not accepts)
    assert "FMT002" not in identify_findings(run([("domanda.odt", data)], accepting).documents[0])
    assert "FMT002" in identify_findings(run([("domanda.odt", data)], refusing).documents[0])


def cli(*args: str) -> tuple[int, dict]:
    proc = subprocess.run([*CLI_COMMAND, "check", "--json", *args], capture_output=True, text=True,
                          timeout=120)
    return proc.returncode, json.loads(proc.stdout)


def test_cli_reports_format_and_double_extension(formats, tmp_path):
    disguised = tmp_path / "fattura.pdf.exe"
    disguised.write_bytes((formats / "program.exe").read_bytes())
    status, data = cli(str(disguised), str(formats / "pdfa-2b.pdf"),
                       "--subject", "Richiesta", "--sender", "a@pec.example.it")
    assert status == 1 and data["verdict"] == "fix"
    docs = {d["name"]: d for d in data["documents"]}
    exe = docs["fattura.pdf.exe"]
    assert exe["format"]["id"] == "exe" and exe["format"]["magic"]
    codes = {f["code"] for f in exe["findings"] if f["check"] == "identify"}
    assert codes == {"FMT012", "FMT013"}   # .pdf.exe double extension; a program
    assert {f["code"] for f in docs["pdfa-2b.pdf"]["findings"] if f["check"] == "identify"} == set()
    pdfa = docs["pdfa-2b.pdf"]
    assert pdfa["format"]["label"] == "Documento PDF/A-2b"
    assert pdfa["format"]["details"]["pdfa_part"] == 2


def test_cli_polyglot_and_truncated_pdf(formats):
    status, data = cli(str(formats / "pdf-then-zip.pdf"), str(formats / "truncated.pdf"))
    assert status == 1
    docs = {d["name"]: {f["code"] for f in d["findings"] if f["check"] == "identify"}
            for d in data["documents"]}
    assert docs == {"pdf-then-zip.pdf": {"FMT014"}, "truncated.pdf": {"FMT018"}}
    finding = next(f for d in data["documents"] for f in d["findings"] if f["code"] == "FMT014")
    assert finding["title"]["it"].startswith("File a doppia natura")
    assert finding["fix"]["en"]


def test_engine_pairs_detached_signature_with_its_document(formats):
    det = (formats / "detached.p7s").read_bytes()
    pdf = (formats / "plain.pdf").read_bytes()
    paired = run([("domanda.pdf", pdf), ("domanda.pdf.p7s", det)])
    assert "FMT008" not in identify_findings(paired.documents[1])
    alone = run([("domanda.pdf.p7s", det)])
    assert identify_findings(alone.documents[0]) == {"FMT008": Severity.ERROR}
