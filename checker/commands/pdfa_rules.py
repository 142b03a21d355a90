"""`pec-precheck pdfa-rules [--flavour F] [--missing] [--json]`: the built-in PDF/A validator's
coverage of veraPDF's rules (checker/pdfa/registry.py, coverage.toml).

Per flavour: how many of the profile's rules the built-in decides. --flavour lists that
profile's rules one per line (id, implemented by which family or why not); --missing only
the rules not implemented. Exit status 0 (2 for a usage error).
"""
from __future__ import annotations

import argparse
import json
import sys

# checker.pdfa.model.FLAVOURS, written out so that building the parser (every command's
# --help) does not import the validator; tests/unit/test_cli_imports.py keeps them equal
FLAVOURS = ("1a", "1b", "2a", "2b", "2u", "3a", "3b", "3u")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pdfa-rules", help="copertura delle regole PDF/A del validatore interno / "
                                          "built-in PDF/A validator rule coverage")
    p.add_argument("--flavour", choices=FLAVOURS, default=None,
                   help="elenca le regole di questo livello (1a … 3u)")
    p.add_argument("--missing", action="store_true", help="solo le regole non implementate")
    p.add_argument("--json", action="store_true", help="risultato JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..pdfa.registry import coverage_rows, coverage_summary
    if args.flavour:
        rows = coverage_rows(args.flavour, args.missing)
        if args.json:
            json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        else:
            for r in rows:
                state = f"implemented ({r['family']})" if r["implemented"] else f"NOT implemented: {r['reason']}"
                print(f"{r['id']:<22} {state}")
        return 0
    table = coverage_summary()
    if args.json:
        json.dump(table, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print("flavour  rules  implemented")
        for t in table:
            print(f"{t['flavour']:<8} {t['rules']:>5}  {t['implemented']:>5} ({t['percent']} %)")
    return 0
