"""ZIP inspection before anything is decompressed: bombs and hostile archives.

`inspect(data)` reads only the end-of-central-directory record, the central
directory (through the standard library's zipfile, which decompresses nothing
on open) and the 30-byte local headers, and reports what makes an archive
unsafe or suspicious to open:

- too many entries, declared total size too large, per-entry and total
  compression ratio (zip bombs, including "42.zip"-style nesting);
- names with path traversal or absolute paths;
- overlapping entries (local header offsets pointing into other entries' data:
  the "better zip bomb" construction) and local headers that disagree with the
  central directory (parser-confusion attacks);
- duplicated names, encrypted entries, unsupported compression methods;
- data before the first entry or after the end record (polyglots).

Nested archives are inspected recursively only once the outer archive is
known to be safe, reading each nested member with a bounded read.

Used by identification (checker/identify/) and by the office/ODF checks:
open an archive only when `report.safe_to_read`, and read members with
`read_member`, which never returns more than it is asked for.
"""
from __future__ import annotations

import enum
import io
import itertools
import lzma
import posixpath
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

EOCD_SIG = b"PK\x05\x06"
EOCD64_LOCATOR_SIG = b"PK\x06\x07"
EOCD64_SIG = b"PK\x06\x06"
LOCAL_SIG = b"PK\x03\x04"
_EOCD_SIZE = 22
_LOCAL_SIZE = 30
_MAX_COMMENT = 0xFFFF
# What reading one member of a damaged or hostile zip can raise: zipfile's own errors, a
# decompressor's (zlib, bz2 as OSError, lzma), an encrypted member (RuntimeError), a broken
# header (struct.error, ValueError, UnicodeDecodeError in the name), a truncated file.
MEMBER_ERRORS = (KeyError, zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OverflowError,
                 struct.error, NotImplementedError, EOFError, RuntimeError, OSError,
                 UnicodeDecodeError, IndexError, zlib.error, lzma.LZMAError)
_SUPPORTED_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}


@dataclass(frozen=True)
class ZipLimits:
    """What an office document or archive may reasonably declare. A PEC message is at most
    a few tens of MB, so anything far above these numbers is built to exhaust the reader."""
    max_entries: int = 10_000
    max_total_size: int = 1 << 30          # 1 GiB declared uncompressed, all entries
    max_entry_size: int = 512 << 20        # 512 MiB declared uncompressed, one entry
    max_entry_ratio: float = 200.0         # deflate rarely exceeds ~100:1 on real documents
    max_total_ratio: float = 100.0
    ratio_min_size: int = 1 << 20          # ratios matter only above 1 MiB uncompressed
    max_depth: int = 3                     # archives inside archives
    max_nested_bytes: int = 64 << 20       # a nested archive is read into memory up to this
    max_nested_archives: int = 64          # nested archives opened in all, at every level


class ZipProblemKind(str, enum.Enum):
    CORRUPT = "corrupt"                    # not a readable zip (no end record, bad directory)
    TOO_MANY_ENTRIES = "too_many_entries"
    TOO_LARGE = "too_large"                # declared total uncompressed size
    ENTRY_TOO_LARGE = "entry_too_large"
    ENTRY_RATIO = "entry_ratio"
    TOTAL_RATIO = "total_ratio"
    PATH_TRAVERSAL = "path_traversal"      # "../", absolute path, drive letter
    OVERLAP = "overlap"                    # entries sharing bytes
    HEADER_MISMATCH = "header_mismatch"    # local header disagrees with the central directory
    DUPLICATE_NAME = "duplicate_name"
    ENCRYPTED = "encrypted"
    UNSUPPORTED_METHOD = "unsupported_method"
    NESTED_TOO_DEEP = "nested_too_deep"
    PREPENDED_DATA = "prepended_data"      # bytes before the first entry (polyglot, SFX)
    APPENDED_DATA = "appended_data"        # bytes after the end record (polyglot)

    @property
    def blocking(self) -> bool:
        """Problems that make decompressing or parsing the members unsafe or meaningless."""
        return self in _BLOCKING


_BLOCKING = {ZipProblemKind.CORRUPT, ZipProblemKind.TOO_MANY_ENTRIES, ZipProblemKind.TOO_LARGE,
             ZipProblemKind.ENTRY_TOO_LARGE, ZipProblemKind.ENTRY_RATIO,
             ZipProblemKind.TOTAL_RATIO, ZipProblemKind.OVERLAP, ZipProblemKind.HEADER_MISMATCH,
             ZipProblemKind.NESTED_TOO_DEEP}
