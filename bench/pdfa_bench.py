"""PDF/A benchmark: the built-in validator against veraPDF's developer corpus.

    .venv/bin/python bench/pdfa_bench.py [--workers N] [--list] [--no-qpdf] [FILTER]

Reads ../shared/corpus/verapdf relative to the repository. The expected verdict of
each file is `-pass-`/`-fail-` in its name, for the flavour of its folder (PDF_A-2b →
2b; TWG files name the part: pdfa1 → 1b, pdfa2 → 2b, pdfa3 → 3b). Prints agreement per
folder and per clause, false passes, false fails, and time per file beside
`qpdf --check` on the same files. Writes nothing into the repository.
"""
from __future__ import annotations

import argparse
import collections
import multiprocessing
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "verapdf"
sys.path.insert(0, str(ROOT))

PER_FILE_SECONDS = 60


@dataclass
class Case:
    path: Path
    folder: str       # PDF_A-2b, TWG test files
    flavour: str      # 2b
    expected: bool    # True = should pass
    clause: str       # 6.6.2.3.1 (from the file name)


@dataclass
class Outcome:
    case: Case
    compliant: bool | None
    failed: list[str]
    reason: str | None
    seconds: float
    qpdf_seconds: float | None


def cases(corpus: Path = CORPUS, pattern: str = "") -> list[Case]:
    out = []
    for path in sorted(corpus.rglob("*.pdf")):
        rel = path.relative_to(corpus)
        folder = rel.parts[0]
        m = re.search(r"-(pass|fail)-", path.name)
        if not m or pattern and pattern not in str(rel):
            continue
        if folder.startswith("PDF_A-"):
            flavour = folder[len("PDF_A-"):].lower()
        else:
            part = re.search(r"pdfa(\d)", path.name)
            if not part:
                continue
            flavour = f"{part.group(1)}b"
        c = re.search(r"suite ([\d-]+?)-t\d+", path.name)
        clause = c.group(1).replace("-", ".") if c else re.sub(r"-(pass|fail).*", "", path.stem)
        out.append(Case(path, folder, flavour, m.group(1) == "pass", clause))
    return out


def _alarm(signum, frame):
    raise TimeoutError("timeout")


def evaluate(case: Case, qpdf: bool = True) -> Outcome:
    from checker import pdfa
    data = case.path.read_bytes()
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(PER_FILE_SECONDS)
    t = time.perf_counter()
    try:
        report = pdfa.validate(data, case.flavour)
        compliant, failed, reason = report.compliant, report.failed_clauses, report.not_checked_reason
    except TimeoutError:
        compliant, failed, reason = None, [], "timeout"
    except Exception as exc:  # noqa: BLE001 - a crash is a result the bench must show
        compliant, failed, reason = None, [], f"CRASH {type(exc).__name__}: {exc}"
    finally:
        signal.alarm(0)
    seconds = time.perf_counter() - t
    qpdf_seconds = None
    if qpdf and shutil.which("qpdf"):
        t = time.perf_counter()
        subprocess.run(["qpdf", "--check", str(case.path)], capture_output=True, timeout=120)
        qpdf_seconds = time.perf_counter() - t
    return Outcome(case, compliant, failed, reason, seconds, qpdf_seconds)


def _evaluate_noqpdf(case: Case) -> Outcome:
    return evaluate(case, qpdf=False)


def run(selected: list[Case], workers: int = 2, qpdf: bool = True) -> list[Outcome]:
    fn = evaluate if qpdf else _evaluate_noqpdf
    with multiprocessing.get_context("fork").Pool(workers, maxtasksperchild=50) as pool:
        return pool.map(fn, selected, chunksize=4)


def agrees(o: Outcome) -> bool:
    """Undecided counts as disagreement: it is neither a pass nor a fail."""
    return o.compliant is not None and o.compliant == o.case.expected


def summary(outcomes: list[Outcome]) -> dict[str, dict[str, float]]:
    """{folder: {"files", "agree", "agreement", "false_fail", "false_pass", "undecided"}}."""
    table: dict[str, dict[str, float]] = collections.defaultdict(collections.Counter)
    for o in outcomes:
        row = table[o.case.folder]
        row["files"] += 1
        row["agree"] += agrees(o)
        row["false_fail"] += o.case.expected and o.compliant is False
        row["false_pass"] += (not o.case.expected) and o.compliant is True
        row["undecided"] += o.compliant is None
    out = {}
    for folder, row in sorted(table.items()):
        out[folder] = dict(row)
        out[folder]["agreement"] = row["agree"] / row["files"] if row["files"] else 0.0
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("filter", nargs="?", default="", help="only paths containing this text")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--list", action="store_true", help="list every disagreement")
    ap.add_argument("--no-qpdf", action="store_true", help="skip the qpdf --check timing")
    args = ap.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"corpus not found: {CORPUS}", file=sys.stderr)
        return 2
    selected = cases(CORPUS, args.filter)
    started = time.perf_counter()
    outcomes = run(selected, args.workers, qpdf=not args.no_qpdf)
    wall = time.perf_counter() - started

    print(f"{'folder':<18} {'files':>5} {'agree':>6} {'%':>7} {'false-fail':>10} "
          f"{'false-pass':>10} {'undecided':>9}")
    for folder, row in summary(outcomes).items():
        print(f"{folder:<18} {row['files']:>5} {row['agree']:>6} {100 * row['agreement']:>6.1f}% "
              f"{row['false_fail']:>10} {row['false_pass']:>10} {row['undecided']:>9}")
    total = len(outcomes)
    agree = sum(agrees(o) for o in outcomes)
    print(f"{'ALL':<18} {total:>5} {agree:>6} {100 * agree / max(total, 1):>6.1f}%")

    print("\nper clause (folder/clause: agree/files)")
    by_clause: dict[str, list[Outcome]] = collections.defaultdict(list)
    for o in outcomes:
        by_clause[f"{o.case.folder}/{o.case.clause}"].append(o)
    for key, group in sorted(by_clause.items()):
        ok = sum(agrees(o) for o in group)
        mark = "" if ok == len(group) else "  <--"
        print(f"  {key:<40} {ok:>3}/{len(group):<3}{mark}")

    times = [o.seconds for o in outcomes]
    qtimes = [o.qpdf_seconds for o in outcomes if o.qpdf_seconds is not None]
    print(f"\ntime per file: built-in mean {1000 * sum(times) / max(len(times), 1):.1f} ms, "
          f"max {1000 * max(times, default=0):.0f} ms", end="")
    if qtimes:
        print(f"; qpdf --check mean {1000 * sum(qtimes) / len(qtimes):.1f} ms, "
              f"max {1000 * max(qtimes):.0f} ms", end="")
    print(f"; wall {wall:.1f} s on {args.workers} workers")

    crashes = [o for o in outcomes if o.reason and o.reason.startswith(("CRASH", "timeout"))]
    for o in crashes:
        print(f"CRASH/TIMEOUT {o.case.path.relative_to(CORPUS)}: {o.reason}")
    if args.list:
        print("\ndisagreements:")
        for o in outcomes:
            if not agrees(o):
                kind = ("FALSE-FAIL" if o.case.expected and o.compliant is False else
                        "FALSE-PASS" if o.compliant else "UNDECIDED")
                print(f"  {kind:<10} {o.case.path.relative_to(CORPUS)} {o.failed} {o.reason or ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
