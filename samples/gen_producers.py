"""PDFs from real producers, for the differential test of the built-in PDF/A validator
against veraPDF (tests/corpus/test_pdfa_differential.py, bench/pdfa_diff_bench.py).

Writes outdir/producers/<producer>/*.pdf and outdir/producers/manifest.json (one entry per
file: producer, the flavour to validate against, the mutation if any). Producers:
- libreoffice: .odt (odfpy) and .docx (python-docx) documents exported headless as PDF/A-1b,
  2b, 3b and plain PDF, three sets of export options; one soffice process per batch of
  files, each batch with its own -env:UserInstallation profile and a timeout;
- ghostscript: reportlab PDFs converted with -dPDFA=1/2/3 -dPDFACompatibilityPolicy=1 and
  an sRGB (or CMYK) OutputIntent from the ICC profiles Ghostscript ships;
- reportlab and img2pdf: plain PDFs (neither writes PDF/A);
- pikepdf: conforming LibreOffice/Ghostscript outputs, each broken in one known way.

Sources vary by a seeded RNG (samples/producer_sources.py). The folder is a cache: when the
manifest names every file and VERSION matches, nothing is generated again. LibreOffice and
Ghostscript come from scripts/install-system.sh test; without them this raises.
"""
from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import producer_sources as sources  # noqa: E402

from producer_mutations import MUTATIONS  # noqa: E402

VERSION = 1
SEED = 19005
LO_DOCS = 72             # each exported 4 times (PDF/A-1b, 2b, 3b, plain)
GS_SOURCES = 24          # each converted to PDF/A-1, 2, 3
REPORTLAB_PLAIN = 36     # the reportlab files kept as they are (GS_SOURCES of them converted)
IMG2PDF_FILES = 16
MUTATED_BASES = 3        # conforming files per mutation
LO_TIMEOUT = 300         # seconds for one soffice batch
GS_TIMEOUT = 60          # seconds for one Ghostscript conversion
INSTALL_HINT = "install LibreOffice and Ghostscript: scripts/install-system.sh test"

# LibreOffice's PDF export filter options (JSON form, LibreOffice ≥ 7.4)
LO_VERSIONS = {"pdfa1": 1, "pdfa2": 2, "pdfa3": 3, "plain": 0}
LO_OPTION_SETS = [
    {},
    {"UseTaggedPDF": ("boolean", "true"), "ExportBookmarks": ("boolean", "true"),
     "ExportNotes": ("boolean", "true"), "UseLosslessCompression": ("boolean", "true")},
    {"ReduceImageResolution": ("boolean", "true"), "MaxImageResolution": ("long", "75"),
     "Quality": ("long", "40"), "EmbedStandardFonts": ("boolean", "true"),
     "ExportFormFields": ("boolean", "false")},
]


def producers_dir(outdir: Path) -> Path:
    return Path(outdir) / "producers"


def load_manifest(outdir: Path) -> list[dict] | None:
    """The manifest when the folder is complete (every file there, same VERSION), else None."""
    folder = producers_dir(outdir)
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    if manifest.get("version") != VERSION:
        return None
    entries = manifest.get("files", [])
    if not all((folder / e["file"]).is_file() for e in entries):
        return None
    return entries


def generate(outdir: Path) -> None:
    if load_manifest(outdir) is not None:
        return
    for tool in ("soffice", "gs"):
        if not shutil.which(tool):
            raise RuntimeError(f"{tool} not found: {INSTALL_HINT}")
    folder = producers_dir(outdir)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    rng = random.Random(SEED)
    entries: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="producers-") as tmp:
        work = Path(tmp)
        with ThreadPoolExecutor(2) as pool:
            lo_jobs = _libreoffice_batches(rng, work)
            lo_done = [pool.submit(_run_lo_batch, *job, work, folder) for job in lo_jobs]
            rl = _reportlab_sources(rng, work, folder, entries)
            gs_done = [pool.submit(_ghostscript, src, part, strategy, work, folder)
                       for n, src in enumerate(rl[:GS_SOURCES])
                       for part, strategy in ((1, "RGB"), (2, "CMYK" if n % 4 == 3 else "RGB"),
                                              (3, "RGB"))]
            _img2pdf(rng, work, folder, entries)
            for job in lo_done + gs_done:
                entries += job.result()
        entries += _mutations(folder, entries)
    flavours = {}
    for entry in entries:
        # a mutation without a claim left (no XMP) keeps its base file's flavour
        flavours[entry["file"]] = entry["flavour"] = _flavour(folder / entry["file"]) or flavours.get(
            entry.get("base", ""), "2b")
    entries.sort(key=lambda e: e["file"])
    (folder / "manifest.json").write_text(json.dumps({"version": VERSION, "files": entries}, indent=1))


