"""`pec-precheck pdfa FILE... [--flavour F] [--engine auto|builtin|verapdf] [--json]`.

PDF/A conformance of each file. --engine auto (default): veraPDF when installed (the warm
pool built by `make install`, else an external VERAPDF launcher), else the built-in
validator; builtin: the built-in validator only; verapdf: veraPDF only (undecided, exit 3,
when it is not installed). With --json prints one object per file: file, flavour,
compliant, engine ("verapdf" or "builtin"), failed_clauses, plus reason and engine_version.
Exit status: 0 all compliant, 1 some non-compliant, 3 some undecided, 2 usage.
"""
from __future__ import annotations

ENGINES = ("auto", "builtin", "verapdf")


def register(sub) -> None:
    p = sub.add_parser("pdfa", help="verifica la conformità PDF/A / check PDF/A conformance")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--flavour", default=None,
                   help="livello da verificare (1a, 1b, 2a, 2b, 2u, 3b...); "
                        "predefinito: quello dichiarato nel file")
    p.add_argument("--engine", choices=ENGINES, default="auto",
                   help="auto: veraPDF se installato, altrimenti il validatore interno; "
                        "builtin: solo il validatore interno; verapdf: solo veraPDF")
    p.add_argument("--json", action="store_true", help="risultato JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    # the validator (pikepdf, veraPDF client) is imported only when this command runs
    from ._pdfa_run import run as run_pdfa
    return run_pdfa(args)
