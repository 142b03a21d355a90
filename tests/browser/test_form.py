"""The check form in Debian's Chromium, at desktop (1366) and phone (375) widths: the chosen
office's rules and the file input's `accept`, Bootstrap Italia's upload list (add in two goes,
remove, drop), the count and size checks that stop an upload before a byte is sent, one
language per page; axe-core (WCAG 2.1 AA) and a screenshot in every state."""
from __future__ import annotations


import pytest

from app import create_app
from checker import profiles
from checker.pecsize import MB
from checker.web.office_rules import accept_attribute, files_budget
from web_samples import pdf_bytes, txt_bytes
from webserver import serve
from chromium import WIDTHS, focused_id, own_page, upload
from axe import assert_accessible, screenshot

pytestmark = pytest.mark.browser

MAX_FILES = 4
MAX_REQUEST = 25 * 1024 * 1024      # above what 30 MB per message leaves for the files (~21.9 MB)




@pytest.fixture(scope="module")
def base_url():
    app = create_app({"MAX_CONTENT_LENGTH": MAX_REQUEST, "MAX_FILES": MAX_FILES,
                      "SECRET_KEY": "form-tests"})
    with serve(app) as url:
        yield url


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def width(request):
    return request.param


@pytest.fixture()
def page(browser, width):
    errors: list[str] = []
    with own_page(browser, viewport={"width": width, "height": 900}, locale="it-IT") as page:
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        yield page
    assert not errors, errors



def listed(page) -> list[str]:
    return page.locator("#file-list .upload-file").evaluate_all("els => els.map(e => e.dataset.name)")


def input_files(page) -> list[str]:
    """What the form would send: the names in #files.files."""
    return page.evaluate("Array.from(document.getElementById('files').files, f => f.name)")


MIME = {"pdf": "application/pdf", "txt": "text/plain", "jpg": "image/jpeg"}


def drop(page, files: list[tuple[str, int]]) -> None:
    """Drop files of the given sizes on the drop area, as a file manager would (a DataTransfer
    built in the page: Playwright cannot drag files from the desktop)."""
    page.evaluate("""files => {
        const dt = new DataTransfer();
        for (const [name, size, type] of files) {
            dt.items.add(new File([new Uint8Array(size)], name, {type}));
        }
        const zone = document.getElementById("upload-drop");
        for (const type of ["dragenter", "dragover", "drop"]) {
            zone.dispatchEvent(new DragEvent(type, {dataTransfer: dt, bubbles: true, cancelable: true}));
        }
    }""", [[name, size, MIME[name.rsplit(".", 1)[-1]]] for name, size in files])


def problems(page) -> list[str]:
    box = page.locator("#files-problems")
    if box.is_hidden():
        return []
    return box.locator("li").evaluate_all("els => els.map(e => e.dataset.problem)")


def fill_message(page) -> None:
    page.fill("#sender", "mario.rossi@pec.it")
    page.fill("#subject", "Richiesta di accesso agli atti – pratica 123/2026")
    page.select_option("#doc_type", "Istanza")


def assert_submit_stopped(page) -> None:
    """Clicking «Verifica» sends no POST (a click that would submit waits for the navigation
    it starts, so a submission not stopped shows up), the page stays, and says why."""
    sent: list[str] = []
    page.on("request", lambda r: r.method == "POST" and sent.append(r.url))
    url = page.url
    page.click("button[type=submit]")
    assert sent == [] and page.url == url
    assert page.locator("#submit-blocked").is_visible()


def hints_overlapping_labels(page) -> list[str]:
    """Each visible hint against the next visible label in the form: its bottom must not go
    below that label's top."""
    return page.evaluate("""() => {
        const visible = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
        const nodes = Array.from(document.querySelectorAll("#check-form .form-text, #check-form label"))
            .filter(visible);
        const out = [];
        nodes.forEach((el, i) => {
            if (!el.classList.contains("form-text")) return;
            const next = nodes.slice(i + 1).find(n => n.tagName === "LABEL");
            if (!next) return;
            const hint = el.getBoundingClientRect(), label = next.getBoundingClientRect();
            if (hint.bottom > label.top + 0.5) out.push(el.id + " over " + (next.htmlFor || next.textContent.trim()));
        });
        return out;
    }""")


# --- the states ---------------------------------------------------------------------------

