"""Reading the files named on the command line, for the commands that check a submission."""
from __future__ import annotations

import sys
from pathlib import Path

from ..model import InputFile


def read_submission_files(names: list[str], main: str | None) -> tuple[list[InputFile], str] | None:
    """The files (kept under their base names) and the main document's name; None, after
    saying why on stderr, when a file cannot be read or --main is not among them (usage
    error, exit status 2)."""
    files = []
    for name in names:
        path = Path(name)
        try:
            files.append(InputFile(name=path.name, data=path.read_bytes()))
        except OSError as exc:
            print(f"pec-precheck: {name}: {exc.strerror}", file=sys.stderr)
            return None
    main_name = Path(main).name if main else ""
    if main_name and main_name not in {f.name for f in files}:
        print(f"pec-precheck: --main {main} is not among the files", file=sys.stderr)
        return None
    return files, main_name
