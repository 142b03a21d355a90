"""End to end in Debian's headless Chromium (Playwright's Python API, no browser download):
the real app served on 127.0.0.1, a citizen filling the form and reading the verdict."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from app import create_app
from checker import profiles
from web_samples import docx_bytes, pdf_bytes, txt_bytes
from webserver import serve
from chromium import focused_id, own_page, upload
from axe import screenshot

pytestmark = pytest.mark.browser

LIMIT_MB = 1




@pytest.fixture(scope="module")
def base_url():
    app = create_app({"MAX_CONTENT_LENGTH": LIMIT_MB * 1024 * 1024, "SECRET_KEY": "browser-tests"})
    with serve(app) as url:
        yield url


@pytest.fixture()
def page(browser):
    # a check runs every file through bounded workers: the default timeout (60 s)
    with own_page(browser, viewport={"width": 1280, "height": 900}, accept_downloads=True,
                  locale="it-IT") as page:
        yield page



def fill_message(page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.select_option("#profile", "generic")
    page.fill("#sender", "mario.rossi@pec.it")
    page.fill("#subject", "Richiesta di accesso agli atti – pratica 123/2026")
    page.select_option("#doc_type", "Istanza")


def verdict_of(page) -> str:
    banner = page.locator("#verdict")
    banner.wait_for()
    return banner.get_attribute("data-verdict")


def test_form_upload_and_verdict_banner(page, base_url):
    console_errors = []
    page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))
    fill_message(page, base_url)
    page.set_input_files("#files", [upload("domanda.pdf", pdf_bytes(), "application/pdf"),
                                    upload("allegato.txt", txt_bytes(), "text/plain")])
    # The small script replaced the text field with a select of the chosen files.
    assert page.locator("#main-select").is_visible()
    assert page.locator("#main-select option").all_inner_texts() == ["domanda.pdf", "allegato.txt"]
    page.select_option("#main-select", "domanda.pdf")
    page.click("button[type=submit]")
    # a plain PDF and a text note to the generic office: accepted formats, no active content
    assert verdict_of(page) == "ready"
    # without an antivirus in this app the ready banner is the amber «Pronto, con avvisi»
    assert page.locator("#verdict h1").inner_text().startswith(("Pronto per l'invio", "Pronto, con avvisi"))
    main = page.locator("li.document.is-main")
    assert main.count() == 1 and "domanda.pdf" in main.inner_text()
    screenshot(page, "result")
    # our scripts, styles and fonts all load under the Content-Security-Policy
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
    assert page.evaluate("document.fonts.check('16px \"Titillium Web\"')")


def test_word_file_renamed_pdf_is_da_correggere(page, base_url):
    fill_message(page, base_url)
    page.set_input_files("#files", [upload("domanda.pdf", docx_bytes(), "application/pdf")])
    page.click("button[type=submit]")
    assert verdict_of(page) == "fix"
    assert "Da correggere" in page.locator("#verdict").inner_text()
    # every finding's code links to its rule, the two format findings among them
    hrefs = page.locator("a.rule-code").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert {"/rules#FMT002", "/rules#FMT010"} <= set(hrefs)
    assert all(href.startswith("/rules#") for href in hrefs), hrefs
    screenshot(page, "fix")


def test_download_json_is_the_report_shown(page, base_url):
    fill_message(page, base_url)
    page.set_input_files("#files", [upload("nota.txt", txt_bytes(), "text/plain")])
    page.click("button[type=submit]")
    verdict = verdict_of(page)
    with page.expect_download() as info:
        page.click("#download-json")
    report = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert report["verdict"] == verdict
    assert report["documents"][0]["name"] == "nota.txt"


def test_error_summary_links_to_the_fields(page, base_url):
    page.goto(base_url + "/")
    page.click("button[type=submit]")
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert focused_id(page, "error-summary") == "error-summary"
    hrefs = summary.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert "#sender" in hrefs and "#files" in hrefs
    screenshot(page, "errors")


def test_oversized_upload_shows_the_413_page(browser, base_url):
    # With scripts the form stops this upload before sending it (tests/browser/test_form.py);
    # without them the server's own limit answers with its page.
    with own_page(browser, java_script_enabled=False, locale="it-IT") as page:
        fill_message(page, base_url)
        page.set_input_files("#files", [upload("grande.pdf", b"%PDF-1.7\n" + b"0" * (2 * LIMIT_MB << 20),
                                               "application/pdf")])
        page.click("button[type=submit]")
        page.get_by_text("File troppo grandi").wait_for()
        assert f"{LIMIT_MB} MB" in page.content()
        screenshot(page, "413")


def test_tampered_csrf_token_shows_a_friendly_page(page, base_url):
    fill_message(page, base_url)
    page.set_input_files("#files", [upload("nota.txt", txt_bytes(), "text/plain")])
    page.evaluate("document.querySelector('input[name=csrf_token]').value = 'manomesso'")
    page.click("button[type=submit]")
    page.get_by_text("Modulo scaduto o non valido").wait_for()
    assert "Traceback" not in page.content()
    assert page.locator("a[href='/']").count() >= 1


def test_without_javascript_the_main_file_is_named_in_a_text_field(browser, base_url):
    with own_page(browser, java_script_enabled=False, locale="it-IT") as page:
        fill_message(page, base_url)
        assert page.locator("#main").is_visible()
        page.set_input_files("#files", [upload("allegato.txt", txt_bytes(), "text/plain"),
                                        upload("domanda.pdf", pdf_bytes(), "application/pdf")])
        page.fill("#main", "domanda.pdf")
        page.click("button[type=submit]")
        verdict_of(page)
        assert "domanda.pdf" in page.locator("li.document.is-main").inner_text()


def test_recipient_hint_follows_the_chosen_office(page, base_url):
    with_address = [p for p in profiles.load_all().values() if p.protocol_address]
    assert with_address, "every office but generic has a protocol address"
    page.goto(base_url + "/")
    chosen = with_address[-1]
    page.select_option("#profile", chosen.id)
    assert page.get_attribute("#recipient", "placeholder") == chosen.protocol_address
