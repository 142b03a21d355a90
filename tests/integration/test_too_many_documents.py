"""Files past the engine's MAX_DOCUMENTS are reported (SYS010, not_checked, naming them), never
dropped silently: through the command line with 203 files made here, and through the engine."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from checker import catalogue, engine
from checker.model import InputFile, Submission, Verdict

ROOT = Path(__file__).resolve().parents[2]


def test_the_cli_reports_the_files_beyond_the_limit(tmp_path):
    names = [f"nota-{n:03d}.txt" for n in range(engine.MAX_DOCUMENTS + 3)]
    for name in names:
        (tmp_path / name).write_text(f"Oggetto: nota {name}\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "checker", "check", *[str(tmp_path / n) for n in names],
                          "--subject", "Note", "--json"], capture_output=True, text=True, timeout=600,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    report = json.loads(run.stdout)
    assert run.returncode in (1, 3), run.stderr[-2000:]   # never "ready" with files not checked
    assert [d["name"] for d in report["documents"]] == names[:engine.MAX_DOCUMENTS]
    [skipped] = [f for f in report["message"]["findings"] if f["code"] == "SYS010"]
    assert skipped["severity"] == "not_checked"
    assert skipped["args"] == {"skipped": "3", "max_documents": str(engine.MAX_DOCUMENTS)}
    assert skipped["detail"] == ", ".join(names[engine.MAX_DOCUMENTS:])
    assert "3" in skipped["title"]["it"] and "3" in skipped["title"]["en"]


def test_documents_unwrapped_past_the_limit_are_reported_too(samples):
    # the limit counts unwrapped documents: a PEC message's attachments, in a submission that
    # is already at the limit with the message itself
    message = samples / "pec" / "messages" / "01_posta-certificata.eml"
    files = [InputFile(f"nota-{n:03d}.txt", b"Oggetto: nota\n") for n in range(engine.MAX_DOCUMENTS - 1)]
    files.append(InputFile(message.name, message.read_bytes()))
    report = engine.check_submission(Submission(subject="Note", files=files))
    assert len(report.documents) == engine.MAX_DOCUMENTS
    [skipped] = [f for f in report.message_findings if f.code == "SYS010"]
    assert int(skipped.args["skipped"]) >= 1
    assert skipped.detail.startswith(message.name + "/")
    assert report.verdict is not Verdict.READY
    assert catalogue.describe(skipped, "en")["fix"]
