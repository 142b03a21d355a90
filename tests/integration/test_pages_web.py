"""The triage table's CSV download, the status page, /rules' per-office view and the
triage rows' status and alerts, through the Flask test client on real PEC samples."""
from __future__ import annotations

import csv
import io
import re
import socket
from pathlib import Path

import lxml.html
import pytest

from app import create_app
from checker import checks, triage
from checker.mail.sources import RawItem
from checker.web import health
from pec_samples import build

SNAPSHOT = Path(checks.__file__).parents[1] / "signatures" / "data" / "TSL-IT-2023-09-26.xml"
TAMPERED = "m08_tampered-signature.eml"
NAMES = ["01_posta-certificata.eml", "07_avvenuta-consegna-breve.eml", "11_rilevazione-virus.eml",
         "12_not-pec.eml", TAMPERED, "m11_binary-junk.eml"]


@pytest.fixture(scope="module")
def pec(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("pec"))


@pytest.fixture(scope="module")
def trusted(pec) -> dict:
    return dict(checks.settings_from_env(), trust=[str(pec / "ca" / "provider-ca.pem")], clamd="")


@pytest.fixture(scope="module")
def app(trusted):
    return create_app({"TESTING": True, "CHECK_SETTINGS": trusted})


def token(client, path: str = "/triage") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))[1]


def post_triage(client, pec: Path, names: list[str], lang: str = "it"):
    files = [(io.BytesIO((pec / "messages" / n).read_bytes()), n) for n in names]
    return client.post(f"/triage?lang={lang}", data={"csrf_token": token(client), "files": files},
                       content_type="multipart/form-data")


def test_triage_rows_status_and_alerts(pec, trusted):
    items = [RawItem(n, (pec / "messages" / n).read_bytes()) for n in NAMES]
    rows = {r.file: r.to_json(with_report=False) for r in triage.triage(items, settings=trusted)}
    assert (rows[TAMPERED]["status"], rows[TAMPERED]["alerts"]) == ("reject", ["signature-invalid"])
    assert (rows["01_posta-certificata.eml"]["status"], rows["01_posta-certificata.eml"]["alerts"]) == ("regular", [])
    assert rows["07_avvenuta-consegna-breve.eml"]["status"] == "regular"
    assert rows["11_rilevazione-virus.eml"]["alerts"] == ["virus"]
    assert (rows["12_not-pec.eml"]["status"], rows["12_not-pec.eml"]["alerts"]) == ("check", ["not-pec"])
    assert rows["m11_binary-junk.eml"]["alerts"] == ["unreadable"]


