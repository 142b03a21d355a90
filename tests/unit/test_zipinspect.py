"""checker/zipinspect.py: hostile zips are reported from the central directory, before any
member is decompressed; its API (inspect → ZipReport with ok/problems/entries, read_member)
is what identification and the office/ODF checks rely on."""
from __future__ import annotations

import importlib.util
import io
import struct
import zipfile
from pathlib import Path

import pytest

from checker.zipinspect import (ZipEntry, ZipLimits, ZipProblem, ZipProblemKind, inspect,
                                read_member)

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("gen_formats", ROOT / "samples" / "gen_formats.py")
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)

K = ZipProblemKind


def make_zip(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_clean_zip_is_ok_with_typed_entries():
    data = make_zip({"mimetype": b"application/vnd.oasis.opendocument.text",
                     "content.xml": b"<office:document-content/>" * 20})
    report = inspect(data)
    assert report.ok and report.safe_to_read and report.problems == []
    assert [e.name for e in report.entries] == ["mimetype", "content.xml"]
    entry = report.entry("content.xml")
    assert isinstance(entry, ZipEntry) and entry.size == len(b"<office:document-content/>") * 20 and not entry.encrypted
    assert entry.data_offset > entry.header_offset
    assert report.total_size == sum(e.size for e in report.entries)


def test_ten_gigabyte_bomb_is_caught_without_decompressing():
    data = gen.declared_bomb(10 << 30)
    assert len(data) < 12 << 20
    report = inspect(data)   # inflating 10 GiB would take minutes: bench/hostile_bench.py times it
    assert {K.ENTRY_TOO_LARGE, K.TOO_LARGE} <= report.kinds()
    assert not report.safe_to_read and not report.ok
    assert all(isinstance(p, ZipProblem) for p in report.problems)


def test_ratio_bomb_below_size_limits():
    report = inspect(gen.declared_bomb(300 << 20))
    assert K.ENTRY_RATIO in report.kinds() and K.ENTRY_TOO_LARGE not in report.kinds()


def test_total_ratio_over_many_small_entries():
    members = {f"part{n}.xml": b"\x00" * (600 << 10) for n in range(4)}
    report = inspect(make_zip(members))
    assert K.TOTAL_RATIO in report.kinds()


def test_too_many_entries_read_from_the_end_record():
    data = make_zip({f"f{n}": b"" for n in range(60)}, zipfile.ZIP_STORED)
    report = inspect(data, ZipLimits(max_entries=50))
    assert report.kinds() == {K.TOO_MANY_ENTRIES}
    assert report.entries == []  # refused before the directory is parsed
    assert report.declared_entries == 60


def test_limits_are_parameters():
    data = make_zip({"a.xml": b"a" * (3 << 20)})
    assert K.ENTRY_RATIO in inspect(data).kinds()   # ~1000:1
    assert inspect(data, ZipLimits(max_entry_ratio=5000, max_total_ratio=5000)).ok


def test_path_traversal_and_absolute_paths():
    report = inspect(make_zip({"../../evil.sh": b"x", "/etc/passwd": b"y", "C:/win.ini": b"z",
                               "ok/../../up.txt": b"w", "fine/name.txt": b"v"}))
    flagged = {p.entry for p in report.problems if p.kind is K.PATH_TRAVERSAL}
    assert flagged == {"../../evil.sh", "/etc/passwd", "C:/win.ini", "ok/../../up.txt"}
    assert report.safe_to_read  # reading in memory is safe; extracting would not be


def test_overlapping_entries_from_crafted_offsets():
    report = inspect(gen.overlapping_zip())
    assert K.OVERLAP in report.kinds()
    assert not report.safe_to_read


def test_local_header_name_disagreeing_with_directory():
    data = bytearray(make_zip({"a.xml": b"<a/>"}, zipfile.ZIP_STORED))
    data[30:35] = b"b.xml"  # the local header's name
    assert K.HEADER_MISMATCH in inspect(bytes(data)).kinds()


def test_duplicate_names():
    assert [(p.kind, p.entry) for p in inspect(gen._duplicate_zip()).problems] == [
        (K.DUPLICATE_NAME, "word/document.xml")]


def test_encrypted_entries():
    report = inspect(gen.encrypted_zip())
    assert K.ENCRYPTED in report.kinds() and report.entries[0].encrypted
    assert read_member(gen.encrypted_zip(), "segreto.txt", 1000) is None


def test_nested_archives_depth():
    assert inspect(gen.nested_zip(2)).ok
    report = inspect(gen.nested_zip(5))
    assert K.NESTED_TOO_DEEP in report.kinds()
    deep = next(p for p in report.problems if p.kind is K.NESTED_TOO_DEEP)
    # names the path through the archives: the fourth level is the first past the limit of 3
    assert deep.entry == "livello1.zip/livello2.zip/livello3.zip/livello4.zip"


def test_nested_bomb_is_found_inside():
    data = make_zip({"inner.zip": gen.declared_bomb(10 << 30)}, zipfile.ZIP_STORED)
    report = inspect(data)
    assert [(p.kind, p.entry) for p in report.problems] == [
        (K.ENTRY_TOO_LARGE, "inner.zip/zeros.bin"), (K.TOO_LARGE, "inner.zip/")]


def test_prepended_and_appended_data():
    data = make_zip({"a.txt": b"hello"})
    assert inspect(b"MZ" + b"\x00" * 200 + data).prepended_bytes == 202
    assert K.PREPENDED_DATA in inspect(b"MZ" + b"\x00" * 200 + data).kinds()
    report = inspect(data + b"%PDF-1.7 trailing")
    assert K.APPENDED_DATA in report.kinds() and report.appended_bytes == 17
    assert report.safe_to_read


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04", b"not a zip", b"PK\x05\x06" + b"\xff" * 18,
                                  b"PK\x05\x06" + b"\x00" * 10 + b"\xff" * 8])
