"""Pins the one use of pyHanko internals (pdflegacy.raw_signature): the stand-in for a
non-CMS PDF signature must set exactly the attributes pyHanko's own
EmbeddedPdfSignature.__init__ sets, but the CMS ones — for the pyHanko version pinned in
pyproject.toml. A pyHanko that adds, renames or drops one fails here, naming it."""
from __future__ import annotations

import io
from importlib.metadata import version

import pytest

import pdfsig as S
import pki as P
from checker.signatures import pdflegacy


@pytest.fixture(scope="module")
def k(tmp_path_factory):
    return P.shared(tmp_path_factory)


def _field(data: bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    [(name, _, field)] = list(enumerate_sig_fields(reader, filled_status=True))
    return reader, field.get_object(), str(name)


def test_raw_signature_sets_exactly_pyhankos_non_cms_attributes(k):
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
    real = EmbeddedPdfSignature(*_field(P.pades(k, k.signer, P.plain_pdf())))
    raw = pdflegacy.raw_signature(*_field(S.x509_rsa_sha1(k, k.signer, P.plain_pdf())))
    expected = set(vars(real)) - pdflegacy.CMS_ONLY
    assert set(vars(raw)) == expected, (version("pyhanko"), set(vars(raw)) ^ expected)


def test_raw_signature_runs_pyhankos_coverage_and_difference_analysis(k):
    from checker.signatures import pdfchanges
    raw = pdflegacy.raw_signature(*_field(S.x509_rsa_sha1(k, k.signer, P.plain_pdf())))
    changes = pdfchanges.analyse(raw, None)
    assert (changes.coverage, changes.level, changes.modified) == ("ENTIRE_FILE", "NONE", False)
    assert raw.compute_digest("sha1") and raw.self_reported_timestamp is not None


def test_the_pinned_pyhanko_is_installed():
    major, minor = (int(x) for x in version("pyhanko").split(".")[:2])
    assert (0, 25) <= (major, minor) < (0, 39)
