"""Trusted by default (issue 11): the shipped Italian list decides when nothing is configured,
the report says which list and of what date, a stale list is a visible warning, and an
unchained signature says what the citizen can do."""
from __future__ import annotations

import json

import pytest

import pki as P
from checker import catalogue, cli
from checker.checks import settings_from_env
from checker.signatures import trust


@pytest.fixture(scope="module")
def k(tmp_path_factory):
    return P.shared(tmp_path_factory)


@pytest.fixture
def no_config(monkeypatch, tmp_path):
    monkeypatch.setenv("PEC_PRECHECK_TRUST", "")
    monkeypatch.setenv("PEC_PRECHECK_REVOCATION", "offline")
    monkeypatch.chdir(tmp_path)   # no list saved by `trust update` in this folder
    return tmp_path


def run_check(capsys, path, *extra) -> dict:
    capsys.readouterr()
    cli.main(["check", str(path), "--json", *extra])
    return json.loads(capsys.readouterr().out)


def signature_doc(report: dict) -> dict:
    return next(d for d in report["documents"] if d["signatures"])


def test_the_shipped_snapshot_is_the_default(no_config):
    assert settings_from_env()["trust"] == [str(trust.SNAPSHOT)]
    assert trust.SNAPSHOT.is_file()


def test_check_without_trust_options_uses_the_snapshot_and_says_so(no_config, k, capsys):
    signed = no_config / "domanda.pdf"
    signed.write_bytes(P.pades(k, k.signer, P.plain_pdf()))
    doc = signature_doc(run_check(capsys, signed))
    [sig] = doc["signatures"]
    # a test-PKI certificate is not in the Italian list: a real indication, not "not configured"
    assert (sig["indication"], sig["sub_indication"]) == ("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND")
    facts = doc["facts"]
    assert (facts["trusted_list_origin"], facts["trusted_list_issued"], facts["trusted_list_sequence"]) == (
        "snapshot", "2023-09-26T01:00:00Z", "194")
    assert facts["trusted_list"] == "IT n. 194 del 2023-09-26 (copia distribuita con PEC Precheck)"
    assert facts["trusted_list_expired"] is True
    found = {f["code"]: f for f in doc["findings"]}
    assert "SIG006" in found and "SIG005" not in found
    assert found["SIG030"]["severity"] == "warning"   # past its NextUpdate: visible
    fix = catalogue.rule("SIG006").fix_it
    assert "Chiedi a chi ha firmato" in fix and "PEC_PRECHECK_TRUST" not in fix


def test_a_default_list_containing_the_ca_chains_the_signature(no_config, k, capsys):
    # what `trust update` saves in trust/TSL-IT.xml takes the snapshot's place
    (no_config / "trust").mkdir()
    (no_config / "trust" / "TSL-IT.xml").write_text(P.trusted_list(k), encoding="utf-8")
    signed = no_config / "domanda.pdf.p7m"
    signed.write_bytes(P.cades(k, k.signer, P.plain_pdf()))
    doc = signature_doc(run_check(capsys, signed))
    [sig] = doc["signatures"]
    assert sig["indication"] == "PASSED" and sig["qualified"] is True
    facts = doc["facts"]
    assert facts["trusted_list_origin"] == "updated" and facts["trusted_list_expired"] is False
    assert facts["trusted_list_issued"] == P.NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "SIG030" not in {f["code"] for f in doc["findings"]}


def test_check_at_a_date(no_config, k, capsys):
    signed = no_config / "domanda.pdf.p7m"
    signed.write_bytes(P.cades(k, k.signer, P.plain_pdf()))
    before = (P.NOW - P.dt.timedelta(days=400)).date().isoformat()   # before the certificate existed
    doc = signature_doc(run_check(capsys, signed, "--trust", k.pem_trust, "--at", before))
    assert doc["signatures"][0]["indication"] != "PASSED"
    assert cli.main(["check", str(signed), "--at", "yesterday"]) == 2
