"""The rule catalogue is complete: every code the code emits is documented, in Italian and English."""
from __future__ import annotations

import re
from pathlib import Path

from checker import catalogue, profiles

ROOT = Path(__file__).resolve().parents[2]
EMITTED = re.compile(r"""\bFinding\(\s*["']([A-Z]{2,5}[0-9]{3})["']""")


def emitted_codes() -> dict[str, Path]:
    found = {}
    for path in (ROOT / "checker").rglob("*.py"):
        for code in EMITTED.findall(path.read_text(encoding="utf-8")):
            found.setdefault(code, path)
    return found


def test_catalogue_loads_and_every_rule_is_complete():
    rules = catalogue.load()
    assert rules
    for code, rule in rules.items():
        assert rule.name == rule.name.lower() and " " not in rule.name, code
        for text in (rule.title_it, rule.title_en, rule.explain_it, rule.explain_en,
                     rule.fix_it, rule.fix_en, rule.source):
            assert text.strip(), code


def test_rule_names_are_unique():
    names = [r.name for r in catalogue.load().values()]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


def test_every_emitted_code_is_in_the_catalogue():
    rules = catalogue.load()
    missing = {code: str(path.relative_to(ROOT)) for code, path in emitted_codes().items()
               if code not in rules}
    assert not missing


CODE_LITERAL = re.compile(r"""["']([A-Z]{2,5}[0-9]{3})["']""")


def named_codes() -> set[str]:
    """Every code the product names anywhere: Finding("X"), mapping tables (zip problems,
    file-name problems, PEC explanations) and the PDF/A clause families (pdfa/clauses.toml)."""
    found = set()
    for path in (ROOT / "checker").rglob("*.py"):
        found |= set(CODE_LITERAL.findall(path.read_text(encoding="utf-8")))
    found |= set(re.findall(r'code\s*=\s*"([A-Z]{2,5}[0-9]{3})"',
                            (ROOT / "checker" / "pdfa" / "clauses.toml").read_text(encoding="utf-8")))
    return found


def test_every_code_named_in_the_product_is_in_the_catalogue():
    assert named_codes() - set(catalogue.load()) == set()


def test_every_rule_is_emitted_somewhere():
    # a rule nothing can produce is a stub in the catalogue
    assert set(catalogue.load()) - named_codes() == set()


def test_profile_severity_overrides_name_real_rules():
    rules = catalogue.load()
    for profile in profiles.load_all().values():
        unknown = [code for code in profile.severity if code not in rules]
        assert not unknown, (profile.id, unknown)


def test_placeholders_render_and_missing_ones_do_not_raise():
    from checker.model import Finding
    text = catalogue.describe(Finding("SYS001", args={"check": "pdfa", "seconds": "30"}))
    assert "pdfa" in text["title"] and "30" in text["explain"]
    assert "…" in catalogue.describe(Finding("SYS001"))["title"]
