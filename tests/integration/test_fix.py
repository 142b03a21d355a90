"""The fix pipeline on real files (tests/fixtures/fix_samples.py): Office documents exported by
the real LibreOffice, PDFs converted by the real Ghostscript and cleaned by pikepdf, checked
again by the engine and by the real veraPDF. Each output must pass the check for what it was
fixed for and veraPDF for PDF/A-2b, keep its text (pdftotext before and after) and its page
count and size. Signed inputs (CAdES .p7m, PAdES, XAdES) come back byte-identical.

LibreOffice, Ghostscript, pdftotext (scripts/install-system.sh test) and the built veraPDF are
prerequisites: without them these tests fail, they never skip."""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import fix_samples as S
import pki as P
from checker import verapdf_pool
from checker.fix import Action, fix_files
from checker.model import InputFile

ROOT = Path(__file__).resolve().parents[2]

PDF_INPUTS = {
    "links.pdf": lambda: S.reportlab_pdf(links=True),
    "modulo.pdf": lambda: S.reportlab_pdf(pages=2, form=True, transparency=True),
    "script.pdf": lambda: S.with_javascript(S.reportlab_pdf(links=False)),
    "allegato.pdf": lambda: S.with_attachment(S.reportlab_pdf(links=False)),
    "programma.pdf": lambda: S.with_launch_outline(S.reportlab_pdf(links=False)),
    "stampato.pdf": lambda: S.ghostscript_pdf(S.reportlab_pdf(pages=3)),
    "scansione.pdf": lambda: S.scanned_pdf(pages=2),
    "accenti.pdf": S.accented_pdf,
}
OFFICE_INPUTS = {
    "Domanda è urgente!.docx": lambda: S.docx(pages=2),
    "lettera.odt": S.odt,
    "conti.xlsx": S.xlsx,
    "slide.pptx": S.pptx,
}


def _require_tools() -> None:
    for tool in ("soffice", "gs", "pdftotext"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} missing: scripts/install-system.sh test", pytrace=False)
    if not verapdf_pool.installed():
        pytest.fail(f"veraPDF not built: {verapdf_pool.INSTALL_HINT}", pytrace=False)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return P.shared(tmp_path_factory)


@pytest.fixture(scope="module")
def inputs(pki) -> list[InputFile]:
    _require_tools()
    made = {name: build() for name, build in {**PDF_INPUTS, **OFFICE_INPUTS}.items()}
    made["firmato.pdf.p7m"] = P.cades(pki, pki.signer, S.reportlab_pdf())
    made["firmato_pades.pdf"] = P.pades(pki, pki.signer, S.reportlab_pdf())
    made["fattura.xml"] = P.xades(pki, pki.signer)
    return [InputFile(name, data) for name, data in made.items()]


@pytest.fixture(scope="module")
def outcome(inputs):
    return fix_files(inputs, "generic", main="Domanda è urgente!.docx")


def by_name(outcome):
    return {f.original: f for f in outcome.files}


def test_every_unsigned_input_is_fixed_and_offered(outcome):
    for f in outcome.files:
        if f.original.startswith(("firmato", "fattura")):
            continue
        assert f.status == "fixed" and f.offered, (f.original, f.reason, f.remaining)
        assert f.action is Action.CONVERTED
        assert f.output.endswith(".pdf")
        assert not [c for c in f.remaining if c != "AV002"], (f.original, f.remaining)
    assert outcome.set_remaining == []
    assert outcome.exit_status == 0


def test_the_outputs_pass_verapdf_for_pdfa_2b(outcome):
    pdfs = [(f.output, f.data) for f in outcome.files if f.status == "fixed"]
    results = verapdf_pool.validate(pdfs, ["2b"] * len(pdfs))
    failing = {r.name: r.failed_clauses for r in results if r.compliant is not True}
    assert not failing


def test_the_check_of_the_fixed_set_finds_no_active_content_or_format_problem(outcome):
    for doc in outcome.after.documents:
        if doc.depth or doc.name.startswith(("firmato", "fattura")):
            continue
        codes = {x.code for x in doc.findings}
        assert doc.format.details.get("pdfa") == "2b", doc.name
        assert not {c for c in codes if c.startswith(("PDF0", "PDFA0", "VPDF", "FMT"))}, (doc.name, codes)
        assert doc.facts.get("pdfa_verapdf_compliant") is True, doc.name


def test_text_page_count_and_page_size_are_kept_in_pdfs(inputs, outcome):
    fixed = by_name(outcome)
    for f in inputs:
        if f.name not in PDF_INPUTS:
            continue
        out = fixed[f.name].data
        assert S.page_count(out) == S.page_count(f.data), f.name
        assert S.page_sizes(out) == S.page_sizes(f.data), f.name
        before, after = S.words(S.pdf_text(f.data)), S.words(S.pdf_text(out))
        assert before <= after, (f.name, sorted(before - after)[:10])


