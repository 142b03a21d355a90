"""Compressed archives (zip, 7z, rar, gzip) are not accepted formats (identification says
so: FMT006; and reports zip bombs: FMT020): list what is inside from the archive's
directory, without extracting anything.

zip goes through checker.zipinspect (central directory only); 7z through py7zr's
list() (header only); rar through rarfile's infolist() (headers only, no unrar);
gzip has one member whose original name sits in the header (RFC 1952).
"""
from __future__ import annotations

import io
import struct
from dataclasses import dataclass


from .. import zipinspect
from ..model import CheckResult, Finding, FormatInfo, InputFile
from . import Check, CheckContext

MAX_LISTED = 30


@dataclass(frozen=True)
class Member:
    name: str
    size: int | None = None   # declared uncompressed size, when the format says it
    encrypted: bool = False


class Unreadable(Exception):
    pass


class AlreadyReported(Exception):
    """The archive is damaged and identification has said so: nothing to add."""


def run(file: InputFile, fmt: FormatInfo, ctx: CheckContext) -> CheckResult:
    findings: list[Finding] = []
    try:
        if fmt.id == "zip":
            members = _zip(file.data)
        elif fmt.id == "7z":
            members = _sevenzip(file.data)
        elif fmt.id == "rar":
            members = _rar(file.data)
        elif fmt.id == "gzip":
            members = _gzip(file.data)
        else:
            members = []
    except AlreadyReported:
        return CheckResult()
    except Unreadable as exc:
        return CheckResult(findings=[Finding("ARC003", detail=str(exc)[:300], location=fmt.id)])
    listing = _listing(members)
    findings.insert(0, Finding("ARC001", detail=listing, location=fmt.id,
                               args={"count": str(len(members)), "listing": listing}))
    encrypted = [m.name for m in members if m.encrypted]
    if encrypted:
        findings.append(Finding("ARC003", detail="file protetti da password: " + ", ".join(encrypted[:10])))
    return CheckResult(findings=findings, facts={"archive_entries": len(members)})


def _listing(members: list[Member]) -> str:
    parts = [m.name + (f" ({_size(m.size)})" if m.size is not None else "") for m in members[:MAX_LISTED]]
    if len(members) > MAX_LISTED:
        parts.append(f"… e altri {len(members) - MAX_LISTED}")
    return "; ".join(parts) if parts else "archivio vuoto"


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} byte"
    value = n / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}".replace(".", ",")
        value /= 1024
    return f"{value:.1f} GB".replace(".", ",")


def _zip(data: bytes) -> list[Member]:
    """Names from the central directory, even of a hostile zip (identification reports why)."""
    report = zipinspect.inspect(data)
    members = [Member(e.name, e.size, e.encrypted) for e in report.entries if not e.is_dir]
    if not members and any(p.kind is zipinspect.ZipProblemKind.CORRUPT for p in report.problems):
        raise AlreadyReported()  # identification's FMT017 says the zip is damaged
    return members


def _sevenzip(data: bytes) -> list[Member]:
    import py7zr  # here, not at the top: a parent that checks only PDFs never loads it
    try:
        with py7zr.SevenZipFile(io.BytesIO(data), mode="r") as archive:
            encrypted = archive.needs_password()
            return [Member(i.filename, i.uncompressed, encrypted) for i in archive.list()
                    if not i.is_directory]
    except py7zr.PasswordRequired:
        raise Unreadable("elenco dei file protetto da password") from None
    except Exception as exc:  # noqa: BLE001 - py7zr raises many kinds on hostile input
        raise Unreadable(f"{type(exc).__name__}: {exc}") from None


def _rar(data: bytes) -> list[Member]:
    import rarfile  # as py7zr (the forkserver preloads both: checks/_preload.py)
    try:
        archive = rarfile.RarFile(io.BytesIO(data))
        members = [Member(i.filename, i.file_size, i.needs_password()) for i in archive.infolist()
                   if not i.is_dir()]
        if not members:
            # rarfile stops quietly at a damaged header: "empty" must come from a sound archive
            rarfile.RarFile(io.BytesIO(data), errors="strict")
        return members
    except rarfile.PasswordRequired:
        raise Unreadable("elenco dei file protetto da password") from None
    except Exception as exc:  # noqa: BLE001 - rarfile raises many kinds on hostile input
        raise Unreadable(f"{type(exc).__name__}: {exc}") from None


def _gzip(data: bytes) -> list[Member]:
    """RFC 1952 header: ID1 ID2 CM FLG MTIME(4) XFL OS [FEXTRA] [FNAME\\0] …; ISIZE at the end."""
    if len(data) < 18 or data[:2] != b"\x1f\x8b":
        raise Unreadable("intestazione gzip non valida")
    flags, pos = data[3], 10
    if flags & 0x04:  # FEXTRA
        (xlen,) = struct.unpack("<H", data[pos:pos + 2])
        pos += 2 + xlen
    name = ""
    if flags & 0x08:  # FNAME
        end = data.find(b"\0", pos, pos + 4096)
        if end < 0:
            raise Unreadable("nome del file non terminato")
        name = data[pos:end].decode("latin-1")
    (isize,) = struct.unpack("<I", data[-4:])
    return [Member(name or "(file senza nome)", isize)]


CHECKS = [Check(name="archive", formats={"zip", "7z", "rar", "gzip"}, run=run,
                label_it="Archivi compressi: elenco del contenuto", label_en="Compressed archives: list of contents")]
