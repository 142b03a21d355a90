"""Shared fixtures. Samples are built by `make samples` into samples/out/ (see samples/make_samples.py);
a test session builds them itself when they are missing."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "out"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "verapdf"


@pytest.fixture(scope="session")
def samples() -> Path:
    if not SAMPLES.exists():
        subprocess.run([sys.executable, str(ROOT / "samples" / "make_samples.py"), str(SAMPLES)],
                       check=True)
    return SAMPLES
