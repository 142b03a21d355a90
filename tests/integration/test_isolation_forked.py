"""The command line's workers (isolation.forking()): forked from the command itself and
reused from one document to the next, they keep every guarantee of one worker per
document. A crash, a hang, a memory hog or a leak in one job costs only that job; a worker
is retired after MAX_JOBS_PER_WORKER jobs or once its memory has grown; the deadline stops
the rest. Run in a fresh process (tests/fixtures/forked_isolation_probe.py): forking()
forks only a single-threaded process, and a test process may have threads."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from checker import isolation

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def probe() -> dict:
    run = subprocess.run([sys.executable, str(FIXTURES / "forked_isolation_probe.py")], capture_output=True,
                         text=True, timeout=300, env={**os.environ, "PYTHONPATH": f"{ROOT}:{FIXTURES}"})
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.splitlines()[-1])


def test_workers_are_reused_across_documents(probe):
    reuse = probe["reuse"]
    assert [r["detail"] for r in reuse] == [str(i) for i in range(8)]
    pids = {r["pid"] for r in reuse}
    assert probe["parent"] not in pids
    assert len(pids) <= 2  # two workers took the eight jobs between them


def test_a_bad_job_costs_only_itself(probe):
    mixed = probe["mixed"]
    assert [r["codes"] for r in mixed] == [
        ["SYS004"], ["SYS001"], ["SYS004"], ["SYS003"], ["SYS004"], ["SYS003"], ["SYS004"], ["SYS002"],
        ["SYS004"], ["SYS003"], ["SYS004"], ["SYS003"], ["SYS004"]]
    assert [r["detail"] for r in mixed[::2]] == [str(i) for i in range(0, 13, 2)]
    assert "SIGSEGV" in mixed[3]["detail"] and "parser gave up" in mixed[5]["detail"]
    assert "exit status 7" in mixed[9]["detail"] and "TypeError" in mixed[11]["detail"]


def test_a_worker_is_retired_after_its_quota_of_jobs(probe):
    retired = probe["retired"]
    per_pid: dict[int, list[int]] = {}
    for r in retired:
        per_pid.setdefault(r["pid"], []).append(r["runs"])
    assert all(runs == list(range(1, len(runs) + 1)) for runs in per_pid.values())
    assert max(len(runs) for runs in per_pid.values()) == isolation.MAX_JOBS_PER_WORKER
    assert len(per_pid) == 3


def test_a_worker_that_kept_memory_is_not_given_another_document(probe):
    grown = probe["grown"]
    assert [r["codes"] for r in grown] == [["SYS004"]] * 3
    assert grown[0]["pid"] == grown[1]["pid"] != grown[2]["pid"]


def test_a_plan_resumes_after_a_crash_and_the_next_document_runs(probe):
    first, second = probe["plans"]
    assert [first[label]["codes"] for label in "abc"] == [["SYS004"], ["SYS003"], ["SYS004"]]
    assert first["a"]["pid"] != first["c"]["pid"]  # the crash ended the worker
    assert second["d"]["codes"] == second["e"]["codes"] == ["SYS004"]
    assert second["d"]["pid"] == first["c"]["pid"]  # the fresh worker went on to the next document


def test_the_deadline_stops_the_running_job_and_the_rest(probe):
    deadline = probe["deadline"]
    assert deadline[0]["codes"] == ["SYS004"]
    assert [r["codes"] for r in deadline[1:]] == [[isolation.DEADLINE_CODE]] * 3
