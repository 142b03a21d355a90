"""Images (JPEG, PNG, TIFF, GIF) → a plain PDF, one page per image frame, which convert.py's
Ghostscript then turns into PDF/A like any other PDF.

img2pdf wraps the image data losslessly where the PDF can hold it as it is (JPEG stays DCT,
PNG and TIFF become Flate), each page sized to fit A4 (turned to landscape for a landscape
image), so a photo taken at 72 dpi does not become a page a metre wide. An image with an
alpha channel is laid on white first (img2pdf refuses alpha; a document page has no
transparency to keep). Pillow decodes untrusted pixels: that runs in a child process
(`python -m checker.fix.images`) with a time and an address-space limit, and Pillow's own
decompression-bomb limit (MAX_PIXELS) refuses a huge canvas before decoding it.
"""
from __future__ import annotations

import io
import os
import resource
import subprocess
import sys

TIMEOUT = float(os.environ.get("PEC_PRECHECK_FIX_TIMEOUT", "120"))
MEMORY_MB = int(os.environ.get("PEC_PRECHECK_MEMORY_MB", "1024"))
MAX_PIXELS = 100_000_000     # per frame: a 600 dpi A3 scan is about 70 M pixels
MAX_FRAMES = 500             # pages of a multi-page TIFF or GIF
FORMATS = frozenset({"jpeg", "png", "tiff", "gif"})
A4_MM = (210, 297)


class ImageError(RuntimeError):
    """The image could not be read or wrapped: the message says why."""


def image_to_pdf(data: bytes, timeout: float = TIMEOUT, memory_mb: int = MEMORY_MB) -> bytes:
    """The image as a plain PDF, made in a child process with a time and memory limit."""
    try:
        done = subprocess.run([sys.executable, "-m", "checker.fix.images", str(memory_mb)],
                              input=data, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ImageError(f"reading the image took more than {timeout:g} s") from None
    if done.returncode != 0:
        last = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["crashed"]
        raise ImageError(last[0][:300])
    if not done.stdout.startswith(b"%PDF"):
        raise ImageError("img2pdf wrote no PDF")
    return done.stdout


def _frames(data: bytes) -> list[bytes]:
    """The image as img2pdf takes it: unchanged when it can (no alpha, a mode PDF holds),
    else each frame flattened on white and saved as PNG."""
    from PIL import Image, ImageSequence

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS   # Pillow warns above, refuses above twice that
    with Image.open(io.BytesIO(data)) as im:   # the header only: nothing decoded yet
        if im.width * im.height > MAX_PIXELS:
            raise ImageError(f"image of {im.width} × {im.height} pixels: more than "
                             f"{MAX_PIXELS // 1_000_000} million (decompression bomb?)")
        frames = getattr(im, "n_frames", 1)
        if frames > MAX_FRAMES:
            raise ImageError(f"{frames} pages: more than {MAX_FRAMES}")
        needs_flattening = (im.mode in ("RGBA", "LA", "PA", "P", "I;16", "I", "F")
                            or "transparency" in im.info or im.format == "GIF")
        if not needs_flattening:
            return [data]
        out = []
        for frame in ImageSequence.Iterator(im):
            rgba = frame.convert("RGBA")
            page = Image.new("RGB", rgba.size, "white")
            page.paste(rgba, mask=rgba.getchannel("A"))
            buf = io.BytesIO()
            page.save(buf, format="PNG")
            out.append(buf.getvalue())
        return out


def _convert(data: bytes) -> bytes:
    import img2pdf

    a4 = (img2pdf.mm_to_pt(A4_MM[0]), img2pdf.mm_to_pt(A4_MM[1]))
    layout = img2pdf.get_layout_fun(a4, fit=img2pdf.FitMode.into, auto_orient=True)
    try:
        made = img2pdf.convert(_frames(data), layout_fun=layout, nodate=True,
                               rotation=img2pdf.Rotation.ifvalid)
    except ImageError:
        raise
    except Exception as exc:  # noqa: BLE001 - Pillow/img2pdf on a damaged image: the reason
        raise ImageError(f"the image cannot be read: {type(exc).__name__}: {exc}"[:300]) from exc
    if not isinstance(made, bytes):
        raise ImageError("img2pdf wrote no PDF")
    return made


def _main() -> int:
    cap = int(sys.argv[1]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    data = sys.stdin.buffer.read()
    try:
        pdf = _convert(data)
    except (ImageError, MemoryError) as exc:
        print(str(exc) or "out of memory", file=sys.stderr)
        return 1
    sys.stdout.buffer.write(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(_main())
