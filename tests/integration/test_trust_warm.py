"""The forkserver holds the trusted list, parsed, and pyHanko's trust manager over it, so a
worker that validates a signature inherits them instead of rebuilding them (asn1crypto
parses each of the ~225 anchors on first use); the command line does not load the
forkserver's list, since its own (--trust) may be another."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from checker import isolation
from checker.model import InputFile

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, os, sys
import checker.checks._trust_warm
from checker.checks import settings_from_env
from checker.signatures import cms
store = cms.trust_from_settings(settings_from_env())  # the one the module loaded: cached
assert store.configured and store._manager is not None, "trust manager not built"
assert gc.get_freeze_count() > 0, "nothing frozen"
r, w = os.pipe()
pid = os.fork()
if pid == 0:  # a worker: the store it looks up is the inherited one, its anchors parsed
    same = cms.trust_from_settings(settings_from_env()) is store
    os.write(w, b"same" if same else b"other")
    os._exit(0)
os.waitpid(pid, 0)
print(os.read(r, 10).decode())
"""


def test_the_forkserver_module_builds_the_default_trust_once_for_every_worker(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PEC_PRECHECK_TRUST"}
    env.update(PYTHONPATH=str(ROOT), PEC_PRECHECK_TRUST_CACHE=str(tmp_path))
    run = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=300, env=env,
                         cwd=tmp_path)  # no trust/ folder here: the shipped snapshot is the default
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "same"


def test_the_command_line_does_not_preload_the_forkserver_trust():
    xml = InputFile(name="fattura.xml", data=b"<?xml version='1.0'?><FatturaElettronica/>")
    preload = isolation.preload_for([xml])
    assert "checker.checks._preload" in preload and "checker.checks._trust_warm" not in preload
    assert "checker.checks._trust_warm" in isolation._PRELOAD


def test_a_submission_of_pdfs_signed_or_not_preloads_only_the_pdf_set(samples):
    # the signature stack is imported by the one worker that validates, alongside the others
    signed = InputFile(name="domanda.pdf.p7m", data=(samples / "signed" / "domanda.pdf.p7m").read_bytes())
    pdf = InputFile(name="firmato.pdf", data=(samples / "signed" / "firmato.pdf").read_bytes())
    assert isolation.preload_for([signed, pdf]) == isolation._PDF_ONLY_PRELOAD


def test_a_broken_trusted_list_never_stops_the_forkserver_from_starting(tmp_path):
    broken = tmp_path / "tsl.xml"
    broken.write_bytes(b"<TrustServiceStatusList><unclosed>")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PEC_PRECHECK_TRUST": str(broken),
           "PEC_PRECHECK_TRUST_CACHE": str(tmp_path / "cache")}
    run = subprocess.run([sys.executable, "-c", "import checker.checks._trust_warm; print('started')"],
                         capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert run.returncode == 0 and run.stdout.strip() == "started", run.stderr[-2000:]
