"""The fix pipeline on the inputs issue 15 named last: images (JPEG, PNG with alpha, GIF,
multi-page TIFF) converted to PDF/A-2b through img2pdf and Ghostscript; PDFs that claim PDF/A
and fail it, and plain PDFs, rewritten by Ghostscript and offered only when the real veraPDF
passes them; an owner-password PDF (opens without a password) rewritten unencrypted and
fixed; a user-password PDF left as it is with a clear explanation. Real tools throughout:
Pillow makes the images, pikepdf the broken PDF/A claims and the encryption, the built
veraPDF judges the outputs."""
from __future__ import annotations

import io
import shutil

import pikepdf
import pytest
from PIL import Image, ImageDraw

import fix_samples as S
from checker import verapdf_pool
from checker.fix import Action, fix_files
from checker.fix import convert, images
from checker.fix.plan import PASSWORD_REASON
from checker.model import InputFile


@pytest.fixture(scope="module", autouse=True)
def _tools():
    if not shutil.which("gs"):
        pytest.fail("gs missing: scripts/install-system.sh", pytrace=False)
    if not verapdf_pool.installed():
        pytest.fail(f"veraPDF not built: {verapdf_pool.INSTALL_HINT}", pytrace=False)


def picture(fmt: str, mode: str = "RGB", size=(1600, 1100), frames: int = 1) -> bytes:
    pages = []
    for n in range(frames):
        im = Image.new(mode, size, "white" if mode != "RGBA" else (255, 255, 255, 0))
        draw = ImageDraw.Draw(im)
        draw.rectangle((100, 100, 700 + 100 * n, 500), fill="red" if mode != "L" else 80)
        draw.text((120, 600), S.SENTENCE, fill="black" if mode != "L" else 0)
        pages.append(im)
    out = io.BytesIO()
    pages[0].save(out, fmt, save_all=frames > 1, append_images=pages[1:])
    return out.getvalue()


def claimed_pdfa(data: bytes, part: str = "2", conformance: str = "B") -> bytes:
    """A PDF whose XMP claims PDF/A while nothing else is (no output intent, fonts not embedded)."""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["pdfaid:part"] = part
            meta["pdfaid:conformance"] = conformance
        pdf.save(out)
    return out.getvalue()


def encrypted(data: bytes, user: str) -> bytes:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(
            owner="proprietario", user=user,
            allow=pikepdf.Permissions(extract=False, modify_other=False, print_highres=False)))
    return out.getvalue()


def verapdf_2b(data: bytes) -> bool | None:
    return verapdf_pool.validate([("o.pdf", data)], ["2b"])[0].compliant


@pytest.fixture(scope="module")
def image_outcome():
    files = [InputFile("foto.jpg", picture("JPEG")), InputFile("firma.png", picture("PNG", "RGBA")),
             InputFile("logo.gif", picture("GIF", "P")), InputFile("grigio.png", picture("PNG", "L"))]
    return files, fix_files(files, "generic")


def test_images_become_pdfa_that_verapdf_passes(image_outcome):
    files, outcome = image_outcome
    for f in outcome.files:
        assert f.action is Action.CONVERTED and f.status == "fixed" and f.offered, (f.original, f.reason)
        assert "FMT005" in f.fixed and not [c for c in f.remaining if c != "AV002"], (f.original, f.remaining)
        assert f.output.endswith(".pdf") and f.data.startswith(b"%PDF")
        assert any("img2pdf" in s for s in f.steps) and any("Ghostscript" in s for s in f.steps)
        assert verapdf_2b(f.data) is True, f.original
        assert S.page_count(f.data) == 1
    assert {f.output for f in outcome.files} == {"foto.pdf", "firma.pdf", "logo.pdf", "grigio.pdf"}
    for doc in outcome.after.documents:   # re-checked like every fixed file
        assert doc.format.id == "pdf" and doc.format.details.get("pdfa") == "2b"
        assert doc.facts.get("pdfa_verapdf_compliant") is True


def test_an_image_fits_an_a4_page_turned_to_its_orientation(image_outcome):
    _files, outcome = image_outcome
    width, height = S.page_sizes(outcome.files[0].data)[0]   # a landscape photo
    assert width > height and round(width) in (841, 842) and round(height) in (595, 596)


def test_a_multi_page_tiff_becomes_one_pdfa_page_per_frame():
    # every shipped office accepts TIFF, so the pipeline leaves it; the conversion itself
    # (used where a profile refuses TIFF: FMT001) is checked here
    pdf = images.image_to_pdf(picture("TIFF", frames=3, size=(1240, 1754)))
    made = convert.pdf_to_pdfa(pdf, "2b")
    assert S.page_count(made.data) == 3 and verapdf_2b(made.data) is True


def test_a_damaged_or_huge_image_is_a_reason_not_a_crash():
    outcome = fix_files([InputFile("rotta.jpg", picture("JPEG")[:400])])
    f = outcome.files[0]
    assert f.status == "failed" and f.action is Action.UNCHANGED and "fix failed" in f.reason
    with pytest.raises(images.ImageError, match="(?i)decompression|pixels|exceeds"):
        images.image_to_pdf(picture("PNG", "L", size=(12_000, 9_000)))


def test_a_pdf_that_claims_pdfa_and_fails_it_is_converted_and_passes():
    for part in ("2", "1"):
        data = claimed_pdfa(S.reportlab_pdf(links=False), part)
        outcome = fix_files([InputFile("dichiarato.pdf", data)])
        f = outcome.files[0]
        assert "VPDF001" in {x.code for x in outcome.before.documents[0].findings}
        assert f.action is Action.CONVERTED and f.status == "fixed", (part, f.reason)
        assert "VPDF001" in f.fixed and verapdf_2b(f.data) is True
        assert S.words(S.pdf_text(data)) <= S.words(S.pdf_text(f.data))


def test_a_plain_pdf_becomes_pdfa_2b():
    data = S.reportlab_pdf(links=False)
    outcome = fix_files([InputFile("semplice.pdf", data)])
    f = outcome.files[0]
    assert f.action is Action.CONVERTED and f.status == "fixed" and "PDFA001" in f.fixed
    assert verapdf_2b(f.data) is True


def test_an_owner_password_pdf_is_rewritten_unencrypted_and_fixed():
    data = encrypted(S.reportlab_pdf(links=True), user="")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.is_encrypted
    outcome = fix_files([InputFile("limitato.pdf", data)])
    f = outcome.files[0]
    assert f.status == "fixed" and {"PDF005", "PDF008"} <= set(f.fixed), (f.reason, f.fixed)
    with pikepdf.open(io.BytesIO(f.data)) as pdf:
        assert not pdf.is_encrypted
    assert verapdf_2b(f.data) is True
    assert S.words(S.pdf_text(S.reportlab_pdf(links=True))) <= S.words(S.pdf_text(f.data))


def test_a_user_password_pdf_is_left_with_a_clear_explanation():
    data = encrypted(S.reportlab_pdf(), user="segreto")
    outcome = fix_files([InputFile("chiuso.pdf", data)])
    f = outcome.files[0]
    assert f.action is Action.UNCHANGED and f.data == data and f.status == "unchanged"
    assert f.reason == f"{PASSWORD_REASON} (PDF004)" and "password" in f.reason
    assert "PDF004" in f.remaining and outcome.exit_status == 1
