"""The pages around the check, in Debian's Chromium at 1366 and 375 px: the triage table
(badges, sort, filters, CSV), /rules (search, the per-office view), the status page, the
error page, the menu behind its toggle on a phone, the English switch. Every state is
checked with axe-core (WCAG 2.1 AA, 0 violations), for horizontal overflow, and shot."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from app import create_app
from axe import assert_accessible, screenshot
from checker import checks
from pec_samples import build, expected
from webserver import serve
from chromium import WIDTHS, own_page

pytestmark = pytest.mark.browser

TAMPERED = "m08_tampered-signature.eml"
MESSAGES = ["01_posta-certificata.eml", "02_anomalia.eml", "03_accettazione.eml",
            "07_avvenuta-consegna-breve.eml", "08_avvenuta-consegna-sintetica.eml",
            "09b_errore-consegna-aruba-altro.eml", "11_rilevazione-virus.eml", "12_not-pec.eml",
            "m02_broken-xml.eml", TAMPERED, "m11_binary-junk.eml"]




@pytest.fixture(scope="module")
def pec(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("pec"))


@pytest.fixture(scope="module")
def base_url(pec):
    # the test provider's CA is trusted, so that an intact envelope is «Regolare»
    settings = dict(checks.settings_from_env(), trust=[str(pec / "ca" / "provider-ca.pem")], clamd="")
    app = create_app({"SECRET_KEY": "pages-tests", "CHECK_SETTINGS": settings, "MAX_TRIAGE_FILES": 20})
    with serve(app) as url:
        yield url


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def width(request) -> int:
    return int(request.param)


@pytest.fixture()
def page(browser, width):
    # a triage runs every message through bounded workers: 90 s
    with own_page(browser, 90_000, viewport={"width": width, "height": 900}, accept_downloads=True,
                  locale="it-IT") as page:
        yield page


def assert_fits(page, width: int) -> None:
    """No horizontal overflow: the page is never wider than the window."""
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url}: {scroll} px wide in a {width} px window"


def check_state(page, width: int, state: str) -> None:
    assert_fits(page, width)
    assert_accessible(page)
    screenshot(page, state, width)


def triage_messages(page, base_url: str, pec: Path, names: list[str]) -> None:
    page.goto(base_url + "/triage")
    page.set_input_files("#triage-files", [
        {"name": n, "mimeType": "message/rfc822", "buffer": (pec / "messages" / n).read_bytes()}
        for n in names])
    page.click("#triage-form button[type=submit]")
    page.locator("#triage-table").wait_for()
    page.wait_for_load_state("load")  # the table's sort and filter handlers are attached by then


def visible_files(page) -> list[str]:
    return page.locator("#triage-table tr.triage-row:visible th").all_inner_texts()


def test_triage_badges_sort_filter_and_csv(page, base_url, pec, width):
    triage_messages(page, base_url, pec, MESSAGES)
    rows = page.locator("tr.triage-row")
    assert rows.count() == len(MESSAGES)
    check_state(page, width, "triage")

    # the tampered provider signature: a red badge and «Non valida», never a blue class badge
    tampered = page.locator(f"tr.triage-row:has(th:text-is('{TAMPERED}'))")
    assert tampered.get_attribute("data-status") == "reject"
    alert = tampered.locator("[data-alert=signature-invalid]")
    assert "bg-danger" in alert.get_attribute("class")
    assert alert.inner_text() == "Firma del gestore alterata o non valida"
    assert tampered.locator(".triage-status").inner_text() == "Non valida / da respingere"
    assert tampered.locator(".bg-primary, .bg-success").count() == 0
    # an intact envelope is «Regolare»; no «Pronto per l'invio» for a received message
    intact = page.locator("tr.triage-row:has(th:text-is('01_posta-certificata.eml'))")
    assert intact.locator(".triage-status").inner_text() == "Regolare"
    assert "Pronto per l'invio" not in page.locator("#triage-table").inner_text()
    # receipts in words, dates in Italian time
    brief = page.locator("tr.triage-row:has(th:text-is('07_avvenuta-consegna-breve.eml'))")
    assert brief.locator(".triage-receipt").inner_text() == "Ricevuta di avvenuta consegna (breve)"
    assert brief.locator("time").inner_text() == "20/11/2026 10:15"

    # sort by status, most serious first: every «reject» row before the others
    page.select_option("#sort-key", "status")
    statuses = page.locator("tr.triage-row").evaluate_all("rs => rs.map(r => r.dataset.status)")
    assert statuses == sorted(statuses, key=["reject", "check", "regular"].index)
    assert page.locator("th[data-sort=status]").get_attribute("aria-sort") == "ascending"
    # the column headings sort too, by keyboard: the sender's heading once (A→Z), again (Z→A);
    # on a phone the headings are hidden (each cell names its column) and so are their buttons
    if width < 768:
        assert not page.locator("th[data-sort=sender] button").is_visible()
    else:
        page.focus("th[data-sort=sender] button")
        page.keyboard.press("Enter")
        senders = page.locator("tr.triage-row").evaluate_all("rs => rs.map(r => r.dataset.sender || '\\uffff')")
        assert senders == sorted(senders) and page.locator("#sort-key").input_value() == "sender"
        assert page.locator("th[data-sort=sender]").get_attribute("aria-sort") == "ascending"
        assert page.locator("th[data-sort=status]").get_attribute("aria-sort") is None
        page.keyboard.press("Space")
        reversed_ = page.locator("tr.triage-row").evaluate_all("rs => rs.map(r => r.dataset.sender || '\\uffff')")
        assert reversed_ == sorted(senders, reverse=True) and page.locator("#sort-dir").input_value() == "desc"
        assert page.locator("th[data-sort=sender]").get_attribute("aria-sort") == "descending"
        page.select_option("#sort-key", "status")
        page.select_option("#sort-dir", "asc")
    # with the keyboard: the problem filter, reached and changed without a mouse
    page.focus("#filter-alert")
    chosen = ""
    for _ in range(10):
        page.keyboard.press("ArrowDown")
        chosen = page.eval_on_selector("#filter-alert", "s => s.value")
        if chosen == "signature-invalid":
            break
    assert chosen == "signature-invalid"
    assert visible_files(page) == [TAMPERED]
    assert "1 messaggi su 11" in page.locator("#triage-shown").inner_text()
    check_state(page, width, "triage-filtered")
    # by class and receipt type
    page.select_option("#filter-alert", "")
    page.select_option("#filter-class", "ricevuta")
    page.select_option("#filter-receipt", "avvenuta-consegna")
    exp = expected(pec)
    assert sorted(visible_files(page)) == sorted(
        n for n in MESSAGES if exp[n]["receipt_type"] == "avvenuta-consegna")

    # the CSV: the whole table, in words, as the page shows it
    with page.expect_download() as info:
        page.click("#triage-csv")
    download = info.value
    assert download.suggested_filename.startswith("smistamento-pec-") and download.suggested_filename.endswith(".csv")
    table = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert [r["File"] for r in table] == MESSAGES
    row = next(r for r in table if r["File"] == TAMPERED)
    assert row["Stato"] == "Non valida / da respingere"
    assert "Firma del gestore alterata o non valida" in row["Problemi"]
    assert next(r for r in table if r["File"] == "07_avvenuta-consegna-breve.eml")["Ricevuta"] == \
        "Ricevuta di avvenuta consegna (breve)"


def test_triage_table_is_complete_without_javascript(browser, base_url, pec):
    with own_page(browser, 90_000, viewport={"width": 375, "height": 900}, java_script_enabled=False,
                  locale="it-IT") as page:
        triage_messages(page, base_url, pec, MESSAGES[:4])
        assert page.locator("tr.triage-row:visible").count() == 4
        assert not page.locator("#triage-controls").is_visible()   # controls need the script
        assert_fits(page, 375)


def test_rules_search(page, base_url, width):
    page.goto(base_url + "/rules")
    total = page.locator("article.rule").count()
    check_state(page, width, "rules")
    page.fill("#rules-search", "FMT002")
    page.wait_for_function("() => document.querySelectorAll('article.rule:not([hidden])').length === 1")
    assert page.locator("article.rule:visible").get_attribute("id") == "FMT002"
    # words: «firma digitale» finds the signature rules, not every rule
    page.fill("#rules-search", "")
    page.wait_for_function(f"() => document.querySelectorAll('article.rule:not([hidden])').length === {total}")
    page.fill("#rules-search", "firma digitale")
    page.wait_for_function(f"() => document.querySelectorAll('article.rule:not([hidden])').length < {total}")
    shown = page.locator("article.rule:visible").count()
    assert 0 < shown < total
    assert f"{shown} regole su {total}" in page.locator("#rules-count").inner_text()
    check_state(page, width, "rules-searched")
    page.fill("#rules-search", "zzzz-nessuna")
    page.locator("#rules-none").wait_for()


def test_rules_search_in_english(page, base_url, width):
    page.goto(base_url + "/rules?lang=en")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.fill("#rules-search", "macro")
    page.wait_for_function("() => document.querySelectorAll('article.rule:not([hidden])').length > 0 && "
                           "document.querySelectorAll('article.rule[hidden]').length > 0")
    first = page.locator("article.rule:visible").first.inner_text()
    assert "macro" in first.lower() and "Come correggere" not in first
    check_state(page, width, "rules-en")


def test_office_view(page, base_url, width):
    page.goto(base_url + "/rules")
    page.select_option("#office", "genova")
    page.click("#office-picker button[type=submit]")
    page.wait_for_url("**/rules/office/genova")
    assert "Comune di Genova" in page.locator("h1").inner_text()
    assert page.locator("[data-fact=formats]").inner_text().startswith("PDF, TXT, RTF, XML, TIFF")
    assert page.locator("[data-fact=size]").inner_text() == "30 MB"
    assert "firmato digitalmente" in page.locator("[data-fact=sender]").inner_text()
    check_state(page, width, "office")
    # each rule it refuses links to the rule itself
    page.locator("#office-blocking").locator("xpath=..").locator("summary").click()
    link = page.locator("#office-blocking a.rule-code").first
    code = link.inner_text()
    link.click()
    page.wait_for_url(f"**/rules#{code}")
    assert page.locator(f"article#{code}").is_visible()


def test_status_page(page, base_url, width):
    page.goto(base_url + "/")
    if width < 992:  # the menu is behind its toggle on a phone
        page.click("#menu-toggle")
    page.locator("#site-menu").get_by_role("link", name="Stato", exact=True).click()
    page.wait_for_url("**/status")
    services = page.locator("#status-table tr[data-service]")
    assert services.evaluate_all("rs => rs.map(r => r.dataset.service)") == \
        ["app", "verapdf", "antivirus", "trust", "queue", "disagreements"]
    antivirus = page.locator("tr[data-service=antivirus]")
    assert antivirus.get_attribute("data-state") == "absent"
    assert "Non configurato" in antivirus.inner_text()
    trust = page.locator("tr[data-service=trust]").inner_text()
    assert "provider-ca.pem" in trust
    assert "in corso su" in page.locator("tr[data-service=queue]").inner_text()
    check_state(page, width, "status")


def test_error_page(page, base_url, width):
    response = page.goto(base_url + "/non-esiste")
    assert response is not None and response.status == 404
    assert "Pagina non trovata" in page.locator("#error-message").inner_text()
    check_state(page, width, "404")
    page.goto(base_url + "/non-esiste?lang=en")
    assert "Page not found" in page.locator("#error-message").inner_text()
    assert "Pagina non trovata" not in page.content()
    check_state(page, width, "404-en")


def test_pdfa_rules_page(page, base_url, width):
    page.goto(base_url + "/rules/pdfa")
    check_state(page, width, "pdfa-rules")


def test_english_switch_is_remembered(page, base_url, width):
    page.goto(base_url + "/status")
    page.click("#lang-switch")
    page.wait_for_url("**/status?lang=en")
    assert page.locator("h1").inner_text() == "Service status"
    assert page.evaluate("document.documentElement.lang") == "en"
    check_state(page, width, "status-en")
    page.goto(base_url + "/triage")   # the choice is kept without ?lang=
    assert page.locator("h1").inner_text() == "PEC message triage"
    assert "Smistamento" not in page.locator("main").inner_text()
    check_state(page, width, "triage-en")


def test_menu_behind_a_toggle_on_a_phone(page, base_url, width):
    page.goto(base_url + "/rules")
    toggle = page.locator("#menu-toggle")
    if width >= 992:
        assert not toggle.is_visible()
        assert page.locator("#site-menu a.nav-link").first.is_visible()
        return
    assert toggle.is_visible()
    assert not page.locator("#site-menu a.nav-link").first.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.focus()
    page.keyboard.press("Enter")
    page.locator("#site-menu a.nav-link").first.wait_for(state="visible")
    assert toggle.get_attribute("aria-expanded") == "true"
    check_state(page, width, "menu-open")
    page.keyboard.press("Escape")
    page.locator("#site-menu a.nav-link").first.wait_for(state="hidden")
    assert toggle.get_attribute("aria-expanded") == "false"


@pytest.mark.parametrize("path", ["/", "/triage", "/rules/office/cremona", "/status?lang=en"])
def test_no_horizontal_overflow(page, base_url, width, path):
    page.goto(base_url + path)
    check_state(page, width, "page" + path.replace("/", "-").replace("?", "-").replace("=", "-"))