def test_empty_form(page, base_url, width):
    page.goto(base_url + "/")
    assert page.get_attribute("html", "lang") == "it"
    assert page.locator("[lang=en]:not([hreflang])").count() == 0  # one language: no English duplicates
    first = next(iter(profiles.load_all()))
    assert page.locator(f"#rules-{first}").is_visible()
    assert page.locator(".office-rules-panel:visible").count() == 1
    assert page.get_attribute("#files", "accept") == accept_attribute(profiles.get(first))
    assert page.locator("#file-list").is_hidden()
    assert page.locator("#files-total").inner_text() == "Nessun file scelto."
    assert page.locator("label.upload-button").is_visible()  # Bootstrap Italia's picker button
    assert not hints_overlapping_labels(page)
    assert_accessible(page)
    screenshot(page, "form-empty", width)


@pytest.mark.parametrize("office", ["genova", "cremona", "piacenza"])
def test_choosing_an_office_shows_its_rules_and_sets_accept(page, base_url, width, office):
    p = profiles.get(office)
    page.goto(base_url + "/")
    page.select_option("#profile", office)
    panel = page.locator(f"#rules-{office}")
    assert panel.is_visible() and page.locator(".office-rules-panel:visible").count() == 1
    text = panel.inner_text()
    assert p.name in text and p.protocol_address in text
    assert f"{p.max_message_mb:g} MB per messaggio" in text
    signature = panel.locator("[data-rule=signature] dd").inner_text()
    assert signature.startswith("Obbligatoria") == p.signature_required
    assert page.get_attribute("#files", "accept") == accept_attribute(p)
    assert p.name in page.locator("#files-formats").inner_text()
    assert page.get_attribute("#recipient", "placeholder") == p.protocol_address
    assert not hints_overlapping_labels(page)
    assert_accessible(page)
    screenshot(page, f"form-office-{office}", width)


def test_files_added_in_two_steps_are_kept_and_one_removed(page, base_url, width):
    page.goto(base_url + "/")
    page.set_input_files("#files", [upload("domanda.pdf", pdf_bytes(), "application/pdf")])
    page.set_input_files("#files", [upload("allegato.txt", txt_bytes(), "text/plain"),
                                    upload("nota.txt", b"Nota.\n", "text/plain")])
    assert listed(page) == ["domanda.pdf", "allegato.txt", "nota.txt"]
    assert input_files(page) == ["domanda.pdf", "allegato.txt", "nota.txt"]
    item = page.locator("#file-list .upload-file").first
    assert "domanda.pdf" in item.inner_text() and "kB" in item.locator(".upload-file-weight").inner_text()
    assert page.locator("#main-select option").all_inner_texts() == ["domanda.pdf", "allegato.txt", "nota.txt"]
    assert "3 file" in page.locator("#files-total").inner_text()
    assert not problems(page)
    assert_accessible(page)
    screenshot(page, "form-files-added", width)

    page.get_by_role("button", name="Rimuovi allegato.txt").click()
    assert listed(page) == ["domanda.pdf", "nota.txt"]
    assert input_files(page) == ["domanda.pdf", "nota.txt"]
    assert page.locator("#main-select option").all_inner_texts() == ["domanda.pdf", "nota.txt"]
    assert "allegato.txt tolto dalla lista" in page.locator("#files-total").inner_text()
    # the keyboard stays in the list: on the button of the file that took its place
    assert page.evaluate("document.activeElement.textContent.trim()") == "Rimuovi nota.txt"
    assert_accessible(page)
    screenshot(page, "form-file-removed", width)


def test_choosing_a_file_with_a_listed_name_replaces_it(page, base_url, width):
    page.goto(base_url + "/")
    page.set_input_files("#files", [upload("domanda.pdf", pdf_bytes(), "application/pdf")])
    page.set_input_files("#files", [upload("domanda.pdf", b"%PDF-1.4\n" + b"0" * 5000, "application/pdf")])
    assert listed(page) == ["domanda.pdf"]
    assert page.evaluate("document.getElementById('files').files[0].size") == 5009


def test_dropped_files_join_the_list(page, base_url, width):
    page.goto(base_url + "/")
    page.set_input_files("#files", [upload("domanda.pdf", pdf_bytes(), "application/pdf")])
    drop(page, [("allegato-1.pdf", 2000), ("foto.jpg", 3000)])
    assert listed(page) == ["domanda.pdf", "allegato-1.pdf", "foto.jpg"]
    assert input_files(page) == ["domanda.pdf", "allegato-1.pdf", "foto.jpg"]
    assert "dragover" not in (page.get_attribute("#upload-drop", "class") or "")
    # a dropped file skips the picker's filter: the list says its extension is not accepted
    note = page.locator("#file-list .upload-file[data-name='foto.jpg'] .upload-file-note")
    assert "non tra i formati accettati" in note.inner_text()
    assert_accessible(page)
    screenshot(page, "form-dropped", width)


