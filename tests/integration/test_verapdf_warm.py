"""The REAL veraPDF (built from Maven Central by scripts/build-verapdf.sh) through the warm
pool, the PDF/A check and the `pdfa` command. PDFs are made here with pikepdf: a conforming
PDF/A-2b (a DeviceRGB rectangle and an sRGB output intent) and the same file broken in one
way. No stand-in: if veraPDF is not built these tests FAIL and say how to build it."""
from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pikepdf
import pytest
from PIL import ImageCms

from checker import engine, pdfa_disagreements, verapdf_pool
from checker.checks import settings_from_env
from checker.model import InputFile, Severity, Submission

ROOT = Path(__file__).resolve().parents[2]
POM_VERSION = "1.30.2"  # verapdf/pom.xml pins it

XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
  pdfaid:part="{part}" pdfaid:conformance="B"/>
</rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""


def make_pdfa(*, output_intent: bool = True, claim: bool = True, encrypt: bool = False,
              part: int = 2) -> bytes:
    """A one-page PDF/A-2b: DeviceRGB fill, so the sRGB output intent is required."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.pages[0].Contents = pdf.make_stream(b"0.2 0.4 0.8 rg 100 100 200 300 re f")
    if claim:
        pdf.Root.Metadata = pdf.make_stream(XMP.format(part=part).encode(),
                                            Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
    if output_intent:
        icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        pdf.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
            Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1,
            OutputConditionIdentifier=pikepdf.String("sRGB"),
            DestOutputProfile=pdf.make_stream(icc, N=3))])
    out = io.BytesIO()
    pdf.save(out, fix_metadata_version=False,
             encryption=pikepdf.Encryption(owner="o", user="") if encrypt else False)
    return out.getvalue()


def make_slow_pdfa(pages: int = 200) -> bytes:
    """The conforming file plus pages of 400 fills: a few seconds of veraPDF work."""
    pdf = pikepdf.open(io.BytesIO(make_pdfa()))
    body = b"0.2 0.4 0.8 rg " + b" ".join(b"%d %d 5 5 re f" % (i % 500, i // 500)
                                            for i in range(400))
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
        pdf.pages[-1].Contents = pdf.make_stream(body)
    out = io.BytesIO()
    pdf.save(out, fix_metadata_version=False)
    return out.getvalue()


GOOD = make_pdfa()
NO_INTENT = make_pdfa(output_intent=False)   # ISO 19005-2 6.2.4.3, test 2
ENCRYPTED = make_pdfa(encrypt=True)          # ISO 19005-2 6.1.3, test 2
NO_CLAIM = make_pdfa(claim=False)
GARBAGE = b"%PDF-1.7\nthis is not a PDF at all\n" * 10


@pytest.fixture(autouse=True, scope="module")
def _verapdf_built():
    if not verapdf_pool.installed():
        pytest.fail(f"veraPDF is not built in {verapdf_pool.home()}: run `make install-test` "
                    "(or scripts/build-verapdf.sh); these tests need the real veraPDF")


def _new_pool(size: int = 1) -> verapdf_pool.VeraPool:
    return verapdf_pool.VeraPool(verapdf_pool.PoolSettings(size=size, heap_mb=512, timeout=60))


@pytest.fixture(scope="module")
def shared():
    """One warm JVM for the tests that leave it alive (a start costs a second or more)."""
    p = _new_pool()
    yield p
    p.close()


@pytest.fixture
def pool():
    """A JVM of the test's own, for the tests that kill it."""
    p = _new_pool()
    yield p
    p.close()


def test_conforming_pdfa_2b_is_compliant_and_names_the_version(shared):
    r = shared.validate(GOOD, None, name="buono.pdf")
    assert (r.compliant, r.flavour, r.failed_clauses, r.not_checked_reason) == (True, "2b", [], None)
    assert r.version == POM_VERSION


