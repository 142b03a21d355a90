"""The one place where the fix pipeline writes an upload to disk.

Uploads are otherwise never written to disk (they stay in memory, see checker/web/uploads.py).
LibreOffice and Ghostscript read and write files only, so a conversion the user asked for
gets a private directory: created with mode 0700, on a RAM-backed file system when there is
one (/dev/shm), and removed with everything in it when the conversion ends, whatever happens.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

RAM_DIR = Path("/dev/shm")


def _base() -> str | None:
    """/dev/shm when it is a writable directory, else the system's temporary folder."""
    if RAM_DIR.is_dir() and os.access(RAM_DIR, os.W_OK | os.X_OK):
        return str(RAM_DIR)
    return None


@contextlib.contextmanager
def private_dir(prefix: str = "pec-fix-") -> Iterator[Path]:
    """A fresh directory only this user can enter (0700: mkdtemp's mode), removed on exit."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=_base()))
    try:
        os.chmod(path, 0o700)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
