"""`pec-precheck` command line: one subcommand per module in checker/commands/.

Each module there exposes `register(subparsers)`, which adds its parser and sets
`func(args) -> int` (the exit status) as a default.
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from . import commands


def command_names() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_"))


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser with every subcommand, or with `only` that one: a command's module may
    import what its options need (the profiles for --profile, the trusted list's paths),
    and a run of `pec-precheck pdfa` should not pay for the others' (~40 ms)."""
    parser = argparse.ArgumentParser(
        prog="pec-precheck",
        description="Verifica una PEC prima dell'invio / Check a PEC submission before sending.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in command_names():
        if only is None or name == only:
            importlib.import_module(f"{commands.__name__}.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # the command is the first argument when there is one (no option comes before it);
    # otherwise (--help, a typo) every command is registered, to list them or say what is wrong
    module = argv[0].replace("-", "_") if argv else None  # `pdfa-rules` lives in pdfa_rules.py
    args = build_parser(module if module in command_names() else None).parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