def test_missing_output_intent_fails_exactly_its_rule(shared):
    r = shared.validate(NO_INTENT, None)
    assert r.compliant is False and r.failed_clauses == ["2:6.2.4.3-2"]
    (rule,) = r.rules
    assert rule["specification"] == "ISO 19005-2:2011" and rule["part"] == 2
    assert rule["failed_checks"] >= 1 and "DeviceRGB" in rule["description"]
    assert rule["context"].startswith("root/")
    assert r.failures[0][:2] == ("ISO 19005-2 6.2.4.3", "2")


def test_encryption_fails_its_rule(shared):
    r = shared.validate(ENCRYPTED, "2b")
    assert r.compliant is False and r.failed_clauses == ["2:6.1.3-2"]


def test_explicit_flavour_overrides_the_claim(shared):
    r = shared.validate(GOOD, "1b")
    assert r.flavour == "1b" and r.compliant is False  # PDF/A-1 forbids PDF 1.7 features


def test_no_claim_is_said_not_validated_as_1b(shared):
    r = shared.validate(NO_CLAIM, None)
    assert r.compliant is None and r.not_checked_reason == "no PDF/A claim" and r.flavour is None


def test_garbage_is_undecided_and_the_server_survives(pool):
    r = pool.validate(GARBAGE, None)
    assert r.compliant is None and "cannot parse PDF" in (r.not_checked_reason or "")
    (pid,) = pool.pids()
    assert pool.validate(GOOD, None).compliant is True
    assert pool.pids() == [pid] and pool.restarts == 0


def _wait_dead(pool, pid: int) -> None:
    """Until the pool sees the killed JVM as ended: a SIGKILL takes a while to end every thread
    of a JVM on a busy machine, and until then the process cannot be reaped."""
    for _ in range(6000):
        if pid not in pool.pids():
            return
        time.sleep(0.01)
    raise AssertionError(f"JVM {pid} still alive 60 s after SIGKILL")


def test_killed_jvm_is_restarted_for_the_next_file(pool):
    assert pool.validate(GOOD, None).compliant is True
    (pid,) = pool.pids()
    os.kill(pid, signal.SIGKILL)
    _wait_dead(pool, pid)  # ended: the next file finds it dead while idle and starts another
    r = pool.validate(NO_INTENT, None)
    assert r.compliant is False and r.failed_clauses == ["2:6.2.4.3-2"]
    assert pool.pids() != [pid] and pool.restarts == 1


def test_jvm_killed_mid_request_is_undecided_then_restarted(pool):
    assert pool.validate(GOOD, None).compliant is True
    (pid,) = pool.pids()
    killer = threading.Timer(0.5, os.kill, args=(pid, signal.SIGKILL))
    killer.start()
    r = pool.validate(make_slow_pdfa(), None)
    killer.join()
    assert r.compliant is None and "exited" in (r.not_checked_reason or "")
    assert pool.validate(GOOD, None).compliant is True and pool.pids() != [pid]


def test_timeout_is_undecided_and_restarts_the_jvm(pool):
    assert pool.validate(GOOD, None).compliant is True
    (pid,) = pool.pids()
    started = time.monotonic()
    r = pool.validate(make_slow_pdfa(), None, timeout=0.5)
    assert time.monotonic() - started < 5
    assert r.compliant is None and "timeout after 0.5 s" in (r.not_checked_reason or "")
    assert pid not in pool.pids()
    assert pool.validate(NO_INTENT, None).failed_clauses == ["2:6.2.4.3-2"]


def test_pdf_never_touches_disk(shared):
    for data in (GOOD, NO_INTENT, ENCRYPTED, GARBAGE, make_pdfa() + b"%" + b"y" * (3 << 20)):
        shared.validate(data, None)
    (scratch,) = shared.scratch_dirs()
    assert os.listdir(scratch) == []  # the JVM's java.io.tmpdir


