"""The built-in PDF/A validator against veraPDF's rules, one spec-made case per rule id.

Each case builds a conforming file for the rule's flavour (tests/pdfa_spec/builder.py),
breaks exactly that rule (tests/pdfa_spec/cases.py) and expects the validator to report that
rule's id. Rules coverage.toml lists as implemented must be caught; for the others the test
proves the gap is real (the validator does not report the id yet), so a rule the validator
starts catching fails here until it is moved to [implemented]."""
from __future__ import annotations

import functools

import pytest

from checker import pdfa
from checker.pdfa import registry

from pdfa_spec.builder import Spec, make
from pdfa_spec.cases import CASES, Case

FEATURE_SETS = sorted({tuple(sorted(c.features.items())) for c in CASES})


@functools.cache
def _implemented() -> frozenset[str]:
    return frozenset(c.rule.id for fid in pdfa.model.FLAVOURS for c in registry.coverage(fid)
                     if c.implemented)


def _builds():
    """Every flavour with every feature set the cases use (PDF/A-1 forbids embedded files)."""
    for flavour in pdfa.model.FLAVOURS:
        for features in FEATURE_SETS:
            if dict(features).get("attachment") and flavour.startswith("1"):
                continue
            label = "+".join(f"{k}={v}" for k, v in features) or "plain"
            yield pytest.param(flavour, dict(features), id=f"{flavour}-{label}")


@pytest.mark.parametrize("flavour, features", list(_builds()))
def test_unmutated_builds_conform(flavour, features):
    report = pdfa.validate(make(Spec(flavour, **features)), flavour)
    assert report.failures == [] and report.compliant is True, report.failed_clauses


@pytest.mark.parametrize("case", [pytest.param(c, id=c.rule) for c in CASES if c.rule in _implemented()])
def test_rule_is_caught(case: Case):
    report = pdfa.validate(case.broken(), case.flavour)
    assert case.rule in report.failed_clauses, report.failed_clauses
    assert report.compliant is False


def test_rules_listed_as_not_implemented_are_not_caught_yet():
    # one test over every gap (there may be none): a rule the validator starts catching must
    # move to [implemented], where test_rule_is_caught then holds it
    caught = [c.rule for c in CASES if c.rule not in _implemented()
              and c.rule in pdfa.validate(c.broken(), c.flavour).failed_clauses]
    assert caught == [], f"now caught, move to [implemented] in coverage.toml: {caught}"
