"""Human pages with the Flask test client: the form, the report page, /rules and every error path."""
from __future__ import annotations

import io
import json
import re

import lxml.html
import pytest
from flask import request

from app import BLUEPRINTS, create_app
from checker import catalogue, profiles, report as report_module
from checker.web.present import document_tree
from checker.web.uploads import InMemoryRequest
from report_client import check_page
from web_samples import docx_bytes, pdf_bytes, txt_bytes

FORM = {"profile": "generic", "sender": "mario.rossi@pec.it",
        "subject": "Richiesta di accesso agli atti", "doc_type": "Istanza"}


@pytest.fixture(scope="module")
def app():
    return create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "MAX_FILES": 3})


@pytest.fixture()
def client(app):
    return app.test_client()


def html(response):
    return lxml.html.fromstring(response.get_data(as_text=True))


def submit(client, files, **fields):
    data = {**FORM, **fields,
            "files": [(io.BytesIO(content), name) for name, content in files]}
    return check_page(client, data)


def embedded_report(page) -> dict:
    return json.loads(page.get_element_by_id("report-json").text_content())


# --- the form -------------------------------------------------------------------------

def test_form_lists_every_profile_with_its_pec_address(client):
    page = html(client.get("/"))
    options = page.xpath("//select[@id='profile']/option")
    assert [o.get("value") for o in options] == list(profiles.load_all())
    for option in options:
        p = profiles.get(option.get("value"))
        assert p.name in option.text_content()
        if p.protocol_address:
            assert p.protocol_address in option.text_content()
            assert option.get("data-address") == p.protocol_address


def test_form_fields_have_labels_and_described_hints(client):
    page = html(client.get("/"))
    for name in ["profile", "sender", "recipient", "subject", "doc_type", "destination",
                 "body", "files", "main"]:
        field = page.get_element_by_id(name)
        assert page.xpath(f"//label[@for='{name}']"), f"no label for {name}"
        for hint_id in (field.get("aria-describedby") or "").split():
            assert page.get_element_by_id(hint_id) is not None
    assert page.get_element_by_id("files").get("multiple") is not None
    assert page.xpath("//form[@enctype='multipart/form-data']")
    assert page.xpath("//html[@lang='it']")


def test_missing_fields_show_an_error_summary_linking_to_fields_and_keep_values(client):
    r = submit(client, [], sender="non-un-indirizzo", subject="Il mio oggetto", doc_type="altro",
               destination="Ufficio tecnico")
    assert r.status_code == 400
    page = html(r)
    summary = page.get_element_by_id("error-summary")
    targets = [a.get("href") for a in summary.xpath(".//a")]
    assert targets == ["#sender", "#doc_type_other", "#files"]
    assert page.get_element_by_id("sender").get("aria-invalid") == "true"
    assert page.get_element_by_id("sender").value == "non-un-indirizzo"
    assert page.get_element_by_id("subject").value == "Il mio oggetto"
    assert page.get_element_by_id("destination").value == "Ufficio tecnico"
    assert page.xpath("//select[@id='doc_type']/option[@selected]")[0].get("value") == "altro"


def test_too_many_files_is_a_form_error(client):
    r = submit(client, [(f"f{i}.txt", txt_bytes()) for i in range(4)])
    assert r.status_code == 400
    assert "al massimo 3" in html(r).get_element_by_id("files-error").text_content()


def test_empty_upload_is_a_form_error(client):
    # What a browser sends when no file is chosen: one part with an empty name and no data.
    r = submit(client, [("", b"")])
    assert r.status_code == 400
    assert "almeno un file" in html(r).get_element_by_id("files-error").text_content()


def test_main_document_must_be_among_the_files(client):
    r = submit(client, [("a.txt", txt_bytes()), ("b.txt", txt_bytes())], main="c.pdf")
    assert r.status_code == 400
    assert "c.pdf" in html(r).get_element_by_id("main-error").text_content()


def test_unknown_profile_is_a_form_error_not_a_crash(client):
    r = submit(client, [("a.txt", txt_bytes())], profile="atlantide")
    assert r.status_code == 400
    assert html(r).get_element_by_id("profile-error") is not None


