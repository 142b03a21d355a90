"""Differential PDF/A benchmark: the built-in validator against the real veraPDF, file by file.

    PYTHONPATH=$PWD .venv/bin/python bench/pdfa_diff_bench.py [--workers N] [--list] [FILTER]

Both engines validate every file of veraPDF's developer corpus (../shared/corpus/verapdf, the
flavour of its folder) and of the real-producer set (samples/out/producers, made by
samples/gen_producers.py when missing; the flavour each file claims, 2b for plain PDFs).
veraPDF's verdict is the reference: prints agreement per folder, the files the built-in fails
and veraPDF passes (false fails), and per rule id the files where only one engine fails it.
Writes the same to bench/results/pdfa_diff.txt and .json. tests/corpus/test_pdfa_differential.py
runs the same comparison.
"""
from __future__ import annotations

import argparse
import collections
import json
import multiprocessing
import signal
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "verapdf"
SAMPLES = ROOT / "samples" / "out"
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "samples"))
sys.path.insert(0, str(ROOT / "bench"))

PER_FILE_SECONDS = 60


@dataclass(frozen=True)
class Item:
    path: Path
    folder: str    # "corpus/PDF_A-2b", "producers/libreoffice"
    name: str      # path relative to its set
    flavour: str


@dataclass
class Verdict:
    compliant: bool | None
    failed: list[str] = field(default_factory=list)
    reason: str | None = None


@dataclass
class Pair:
    item: Item
    builtin: Verdict
    vera: Verdict
    seconds: float = 0.0

    @property
    def decided(self) -> bool:
        return self.vera.compliant is not None

    @property
    def agrees(self) -> bool:
        return self.decided and self.builtin.compliant == self.vera.compliant

    @property
    def false_fail(self) -> bool:
        return self.vera.compliant is True and self.builtin.compliant is False


def corpus_items(corpus: Path = CORPUS, pattern: str = "") -> list[Item]:
    import pdfa_bench
    return [Item(c.path, f"corpus/{c.folder}", str(c.path.relative_to(corpus)), c.flavour)
            for c in pdfa_bench.cases(corpus, pattern)]


def producer_items(outdir: Path = SAMPLES, pattern: str = "") -> list[Item]:
    """The producer set, generated first when the folder is not complete."""
    import gen_producers
    entries = gen_producers.load_manifest(outdir)
    if entries is None:
        gen_producers.generate(outdir)
        entries = gen_producers.load_manifest(outdir) or []
    folder = gen_producers.producers_dir(outdir)
    return [Item(folder / e["file"], f"producers/{e['producer']}", e["file"], e["flavour"])
            for e in entries if pattern in e["file"]]


# -- running both engines ------------------------------------------------------------------------

_worker: dict = {}  # "vera": this worker's own VeraPool (one JVM), made by _init


def _init() -> None:
    from checker.verapdf_pool import PoolSettings, VeraPool
    settings = PoolSettings.from_env()
    _worker["vera"] = VeraPool(PoolSettings(size=1, heap_mb=settings.heap_mb, timeout=PER_FILE_SECONDS))


def _alarm(signum, frame):
    raise TimeoutError("timeout")


def _builtin(data: bytes, flavour: str) -> Verdict:
    from checker import pdfa
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(PER_FILE_SECONDS)
    try:
        report = pdfa.validate(data, flavour)
        return Verdict(report.compliant, report.failed_clauses, report.not_checked_reason)
    except TimeoutError:
        return Verdict(None, [], "timeout")
    except Exception as exc:  # noqa: BLE001 - a crash is a result the comparison must show
        return Verdict(None, [], f"CRASH {type(exc).__name__}: {exc}")
    finally:
        signal.alarm(0)


def evaluate(item: Item) -> Pair:
    vera_pool = _worker["vera"]
    data = item.path.read_bytes()
    started = time.perf_counter()
    builtin = _builtin(data, item.flavour)
    answer = vera_pool.validate(data, item.flavour, name=item.name, timeout=PER_FILE_SECONDS)
    vera = Verdict(answer.compliant, list(answer.failed_clauses), answer.not_checked_reason)
    return Pair(item, builtin, vera, time.perf_counter() - started)


def run(items: list[Item], workers: int = 2) -> list[Pair]:
    """Both engines on every item, `workers` processes each with its own warm JVM (the JVMs
    exit when their worker's pipe closes)."""
    with multiprocessing.get_context("fork").Pool(workers, initializer=_init) as pool:
        return pool.map(evaluate, items, chunksize=4)


# -- tables ------------------------------------------------------------------------------------

