"""Revocation answers and failed services shared across worker processes and submissions
(checker/signatures/revcache.py), against a real OCSP responder, a real responder that
hangs, a real Redis, and the CLI: requests are counted on the server side, never timed.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import pki as P
from checker import isolation
from checker.signatures import revcache
from redis_server import redis_available, redis_server
from revocation_server import HangingServer, RevocationServer, validate_in_worker

DOC = b"%PDF-1.4\n% domanda di prova\n" + b"contenuto " * 200
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def k(tmp_path_factory):
    return P.shared(tmp_path_factory)


@pytest.fixture
def server(k):
    srv = RevocationServer(k)
    yield srv
    srv.close()


def check_in_worker(envelope: bytes, settings: dict) -> isolation.Job:
    """One check in its own worker process, as one submission's check runs."""
    [job] = isolation.run_jobs([isolation.Job(label="signature", fn=validate_in_worker,
                                              args=(envelope, settings), timeout=60)])
    assert job.result is not None and "pid" in job.result.facts, job.result
    return job


def codes(job: isolation.Job) -> list[str]:
    assert job.result is not None
    return [f.code for f in job.result.findings]


def test_five_checks_in_five_workers_ask_the_responder_once(k, server, tmp_path):
    settings = {"trust": [k.tsl], "revocation": "online", "revocation_cache": str(tmp_path / "rc")}
    envelope = P.cades(k, server.signer("cinque"), DOC)
    jobs = [check_in_worker(envelope, settings) for _ in range(5)]
    assert len({job.result.facts["pid"] for job in jobs}) == 5           # five processes
    assert [job.result.facts["revocation"] for job in jobs] == ["good"] * 5
    assert [codes(job) for job in jobs] == [["SIG001"]] * 5
    assert server.requests == ["POST /ocsp"]


def test_a_hanging_responder_is_waited_for_once(k, tmp_path):
    hanging = HangingServer()
    try:
        who = P.signer_with_urls(k, "appeso", ocsp_url=f"{hanging.base}/ocsp", crl_url=None)
        settings = {"trust": [k.tsl], "revocation": "online", "revocation_cache": str(tmp_path / "rc")}
        envelope = P.cades(k, who, DOC)
        jobs = [check_in_worker(envelope, settings) for _ in range(5)]
        # the status could not be had: SIG011 each time, the signature itself still passes
        assert [codes(job) for job in jobs] == [["SIG001", "SIG011"]] * 5
        assert [job.result.facts["revocation"] for job in jobs] == ["not_checked"] * 5
        assert "non ha risposto poco fa" not in jobs[0].result.facts["revocation_problem"]
        for job in jobs[1:]:
            assert "non ha risposto poco fa, non riprovato" in job.result.facts["revocation_problem"]
        assert len(hanging.accepted) == 1
    finally:
        hanging.close()


def test_an_answer_past_its_next_update_is_asked_for_again(k, server, tmp_path):
    server.next_update = -dt.timedelta(minutes=1)
    settings = {"trust": [k.tsl], "revocation": "online", "revocation_cache": str(tmp_path / "rc")}
    envelope = P.cades(k, server.signer("scaduta"), DOC)
    for _ in range(2):
        check_in_worker(envelope, settings)
    assert server.requests == ["POST /ocsp", "POST /ocsp"]
    folder = tmp_path / "rc"
    assert not folder.exists() or not list(folder.iterdir())     # a stale answer is not kept


def test_an_answer_is_kept_no_longer_than_its_next_update(k, server, tmp_path):
    server.next_update = dt.timedelta(seconds=90)
    folder = tmp_path / "rc"
    settings = {"trust": [k.tsl], "revocation": "online", "revocation_cache": str(folder)}
    check_in_worker(P.cades(k, server.signer("novanta"), DOC), settings)
    [entry] = list(folder.iterdir())
    expires = float(entry.read_bytes().partition(b"\n")[0])
    assert 0 < expires - time.time() <= 90          # nextUpdate, not the 300 s default


def test_redis_shares_answers_between_workers(k, server):
    if not redis_available():
        pytest.fail("redis-server not installed: `make test` installs it (scripts/install-system.sh test)",
                    pytrace=False)
    import redis
    with redis_server() as url:
        settings = {"trust": [k.tsl], "revocation": "online", "revocation_cache": url}
        envelope = P.cades(k, server.signer("redis"), DOC)
        jobs = [check_in_worker(envelope, settings) for _ in range(3)]
        assert [job.result.facts["revocation"] for job in jobs] == ["good"] * 3
        assert server.requests == ["POST /ocsp"]
        client = redis.Redis.from_url(url)
        [key] = client.keys(revcache.RedisStore.PREFIX + "answers:*")
        assert 0 < client.ttl(key) <= 300


def test_successive_cli_runs_share_the_answers(k, server, tmp_path):
    path = tmp_path / "domanda.pdf.p7m"
    path.write_bytes(P.cades(k, server.signer("riga-cli"), DOC))
    env = {**os.environ, "PEC_PRECHECK_REVOCATION": "online", "PYTHONPATH": str(ROOT),
           "PEC_PRECHECK_REVOCATION_CACHE": str(tmp_path / "rc")}
    for _ in range(2):
        out = subprocess.run([sys.executable, "-m", "checker.cli", "check", str(path), "--trust", k.tsl,
                              "--json"], capture_output=True, text=True, env=env, cwd=ROOT)
        [envelope] = [d for d in json.loads(out.stdout)["documents"] if d["name"] == "domanda.pdf.p7m"]
        assert envelope["signatures"][0]["details"]["revocation"] == "good"
    assert server.requests == ["POST /ocsp"]
