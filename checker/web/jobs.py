"""Admission and jobs on the web: every route that checks files passes through here.

Before such a request's body is read, it takes a ticket in the admission ledger
(checker/jobs/admission.py) for its Content-Length; no room → 503 with Retry-After, the body
unread (drained, not kept). The route then builds the job (checker.jobs.Work) and run()
hands it, with the ticket, to the runner: in this process, or on the Redis queue.

    GET /jobs/<id>             the job's status as JSON: state, position in the queue, result
    GET /jobs/<id>/progress    the same without the result, with the files and checks done
                               so far: what the report page polls
    GET /jobs/<id>/report      the same for people: «In coda, posizione N», then the progress
                               per file and check (refreshing itself without JavaScript), then
                               the report (or the triage table); the address POST /check
                               redirects to, kept RESULT_TTL seconds
    GET /jobs/<id>/report.pdf  the finished report as a PDF to keep
"""
from __future__ import annotations

import os
from typing import Any

from flask import (Blueprint, Flask, Response, abort, current_app, g, jsonify, redirect, render_template, request,
                   url_for)

from .. import engine, jobs
from . import i18n, pages, present
from . import report_pdf as report_pdf_mod
from .errors import drain_body, wants_json
from .responses import api_error

bp = Blueprint("jobs", __name__)

# the routes whose requests carry files to check: they go through admission
ADMITTED_ENDPOINTS = {"views.check", "api.check", "triage.page_post", "triage.api_triage",
                      "fix.page_post"}
QUEUED_GRACE = 1.0    # a form post waits this long for a check slot, then shows its place in line
REFRESH_SECONDS = 2   # the progress page reloads itself this often (without JavaScript)
REPORT_WAIT = 1.0     # opening the report of a running check waits this long for it to end
POLL_HEADER = "X-Pec-Precheck-Poll"   # sent by the page's script: answer at once, no wait


def settings_from_env() -> dict[str, Any]:
    return {"REDIS_URL": os.environ.get("REDIS_URL", ""),
            "ADMISSION": jobs.Limits.from_env(),
            "RUNTIME_DIR": None,           # None: PEC_PRECHECK_RUNTIME_DIR or a new one in /dev/shm
            "CHECK_DEADLINE": None,        # None: engine.DEFAULT_DEADLINE (PEC_PRECHECK_DEADLINE)
            "RESULT_TTL": int(os.environ.get("PEC_PRECHECK_RESULT_TTL", "") or 3600)}


def install(app: Flask) -> None:
    """Create the app's job runner (one ledger for every worker forked from this process)."""
    deadline = app.config.get("CHECK_DEADLINE") or engine.DEFAULT_DEADLINE
    app.extensions["pec_jobs"] = jobs.runner_for(app.config.get("RUNTIME_DIR"), app.config["ADMISSION"],
                                                 redis_url=app.config.get("REDIS_URL") or "",
                                                 deadline=deadline, result_ttl=app.config["RESULT_TTL"])
    app.before_request(_admit)
    app.teardown_request(_release)


def runner() -> jobs.JobRunner:
    runner_: jobs.JobRunner = current_app.extensions["pec_jobs"]
    return runner_


def _admit() -> Response | tuple[Response, int] | None:
    if request.method != "POST" or request.endpoint not in ADMITTED_ENDPOINTS:
        return None
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    length = request.content_length
    if length is not None and limit and length > limit:
        return None  # the 413 answers it, without reading the body
    ticket = jobs.new_id()
    try:
        # the memory the body will hold once read and parsed, not only its length
        runner().ledger.enter(ticket, jobs.held_bytes(length if length is not None else limit))
    except jobs.QueueFull as full:
        return busy(full)
    g.ticket = ticket
    return None


def _release(exc: BaseException | None) -> None:
    ticket = g.pop("ticket", None)
    if ticket is not None:  # not handed to a job: the request ended before (400, 413, ...)
        current_app.extensions["pec_jobs"].ledger.leave(ticket)


def wait_in_line() -> None:
    """For a route that works in its own request (the fix page): wait for the request's turn
    among the checks; its ticket is left when the request ends (_release)."""
    ticket = g.get("ticket")
    if ticket is not None:
        runner().ledger.wait_turn(ticket)


def busy(full: jobs.QueueFull) -> Response:
    """503 with Retry-After: the body is drained unread (nothing of it is kept)."""
    drain_body()
    seconds = full.retry_after
    if full.reason == "memory":
        why_it = ("Il server ha già in memoria tutti i file che può tenere (limite di memoria "
                  "delle verifiche)")
        why_en = "The server already holds all the uploaded files its memory limit allows"
    else:
        why_it, why_en = "Ci sono troppe verifiche in corso", "Too many checks are in progress"
    if wants_json():
        response, _ = api_error(503, "busy", f"{why_it}: riprova tra {seconds} secondi.",
                                f"{why_en}: retry in {seconds} seconds.",
                                retry_after=seconds, reason=full.reason)
    else:
        response = current_app.make_response(render_template(
            "error.html", status=503, title_it="Servizio occupato", title_en="Service busy",
            text_it=(f"{why_it} in questo momento. Riprova tra {seconds} "
                     "secondi: i tuoi file non sono stati conservati."),
            text_en=f"{why_en}. Try again in {seconds} seconds; your files were not kept."))
    response.status_code = 503
    response.headers["Retry-After"] = str(seconds)
    return response


