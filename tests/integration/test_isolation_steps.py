"""One worker per document runs its steps in sequence: a step that crashes, hangs or runs out
of memory becomes that step's finding, and the steps before and after it keep theirs (the
rest of the plan goes on in a fresh worker)."""
from __future__ import annotations

import hostile_jobs
import pytest

from checker import isolation


def plan_job(*steps):
    return isolation.Job(label=steps[0][0], fn=None, plan=hostile_jobs.plan_of, args=(tuple(steps),))


def codes(job, label):
    return [f.code for f in job.results[label].findings]


@pytest.mark.parametrize("bad, code", [
    (hostile_jobs.segfaults, "SYS003"),
    (hostile_jobs.raises, "SYS003"),
    (hostile_jobs.exits, "SYS003"),
    (hostile_jobs.sleeps_forever, "SYS001"),
    (hostile_jobs.spins_forever, "SYS001"),
    (hostile_jobs.eats_memory, "SYS002"),
])
def test_a_failing_step_is_its_own_finding_and_the_others_keep_theirs(bad, code):
    job = plan_job(("first", hostile_jobs.behaves, 5.0, 300), ("bad", bad, 1.0, 300),
                   ("after", hostile_jobs.behaves, 5.0, 300))
    isolation.run_jobs([job])
    assert list(job.results) == ["first", "bad", "after"]
    assert codes(job, "first") == ["SYS004"] and job.results["first"].findings[0].detail == "first"
    assert codes(job, "bad") == [code]
    assert job.results["bad"].findings[0].args["check"] == "bad"
    assert codes(job, "after") == ["SYS004"] and job.results["after"].findings[0].detail == "after"
    assert job.finished and not job.deadline_hit
    assert set(job.timings) == {"first", "bad", "after"}


def test_steps_share_one_worker_until_one_fails():
    job = plan_job(("a", hostile_jobs.behaves, 5.0, 300), ("b", hostile_jobs.behaves, 5.0, 300),
                   ("c", hostile_jobs.segfaults, 5.0, 300), ("d", hostile_jobs.behaves, 5.0, 300))
    isolation.run_jobs([job])
    pids = [job.results[label].facts["pid"] for label in ("a", "b", "d")]
    assert pids[0] == pids[1] != pids[2]
    assert codes(job, "c") == ["SYS003"]


def test_the_submission_deadline_stops_the_plan_and_leaves_the_rest_to_the_caller():
    import time
    job = plan_job(("first", hostile_jobs.behaves, 5.0, 300), ("slow", hostile_jobs.sleeps_forever, 60.0, 300),
                   ("never", hostile_jobs.behaves, 5.0, 300))
    isolation.run_jobs([job], until=time.monotonic() + 1.5, budget=1.5)
    assert codes(job, "first") == ["SYS004"]
    assert codes(job, "slow") == [isolation.DEADLINE_CODE]
    assert "never" not in job.results and job.deadline_hit and not job.finished
