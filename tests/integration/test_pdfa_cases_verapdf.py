"""The REAL veraPDF confirms the spec cases: on each case's broken file it reports the case's
rule id, and the file the case starts from passes. No stand-in: if veraPDF is not built these
tests FAIL and say how to build it (scripts/build-verapdf.sh)."""
from __future__ import annotations

import io
import tomllib

import pikepdf
import pytest

from checker import pdfa
from checker.pdfa import registry
from checker.verapdf_pool import INSTALL_HINT, installed, pool

from pdfa_spec import builder
from pdfa_spec.builder import Spec
from pdfa_spec.cases import CASES, Case
from pdfa_spec.cases_structure_meta import signed

# --- the families of cases_structure_meta (signatures, cross-reference sections, XMP packet
# details, presentations, and the rules added to structure, metadata, logical, embedded) ---
STRUCTURE_META_FAMILIES = ("signatures", "cross_references", "metadata_packet", "presentation")
STRUCTURE_META_EXTRA = frozenset({
    "1:6.1.3-2", "2:6.1.3-2", "3:6.1.3-2", "1:6.7.2-2", "2:6.7.3.4-3", "3:6.7.3.4-3",
    "2:6.8-2", "2:6.8-5",
})


def _structure_meta_rules() -> frozenset[str]:
    with registry.COVERAGE_FILE.open("rb") as fh:
        implemented = tomllib.load(fh)["implemented"]
    return frozenset(rid for family in STRUCTURE_META_FAMILIES for rid in implemented[family]) \
        | STRUCTURE_META_EXTRA


def _vera(data: bytes, flavour: str, name: str) -> list[str]:
    if not installed():
        pytest.fail(f"veraPDF is not built: {INSTALL_HINT}")
    result = pool().validate(data, flavour, name=name, timeout=60)
    assert result.compliant is not None, result.not_checked_reason
    return result.failed_clauses


@pytest.mark.parametrize("case", [pytest.param(c, id=c.rule) for c in CASES
                                  if c.rule in _structure_meta_rules()])
def test_verapdf_confirms_structure_meta_cases(case: Case):
    assert case.rule in _vera(case.broken(), case.flavour, case.rule)
    assert _vera(case.conforming(), case.flavour, case.rule + "-conforming") == []


def _linearized(data: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        out = io.BytesIO()
        pdf.save(out, static_id=True, fix_metadata_version=False, linearize=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.disable)
        return out.getvalue()


def _with_embedded(data: bytes) -> bytes:
    """The part 2 builder's file with its embedded PDF/A-1b replaced by `data`."""
    pdf = builder.build(Spec("2b", attachment=True))
    pdf.Root.Names.EmbeddedFiles.Names[1].EF.F.write(data)
    return builder.save(pdf, 2)


@pytest.mark.parametrize("data, flavour, broken", [
    pytest.param(signed(builder.make(Spec("2b"))), "2b", [], id="signed-2b"),
    pytest.param(signed(builder.make(Spec("3u", text=True)), certify=True), "3u", [],
                 id="certified-3u"),
    pytest.param(_linearized(builder.make(Spec("1b", text=True))), "1b", [], id="linearized-1b"),
    pytest.param(_with_embedded(builder.make(Spec("2b"))), "2b", [], id="embeds-pdfa-2b"),
    pytest.param(_with_embedded(builder.make(Spec("3b"))), "2b", ["2:6.8-5"], id="embeds-pdfa-3b"),
])
def test_verapdf_and_builtin_agree_on_signed_linearized_and_embedding_files(data, flavour, broken):
    assert _vera(data, flavour, "agreement") == broken
    assert pdfa.validate(data, flavour).failed_clauses == broken
