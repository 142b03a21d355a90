"""Conversions to PDF/A with real tools: LibreOffice headless for word-processor, spreadsheet
and presentation files, Ghostscript for PDFs.

Both tools read and write files only: each conversion gets its own private directory
(workspace.private_dir: mode 0700, RAM-backed when /dev/shm exists, removed afterwards), the
only place the fix pipeline writes an upload to disk. Every LibreOffice conversion is its own
soffice process with its own -env:UserInstallation profile inside that directory, so two
conversions never share an instance, and a hardened profile (no macros, no external links
fetched). Both run in a new session with a wall-clock limit; on time-out the whole process
group is killed. Nothing here parses the file itself.
"""
from __future__ import annotations

import contextlib
import glob
import json
import os
import resource
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .workspace import private_dir

TIMEOUT = float(os.environ.get("PEC_PRECHECK_FIX_TIMEOUT", "120"))
GS_MEMORY_MB = 2048
INSTALL_HINT = ("install LibreOffice and Ghostscript: scripts/install-system.sh run "
                "(libreoffice-writer-nogui, -calc-nogui, -impress-nogui, ghostscript)")

# format id (checker/identify/kinds.py) → LibreOffice application, whose PDF filter exports it
OFFICE_APPS: dict[str, str] = {
    "doc": "writer", "docx": "writer", "docm": "writer", "odt": "writer", "rtf": "writer",
    "xls": "calc", "xlsx": "calc", "xlsm": "calc", "xlsb": "calc", "ods": "calc",
    "ppt": "impress", "pptx": "impress", "pptm": "impress", "odp": "impress",
    "odg": "draw",
}
# the extension LibreOffice is told the input has (it sniffs the content too)
_SUFFIX = {"doc": "doc", "docx": "docx", "docm": "docm", "odt": "odt", "rtf": "rtf", "xls": "xls",
           "xlsx": "xlsx", "xlsm": "xlsm", "xlsb": "xlsb", "ods": "ods", "ppt": "ppt",
           "pptx": "pptx", "pptm": "pptm", "odp": "odp", "odg": "odg"}
# PDF/A levels each tool writes: LibreOffice's SelectPdfVersion and Ghostscript's -dPDFA
LEVELS = {"1b": 1, "2b": 2, "3b": 3}

