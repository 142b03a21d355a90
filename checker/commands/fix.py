"""`pec-precheck fix FILE... --out DIR [--profile ID] [--main FILE] [--json]`.

Converts and cleans what has a mechanical fix (checker/fix/), checks the result again and
writes into DIR each file of the corrected set plus the set as one ZIP (pec-precheck-fix.zip).
Prints per file: original name, action (converted, cleaned, renamed, unchanged, refused),
output name, fixed codes, remaining codes; --json prints the same as one object.
Exit status: 0 everything fixable was fixed, 1 something remains, 3 undetermined, 2 usage.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from typing import TYPE_CHECKING

from .. import profiles

if TYPE_CHECKING:
    from ..fix import FixOutcome
from ._files import read_submission_files

ZIP_NAME = "pec-precheck-fix.zip"


def register(sub) -> None:
    p = sub.add_parser("fix", help="corregge automaticamente i file / fix the files automatically")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="cartella dove scrivere i file corretti e lo ZIP / output folder")
    p.add_argument("--profile", default="generic", choices=list(profiles.load_all()),
                   help="ufficio di destinazione / destination office profile")
    p.add_argument("--main", default="", metavar="FILE", help="documento principale / main document")
    p.add_argument("--json", action="store_true", help="risultato JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    read = read_submission_files(args.files, args.main)
    if read is None:
        return 2
    files, main = read
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"pec-precheck: --out {args.out}: {exc.strerror}", file=sys.stderr)
        return 2
    from .. import checks  # here, not at the top: --help imports no check
    from ..fix import fix_files
    outcome = fix_files(files, args.profile, main, checks.settings_from_env())
    for f in outcome.files:
        (out / f.output).write_bytes(f.data)
    (out / ZIP_NAME).write_bytes(outcome.zip_bytes())
    if args.json:
        json.dump({**outcome.to_json(), "out": str(out), "zip": ZIP_NAME}, sys.stdout,
                  ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(text(outcome, out))
    return outcome.exit_status


def text(outcome: FixOutcome, out: Path) -> str:
    lines = []
    for f in outcome.files:
        lines.append(f"{f.original}: {f.action.value} → {f.output}")
        if f.fixed:
            lines.append(f"  corretti / fixed: {', '.join(f.fixed)}")
        if f.remaining:
            lines.append(f"  restano / remaining: {', '.join(f.remaining)}")
        lines += [f"  · {step}" for step in f.steps]
        if f.reason:
            lines.append(f"  motivo / reason: {f.reason}")
    if outcome.set_remaining:
        lines.append(f"insieme / set: restano {', '.join(outcome.set_remaining)}")
    lines.append(f"file corretti in / files written to {out} (+ {ZIP_NAME})")
    return "\n".join(lines) + "\n"
