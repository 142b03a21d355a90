"""pdf_active: scripts, links, embedded files, forms, locks, damage and history in PDFs.

The samples are written by samples/gen_pdf.py with reportlab and pikepdf (the hostile
ones byte by byte) and checked through the real engine (bounded worker processes), in one
submission so the workers run in parallel.
"""
from __future__ import annotations

import dataclasses
import io
import json
import random
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from checker import catalogue, engine, profiles
from checker.checks import CheckContext, pdf_active
from checker.model import FormatInfo, InputFile, Severity, Submission, Verdict
from checker.pdfscan import HitKind, Limits, scan

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "samples"))
import gen_pdf  # noqa: E402


@pytest.fixture(scope="module")
def pdf_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("samples")
    gen_pdf.generate(out)
    return out / gen_pdf.TOPIC


@pytest.fixture(scope="module")
def checked(pdf_dir) -> dict:
    """name -> Document, every sample checked by the engine in one submission."""
    files = [InputFile(p.name, p.read_bytes()) for p in sorted(pdf_dir.glob("*.pdf"))]
    report = engine.check_submission(Submission(profile="generic", files=files))
    return {Path(d.name).stem: d for d in report.documents}


def pdf_findings(doc, code=None):
    return [f for f in doc.findings if f.check == "pdf_active" and (code is None or f.code == code)]


def only(doc, code):
    found = pdf_findings(doc, code)
    assert found, f"{doc.name}: no {code} in {[(f.code, f.detail) for f in doc.findings]}"
    return found


# -- clean -------------------------------------------------------------------------------------

def test_clean_pdf_passes_and_gives_the_oggetto_line(checked):
    doc = checked["clean"]
    assert pdf_findings(doc) == []
    assert doc.facts["oggetto"].startswith("Richiesta di accesso agli atti")
    assert doc.facts["pdf_pages"] == 1 and doc.facts["pdf_revisions"] == 1


# -- scripts -----------------------------------------------------------------------------------

@pytest.mark.parametrize("sample, where, excerpt", [
    ("js_name_tree", "/Names/JavaScript", "this.print"),
    ("js_openaction", "/OpenAction", "app.launchURL"),
    ("aa_page", "pagina 1 (/AA/O)", "page open"),
    ("aa_annotation", "pagina 1, annotazione 1 (/Annots[1]/AA/E)", "mouse enter"),
    ("aa_field", "pagina 1, annotazione 1 (/Annots[1]/AA/K)", "AFNumber_Keystroke"),
    ("widget_parent_aa", "pagina 1, annotazione 1 (/Annots[1]/Parent/AA/C)", "event.value"),
    ("js_in_object_stream", "/OpenAction", "in object stream"),
    ("obfuscated_names", "/OpenAction", "nascosto"),
    ("next_chain_loop", "/OpenAction/Next/Next", "terzo passo"),
])
def test_PDF006_javascript_is_found_with_its_location(checked, sample, where, excerpt):
    found = only(checked[sample], "PDF006")
    assert len(found) == 1
    f = found[0]
    assert f.severity is Severity.ERROR
    assert where in f.location and "oggetto" in f.location
    assert excerpt in f.detail


def test_PDF018_script_removed_by_a_later_update_is_history(checked):
    doc = checked["incremental_removed_script"]
    assert pdf_findings(doc, "PDF006") == []  # the final revision has no script
    (f,) = only(doc, "PDF018")
    assert f.severity is Severity.WARNING
    assert f.location.startswith("revisione 1 di 2") and "/OpenAction" in f.location
    assert "app.launchURL" in f.detail
    assert doc.facts["pdf_revisions"] == 2


def test_PDF023_many_revisions_examines_the_original_and_the_newest_and_says_so(checked):
    doc = checked["many_revisions"]
    assert doc.facts["pdf_revisions"] == 22
    (history,) = only(doc, "PDF018")
    assert history.location.startswith("revisione 1 di 22")
    (partial,) = only(doc, "PDF023")
    assert partial.severity is Severity.NOT_CHECKED and "5 revisioni su 21" in partial.detail
    assert not catalogue.rule("PDF023").required  # history is a warning: it does not block


