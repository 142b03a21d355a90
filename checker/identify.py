"""Format identification by content. (Foundation placeholder: being replaced by the full
container-inspecting identifier; see issue 2 §5.)"""
from __future__ import annotations

import magic

from .model import CheckResult, FormatInfo, InputFile


def identify_job(file: InputFile, ctx) -> CheckResult:
    mime = magic.from_buffer(file.data[:65536], mime=True) if file.data else "application/x-empty"
    fid = {"application/pdf": "pdf", "text/plain": "txt"}.get(mime, "unknown")
    return CheckResult(format=FormatInfo(id=fid, mime=mime, label=fid, magic=mime))
