"""The PDF/A rule registry: coverage.toml accounts for every profile rule exactly once, every
rule it calls implemented has a spec case, and the validator only emits ids its profile has."""
from __future__ import annotations

import tomllib
from collections import Counter

import pytest

from checker import pdfa
from checker.pdfa import registry
from checker.pdfa.model import FLAVOURS

from pdfa_spec.cases import CASES


def _listed() -> tuple[list[str], list[str]]:
    with registry.COVERAGE_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    implemented = [rid for ids in data.get("implemented", {}).values() for rid in ids]
    explained = [rid for entry in data.get("not_implemented", {}).values() for rid in entry["rules"]]
    return implemented, explained


def test_every_profile_rule_is_listed_exactly_once():
    implemented, explained = _listed()
    counts = Counter(implemented + explained)
    assert registry.unlisted() == []
    assert [rid for rid, n in counts.items() if n > 1] == []
    assert sorted(set(counts) - set(registry.rules())) == []  # no unknown ids either


def test_every_not_implemented_entry_gives_a_reason():
    with registry.COVERAGE_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    for key, entry in data.get("not_implemented", {}).items():
        assert entry.get("reason", "").strip() and entry.get("reason") != "not yet classified", key


def test_every_implemented_rule_has_a_spec_case():
    implemented, _ = _listed()
    with_cases = {c.rule for c in CASES}
    assert sorted(set(implemented) - with_cases) == []


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_implemented_count_is_reported(flavour):
    coverage = registry.coverage(flavour)
    assert len(coverage) == len(registry.profile(flavour))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.rule)
def test_emitted_ids_exist_in_the_profile(case):
    """Misnumbering guard: every failure on a spec case, mutated or not, is a profile id."""
    for data in (case.broken(), case.conforming()):
        report = pdfa.validate(data, case.flavour)
        strangers = [k for k in report.failed_clauses if not registry.in_profile(case.flavour, k)]
        assert strangers == []
