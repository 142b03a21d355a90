"""gunicorn settings for PEC Precheck: `gunicorn -c gunicorn.conf.py` (what `make run` does).

Every value comes from the environment, with defaults for a small (2-core) server:

    PEC_PRECHECK_BIND          address to listen on (default 127.0.0.1:5000); behind a reverse
                               proxy keep it on loopback or a unix socket ("unix:/run/pec.sock")
    PEC_PRECHECK_WEB_WORKERS   gunicorn worker processes (default 2)
    PEC_PRECHECK_WEB_THREADS   threads per worker (default: PEC_PRECHECK_MAX_CHECKS +
                               PEC_PRECHECK_QUEUE + 16, i.e. 70): a request waits on its check
                               processes (checker/isolation.py) or its place in the queue, it
                               does not use a core, so a thread per admitted request is cheap;
                               each worker alone can hold every admitted request and still have
                               threads for /healthz and the 503s (gunicorn spreads connections
                               unevenly between workers)
    PEC_PRECHECK_DEADLINE      seconds one submission may take, all files and all checks
                               (default 120); gunicorn's timeouts are set above it
    FORWARDED_ALLOW_IPS        proxies whose X-Forwarded-Proto/-For gunicorn trusts (gunicorn's
                               own variable; default 127.0.0.1,::1: a proxy on the same host)
    PEC_PRECHECK_RUNTIME_DIR   the admission ledger shared by every worker (checker/jobs/
                               admission.py); default: a new directory in /dev/shm for this
                               server, removed when it stops
    PEC_PRECHECK_MAX_CHECKS, PEC_PRECHECK_MAX_BYTES_MB, PEC_PRECHECK_QUEUE: the limits, for all
                               workers and threads together (app.py)

The checks run in their own processes (checker/isolation.py); gunicorn only parses requests
and waits. The gthread worker keeps a slow check to one thread: the worker's main loop goes on
answering its heartbeat and accepting connections, and /healthz answers on another thread.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

import gunicorn.arbiter
import gunicorn.http.wsgi

from checker.web.security import SERVER_NAME


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


wsgi_app = "app:app"
bind = [os.environ.get("PEC_PRECHECK_BIND", "127.0.0.1:5000")]
worker_class = "gthread"
workers = _env_int("PEC_PRECHECK_WEB_WORKERS", 2)
# The admission limits (checker/jobs/admission.py) bound the work; threads only wait.
_admitted = _env_int("PEC_PRECHECK_MAX_CHECKS", 4) + _env_int("PEC_PRECHECK_QUEUE", 50)
threads = _env_int("PEC_PRECHECK_WEB_THREADS", _admitted + 16)

# A submission may take up to the deadline; gunicorn must not kill a worker (an HTML 500 for
# everyone on it) before that, and a graceful restart lets the checks in flight finish.
deadline = _env_float("PEC_PRECHECK_DEADLINE", 120.0)
timeout = int(deadline) + 60
graceful_timeout = int(deadline) + 30
keepalive = 5

# The form and the API need short request lines and a few headers; anything longer is an
# attack or a mistake (400). Bodies are bounded by the app (PEC_PRECHECK_MAX_UPLOAD_MB → 413).
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190

# X-Forwarded-Proto: https from these addresses makes the request https (Secure cookies).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The app is imported once in the master: one SECRET_KEY for every worker when none is set
# (a form served by one worker is accepted by another), and faster worker starts. The
# background pools (forkserver, veraPDF JVMs) are threads: they do not survive fork, so the
# master must not start them (PEC_PRECHECK_WARM_UP=0) and each worker starts its own.
preload_app = True
control_socket_disable = True  # gunicorn ≥ 24's gunicornc socket: not used, one path per user
os.environ["PEC_PRECHECK_WARM_UP"] = "0"

# One admission ledger for the master and every worker, preloaded or not: made before any
# worker exists, named in the environment the workers inherit.
_own_runtime_dir = ""
if not os.environ.get("PEC_PRECHECK_RUNTIME_DIR", "").strip():
    _shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    _own_runtime_dir = tempfile.mkdtemp(prefix="pec-precheck-gunicorn-", dir=_shm)
    os.environ["PEC_PRECHECK_RUNTIME_DIR"] = _own_runtime_dir

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("PEC_PRECHECK_LOG_LEVEL", "info")
# no client address, no query string: the log is for load and errors, not for who sent what
access_log_format = '"%(m)s %(U)s" %(s)s %(B)s %(M)sms'

# The Server header names neither gunicorn nor its version; nor does the WSGI environ's
# SERVER_SOFTWARE (checker/web/security.py does the same for Werkzeug's development server).
gunicorn.http.wsgi.SERVER = SERVER_NAME
gunicorn.http.wsgi.SERVER_SOFTWARE = SERVER_NAME
gunicorn.arbiter.SERVER_SOFTWARE = SERVER_NAME


def on_exit(server) -> None:
    """Remove the runtime directory made above; stop the private clamd `make run` started for
    this server (scripts/start-clamd.sh)."""
    if _own_runtime_dir:
        shutil.rmtree(_own_runtime_dir, ignore_errors=True)
    if os.environ.get("PEC_PRECHECK_STOP_CLAMD_ON_EXIT") == "1":
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scripts", "start-clamd.sh")
        subprocess.run([script, "stop"], check=False, timeout=30)


def post_worker_init(worker) -> None:
    """In each worker, after the fork: start the checks' forkserver and the veraPDF pool."""
    import app
    app.start_background_services()
