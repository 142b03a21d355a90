"""The report page's states in Debian's Chromium, at desktop (1366 px) and phone (375 px) width
(issue 14): fix, ready, ready with warnings, undetermined, a large upload's progress, a queued
check filling in, reload and Back, the PDF, English,
keyboard-only submission with focus on the verdict, a form error keeping the chosen files, the
«Correggi automaticamente» page offering a corrected file to download. axe-core (WCAG 2.1 AA) finds nothing in each;
`make screenshots` keeps a picture of each."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pypdf
import pytest

import clamd
from app import create_app
from axe import assert_accessible, screenshot
from checker.checks import settings_from_env
from conftest import SAMPLES
import fix_samples as S
from web_samples import docx_bytes, pdf_bytes, txt_bytes
from webserver import serve
from chromium import WIDTHS, focused_id, own_page, upload

pytestmark = pytest.mark.browser

clamd_address = clamd.clamd_address  # the private clamd (EICAR only): the antivirus really runs
SIGNED = SAMPLES / "signed"




@pytest.fixture(scope="module")
def app(clamd_address, tmp_path_factory):
    settings = {**settings_from_env(), "clamd": clamd_address, "trust": [str(SIGNED / "trust")],
                "revocation": "offline"}
    return create_app({"SECRET_KEY": "report-states", "CHECK_SETTINGS": settings,
                       "RUNTIME_DIR": tmp_path_factory.mktemp("runtime")})


@pytest.fixture(scope="module")
def base_url(app):
    with serve(app) as url:
        yield url


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def page(browser, request):
    width = request.param
    # a check runs every file through bounded workers: 90 s
    with own_page(browser, 90_000, viewport={"width": width, "height": 900 if width > 400 else 740},
                  accept_downloads=True, locale="it-IT") as page:
        page.width = width
        yield page



def fill(page, base_url: str, files: list[dict], profile: str = "generic",
         subject: str = "Richiesta di accesso agli atti pratica 123/2026", sender: str = "mario.rossi@pec.it") -> None:
    page.goto(base_url + "/")
    page.select_option("#profile", profile)
    page.fill("#sender", sender)
    page.fill("#subject", subject)
    page.select_option("#doc_type", "Istanza")
    page.set_input_files("#files", files)


def report(page) -> dict:
    """The finished report on the page: waits for the verdict banner of a done report."""
    page.locator("#report-json").wait_for(state="attached")
    page.wait_for_load_state("load")  # and the page's scripts have run (focus, links, toggles)
    return json.loads(page.locator("#report-json").text_content())


def banner(page):
    return page.locator("#verdict")


def check_state(page, state: str, name: str) -> None:
    assert_accessible(page)
    screenshot(page, name, page.width)
    # nothing wider than the screen on a phone
    wide = page.evaluate("""w => Array.from(document.querySelectorAll('body *')).filter(e => !(e instanceof SVGElement))
        .filter(e => e.getBoundingClientRect().right > w + 1
                     || (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1))
        .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 5)""",
                         page.width)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.width + 1, (state, wide)


def test_fix_names_the_problems_and_links_to_them(page, base_url):
    fill(page, base_url, [upload("domanda.pdf", docx_bytes(), "application/pdf")])
    page.click("button[type=submit]")
    shown = report(page)
    assert shown["verdict"] == "fix" and banner(page).get_attribute("data-verdict") == "fix"
    links = banner(page).locator("ol.verdict-problems a")
    assert 1 <= links.count() <= 3
    target = links.first.get_attribute("href")
    links.first.click()
    assert page.evaluate("location.hash") == target
    finding = page.locator(target)
    assert finding.is_visible() and "Come correggere" in finding.inner_text()
    # the technical detail is folded
    assert not finding.locator("details.tech code").first.is_visible()
    check_state(page, "fix", "report-fix")


def test_ready_is_green_and_the_antivirus_ran(page, base_url):
    fill(page, base_url, [upload("domanda.pdf", pdf_bytes(), "application/pdf")])
    page.click("button[type=submit]")
    shown = report(page)
    assert shown["verdict"] == "ready"
    assert banner(page).get_attribute("data-state") == "ready"
    assert "alert-success" in banner(page).get_attribute("class")
    assert "Pronto per l'invio" in banner(page).locator("h1").inner_text()
    assert any(d["engines"].get("antivirus", "").startswith("ClamAV") for d in shown["documents"])
    check_state(page, "ready", "report-ready")


def test_ready_with_warnings_is_amber_and_says_what_genova_does(page, base_url):
    subject = "Richiesta di accesso agli atti pratica 123/2026 e domanda di contributo affitto pratica 77/2026"
    fill(page, base_url, [upload("domanda.pdf", pdf_bytes(), "application/pdf")], profile="genova", subject=subject)
    page.click("button[type=submit]")
    report(page)
    b = banner(page)
    assert b.get_attribute("data-verdict") == "ready" and b.get_attribute("data-state") == "ready-warnings"
    assert "alert-warning" in b.get_attribute("class")
    assert b.locator("h1").inner_text() == "Pronto, con avvisi"
    assert "respinge in automatico" in b.inner_text()
    assert b.locator("ol.verdict-problems a").count() >= 1
    check_state(page, "ready-warnings", "report-ready-warnings")


def test_undetermined_signature_in_human_terms_and_a_phone_table(page, base_url):
    # Cremona requires a verified signature; this one's chain leads to no trusted authority
    envelope = (SIGNED / "domanda-non-fidata.pdf.p7m").read_bytes()
    fill(page, base_url, [upload("domanda.pdf.p7m", envelope)], profile="cremona")
    page.click("button[type=submit]")
    shown = report(page)
    assert shown["verdict"] == "undetermined"
    assert banner(page).get_attribute("data-verdict") == "undetermined"
    table = page.locator("table.signatures")
    text = table.inner_text()
    assert "MORI EVA" in text and "MROEVA90A41H501P" in text
    assert "Firma non verificabile" in text and "certificatore di fiducia" in text
    assert "ora italiana" in text and "Valido dal" in text
    assert "NO_CERTIFICATE_CHAIN_FOUND" not in text            # the ETSI code is folded away
    table.locator("details.tech summary").first.click()
    assert "NO_CERTIFICATE_CHAIN_FOUND" in table.inner_text()
    # the envelope and its content as a tree
    assert page.locator(".envelope-tree li li").count() >= 1
    display = page.evaluate("getComputedStyle(document.querySelector('table.signatures td')).display")
    assert display == ("block" if page.width < 576 else "table-cell")
    check_state(page, "undetermined", "report-undetermined")


# Records, across the navigation to the report, what the form did while it uploaded.
WATCH = """
(() => {
  if (location.pathname !== "/") { return; }
  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("check-form");
    const seen = {busy: false, disabled: false, progress: false, loaded: 0, said: ""};
    const look = () => {
      const bar = document.getElementById("upload-progress");
      const button = form.querySelector("button[type=submit]");
      if (form.getAttribute("aria-busy") === "true") { seen.busy = true; }
      if (button.disabled) { seen.disabled = true; }
      if (bar && !bar.hidden && bar.closest("#submit-progress") && !bar.closest("#submit-progress").hidden) {
        seen.progress = true; seen.loaded = Math.max(seen.loaded, Number(bar.value));
      }
      const status = document.getElementById("upload-status");
      if (status && status.textContent) { seen.said = status.textContent; }
      sessionStorage.setItem("upload-seen", JSON.stringify(seen));
    };
    new MutationObserver(look).observe(form, {attributes: true, subtree: true, childList: true, characterData: true});
  });
})();
"""


def test_a_large_upload_shows_its_progress_and_disables_the_button(page, base_url):
    page.add_init_script(WATCH)
    big = b"Oggetto: allegato grande\n" + b"0123456789abcdef\n" * (20 * 1024 * 1024 // 17)
    fill(page, base_url, [upload("allegato.txt", big, "text/plain")])
    page.click("button[type=submit]")
    report(page)
    seen = json.loads(page.evaluate("sessionStorage.getItem('upload-seen')"))
    assert seen["busy"] and seen["disabled"] and seen["progress"], seen
    assert seen["loaded"] > 0 and seen["said"], seen
    check_state(page, "large-upload", "report-large-upload")


def test_a_queued_check_shows_its_place_then_fills_in(page, base_url, app):
    ledger = app.extensions["pec_jobs"].ledger
    held = [f"someone-else-{n}" for n in range(ledger.limits.max_checks)]
    for ticket in held:
        ledger.enter(ticket, 1)
    try:
        fill(page, base_url, [upload("nota.txt", txt_bytes(), "text/plain")])
        page.click("button[type=submit]")
        page.locator("#job[data-state=queued]").wait_for()
        assert "In coda, posizione" in page.locator("#job-title").inner_text()
        assert page.locator("#job").get_attribute("data-progress-url").endswith("/progress")
        check_state(page, "queued", "report-queued")
    finally:
        for ticket in held:
            ledger.leave(ticket)
    shown = report(page)                 # the page polls, then shows the report at the same address
    assert shown["documents"][0]["name"] == "nota.txt"
    assert page.url.endswith("/report")


def test_reload_and_back_show_the_same_report_without_resubmitting(page, base_url):
    fill(page, base_url, [upload("domanda.pdf", docx_bytes(), "application/pdf")])
    page.click("button[type=submit]")
    first = report(page)
    address = page.url
    assert "/jobs/" in address and address.endswith("/report")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.reload()
    assert report(page)["checked_at"] == first["checked_at"] and page.url == address
    page.locator("details.tech summary").first.click()
    page.locator("a.rule-code").first.click()
    page.wait_for_url("**/rules*")
    page.go_back()
    assert page.url == address and report(page)["checked_at"] == first["checked_at"]
    assert "fino alle" in page.locator("#kept-note").inner_text()
    assert dialogs == []
    check_state(page, "reload-back", "report-reload-back")


def test_the_pdf_download_holds_the_verdict_fixes_hashes_and_date(page, base_url):
    fill(page, base_url, [upload("domanda.pdf", docx_bytes(), "application/pdf")])
    page.click("button[type=submit]")
    shown = report(page)
    with page.expect_download() as info:
        page.click("#download-pdf")
    data = Path(info.value.path()).read_bytes()
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages).split())
    assert "Da correggere" in text
    fix = next(f for d in shown["documents"] for f in d["findings"] if f["severity"] == "error")
    assert " ".join(fix["fix"]["it"].split())[:50] in text
    assert shown["documents"][0]["sha256"] in text.replace(" ", "")
    from datetime import datetime
    assert datetime.fromisoformat(shown["checked_at"]).strftime("%d/%m/%Y") in text
    check_state(page, "pdf", "report-pdf")


def test_english_switch_on_the_report(page, base_url):
    fill(page, base_url, [upload("domanda.pdf", docx_bytes(), "application/pdf")])
    page.click("button[type=submit]")
    shown = report(page)
    page.locator("a[hreflang=en]").click()
    page.wait_for_url("**lang=en*")
    assert report(page)["checked_at"] == shown["checked_at"]       # the same report, not a new check
    assert page.evaluate("document.documentElement.lang") == "en"
    assert banner(page).locator("h1").inner_text() == "Fix before sending"
    body = page.locator("main").inner_text()
    assert "How to fix:" in body and "Come correggere" not in body
    check_state(page, "english", "report-english")
    page.goto(base_url + "/?lang=it")      # the choice is a cookie of this context only


def test_keyboard_only_submission_lands_on_the_verdict(page, base_url):
    fill(page, base_url, [upload("nota.txt", txt_bytes(), "text/plain")])
    page.focus("#subject")
    page.keyboard.press("Enter")              # implicit submission from a text field
    report(page)
    assert focused_id(page, "verdict") == "verdict"
    check_state(page, "keyboard", "report-keyboard")


def test_a_form_error_keeps_the_chosen_files(page, base_url):
    fill(page, base_url, [upload("domanda.pdf", pdf_bytes(), "application/pdf"),
                          upload("nota.txt", txt_bytes(), "text/plain")], sender="non-un-indirizzo")
    page.click("button[type=submit]")
    page.locator("#error-summary").wait_for()
    assert focused_id(page, "error-summary") == "error-summary"
    assert page.url.rstrip("/") == base_url                       # still the form, not a new page
    assert page.evaluate("document.getElementById('files').files.length") == 2
    assert page.locator("#sender-error").is_visible()
    assert page.locator("#sender").get_attribute("aria-invalid") == "true"
    assert page.locator("button[type=submit]").is_enabled()
    assert_accessible(page)
    screenshot(page, "form-error-kept-files", page.width)
    page.fill("#sender", "mario.rossi@pec.it")
    page.click("button[type=submit]")
    shown = report(page)
    assert [d["name"] for d in shown["documents"]] == ["domanda.pdf", "nota.txt"]


def test_the_fix_page_offers_the_corrected_file(page, base_url):
    """From a report with a mechanical fix (a Word file for Genova, which wants PDF) to the
    «Correggi automaticamente» page, the same file chosen again, the corrected PDF offered and
    downloaded, the new check shown; then the same page in English."""
    fill(page, base_url, [upload("domanda.docx", S.docx(), "application/octet-stream")], profile="genova")
    page.click("button[type=submit]")
    report(page)
    page.click("#fix-button")
    page.wait_for_url("**/fix?profile=genova*")
    assert page.locator("#fix-profile").input_value() == "genova"
    check_state(page, "fix-form", "fix-form")
    page.set_input_files("#fix-files", [upload("domanda.docx", S.docx(), "application/octet-stream")])
    page.click("#fix-form button[type=submit]")
    page.locator("#fix-result").wait_for()
    row = page.locator("tr.fix-row")
    assert row.get_attribute("data-action") == "converted" and row.get_attribute("data-status") == "fixed"
    assert "convertito in PDF/A" in row.inner_text()
    assert page.locator("#fix-report").get_attribute("data-verdict") in ("ready", "fix", "undetermined")
    check_state(page, "fix-result", "fix-result")
    with page.expect_download() as info:
        row.locator("a").first.click()
    assert info.value.suggested_filename == "domanda.pdf"
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF")
    page.goto(base_url + "/fix?profile=genova&lang=en")
    assert page.locator("h1").inner_text() == "Fix it for me"
    assert "Correggi" not in page.locator("main").inner_text()
    check_state(page, "fix-english", "fix-english")
    page.goto(base_url + "/?lang=it")      # the choice is a cookie of this context only
