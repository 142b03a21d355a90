"""Corrected files are downloadable from every server process (checker/jobs/fixstore.py):
the real gunicorn with three workers fixes a file, then the file and the ZIP are fetched many
times on new connections (any worker answers), and again after a graceful restart (HUP)
replaced every worker that could have held them in its own memory. The store itself: in RAM
(/dev/shm, 0700 directories, 0600 files), expired and capped; with REDIS_URL, one hash per
job in a real Redis with a TTL."""
from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import stat
import tempfile
import time
import urllib.request
from pathlib import Path

import lxml.html
import pytest

import fix_samples as S
from checker.jobs import fixstore
from gunicorn_server import all_workers, gunicorn_server, worker_pids
from http_client import multipart
from redis_server import redis_available, redis_server

DOWNLOADS = 40
RESTART_WAIT_SECONDS = 120   # how long the workers may take to be replaced (not a speed goal)


def _fixed_set(n: int = 2) -> fixstore.FixedSet:
    return fixstore.FixedSet({f"file-{k}.pdf": os.urandom(1000 + k) for k in range(n)} | {"è ä.txt": b"x"},
                             b"PK-zip")


@pytest.fixture()
def ram_dir():
    if not os.access("/dev/shm", os.W_OK):
        pytest.fail("/dev/shm is not writable: the store needs a RAM-backed runtime directory",
                    pytrace=False)
    with tempfile.TemporaryDirectory(prefix="pec-fixstore-", dir="/dev/shm") as tmp:
        yield Path(tmp)


def test_the_runtime_directory_in_dev_shm_is_ram_and_gets_the_shared_store(ram_dir):
    assert fixstore.on_ram(ram_dir)
    assert isinstance(fixstore.store_for(ram_dir), fixstore.ShmFixStore)
    assert fixstore.on_ram(Path("/proc")) is False


def test_the_shm_store_keeps_names_bytes_and_modes_and_refuses_bad_tokens(ram_dir):
    store = fixstore.ShmFixStore(ram_dir / "fixed")
    fixed = _fixed_set()
    token = store.put(fixed, ttl=900)
    other = fixstore.ShmFixStore(ram_dir / "fixed")   # another process's view of the same directory
    for name, data in fixed.files.items():
        assert other.file(token, name) == data
    assert other.zip(token) == b"PK-zip"
    assert other.file(token, "missing.pdf") is None
    for bad in ("../fixed", "", "a/b", "x" * 65, token + "/.."):
        assert other.zip(bad) is None and other.file(bad, "file-0.pdf") is None
    job = ram_dir / "fixed" / token
    assert stat.S_IMODE(job.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in job.iterdir()} == {0o600}


def test_the_shm_store_expires_and_removes_jobs_and_caps_their_number(ram_dir):
    store = fixstore.ShmFixStore(ram_dir / "fixed")
    gone = store.put(_fixed_set(), ttl=-1)
    assert store.zip(gone) is None and not (ram_dir / "fixed" / gone).exists()
    tokens = [store.put(_fixed_set(1), ttl=900) for _ in range(fixstore.MAX_JOBS + 5)]
    kept = [t for t in tokens if store.zip(t) is not None]
    assert kept == tokens[-fixstore.MAX_JOBS:]
    assert len(list((ram_dir / "fixed").iterdir())) == fixstore.MAX_JOBS


def test_the_memory_store_when_there_is_no_ram_directory():
    store = fixstore.MemoryFixStore()
    token = store.put(_fixed_set(), ttl=900)
    assert store.file(token, "file-1.pdf") is not None and store.zip(token) == b"PK-zip"
    assert store.zip(store.put(_fixed_set(), ttl=-1)) is None


def test_the_redis_store_keeps_one_hash_per_job_with_a_ttl():
    if not redis_available():
        pytest.fail("redis-server missing: scripts/install-system.sh test", pytrace=False)
    import redis
    with redis_server() as url:
        store = fixstore.store_for(Path("/nonexistent"), url)
        assert isinstance(store, fixstore.RedisFixStore)
        fixed = _fixed_set()
        token = store.put(fixed, ttl=900)
        client = redis.Redis.from_url(url)
        assert 0 < client.ttl(fixstore.REDIS_PREFIX + token) <= 900
        again = fixstore.RedisFixStore(url)            # another web server
        assert {n: again.file(token, n) for n in fixed.files} == fixed.files
        assert again.zip(token) == b"PK-zip" and again.file(token, "nope") is None
        assert store.zip(store.put(fixed, ttl=-1)) is None
        assert client.keys(fixstore.REDIS_PREFIX + "*") == [(fixstore.REDIS_PREFIX + token).encode()]


# --- under the real gunicorn ------------------------------------------------------------------

def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def _fetch(base: str, path: str) -> tuple[int, bytes]:
    try:   # a new connection each time: gunicorn hands it to any worker
        with urllib.request.urlopen(base + path, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_downloads_reach_any_worker_and_survive_a_restart_of_every_worker(ram_dir):
    master: list = []
    env = {"PEC_PRECHECK_WEB_WORKERS": "3", "PEC_PRECHECK_RUNTIME_DIR": str(ram_dir / "run")}
    with gunicorn_server(env, started=master) as base:
        opener = _opener()
        form = opener.open(base + "/fix", timeout=60).read().decode()
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)[1]
        body, ctype = multipart({"csrf_token": csrf, "profile": "generic"},
                                [("links.pdf", S.reportlab_pdf(links=True))])
        request = urllib.request.Request(base + "/fix", data=body, headers={"Content-Type": ctype})
        page = lxml.html.fromstring(opener.open(request, timeout=300).read())
        row = page.find_class("fix-row")[0]   # fixed or not (a loaded machine may time a check
        # out): the set offered is stored either way, and its downloads are what is tested here
        assert row.get("data-status") in ("fixed", "unchanged", "failed", "undetermined")
        file_url = row.xpath(".//a")[0].get("href")
        zip_url = page.get_element_by_id("fix-zip").get("href")
        token = zip_url.rsplit("/", 1)[-1].removesuffix(".zip")
        stored = ram_dir / "run" / "fixed" / token
        assert stored.is_dir() and fixstore.on_ram(stored)

        first = {url: _fetch(base, url) for url in (file_url, zip_url)}
        assert all(status == 200 for status, _ in first.values())
        assert first[file_url][1].startswith(b"%PDF")
        for _ in range(DOWNLOADS):
            for url in (file_url, zip_url):
                assert _fetch(base, url) == first[url], url

        before = all_workers(master[0].pid, 3)
        assert len(before) == 3
        os.kill(master[0].pid, signal.SIGHUP)      # graceful restart: new workers, old ones leave
        deadline = time.monotonic() + RESTART_WAIT_SECONDS
        while True:
            now = worker_pids(master[0].pid)
            if len(now) == 3 and not now & before:
                break
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not replace its workers: {before} → {now}")
            time.sleep(0.2)
        for _ in range(DOWNLOADS // 4):
            for url in (file_url, zip_url):
                assert _fetch(base, url) == first[url], url
        assert _fetch(base, f"/fix/{token}x.zip")[0] == 404