BOMB_KINDS = frozenset({ZipProblemKind.TOO_MANY_ENTRIES, ZipProblemKind.TOO_LARGE,
                        ZipProblemKind.ENTRY_TOO_LARGE, ZipProblemKind.ENTRY_RATIO,
                        ZipProblemKind.TOTAL_RATIO})


@dataclass(frozen=True)
class ZipProblem:
    kind: ZipProblemKind
    detail: str = ""
    entry: str = ""   # member name, "outer.zip/inner.txt" for nested archives


@dataclass(frozen=True)
class ZipEntry:
    name: str
    header_offset: int
    compressed_size: int
    size: int               # declared uncompressed size
    method: int
    encrypted: bool
    is_dir: bool
    data_offset: int = -1   # where the member's bytes start (after its local header); -1 unknown


@dataclass
class ZipReport:
    problems: list[ZipProblem] = field(default_factory=list)
    entries: list[ZipEntry] = field(default_factory=list)
    declared_entries: int = 0
    total_size: int = 0              # sum of declared uncompressed sizes
    total_compressed: int = 0
    prepended_bytes: int = 0
    appended_bytes: int = 0
    depth: int = 0                   # deepest nesting level seen (0 = no nested archive)

    @property
    def ok(self) -> bool:
        """No problem at all."""
        return not self.problems

    @property
    def safe_to_read(self) -> bool:
        """Members may be read (bounded) even if some non-blocking problem was noted."""
        return not any(p.kind.blocking for p in self.problems)

    def kinds(self) -> set[ZipProblemKind]:
        return {p.kind for p in self.problems}

    def names(self) -> list[str]:
        return [e.name for e in self.entries]

    def entry(self, name: str) -> ZipEntry | None:
        return next((e for e in self.entries if e.name == name), None)

    def _add(self, kind: ZipProblemKind, detail: str = "", entry: str = "") -> None:
        self.problems.append(ZipProblem(kind, detail, entry))


def looks_like_zip(data: bytes) -> bool:
    return data[:4] in (LOCAL_SIG, EOCD_SIG, b"PK\x07\x08")


def find_end_record(data: bytes) -> int:
    """Offset of the last plausible end-of-central-directory record, or -1."""
    start = max(0, len(data) - (_EOCD_SIZE + _MAX_COMMENT))
    pos = data.rfind(EOCD_SIG, start)
    while pos >= 0:
        if pos + _EOCD_SIZE <= len(data):
            return pos
        pos = data.rfind(EOCD_SIG, start, pos)
    return -1


@dataclass
class _Walk:
    nested: int = 0   # nested archives opened so far, across levels


def inspect(data: bytes, limits: ZipLimits = ZipLimits()) -> ZipReport:
    """Inspect a zip held in memory without decompressing it. Never raises."""
    try:
        return _inspect(data, limits, 0, "", _Walk())
    except Exception as exc:  # noqa: BLE001 - a hostile archive is a finding, never a crash
        report = ZipReport()
        report._add(ZipProblemKind.CORRUPT, f"{type(exc).__name__}: {exc}"[:300])
        return report


