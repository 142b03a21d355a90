"""The trusted list is parsed once, not once per worker (checker/signatures/trustcache.py):
the first process that needs a list parses it and leaves it pre-parsed in the cache folder,
every later worker loads that; a changed list is parsed again; a cache file others may
write is not read."""
from __future__ import annotations

import os
import shutil

import pytest

import pki as P
from checker import isolation
from checker.checks import settings_from_env
from checker.signatures import trust, trustcache
from trust_probe import parses_in_worker


@pytest.fixture(scope="module")
def k(tmp_path_factory):
    return P.shared(tmp_path_factory)


def in_worker(settings: dict) -> dict:
    [job] = isolation.run_jobs([isolation.Job(label="signature", fn=parses_in_worker,
                                              args=(settings,), timeout=60)])
    assert job.result is not None and "parses" in job.result.facts, job.result
    return job.result.facts


def forget_in_this_process() -> None:
    trustcache._stores.clear()
    trustcache._digests.clear()


def test_the_default_list_is_parsed_by_the_first_worker_at_most():
    # the forkserver loads the default list at its start (checks/_trust_warm.py, tested in a
    # fresh process by test_trust_warm.py) and its workers inherit it: none parses. This
    # process's forkserver may have started under another test's PEC_PRECHECK_TRUST, though:
    # then the first worker parses the list, and leaves it to the others
    folder = trustcache.cache_dir()
    assert folder is not None
    for entry in folder.glob("*.pickle"):             # as on a fresh installation
        entry.unlink()
    workers = [in_worker(settings_from_env()) for _ in range(3)]   # the shipped snapshot
    parses = [w["parses"] for w in workers]
    assert parses[0] <= 1 and parses[1:] == [0, 0]
    assert len({w["services"] for w in workers}) == 1 and workers[0]["services"] > 100
    assert workers[0]["anchors"] > 100 and workers[0]["errors"] == []


def test_a_list_named_by_the_settings_is_parsed_once_for_every_worker(k, tmp_path):
    source = tmp_path / "tsl.xml"
    shutil.copy(k.tsl, source)                       # a list no process has seen yet
    settings = {"trust": [str(source)]}
    before = trust.stats["tsl_parses"]
    parent = trustcache.load([str(source)])           # the caller's own use parses it
    assert trust.stats["tsl_parses"] == before + 1
    for _ in range(3):
        facts = in_worker(settings)
        assert facts["parses"] == 0
        assert facts["services"] == len(parent.services) > 0
        assert facts["anchors"] == len(parent.list_certificates())


def test_a_changed_list_is_parsed_again_and_an_unchanged_one_is_not(k, tmp_path):
    source = tmp_path / "tsl.xml"
    shutil.copy(k.tsl, source)
    trustcache.load([str(source)])
    forget_in_this_process()
    before = trust.stats["tsl_parses"]
    trustcache.load([str(source)])                   # from the cache folder
    assert trust.stats["tsl_parses"] == before
    source.write_bytes(source.read_bytes() + b"\n<!-- ripubblicato -->\n")
    changed = trustcache.load([str(source)])
    assert trust.stats["tsl_parses"] == before + 1
    assert changed.registry is not None


def test_a_cache_file_others_may_write_is_not_read(k, tmp_path):
    source = tmp_path / "tsl.xml"
    shutil.copy(k.tsl, source)
    trustcache.load([str(source)])
    folder = trustcache.cache_dir()
    assert folder is not None
    for entry in folder.glob("*.pickle"):
        os.chmod(entry, 0o666)
    try:
        forget_in_this_process()
        before = trust.stats["tsl_parses"]
        trustcache.load([str(source)])
        assert trust.stats["tsl_parses"] == before + 1
    finally:
        for entry in folder.glob("*.pickle"):
            os.chmod(entry, 0o600)


def test_the_trust_manager_is_built_once_per_store(k):
    store = trustcache.load([k.tsl])
    assert store.trust_manager() is store.trust_manager()
