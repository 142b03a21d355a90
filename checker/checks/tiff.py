"""TIFF scans: every page decodes (Pillow, with its decompression-bomb pixel limit turned
into a finding), the page count and the compression are reported (AgID prefers
uncompressed for long-term keeping: information only)."""
from __future__ import annotations

import io
import re
import struct
import time
import warnings

from ..model import CheckResult, Finding, FormatInfo, InputFile
from . import Check, CheckContext

MAX_PIXELS = 100_000_000     # per page: an A3 scan at 600 dpi is ~70 Mpx
MAX_PAGES = 2000
DECODE_SECONDS = 12.0        # past this, remaining pages are only opened (headers), not decoded

COMPRESSION_LABELS = {
    "group3": "CCITT Gruppo 3, senza perdita", "group4": "CCITT Gruppo 4, senza perdita",
    "tiff_ccitt": "CCITT, senza perdita", "tiff_lzw": "LZW, senza perdita",
    "tiff_adobe_deflate": "Deflate, senza perdita", "tiff_deflate": "Deflate, senza perdita",
    "packbits": "PackBits, senza perdita", "jpeg": "JPEG, con perdita", "tiff_jpeg": "JPEG, con perdita",
    "webp": "WebP", "tiff_sgilog": "SGILog", "tiff_sgilog24": "SGILog24", "lzma": "LZMA",
    "zstd": "Zstandard",
}


def run(file: InputFile, fmt: FormatInfo, ctx: CheckContext) -> CheckResult:
    from PIL import Image, UnidentifiedImageError  # here: a submission without TIFF never loads Pillow
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    findings: list[Finding] = []
    compressions: set[str] = set()
    pages = decoded = 0
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(file.data)) as img:
                if img.format != "TIFF":
                    return CheckResult(findings=[Finding("TIF001", detail=f"formato {img.format}")])
                total = count_pages(file.data, MAX_PAGES)  # n_frames would walk every IFD
                if total > MAX_PAGES:
                    return CheckResult(findings=[Finding(
                        "TIF005", detail=f"oltre {MAX_PAGES} pagine",
                        args={"limit": str(MAX_PAGES)})], facts={"pages": total})
                started = time.monotonic()
                for index in range(min(total, MAX_PAGES)):
                    img.seek(index)
                    width, height = img.size
                    if width * height > MAX_PIXELS:
                        return CheckResult(findings=[_too_large(width, height, index)])
                    compressions.add(str(img.info.get("compression", "raw")))
                    if time.monotonic() - started < DECODE_SECONDS:
                        img.load()
                        decoded += 1
                    pages += 1
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            declared = re.search(r"\((\d+) pixels\)", str(exc))
            pixels = f"{int(declared.group(1)):,}".replace(",", ".") if declared else "?"
            return CheckResult(findings=[Finding("TIF002", detail=str(exc)[:300],
                                                 args={"pixels": pixels,
                                                       "limit": f"{MAX_PIXELS:,}".replace(",", ".")})])
        except UnidentifiedImageError:
            return CheckResult(findings=[Finding("TIF001", detail="intestazione TIFF non leggibile")])
        except MemoryError:
            raise  # the worker turns it into "too much memory"
        except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds on broken files
            where = f"pagina {pages + 1}"
            return CheckResult(findings=[Finding("TIF001", detail=f"{type(exc).__name__}: {exc}"[:300],
                                                 location=where)],
                               facts={"pages": pages})
    findings.append(Finding("TIF003", detail=str(pages), args={"pages": str(pages)}))
    compressed = sorted(c for c in compressions if c != "raw")
    if compressed:
        label = "; ".join(COMPRESSION_LABELS.get(c, c) for c in compressed)
        findings.append(Finding("TIF004", detail=", ".join(compressed), args={"compression": label}))
    facts = {"pages": pages, "compression": ", ".join(sorted(compressions))}
    if decoded < pages:
        facts["decoded_pages"] = decoded
    return CheckResult(findings=findings, facts=facts,
                       engine=f"Pillow {Image.__version__}")


def count_pages(data: bytes, cap: int) -> int:
    """Pages (IFDs) in the chain from the header, counted up to cap + 1 and then stopped, a
    loop ending the count: a 100 k-page file costs cap steps, not 100 k seeks through Pillow.
    Classic TIFF (4-byte offsets) and BigTIFF (8-byte); 1 when the header is not TIFF."""
    order = {b"II": "<", b"MM": ">"}.get(data[:2])
    if order is None or len(data) < 16:
        return 1
    big = struct.unpack(order + "H", data[2:4])[0] == 43
    fmt_offset, fmt_count, entry = (order + "Q", order + "Q", 20) if big else (order + "I", order + "H", 12)
    offset_size, count_size = struct.calcsize(fmt_offset), struct.calcsize(fmt_count)
    offset = struct.unpack_from(fmt_offset, data, 8 if big else 4)[0]
    seen: set[int] = set()
    while offset and offset not in seen and len(seen) <= cap:
        if offset + count_size > len(data):
            break
        seen.add(offset)
        entries = struct.unpack_from(fmt_count, data, offset)[0]
        next_at = offset + count_size + entries * entry
        if next_at + offset_size > len(data):
            break
        offset = struct.unpack_from(fmt_offset, data, next_at)[0]
    return max(1, len(seen))


def _too_large(width: int, height: int, index: int) -> Finding:
    return Finding("TIF002", detail=f"{width} × {height}", location=f"pagina {index + 1}",
                   args={"pixels": f"{width * height:,}".replace(",", "."),
                         "limit": f"{MAX_PIXELS:,}".replace(",", ".")})


CHECKS = [Check(name="tiff", formats={"tiff"}, run=run, label_it="TIFF: leggibilità, pagine, compressione",
                label_en="TIFF: readability, pages, compression")]
