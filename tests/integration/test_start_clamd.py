"""scripts/start-clamd.sh, the private clamd `make run` starts: offline (no freshclam download),
with the one-line EICAR database of tests/fixtures/clamd.py placed where the script looks."""
from __future__ import annotations

import os
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from checker.checks import antivirus
from clamd import EICAR, SIGNATURE

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "start-clamd.sh"


def eicar_database(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "eicar.ndb").write_text(f"{SIGNATURE}:0:*:{EICAR.hex()}\n")
    return folder


@pytest.fixture()
def layout(tmp_path):
    """The script's environment: a project var folder, an empty system database, a RAM spool."""
    spool = Path("/dev/shm") / f"pec-precheck-test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "PEC_PRECHECK_VAR": str(tmp_path / "var"), "PEC_PRECHECK_CLAMD_TMP": str(spool),
           "PEC_PRECHECK_SYSTEM_CLAMAV_DB": str(tmp_path / "system-db"), "PEC_PRECHECK_FRESHCLAM": "0"}
    (tmp_path / "system-db").mkdir()
    yield tmp_path, spool, env
    subprocess.run([str(SCRIPT), "stop"], env=env, check=False, timeout=30)


def run(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=120)


def test_starts_a_private_clamd_with_its_spool_in_ram_and_stops_it(layout):
    tmp_path, spool, env = layout
    eicar_database(tmp_path / "var" / "clamav")
    done = run(env)
    sock = tmp_path / "var" / "run" / "clamd.sock"
    assert (done.returncode, done.stdout.strip()) == (0, f"unix:{sock}"), done.stderr
    conf = (tmp_path / "var" / "run" / "clamd.conf").read_text()
    assert f"TemporaryDirectory {spool}" in conf and f"LocalSocket {sock}" in conf
    assert spool.is_dir() and spool.stat().st_mode & 0o777 == 0o700
    client = antivirus.Clamd(antivirus.ClamdAddress.parse(done.stdout.strip()))
    assert client.scan(EICAR).startswith(SIGNATURE) and client.scan(b"testo pulito") is None
    again = run(env)   # idempotent: the running one is reused
    assert again.stdout == done.stdout and "already running" in again.stderr
    pid = int((tmp_path / "var" / "run" / "clamd.pid").read_text())
    assert run(env, "stop").returncode == 0
    assert not sock.exists() and not spool.exists()
    with pytest.raises(ProcessLookupError):
        for _ in range(50):
            os.kill(pid, 0)
            time.sleep(0.1)


def test_without_any_signature_database_the_app_runs_without_antivirus_and_says_so(layout):
    _, _, env = layout
    started = time.monotonic()
    done = run(env)
    assert done.returncode == 0 and done.stdout == ""
    assert "NO signature database" in done.stderr and "NOT be scanned" in done.stderr
    assert time.monotonic() - started < 10


def test_freshclam_failing_is_quick_and_the_system_database_is_used(layout):
    tmp_path, _, env = layout
    eicar_database(tmp_path / "system-db")
    with socket.socket() as s:      # a closed port on loopback: the "network" is unreachable
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**env, "PEC_PRECHECK_FRESHCLAM": "1", "PEC_PRECHECK_FRESHCLAM_MIRROR": f"http://127.0.0.1:{port}",
           "PEC_PRECHECK_FRESHCLAM_TIMEOUT": "20"}
    started = time.monotonic()
    done = run(env)
    assert time.monotonic() - started < 40
    assert "freshclam could not update" in done.stderr, done.stderr
    assert f"using the system's signatures in {tmp_path / 'system-db'}" in done.stderr
    assert done.stdout.startswith("unix:")
    client = antivirus.Clamd(antivirus.ClamdAddress.parse(done.stdout.strip()))
    assert client.scan(EICAR).startswith(SIGNATURE)


def launcher(tmp_path: Path, env: dict, body: str) -> dict:
    """A `clamd` first on PATH that runs `body` (shell) and then reports a failure."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "clamd"
    fake.write_text(f"#!/bin/sh\n{body}\nexit 1\n")
    fake.chmod(0o755)
    return {**env, "PATH": f"{bin_dir}:{env['PATH']}", "PEC_PRECHECK_CLAMD_FAILED_GRACE": "5"}


def test_a_launcher_that_reports_failure_while_its_daemon_serves_is_not_believed(layout):
    # clamd's daemonizing parent once exited non-zero on CI while the daemon came up
    tmp_path, _, env = layout
    eicar_database(tmp_path / "var" / "clamav")
    real = subprocess.run(["sh", "-c", "command -v clamd"], capture_output=True, text=True).stdout.strip()
    done = run(launcher(tmp_path, env, f'"{real}" "$@"'))
    assert done.stdout.strip() == f"unix:{tmp_path / 'var' / 'run' / 'clamd.sock'}", done.stderr
    client = antivirus.Clamd(antivirus.ClamdAddress.parse(done.stdout.strip()))
    assert client.scan(EICAR).startswith(SIGNATURE)


def test_a_launcher_that_fails_with_no_daemon_is_reported_after_the_short_grace(layout):
    tmp_path, _, env = layout
    eicar_database(tmp_path / "var" / "clamav")
    started = time.monotonic()
    done = run(launcher(tmp_path, env, "true"))
    assert done.returncode == 0 and done.stdout == ""
    assert "did not start or did not answer within 5 s" in done.stderr and "NOT be scanned" in done.stderr
    assert time.monotonic() - started < 30