def per_folder(pairs: list[Pair]) -> dict[str, dict[str, float]]:
    """{folder: files, decided (by veraPDF), agree, agreement, false_fail, false_pass,
    builtin_undecided}; agreement is over the files veraPDF decided."""
    rows: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for p in pairs:
        row = rows[p.item.folder]
        row["files"] += 1
        row["decided"] += p.decided
        row["agree"] += p.agrees
        row["false_fail"] += p.false_fail
        row["false_pass"] += p.vera.compliant is False and p.builtin.compliant is True
        row["builtin_undecided"] += p.decided and p.builtin.compliant is None
    out: dict[str, dict[str, float]] = {}
    for folder, row in sorted(rows.items()):
        out[folder] = dict(row)
        out[folder]["agreement"] = row["agree"] / row["decided"] if row["decided"] else 1.0
    return out


def per_rule(pairs: list[Pair]) -> list[tuple[str, list[str], list[str]]]:
    """(rule id, files only the built-in fails it in, files only veraPDF fails it in), over
    the files both engines decided; most disagreements first."""
    only_builtin: dict[str, list[str]] = collections.defaultdict(list)
    only_vera: dict[str, list[str]] = collections.defaultdict(list)
    for p in pairs:
        if p.vera.compliant is None or p.builtin.compliant is None:
            continue
        name = f"{p.item.folder.split('/')[0]}/{p.item.name}"
        for rule in set(p.builtin.failed) - set(p.vera.failed):
            only_builtin[rule].append(name)
        for rule in set(p.vera.failed) - set(p.builtin.failed):
            only_vera[rule].append(name)
    rules = set(only_builtin) | set(only_vera)
    table = [(r, sorted(only_builtin[r]), sorted(only_vera[r])) for r in rules]
    return sorted(table, key=lambda t: (-len(t[1]) - len(t[2]), t[0]))


def report(pairs: list[Pair], wall: float, workers: int, listing: bool = False) -> str:
    lines = [f"{'folder':<26} {'files':>5} {'decided':>7} {'agree':>5} {'%':>7} {'false-fail':>10} "
             f"{'false-pass':>10} {'b-undecided':>11}"]
    table = per_folder(pairs)
    for folder, row in table.items():
        lines.append(f"{folder:<26} {row['files']:>5} {row['decided']:>7} {row['agree']:>5} "
                     f"{100 * row['agreement']:>6.1f}% {row['false_fail']:>10} {row['false_pass']:>10} "
                     f"{row['builtin_undecided']:>11}")
    for group in ("corpus", "producers"):
        rows = [r for f, r in table.items() if f.startswith(group + "/")]
        decided, agree = sum(r["decided"] for r in rows), sum(r["agree"] for r in rows)
        lines.append(f"{group.upper():<26} {sum(r['files'] for r in rows):>5} {decided:>7} {agree:>5} "
                     f"{100 * agree / max(decided, 1):>6.1f}% "
                     f"{sum(r['false_fail'] for r in rows):>10} {sum(r['false_pass'] for r in rows):>10}")
    lines.append(f"\nwall {wall:.1f} s on {workers} workers")
    lines.append("\nfalse fails (veraPDF passes, built-in fails):")
    lines += [f"  {p.item.folder}/{p.item.name} [{p.item.flavour}] {p.builtin.failed}"
              for p in pairs if p.false_fail] or ["  none"]
    lines.append("\nper rule: files where only the built-in fails it | only veraPDF fails it")
    for rule, builtin_only, vera_only in per_rule(pairs):
        lines.append(f"  {rule:<22} {len(builtin_only):>4} | {len(vera_only):>4}   "
                     f"e.g. {(builtin_only or vera_only)[0]}")
    undecided = [p for p in pairs if not p.decided]
    lines.append(f"\nveraPDF undecided: {len(undecided)}")
    lines += [f"  {p.item.folder}/{p.item.name}: {p.vera.reason}"[:200] for p in undecided]
    if listing:
        lines.append("\ndisagreements:")
        lines += [f"  {p.item.folder}/{p.item.name} [{p.item.flavour}] built-in {p.builtin.compliant} "
                  f"{p.builtin.failed} {p.builtin.reason or ''} | veraPDF {p.vera.compliant} {p.vera.failed}"
                  for p in pairs if p.decided and not p.agrees]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("filter", nargs="?", default="", help="only files whose folder/name contains this text")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--list", action="store_true", help="list every disagreement")
    args = ap.parse_args(argv)
    from checker import verapdf_pool
    if not verapdf_pool.installed():
        print(f"veraPDF not built: {verapdf_pool.INSTALL_HINT}", file=sys.stderr)
        return 2
    if not CORPUS.is_dir():
        print(f"corpus not found: {CORPUS}", file=sys.stderr)
        return 2
    items = [i for i in corpus_items(CORPUS) + producer_items(SAMPLES)
             if args.filter in f"{i.folder}/{i.name}"]
    started = time.perf_counter()
    pairs = run(items, args.workers)
    text = report(pairs, time.perf_counter() - started, args.workers, args.list)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pdfa_diff.txt").write_text(text + "\n")
    (RESULTS / "pdfa_diff.json").write_text(json.dumps(
        [asdict(p) | {"item": {**asdict(p.item), "path": str(p.item.path)}} for p in pairs], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
