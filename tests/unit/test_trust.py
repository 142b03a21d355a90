"""Trust anchors: the real Italian trusted list (read from ../shared/trust, never copied),
trusted lists made for the test PKI (status history), and PEM folders."""
from __future__ import annotations

import datetime as dt
from datetime import datetime

import pytest

import pki as P
from checker.signatures import cms
from checker.signatures.trust import load_trust, qualified_at
from conftest import ITALIAN_TSL, require

REAL_TSL = ITALIAN_TSL


@pytest.fixture(scope="module")
def italian():
    require(REAL_TSL, "the 2023 Italian trusted list snapshot")
    return load_trust([str(REAL_TSL)])


@pytest.fixture(scope="module")
def k(tmp_path_factory):
    return P.shared(tmp_path_factory)


def test_italian_list_counts_and_scheme(italian):
    assert italian.errors == []
    assert italian.tsl_info["territory"] == "IT" and italian.tsl_info["sequence"] == "194"
    ca = [s for s in italian.services if s.type == "CA/QC"]
    assert len(ca) == 195
    assert len({s.provider for s in italian.services}) == 53
    # every CA/QC and QTST service reaches pyHanko's registry (history windows included)
    assert len(italian.registry.known_certificate_authorities) == 195
    assert len(italian.registry.known_timestamp_authorities) == 30


def test_italian_list_known_provider_present(italian):
    providers = {s.provider for s in italian.services}
    assert "InfoCert S.p.A." in providers
    assert "Aruba Posta Elettronica Certificata S.p.A." in providers


def test_taken_over_services_are_kept(italian):
    taken = {(s.provider, s.taken_over_by) for s in italian.services if s.taken_over_by}
    assert ("Lombardia Integrata S.p.A. Servizi Infotelematici per il Territorio",
            "Lombardia Informatica S.p.A.") in taken
    assert ("IT Telecom S.r.l.", "Telecom Italia Trust Technologies S.r.l.") in taken
    lisit = next(a for a in italian.registry.known_certificate_authorities
                 if "LISIT" in a.name.human_friendly)
    assert list(italian.registry.applicable_service_definitions(lisit, None))


def test_status_history_is_honoured(italian):
    """InfoCert Firma Qualificata: accredited 2007, granted 2016, withdrawn 2023-09-25."""
    authority = next(a for a in italian.registry.known_certificate_authorities
                     if a.name.native.get("common_name") == "InfoCert Firma Qualificata")
    service = next(s for s in italian.services if s.name.startswith("CN=InfoCert Firma Qualificata,"))
    assert service.status == "withdrawn"
    assert [h.status for h in service.history] == ["granted", "accredited"]
    utc = dt.UTC
    assert qualified_at(italian, [authority], datetime(2012, 1, 1, tzinfo=utc)) is True   # accredited (pre-eIDAS)
    assert qualified_at(italian, [authority], datetime(2020, 1, 1, tzinfo=utc)) is True   # granted
    assert qualified_at(italian, [authority], datetime(2023, 10, 1, tzinfo=utc)) is False  # withdrawn


def test_pem_folder_and_crl(k):
    store = load_trust([k.pem_trust])
    assert len(store.roots) == 1 and len(store.crls) == 1
    assert store.registry is None and store.configured


def test_missing_and_broken_sources_are_recorded_not_raised(tmp_path):
    (tmp_path / "bad.pem").write_text("-----BEGIN CERTIFICATE-----\nnotbase64\n-----END CERTIFICATE-----\n")
    (tmp_path / "bad.xml").write_text("<TrustServiceStatusList><unclosed>")
    store = load_trust([str(tmp_path), str(tmp_path / "nope")])
    assert not store.configured
    assert len(store.errors) == 3


def test_withdrawn_provider_trusted_at_signing_time_not_now(k, tmp_path):
    """Status history: a CA granted (pre-eIDAS 'undersupervision') until 200 days ago."""
    tsl = tmp_path / "tsl-withdrawn.xml"
    tsl.write_text(P.trusted_list(k, ca_status="withdrawn", since=P.NOW - dt.timedelta(days=200),
                                  history=P.history_entry(k, "undersupervision",
                                                          P.NOW - dt.timedelta(days=3000))))
    settings = {"trust": [str(tsl)]}
    then = P.NOW - dt.timedelta(days=400)
    old = cms.load_envelope(P.cades(k, k.expired, b"x" * 50, timestamp=True, ts_at=then, signing_time=then))
    [r] = cms.validate_signers(old.signed_data, old.content, settings)
    assert r.info.indication == "PASSED" and r.info.qualified is True
    new = cms.load_envelope(P.cades(k, k.signer, b"x" * 50))
    [r] = cms.validate_signers(new.signed_data, new.content, settings)
    assert r.info.qualified is False
    assert "SIG013" in [f.code for f in r.findings]


def test_no_trust_never_uses_the_operating_system_store(k):
    store = load_trust([])
    tm = store.trust_manager()
    assert not store.configured
    assert list(tm.find_potential_issuers(k.intermediate.cert_asn1)) == []