def test_linearized_file_first_page_section_is_not_a_revision(pdf_dir):
    pdf = pikepdf.open(pdf_dir / "uri_link.pdf")
    buf = io.BytesIO()
    pdf.save(buf, linearize=True)
    assert buf.getvalue().count(b"%%EOF") == 2
    result = _run_direct(buf.getvalue())
    assert result.facts["pdf_revisions"] == 1
    assert [f.code for f in result.findings] == ["PDF008"]


# -- links and actions -------------------------------------------------------------------------

@pytest.mark.parametrize("sample, code, detail", [
    ("launch", "PDF007", "cmd.exe"),
    ("uri_link", "PDF008", "https://www.example.com/modulo"),
    ("mailto_link", "PDF009", "mailto:ufficio@example.it"),
    ("submit_form", "PDF010", "https://collect.example/post"),
    ("import_data", "PDF010", "dati.fdf"),
    ("reset_form", "PDF010", ""),
    ("goto_remote", "PDF011", "altro.pdf"),
    ("goto_embedded", "PDF011", "allegato.pdf"),
])
def test_link_and_action_rules_say_what_and_where(checked, sample, code, detail):
    (f,) = only(checked[sample], code)
    assert f.severity is Severity.ERROR
    assert f.detail == detail
    assert f.location.startswith("pagina 1, annotazione 1 (/Annots[1]/A)")


def test_PDF010_names_the_form_action(checked):
    assert only(checked["submit_form"], "PDF010")[0].args["subtype"] == "SubmitForm"
    assert only(checked["import_data"], "PDF010")[0].args["subtype"] == "ImportData"
    assert only(checked["reset_form"], "PDF010")[0].args["subtype"] == "ResetForm"


def test_many_links_are_listed_up_to_a_cap_and_the_rest_counted():
    pdf = gen_pdf._base()
    for i in range(25):
        gen_pdf._add_annot(pdf, pikepdf.Dictionary(Subtype=pikepdf.Name.Link, A=gen_pdf._action(
            pdf, S=pikepdf.Name.URI, URI=pikepdf.String(f"https://x.example/{i}"))))
    findings = _run_direct(gen_pdf._save(pdf)).findings
    assert [f.code for f in findings] == ["PDF008"] * (pdf_active.MAX_FINDINGS_PER_CODE + 1)
    assert findings[0].detail == "https://x.example/0"
    assert findings[-1].detail == "altri 5 casi dello stesso tipo"


def test_PDF019_PDF020_urls_and_email_addresses_in_page_text_are_warnings(checked):
    doc = checked["text_links"]
    (url,) = only(doc, "PDF019")
    (mail,) = only(doc, "PDF020")
    assert url.detail == "https://www.comune.example.it/servizi" and url.location == "pagina 1"
    assert mail.detail == "ufficio.tecnico@comune.example.it"
    assert url.severity is Severity.WARNING and mail.severity is Severity.WARNING


def test_a_visible_address_that_is_also_a_link_is_reported_once():
    pdf = pikepdf.open(io.BytesIO(gen_pdf.text_links()))
    gen_pdf._add_annot(pdf, pikepdf.Dictionary(Subtype=pikepdf.Name.Link, A=gen_pdf._action(
        pdf, S=pikepdf.Name.URI, URI=pikepdf.String("https://www.comune.example.it/servizi"))))
    codes = [f.code for f in _run_direct(gen_pdf._save(pdf)).findings]
    assert sorted(codes) == ["PDF008", "PDF020"]  # the link, and the e-mail only written


# -- embedded files, multimedia, forms ---------------------------------------------------------

def test_PDF012_embedded_files_in_a_plain_pdf_are_refused_by_the_generic_profile(checked):
    assert profiles.get("generic").embedded_files == "pdfa3-only"
    (tree,) = only(checked["embedded_file"], "PDF012")
    assert tree.args["name"] == "dati.csv" and "/Names/EmbeddedFiles" in tree.location
    (annot,) = only(checked["file_attachment_annot"], "PDF012")
    assert annot.args["name"] == "setup.exe" and annot.location.startswith("pagina 1, annotazione 1 (/Annots[1]/FS)")


def test_PDF013_pdfa3_associated_file_is_allowed(checked):
    (f,) = only(checked["pdfa3_embedded"], "PDF013")
    assert f.severity is Severity.INFO and "Data" in f.detail
    assert pdf_findings(checked["pdfa3_embedded"], "PDF012") == []