def test_too_many_files_are_stopped_before_uploading(page, base_url, width):
    page.goto(base_url + "/")
    fill_message(page)
    page.set_input_files("#files", [upload(f"allegato-{i}.txt", txt_bytes(), "text/plain")
                                    for i in range(MAX_FILES + 1)])
    assert problems(page) == ["count"]
    message = page.locator("#files-problems").inner_text()
    assert f"al massimo {MAX_FILES}" in message and "Togli 1 file" in message
    assert page.get_attribute("#files", "aria-invalid") == "true"
    assert_submit_stopped(page)
    assert "non è partita" in page.locator("#submit-blocked").inner_text()
    assert focused_id(page, "files-problems") == "files-problems"
    assert_accessible(page)
    screenshot(page, "form-too-many", width)

    # one removed: the block lifts and the four listed files are what the server checks
    page.get_by_role("button", name="Rimuovi allegato-0.txt").click()
    assert problems(page) == [] and page.locator("#submit-blocked").is_hidden()
    page.click("button[type=submit]")
    page.locator("#verdict").wait_for()
    names = page.locator("li.document").evaluate_all("els => els.map(e => e.innerText)")
    assert len(names) == MAX_FILES and not any("allegato-0.txt" in n for n in names)


def test_over_the_office_limit_is_stopped_before_uploading(page, base_url, width):
    page.goto(base_url + "/")
    page.select_option("#profile", "genova")
    limit = int(profiles.get("genova").max_message_mb * MB)
    budget = files_budget(limit)  # the page's estimate agrees with checker/pecsize.py's
    drop(page, [("scansione.pdf", budget)])
    assert problems(page) == []
    drop(page, [("scansione.pdf", budget + 1)])  # same name: replaces it, one byte more
    assert problems(page) == ["office"]
    message = page.locator("#files-problems").inner_text()
    # one byte over is "about 30.1 MB", rounded up: never "30 MB of 30 MB"
    assert "peserebbe circa 30,1 MB: Comune di Genova accetta al massimo 30 MB per messaggio" in message
    assert "dividi gli allegati" in message
    fill_message(page)
    assert_submit_stopped(page)
    assert_accessible(page)
    screenshot(page, "form-over-office-limit", width)


def test_over_the_server_limit_is_stopped_before_uploading(page, base_url, width):
    page.goto(base_url + "/")
    fill_message(page)
    drop(page, [("grande.pdf", MAX_REQUEST + 1)])
    assert "request" in problems(page)
    message = page.locator("#files-problems").inner_text()
    # in the 413 page's unit: the limit is set in MiB and written "25 MB"
    assert "pesano 25,1 MB in tutto: il servizio ne verifica al massimo 25 MB per volta" in message
    assert_submit_stopped(page)
    assert_accessible(page)
    screenshot(page, "form-over-server-limit", width)


def test_english_form(page, base_url, width):
    page.goto(base_url + "/?lang=en")
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("h1").inner_text() == "Check a PEC submission"
    assert page.locator("label[for=files].upload-area-label").inner_text() == "Files to attach"
    page.select_option("#profile", "genova")
    rules = page.locator("#rules-genova").inner_text()
    assert "Accepted formats" in rules and "One message per procedure" in rules
    assert "Formati accettati" not in page.content()
    page.set_input_files("#files", [upload(f"note-{i}.txt", txt_bytes(), "text/plain")
                                    for i in range(MAX_FILES + 1)])
    assert f"at most {MAX_FILES} can be checked" in page.locator("#files-problems").inner_text()
    assert page.get_by_role("button", name="Remove note-0.txt").count() == 1
    assert not hints_overlapping_labels(page)
    assert_accessible(page)
    screenshot(page, "form-english", width)


def test_without_scripts_the_chosen_office_rules_are_reachable(browser, base_url):
    with own_page(browser, java_script_enabled=False, viewport={"width": 375, "height": 900}) as page:
        page.goto(base_url + "/")
        page.get_by_role("link", name="Comune di Cremona", exact=True).click()
        assert page.url.endswith("/?profile=cremona#office-rules")
        assert page.locator("#rules-cremona").is_visible()
        assert page.locator(".office-rules-panel:visible").count() == 1
        assert page.eval_on_selector("#profile", "s => s.value") == "cremona"
        assert page.get_attribute("#files", "accept") == accept_attribute(profiles.get("cremona"))
        assert page.locator("#files").is_visible()  # the plain input, no upload list
        screenshot(page, "form-noscript", 375)
    # axe needs scripts to run: the same page with our scripts refused by the network instead
    with own_page(browser, viewport={"width": 375, "height": 900}) as page:
        page.route("**/static/js/*.js", lambda route: route.abort())
        page.goto(base_url + "/?profile=cremona")
        assert page.locator("#files").is_visible() and page.locator("label.upload-button").is_hidden()
        assert_accessible(page)