def test_office_text_survives_the_conversion(outcome):
    for name in OFFICE_INPUTS:
        out = by_name(outcome)[name]
        assert set(S.WORDS) <= S.words(S.pdf_text(out.data)), name
    assert S.page_count(by_name(outcome)["Domanda è urgente!.docx"].data) == 2


def test_the_scan_stays_an_image(inputs, outcome):
    assert S.pdf_text(by_name(outcome)["scansione.pdf"].data).strip() == ""


def test_links_scripts_attachments_and_fields_are_gone_and_the_field_value_is_visible(outcome):
    fixed = by_name(outcome)
    assert {"PDF008", "PDF009"} <= set(fixed["links.pdf"].fixed)
    assert "PDF006" in fixed["script.pdf"].fixed
    assert "PDF012" in fixed["allegato.pdf"].fixed
    assert "PDF007" in fixed["programma.pdf"].fixed
    assert "Mario Rossi" in S.pdf_text(fixed["modulo.pdf"].data)   # the flattened field
    import pikepdf
    for name in ("links.pdf", "script.pdf", "allegato.pdf", "modulo.pdf"):
        with pikepdf.open(io.BytesIO(fixed[name].data)) as pdf:
            assert "/AcroForm" not in pdf.Root and "/OpenAction" not in pdf.Root
            assert not pdf.attachments
            assert all("/Annots" not in p.obj and "/AA" not in p.obj for p in pdf.pages)


def test_office_files_get_a_safe_pdf_name_and_the_main_document_follows(outcome):
    fixed = by_name(outcome)
    assert fixed["Domanda è urgente!.docx"].output == "Domanda_e_urgente.pdf"
    assert {"FMT002", "MSG039"} <= set(fixed["Domanda è urgente!.docx"].fixed)
    assert fixed["conti.xlsx"].output == "conti.pdf"
    assert outcome.after.submission.main == "Domanda_e_urgente.pdf"
    assert len({f.output.lower() for f in outcome.files}) == len(outcome.files)


def test_signed_files_are_refused_byte_identical_with_the_reason(inputs, outcome):
    originals = {f.name: f.data for f in inputs}
    for name in ("firmato.pdf.p7m", "firmato_pades.pdf", "fattura.xml"):
        f = by_name(outcome)[name]
        assert f.action is Action.REFUSED and f.status == "refused"
        assert f.data == originals[name] and f.output == name
        assert "firma" in f.reason and "sign again" in f.reason


def test_the_zip_holds_the_set(outcome):
    with zipfile.ZipFile(io.BytesIO(outcome.zip_bytes())) as z:
        assert sorted(z.namelist()) == sorted(f.output for f in outcome.files)
        assert z.read("firmato.pdf.p7m") == by_name(outcome)["firmato.pdf.p7m"].data


def test_a_password_protected_pdf_is_left_as_it_is_and_reported(tmp_path):
    import pikepdf
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(S.reportlab_pdf())) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="segreto"))
    result = fix_files([InputFile("chiuso.pdf", out.getvalue())])
    f = result.files[0]
    assert f.action is Action.UNCHANGED and f.data == out.getvalue()
    assert "PDF004" in f.remaining and "PDF004" in f.reason
    assert result.exit_status == 1


def test_the_cli_writes_the_files_and_the_zip(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "domanda.docx").write_bytes(S.docx())
    (src / "links.pdf").write_bytes(S.reportlab_pdf())
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "checker", "fix", str(src / "domanda.docx"),
                           str(src / "links.pdf"), "--out", str(out), "--main", "domanda.docx",
                           "--json"], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr + done.stdout
    report = json.loads(done.stdout)
    rows = {r["original"]: r for r in report["files"]}
    assert rows["domanda.docx"]["action"] == "converted"
    assert rows["domanda.docx"]["output"] == "domanda.pdf"
    assert "PDF008" in rows["links.pdf"]["fixed_codes"]
    assert {p.name for p in out.iterdir()} == {"domanda.pdf", "links.pdf", "pec-precheck-fix.zip"}
    with zipfile.ZipFile(out / "pec-precheck-fix.zip") as z:
        assert z.read("links.pdf") == (out / "links.pdf").read_bytes()


def test_the_cli_usage_errors(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    missing = subprocess.run([sys.executable, "-m", "checker", "fix", str(tmp_path / "nope.pdf"),
                              "--out", str(tmp_path)], capture_output=True, env=env)
    assert missing.returncode == 2
    no_out = subprocess.run([sys.executable, "-m", "checker", "fix", "x.pdf"], capture_output=True,
                            env=env)
    assert no_out.returncode == 2
