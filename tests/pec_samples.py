"""Helper for the PEC triage tests: builds samples/gen_pec.py's fixtures into a folder."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def generator():
    spec = importlib.util.spec_from_file_location("gen_pec", ROOT / "samples" / "gen_pec.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(outdir: Path) -> Path:
    """Generate the PEC fixtures into outdir/pec and return that folder."""
    generator().generate(outdir)
    return outdir / "pec"


def expected(root: Path) -> dict[str, dict]:
    return json.loads((root / "expected.json").read_text())
