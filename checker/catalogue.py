"""The rule catalogue: every finding code, its texts, source and fix hint.

Rules live in checker/rules/*.toml, one file per concern, one table per code:

    [FMT001]
    name = "format-not-accepted"          # kebab-case, stable
    severity = "error"                    # default; profiles may override
    title_it = "..."   title_en = "..."
    explain_it = "..." explain_en = "..." # why an office refuses it
    fix_it = "..."     fix_en = "..."     # what the sender does about it
    source = "000, 004; AgID Linee guida 2021, Allegato 2"
    required = false                      # not_checked here makes the verdict "undetermined"

Texts may hold {placeholders} filled from Finding.args.
"""
from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .model import Finding, Severity

RULES_DIR = Path(__file__).parent / "rules"
_REQUIRED_KEYS = ("name", "severity", "title_it", "title_en", "explain_it", "explain_en",
                  "fix_it", "fix_en", "source")
_CODE_RE = re.compile(r"^[A-Z]{2,5}[0-9]{3}$")


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    title_it: str
    title_en: str
    explain_it: str
    explain_en: str
    fix_it: str
    fix_en: str
    source: str
    required: bool = False
    group: str = ""  # the file it comes from: message, format, pdf, pdfa, signature, ...

    def text(self, field: str, args: dict[str, str]) -> str:
        template = getattr(self, field)
        try:
            return template.format_map(_Blank(args))
        except (ValueError, IndexError):
            return template


class _Blank(dict):
    """format_map helper: a missing placeholder renders as '…' rather than raising."""
    def __missing__(self, key: str) -> str:
        return "…"


class CatalogueError(ValueError):
    pass


@functools.lru_cache(maxsize=1)
def load() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for path in sorted(RULES_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        for code, entry in data.items():
            if not _CODE_RE.match(code):
                raise CatalogueError(f"{path.name}: bad rule code {code!r}")
            if code in rules:
                raise CatalogueError(f"{path.name}: duplicate rule code {code}")
            missing = [k for k in _REQUIRED_KEYS if not entry.get(k)]
            if missing:
                raise CatalogueError(f"{path.name}: {code} lacks {', '.join(missing)}")
            rules[code] = Rule(
                code=code,
                name=entry["name"],
                severity=Severity(entry["severity"]),
                title_it=entry["title_it"], title_en=entry["title_en"],
                explain_it=entry["explain_it"], explain_en=entry["explain_en"],
                fix_it=entry["fix_it"], fix_en=entry["fix_en"],
                source=entry["source"],
                required=bool(entry.get("required", False)),
                group=path.stem,
            )
    return rules


def rule(code: str) -> Rule:
    try:
        return load()[code]
    except KeyError:
        raise CatalogueError(f"finding code {code} is not in the catalogue") from None


def describe(finding: Finding, lang: str = "it") -> dict[str, str]:
    """The rule texts for one finding, placeholders filled."""
    r = rule(finding.code)
    return {
        "title": r.text(f"title_{lang}", finding.args),
        "explain": r.text(f"explain_{lang}", finding.args),
        "fix": r.text(f"fix_{lang}", finding.args),
    }