# --- CSRF -----------------------------------------------------------------------------

def test_csrf_post_without_token_is_refused_with_a_friendly_page():
    guarded = create_app({"TESTING": True}).test_client()
    r = submit(guarded, [("a.txt", txt_bytes())])
    assert r.status_code == 400
    text = r.get_data(as_text=True)
    assert "Modulo scaduto o non valido" in text and "Traceback" not in text


def test_csrf_token_from_the_form_is_accepted():
    guarded = create_app({"TESTING": True}).test_client()
    token = html(guarded.get("/")).xpath("//input[@name='csrf_token']")[0].get("value")
    r = submit(guarded, [("a.txt", txt_bytes())], csrf_token=token)
    assert r.status_code == 200
    assert html(r).get_element_by_id("verdict") is not None


# --- the report page ------------------------------------------------------------------

def test_result_page_renders_the_same_report_as_the_api(client):
    files = [("domanda.pdf", pdf_bytes()), ("allegato.txt", txt_bytes())]
    page = html(submit(client, files, main="domanda.pdf"))
    shown = embedded_report(page)
    api = client.post("/api/v1/check", data={**FORM, "main": "domanda.pdf", "files": [
        (io.BytesIO(c), n) for n, c in files]}, content_type="multipart/form-data").get_json()
    for moment in ("elapsed_ms", "checked_at"):
        shown.pop(moment), api.pop(moment)
    assert shown == api
    banner = page.get_element_by_id("verdict")
    assert banner.get("data-verdict") == shown["verdict"]
    # one language at a time: the Italian page's banner is Italian only
    headline = banner.xpath(".//h1")[0].text_content()
    assert headline.startswith((shown["verdict_label"]["it"], "Pronto, con avvisi"))
    assert shown["verdict_label"]["en"] not in banner.text_content()


def test_result_page_shows_each_file_hash_size_format_and_marks_the_main(client):
    files = [("domanda.pdf", pdf_bytes()), ("allegato.txt", txt_bytes())]
    page = html(submit(client, files, main="domanda.pdf"))
    shown = embedded_report(page)
    docs = page.xpath("//li[contains(@class,'document')]")
    assert len(docs) == len(shown["documents"])
    for li, doc in zip(docs, shown["documents"], strict=True):
        text = li.text_content()
        assert doc["name"] in text and doc["sha256"] in text and str(doc["format"]["id"]) in text
    main = page.xpath("//li[contains(@class,'is-main')]")
    assert len(main) == 1 and "domanda.pdf" in main[0].text_content()


def test_result_page_links_every_finding_code_to_its_rule(client):
    # A Word file named .pdf: findings on the document are certain.
    page = html(submit(client, [("domanda.pdf", docx_bytes())]))
    shown = embedded_report(page)
    codes = {f["code"] for d in shown["documents"] for f in d["findings"]}
    codes |= {f["code"] for f in shown["message"]["findings"]}
    # content says Word (FMT002, not accepted), the name says PDF (FMT010)
    assert {"FMT002", "FMT010"} <= codes and {c for c in codes if c.startswith("FMT")} == \
        {"FMT002", "FMT010"}
    links = {a.get("href") for a in page.xpath("//a[contains(@class,'rule-code')]")}
    assert {f"/rules#{c}" for c in codes} <= links
    assert shown["verdict"] == "fix"
    assert page.get_element_by_id("verdict").get("data-verdict") == "fix"
    assert "Da correggere" in page.get_element_by_id("verdict").text_content()


def test_plain_text_under_generic_is_ready(client):
    # generic accepts .txt; the antivirus without clamd is not_checked but not required there
    page = html(submit(client, [("domanda.txt", txt_bytes())]))
    shown = embedded_report(page)
    assert page.get_element_by_id("verdict").get("data-verdict") == "ready" == shown["verdict"]
    assert shown["reasons"] == []
    assert [f["code"] for d in shown["documents"] for f in d["findings"]
            if f["severity"] in ("error", "warning")] == []