def _run_direct(data: bytes, **profile_changes):
    profile = dataclasses.replace(profiles.get("generic"), **profile_changes)
    return pdf_active.run(InputFile("x.pdf", data), FormatInfo(id="pdf"), CheckContext(profile))


def test_embedded_file_policy_follows_the_profile_and_the_pdfa_part(pdf_dir):
    plain = (pdf_dir / "embedded_file.pdf").read_bytes()
    pdfa3 = (pdf_dir / "pdfa3_embedded.pdf").read_bytes()
    codes = lambda result: [f.code for f in result.findings]  # noqa: E731
    assert codes(_run_direct(plain, embedded_files="allowed")) == ["PDF013"]
    assert codes(_run_direct(plain, embedded_files="never")) == ["PDF012"]
    assert codes(_run_direct(pdfa3, embedded_files="never")) == ["PDF012"]
    # PDF/A-1 forbids embedded files whatever the office allows
    pdf = pikepdf.open(io.BytesIO(pdfa3))
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["pdfaid:part"] = "1"
    buf = io.BytesIO()
    pdf.save(buf)
    result = _run_direct(buf.getvalue(), embedded_files="allowed")
    assert codes(result) == ["PDF012"] and "PDF/A-1" in result.findings[0].args["reason"]


def test_PDF014_richmedia_annotation(checked):
    (f,) = only(checked["richmedia"], "PDF014")
    assert f.args["subtype"] == "RichMedia" and f.location.startswith("pagina 1")


def test_PDF024_hide_action_on_a_link(checked):
    (f,) = only(checked["hide_action"], "PDF024")
    assert f.args["subtype"] == "Hide" and f.location.startswith("pagina 1")
    assert f.severity is Severity.WARNING


def test_PDF024_layer_switched_off_on_opening(checked):
    (f,) = only(checked["set_ocg_state_openaction"], "PDF024")
    assert f.args["subtype"] == "SetOCGState" and "OpenAction" in f.location


def test_PDF014_3d_annotation(checked):
    (f,) = only(checked["annotation_3d"], "PDF014")
    assert f.args["subtype"] == "3D"


def test_PDF017_need_appearances(checked):
    (f,) = only(checked["need_appearances"], "PDF017")
    assert f.severity is Severity.WARNING and f.location == "/AcroForm"
    assert pdf_findings(checked["need_appearances"], "PDF016") == []  # the field is filled


def test_PDF015_xfa_form(checked):
    [f] = only(checked["xfa"], "PDF015")
    assert (f.location, f.args["subtype"]) == ("/AcroForm", "XFA")
    assert [g.code for g in pdf_findings(checked["xfa"])] == ["PDF015"]   # nothing else in it
    assert pdf_findings(checked["clean"], "PDF015") == []


def test_PDF016_unfilled_field_is_named_and_a_filled_one_is_not(checked):
    (f,) = only(checked["unfilled_field"], "PDF016")
    assert f.args["count"] == "1" and f.detail == "codice_fiscale" and f.location == "pagina 1"
    assert pdf_findings(checked["aa_field"], "PDF016") == []  # it has a value


# -- encryption ---------------------------------------------------------------------------------

def test_PDF004_user_password_cannot_be_opened_and_its_locks_are_read_anyway(checked):
    doc = checked["encrypted_user"]
    assert [f.code for f in pdf_findings(doc)] == ["PDF004", "PDF005"]
    assert "stampa" in only(doc, "PDF005")[0].detail  # /P is readable without the password
    assert doc.facts["pdf_encrypted"] is True


def test_PDF005_owner_password_restrictions_are_listed(checked):
    (f,) = only(checked["encrypted_owner"], "PDF005")
    assert f.severity is Severity.ERROR
    assert "copia del testo" in f.detail and "modifica" in f.detail
    # it opens, so the rest of the analysis still ran
    assert checked["encrypted_owner"].facts["oggetto"]


# -- hostile and damaged files ------------------------------------------------------------------

def test_truncated_file_is_reported_once_by_identification(checked):
    doc = checked["truncated"]
    (f,) = [f for f in doc.findings if f.code == "FMT018"]
    assert f.severity is Severity.ERROR and "%%EOF" in f.detail
    assert not [f for f in pdf_findings(doc) if f.code in ("PDF001", "PDF003")]


