"""PEC Precheck web app: `flask --app app run`.

create_app(config) builds the app from the environment (see Settings below) plus an
optional dict of overrides (tests). Pages and API are blueprints listed in BLUEPRINTS:
adding a page is one import and one line there.

Environment:
    SECRET_KEY                   signs the CSRF token; random per process when unset (then
                                 run one process only, or forms made by one worker fail in another)
    PEC_PRECHECK_MAX_UPLOAD_MB   largest request body in MB (default 100) → 413 beyond
    PEC_PRECHECK_MAX_FILES       most files per submission (default 30)
    PEC_PRECHECK_SECURE_COOKIES  1: the session cookie is always Secure (served over HTTPS);
                                 otherwise it is Secure when the request came over HTTPS
    PEC_PRECHECK_TRUSTED_PROXIES number of reverse proxies in front whose X-Forwarded-* headers
                                 are trusted (Werkzeug ProxyFix); 0 (default) trusts none. Under
                                 gunicorn, its forwarded_allow_ips (gunicorn.conf.py) does this
    PEC_PRECHECK_WARM_UP         0: do not start the checks' worker pool and the veraPDF JVMs
                                 when the app is built; gunicorn.conf.py sets it and starts them
                                 in each worker after the fork (start_background_services)
    PEC_PRECHECK_MAX_CHECKS      submissions checked at once by the whole server, all workers and
                                 threads together (default 4); the others wait in a queue
    PEC_PRECHECK_MAX_BYTES_MB    upload bytes held in memory at once, waiting and running (512)
    PEC_PRECHECK_QUEUE           submissions that may wait (default 50); beyond: 503 Retry-After
    PEC_PRECHECK_DEADLINE        seconds per submission, all files and all checks (default 120)
    PEC_PRECHECK_RUNTIME_DIR     where the admission ledger and job statuses live (default: a
                                 new directory in /dev/shm; gunicorn.conf.py makes one per server)
    PEC_PRECHECK_RESULT_TTL      seconds a job's result stays available at /jobs/<id> (3600)
    REDIS_URL                    run checks as jobs on Redis for `rq worker` processes
                                 (checker/jobs/queue.py); unset: in this process
    VERAPDF, PEC_PRECHECK_CLAMD, ... read by the checks (checker/checks/__init__.py);
                                 config CHECK_SETTINGS (a dict) replaces them, e.g. in tests

Uploads are parsed into memory (checker/web/uploads.py: InMemoryRequest) and dropped when
their check ends: nothing is written to disk. The report (never the files) stays available at
/jobs/<id> for PEC_PRECHECK_RESULT_TTL seconds (checker/jobs/local.py, or Redis in queue mode).
"""
from __future__ import annotations

import os
import secrets
import threading
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from flask_wtf.csrf import CSRFProtect

from checker import isolation, jobs, verapdf_pool
from checker.web import api, errors, i18n, present, security, triage, views
from checker.web import fix
from checker.web import jobs as web_jobs
from checker.web.uploads import InMemoryRequest

# Each blueprint owns a group of routes; register a new page here.
BLUEPRINTS = [views.bp, api.bp, triage.bp, fix.bp, web_jobs.bp]
CSRF_EXEMPT = [api.bp]  # machine clients post files, not browser forms

csrf = CSRFProtect()


class JSONProvider(DefaultJSONProvider):
    ensure_ascii = False  # Italian text stays readable in the JSON
    sort_keys = False     # fields in the order the report writes them


def settings_from_env() -> dict[str, Any]:
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_hex(32),
        "MAX_CONTENT_LENGTH": int(float(os.environ.get("PEC_PRECHECK_MAX_UPLOAD_MB", "100"))
                                  * 1024 * 1024),
        "MAX_FILES": int(os.environ.get("PEC_PRECHECK_MAX_FILES", "30")),
        # Form text fields (subject, body...) stay small; files are bounded by MAX_CONTENT_LENGTH.
        "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": 4 * 3600,  # a citizen may take a while to gather the files
        "CHECK_SETTINGS": None,  # None: checker.checks.settings_from_env() per request
        # The session cookie (it carries the CSRF token): never sent cross-site by a form post
        # from another site, never readable by scripts; Secure over HTTPS (security.py).
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SECURE": os.environ.get("PEC_PRECHECK_SECURE_COOKIES", "") == "1",
        "TRUSTED_PROXIES": int(os.environ.get("PEC_PRECHECK_TRUSTED_PROXIES", "0") or 0),
        **web_jobs.settings_from_env(),  # admission limits, REDIS_URL, the jobs' runtime dir
    }


def start_background_services() -> None:
    """Warm the checks' worker pool and the veraPDF JVMs in background threads, so the first
    request does not pay for them. Threads and forkservers do not survive a fork: under
    gunicorn this runs in each worker (gunicorn.conf.py post_worker_init), never in the master."""
    threading.Thread(target=isolation.warm_up, name="warm-up", daemon=True).start()
    verapdf_pool.prestart_in_background()  # the first PDF/A check does not wait for a JVM


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.request_class = InMemoryRequest
    app.config.update(settings_from_env())
    if config:
        app.config.update(config)
    app.json = JSONProvider(app)
    csrf.init_app(app)
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
    for bp in CSRF_EXEMPT:
        csrf.exempt(bp)
    errors.register(app)
    web_jobs.install(app)
    app.register_error_handler(jobs.QueueFull, web_jobs.busy)
    security.register(app)
    i18n.install(app)
    app.jinja_env.globals.update(present.template_globals())
    if app.config.get("WARM_UP", not app.testing) and os.environ.get("PEC_PRECHECK_WARM_UP") != "0":
        start_background_services()  # the server answers meanwhile
    return app


app = create_app()