def _inspect(data: bytes, limits: ZipLimits, depth: int, prefix: str, state: _Walk) -> ZipReport:
    report = ZipReport(depth=depth)
    eocd = find_end_record(data)
    if eocd < 0:
        report._add(ZipProblemKind.CORRUPT, "end of central directory not found", prefix)
        return report
    (_sig, _disk, _cd_disk, _n_disk, n_total, _cd_size, cd_offset,
     comment_len) = struct.unpack("<4sHHHHIIH", data[eocd:eocd + _EOCD_SIZE])
    end = eocd + _EOCD_SIZE + comment_len
    if end > len(data):
        report._add(ZipProblemKind.CORRUPT, "archive comment runs past the end of the file", prefix)
        return report
    report.appended_bytes = len(data) - end
    if n_total == 0xFFFF or cd_offset == 0xFFFFFFFF:
        n_total = _zip64_entry_count(data, eocd)
        if n_total < 0:
            report._add(ZipProblemKind.CORRUPT, "zip64 end record unreadable", prefix)
            return report
    report.declared_entries = n_total
    # Checked before zipfile builds one object per entry.
    if n_total > limits.max_entries:
        report._add(ZipProblemKind.TOO_MANY_ENTRIES,
                    f"{n_total} entries declared (limit {limits.max_entries})", prefix)
        return report
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OverflowError, struct.error,
            NotImplementedError, EOFError, UnicodeDecodeError, IndexError) as exc:
        report._add(ZipProblemKind.CORRUPT, f"{type(exc).__name__}: {exc}"[:300], prefix)
        return report
    if len(infos) > limits.max_entries:
        report._add(ZipProblemKind.TOO_MANY_ENTRIES,
                    f"{len(infos)} entries (limit {limits.max_entries})", prefix)
        return report

    seen: set[str] = set()
    for info in infos:
        name = info.filename
        where = prefix + name
        encrypted = bool(info.flag_bits & 0x1) or info.compress_type == 99  # 99 = WinZip AES
        report.entries.append(ZipEntry(name=name, header_offset=info.header_offset,
                                       compressed_size=info.compress_size, size=info.file_size,
                                       method=info.compress_type, encrypted=encrypted,
                                       is_dir=info.is_dir()))
        report.total_size += info.file_size
        report.total_compressed += info.compress_size
        if name in seen:
            report._add(ZipProblemKind.DUPLICATE_NAME, name, where)
        seen.add(name)
        if _unsafe_path(name):
            report._add(ZipProblemKind.PATH_TRAVERSAL, name, where)
        if encrypted:
            report._add(ZipProblemKind.ENCRYPTED, name, where)
        elif info.compress_type not in _SUPPORTED_METHODS:
            report._add(ZipProblemKind.UNSUPPORTED_METHOD, f"method {info.compress_type}", where)
        _judge_size(report, where, info.file_size, info.compress_size, limits.ratio_min_size,
                    (ZipProblemKind.ENTRY_TOO_LARGE, limits.max_entry_size),
                    (ZipProblemKind.ENTRY_RATIO, limits.max_entry_ratio))
    _judge_size(report, prefix, report.total_size, report.total_compressed, limits.ratio_min_size,
                (ZipProblemKind.TOO_LARGE, limits.max_total_size),
                (ZipProblemKind.TOTAL_RATIO, limits.max_total_ratio))

    _check_layout(data, report, infos, zf.start_dir, prefix)
    if report.appended_bytes:
        report._add(ZipProblemKind.APPENDED_DATA,
                    f"{report.appended_bytes} bytes after the end record", prefix)
    if report.safe_to_read:
        _inspect_nested(zf, report, limits, depth, prefix, state)
    return report