def test_pool_is_thread_safe():
    p = _new_pool(size=2)
    try:
        inputs = [GOOD, NO_INTENT, ENCRYPTED, NO_CLAIM] * 3
        out: list = [None] * len(inputs)

        def work(i: int) -> None:
            out[i] = p.validate(inputs[i], None)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(len(inputs))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        expected = {0: [], 1: ["2:6.2.4.3-2"], 2: ["2:6.1.3-2"], 3: []}
        for i, r in enumerate(out):
            assert r.failed_clauses == expected[i % 4]
        assert len(p.pids()) <= 2
    finally:
        p.close()


# -- the PDF/A check in the engine -------------------------------------------------------------

def test_engine_takes_verapdfs_verdict_and_counts_the_disagreement():
    pdfa_disagreements.reset()
    files = [InputFile("buono.pdf", GOOD), InputFile("senza-intent.pdf", NO_INTENT)]
    report = engine.check_submission(Submission(files=files), settings_from_env())
    good, bad = report.documents
    for doc in (good, bad):
        assert doc.engines["verapdf"] == f"veraPDF {POM_VERSION}" and "pdfa" not in doc.engines
        assert not [f for f in doc.findings if f.check == "pdfa"]
    (failed,) = [f for f in bad.findings if f.code == "VPDF001"]
    assert failed.args["clause"] == "ISO 19005-2 6.2.4.3" and failed.args["test"] == "2"
    assert failed.severity is Severity.ERROR
    # the engine handed the built-in verdicts over: both files compared, and they agree rule
    # for rule (the built-in cites 2:6.2.4.3-2 too); the counting itself: unit/test_pdfa_disagreements.py
    counts = pdfa_disagreements.counts()
    assert counts["compared"] == 2 and counts["rules"] == 0 and counts["verdict"] == 0


# -- the command ----------------------------------------------------------------------------------

def _pdfa_cmd(tmp_path: Path, data: bytes, *args: str, env: dict | None = None):
    path = tmp_path / "domanda.pdf"
    path.write_bytes(data)
    run = subprocess.run([sys.executable, "-m", "checker", "pdfa", "--json", *args, str(path)],
                         capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
                         env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    return run.returncode, json.loads(run.stdout)[0] if run.stdout.strip() else run.stderr


def test_command_engine_choice(tmp_path):
    code, row = _pdfa_cmd(tmp_path, NO_INTENT, "--engine", "verapdf")
    assert code == 1 and row["engine"] == "verapdf" and row["failed_clauses"] == ["2:6.2.4.3-2"]
    assert row["flavour"] == "2b" and row["compliant"] is False
    code, row = _pdfa_cmd(tmp_path, NO_INTENT, "--engine", "builtin")
    assert code == 1 and row["engine"] == "builtin" and row["failed_clauses"] == ["2:6.2.4.3-2"]
    code, row = _pdfa_cmd(tmp_path, GOOD)  # auto: veraPDF, since it is built
    assert code == 0 and row["engine"] == "verapdf" and row["compliant"] is True


def test_command_no_claim_and_absent_verapdf(tmp_path):
    code, row = _pdfa_cmd(tmp_path, NO_CLAIM, "--engine", "verapdf")
    assert code == 3 and row["compliant"] is None and row["reason"] == "no PDF/A claim"
    absent = {"PEC_PRECHECK_VERAPDF_HOME": str(tmp_path / "none"), "VERAPDF": ""}
    code, row = _pdfa_cmd(tmp_path, GOOD, "--engine", "verapdf", env=absent)
    assert code == 3 and row["compliant"] is None and "make install" in row["reason"]
    code, row = _pdfa_cmd(tmp_path, GOOD, env=absent)  # auto falls back to the built-in
    assert code == 0 and row["engine"] == "builtin"


def test_prestart_starts_every_jvm():
    p = _new_pool(size=2)
    try:
        p.prestart()
        assert len(p.pids()) == 2
        assert p.validate(GOOD, None).compliant is True and len(p.pids()) == 2
    finally:
        p.close()
