"""The work behind `pec-precheck pdfa` (commands/pdfa.py), imported only when the command runs."""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pikepdf

from .. import pdfa, verapdf, verapdf_pool
from ..pdf import claimed_flavour
from ..pdfa import clauses
from ..pdfa.model import Flavour

ENGINES = ("auto", "builtin", "verapdf")
# the JSON contract: these keys, always; "reason" and "engine_version" were added later
JSON_KEYS = ("file", "flavour", "compliant", "engine", "failed_clauses", "reason",
             "engine_version")
NOT_INSTALLED = f"veraPDF not installed: {verapdf_pool.INSTALL_HINT}"


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
    results = _results(items, args.flavour, getattr(args, "engine", "auto"))
    if args.json:
        json.dump([{k: r[k] for k in JSON_KEYS} for r in results],
                  sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(_text(results))
    if any(r["compliant"] is None for r in results):
        return 3
    return 0 if all(r["compliant"] for r in results) else 1


def _results(items: list[tuple[str, bytes]], flavour: str | None, engine: str) -> list[dict]:
    if engine == "builtin":
        return [_builtin(n, d, flavour) for n, d in items]
    found = _verapdf_results(items, flavour)
    if found is None:  # veraPDF is not installed
        if engine == "verapdf":
            return [_undecided(n, flavour, NOT_INSTALLED) for n, _ in items]
        return [_builtin(n, d, flavour) for n, d in items]
    if engine == "verapdf":
        return found
    # auto: where veraPDF could not run on a file (timeout, crash, parse error) the built-in
    # validator answers; "no PDF/A claim" is veraPDF's answer about the file and stands
    return [r if r["compliant"] is not None or r["reason"] == verapdf.NO_CLAIM
            else _builtin(n, d, flavour) for (n, d), r in zip(items, found, strict=True)]


def _builtin(name: str, data: bytes, flavour: str | None) -> dict:
    report = pdfa.validate(data, flavour)
    return {"file": name, "flavour": report.flavour.id if report.flavour else None,
            "compliant": report.compliant, "engine": "builtin",
            "failed_clauses": report.failed_clauses,
            "details": [f"{clauses.citation(f)} (test {f.test}): {f.detail}"
                        + (f" [{f.location}]" if f.location else "") for f in report.failures],
            "reason": report.not_checked_reason, "engine_version": ""}


def _undecided(name: str, flavour: str | None, reason: str) -> dict:
    return {"file": name, "flavour": flavour, "compliant": None, "engine": "verapdf",
            "failed_clauses": [], "details": [], "reason": reason, "engine_version": ""}


def _verapdf_results(items: list[tuple[str, bytes]], flavour: str | None) -> list[dict] | None:
    """veraPDF's answer per file: the warm pool when built, else an external launcher;
    None when neither is installed."""
    if verapdf_pool.installed():
        # the pool reads the claim itself ("auto") and answers "no PDF/A claim" without one
        results = verapdf_pool.validate([(Path(n).name, d) for n, d in items],
                                        [flavour] * len(items))
    elif verapdf.locate():
        results = verapdf.validate([(Path(n).name, d) for n, d in items],
                                   [flavour or _claim(d) for _, d in items])
    else:
        return None
    out = []
    for (name, _), r in zip(items, results, strict=True):
        details = [f"{rule.get('specification', '')} {rule.get('clause', '')}-{rule.get('test', '')}"
                   f" ({rule.get('failed_checks', 1)}x): {rule.get('description', '')}"
                   + (f" [{rule['context']}]" if rule.get("context") else "") for rule in r.rules]
        out.append({"file": name, "flavour": r.flavour, "compliant": r.compliant,
                    "engine": "verapdf", "failed_clauses": list(r.failed_clauses),
                    "details": details or [f"{c}-{t}: {d}" for c, t, d in r.failures],
                    "reason": r.not_checked_reason, "engine_version": r.version})
    return out


def _claim(data: bytes) -> str | None:
    """The XMP claim, for the external launcher that needs the flavour named."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return claimed_flavour(pdf)
    except (pikepdf.PdfError, OSError, ValueError):  # unreadable: no claim read
        return None


def _text(results: list[dict]) -> str:
    lines = []
    for r in results:
        engine = (f"veraPDF {r['engine_version']}".strip() if r["engine"] == "verapdf"
                  else "validatore interno (pre-verifica)")
        flavour = f"PDF/A-{r['flavour']}" if r["flavour"] else "nessun livello PDF/A dichiarato"
        verdict = {True: "CONFORME", False: "NON CONFORME", None: "NON VERIFICABILE"}[r["compliant"]]
        lines.append(f"{r['file']}: {verdict} — {flavour} — {engine}")
        lines += [f"  · {d}" for d in r["details"]]
        if r["reason"]:
            lines.append(f"  motivo: {r['reason']}")
    return "\n".join(lines) + "\n"
