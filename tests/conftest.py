"""The test suite's layout and shared fixtures.

    unit/         one module at a time, on files made in the test
    integration/  the engine with its workers, the CLI, the Flask app, clamd, veraPDF, servers
    browser/      the served app driven in headless Chromium (Playwright)
    corpus/       measurements over ../shared/corpus (veraPDF's test files): no test names a file
    fixtures/     helpers the tests import by name (test PKI, sample builders, servers, the
                  PDF/A spec-case builder), put on sys.path here

Samples are built by `make samples` into samples/out/ (see samples/make_samples.py); a test
session builds them itself when they are missing. A missing prerequisite fails the test with the
install step, it never skips (require() below)."""
from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))
SAMPLES = ROOT / "samples" / "out"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "verapdf"
SEEDS = SHARED / "seeds"
ITALIAN_TSL = SHARED / "trust" / "TSL-IT-2023-09-26.xml"

pytest_plugins = ["chromium"]   # the browser fixture (tests/fixtures/chromium.py)


def require(path: Path, what: str, how: str = "CI and `make test` run with ../shared beside the repository") -> Path:
    """A prerequisite of a test: present, or the test fails saying what is missing and how to get
    it. Never a skip: a missing prerequisite must not look like a pass."""
    if not path.exists():
        pytest.fail(f"{what} missing at {path}: {how}", pytrace=False)
    return path


@pytest.fixture(scope="session")
def samples() -> Path:
    if not SAMPLES.exists():
        subprocess.run([sys.executable, str(ROOT / "samples" / "make_samples.py"), str(SAMPLES)],
                       check=True)
    return SAMPLES


# The test PKI's certificates name a CRL at crl.test.invalid: tests that go through the
# environment (app, CLI) stay offline unless they ask for the network themselves
# (tests/test_signature_revocation.py serves a real OCSP responder and CRL on 127.0.0.1).
os.environ.setdefault("PEC_PRECHECK_REVOCATION", "offline")
# Revocation answers and failed services are shared through a cache folder
# (checker/signatures/revcache.py): one of its own per test process, so that a port a test
# found dead is not "recently failed" for another session's server that reuses it (set, not
# defaulted: xdist workers inherit the controller's environment).
os.environ["PEC_PRECHECK_REVOCATION_CACHE"] = tempfile.mkdtemp(prefix="pec-revcache-")
atexit.register(shutil.rmtree, os.environ["PEC_PRECHECK_REVOCATION_CACHE"], True)
# Parsed trusted lists (checker/signatures/trustcache.py) likewise, not the repository's var/.
os.environ["PEC_PRECHECK_TRUST_CACHE"] = tempfile.mkdtemp(prefix="pec-trustcache-")
atexit.register(shutil.rmtree, os.environ["PEC_PRECHECK_TRUST_CACHE"], True)
