"""Admission and jobs through the Flask test client: 202 and GET /jobs/<id>, the queued page
(«In coda, posizione N»), 503 with Retry-After when the queue is full, /healthz never behind
the ledger. The test holds check slots itself by taking tickets in the app's ledger."""
from __future__ import annotations

import fcntl
import io
import threading
import time
from pathlib import Path

import pytest

from app import create_app
from checker.jobs import Ledger, Limits
from pec_samples import build
from web_samples import txt_bytes

MESSAGE = {"profile": "generic", "sender": "mario.rossi@pec.it", "subject": "Richiesta di accesso agli atti",
           "doc_type": "Istanza"}


def make_app(tmp_path: Path, **limits):
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "RUNTIME_DIR": tmp_path,
                      "ADMISSION": Limits(**limits)})
    return app, Ledger(tmp_path, Limits(**limits))


def post(client, path="/api/v1/check", query="", **extra):
    data = {**MESSAGE, "files": [(io.BytesIO(txt_bytes()), "nota.txt")], **extra}
    return client.post(path + query, data=data, content_type="multipart/form-data")


def poll(client, url: str, seconds: float = 120) -> dict:
    end = time.monotonic() + seconds
    while True:
        status = client.get(url).get_json()
        if status["state"] in ("done", "failed") or time.monotonic() > end:
            return status
        time.sleep(0.1)


def test_an_async_check_answers_202_and_its_job_gives_the_report(tmp_path):
    app, _ = make_app(tmp_path)
    client = app.test_client()
    r = post(client, query="?wait=false")
    assert r.status_code == 202
    job = r.get_json()
    assert r.headers["Location"] == job["url"] == f"/jobs/{job['id']}"
    assert job["report_url"] == f"/jobs/{job['id']}/report"
    assert job["state"] in ("queued", "running", "done") and job["kind"] == "check"
    done = poll(client, job["url"])
    assert done["state"] == "done" and done["position"] is None
    assert done["result"]["schema"] == "pec-precheck/report/1"
    assert done["result"]["documents"][0]["name"] == "nota.txt"
    page = client.get(job["report_url"])
    assert page.status_code == 200 and "nota.txt" in page.get_data(as_text=True)


def test_the_synchronous_answer_is_the_same_report(tmp_path):
    app, ledger = make_app(tmp_path)
    r = post(app.test_client())
    assert r.status_code == 200 and r.get_json()["schema"] == "pec-precheck/report/1"
    assert ledger.snapshot() == {"running": 0, "queued": 0, "bytes": 0}


def test_a_queued_check_shows_its_position_then_its_report(tmp_path):
    app, ledger = make_app(tmp_path, max_checks=1, queue=5)
    client = app.test_client()
    ledger.enter("someone-else", 1)            # the one slot is busy
    api = post(client, query="?wait=false").get_json()
    assert api["state"] == "queued" and api["position"] == 1
    form = post(client, path="/check")
    assert form.status_code == 303
    page_url = form.headers["Location"]
    page = client.get(page_url).get_data(as_text=True)
    assert "In coda, posizione 2" in page and 'http-equiv="refresh"' in page
    assert client.get(api["url"]).get_json()["position"] == 1
    ledger.leave("someone-else")
    assert poll(client, api["url"])["state"] == "done"
    assert poll(client, page_url.replace("/report", ""))["state"] == "done"
    page = client.get(page_url).get_data(as_text=True)
    assert "In coda" not in page and "nota.txt" in page
    assert ledger.snapshot() == {"running": 0, "queued": 0, "bytes": 0}


@pytest.mark.parametrize("path", ["/api/v1/check", "/check"])
def test_a_full_queue_answers_503_with_retry_after(tmp_path, path):
    app, ledger = make_app(tmp_path, max_checks=1, queue=0, retry_after=9)
    ledger.enter("someone-else", 1)
    r = post(app.test_client(), path=path)
    assert r.status_code == 503
    assert int(r.headers["Retry-After"]) >= 9
    if path.startswith("/api/"):
        body = r.get_json()
        assert body["error"] == "busy" and body["retry_after"] >= 9 and body["reason"] == "queue"
    else:
        assert "Servizio occupato" in r.get_data(as_text=True)
    assert ledger.snapshot() == {"running": 1, "queued": 0, "bytes": 1}


def test_too_many_bytes_held_answers_503(tmp_path):
    app, ledger = make_app(tmp_path, max_checks=4, max_bytes=1024)
    ledger.enter("someone-else", 1000)
    r = post(app.test_client())
    assert r.status_code == 503 and r.get_json()["reason"] == "memory"


def test_healthz_never_waits_on_the_ledger(tmp_path):
    app, ledger = make_app(tmp_path)
    ledger.snapshot()  # the lock file exists
    answers = []
    with open(tmp_path / "admission.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        worker = threading.Thread(target=lambda: answers.append(app.test_client().get("/healthz")))
        worker.start()
        worker.join(30)
        fcntl.flock(lock, fcntl.LOCK_UN)
    assert answers and answers[0].status_code == 200


def test_an_unknown_job_is_a_json_404(tmp_path):
    app, _ = make_app(tmp_path)
    r = app.test_client().get("/jobs/nope")
    assert r.status_code == 404 and r.get_json()["status"] == 404
    assert app.test_client().get("/jobs/nope/report").status_code == 404


def test_a_triage_batch_runs_as_a_job(tmp_path):
    pec = build(tmp_path / "pec")
    app, _ = make_app(tmp_path / "run")
    client = app.test_client()
    name = "01_posta-certificata.eml"
    r = client.post("/api/v1/triage?wait=false", content_type="multipart/form-data",
                    data={"files": [(io.BytesIO((pec / "messages" / name).read_bytes()), name)]})
    assert r.status_code == 202 and r.get_json()["kind"] == "triage"
    done = poll(client, r.get_json()["url"])
    assert done["state"] == "done"
    assert [row["file"] for row in done["result"]["rows"]] == [name]
    assert done["result"]["summary"]["messages"] == 1
    assert name in client.get(r.get_json()["report_url"]).get_data(as_text=True)
