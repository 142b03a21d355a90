#!/usr/bin/env python3
"""Import veraPDF's validation profiles (PDF/A-1a … 3u) as data for the built-in validator's
rule registry (checker/pdfa/registry.py).

Reads the profile XML files (default: ../shared/verapdf-profiles beside the repository) and
writes checker/pdfa/verapdf_rules.json: every rule's id (part:clause-test), the object it
applies to, its description and error message, and which flavours list it. The profiles are
published by the veraPDF consortium under Creative Commons Attribution 4.0; the JSON says so.

Usage: scripts/import_verapdf_profiles.py [PROFILES_DIR] [OUT_JSON]
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
NS = {"p": "http://www.verapdf.org/ValidationProfile"}
FLAVOUR_FILE = re.compile(r"PDFA-([123])([ABU])\.xml$")


def rule_id(rule: etree._Element) -> str:
    ident = rule.find("p:id", NS)
    part = ident.get("specification", "").rsplit("_", 1)[-1]
    return f"{part}:{ident.get('clause')}-{ident.get('testNumber')}"


def read_profiles(folder: Path) -> tuple[dict[str, dict[str, str]], dict[str, list[str]]]:
    rules: dict[str, dict[str, str]] = {}
    profiles: dict[str, list[str]] = {}
    for path in sorted(folder.glob("PDFA-*.xml")):
        m = FLAVOUR_FILE.search(path.name)
        if not m:
            continue
        flavour = m.group(1) + m.group(2).lower()
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
        ids = []
        for rule in tree.iterfind(".//p:rules/p:rule", NS):
            rid = rule_id(rule)
            ids.append(rid)
            rules.setdefault(rid, {
                "object": rule.get("object", ""),
                "description": " ".join((rule.findtext("p:description", "", NS) or "").split()),
                "message": " ".join((rule.findtext("p:error/p:message", "", NS) or "").split()),
            })
        profiles[flavour] = sorted(set(ids), key=_sort_key)
    return dict(sorted(rules.items(), key=lambda kv: _sort_key(kv[0]))), profiles


def _sort_key(rid: str) -> tuple[int, tuple[int, ...], int]:
    part, rest = rid.split(":", 1)
    clause, test = rest.rsplit("-", 1)
    return int(part), tuple(int(x) for x in clause.split(".") if x.isdigit()), int(test)


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "verapdf-profiles"
    out = Path(argv[2]) if len(argv) > 2 else ROOT / "checker" / "pdfa" / "verapdf_rules.json"
    rules, profiles = read_profiles(folder)
    if not profiles:
        print(f"no PDFA-*.xml profiles in {folder}", file=sys.stderr)
        return 1
    data = {
        "source": "veraPDF validation profiles (github.com/veraPDF/veraPDF-validation-profiles), "
                  "snapshot of 2025-08-21",
        "license": "Creative Commons Attribution 4.0 International, veraPDF Consortium",
        "profiles": profiles,
        "rules": rules,
    }
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{out}: {len(rules)} rules, " + ", ".join(f"{k} {len(v)}" for k, v in profiles.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
