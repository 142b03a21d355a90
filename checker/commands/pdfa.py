"""`pec-precheck pdfa FILE... [--flavour F] [--json]` — PDF/A conformance of each file.

Uses veraPDF when checker.verapdf finds it, else the built-in validator. With --json
prints one object per file: file, flavour, compliant, engine, failed_clauses.
Exit status: 0 all compliant, 1 some non-compliant, 3 some undecided, 2 usage.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .. import pdfa
from ..pdf import claimed_flavour
from ..pdfa import clauses
from ..pdfa.model import Flavour


def register(sub) -> None:
    p = sub.add_parser("pdfa", help="verifica la conformità PDF/A / check PDF/A conformance")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--flavour", default=None,
                   help="livello da verificare (1a, 1b, 2a, 2b, 2u, 3b...); "
                        "predefinito: quello dichiarato nel file")
    p.add_argument("--json", action="store_true", help="risultato JSON")
    p.set_defaults(func=run)


def _verapdf():
    """checker.verapdf when it is importable and finds a launcher, else None."""
    try:
        from .. import verapdf  # written by the veraPDF helper; optional
    except ImportError:
        return None
    try:
        return verapdf if verapdf.locate() else None
    except Exception:  # noqa: BLE001 - a broken install means: use the built-in one
        return None


def run(args) -> int:
    if args.flavour and Flavour.parse(args.flavour) is None:
        print(f"pec-precheck: --flavour {args.flavour!r} non valido (1a, 1b, 2a, 2b, 2u, 3a, 3b, 3u)",
              file=sys.stderr)
        return 2
    items = []
    for name in args.files:
        try:
            items.append((name, Path(name).read_bytes()))
        except OSError as exc:
            print(f"pec-precheck: {name}: {exc.strerror}", file=sys.stderr)
            return 2
    results = _with_verapdf(items, args.flavour) or [_builtin(n, d, args.flavour) for n, d in items]
    if args.json:
        json.dump([{k: r[k] for k in ("file", "flavour", "compliant", "engine", "failed_clauses")}
                   for r in results], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(_text(results))
    if any(r["compliant"] is None for r in results):
        return 3
    return 0 if all(r["compliant"] for r in results) else 1


def _builtin(name: str, data: bytes, flavour: str | None) -> dict:
    report = pdfa.validate(data, flavour)
    return {"file": name, "flavour": report.flavour.id if report.flavour else None,
            "compliant": report.compliant, "engine": "builtin",
            "failed_clauses": report.failed_clauses,
            "details": [f"{clauses.citation(f)} (test {f.test}): {f.detail}"
                        + (f" [{f.location}]" if f.location else "") for f in report.failures],
            "reason": report.not_checked_reason}


def _with_verapdf(items: list[tuple[str, bytes]], flavour: str | None) -> list[dict] | None:
    vera = _verapdf()
    if vera is None:
        return None
    flavours = [flavour or _claim(data) for _, data in items]
    try:
        results = vera.validate([(Path(n).name, d) for n, d in items], flavours)
    except Exception:  # noqa: BLE001 - veraPDF failing: fall back to the built-in validator
        return None
    out = []
    for (name, data), fl, r in zip(items, flavours, results):
        if r.compliant is None:  # veraPDF could not decide this file: the built-in one tries
            out.append(_builtin(name, data, flavour))
            continue
        out.append({"file": name, "flavour": r.flavour or fl, "compliant": r.compliant,
                    "engine": "verapdf", "failed_clauses": list(r.failed_clauses),
                    "details": [f"{c}-{t}: {d}" for c, t, d in r.failures],
                    "reason": r.not_checked_reason})
    return out


def _claim(data: bytes) -> str | None:
    import io

    import pikepdf
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return claimed_flavour(pdf)
    except Exception:  # noqa: BLE001 - unreadable: no claim
        return None


def _text(results: list[dict]) -> str:
    lines = []
    for r in results:
        engine = "veraPDF" if r["engine"] == "verapdf" else "validatore interno (pre-verifica)"
        flavour = f"PDF/A-{r['flavour']}" if r["flavour"] else "nessun livello PDF/A dichiarato"
        verdict = {True: "CONFORME", False: "NON CONFORME", None: "NON VERIFICABILE"}[r["compliant"]]
        lines.append(f"{r['file']}: {verdict} — {flavour} — {engine}")
        lines += [f"  · {d}" for d in r["details"]]
        if r["reason"]:
            lines.append(f"  motivo: {r['reason']}")
    return "\n".join(lines) + "\n"