def read_member(data: bytes, name: str, max_bytes: int) -> bytes | None:
    """At most max_bytes of one member, decompressed with a bounded read; None if it cannot
    be read (missing, encrypted, corrupt, or larger than max_bytes). Call only when
    inspect(data).safe_to_read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            info = zf.getinfo(name)
            if info.flag_bits & 0x1 or info.file_size > max_bytes:
                return None
            with zf.open(info) as fh:
                out = fh.read(max_bytes + 1)
    except MEMBER_ERRORS:  # a bad member is "unreadable"
        return None
    return out if len(out) <= max_bytes else None


def _zip64_entry_count(data: bytes, eocd: int) -> int:
    loc = eocd - 20
    if loc < 0 or data[loc:loc + 4] != EOCD64_LOCATOR_SIG:
        return -1
    (_sig, _disk, rec_offset, _disks) = struct.unpack("<4sIQI", data[loc:loc + 20])
    # The record sits right before the locator; its stated offset may be shifted by prepended data.
    for pos in (loc - 56, rec_offset):
        if pos >= 0 and data[pos:pos + 4] == EOCD64_SIG and pos + 56 <= len(data):
            return struct.unpack("<Q", data[pos + 32:pos + 40])[0]
    return -1


def _unsafe_path(name: str) -> bool:
    normal = name.replace("\\", "/")
    if normal.startswith("/") or (len(normal) > 1 and normal[1] == ":"):
        return True
    return ".." in posixpath.normpath(normal).split("/") or ".." in normal.split("/")


def _judge_size(report: ZipReport, where: str, size: int, compressed: int, ratio_min_size: int,
                too_large: tuple[ZipProblemKind, int], too_compressed: tuple[ZipProblemKind, float]) -> None:
    """Declared size over its limit, else (for sizes worth it) a compression ratio over its limit:
    the same judgement for one entry and for the whole archive."""
    kind, limit = too_large
    if size > limit:
        report._add(kind, f"{size} bytes declared (limit {limit})", where)
    elif size > ratio_min_size:
        ratio_kind, max_ratio = too_compressed
        ratio = size / max(compressed, 1)
        if ratio > max_ratio:
            report._add(ratio_kind, f"{ratio:.0f}:1 (limit {max_ratio:.0f}:1)", where)


def _check_layout(data: bytes, report: ZipReport, infos, start_dir: int, prefix: str) -> None:
    """Local headers: present, consistent with the directory, not sharing bytes."""
    spans = []  # (start, end, name)
    for i, info in enumerate(infos):
        off = info.header_offset
        head = data[off:off + _LOCAL_SIZE]
        if off < 0 or len(head) < _LOCAL_SIZE or head[:4] != LOCAL_SIG:
            report._add(ZipProblemKind.HEADER_MISMATCH, f"no local header at offset {off}",
                        prefix + info.filename)
            continue
        name_len, extra_len = struct.unpack("<HH", head[26:30])
        raw_name = data[off + _LOCAL_SIZE:off + _LOCAL_SIZE + name_len]
        encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
        if raw_name.decode(encoding, "replace") != info.orig_filename:
            report._add(ZipProblemKind.HEADER_MISMATCH,
                        f"local name {raw_name[:80]!r} differs from directory name",
                        prefix + info.filename)
        data_start = off + _LOCAL_SIZE + name_len + extra_len
        data_end = data_start + info.compress_size
        report.entries[i] = _with_data_offset(report.entries[i], data_start)
        if data_end > start_dir:
            report._add(ZipProblemKind.OVERLAP if data_end <= len(data) else ZipProblemKind.CORRUPT,
                        "member data runs into the central directory or past the end",
                        prefix + info.filename)
        spans.append((off, data_end, info.filename))
    spans.sort()
    for (_s1, e1, n1), (s2, _e2, n2) in itertools.pairwise(spans):
        if s2 < e1:
            report._add(ZipProblemKind.OVERLAP, f"{n2!r} starts inside {n1!r}", prefix + n2)
    if spans and spans[0][0] > 0:
        report.prepended_bytes = spans[0][0]
        report._add(ZipProblemKind.PREPENDED_DATA, f"{spans[0][0]} bytes before the first entry",
                    prefix)


def _with_data_offset(entry: ZipEntry, offset: int) -> ZipEntry:
    return ZipEntry(entry.name, entry.header_offset, entry.compressed_size, entry.size,
                    entry.method, entry.encrypted, entry.is_dir, offset)


def _inspect_nested(zf: zipfile.ZipFile, report: ZipReport, limits: ZipLimits, depth: int,
                    prefix: str, state: _Walk) -> None:
    for info in zf.infolist():
        if info.is_dir() or info.flag_bits & 0x1 or info.file_size < _EOCD_SIZE:
            continue
        try:
            with zf.open(info) as fh:
                head = fh.read(4)
        except MEMBER_ERRORS:  # unreadable member: the reader reports it
            continue
        if head != LOCAL_SIG:
            continue
        state.nested += 1
        if state.nested > limits.max_nested_archives:
            report._add(ZipProblemKind.TOO_MANY_ENTRIES,
                        f"more than {limits.max_nested_archives} nested archives", prefix)
            return
        where = prefix + info.filename + "/"
        if depth + 1 > limits.max_depth:
            report._add(ZipProblemKind.NESTED_TOO_DEEP,
                        f"archive nested {depth + 1} levels deep (limit {limits.max_depth})",
                        prefix + info.filename)
            return
        if info.file_size > limits.max_nested_bytes:
            report._add(ZipProblemKind.ENTRY_TOO_LARGE,
                        f"nested archive of {info.file_size} bytes", prefix + info.filename)
            continue
        try:
            with zf.open(info) as fh:
                inner_data = fh.read(limits.max_nested_bytes + 1)
        except MEMBER_ERRORS as exc:
            report._add(ZipProblemKind.CORRUPT, f"nested archive unreadable: {exc}"[:300],
                        prefix + info.filename)
            continue
        inner = _inspect(inner_data, limits, depth + 1, where, state)
        report.depth = max(report.depth, inner.depth)
        report.problems.extend(inner.problems)
        if not inner.safe_to_read:
            return