def _flavour(path: Path) -> str | None:
    """The flavour the file claims, else None (a plain PDF is validated as if it claimed 2b)."""
    import pikepdf

    from checker.pdf import claimed_flavour
    from checker.pdfa.model import Flavour

    try:
        with pikepdf.open(path) as pdf:
            claimed = claimed_flavour(pdf)
    except pikepdf.PdfError:
        return None
    parsed = Flavour.parse(claimed) if claimed else None
    return parsed.id if parsed else None


# -- LibreOffice ---------------------------------------------------------------------------

def _filter(version: int, options: dict[str, tuple[str, str]]) -> str:
    values = {"SelectPdfVersion": {"type": "long", "value": str(version)}}
    values.update({k: {"type": t, "value": v} for k, (t, v) in options.items()})
    return "pdf:writer_pdf_Export:" + json.dumps(values, separators=(",", ":"))


def _libreoffice_batches(rng: random.Random, work: Path) -> list[tuple[str, int, list[Path]]]:
    """(label, option set, documents) per soffice call: every document in its option set,
    once per PDF version."""
    src = work / "lo-src"
    src.mkdir()
    groups: list[list[Path]] = [[] for _ in LO_OPTION_SETS]
    for n in range(LO_DOCS):
        make = sources.odt if n % 2 == 0 else sources.docx
        path = make(random.Random(rng.random()), src, f"{'odt' if n % 2 == 0 else 'docx'}-{n:03d}")
        groups[n % len(LO_OPTION_SETS)].append(path)
    return [(label, opts, docs) for label in LO_VERSIONS for opts, docs in enumerate(groups)]


def _run_lo_batch(label: str, opts: int, docs: list[Path], work: Path, folder: Path) -> list[dict]:
    profile = work / f"lo-profile-{label}-{opts}"
    out = work / f"lo-out-{label}-{opts}"
    cmd = ["soffice", "--headless", "--norestore", "--nolockcheck",
           f"-env:UserInstallation={profile.as_uri()}",
           "--convert-to", _filter(LO_VERSIONS[label], LO_OPTION_SETS[opts]),
           "--outdir", str(out), *map(str, docs)]
    try:
        subprocess.run(cmd, capture_output=True, timeout=LO_TIMEOUT, start_new_session=True)
    except subprocess.TimeoutExpired:
        print(f"gen_producers: soffice batch {label}/{opts} timed out", file=sys.stderr)
    dest = folder / "libreoffice"
    dest.mkdir(exist_ok=True)
    entries = []
    for doc in docs:
        made = out / f"{doc.stem}.pdf"
        if made.is_file():
            name = f"{doc.stem}-{label}-o{opts}.pdf"
            shutil.move(made, dest / name)
            entries.append({"file": f"libreoffice/{name}", "producer": "libreoffice",
                            "source": doc.suffix[1:], "options": opts})
    return entries


# -- reportlab, Ghostscript, img2pdf -----------------------------------------------------------

def _reportlab_sources(rng: random.Random, work: Path, folder: Path, entries: list[dict]) -> list[Path]:
    src = work / "rl-src"
    src.mkdir()
    dest = folder / "reportlab"
    dest.mkdir()
    made = []
    for n in range(REPORTLAB_PLAIN):
        path = sources.reportlab_pdf(random.Random(rng.random()), src, f"rl-{n:03d}",
                                     encrypt=n >= REPORTLAB_PLAIN - 2)
        shutil.copy(path, dest / path.name)
        entries.append({"file": f"reportlab/{path.name}", "producer": "reportlab"})
        made.append(path)
    return made


def _icc(name: str) -> Path:
    for pattern in (f"/usr/share/color/icc/ghostscript/{name}",
                    f"/usr/share/ghostscript/*/iccprofiles/{name}"):
        found = sorted(Path("/").glob(pattern.lstrip("/")))
        if found:
            return found[0]
    raise RuntimeError(f"Ghostscript's {name} not found: {INSTALL_HINT}")