def test_PDF003_damaged_xref_is_rebuilt_and_reported(checked):
    (f,) = only(checked["damaged_xref"], "PDF003")
    assert "reconstruct" in f.detail and "_io" not in f.detail


def test_PDF003_reference_loops_end_in_a_finding_not_a_hang(checked):
    doc = checked["reference_loop"]
    (f,) = only(doc, "PDF003")
    assert "Loop" in f.detail
    assert not [x for x in doc.findings if x.code.startswith("SYS") and x.check == "pdf_active"]


def test_PDF021_million_objects_is_a_clear_not_checked_within_limits(checked):
    doc = checked["million_objects"]
    (f,) = only(doc, "PDF021")
    assert f.severity is Severity.NOT_CHECKED
    assert not [x for x in doc.findings if x.code.startswith("SYS") and x.check == "pdf_active"]


def test_PDF022_decompression_bomb_is_stopped(checked):
    doc = checked["decompression_bomb"]
    (f,) = only(doc, "PDF022")
    assert f.location == "pagina 1"
    assert not [x for x in doc.findings if x.code.startswith("SYS") and x.check == "pdf_active"]


def test_PDF022_decompression_bomb_in_an_object_stream_is_stopped_before_qpdf_inflates_it(checked):
    doc = checked["object_stream_bomb"]
    (f,) = only(doc, "PDF022")
    assert f.location == "flusso di oggetti 6 0"
    assert not [x for x in doc.findings if x.code.startswith("SYS") and x.check == "pdf_active"]


def test_PDF022_bomb_in_the_cross_reference_stream_within_a_1_GiB_worker(pdf_dir):
    from checker import isolation

    job = isolation.Job(label="pdf_active", fn=pdf_active.run, memory_mb=1024, timeout=45,
                        args=(InputFile("x.pdf", (pdf_dir / "xref_stream_bomb.pdf").read_bytes()),
                              FormatInfo(id="pdf"), CheckContext(profiles.get("generic"))))
    isolation.run_jobs([job])
    codes = [f.code for f in job.result.findings]
    assert "PDF022" in codes and not [c for c in codes if c.startswith("SYS")], codes


def test_every_dirty_sample_is_reported_and_only_clean_passes(checked):
    # a truncated file is identification's to report (FMT018), not pdf_active's
    silent = sorted(name for name, doc in checked.items()
                    if not pdf_findings(doc) and not any(f.code == "FMT018" for f in doc.findings))
    assert silent == ["clean"]


# -- signed PDFs ------------------------------------------------------------------------------

def test_signed_pdf_is_read_as_is_and_its_signature_revision_is_not_history(pdf_dir, tmp_path_factory):
    import pki
    authority = pki.shared(tmp_path_factory)
    clean_signed = pki.pades(authority, authority.signer, (pdf_dir / "clean.pdf").read_bytes())
    dirty_signed = pki.pades(authority, authority.signer, (pdf_dir / "uri_link.pdf").read_bytes())
    before = bytes(clean_signed)
    result = _run_direct(clean_signed)
    assert clean_signed == before
    assert result.findings == []  # the signature field is not an unfilled form field
    assert result.facts["pdf_revisions"] == 2
    (link,) = _run_direct(dirty_signed).findings
    assert link.code == "PDF008" and link.detail == "https://www.example.com/modulo"


# -- bounds -------------------------------------------------------------------------------------

def test_walk_budget_gives_incomplete_rather_than_a_silent_pass(pdf_dir):
    report = scan((pdf_dir / "js_openaction.pdf").read_bytes(), Limits(max_nodes=2))
    assert report.of(HitKind.INCOMPLETE)


def test_scan_never_modifies_the_file(pdf_dir):
    data = (pdf_dir / "incremental_removed_script.pdf").read_bytes()
    before = bytes(data)
    scan(data)
    assert data == before


