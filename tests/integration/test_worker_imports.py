"""A worker never imports: the forkserver (checker.isolation's preload, checks/_preload.py)
already holds every module identification and the checks import, also those they import
lazily inside functions (pyHanko's validation, pypdf, oletools' BIFF plugin, ...)."""
from __future__ import annotations

import worker_probe

from checker import checks, isolation, profiles
from checker.model import InputFile

KINDS = ["signed/domanda.pdf.p7m", "signed/firmato.pdf", "signed/fattura.xml", "signed/domanda.pdf.p7m.tsd",
         "signed/domanda.pdf.m7m", "signed/detached.p7s", "pdfa/pdfa2b-conforme.pdf", "pdf/text_links.pdf",
         "pdf/js_openaction.pdf", "content/pulito.docx", "content/macro-xlm.xls", "content/pulito.odt",
         "content/pulito.rtf", "content/pulito.tif", "content/collegamenti.txt", "content/collegamenti.html",
         "content/archivio.zip", "content/pulito.svg", "pec/messages"]


def test_no_worker_imports_a_module_while_checking_a_document(samples):
    settings = checks.settings_from_env()
    settings["trust"] = [str(samples / "signed" / "trust")]
    ctx = checks.CheckContext(profiles.get("generic"), settings)
    paths = []
    for kind in KINDS:
        path = samples / kind
        paths += sorted(p for p in path.iterdir() if p.suffix == ".eml")[:2] if path.is_dir() else [path]
    present = [p for p in paths if p.is_file()]
    assert len(present) >= len(KINDS) - 2, [str(p) for p in paths if not p.is_file()]
    jobs = [isolation.Job(label="probe", fn=worker_probe.imports_while_checking,
                          args=(InputFile(p.name, p.read_bytes()), ctx), timeout=120, key=p.name)
            for p in present]
    isolation.run_jobs(jobs)
    imported = {job.key: job.result.facts.get("imported") for job in jobs}
    assert all(v is not None for v in imported.values()), [j.result.findings for j in jobs]
    late = {name: mods for name, mods in imported.items() if mods}
    assert late == {}, "\n".join(f"{n}: {m}" for n, m in late.items())
