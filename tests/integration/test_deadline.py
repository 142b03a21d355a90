"""The per-submission deadline (PEC_PRECHECK_DEADLINE): all files and all checks share it; what
it leaves no time for is reported SYS009 (not_checked), per document and check, never raised."""
from __future__ import annotations

import io
import time

import hostile_jobs

from app import create_app
from checker import engine, isolation
from checker.model import InputFile, Submission, Verdict
from web_samples import pdf_bytes, txt_bytes


def codes(result) -> list[str]:
    return [f.code for f in result.findings]


def test_a_running_job_is_stopped_and_a_pending_one_not_started_at_the_deadline():
    slow = isolation.Job(label="slow", fn=hostile_jobs.sleeps_forever, args=(), timeout=60)
    later = isolation.Job(label="later", fn=hostile_jobs.behaves, args=("x",), timeout=60)
    started = time.monotonic()
    isolation.run_jobs([slow, later], workers=1, until=started + 1.0, budget=1.0)
    assert time.monotonic() - started < 30
    assert codes(slow.result) == ["SYS009"] and codes(later.result) == ["SYS009"]
    assert slow.result.findings[0].args == {"check": "slow", "seconds": "1"}


def test_a_job_whose_own_timeout_comes_first_keeps_its_own_finding():
    job = isolation.Job(label="slow", fn=hostile_jobs.sleeps_forever, args=(), timeout=1.0)
    isolation.run_jobs([job], until=time.monotonic() + 60, budget=60)
    assert codes(job.result) == ["SYS001"]


def submission() -> Submission:
    return Submission(profile="generic", sender="mario.rossi@pec.it", subject="Istanza di accesso agli atti",
                      doc_type="Istanza", main="domanda.pdf",
                      files=[InputFile("domanda.pdf", pdf_bytes()), InputFile("nota.txt", txt_bytes())])


def test_an_expired_deadline_reports_every_document_and_check_not_reached():
    report = engine.check_submission(submission(), deadline=0)
    assert report.verdict is Verdict.UNDETERMINED
    assert [d.name for d in report.documents] == ["domanda.pdf", "nota.txt"]
    for doc in report.documents:
        missed = {f.check for f in doc.findings if f.code == "SYS009"}
        assert "identify" in missed, doc.findings
        assert all(f.code == "SYS009" for f in doc.findings if f.severity.value == "not_checked")
    assert any("tempo massimo" in reason.lower() for reason in report.reasons)


def test_within_the_deadline_nothing_is_marked():
    report = engine.check_submission(submission(), deadline=120)
    assert not any(f.code == "SYS009" for d in report.documents for f in d.findings)


def test_the_api_answers_an_expired_deadline_with_a_report_not_an_error():
    client = create_app({"TESTING": True, "CHECK_DEADLINE": 0.0}).test_client()
    r = client.post("/api/v1/check", content_type="multipart/form-data",
                    data={"sender": "mario.rossi@pec.it", "subject": "Istanza di accesso agli atti",
                          "doc_type": "Istanza", "files": [(io.BytesIO(txt_bytes()), "nota.txt")]})
    assert r.status_code == 200
    report = r.get_json()
    assert report["verdict"] == "undetermined"
    assert {f["code"] for f in report["documents"][0]["findings"]} == {"SYS009"}
