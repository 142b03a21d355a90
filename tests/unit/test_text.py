"""checks/text.py: URLs and e-mail addresses in a TXT are errors, bare domains warnings,
with their line; Italian legal text passes; invalid encodings are reported."""
from __future__ import annotations

import pytest

from content_cases import case, check_through_engine, doc_findings, only, run_check

from checker.checks import text
from checker.model import FormatInfo, InputFile, Severity, Verdict


def txt(name: str, data: bytes | None = None):
    return run_check("text", name, data if data is not None else case(name), "txt")


def test_clean_txt_with_legal_text_passes_and_gives_oggetto():
    result = txt("pulito.txt")
    assert result.findings == []
    assert result.facts["oggetto"] == "richiesta di accesso agli atti"


def test_TXT001_url_TXT002_email_TXT003_domain_with_lines():
    result = txt("collegamenti.txt")
    assert [(f.detail, f.location) for f in only(result, "TXT001")] == [
        ("https://www.example.org/modulo.pdf", "riga 5")]
    assert [(f.detail, f.location) for f in only(result, "TXT002")] == [
        ("ufficio.tecnico@example.org", "riga 6")]
    assert [(f.detail, f.location) for f in only(result, "TXT003")] == [("comune.example.it", "riga 7")]


def test_domain_is_a_warning_url_and_email_errors_after_resolution():
    report = check_through_engine({"collegamenti.txt": case("collegamenti.txt")})
    severities = {f.code: f.severity for f in doc_findings(report, "collegamenti.txt", "text")}
    assert severities == {"TXT001": Severity.ERROR, "TXT002": Severity.ERROR, "TXT003": Severity.WARNING}
    assert report.verdict is Verdict.FIX


@pytest.mark.parametrize("data,encoding", [
    ("perché".encode(), "utf-8"),
    (b"\xef\xbb\xbf" + "perché".encode(), "utf-8-sig"),
    ("perché".encode("utf-16"), "utf-16"),
    ("perché".encode("cp1252"), "cp1252"),
])
def test_declared_or_detectable_encodings_decode(data, encoding):
    assert text.decode(data)[:2] == ("perché", encoding)


@pytest.mark.parametrize("data", [b"\x00\x01\x02\x03 binario", b"\xff\xfe\x00\xd8", b"ok\x81\x8d\x8f\x90\x9d"])
def test_TXT004_invalid_encoding(data):
    result = text.run(InputFile("x.txt", data), FormatInfo(id="txt"), None)
    assert [f.code for f in result.findings] == ["TXT004"]


def test_many_links_are_capped_with_a_count():
    data = "\n".join(f"https://h{i}.example.org" for i in range(100)).encode()
    result = text.run(InputFile("x.txt", data), FormatInfo(id="txt"), None)
    assert len(result.findings) == 20
    assert "altri 80" in result.findings[-1].detail


def test_cli_text_report_names_rule_line_and_address(tmp_path):
    import os
    import subprocess
    import sys
    path = tmp_path / "collegamenti.txt"
    path.write_bytes(case("collegamenti.txt"))
    out = subprocess.run([sys.executable, "-m", "checker", "check", str(path), "--sender", "mario.rossi@pec.it",
                          "--subject", "Istanza di accesso agli atti - Mario Rossi", "--doc-type", "istanza"],
                         capture_output=True, text=True, timeout=180,
                         env={**os.environ, "PEC_PRECHECK_CLAMD": ""})
    assert out.returncode == 1, out.stderr
    assert "TXT001 Errore: Il testo contiene un indirizzo web [riga 5]" in out.stdout
    assert "https://www.example.org/modulo.pdf" in out.stdout
    assert "TXT003 Avviso" in out.stdout
