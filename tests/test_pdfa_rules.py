"""The built-in PDF/A validator against veraPDF's rules, one spec-made case per rule id.

Each case builds a conforming file for the rule's flavour (tests/pdfa_spec/builder.py),
breaks exactly that rule (tests/pdfa_spec/cases.py) and expects the validator to report that
rule's id. Only rules coverage.toml lists as implemented are required to be caught; the other
cases run as strict xfails, so a rule the validator starts catching must be moved to
[implemented]."""
from __future__ import annotations

import functools

import pytest

from checker import pdfa
from checker.pdfa import registry

from tests.pdfa_spec.builder import Spec, make
from tests.pdfa_spec.cases import CASES, Case

FEATURE_SETS = sorted({tuple(sorted(c.features.items())) for c in CASES})


@functools.cache
def _implemented() -> frozenset[str]:
    return frozenset(c.rule.id for fid in pdfa.model.FLAVOURS for c in registry.coverage(fid)
                     if c.implemented)


def _param(c: Case):
    marks = () if c.rule in _implemented() else pytest.mark.xfail(
        strict=True, reason="coverage.toml: not implemented by the built-in validator")
    return pytest.param(c, id=c.rule, marks=marks)


@pytest.mark.parametrize("flavour", pdfa.model.FLAVOURS)
@pytest.mark.parametrize("features", FEATURE_SETS, ids=lambda f: "+".join(
    f"{k}={v}" for k, v in f) or "plain")
def test_unmutated_builds_conform(flavour, features):
    features = dict(features)
    if features.get("attachment") and flavour.startswith("1"):
        pytest.skip("PDF/A-1 forbids embedded files")
    report = pdfa.validate(make(Spec(flavour, **features)), flavour)
    assert report.failures == [] and report.compliant is True, report.failed_clauses


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_rule_is_caught(case: Case):
    report = pdfa.validate(case.broken(), case.flavour)
    assert case.rule in report.failed_clauses, report.failed_clauses
    assert report.compliant is False