def test_triage_page_badges_and_csv(app, pec):
    client = app.test_client()
    r = post_triage(client, pec, NAMES)
    assert r.status_code == 200
    doc = lxml.html.fromstring(r.get_data(as_text=True))
    row = doc.xpath(f"//tr[contains(@class, 'triage-row')][th='{TAMPERED}']")[0]
    assert row.get("data-status") == "reject"
    badge = row.xpath(".//*[@data-alert='signature-invalid']")[0]
    assert "bg-danger" in badge.get("class") and badge.text == "Firma del gestore alterata o non valida"
    assert not row.xpath(".//*[contains(@class, 'bg-primary')]")
    assert "Pronto per l'invio" not in r.get_data(as_text=True)

    href = doc.get_element_by_id("triage-csv").get("href")
    csv_response = client.get(href)
    assert csv_response.status_code == 200
    assert csv_response.mimetype == "text/csv"
    disposition = csv_response.headers["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="smistamento-pec-\d{8}-\d{4}\.csv"', disposition)
    text = csv_response.get_data(as_text=True)
    assert text.startswith("\ufeff")   # spreadsheets read the accents
    table = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [t["File"] for t in table] == NAMES
    by_file = {t["File"]: t for t in table}
    assert by_file[TAMPERED]["Stato"] == "Non valida / da respingere"
    assert by_file[TAMPERED]["Problemi"] == "Firma del gestore alterata o non valida"
    assert by_file["07_avvenuta-consegna-breve.eml"]["Ricevuta"] == "Ricevuta di avvenuta consegna (breve)"
    assert by_file["07_avvenuta-consegna-breve.eml"]["Data (ora italiana)"] == "20/11/2026 10:15"
    assert by_file["01_posta-certificata.eml"]["Allegati"] == "Conformi"

    # the same job's CSV in English, and from the job's own report page
    english = client.get(href + "?lang=en")
    head = next(csv.reader(io.StringIO(english.get_data(as_text=True).lstrip("\ufeff"))))
    assert head[:3] == ["File", "Status", "Problems"]
    assert 'filename="pec-triage-' in english.headers["Content-Disposition"]
    job_id = href.rsplit("/", 1)[1].removesuffix(".csv")
    again = lxml.html.fromstring(client.get(f"/jobs/{job_id}/report?lang=it").get_data(as_text=True))
    assert again.get_element_by_id("triage-csv").get("href") == href


def test_triage_csv_of_an_unknown_or_other_job_is_404(app):
    client = app.test_client()
    assert client.get("/triage/nessuno.csv").status_code == 404


def test_status_page_in_words(app, pec):
    health.clear_cache()
    client = app.test_client()
    r = client.get("/status")
    assert r.status_code == 200
    doc = lxml.html.fromstring(r.get_data(as_text=True))
    states = {tr.get("data-service"): tr.get("data-state") for tr in doc.xpath("//tr[@data-service]")}
    assert states["antivirus"] == "absent" and states["trust"] == "up"
    assert "Non configurato" in doc.xpath("//tr[@data-service='antivirus']")[0].text_content()
    assert "provider-ca.pem" in doc.xpath("//tr[@data-service='trust']")[0].text_content()
    # the menu's «Stato» leads here; the JSON stays at /healthz with the same facts
    assert doc.xpath("//nav//a[@href='/status']")
    facts = client.get("/healthz").get_json()
    assert facts["antivirus_service"]["state"] == "absent"
    assert facts["trust_lists"][0]["source"] == "provider-ca.pem"
    assert {"running", "queued", "max_checks", "max_queue"} <= set(facts["queue"])


def test_status_page_clamd_down_and_trusted_list_out_of_date(tmp_path):
    health.clear_cache()
    socket_path = tmp_path / "clamd.sock"   # nothing listens here: the daemon is down
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(socket_path))
    listener.close()                       # bound then closed: connections are refused
    settings = dict(checks.settings_from_env(), clamd=f"unix:{socket_path}",
                    trust=[str(SNAPSHOT)])   # issued 2023-09-26, NextUpdate 2024-03-26
    client = create_app({"TESTING": True, "CHECK_SETTINGS": settings}).test_client()
    doc = lxml.html.fromstring(client.get("/status").get_data(as_text=True))
    antivirus = doc.xpath("//tr[@data-service='antivirus']")[0]
    assert antivirus.get("data-state") == "down" and "Non risponde" in antivirus.text_content()
    trust = doc.xpath("//tr[@data-service='trust']")[0].text_content()
    listed = client.get("/healthz").get_json()["trust_lists"][0]
    assert listed == {"source": SNAPSHOT.name, "issued": "2023-09-26T01:00:00Z",
                      "next_update": "2024-03-26T00:00:00Z", "expired": True, "present": True}
    assert "emesso il 26/09/2023" in trust and "Da aggiornare" in trust
    assert "pec-precheck trust update" in trust
    health.clear_cache()


def test_office_view_and_office_query(app):
    client = app.test_client()
    r = client.get("/rules?office=genova")
    assert r.status_code == 303 and r.headers["Location"].endswith("/rules/office/genova")
    assert client.get("/rules?office=atlantide").status_code == 404
    assert client.get("/rules/office/atlantide").status_code == 404
    doc = lxml.html.fromstring(client.get("/rules/office/genova").get_data(as_text=True))
    assert doc.xpath("//*[@data-fact='size']")[0].text_content().strip() == "30 MB"
    links = doc.xpath("//ul[@id='office-blocking']//a/@href")
    assert links and all(re.fullmatch(r"/rules#[A-Z]{2,5}\d{3}", h) for h in links)
    english = client.get("/rules/office/genova?lang=en").get_data(as_text=True)
    assert "What it accepts" in english and "Che cosa accetta" not in english


def test_rules_page_one_language(app):
    client = app.test_client()
    italian = client.get("/rules?lang=it").get_data(as_text=True)
    english = client.get("/rules?lang=en").get_data(as_text=True)
    assert "Come correggere:" in italian and "How to fix:" not in italian
    assert "How to fix:" in english and "Come correggere:" not in english
    assert 'lang="en" class="en' not in italian


def test_status_page_counts_the_queue_without_its_lock(tmp_path):
    """Checks running and waiting, as the admission ledger has them; read while another
    process holds the ledger's lock."""
    import fcntl

    from checker.jobs import Ledger, Limits
    app = create_app({"TESTING": True, "RUNTIME_DIR": tmp_path, "ADMISSION": Limits(max_checks=1)})
    ledger = Ledger(tmp_path, Limits(max_checks=1))
    ledger.enter("first", 1000)    # takes the only slot
    ledger.enter("second", 1000)   # waits
    with open(tmp_path / "admission.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            text = app.test_client().get("/status").get_data(as_text=True)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    doc = lxml.html.fromstring(text)
    queue = doc.xpath("//tr[@data-service='queue']")[0].text_content()
    assert "1 in corso su 1, 1 in attesa" in queue and "In attesa" in queue
    ledger.leave("first")
    ledger.leave("second")
