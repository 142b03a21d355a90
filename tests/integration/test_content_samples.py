"""Every sample of samples/gen_content.py, identified by content and checked by the content
checks: each dirty one is reported with exactly the codes it was built for, each with a
location or detail that says where and what; each clean one gets no error or warning."""
from __future__ import annotations

import pytest

from content_cases import CTX, gen_content, identified

from checker import catalogue, checks
from checker.model import InputFile, Severity

CONTENT_CHECKS = {"office", "odf", "rtf", "xml", "text", "tiff", "archive"}


def content_findings(name: str, data: bytes):
    fmt = identified(name, data)
    found = []
    for check in checks.for_format(fmt):
        if check.name in CONTENT_CHECKS:
            found += check.run(InputFile(name, data), fmt, CTX).findings
    return fmt, found


@pytest.mark.parametrize("name", sorted(gen_content.CASES))
def test_sample_is_reported_as_built(name):
    builder, expected = gen_content.CASES[name]
    fmt, found = content_findings(name, builder())
    got = {f.code for f in found}
    assert got == expected, (name, fmt.id, sorted(got))   # the codes it was built for, no others
    blocking = [f for f in found if (f.severity or catalogue.rule(f.code).severity)
                in (Severity.ERROR, Severity.WARNING)]
    if not expected or expected <= {"TIF003", "TIF004", "ARC001"}:
        assert blocking == [], (name, [(f.code, f.detail) for f in blocking])
    for f in found:
        if f.code in expected and catalogue.rule(f.code).severity is not Severity.INFO:
            assert f.detail or f.location, (name, f.code)
