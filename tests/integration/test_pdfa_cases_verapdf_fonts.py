"""The PDF/A spec cases against the real veraPDF: each case's broken file makes veraPDF report
the case's rule id, as the built-in validator does (tests/unit/test_pdfa_rules.py), so a case
proves the rule veraPDF means and not a reading of our own."""
from __future__ import annotations

import functools

import pytest

from checker import verapdf_pool

from pdfa_spec import cases_fonts_images
from pdfa_spec.builder import Spec, make
from pdfa_spec.cases import CASES, Case


@pytest.fixture(scope="module")
def vera() -> verapdf_pool.VeraPool:
    if not verapdf_pool.installed():
        pytest.fail(f"veraPDF is not built in {verapdf_pool.home()}: run `make install-test` "
                    "(scripts/build-verapdf.sh)")
    return verapdf_pool.pool()


def _module_cases(rules: frozenset[str]) -> list:
    return [pytest.param(c, id=c.rule) for c in CASES if c.rule in rules]


@functools.cache
def _conforming_verdict(flavour: str, features: tuple) -> tuple[str, ...]:
    report = verapdf_pool.pool().validate(make(Spec(flavour, **dict(features))), flavour,
                                          name="conforming", timeout=60)
    return tuple(report.failed_clauses)


@pytest.mark.parametrize("case", _module_cases(cases_fonts_images.RULES))
def test_verapdf_confirms_font_and_image_cases(vera, case: Case):
    report = vera.validate(case.broken(), case.flavour, name=case.rule, timeout=60)
    assert case.rule in report.failed_clauses, report.failed_clauses
    assert _conforming_verdict(case.flavour, tuple(sorted(case.features.items()))) == ()
