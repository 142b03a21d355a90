"""checker.pdfa_disagreements: how the built-in and veraPDF verdicts of one file are counted."""
from __future__ import annotations

import logging

import pytest

from checker import pdfa_disagreements as d


@pytest.fixture(autouse=True)
def fresh():
    d.reset()
    yield
    d.reset()


def test_same_verdict_same_rules_is_compared_and_nothing_else():
    d.record("a.pdf", False, ["2:6.1.3-1"], False, ["2:6.1.3-1"])
    d.record("b.pdf", True, [], True, [])
    assert d.counts() == {"compared": 2, "verdict": 0, "builtin_stricter": 0, "builtin_missed": 0,
                          "rules": 0, "undecided": 0}


def test_built_in_stricter_and_built_in_missed_are_told_apart(caplog):
    caplog.set_level(logging.INFO, logger="checker.pdfa_disagreements")
    d.record("strict.pdf", False, ["2:6.2.11.4.1-1"], True, [])
    d.record("missed.pdf", True, [], False, ["2:6.2.8.3-1"])
    c = d.counts()
    assert (c["compared"], c["verdict"], c["builtin_stricter"], c["builtin_missed"]) == (2, 2, 1, 1)
    warned = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warned) == 2 and "2:6.2.11.4.1-1" in warned[0].getMessage()
    assert "2:6.2.8.3-1" in warned[1].getMessage()


def test_same_verdict_other_rules_counts_as_a_rule_disagreement():
    d.record("x.pdf", False, ["2:6.2.4.3-1"], False, ["2:6.2.4.3-2"])
    c = d.counts()
    assert (c["compared"], c["verdict"], c["rules"]) == (1, 0, 1)


@pytest.mark.parametrize("builtin, verapdf", [(None, True), (False, None)])
def test_an_undecided_side_is_not_compared(builtin, verapdf):
    d.record("u.pdf", builtin, [], verapdf, [])
    c = d.counts()
    assert (c["compared"], c["undecided"]) == (0, 1)
