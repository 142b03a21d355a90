"""Worker functions that misbehave on purpose, for the isolation tests.

They live in an importable module (not in a test file) because the forkserver
unpickles them by reference in a fresh worker process.
"""
from __future__ import annotations

import ctypes
import os
import time

from checker.model import CheckResult, Finding


def sleeps_forever(*_args) -> CheckResult:
    while True:
        time.sleep(1)


def spins_forever(*_args) -> CheckResult:
    n = 0
    while True:
        n += 1


def eats_memory(*_args) -> CheckResult:
    hoard = []
    while True:
        hoard.append(bytearray(64 * 1024 * 1024))


def segfaults(*_args) -> CheckResult:
    ctypes.string_at(0)  # reads address 0: SIGSEGV in the worker, not in the caller
    return CheckResult()


def raises(*_args) -> CheckResult:
    raise ValueError("parser gave up at offset 1234")


def exits(*_args) -> CheckResult:
    os._exit(7)


def returns_wrong_type(*_args):
    return {"not": "a CheckResult"}


def behaves(name: str) -> CheckResult:
    return CheckResult(findings=[Finding("SYS004", detail=name)], facts={"pid": os.getpid()})
