"""The sample submissions of samples/gen_messages.py give the verdict and message findings
they were built to show, end to end through checker.engine.check_submission."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from checker import engine
from checker.model import InputFile, Submission, Verdict

ROOT = Path(__file__).resolve().parents[2]


def _generator():
    spec = importlib.util.spec_from_file_location("gen_messages", ROOT / "samples" / "gen_messages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _generator()
SCENARIOS = sorted(GENERATOR.scenarios())


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("samples")
    GENERATOR.generate(out)
    return out / "messages"


def load(scenario: Path) -> tuple[Submission, dict]:
    facts = json.loads((scenario / "submission.json").read_text(encoding="utf-8"))
    files = [InputFile(name, (scenario / name).read_bytes()) for name in facts["files"]]
    fields = {k: facts[k] for k in ("profile", "sender", "recipient", "subject", "doc_type",
                                    "destination", "body", "main")}
    return Submission(files=files, **fields), facts["expected"]


def test_every_office_has_a_passing_and_a_failing_sample(folder):
    names = [p.name for p in folder.iterdir()]
    for office in ("generic", "piacenza", "cassano", "mezzani", "cremona", "genova"):
        expected = [json.loads((folder / n / "submission.json").read_text())["expected"]["verdict"]
                    for n in names if n.startswith(office)]
        assert "ready" in expected or office == "cremona"  # Cremona's pass needs a signature (test_message_signed.py)
        assert "fix" in expected



@pytest.mark.parametrize("scenario", SCENARIOS)
def test_sample_gives_its_expected_verdict_and_codes(folder, scenario):
    sub, expected = load(folder / scenario)
    report = engine.check_submission(sub)
    codes = {f.code for f in report.message_findings}
    assert codes == set(expected["codes"])   # the message codes it was built for, no others
    problems = [(d.name, f.code) for d in report.documents for f in d.findings
                if f.severity.value in ("error", "not_checked")]
    assert report.verdict is Verdict(expected["verdict"]), (codes, problems)