def test_document_tree_nests_unwrapped_documents_under_their_envelope():
    docs = [
        {"name": "a.pdf.p7m", "parent": None, "depth": 0},
        {"name": "b.txt", "parent": None, "depth": 0},
        {"name": "a.pdf", "parent": "a.pdf.p7m", "depth": 1},
        {"name": "x.xml", "parent": "a.pdf", "depth": 2},
    ]
    tree = document_tree(docs)
    assert [n.doc["name"] for n in tree] == ["a.pdf.p7m", "b.txt"]
    assert [n.doc["name"] for n in tree[0].children] == ["a.pdf"]
    assert [n.doc["name"] for n in tree[0].children[0].children] == ["x.xml"]
    assert tree[1].children == []


# --- /rules ---------------------------------------------------------------------------

def test_rules_page_has_an_anchor_and_the_page_language_for_every_rule(client):
    """One language per page: the Italian texts on /rules, the English ones on /rules?lang=en;
    each office's changes on its own page, linked to the rules."""
    italian, english = html(client.get("/rules?lang=it")), html(client.get("/rules?lang=en"))

    def shown(template):  # placeholders become <var>
        return re.sub(r"\{(\w+)\}", r"\1", template)

    for code, rule in catalogue.load().items():
        text_it = italian.get_element_by_id(code).text_content()
        text_en = english.get_element_by_id(code).text_content()
        assert rule.name in text_it and rule.source in text_it
        assert shown(rule.title_it) in text_it and shown(rule.fix_it) in text_it
        assert shown(rule.title_en) in text_en and shown(rule.fix_en) in text_en
        if rule.title_en != rule.title_it:
            assert shown(rule.title_en) not in text_it
    for pid, p in profiles.load_all().items():
        assert italian.get_element_by_id(f"profile-{pid}").xpath(f".//a[@href='/rules/office/{pid}']")
        office = html(client.get(f"/rules/office/{pid}"))
        for code in p.severity:
            assert office.xpath(f"//a[@href='/rules#{code}']")


# --- uploads stay in memory -----------------------------------------------------------

def test_uploads_are_parsed_into_memory_not_temp_files(app):
    big = b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024)  # far above Werkzeug's 500 kB spool size
    with app.test_request_context("/check", method="POST", content_type="multipart/form-data",
                                  data={"files": (io.BytesIO(big), "big.pdf")}):
        assert isinstance(request._get_current_object(), InMemoryRequest)
        stream = request.files["files"].stream
        assert isinstance(stream, io.BytesIO)
        assert stream.getvalue() == big


# --- error pages ----------------------------------------------------------------------

def test_404_and_405_are_friendly_pages(client):
    r = client.get("/non-esiste")
    assert r.status_code == 404 and "Pagina non trovata" in r.get_data(as_text=True)
    r = client.get("/check")
    assert r.status_code == 405 and "Operazione non consentita" in r.get_data(as_text=True)


def test_413_is_a_friendly_italian_page():
    small = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False,
                        "MAX_CONTENT_LENGTH": 1024 * 1024}).test_client()
    r = submit(small, [("grande.pdf", b"0" * (2 * 1024 * 1024))])
    assert r.status_code == 413
    text = r.get_data(as_text=True)
    assert "File troppo grandi" in text and "1 MB" in text


def test_500_is_a_friendly_page_without_traceback():
    app = create_app({"TESTING": False})

    @app.get("/boom")
    def boom():
        raise RuntimeError("segreto interno")

    r = app.test_client().get("/boom")
    assert r.status_code == 500
    text = r.get_data(as_text=True)
    assert "Errore interno" in text
    assert "segreto interno" not in text and "Traceback" not in text


def test_blueprints_are_registered_from_one_list():
    app = create_app({"TESTING": True})
    assert [bp.name for bp in BLUEPRINTS] == list(app.blueprints)


def test_report_json_serialiser_is_the_one_in_checker_report(client):
    # The page embeds exactly what checker.report.to_json returns (schema id included).
    page = html(submit(client, [("a.txt", txt_bytes())]))
    assert embedded_report(page)["schema"] == report_module.SCHEMA