def run(work: jobs.Work, wait: bool = True, queued_grace: float | None = None) -> dict[str, Any]:
    """Hand the work (and the request's ticket, which becomes the job id) to the runner; the
    job's status once it ends when `wait` (or earlier: still queued after queued_grace),
    else at once. QueueFull propagates (the app answers it with busy())."""
    runner_ = runner()
    ticket = g.pop("ticket", None)
    if ticket is None:  # a route outside ADMITTED_ENDPOINTS: admitted here, body already read
        ticket = jobs.new_id()
        runner_.ledger.enter(ticket, jobs.held_bytes(work.size))
    if work.deadline is None:
        work.deadline = current_app.config.get("CHECK_DEADLINE")
    try:
        runner_.submit(ticket, work)
    except BaseException:
        runner_.ledger.leave(ticket)
        raise
    status = runner_.wait(ticket, queued_grace=queued_grace) if wait else runner_.status(ticket)
    return status or {"id": ticket, "kind": work.kind, "state": "failed", "position": None,
                      "mode": runner_.mode, "error": "the job is no longer known"}


def job_json(status: dict[str, Any]) -> dict[str, Any]:
    """The status as GET /jobs/<id> answers it, with the job's addresses."""
    out = dict(status)
    out["url"] = url_for("jobs.status", job_id=status["id"])
    out["report_url"] = url_for("jobs.report_page", job_id=status["id"])
    return out


def accepted(status: dict[str, Any]) -> tuple[Response, int, dict[str, str]]:
    """202 for a job that runs on: where to ask for it."""
    body = job_json(status)
    body.pop("result", None)
    return jsonify(body), 202, {"Location": body["url"]}


def failed(status: dict[str, Any]) -> tuple[Response, int]:
    """A job that ended without a result (its process stopped, its files expired)."""
    response, code = api_error(503, "job-failed", "La verifica non è terminata: invia di nuovo i file.",
                               "The check did not finish: send the files again.",
                               job=status["id"], detail=status.get("error", ""))
    response.headers["Retry-After"] = "5"
    return response, code


def render_done(status: dict[str, Any]) -> tuple[str, int]:
    """The finished job's page: the report, or the triage table."""
    result = status["result"]
    if status["kind"] == jobs.TRIAGE:
        return pages.triage_page(result["rows"], result["summary"], chosen="auto")
    return pages.report_page(result, job_id=status["id"]), 200


def gone(job_id: str) -> tuple[str, int]:
    """An address whose report expired (or never existed): say so, in words, 404."""
    ttl_minutes = int(current_app.config.get("RESULT_TTL") or 3600) // 60
    return render_template("job.html", job={"id": job_id, "state": "gone", "position": None},
                           refresh=REFRESH_SECONDS, ttl_minutes=ttl_minutes, labels={}), 404


@bp.get("/jobs/<job_id>")
def status(job_id: str):
    found = runner().status(job_id)
    if found is None:
        abort(404)
    return jsonify(job_json(found))


@bp.get("/jobs/<job_id>/progress")
def progress(job_id: str):
    found = runner().status(job_id)
    if found is None:
        abort(404)
    body = job_json(found)
    body.pop("result", None)
    return jsonify(body), 200, {"Cache-Control": "no-store"}


@bp.get("/jobs/<job_id>/report")
def report_page(job_id: str):
    runner_ = runner()
    found = runner_.status(job_id)
    if found is None:
        return gone(job_id)
    if found["state"] in ("queued", "running") and not request.headers.get(POLL_HEADER):
        waited = runner_.wait(job_id, timeout=float(current_app.config.get("REPORT_WAIT", REPORT_WAIT)))
        found = waited or found
    if found["state"] == "done":
        return render_done(found)
    ttl_minutes = int(current_app.config.get("RESULT_TTL") or 3600) // 60
    return (render_template("job.html", job=found, refresh=REFRESH_SECONDS, ttl_minutes=ttl_minutes,
                            labels=present.check_labels(i18n.current())),
            200, {"Cache-Control": "no-store"})


@bp.get("/jobs/<job_id>/report.pdf")
def report_pdf(job_id: str):
    found = runner().status(job_id)
    if found is None or found["state"] != "done" or found["kind"] != jobs.CHECK:
        if found is not None and found["state"] in ("queued", "running"):
            return redirect(url_for("jobs.report_page", job_id=job_id), 303)
        return gone(job_id)
    data = report_pdf_mod.render(found["result"])
    filename = f"pec-precheck-{found['result']['verdict']}-{job_id[:8]}.pdf"
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
