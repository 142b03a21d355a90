"""The revocation cache's stores (checker/signatures/revcache.py): expiry, private files only,
a damaged entry is a miss, an installed store wins over the settings."""
from __future__ import annotations

import os

from checker.signatures import revcache
from checker.signatures.revocation import Revinfo


def test_folder_store_round_trip_and_expiry(tmp_path):
    store = revcache.DirStore(tmp_path / "rc")
    store.put("answers:a", b"uno", 60)
    store.put("answers:b", b"due", 0)        # expired as soon as written
    assert store.get("answers:a") == b"uno"
    assert store.get("answers:b") is None
    assert store.get("answers:c") is None
    assert oct((tmp_path / "rc").stat().st_mode & 0o777) == "0o700"


def test_folder_store_ignores_entries_others_may_write(tmp_path):
    store = revcache.DirStore(tmp_path / "rc")
    store.put("failed:http://ocsp.example/", b"1", 60)
    [entry] = list((tmp_path / "rc").iterdir())
    os.chmod(entry, 0o666)
    assert store.get("failed:http://ocsp.example/") is None
    os.chmod(entry, 0o600)
    os.chmod(tmp_path / "rc", 0o777)
    assert store.get("failed:http://ocsp.example/") is None


def test_layered_store_falls_back_to_memory_when_the_shared_one_fails(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    layered = revcache.Layered(revcache.DirStore(blocker / "rc"))
    layered.put("answers:x", b"valore", 60)        # the folder cannot be made: no error
    assert layered.get("answers:x") == b"valore"


def test_revinfo_survives_the_cache_and_a_damaged_entry_is_a_miss():
    info = Revinfo(crls=[b"\x30\x00"], ocsps=[b"\x30\x01"], covered={b"\x01" * 32: "OCSP http://x/"},
                   problems=["CRL http://y/: TimeoutError"])
    assert Revinfo.loads(info.dumps()) == info
    assert Revinfo.loads(b"{not json") is None
    assert Revinfo.loads(b'{"crls": 3}') is None


def test_an_answer_that_cannot_be_dated_is_not_reused():
    assert Revinfo(ocsps=[b"garbage"]).reusable_for(__import__("datetime").datetime.now()) == 0.0


def test_an_installed_store_is_used_whatever_the_settings_say(tmp_path):
    mine = revcache.MemoryStore()
    revcache.install(mine)
    try:
        revcache.store_for({"revocation_cache": str(tmp_path / "rc")}).put("answers:z", b"v", 60)
        assert mine.get("answers:z") == b"v"
        assert not (tmp_path / "rc").exists()
    finally:
        revcache.install(None)
    assert revcache.location({"revocation_cache": "redis://127.0.0.1:1/0"}) == "redis://127.0.0.1:1/0"
