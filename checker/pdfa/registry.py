"""The rule registry of the built-in PDF/A validator: veraPDF's validation profiles as data.

verapdf_rules.json (made by scripts/import_verapdf_profiles.py from veraPDF's published
profiles) lists every rule of PDF/A-1a … 3u under veraPDF's own id, `part:clause-test`, with
the object it applies to and its description. coverage.toml says, for every one of those ids,
either which family of this package implements it or why it is not implemented. A failure the
validator emits must carry one of these ids (tests/…/test_pdfa_registry.py holds it to that),
so its result can be compared with veraPDF's rule for rule.

Imports: only the standard library and .model.
"""
from __future__ import annotations

import functools
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .model import FLAVOURS, Flavour

RULES_FILE = Path(__file__).with_name("verapdf_rules.json")
COVERAGE_FILE = Path(__file__).with_name("coverage.toml")


@dataclass(frozen=True)
class RuleSpec:
    """One rule of a veraPDF validation profile."""
    id: str            # "2:6.2.11.4.1-1"
    object: str        # the veraPDF model object it applies to, e.g. "PDFont"
    description: str   # the profile's sentence, quoting ISO 19005
    message: str       # the profile's error message (with %1 … placeholders)

    @property
    def part(self) -> int:
        return int(self.id.split(":", 1)[0])

    @property
    def clause(self) -> str:
        return self.id.split(":", 1)[1].rsplit("-", 1)[0]

    @property
    def test(self) -> int:
        return int(self.id.rsplit("-", 1)[1])


@dataclass(frozen=True)
class Coverage:
    """How a rule stands in the built-in validator: implemented by a family, or not and why."""
    rule: RuleSpec
    family: str | None      # module of checker/pdfa that decides it
    reason: str | None      # why it is not implemented (None when it is)

    @property
    def implemented(self) -> bool:
        return self.family is not None


@functools.lru_cache(maxsize=1)
def _data() -> dict[str, dict[str, object]]:
    with RULES_FILE.open(encoding="utf-8") as fh:
        loaded: dict[str, dict[str, object]] = json.load(fh)
    return loaded


@functools.lru_cache(maxsize=1)
def rules() -> dict[str, RuleSpec]:
    """Every rule of every profile, by id."""
    raw = _data()["rules"]
    return {rid: RuleSpec(rid, str(r["object"]), str(r["description"]), str(r["message"]))  # type: ignore[index]
            for rid, r in raw.items()}


def profile(flavour: Flavour | str) -> list[RuleSpec]:
    """The rules of one flavour's profile, in clause order."""
    fid = flavour.id if isinstance(flavour, Flavour) else flavour.lower()
    if fid not in FLAVOURS:
        raise KeyError(f"no PDF/A profile for {fid!r}")
    ids = _data()["profiles"][fid]
    known = rules()
    return [known[rid] for rid in ids]  # type: ignore[attr-defined]


def in_profile(flavour: Flavour | str, rule_id: str) -> bool:
    return rule_id in _profile_ids(flavour.id if isinstance(flavour, Flavour) else flavour.lower())


@functools.lru_cache(maxsize=16)
def _profile_ids(fid: str) -> frozenset[str]:
    return frozenset(r.id for r in profile(fid))


@functools.lru_cache(maxsize=1)
def _coverage_table() -> tuple[dict[str, str], dict[str, str]]:
    """(implemented: id → family, not_implemented: id → reason) from coverage.toml."""
    with COVERAGE_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    implemented: dict[str, str] = {}
    for family, ids in data.get("implemented", {}).items():
        for rid in ids:
            implemented[rid] = family
    not_implemented: dict[str, str] = {}
    for reason_key, entry in data.get("not_implemented", {}).items():
        for rid in entry["rules"]:
            not_implemented[rid] = entry.get("reason", reason_key)
    return implemented, not_implemented


def coverage(flavour: Flavour | str) -> list[Coverage]:
    """Every rule of the flavour's profile with its standing in the built-in validator. A rule
    listed nowhere in coverage.toml is reported as not implemented, reason "unlisted" — the
    registry test fails on it."""
    implemented, not_implemented = _coverage_table()
    out = []
    for spec in profile(flavour):
        family = implemented.get(spec.id)
        out.append(Coverage(spec, family, None if family else not_implemented.get(spec.id, "unlisted")))
    return out


def unlisted() -> list[str]:
    """Profile rules that coverage.toml neither implements nor explains (must be empty)."""
    implemented, not_implemented = _coverage_table()
    return [rid for rid in rules() if rid not in implemented and rid not in not_implemented]


def coverage_summary() -> list[dict[str, object]]:
    """One row per flavour: rules in veraPDF's profile, implemented, percentage."""
    rows = []
    for flavour in FLAVOURS:
        cov = coverage(flavour)
        done = sum(c.implemented for c in cov)
        rows.append({"flavour": flavour, "rules": len(cov), "implemented": done,
                     "percent": round(100 * done / len(cov), 1)})
    return rows


def coverage_rows(flavour: str, missing_only: bool) -> list[dict[str, object]]:
    return [{"id": c.rule.id, "object": c.rule.object, "implemented": c.implemented,
             "family": c.family, "reason": c.reason, "description": c.rule.description}
            for c in coverage(flavour) if not (missing_only and c.implemented)]