def _pdfa_def(work: Path, strategy: str) -> tuple[Path, Path]:
    """Ghostscript's PDFA_def.ps (its lib/ template, reduced): the OutputIntent pdfmarks."""
    icc = _icc("srgb.icc" if strategy == "RGB" else "default_cmyk.icc")
    ps = work / f"PDFA_def-{strategy}.ps"
    n = 3 if strategy == "RGB" else 4
    ps.write_text(f"""%!
[ /Title (Documento di prova) /DOCINFO pdfmark
/ICCProfile ({icc}) def
[/_objdef {{icc_PDFA}} /type /stream /OBJ pdfmark
[{{icc_PDFA}} << /N {n} >> /PUT pdfmark
[{{icc_PDFA}} ICCProfile (r) file /PUT pdfmark
[/_objdef {{OutputIntent_PDFA}} /type /dict /OBJ pdfmark
[{{OutputIntent_PDFA}} << /Type /OutputIntent /S /GTS_PDFA1 /DestOutputProfile {{icc_PDFA}}
   /OutputConditionIdentifier ({'sRGB' if n == 3 else 'CMYK'}) >> /PUT pdfmark
[{{Catalog}} << /OutputIntents [ {{OutputIntent_PDFA}} ] >> /PUT pdfmark
""")
    return ps, icc


def _ghostscript(src: Path, part: int, strategy: str, work: Path, folder: Path) -> list[dict]:
    ps, icc = _pdfa_def(work, strategy)
    dest = folder / "ghostscript"
    dest.mkdir(exist_ok=True)
    name = f"{src.stem}-gs-pdfa{part}-{strategy.lower()}.pdf"
    cmd = ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite",
           f"-dPDFA={part}", "-dPDFACompatibilityPolicy=1",
           f"-sColorConversionStrategy={strategy}", f"--permit-file-read={icc}",
           f"-sOutputFile={dest / name}", str(ps), str(src)]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=GS_TIMEOUT, start_new_session=True)
    except subprocess.TimeoutExpired:
        print(f"gen_producers: gs timed out on {name}", file=sys.stderr)
        return []
    if done.returncode != 0 or not (dest / name).is_file():
        print(f"gen_producers: gs failed on {name}: {done.stderr[-300:]!r}", file=sys.stderr)
        (dest / name).unlink(missing_ok=True)
        return []
    return [{"file": f"ghostscript/{name}", "producer": "ghostscript", "strategy": strategy}]


def _img2pdf(rng: random.Random, work: Path, folder: Path, entries: list[dict]) -> None:
    import img2pdf

    src = work / "img-src"
    src.mkdir()
    dest = folder / "img2pdf"
    dest.mkdir()
    a4 = (img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297))
    for n in range(IMG2PDF_FILES):
        images = sources.images_for_img2pdf(random.Random(rng.random()), src, f"img-{n:03d}")
        layout = {"layout_fun": img2pdf.get_layout_fun(a4)} if n % 2 else {}
        data = img2pdf.convert([str(p) for p in images], nodate=True, **layout)
        (dest / f"img-{n:03d}.pdf").write_bytes(data)
        entries.append({"file": f"img2pdf/img-{n:03d}.pdf", "producer": "img2pdf"})


# -- pikepdf mutations of conforming outputs ---------------------------------------------------

def _mutations(folder: Path, entries: list[dict]) -> list[dict]:
    """Every mutation applied to MUTATED_BASES PDF/A outputs (LibreOffice first, then gs)."""
    bases = [e["file"] for e in entries
             if e["producer"] in ("libreoffice", "ghostscript") and "plain" not in e["file"]]
    bases = sorted(bases, key=lambda f: (not f.startswith("libreoffice"), f))
    dest = folder / "pikepdf"
    dest.mkdir()
    out = []
    for m, (label, mutate) in enumerate(sorted(MUTATIONS.items())):
        for k in range(MUTATED_BASES):
            base = bases[(m * MUTATED_BASES + k) * 7 % len(bases)]
            data = mutate((folder / base).read_bytes())
            if data is None:
                continue
            name = f"{Path(base).stem}-{label}.pdf"
            (dest / name).write_bytes(data)
            out.append({"file": f"pikepdf/{name}", "producer": "pikepdf", "mutation": label,
                        "base": base})
    return out


if __name__ == "__main__":
    generate(Path(sys.argv[1] if len(sys.argv) > 1 else HERE / "out"))
