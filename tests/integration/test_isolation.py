"""A hostile file cannot take the service down: every failure in a worker becomes a finding."""
from __future__ import annotations

import os

import hostile_jobs
import pytest

from checker import isolation
from checker.model import Severity


def run_one(fn, timeout=3.0, memory_mb=256):
    job = isolation.Job(label="hostile", fn=fn, args=("x",), timeout=timeout, memory_mb=memory_mb)
    isolation.run_jobs([job])
    return job


def codes(job):
    return [f.code for f in job.result.findings]


def test_a_worker_result_comes_back_from_another_process():
    job = run_one(hostile_jobs.behaves)
    assert codes(job) == ["SYS004"]
    assert job.result.findings[0].detail == "x"
    assert job.result.facts["pid"] != os.getpid()


def test_SYS001_sleeping_worker_is_killed_at_the_deadline():
    job = run_one(hostile_jobs.sleeps_forever, timeout=1.0)
    assert codes(job) == ["SYS001"]
    assert job.result.findings[0].args["check"] == "hostile"


def test_SYS001_cpu_bound_worker_is_killed():
    job = run_one(hostile_jobs.spins_forever, timeout=1.0)
    assert codes(job) == ["SYS001"]


def test_SYS002_memory_hog_hits_the_rlimit():
    job = run_one(hostile_jobs.eats_memory, timeout=10.0, memory_mb=300)
    assert codes(job) == ["SYS002"]
    assert job.result.findings[0].args["limit_mb"] == "300"


@pytest.mark.parametrize("fn, detail", [
    (hostile_jobs.segfaults, "SIGSEGV"),
    (hostile_jobs.raises, "ValueError: parser gave up at offset 1234"),
    (hostile_jobs.exits, "exit status 7"),
    (hostile_jobs.returns_wrong_type, "TypeError"),
])
def test_SYS003_crash_or_exception_becomes_a_finding(fn, detail):
    job = run_one(fn)
    assert codes(job) == ["SYS003"]
    assert detail in job.result.findings[0].detail


def test_jobs_run_side_by_side_and_a_bad_one_does_not_spoil_the_others():
    jobs = [isolation.Job(label=f"j{i}", fn=fn, args=(str(i),), timeout=2.0, key=i)
            for i, fn in enumerate([hostile_jobs.behaves, hostile_jobs.sleeps_forever,
                                    hostile_jobs.behaves, hostile_jobs.segfaults,
                                    hostile_jobs.behaves])]
    isolation.run_jobs(jobs, workers=2)
    assert [codes(j) for j in jobs] == [["SYS004"], ["SYS001"], ["SYS004"], ["SYS003"], ["SYS004"]]
    assert [j.result.findings[0].detail for j in jobs if codes(j) == ["SYS004"]] == ["0", "2", "4"]


def test_not_checked_severity_comes_from_the_catalogue():
    from checker import catalogue
    assert catalogue.rule("SYS001").severity is Severity.NOT_CHECKED
    assert catalogue.rule("SYS001").required


def test_worker_limits_come_from_the_environment(tmp_path):
    # PEC_PRECHECK_TIMEOUT / _MEMORY_MB / _WORKERS, read by a fresh process (no monkeypatch)
    import json
    import subprocess
    import sys
    env = {**os.environ, "PEC_PRECHECK_TIMEOUT": "7.5", "PEC_PRECHECK_MEMORY_MB": "300",
           "PEC_PRECHECK_WORKERS": "3"}
    shown = subprocess.run([sys.executable, "-c", "from checker import isolation as i; "
                            "print(i.DEFAULT_TIMEOUT, i.DEFAULT_MEMORY_MB, i.DEFAULT_WORKERS, "
                            "i.Job('x', print, ()).timeout)"],
                           capture_output=True, text=True, timeout=60, env=env)
    assert shown.stdout.split() == ["7.5", "300", "3", "7.5"], shown.stderr
    # and a check really runs under it: the text check does not read 4 MB within a millisecond
    # (the limit is the step's own time in its worker, not counting the worker's start)
    note = tmp_path / "nota.txt"
    note.write_text("Oggetto: richiesta di accesso agli atti, vedi https://example.org/atti\n" * 60_000,
                    encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "checker", "check", str(note), "--json"],
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PEC_PRECHECK_TIMEOUT": "0.001"})
    [document] = json.loads(run.stdout)["documents"]
    [timeout] = [f for f in document["findings"] if f["code"] == "SYS001"]
    assert (timeout["check"], timeout["args"]["seconds"]) == ("text", "0.001")


def test_SYS002_even_when_the_limit_is_below_what_the_worker_already_maps():
    # so tight that the worker cannot even pickle its report: it must still say "memory"
    job = run_one(hostile_jobs.eats_memory, timeout=10.0, memory_mb=40)
    assert codes(job) == ["SYS002"]


MAIN_SCRIPT = '''
import os, sys
from checker import isolation
import hostile_jobs
with open(sys.argv[1], "a") as runs:  # once per execution of this script, in any process
    runs.write(f"{os.getpid()}\\n")
if __name__ == "__main__":
    jobs = [isolation.Job(label="hostile", fn=hostile_jobs.behaves, args=(str(n),)) for n in range(3)]
    isolation.run_jobs(jobs)
    print(" ".join(job.result.findings[0].detail for job in jobs),
          len({job.result.facts["pid"] for job in jobs} - {os.getpid()}))
'''


def test_forkserver_workers_do_not_run_the_parent_main_script_again(tmp_path):
    # multiprocessing would run the parent's __main__ (gunicorn's script, pytest's, a
    # console script) again in every forkserver worker: workers need nothing from it
    import subprocess
    import sys
    script, runs = tmp_path / "main_script.py", tmp_path / "runs.txt"
    script.write_text(MAIN_SCRIPT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [os.environ.get("PYTHONPATH", ""), os.path.dirname(hostile_jobs.__file__)])}
    done = subprocess.run([sys.executable, str(script), str(runs)], capture_output=True,
                          text=True, timeout=120, env=env)
    assert done.stdout.split() == ["0", "1", "2", "3"], done.stderr   # three workers answered
    assert len(runs.read_text().split()) == 1, "the script ran again in a worker"
