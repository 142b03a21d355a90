"""The code passes its linters: ruff over everything Python in the repository, and mypy with
the configuration of pyproject.toml (strict on model, engine, report and signatures).

They run as part of the suite so that `make test` (the README's test command) fails on a new
finding, not only a CI step that can be skipped.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUFF_PATHS = ["checker", "app.py", "tests", "bench", "samples", "scripts"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=500)


def test_ruff_finds_nothing() -> None:
    result = _run("ruff", "check", "--no-cache", "--output-format", "concise", *RUFF_PATHS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing() -> None:
    # files and strictness come from [tool.mypy] in pyproject.toml
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout
