"""checks/antivirus.py against a PRIVATE clamd started by tests/clamd.py with a one-line
EICAR signature database: detection in a plain file, inside ODT and DOCX (clamd opens the
zip), and inside a base64 .p7m (the signature check unwraps the content and the batch scans
every document of the tree). Any failure is "not checked", never "clean"."""
from __future__ import annotations

import socket
import threading

import pytest

import pki
import clamd
from clamd import SIGNATURE
from report_client import check_page
from content_cases import SETTINGS, case, check_through_engine, doc_findings, gen_content
from checker.checks import CheckContext, antivirus
from checker import profiles
from checker.model import FormatInfo, InputFile, Severity, Verdict

clamd_address = clamd.clamd_address  # the session fixture, used by name below


def av_settings(address: str, **extra) -> dict:
    return {**SETTINGS, "clamd": address, **extra}


def av_findings(report, name):
    return doc_findings(report, name, "antivirus")


def test_private_clamd_answers_version(clamd_address):
    client = antivirus.Clamd(antivirus.ClamdAddress.parse(clamd_address))
    assert client.version().startswith("ClamAV ")


def test_AV001_eicar_in_a_plain_file_and_clean_file_passes(clamd_address):
    report = check_through_engine({"pulito.txt": case("pulito.txt"), "eicar.txt": gen_content.eicar_txt()},
                                  settings=av_settings(clamd_address))
    [found] = av_findings(report, "eicar.txt")
    assert found.code == "AV001" and found.severity is Severity.ERROR
    assert found.detail.startswith(SIGNATURE)      # clamd adds ".UNOFFICIAL" to local signatures
    assert av_findings(report, "pulito.txt") == []
    clean = next(d for d in report.documents if d.name == "pulito.txt")
    assert clean.engines["antivirus"].startswith("ClamAV ")
    assert report.verdict is Verdict.FIX


@pytest.mark.parametrize("name,builder", [("eicar.odt", gen_content.eicar_odt),
                                          ("eicar.docx", gen_content.eicar_docx)])
def test_AV001_eicar_inside_odt_and_ooxml(clamd_address, name, builder):
    report = check_through_engine({name: builder()}, settings=av_settings(clamd_address))
    assert [f.code for f in av_findings(report, name)] == ["AV001"]


def test_AV001_eicar_inside_base64_p7m_is_found_in_the_unwrapped_document(clamd_address, tmp_path_factory):
    authority = pki.shared(tmp_path_factory)
    envelope = pki.base64_envelope(pki.cades(authority, authority.signer, gen_content.eicar_txt()))
    assert gen_content.EICAR not in envelope    # only the unwrapped content can match
    report = check_through_engine({"eicar.txt.p7m": envelope}, settings=av_settings(clamd_address))
    inner = [d for d in report.documents if d.parent == "eicar.txt.p7m"]
    assert inner, [d.name for d in report.documents]
    assert [f.code for f in av_findings(report, inner[0].name)] == ["AV001"]
    assert av_findings(report, "eicar.txt.p7m") == []


def _ctx(**settings):
    return CheckContext(profiles.get("generic"), {**SETTINGS, **settings})


def test_AV002_not_configured_one_line_per_submitted_document_only():
    items = [(InputFile("a.txt", b"a"), FormatInfo(id="txt")),
             (InputFile("b.pdf", b"b", parent="a.p7m", depth=1), FormatInfo(id="pdf"))]
    results = antivirus.run_batch(items, _ctx(clamd=""))
    assert {i: [f.code for f in r.findings] for i, r in results.items()} == {0: ["AV002"]}


def test_AV002_does_not_block_a_clean_submission():
    report = check_through_engine({"pulito.tif": case("pulito.tif")})
    assert [f.code for f in av_findings(report, "pulito.tif")] == ["AV002"]
    assert report.verdict is Verdict.READY


@pytest.mark.parametrize("address", ["unix:/nonexistent/clamd.sock", "tcp:127.0.0.1:1", "nonsense"])
def test_AV003_unreachable_or_bad_address_is_not_checked(address):
    items = [(InputFile("a.txt", b"a"), FormatInfo(id="txt")), (InputFile("b.txt", b"b"), FormatInfo(id="txt"))]
    results = antivirus.run_batch(items, _ctx(clamd=address))
    assert all([f.code for f in r.findings] == ["AV003"] for r in results.values()) and len(results) == 2


def test_AV003_file_over_the_size_cap(clamd_address):
    items = [(InputFile("big.txt", b"x" * 300_000), FormatInfo(id="txt"))]
    [result] = antivirus.run_batch(items, _ctx(clamd=clamd_address, clamd_max_mb=0.1)).values()
    assert [f.code for f in result.findings] == ["AV003"] and "limite" in result.findings[0].detail


def test_AV003_silent_daemon_times_out():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    accepted = []
    thread = threading.Thread(target=lambda: [accepted.append(server.accept()) for _ in range(2)], daemon=True)
    thread.start()
    try:
        port = server.getsockname()[1]
        items = [(InputFile("a.txt", b"a"), FormatInfo(id="txt"))]
        [result] = antivirus.run_batch(items, _ctx(clamd=f"tcp:127.0.0.1:{port}", clamd_timeout=0.5)).values()
        assert [f.code for f in result.findings] == ["AV003"]
    finally:
        server.close()


def test_identical_documents_are_scanned_once(clamd_address):
    items = [(InputFile(f"{i}.txt", gen_content.eicar_txt()), FormatInfo(id="txt")) for i in range(3)]
    results = antivirus.run_batch(items, _ctx(clamd=clamd_address))
    assert all([f.code for f in r.findings] == ["AV001"] for r in results.values())


# --- the verdict banner says when no antivirus ran ------------------------------------------

def _result_page(settings: dict | None):
    import io

    import lxml.html

    from app import create_app
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "CHECK_SETTINGS": settings})
    data = {"profile": "generic", "sender": "mario.rossi@pec.it", "subject": "Richiesta di accesso agli atti",
            "doc_type": "Istanza", "files": [(io.BytesIO(gen_content.eicar_txt()), "istanza.txt")]}
    r = check_page(app.test_client(), data)
    assert r.status_code == 200
    return lxml.html.fromstring(r.get_data(as_text=True))


def test_without_antivirus_the_ready_banner_says_the_files_were_not_scanned():
    page = _result_page({**SETTINGS, "clamd": ""})
    banner = page.get_element_by_id("verdict")
    text = banner.text_content()
    assert banner.get("data-verdict") == "ready" and banner.get("data-antivirus") == "not-run"
    assert "Pronto, con avvisi — antivirus non eseguito" in text
    assert "non sono stati controllati da un antivirus" in text
    assert "alert-success" not in banner.get("class")     # not the plain green "ready"
    assert "antivirus non eseguito" in page.findtext(".//title")


def test_with_the_private_clamd_eicar_in_a_txt_is_av001_and_to_fix(clamd_address):
    page = _result_page(av_settings(clamd_address))
    banner = page.get_element_by_id("verdict")
    assert banner.get("data-verdict") == "fix" and banner.get("data-antivirus") is None
    assert "Da correggere" in banner.text_content()
    assert "antivirus non eseguito" not in banner.text_content()
    assert page.xpath("//a[@class='rule-code' and text()='AV001']")
