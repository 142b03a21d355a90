"""Bounded page text with pypdf (pikepdf has no text extraction).

pypdf's own Configuration caps every decoder's output (75 MB per filter) and raises
LimitReachedError on a decompression bomb; we add page, character and time bounds.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from . import first_pages
from .model import Hit, HitKind, Limits

logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # its repairs are not our findings


@dataclass
class PageText:
    text: str = ""               # all extracted text, page breaks as form feeds
    facts_text: str = ""         # the first pages only
    bomb: list[Hit] = field(default_factory=list)


def extract(data: bytes, limits: Limits, password: str = "") -> PageText:
    from pypdf import apply_configuration

    # Tighter than pypdf's defaults: text needs no 75 MB streams, no byte-by-byte recovery of
    # megabytes of broken Flate, and never an external decoder program (jbig2dec).
    with apply_configuration(zlib_maximum_output_length=limits.stream_bytes,
                             zlib_maximum_recovery_input_length=256 * 1024,
                             lzw_maximum_output_length=limits.stream_bytes,
                             run_length_maximum_output_length=limits.stream_bytes,
                             jbig2dec_binary=None):
        return _extract(data, limits, password)


def _extract(data: bytes, limits: Limits, password: str) -> PageText:
    from pypdf.errors import LimitReachedError

    out = PageText()
    deadline = time.monotonic() + limits.text_seconds
    try:
        # the caller's bytes, not a copy; only the page objects read are flattened
        reader = first_pages.reader(first_pages.SharedBytesIO(data), limits.text_pages)
        if reader.is_encrypted:
            reader.decrypt(password)
        pages = reader.pages
        count = len(pages)
    except LimitReachedError as exc:
        out.bomb.append(Hit(HitKind.STREAM_BOMB, "", str(exc)[:200]))
        return out
    except Exception:  # noqa: BLE001 - pypdf raises many types on broken files; the text is a best-effort extra (its links are hints, the object walk judges the file)
        return out
    chunks: list[str] = []
    size = 0
    for i in range(min(count, limits.text_pages)):
        if time.monotonic() > deadline:
            break
        try:
            page_text = pages[i].extract_text() or ""
        except LimitReachedError as exc:
            out.bomb.append(Hit(HitKind.STREAM_BOMB, f"pagina {i + 1}",
                                f"il contenuto supera {limits.stream_bytes // 2**20} MB una volta "
                                f"decompresso ({str(exc)[:120]})"))
            continue
        except Exception:  # noqa: BLE001 - pypdf raises many types on a broken page; the other pages are still read
            continue
        first_pages.drop_images(reader)
        page_text = page_text[: limits.text_chars - size]
        chunks.append(page_text)
        size += len(page_text)
        if i + 1 == limits.facts_pages:
            out.facts_text = "\f".join(chunks)
        if size >= limits.text_chars:
            break
    out.text = "\f".join(chunks)
    if not out.facts_text:
        out.facts_text = out.text
    return out


def link_hits(text: str, limit: int = 50) -> list[Hit]:
    """URLs and e-mail addresses written in the page text (bare domains are not links)."""
    from ..linkfinder import find_links

    hits: list[Hit] = []
    seen: set[str] = set()
    pages = text.split("\f")
    for number, page in enumerate(pages, start=1):
        for link in find_links(page, limit=limit):
            if not link.is_error or link.text in seen:
                continue
            seen.add(link.text)
            kind = HitKind.TEXT_EMAIL if link.kind == "email" else HitKind.TEXT_URL
            if link.kind == "url" and link.text.lower().startswith("mailto:"):
                kind = HitKind.TEXT_EMAIL
            hits.append(Hit(kind, f"pagina {number}", link.text))
            if len(hits) >= limit:
                return hits
    return hits