# A profile that runs no macro, updates no link and fetches nothing referenced from outside
_SETTINGS = (("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "3"),
             ("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "true"),
             ("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "true"),
             ("/org.openoffice.Office.Writer/Content/Update", "Link", "2"),    # 2: never update
             ("/org.openoffice.Office.Calc/Content/Update", "Link", "2"))
_REGISTRY = ('<?xml version="1.0" encoding="UTF-8"?>\n'
             '<oor:items xmlns:oor="http://openoffice.org/2001/registry">\n'
             + "".join(f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse">'
                       f"<value>{value}</value></prop></item>\n" for path, name, value in _SETTINGS)
             + "</oor:items>\n")


class ConversionError(RuntimeError):
    """The tool is missing, failed, timed out or wrote nothing: the message says which."""


@dataclass(frozen=True)
class Converted:
    data: bytes
    tool: str          # "LibreOffice 7.4" / "Ghostscript 10.00.0"
    seconds: float


def available() -> dict[str, bool]:
    return {"libreoffice": bool(shutil.which("soffice")), "ghostscript": bool(shutil.which("gs"))}


def office_to_pdfa(data: bytes, format_id: str, level: str = "2b",
                   timeout: float = TIMEOUT) -> Converted:
    """An Office/ODF/RTF document as PDF/A (`level` 1b, 2b or 3b), exported by LibreOffice."""
    app = OFFICE_APPS.get(format_id)
    if app is None:
        raise ConversionError(f"LibreOffice does not convert {format_id!r} here")
    if level not in LEVELS:
        raise ConversionError(f"PDF/A-{level} is not a level LibreOffice writes")
    soffice = shutil.which("soffice")
    if not soffice:
        raise ConversionError(f"soffice not found: {INSTALL_HINT}")
    options = {"SelectPdfVersion": {"type": "long", "value": str(LEVELS[level])},
               # no form fields, no comments as annotations: PDF/A wants appearances for both
               "ExportFormFields": {"type": "boolean", "value": "false"},
               "ExportNotes": {"type": "boolean", "value": "false"},
               "EmbedStandardFonts": {"type": "boolean", "value": "true"}}
    target = f"pdf:{app}_pdf_Export:" + json.dumps(options, separators=(",", ":"))
    with private_dir() as work:
        profile = work / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")
        source = work / f"document.{_SUFFIX[format_id]}"
        source.write_bytes(data)
        out = work / "out"
        cmd = [soffice, "--headless", "--norestore", "--nolockcheck", "--nologo", "--nodefault",
               f"-env:UserInstallation={profile.as_uri()}", "--convert-to", target,
               "--outdir", str(out), str(source)]
        seconds = _run(cmd, timeout, "LibreOffice", cwd=work)
        made = out / "document.pdf"
        if not made.is_file() or made.stat().st_size == 0:
            raise ConversionError("LibreOffice wrote no PDF (damaged or password-protected file?)")
        return Converted(made.read_bytes(), "LibreOffice", seconds)


def srgb_profile() -> Path:
    """Ghostscript's own sRGB ICC profile, for the PDF/A output intent."""
    for pattern in ("/usr/share/color/icc/ghostscript/srgb.icc",
                    "/usr/share/ghostscript/*/iccprofiles/srgb.icc"):
        found = sorted(glob.glob(pattern))
        if found:
            return Path(found[0])
    raise ConversionError(f"Ghostscript's srgb.icc not found: {INSTALL_HINT}")


def _pdfa_def(icc: Path) -> str:
    """Ghostscript's PDFA_def.ps, reduced: the sRGB OutputIntent as pdfmarks."""
    name = str(icc).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return f"""%!
/ICCProfile ({name}) def
[/_objdef {{icc_PDFA}} /type /stream /OBJ pdfmark
[{{icc_PDFA}} << /N 3 >> /PUT pdfmark
[{{icc_PDFA}} ICCProfile (r) file /PUT pdfmark
[/_objdef {{OutputIntent_PDFA}} /type /dict /OBJ pdfmark
[{{OutputIntent_PDFA}} << /Type /OutputIntent /S /GTS_PDFA1 /DestOutputProfile {{icc_PDFA}}
   /OutputConditionIdentifier (sRGB) /Info (sRGB IEC61966-2.1) >> /PUT pdfmark
[{{Catalog}} << /OutputIntents [ {{OutputIntent_PDFA}} ] >> /PUT pdfmark
"""


def pdf_to_pdfa(data: bytes, level: str = "2b", timeout: float = TIMEOUT,
                legacy: bool = False) -> Converted:
    """A PDF rewritten as PDF/A by Ghostscript's pdfwrite: fonts embedded, colours through an
    sRGB output intent, text and page size kept (-dPDFACompatibilityPolicy=1: what PDF/A
    forbids is dropped, the rest is written). Images stay images: no OCR.

    legacy: read the PDF with Ghostscript's older PostScript-based interpreter
    (-dNEWPDF=false, Ghostscript 9.5x-10.02; later versions ignore it). Ghostscript 10.00's
    new interpreter loses the Unicode mapping of a non-embedded standard font with a custom
    encoding (reportlab writes such Helvetica for "è", "€"): the pipeline retries with the
    legacy one when the text changed."""
    if level not in LEVELS:
        raise ConversionError(f"PDF/A-{level} is not a level Ghostscript writes")
    gs = shutil.which("gs")
    if not gs:
        raise ConversionError(f"gs not found: {INSTALL_HINT}")
    icc = srgb_profile()
    with private_dir() as work:
        source, target, ps = work / "in.pdf", work / "out.pdf", work / "pdfa_def.ps"
        source.write_bytes(data)
        ps.write_text(_pdfa_def(icc), encoding="latin-1")
        cmd = [gs, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-dNOINTERPOLATE",
               "-sDEVICE=pdfwrite", f"-dPDFA={LEVELS[level]}", "-dPDFACompatibilityPolicy=1",
               "-sColorConversionStrategy=RGB", "-sProcessColorModel=DeviceRGB",
               "-dAutoRotatePages=/None", "-dFastWebView=false",
               *(["-dNEWPDF=false"] if legacy else []),
               f"--permit-file-read={icc}", f"-sOutputFile={target}", str(ps), str(source)]
        seconds = _run(cmd, timeout, "Ghostscript", cwd=work, memory_mb=GS_MEMORY_MB)
        if not target.is_file() or target.stat().st_size == 0:
            raise ConversionError("Ghostscript wrote no PDF")
        return Converted(target.read_bytes(), "Ghostscript" + (" (legacy)" if legacy else ""),
                         seconds)


def _run(cmd: list[str], timeout: float, tool: str, cwd: Path, memory_mb: int | None = None) -> float:
    """Run one conversion; the seconds it took. Raises ConversionError on failure or time-out
    (then the whole process group, soffice.bin included, is killed)."""
    prlimit = shutil.which("prlimit")
    if memory_mb and prlimit:   # the limit is set before the tool starts (no preexec_fn: threads)
        cmd = [prlimit, f"--as={memory_mb * 1024 * 1024}", "--", *cmd]
    env = {**os.environ, "HOME": str(cwd), "TMPDIR": str(cwd), "SAL_USE_VCLPLUGIN": "svp"}
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    if memory_mb and not prlimit:   # without prlimit(1): limited just after the start
        cap = memory_mb * 1024 * 1024
        with contextlib.suppress(ProcessLookupError):
            resource.prlimit(proc.pid, resource.RLIMIT_AS, (cap, cap))
    try:
        _out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise ConversionError(f"{tool} took more than {timeout:g} s") from None
    finally:
        _kill_group(proc)  # a helper process left behind by soffice dies with its group
    if proc.returncode != 0:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise ConversionError(f"{tool} failed (exit {proc.returncode}) {tail[0][:200]}".strip())
    return time.monotonic() - started


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):   # the group has gone
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):   # unkillable (D state): init reaps it
        proc.wait(timeout=5)
