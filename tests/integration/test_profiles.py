"""Office profiles (checker/profiles/*.toml): each one loads, carries what its seed says,
and is exercised end to end — a submission that passes under it and one that fails for
the profile's own reason — through checker.engine.check_submission with real workers."""
from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from checker import catalogue, engine, message, profiles
from checker import report as report_module
from checker.model import (Document, FormatInfo, InputFile, Severity, SignatureInfo, Submission,
                           Verdict)
from checker.pecdomains import PecStatus, classify
from conftest import SEEDS, require

ROOT = Path(__file__).resolve().parents[2]
OFFICES = ["generic", "piacenza", "cassano-allo-ionio", "mezzani", "cremona", "genova"]
SEED_OF = {"piacenza": "000", "cassano-allo-ionio": "001", "mezzani": "002", "cremona": "003",
           "genova": "004"}
KNOWN_FORMATS = {"pdf", "txt", "rtf", "xml", "kml", "svg", "html", "tiff", "odt", "ods", "odp",
                 "odg", "docx", "docm", "xlsx", "xlsm", "pptx", "pptm", "doc", "xls", "ppt", "msg",
                 "p7m", "p7s", "tsd", "m7m", "tsr", "eml", "zip", "7z", "rar", "gzip", "exe",
                 "jpeg", "png", "gif"}


