"""`pec-precheck trust show|verify` (update needs the network and is not run here)."""
from __future__ import annotations


import pytest

import pki as P
from checker import cli
from checker.commands.trust import verify_list_signature
from datetime import UTC
from conftest import ITALIAN_TSL, require

REAL_TSL = ITALIAN_TSL


@pytest.fixture(scope="module")
def snapshot() -> bytes:
    require(REAL_TSL, "the 2023 Italian trusted list snapshot")
    return REAL_TSL.read_bytes()


def test_italian_list_signature_valid_inside_signer_validity(snapshot):
    from datetime import datetime
    assert verify_list_signature(snapshot, at=datetime(2023, 9, 27, tzinfo=UTC)) == ""
    # the AgID signing certificate has expired since: verified "now" it fails
    expired = verify_list_signature(snapshot)
    assert "InvalidCertificate" in expired and "CN=AgID" in expired and "InvalidDigest" not in expired


def test_altered_italian_list_fails_verification(snapshot, tmp_path):
    from datetime import datetime
    altered = snapshot.replace(b"InfoCert S.p.A.", b"InfoCert S.p.X.", 1)
    assert altered != snapshot
    problem = verify_list_signature(altered, at=datetime(2023, 9, 27, tzinfo=UTC))
    assert "InvalidDigest" in problem and "Digest mismatch" in problem
    path = tmp_path / "tsl.xml"
    path.write_bytes(altered)
    assert cli.main(["trust", "verify", str(path), "--at", "2023-09-27"]) == 1


def test_trust_show(tmp_path_factory, capsys):
    k = P.shared(tmp_path_factory)
    assert cli.main(["trust", "show", "--trust", k.tsl, "--trust", k.pem_trust, "--all"]) == 0
    out = capsys.readouterr().out
    assert "servizi CA/QC: 1" in out and "TSA/QTST: 1" in out
    assert "certificati radice da cartelle / folder roots: 1; CRL: 1" in out


def test_trust_show_without_trust_shows_the_shipped_snapshot(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("PEC_PRECHECK_TRUST", "")
    monkeypatch.chdir(tmp_path)   # no list saved by `trust update` here
    assert cli.main(["trust", "show"]) == 0
    out = capsys.readouterr().out
    assert "TSL-IT-2023-09-26.xml" in out and "n. 194 del 2023-09-26" in out
    assert "copia distribuita con PEC Precheck" in out
    assert "elenco non aggiornato" in out   # its NextUpdate (2024-03-26) has passed
