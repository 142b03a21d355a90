"""Active-content scan (checker.pdfscan) over veraPDF's developer corpus and the PDF samples.

    .venv/bin/python bench/pdf_active_bench.py [--no-samples] [--fuzz N]

Prints, per set: files, crashes (an exception out of scan() is a bug: bad input must be a
finding), hits per kind, median / 95th percentile / max seconds per file, and peak memory.
--fuzz N also scans N seeded random corruptions of the small samples. Runs in-process
under a 1 GiB address-space limit, like a worker. Writes nothing into the repository.
"""
from __future__ import annotations

import argparse
import collections
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "verapdf"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "samples"))

from checker.pdfscan import scan  # noqa: E402


def _measure(label: str, items: list[tuple[str, bytes]]) -> None:
    times, crashes, kinds = [], [], collections.Counter()
    for name, data in items:
        started = time.monotonic()
        try:
            report = scan(data)
        except Exception as exc:  # noqa: BLE001 - counted and shown
            crashes.append(f"{name}: {type(exc).__name__}: {exc}"[:200])
            continue
        finally:
            times.append(time.monotonic() - started)
        kinds.update({h.kind.value for h in report.hits})
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1] if times else 0.0
    print(f"\n== {label}: {len(items)} files, {sum(times):.1f} s total")
    print(f"   per file: median {statistics.median(times) if times else 0:.3f} s, "
          f"p95 {p95:.3f} s, max {max(times, default=0):.2f} s")
    print(f"   crashes: {len(crashes)}")
    for line in crashes[:10]:
        print(f"     {line}")
    print("   files with each kind of hit: "
          + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))


def _fuzz(sources: list[bytes], count: int, seed: int = 20261123) -> list[tuple[str, bytes]]:
    rnd = random.Random(seed)
    tokens = [b" 0 R", b"<<", b">>", b"[", b"]", b"/JS", b"endobj", b"%%EOF\n", b"999999999", b"-1"]
    out = []
    for i in range(count):
        data = bytearray(rnd.choice(sources))
        for _ in range(rnd.randint(1, 20)):
            if not data:
                break
            pos, op = rnd.randrange(len(data)), rnd.random()
            if op < 0.5:
                data[pos] = rnd.randrange(256)
            elif op < 0.7:
                del data[pos:pos + rnd.randint(1, 50)]
            elif op < 0.9:
                data[pos:pos] = rnd.choice(tokens)
            else:
                del data[pos:]
        out.append((f"fuzz-{i}", bytes(data)))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-samples", action="store_true")
    parser.add_argument("--fuzz", type=int, default=0)
    args = parser.parse_args()
    limit = 1 << 30
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if CORPUS.exists():
        _measure("veraPDF corpus", [(str(p.relative_to(CORPUS)), p.read_bytes())
                                    for p in sorted(CORPUS.rglob("*.pdf"))])
    samples: list[tuple[str, bytes]] = []
    if not args.no_samples or args.fuzz:
        import gen_pdf
        with tempfile.TemporaryDirectory() as tmp:
            gen_pdf.generate(Path(tmp))
            samples = [(p.name, p.read_bytes()) for p in sorted((Path(tmp) / gen_pdf.TOPIC).glob("*.pdf"))]
    if not args.no_samples:
        _measure("samples/gen_pdf.py", samples)
    if args.fuzz:
        small = [d for _, d in samples if len(d) < 100_000]
        _measure(f"{args.fuzz} seeded corruptions of the samples", _fuzz(small, args.fuzz))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
