"""The job's progress snapshot (checker/jobs/work.Progress): a check newly listed or finished is
saved at once, whatever the interval, so the page never waits on a stale list while a long check
runs; repeated events with nothing new stay throttled."""
from __future__ import annotations

from checker.jobs.work import Progress


def test_new_and_finished_checks_are_saved_at_once_repeats_are_throttled():
    saved: list[dict] = []
    progress = Progress(saved.append, interval=3600)
    progress("start", "domanda.pdf", "identify")
    progress("done", "domanda.pdf", "identify")
    progress("start", "domanda.pdf", "pdfa")
    assert saved[-1]["files"] == [{"name": "domanda.pdf", "checks": [{"check": "identify", "done": True},
                                                                      {"check": "pdfa", "done": False}]}]
    assert (saved[-1]["done"], saved[-1]["total"]) == (1, 2)
    count = len(saved)
    progress("start", "domanda.pdf", "pdfa")       # nothing new: not saved again within the interval
    assert len(saved) == count
    progress("done", "domanda.pdf", "pdfa")
    assert saved[-1]["done"] == 2 and len(saved) == count + 1
    progress("done", "", "message")
    assert saved[-1]["message"] == "done"
