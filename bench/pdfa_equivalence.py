"""Before/after equivalence of the PDF parsers: the PDF/A validator's full report and the
active-content scan's hits and text, file by file.

    PYTHONPATH=$PWD .venv/bin/python bench/pdfa_equivalence.py record [--workers N] [--out F]
    PYTHONPATH=$PWD .venv/bin/python bench/pdfa_equivalence.py compare [--workers N] [--against F]

`record` writes bench/results/pdfa_equivalence.json (the reference) for every file of the
veraPDF corpus (../shared/corpus/verapdf, each validated against its folder's flavour and
against its own claim) and the generated bench PDFs (bench/pdf_samples.py). `compare`
computes the same now and prints every file whose output differs; exit 1 when any does.
Used to prove a speed change leaves every result (rule ids, details, locations, verdicts,
undecided rules, scan hits, page text) exactly as it was.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "verapdf"
RESULTS = ROOT / "bench" / "results"
GENERATED = RESULTS / "gen"
REFERENCE = RESULTS / "pdfa_equivalence.json"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _flavour(rel: Path) -> str | None:
    folder = rel.parts[0]
    if folder.startswith("PDF_A-"):
        return folder[len("PDF_A-"):].lower()
    m = re.search(r"pdfa([123])", str(rel), re.IGNORECASE)
    return f"{m.group(1)}b" if m else None


def inputs() -> list[tuple[str, str, str | None]]:
    """(label, path, flavour) for every file compared."""
    out: list[tuple[str, str, str | None]] = []
    for path in sorted(CORPUS.rglob("*.pdf")):
        rel = path.relative_to(CORPUS)
        out.append((f"corpus/{rel}", str(path), _flavour(rel)))
    GENERATED.mkdir(parents=True, exist_ok=True)
    import pdf_samples
    for name, make in (("text_10", lambda: pdf_samples.text_pdf(10)),
                       ("text_100", lambda: pdf_samples.text_pdf(100)),
                       ("text_1000", lambda: pdf_samples.text_pdf(1000)),
                       ("objects_200k", lambda: pdf_samples.many_objects_pdf(200_000))):
        path = GENERATED / f"{name}.pdf"
        if not path.exists():
            path.write_bytes(make())
        out.append((f"gen/{name}", str(path), None))
    return out


def _report(report) -> dict:
    return {"flavour": report.flavour.id if report.flavour else None, "claimed": report.claimed,
            "compliant": report.compliant, "reason": report.not_checked_reason,
            "failures": [[f.key, f.detail, f.location] for f in report.failures],
            "undecided": [[u.part, u.clause, u.detail, u.location] for u in report.undecided],
            "skipped": report.skipped_families}


def outcome(item: tuple[str, str, str | None]) -> tuple[str, dict]:
    from checker import pdfa
    from checker.pdfscan import scan

    label, path, flavour = item
    data = Path(path).read_bytes()
    result: dict = {"claimed": _report(pdfa.validate(data))}
    if flavour:
        result["forced"] = _report(pdfa.validate(data, flavour))
    scanned = scan(data)
    result["scan"] = {"pages": scanned.pages, "revisions": scanned.revisions, "text": scanned.text,
                      "hits": [[h.kind.value, h.where, h.detail, h.subtype, h.revision, list(h.extra)]
                               for h in scanned.hits]}
    return label, json.loads(json.dumps(result))


def compute(workers: int) -> dict[str, dict]:
    items = inputs()
    with multiprocessing.get_context("forkserver").Pool(workers, maxtasksperchild=50) as pool:
        return dict(pool.imap_unordered(outcome, items, chunksize=4))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=("record", "compare"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", "--against", dest="file", type=Path, default=REFERENCE)
    args = parser.parse_args()
    results = compute(args.workers)
    if args.mode == "record":
        args.file.parent.mkdir(parents=True, exist_ok=True)
        args.file.write_text(json.dumps(results, ensure_ascii=False, indent=0, sort_keys=True))
        print(f"recorded {len(results)} files into {args.file}")
        return 0
    reference = json.loads(args.file.read_text())
    differ = sorted(k for k in reference.keys() | results.keys() if reference.get(k) != results.get(k))
    for label in differ:
        old, new = reference.get(label, {}), results.get(label, {})
        for part in sorted(old.keys() | new.keys()):
            if old.get(part) != new.get(part):
                print(f"DIFFERS {label} [{part}]\n  before: {json.dumps(old.get(part), ensure_ascii=False)[:600]}"
                      f"\n  now:    {json.dumps(new.get(part), ensure_ascii=False)[:600]}")
    print(f"{len(results)} files compared, {len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