def test_pages_have_unique_ids(client):
    pages = [client.get("/"), client.get("/rules"),
             submit(client, [("domanda.pdf", pdf_bytes()), ("b.txt", txt_bytes())]),
             submit(client, [], sender="x")]
    for response in pages:
        ids = html(response).xpath("//@id")
        assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_signed_envelope_nests_its_document_and_shows_the_signature(tmp_path_factory):
    import pki as P
    from checker.checks import settings_from_env

    k = P.shared(tmp_path_factory)
    settings = {**settings_from_env(), "trust": [str(k.pem_trust)]}
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "CHECK_SETTINGS": settings})
    envelope = P.cades(k, k.signer, pdf_bytes())
    page = html(submit(app.test_client(), [("domanda.pdf.p7m", envelope)]))
    shown = embedded_report(page)
    inner = [d for d in shown["documents"] if d["parent"] == "domanda.pdf.p7m"]
    assert [d["name"] for d in inner] == ["domanda.pdf"], shown["documents"]
    # the inner document is rendered inside its envelope's list item
    nested = page.xpath("//li[contains(@class,'document')][.//span[@class='doc-name text-break']"
                        "[text()='domanda.pdf.p7m']]//ul[contains(@class,'doc-children')]"
                        "//li[contains(@class,'document')]")
    assert any(inner[0]["name"] in li.text_content() for li in nested)
    signatures = [s for d in shown["documents"] for s in d["signatures"]]
    assert [(s["signer"], s["indication"], s["codice_fiscale"]) for s in signatures] == \
        [("ROSSI MARIO", "PASSED", P.CF)]
    table = page.xpath("//table[contains(@class,'signatures')]")[0].text_content()
    for s in signatures:
        assert s["indication"] in table
        if s.get("codice_fiscale"):
            assert s["codice_fiscale"] in table
        if s.get("signer"):
            assert s["signer"] in table
    # the revocation status in words, where it came from in the technical details
    words = " ".join(table.split())
    assert "verificata: il certificato non è revocato" in words
    assert "Fonte della revoca: CRL della fonte di fiducia" in words


def test_pages_carry_security_headers_and_are_not_cached(client):
    r = client.get("/")
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Cache-Control"] == "no-store"


def test_hostile_file_name_cannot_break_out_of_the_page(client):
    name = "</script><script>alert(1)</script>.txt"
    r = submit(client, [(name, txt_bytes())])
    assert r.status_code == 200
    text = r.get_data(as_text=True)
    assert "<script>alert(1)" not in text
    assert embedded_report(html(r))["documents"][0]["name"] == name.rsplit("/", 1)[-1]


def test_undetermined_banner_lists_the_reasons(tmp_path_factory):
    # Cremona requires a verified signature; with no trusted list the signature cannot be verified.
    import pki as P
    from checker.checks import settings_from_env

    k = P.shared(tmp_path_factory)
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False,
                      "CHECK_SETTINGS": {**settings_from_env(), "trust": []}})
    r = submit(app.test_client(), [("domanda.pdf.p7m", P.cades(k, k.signer, pdf_bytes()))],
               profile="cremona")
    page = html(r)
    shown = embedded_report(page)
    assert shown["verdict"] == "undetermined" and shown["reasons"]
    banner = page.get_element_by_id("verdict")
    assert "Non verificabile" in banner.text_content()
    # the banner names what blocked the verdict, each a link to its finding on the page
    links = banner.xpath(".//ol[contains(@class,'verdict-problems')]/li/a")
    assert {a.text_content().strip() for a in links} >= set(shown["reasons"])
    for a in links:
        assert page.get_element_by_id(a.get("href")[1:]) is not None


def test_an_empty_file_part_beside_a_real_file_is_ignored(client):
    r = submit(client, [("domanda.txt", txt_bytes()), ("", b"")])
    assert r.status_code == 200
    assert [d["name"] for d in embedded_report(html(r))["documents"]] == ["domanda.txt"]
