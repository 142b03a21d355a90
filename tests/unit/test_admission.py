"""The admission ledger (checker/jobs/admission.py): one FIFO queue, one limit on checks and
on upload bytes for every process sharing the runtime directory; a dead process's tickets
are dropped."""
from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest

from checker.jobs.admission import MB, Ledger, Limits, QueueFull


def ledger(tmp_path: Path, **limits) -> Ledger:
    return Ledger(tmp_path, Limits(**limits))


def test_first_come_first_served_with_positions(tmp_path):
    led = ledger(tmp_path, max_checks=2, queue=10)
    for name in "abcde":
        led.enter(name, 1)
    assert [led.position(n) for n in "abcde"] == [0, 0, 1, 2, 3]
    led.leave("a")
    assert [led.position(n) for n in "bcde"] == [0, 0, 1, 2]
    assert led.position("a") is None
    assert led.snapshot() == {"running": 2, "queued": 2, "bytes": 4}


def test_a_full_queue_is_refused_with_a_retry_after(tmp_path):
    led = ledger(tmp_path, max_checks=1, queue=2, retry_after=7)
    for name in "abc":
        led.enter(name, 1)
    with pytest.raises(QueueFull) as refused:
        led.enter("d", 1)
    assert refused.value.reason == "queue" and refused.value.retry_after >= 7
    led.leave("a")
    led.enter("d", 1)   # room again


def test_bytes_held_are_bounded_but_one_large_upload_alone_gets_in(tmp_path):
    led = ledger(tmp_path, max_checks=10, max_bytes=100 * MB, queue=10)
    led.enter("big", 150 * MB)           # alone: let in (the upload limit bounds it)
    with pytest.raises(QueueFull) as refused:
        led.enter("small", 1 * MB)
    assert refused.value.reason == "memory"
    led.leave("big")
    led.enter("a", 60 * MB)
    with pytest.raises(QueueFull):
        led.enter("b", 60 * MB)
    led.set_bytes("a", 0)                # its files left for the queue
    led.enter("b", 60 * MB)


def test_wait_turn_returns_when_a_slot_frees_or_with_the_position_on_timeout(tmp_path):
    led = ledger(tmp_path, max_checks=1, queue=10)
    led.enter("a", 1)
    led.enter("b", 1)
    assert led.wait_turn("b", timeout=0.2) == 1
    led.leave("a")
    assert led.wait_turn("b", timeout=5) == 0


def _enter_and_die(directory: str) -> None:
    Ledger(Path(directory), Limits(max_checks=1, queue=10)).enter("orphan", 10)
    os._exit(0)   # no leave(): as if the worker had been killed


def test_a_dead_process_does_not_keep_its_slot_or_bytes(tmp_path):
    child = multiprocessing.get_context("fork").Process(target=_enter_and_die, args=(str(tmp_path),))
    child.start()
    child.join()
    led = ledger(tmp_path, max_checks=1, queue=10)
    led.enter("mine", 1)
    assert led.position("orphan") is None
    assert led.position("mine") == 0
    assert led.snapshot()["bytes"] == 1


def _worker(directory: str, name: str, log: str) -> None:
    led = Ledger(Path(directory), Limits(max_checks=2, queue=50))
    led.enter(name, 1)
    led.wait_turn(name)
    with open(log, "a") as out:
        out.write(f"+ {time.monotonic()}\n")
    time.sleep(0.05)
    with open(log, "a") as out:
        out.write(f"- {time.monotonic()}\n")
    led.leave(name)


def test_the_limit_holds_across_processes(tmp_path):
    log = tmp_path / "log"
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_worker, args=(str(tmp_path), f"p{n}", str(log))) for n in range(8)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    events = sorted((float(t), sign) for sign, t in (line.split() for line in log.read_text().splitlines()))
    running = peak = 0
    for _, sign in events:
        running += 1 if sign == "+" else -1
        peak = max(peak, running)
    assert len(events) == 16 and 1 <= peak <= 2
    assert Ledger(tmp_path, Limits()).snapshot() == {"running": 0, "queued": 0, "bytes": 0}


def test_limits_from_the_environment():
    limits = Limits.from_env({"PEC_PRECHECK_MAX_CHECKS": "3", "PEC_PRECHECK_MAX_BYTES_MB": "64",
                              "PEC_PRECHECK_QUEUE": "5"})
    assert (limits.max_checks, limits.max_bytes, limits.queue) == (3, 64 * MB, 5)
    assert Limits.from_env({}) == Limits()
