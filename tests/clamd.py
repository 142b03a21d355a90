"""A private ClamAV daemon for the antivirus tests.

Session-scoped: its own config file, a unix socket and a signature database in a temp
folder holding ONE body signature for the EICAR test string (no freshclam, no network).
Debian's clamav-daemon comes from `scripts/install-system.sh test`. If clamd cannot
start, the tests that use it FAIL (they are part of the suite), they do not skip.

Use it from a test module with `clamd_address = clamd.clamd_address` (after `import clamd`).
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

# The EICAR anti-virus test file (https://www.eicar.org), built from two halves so this
# source file is not itself flagged by a scanner that reads it.
EICAR = (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")
SIGNATURE = "PecPrecheck.Test.EICAR"
STARTUP_SECONDS = 30


def _clamd_binary() -> str:
    for candidate in ("clamd", "/usr/sbin/clamd"):
        found = shutil.which(candidate)
        if found:
            return found
    pytest.fail("clamd not found: run scripts/install-system.sh test (Debian clamav-daemon)")


def _ping(path: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1)
            sock.connect(str(path))
            sock.sendall(b"zPING\0")
            return sock.recv(16).startswith(b"PONG")
    except OSError:
        return False


@pytest.fixture(scope="session")
def clamd_address(tmp_path_factory):
    """'unix:/…/clamd.sock' of a running private clamd that knows only the EICAR signature."""
    folder = tmp_path_factory.mktemp("clamd")
    db = folder / "db"
    db.mkdir()
    # .ndb body signature: Name:TargetType(0 = any file):Offset(* = anywhere):HexSignature
    (db / "eicar.ndb").write_text(f"{SIGNATURE}:0:*:{EICAR.hex()}\n")
    sock = folder / "clamd.sock"
    log = folder / "clamd.log"
    conf = folder / "clamd.conf"
    conf.write_text("\n".join([
        f"LocalSocket {sock}",
        f"DatabaseDirectory {db}",
        f"LogFile {log}",
        f"PidFile {folder / 'clamd.pid'}",
        f"TemporaryDirectory {folder}",
        "Foreground yes",
        "ScanArchive yes",
        "StreamMaxLength 25M",
        "MaxThreads 4",
        "",
    ]))
    proc = subprocess.Popen([_clamd_binary(), "--config-file", str(conf)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + STARTUP_SECONDS
    while not _ping(sock):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            output = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            logged = log.read_text(errors="replace") if log.exists() else ""
            pytest.fail(f"private clamd did not start:\n{output}\n{logged}")
        time.sleep(0.05)
    yield f"unix:{sock}"
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