def pdf(*lines: str) -> bytes:
    """A small real PDF (reportlab) whose text the PDF checks read back."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    y = 780
    for line in lines:
        c.drawString(72, y, line)
        y -= 18
    c.save()
    return buf.getvalue()


def submission(profile: str, **overrides) -> Submission:
    values = {"profile": profile, "sender": "mario.rossi@pec.it",
                  "subject": "Istanza di contributo affitto 2024 - Mario Rossi", "doc_type": "istanza",
                  "destination": "Servizi sociali", "recipient": profiles.get(profile).protocol_address,
                  "main": "istanza.pdf",
                  "files": [InputFile("istanza.pdf", pdf("Al Comune", "Oggetto: Istanza di contributo affitto 2024",
                                                      "Il sottoscritto Mario Rossi chiede il contributo.")),
                         InputFile("documento_identita.txt", b"Carta d'identita' n. CA00000AA\n")]}
    values.update(overrides)
    return Submission(**values)


def message_codes(report) -> dict[str, Severity]:
    return {f.code: f.severity for f in report.message_findings}


def assert_ready(report):
    problems = [(d.name, f.code, f.detail) for d in report.documents for f in d.findings
                if f.severity in (Severity.ERROR, Severity.NOT_CHECKED)]
    problems += [("message", f.code, f.detail) for f in report.message_findings
                 if f.severity in (Severity.ERROR, Severity.NOT_CHECKED)]
    assert report.verdict is Verdict.READY, problems


# ── the profile files ──────────────────────────────────────────────────────────────────────

def test_every_office_has_a_profile_named_after_its_file():
    loaded = profiles.load_all()
    assert set(OFFICES) <= set(loaded)
    assert next(iter(loaded)) == "generic"
    for pid, profile in loaded.items():
        assert profile.id == pid and profile.name and profile.source


@pytest.mark.parametrize("pid", OFFICES)
def test_profile_values_are_well_formed(pid):
    p = profiles.get(pid)
    assert set(p.accepted_formats) <= KNOWN_FORMATS, set(p.accepted_formats) - KNOWN_FORMATS
    assert "pdf" in p.accepted_formats and p.preferred_formats == ("pdfa",)
    assert p.non_pec_sender in profiles.NON_PEC_POLICIES
    assert p.max_message_mb == 30 and p.max_recipients == 1
    for address in (p.protocol_address, *p.pec_addresses, *p.sector_addresses):
        if address:
            assert classify(address).status in (PecStatus.PEC, PecStatus.LIKELY_PEC), address
    if p.protocol_address:
        assert p.protocol_address in p.pec_addresses
    for code in p.severity:
        catalogue.rule(code)  # every override names a real rule
    assert p.notes_it


@pytest.mark.parametrize("pid", [p for p in OFFICES if p != "generic"])
def test_profile_addresses_come_from_the_seed(pid):
    seed = next(require(SEEDS, "the seed pages").glob(f"{SEED_OF[pid]}_*.txt"), None)
    assert seed is not None, f"no seed page {SEED_OF[pid]}_*.txt in {SEEDS}"
    text = seed.read_text(encoding="utf-8", errors="replace").lower()
    p = profiles.get(pid)
    assert p.source == SEED_OF[pid]
    for address in (p.protocol_address, *p.pec_addresses, *p.sector_addresses):
        assert address.lower() in text, address


def test_profiles_carry_the_seeds_particular_rules():
    piacenza, cassano, mezzani, cremona, genova = (profiles.get(p) for p in OFFICES[1:])
    assert {"odt", "kml"} <= set(piacenza.accepted_formats)
    assert piacenza.extra["requires_destination"] is True
    assert piacenza.severity["MSG010"] == "error"
    assert len(cassano.sector_addresses) == 3
    assert mezzani.non_pec_sender == "refuse"
    assert cremona.signature_required and cremona.required_checks == ("signature",)
    assert cremona.extra["information_requests"] == "elsewhere"
    assert genova.non_pec_sender == "needs-signed-document"
    assert set(genova.accepted_formats) == {"pdf", "txt", "rtf", "xml", "tiff"}
    assert piacenza.non_pec_sender == "warn"


# ── end to end, one office at a time ───────────────────────────────────────────────────────

def test_generic_passes_a_clean_submission():
    assert_ready(engine.check_submission(submission("generic", recipient="")))


def test_generic_fails_a_test_message():
    report = engine.check_submission(submission("generic", subject="prova", recipient=""))
    assert report.verdict is Verdict.FIX
    assert message_codes(report)["MSG007"] is Severity.ERROR


def test_piacenza_passes_with_type_and_destination_stated():
    assert_ready(engine.check_submission(submission("piacenza")))


def test_piacenza_fails_without_document_type():
    report = engine.check_submission(submission(
        "piacenza", doc_type="", destination="", subject="Contributo affitto 2024 - Mario Rossi"))
    codes = message_codes(report)
    assert codes["MSG010"] is Severity.ERROR       # an error here, a warning elsewhere
    assert codes["MSG011"] is Severity.WARNING     # "l'ufficio di destinazione se noto"
    assert report.verdict is Verdict.FIX
    generic = engine.check_submission(submission(
        "generic", doc_type="", recipient="", subject="Contributo affitto 2024 - Mario Rossi"))
    assert message_codes(generic)["MSG010"] is Severity.WARNING


def test_cassano_passes_to_the_protocol_box():
    assert_ready(engine.check_submission(submission("cassano-allo-ionio")))


@pytest.mark.parametrize("sector", ["polizialocale.comune.cassanoalloionio.cs@asmepec.it",
                                    "ufficio_gare.comune.cassanoalloionio.cs@asmepec.it",
                                    "e_procurement.comune.cassanoalloionio.cs@asmepec.it"])
def test_cassano_fails_to_a_sector_box(sector):
    report = engine.check_submission(submission("cassano-allo-ionio", recipient=sector))
    assert message_codes(report)["MSG023"] is Severity.ERROR
    assert report.verdict is Verdict.FIX


def test_mezzani_passes_from_a_pec_box():
    assert_ready(engine.check_submission(submission("mezzani", sender="studio.bianchi@legalmail.it")))


def test_mezzani_fails_from_an_ordinary_box():
    report = engine.check_submission(submission("mezzani", sender="mario.rossi@libero.it"))
    assert message_codes(report)["MSG017"] is Severity.ERROR
    assert report.verdict is Verdict.FIX
    # the same sender under Piacenza's policy is only warned: no legal value
    piacenza = engine.check_submission(submission("piacenza", sender="mario.rossi@libero.it"))
    assert message_codes(piacenza)["MSG016"] is Severity.WARNING
    assert piacenza.verdict is Verdict.READY


def test_cremona_fails_an_unsigned_document():
    report = engine.check_submission(submission("cremona"))
    assert message_codes(report)["MSG027"] is Severity.ERROR
    assert report.verdict is Verdict.FIX


def test_cremona_fails_an_information_request_only_with_a_warning():
    report = engine.check_submission(submission("cremona", subject="Richiesta informazioni orari anagrafe"))
    assert message_codes(report)["MSG013"] is Severity.WARNING


def test_cremona_passes_a_validly_signed_document():
    # Typed input of message rules: the document tree after the signature check said PASSED.
    sub = submission("cremona", main="istanza.pdf.p7m", files=[InputFile("istanza.pdf.p7m", b"")])
    documents = [Document("istanza.pdf.p7m", "0" * 64, 1, None, 0, FormatInfo("p7m"), is_main=True,
                          signatures=[SignatureInfo(kind="cades", signer="Mario Rossi",
                                                    qualified=True, indication="PASSED")]),
                 Document("istanza.pdf", "1" * 64, 1, "istanza.pdf.p7m", 1, FormatInfo("pdf"))]
    findings = engine._resolve(message.check_message(sub, documents, profiles.get("cremona")),
                               profiles.get("cremona"))
    verdict, _ = engine.decide(documents, findings, profiles.get("cremona"))
    assert verdict is Verdict.READY, [(f.code, f.severity) for f in findings]


def test_cremona_unverifiable_signature_is_undetermined():
    sub = submission("cremona", main="istanza.pdf.p7m", files=[InputFile("istanza.pdf.p7m", b"")])
    documents = [Document("istanza.pdf.p7m", "0" * 64, 1, None, 0, FormatInfo("p7m"), is_main=True,
                          signatures=[SignatureInfo(kind="cades", indication="INDETERMINATE",
                                                    sub_indication="NO_CERTIFICATE_CHAIN_FOUND")])]
    cremona = profiles.get("cremona")
    findings = engine._resolve(message.check_message(sub, documents, cremona), cremona)
    verdict, reasons = engine.decide(documents, findings, cremona)
    assert [(f.code, f.severity) for f in findings] == [("MSG029", Severity.NOT_CHECKED)]
    assert (verdict, reasons) == (Verdict.UNDETERMINED, [catalogue.rule("MSG029").title_it])


def test_genova_passes_from_a_pec_box():
    assert_ready(engine.check_submission(submission("genova")))


def test_genova_fails_from_an_ordinary_box_without_a_signed_document():
    report = engine.check_submission(submission("genova", sender="mario.rossi@gmail.com"))
    assert message_codes(report)["MSG018"] is Severity.ERROR
    assert report.verdict is Verdict.FIX


def test_genova_fails_two_applications_in_one_message():
    sub = submission("genova", main="istanza.pdf", files=[
        InputFile("istanza.pdf", pdf("Oggetto: Istanza di contributo affitto 2024")),
        InputFile("ricorso.pdf", pdf("Oggetto: Ricorso avverso verbale di contravvenzione 55/2024"))])
    report = engine.check_submission(sub)
    assert message_codes(report).get("MSG004") is Severity.WARNING, message_codes(report)


def test_message_findings_survive_hostile_names_and_sizes():
    sub = submission("generic", recipient="", main="", subject="\u202e\x00" * 200, sender="\x00@\x00",
                     files=[InputFile("", b""), InputFile("CON", b"\x00" * 10),
                            InputFile("a/../../etc/passwd", b"x"), InputFile("x" * 5000, b"y")])
    report = engine.check_submission(sub)
    codes = message_codes(report)
    assert report.verdict is Verdict.FIX
    assert {"MSG015", "MSG045", "MSG040", "MSG038", "MSG036"} <= set(codes)
    # message findings show invisible characters visibly (the names echoed elsewhere are raw input)
    rendered = json.dumps(report_module.to_json(report)["message"]["findings"], ensure_ascii=False)
    assert "\u202e" not in rendered and "<U+202E>" in rendered


# ── the command line ───────────────────────────────────────────────────────────────────────

def test_cli_exit_status_follows_the_profile(tmp_path):
    path = tmp_path / "istanza.pdf"
    path.write_bytes(pdf("Oggetto: Istanza di contributo affitto 2024"))
    cli = [str(ROOT / ".venv" / "bin" / "pec-precheck"), "check", str(path),
           "--subject", "Istanza di contributo affitto 2024", "--doc-type", "istanza"]
    if not Path(cli[0]).exists():
        cli = [sys.executable, "-m", "checker", *cli[1:]]
    ok = subprocess.run(cli + ["--profile", "mezzani", "--sender", "studio@legalmail.it"],
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    refused = subprocess.run(cli + ["--profile", "mezzani", "--sender", "mario@gmail.com"],
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1
    assert re.search(r"MSG017", refused.stdout)


def test_cli_profiles_lists_and_describes_offices(capsys):
    from checker import cli
    assert cli.main(["profiles"]) == 0
    listing = capsys.readouterr().out
    assert all(pid in listing for pid in OFFICES)
    assert cli.main(["profiles", "cremona"]) == 0
    described = capsys.readouterr().out
    assert "protocollo@comunedicremona.legalmail.it" in described and "firma digitale richiesta: sì" in described
    assert cli.main(["profiles", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {p["id"] for p in data} >= set(OFFICES)
    assert cli.main(["profiles", "sconosciuto"]) == 2
