"""CLI subcommands; see checker/cli.py."""
