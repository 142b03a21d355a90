#!/usr/bin/env python3
"""Build the sample files (good and bad) that tests, benchmarks and the README demo use.

Every module samples/gen_*.py exposes `generate(outdir: pathlib.Path) -> None` and
writes its files into outdir/<topic>/ with real libraries; nothing binary is
committed that a script can make. Generation is deterministic where the
libraries allow (fixed dates, fixed keys seeded per run are fine).

    python samples/make_samples.py samples/out
"""
from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    outdir = Path(argv[1] if len(argv) > 1 else HERE / "out").resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(HERE.parent))
    for path in sorted(HERE.glob("gen_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        started = time.monotonic()
        module.generate(outdir)
        print(f"{path.stem}: {time.monotonic() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
