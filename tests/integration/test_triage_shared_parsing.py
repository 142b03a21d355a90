"""Triage parses a chunk of messages (and verifies their provider signatures) in one shared
job per worker (checker/triage/batch.py). The rows are those of the message-by-message
layout, and when a shared job dies its messages are parsed again one by one."""
from __future__ import annotations

import pytest

from checker import checks
from checker.mail import sources
from checker.triage import batch
from pec_samples import build
from triage_faults import dying_share_job


@pytest.fixture(scope="module")
def messages(tmp_path_factory) -> list[sources.RawItem]:
    return list(sources.iter_paths([build(tmp_path_factory.mktemp("pec")) / "messages"]))


def plain(rows) -> list[dict]:
    out = [r.to_json() for r in rows]
    for row in out:
        if row["report"]:   # when and how long: not the same from one run to the next
            row["report"].pop("elapsed_ms")
            row["report"].pop("checked_at", None)
    return out


def one_by_one(items, settings) -> list:
    """The layout before shared jobs: one parse worker per message, the signature verified here."""
    from checker import isolation
    jobs = [isolation.Job(label="pec-triage", fn=batch._parse_job, args=(item.data,), key=i)
            for i, item in enumerate(items) if item.data is not None]
    isolation.run_jobs(jobs)
    results = {job.key: job.result for job in jobs}
    return [batch._row_for(item, results.get(i), None, settings) for i, item in enumerate(items)]


def test_shared_parsing_gives_the_rows_of_one_worker_per_message(messages):
    settings = checks.settings_from_env()
    shared = plain(batch.triage(messages, settings=settings))
    assert len(shared) == len(messages) > 20
    assert {r["class"] for r in shared} == {"posta-certificata", "anomalia", "ricevuta", "not-pec"}
    assert {r["signature"]["status"] for r in shared if r["signature"]} >= {"invalid", "not-verified"}
    assert shared == plain(one_by_one(messages, settings))


def test_a_shared_job_that_dies_falls_back_to_one_worker_per_message(messages, monkeypatch):
    settings = checks.settings_from_env()
    expected = plain(batch.triage(messages, settings=settings))
    monkeypatch.setattr(batch, "_parse_share_job", dying_share_job)
    assert plain(batch.triage(messages, settings=settings)) == expected
