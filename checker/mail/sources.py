"""Where messages come from: single files, folders, mbox files, Maildir folders.

Every item becomes a RawItem; an item that cannot be read becomes a RawItem with a
problem, so one bad message never stops a batch. mbox and Maildir are read with the
stdlib mailbox module.
"""
from __future__ import annotations

import mailbox
import os
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Iterator

MAX_MESSAGE_MB = float(os.environ.get("PEC_PRECHECK_TRIAGE_MAX_MB", "150"))


@dataclass
class RawItem:
    name: str                    # file path, "box.mbox#3" or "maildir#<key>"
    data: bytes | None
    problem: str | None = None   # why data is None (Italian)
    too_large: bool = False


def is_maildir(path: Path) -> bool:
    return all((path / sub).is_dir() for sub in ("cur", "new", "tmp"))


def is_mbox(path: Path) -> bool:
    """An mbox starts with a "From " separator line followed by a header line."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    if not head.startswith(b"From "):
        return False
    lines = head.split(b"\n", 2)
    return len(lines) > 1 and b":" in lines[1][:80]


def iter_paths(paths: list[str | Path]) -> Iterator[RawItem]:
    for p in paths:
        yield from _iter_path(Path(p))


def _iter_path(path: Path) -> Iterator[RawItem]:
    if path.is_dir():
        if is_maildir(path):
            yield from iter_maildir(path)
            return
        for child in sorted(path.iterdir()):
            if child.name.startswith("."):
                continue
            yield from _iter_path(child)
    elif path.is_file():
        if is_mbox(path):
            yield from iter_mbox(path)
        else:
            yield read_file(path)
    else:
        yield RawItem(str(path), None, "percorso inesistente o non leggibile")


def _limit() -> int:
    return int(MAX_MESSAGE_MB * 1024 * 1024)


def read_file(path: Path) -> RawItem:
    try:
        if path.stat().st_size > _limit():
            return RawItem(str(path), None, f"più grande di {MAX_MESSAGE_MB:g} MB", too_large=True)
        return RawItem(str(path), path.read_bytes())
    except OSError as exc:
        return RawItem(str(path), None, f"file non leggibile: {exc.strerror or exc}")


def iter_mbox(path: Path) -> Iterator[RawItem]:
    try:
        box = mailbox.mbox(str(path), factory=None, create=False)
        keys = list(box.keys())
    except (OSError, mailbox.Error) as exc:
        yield RawItem(str(path), None, f"mbox non leggibile: {exc}")
        return
    try:
        for n, key in enumerate(keys, 1):
            yield _get(box, key, f"{path}#{n}")
    finally:
        box.close()


def iter_maildir(path: Path) -> Iterator[RawItem]:
    try:
        box = mailbox.Maildir(str(path), factory=None, create=False)
        keys = sorted(box.keys())
    except (OSError, mailbox.Error) as exc:
        yield RawItem(str(path), None, f"Maildir non leggibile: {exc}")
        return
    for key in keys:
        yield _get(box, key, f"{path}#{key}")


def _get(box: mailbox.Mailbox, key: str, name: str) -> RawItem:
    try:
        data = box.get_bytes(key)
    except (OSError, KeyError, mailbox.Error, ValueError) as exc:
        return RawItem(name, None, f"messaggio non leggibile: {exc}")
    if len(data) > _limit():
        return RawItem(name, None, f"più grande di {MAX_MESSAGE_MB:g} MB", too_large=True)
    return RawItem(name, data)


def count_items(paths: list[str | Path]) -> int | None:
    """How many messages iter_paths will yield (for a progress bar); None when unsure."""
    total = 0
    try:
        for p in paths:
            total += _count(Path(p))
    except (OSError, mailbox.Error):
        return None
    return total


def _count(path: Path) -> int:
    if path.is_dir():
        if is_maildir(path):
            return len(mailbox.Maildir(str(path), factory=None, create=False))
        return sum(_count(c) for c in path.iterdir() if not c.name.startswith("."))
    if path.is_file() and is_mbox(path):
        box = mailbox.mbox(str(path), factory=None, create=False)
        try:
            return len(box)
        finally:
            box.close()
    return 1
