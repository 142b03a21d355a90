"""Form, JSON API and CLI give the same verdict and the same findings on the same files
(issue 2, "Done when"): all three go through engine.check_submission and report.to_json."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest

from app import create_app
from report_client import check_page

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "checker"]

# profile, sender, subject, document type (one of the form's choices), files as
# (sample under samples/out, name it is sent under), main document
CASES = {
    "ready-pdfa": ("genova", "mario.rossi@pec.it", "Istanza di accesso agli atti", "Istanza",
                   [("pdfa/pdfa2b-conforme.pdf", "domanda.pdf")], "domanda.pdf"),
    "fix-word-renamed": ("generic", "mario.rossi@pec.it", "Richiesta di accesso agli atti",
                         "Richiesta di accesso agli atti",
                         [("pdfa/pdfa2b-conforme.pdf", "domanda.pdf"),
                          ("formats/letter.docx", "allegato.pdf")], "domanda.pdf"),
    "fix-javascript": ("piacenza", "mario.rossi@pec.it", "Istanza di contributo", "Istanza",
                       [("pdfa/pdfa2b-javascript.pdf", "domanda.pdf")], "domanda.pdf"),
    "fix-non-pec-sender": ("mezzani", "mario.rossi@gmail.com", "Istanza di accesso agli atti",
                           "Istanza", [("pdfa/pdfa2b-conforme.pdf", "domanda.pdf")], "domanda.pdf"),
    "undetermined-signature-untrusted": ("cremona", "mario.rossi@pec.it",
                                         "Istanza di accesso agli atti", "Istanza",
                                         [("signed/domanda.pdf.p7m", "domanda.pdf.p7m")],
                                         "domanda.pdf.p7m"),
}


def summary(report: dict) -> tuple:
    """What must agree: verdict, and per document its name, format and finding codes."""
    return (report["verdict"],
            sorted(f["code"] for f in report["message"]["findings"]),
            [(d["name"], d["parent"], d["format"]["id"], sorted(f["code"] for f in d["findings"]))
             for d in report["documents"]])


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True, "WTF_CSRF_ENABLED": False}).test_client()


def fields(case):
    profile, sender, subject, doc_type, _, main = CASES[case]
    return {"profile": profile, "sender": sender, "subject": subject, "doc_type": doc_type,
            "main": main}


def uploads(samples, case):
    return [(io.BytesIO((samples / rel).read_bytes()), name) for rel, name in CASES[case][4]]


@pytest.mark.parametrize("case", sorted(CASES))
def test_form_api_and_cli_agree(case, samples, client, tmp_path):
    for rel, name in CASES[case][4]:
        (tmp_path / name).write_bytes((samples / rel).read_bytes())
    api = client.post("/api/v1/check", data={**fields(case), "files": uploads(samples, case)},
                      content_type="multipart/form-data")
    assert api.status_code == 200
    page = check_page(client, {**fields(case), "files": uploads(samples, case)})
    assert page.status_code == 200
    form = json.loads(lxml.html.fromstring(page.get_data(as_text=True))
                      .get_element_by_id("report-json").text_content())
    f = fields(case)
    cli = subprocess.run(CLI + ["check", *[str(tmp_path / name) for _, name in CASES[case][4]],
                                "--profile", f["profile"], "--sender", f["sender"],
                                "--subject", f["subject"], "--doc-type", f["doc_type"],
                                "--main", f["main"], "--json"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    report = json.loads(cli.stdout)
    assert summary(api.get_json()) == summary(form) == summary(report)
    assert cli.returncode == {"ready": 0, "fix": 1, "undetermined": 3}[report["verdict"]]
    assert report["verdict"] == case.split("-")[0]