def test_corrupted_samples_never_make_the_scan_raise(pdf_dir):
    """Seeded random damage (bytes flipped, cut, PDF tokens inserted) over the small samples."""
    rnd = random.Random(20261123)
    sources = [p.read_bytes() for p in sorted(pdf_dir.glob("*.pdf")) if p.stat().st_size < 100_000]
    tokens = [b" 0 R", b"<<", b">>", b"[", b"]", b"/JS", b"endobj", b"%%EOF\n", b"999999999", b"-1"]
    for _ in range(150):
        data = bytearray(rnd.choice(sources))
        for _ in range(rnd.randint(1, 20)):
            if not data:
                break
            pos, op = rnd.randrange(len(data)), rnd.random()
            if op < 0.5:
                data[pos] = rnd.randrange(256)
            elif op < 0.7:
                del data[pos:pos + rnd.randint(1, 50)]
            elif op < 0.9:
                data[pos:pos] = rnd.choice(tokens)
            else:
                del data[pos:]
        report = scan(bytes(data))  # must not raise
        assert isinstance(report.hits, list)


# -- CLI and API --------------------------------------------------------------------------------

def test_cli_reports_javascript_and_exits_fix(pdf_dir):
    out = subprocess.run([sys.executable, "-m", "checker", "check", "--json",
                          str(pdf_dir / "js_openaction.pdf")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 1, out.stderr
    report = json.loads(out.stdout)
    codes = {f["code"]: f for f in report["documents"][0]["findings"]}
    assert codes["PDF006"]["location"].startswith("/OpenAction")
    assert codes["PDF006"]["title"]["it"] == "Il PDF contiene codice JavaScript"


def test_cli_clean_pdf_has_no_pdf_active_findings(pdf_dir):
    out = subprocess.run([sys.executable, "-m", "checker", "check", "--json",
                          str(pdf_dir / "clean.pdf")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    report = json.loads(out.stdout)
    assert not [f for f in report["documents"][0]["findings"] if f["check"] == "pdf_active"]


def test_api_reports_a_dirty_pdf(pdf_dir):
    import app as app_module
    client = app_module.create_app({"TESTING": True}).test_client()
    data = {"sender": "mario.rossi@pec.it", "subject": "Richiesta di accesso agli atti",
            "doc_type": "Istanza",
            "files": [(io.BytesIO((pdf_dir / "launch.pdf").read_bytes()), "domanda.pdf")]}
    r = client.post("/api/v1/check", data=data, content_type="multipart/form-data")
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    report = r.get_json()
    assert report["verdict"] == Verdict.FIX.value
    finding = next(f for f in report["documents"][0]["findings"] if f["code"] == "PDF007")
    assert finding["detail"] == "cmd.exe" and finding["location"].startswith("pagina 1")


def _with_open_action(action) -> bytes:
    """A one-page PDF whose /OpenAction is action(pdf), made with pikepdf."""
    buf = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(action(pdf)))
        pdf.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("action, kind, subtype", [
    (lambda pdf: {"/S": pikepdf.Name.Sound, "/Sound": pdf.make_stream(b"\0" * 16)},
     HitKind.MULTIMEDIA, "/Sound"),
    (lambda pdf: {"/S": pikepdf.Name.Movie, "/T": pikepdf.String("film")}, HitKind.MULTIMEDIA, "/Movie"),
    (lambda pdf: {"/S": pikepdf.Name.ResetForm}, HitKind.FORM_ACTION, "/ResetForm"),
    (lambda pdf: {"/S": pikepdf.Name.Rendition, "/OP": 0}, HitKind.MULTIMEDIA, "/Rendition"),
    (lambda pdf: {"/S": pikepdf.Name.Rendition, "/JS": pikepdf.String("app.alert(1)")},
     HitKind.JAVASCRIPT, "/Rendition"),
], ids=["sound", "movie", "reset-form", "rendition", "rendition-with-script"])
def test_forbidden_actions_are_found(action, kind, subtype):
    report = scan(_with_open_action(action))
    assert any(h.kind is kind and h.subtype == subtype for h in report.hits), report.hits


def test_a_go_to_action_is_not_active_content():
    report = scan(_with_open_action(lambda pdf: {"/S": pikepdf.Name.GoTo,
                                                 "/D": pikepdf.Array([0, pikepdf.Name.Fit])}))
    assert not [h for h in report.hits if h.kind in (HitKind.JAVASCRIPT, HitKind.LAUNCH,
                                                     HitKind.FORM_ACTION, HitKind.MULTIMEDIA)]
