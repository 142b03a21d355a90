"""CLI subcommands, one module each (check, pdfa, triage, trust, profiles); see checker/cli.py.

Interface layer: may import everything below it (triage, engine, report, checks, validators,
base); nothing imports a command."""