def test_garbage_is_corrupt_not_a_crash(data):
    assert K.CORRUPT in inspect(data).kinds()


def test_empty_zip_is_ok():
    report = inspect(b"PK\x05\x06" + b"\x00" * 18)
    assert report.ok and report.entries == []


def test_truncated_zip_is_corrupt():
    data = make_zip({"a.txt": b"hello" * 100})
    for cut in (10, len(data) // 2, len(data) - 5):
        assert K.CORRUPT in inspect(data[:cut]).kinds(), cut


def test_every_byte_flip_never_raises():
    data = make_zip({"a.txt": b"hello" * 50, "b/c.xml": b"<x/>" * 30})
    for i in range(len(data)):
        mutated = bytearray(data)
        mutated[i] ^= 0xA5
        inspect(bytes(mutated))


def test_zip64_directory():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf, zf.open("big.bin", "w", force_zip64=True) as fh:
        fh.write(b"abc")
    report = inspect(buf.getvalue())
    assert report.ok and report.entries[0].size == 3


def test_read_member_is_bounded():
    data = make_zip({"a.xml": b"a" * 10_000})
    assert read_member(data, "a.xml", 10_000) == b"a" * 10_000
    assert read_member(data, "a.xml", 9_999) is None
    assert read_member(data, "missing", 100) is None


def test_read_member_stops_at_declared_size_when_the_directory_lies():
    data = bytearray(make_zip({"a.xml": b"a" * 100_000}))
    cd = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, cd + 24, 50)  # directory now declares 50 bytes
    # The size guard is fooled (50 <= 1000); the read stops at the declared 50 bytes, whose
    # CRC is not the recorded one, so the member is unreadable rather than 100 kB.
    assert read_member(bytes(data), "a.xml", 1000) is None
    assert read_member(bytes(data), "a.xml", 200_000) is None
