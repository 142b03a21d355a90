"""Check pec_message: a PEC (or plain .eml) attached to a submission is opened and its
attachments are checked as documents of the submission."""
from __future__ import annotations

from pathlib import Path

import pytest

from checker import engine
from checker.model import InputFile, Severity, Submission
from pec_samples import build

SUB = {"profile": "generic", "sender": "mario.rossi@pec.cittadino.example", "subject": "Inoltro istanza"}


@pytest.fixture(scope="module")
def pec(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("pec"))


def check(pec: Path, *names: str):
    files = [InputFile(n, (pec / "messages" / n).read_bytes()) for n in names]
    return engine.check_submission(Submission(**SUB, files=files))


def test_pec_message_forwarded_envelope_attachments_are_checked(pec):
    rep = check(pec, "01_posta-certificata.eml")
    outer, *inner = rep.documents
    assert outer.format.id == "eml" and outer.facts["pec_class"] == "posta-certificata"
    assert [(d.name, d.parent, d.depth, d.format.id) for d in inner] == \
        [("istanza.pdf", "01_posta-certificata.eml", 1, "pdf")]


def test_pec_message_nested_pec_is_opened_twice(pec):
    rep = check(pec, "m04_nested-pec.eml")
    tree = {(d.name, d.parent) for d in rep.documents}
    assert ("parere-pec.eml", "m04_nested-pec.eml") in tree
    assert ("istanza.pdf", "parere-pec.eml") in tree


def test_pec_message_plain_eml_attachments_are_checked(pec):
    rep = check(pec, "02_anomalia.eml")   # anomaly envelope: the ordinary message inside
    assert [d.name for d in rep.documents if d.depth == 1] == ["istanza.pdf"]


def test_pec_message_receipt_has_no_children(pec):
    rep = check(pec, "06_avvenuta-consegna-completa.eml")
    assert len(rep.documents) == 1
    assert rep.documents[0].facts["pec_receipt"] == "avvenuta-consegna"


def test_pec_message_broken_daticert_is_a_warning(pec):
    rep = check(pec, "m02_broken-xml.eml")
    found = [f for f in rep.documents[0].findings if f.code == "PEC005"]
    assert found and found[0].severity is Severity.WARNING
    assert any(d.name == "istanza.pdf" for d in rep.documents)


def test_PEC007_forwarded_envelope_without_postacert_is_a_warning(pec):
    # the message's own faults are warnings (checks/pec_message.py): the office judges the
    # documents inside, and here there are none
    from pec_samples import generator
    gen = generator()
    spec = gen.Spec(name="no-postacert", headers=gen.envelope_headers(),
                    body_text=gen.envelope_text(),
                    daticert=gen.Daticert(tipo="posta-certificata").to_xml(), postacert=None)
    rep = engine.check_submission(Submission(**SUB, files=[
        InputFile("inoltro.eml", gen.build(spec, gen.make_provider()))]))
    [outer] = rep.documents          # nothing inside to check
    found = [f for f in outer.findings if f.code.startswith("PEC")]
    assert [(f.code, f.severity) for f in found] == [("PEC007", Severity.WARNING)], found
    assert outer.facts["pec_class"] == "posta-certificata" and outer.facts["attachments"] == 0
