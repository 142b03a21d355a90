"""`pec-precheck check FILE... [--profile ID] [--sender ADDR] [--subject S] [--doc-type T]
[--main FILE] [--trust PATH] [--at DATE] [--json]` — exit 0 ready, 1 fix, 3 undetermined
(2 is argparse's usage error)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .. import profiles
from ._files import read_submission_files
from ..model import Submission, Verdict

EXIT = {Verdict.READY: 0, Verdict.FIX: 1, Verdict.UNDETERMINED: 3}


def register(sub) -> None:
    p = sub.add_parser("check", help="verifica i file di un messaggio / check a submission's files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--profile", default="generic", choices=list(profiles.load_all()),
                   help="ufficio di destinazione / destination office profile")
    p.add_argument("--sender", default="", help="indirizzo del mittente / sender address")
    p.add_argument("--recipient", default="", help="indirizzo PEC di destinazione / recipient box")
    p.add_argument("--subject", default="", help="oggetto del messaggio / subject")
    p.add_argument("--doc-type", default="", help="tipo di documento / document type")
    p.add_argument("--destination", default="", help="ufficio destinatario / office or unit")
    p.add_argument("--main", default="", metavar="FILE", help="documento principale / main document")
    p.add_argument("--json", action="store_true", help="report JSON")
    p.add_argument("--trust", action="append", default=[], metavar="PATH",
                   help="elenco di fiducia (XML ETSI TS 119 612) o cartella di certificati PEM; "
                        "ripetibile / trusted list or PEM folder (repeatable)")
    p.add_argument("--at", default="", metavar="DATE",
                   help="verifica le firme a questa data, AAAA-MM-GG[THH:MM] (ora italiana) / "
                        "validate signatures at this date")
    p.add_argument("--lang", default="it", choices=["it", "en"])
    p.set_defaults(func=run)


def run(args) -> int:
    # imported here, not at the top: `pec-precheck --help` and the other commands do not
    # pay for the checks (pikepdf, pyHanko, ...), see tests/unit/test_cli_imports.py
    from .. import checks, engine, isolation, report
    from ..signatures import validation_time
    read = read_submission_files(args.files, args.main)
    if read is None:
        return 2
    files, main = read
    sub = Submission(profile=args.profile, sender=args.sender, recipient=args.recipient,
                     subject=args.subject, doc_type=args.doc_type,
                     destination=args.destination, main=main, files=files)
    settings = checks.settings_from_env()
    if args.trust:
        settings["trust"] = [str(Path(p).resolve()) for p in args.trust]
    if args.at:
        try:
            settings[validation_time.SETTINGS_KEY] = validation_time.parse_at(args.at)
        except ValueError as exc:
            print(f"pec-precheck: --at: {exc}", file=sys.stderr)
            return 2
    # this process imports what the workers need once and forks them
    with isolation.forking(isolation.preload_for(files)):
        result = engine.check_submission(sub, settings)
    if args.json:
        json.dump(report.to_json(result), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(report.to_text(result, args.lang))
    return EXIT[result.verdict]
