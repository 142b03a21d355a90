"""The built-in PDF/A validator's rule coverage, as the command and the /rules/pdfa page show it."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from app import create_app
from checker.pdfa import registry
from checker.pdfa.model import FLAVOURS
from conftest import ROOT


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True}).test_client()


def test_command_summary_counts_every_profile_rule():
    run = subprocess.run([sys.executable, "-m", "checker", "pdfa-rules", "--json"], cwd=ROOT,
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    rows = {r["flavour"]: r for r in json.loads(run.stdout)}
    assert set(rows) == set(FLAVOURS)
    for flavour, row in rows.items():
        cov = registry.coverage(flavour)
        assert row["rules"] == len(cov) and row["implemented"] == sum(c.implemented for c in cov)
        assert row["percent"] >= 95.0, row   # issue 10: at least 95 % of every profile


def test_command_lists_a_flavours_missing_rules_with_their_reason():
    run = subprocess.run([sys.executable, "-m", "checker", "pdfa-rules", "--flavour", "2b",
                          "--missing", "--json"], cwd=ROOT, capture_output=True, text=True, check=False)
    rows = json.loads(run.stdout)
    expected = [c.rule.id for c in registry.coverage("2b") if not c.implemented]
    assert [r["id"] for r in rows] == expected
    assert all(r["reason"] and not r["implemented"] for r in rows)


def test_rules_page_links_to_the_coverage_page_which_shows_each_flavour(client):
    assert "/rules/pdfa" in client.get("/rules").get_data(as_text=True)
    page = client.get("/rules/pdfa?flavour=1b").get_data(as_text=True)
    for flavour in FLAVOURS:
        assert f"PDF/A-{flavour.upper()}" in page
    missing = [c.rule.id for c in registry.coverage("1b") if not c.implemented]
    assert all(rid in page for rid in missing)
    assert client.get("/rules/pdfa?flavour=zz").status_code == 200   # unknown: the default flavour
