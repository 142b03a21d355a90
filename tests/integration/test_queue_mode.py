"""Queue mode (REDIS_URL): a real redis-server on a free loopback port, real `rq worker`
processes and gunicorn. The files travel in Redis with a TTL, are gone once checked, and the
same job id gives GET /jobs/<id> its place in the queue and then its result."""
from __future__ import annotations

import hashlib
import secrets
import time
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from checker.jobs.queue import UPLOAD_PREFIX
from gunicorn_server import gunicorn_server
from http_client import get, post_files
from redis_server import redis_available, redis_server, rq_workers



@pytest.fixture(autouse=True, scope="module")
def _redis_installed() -> None:
    # a missing prerequisite fails, naming the install step: it never skips
    if not redis_available():
        pytest.fail("redis-server not installed: `make test` installs it (scripts/install-system.sh test)",
                    pytrace=False)


def letter(token: str) -> bytes:
    """A plain-text file whose every line carries the token (so any stored copy would show it)."""
    lines = [f"Domanda di accesso agli atti, riga {n}: {token}" for n in range(40)]
    return ("\n".join(lines) + "\n").encode()


def stored_values(client: redis.Redis) -> Iterator[tuple[bytes, bytes]]:
    """Every value in Redis (strings, hashes, lists, sets, sorted sets, streams), inflated
    too where it is zlib data (RQ compresses job data)."""
    for key in client.scan_iter(count=1000):
        kind = client.type(key)
        values: list[bytes] = []
        if kind == b"string":
            values = [client.get(key) or b""]
        elif kind == b"hash":
            values = list(client.hgetall(key).values())
        elif kind == b"list":
            values = client.lrange(key, 0, -1)
        elif kind == b"set":
            values = list(client.smembers(key))
        elif kind == b"zset":
            values = client.zrange(key, 0, -1)
        elif kind == b"stream":
            values = [v for _, fields in client.xrange(key) for v in fields.values()]
        for value in values:
            yield key, value
            inflated = _inflate(value)
            if inflated is not None:
                yield key, inflated


def _inflate(value: bytes) -> bytes | None:
    try:
        return zlib.decompress(value)
    except zlib.error:
        return None


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


def test_a_queued_job_shows_its_position_its_files_have_a_ttl_and_leave_redis(redis_url):
    client = redis.Redis.from_url(redis_url)
    with gunicorn_server({"REDIS_URL": redis_url, "SECRET_KEY": "prova"}) as base:
        token = secrets.token_hex(16)
        first = post_files(base, "/api/v1/check", [("a.txt", letter(token))], query="wait=false")
        second = post_files(base, "/api/v1/check", [("b.txt", letter(token))], query="wait=false")
        assert first.status == second.status == 202
        jobs = [first.json(), second.json()]
        assert [j["state"] for j in jobs] == ["queued", "queued"] and jobs[0]["mode"] == "queue"
        assert [get(base, j["url"]).json()["position"] for j in jobs] == [1, 2]
        for job in jobs:    # no worker yet: the files wait in Redis, with a TTL
            ttl = client.ttl(UPLOAD_PREFIX + job["id"])
            assert 0 < ttl <= 900
        with rq_workers(redis_url, 1):
            done = [poll(base, j["url"]) for j in jobs]
        assert [d["state"] for d in done] == ["done", "done"]
        assert [d["result"]["documents"][0]["name"] for d in done] == ["a.txt", "b.txt"]
        assert "a.txt" in get(base, jobs[0]["report_url"]).body.decode()
        assert not list(client.scan_iter(UPLOAD_PREFIX + "*"))
        assert not [key for key, value in stored_values(client) if token.encode() in value]


def poll(base: str, url: str, seconds: float = 300) -> dict:
    end = time.monotonic() + seconds
    while True:
        status = get(base, url).json()
        if status["state"] in ("done", "failed") or time.monotonic() > end:
            return status
        time.sleep(0.2)


def test_two_workers_100_submissions_all_reports_right_nothing_left_in_redis(redis_url):
    client = redis.Redis.from_url(redis_url)
    sent = [(f"istanza-{n:03d}.txt", letter(secrets.token_hex(16))) for n in range(100)]
    with rq_workers(redis_url, 2), gunicorn_server({"REDIS_URL": redis_url, "SECRET_KEY": "prova",
                                                    "PEC_PRECHECK_WEB_WORKERS": "2",
                                                    "PEC_PRECHECK_QUEUE": "200"}) as base:
        def submit(item: tuple[str, bytes]):
            name, data = item
            return post_files(base, "/api/v1/check", [(name, data)], {"subject": f"Istanza {name}"})
        with ThreadPoolExecutor(max_workers=10) as pool:
            answers = list(pool.map(submit, sent))
    assert [a.status for a in answers] == [200] * 100
    for (name, data), answer in zip(sent, answers, strict=True):
        report = answer.json()
        assert report["schema"] == "pec-precheck/report/1"
        assert report["message"]["subject"] == f"Istanza {name}"
        doc = report["documents"][0]
        assert (doc["name"], doc["sha256"], doc["size"]) == (name, hashlib.sha256(data).hexdigest(), len(data))
        assert doc["format"]["id"] == "txt"
    assert not list(client.scan_iter(UPLOAD_PREFIX + "*"))
    tokens = [data.split(b": ")[1].split(b"\n")[0] for _, data in sent]
    leftovers = {key for key, value in stored_values(client) for t in tokens if t in value}
    assert not leftovers


def test_a_job_whose_files_expired_is_failed_not_an_error_page(redis_url):
    client = redis.Redis.from_url(redis_url)
    with gunicorn_server({"REDIS_URL": redis_url, "SECRET_KEY": "prova"}) as base:
        job = post_files(base, "/api/v1/check", [("a.txt", letter("x"))], query="wait=false").json()
        client.delete(UPLOAD_PREFIX + job["id"])     # as if its TTL had run out before a worker came
        with rq_workers(redis_url, 1):
            done = poll(base, job["url"])
        assert done["state"] == "failed" and "no longer in Redis" in done["error"]
        page = get(base, job["report_url"])
        assert page.status == 200 and "Verifica non riuscita" in page.body.decode()
