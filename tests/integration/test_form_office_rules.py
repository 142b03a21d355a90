"""The form's office rules, rendered by the server for every office (checker/web/office_rules.py,
templates/index.html): what each profile says appears in words, in the page's language; the file
input's `accept` and the limits the page checks before uploading come from the same profile."""
from __future__ import annotations

import json

import lxml.html
import pytest

from app import create_app
from checker import catalogue, pecsize, profiles
from checker.identify.kinds import KINDS
from checker.web.office_rules import SIGNED_KINDS, accept_attribute, files_budget

MAX_FILES = 7
MAX_UPLOAD = 12 * 1024 * 1024


@pytest.fixture(scope="module")
def client():
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "WARM_UP": False,
                      "MAX_FILES": MAX_FILES, "MAX_CONTENT_LENGTH": MAX_UPLOAD})
    return app.test_client()


def page(client, query: str = ""):
    response = client.get("/" + query)
    assert response.status_code == 200
    return lxml.html.fromstring(response.get_data(as_text=True))


def panel(doc, office: str):
    return doc.get_element_by_id(f"rules-{office}")


def rule_text(doc, office: str, key: str) -> str:
    found = panel(doc, office).xpath(f".//div[@data-rule='{key}']/dd")
    return " ".join(found[0].text_content().split()) if found else ""


ALL = list(profiles.load_all())


def test_every_office_has_a_panel_and_only_the_chosen_one_shows(client):
    doc = page(client)
    panels = doc.xpath("//div[contains(@class, 'office-rules-panel')]")
    assert [p.get("data-office") for p in panels] == ALL
    assert [p.get("data-office") for p in panels if p.get("hidden") is None] == [ALL[0]]


@pytest.mark.parametrize("office", ALL)
def test_each_office_panel_says_what_its_profile_says(client, office):
    p = profiles.get(office)
    doc = page(client, f"?profile={office}")
    assert panel(doc, office).get("hidden") is None
    assert doc.xpath("//select[@id='profile']/option[@selected]")[0].get("value") == office
    assert p.name in panel(doc, office).text_content()
    formats = rule_text(doc, office, "formats")
    for f in p.accepted_formats:
        assert {"tiff": "TIFF", "pdf": "PDF"}.get(f, f.upper()) in formats
    size = rule_text(doc, office, "size")
    assert f"{p.max_message_mb:g} MB per messaggio" in size
    assert f"{p.extra.get('max_files', 20)} allegati" in size
    signature = rule_text(doc, office, "signature")
    assert signature.startswith("Obbligatoria") == p.signature_required
    sender = rule_text(doc, office, "sender")
    expected = {"refuse": "non sono accettati", "warn": "non ha valore legale",
                "needs-signed-document": "solo se contiene un documento firmato"}[p.non_pec_sender]
    assert expected in sender
    address = rule_text(doc, office, "address")
    assert (p.protocol_address in address) if p.protocol_address else "IPA" in address
    for box in p.sector_addresses:
        assert box in address
    assert " ".join(p.notes_it.split()) in rule_text(doc, office, "notes")
    if p.extra.get("information_requests") == "elsewhere":
        assert p.extra["information_channel_it"] in rule_text(doc, office, "message")
    if p.extra.get("requires_destination"):
        assert "ufficio di destinazione" in rule_text(doc, office, "message")
    # the file input takes this office's formats; the rest of the page says whose they are
    assert doc.get_element_by_id("files").get("accept") == accept_attribute(p)
    assert p.name in doc.get_element_by_id("files-formats").text_content()


def test_stricter_rules_link_to_the_catalogue():
    # Piacenza makes the document type (MSG010) an error
    p = profiles.get("piacenza")
    assert p.severity.get("MSG010") == "error"
    app = create_app({"TESTING": True, "WARM_UP": False})
    doc = lxml.html.fromstring(app.test_client().get("/?profile=piacenza").get_data(as_text=True))
    links = panel(doc, "piacenza").xpath(".//div[@data-rule='message']//a")
    assert [a.get("href") for a in links] == ["/rules#MSG010"]
    assert catalogue.load()["MSG010"].title_it in links[0].getparent().text_content()


def test_accept_lists_extensions_and_mime_types_of_accepted_and_signed_formats():
    for p in profiles.load_all().values():
        accept = accept_attribute(p).split(",")
        for kind in [*(k if k != "pdfa" else "pdf" for k in p.accepted_formats), *SIGNED_KINDS]:
            assert KINDS[kind].mime in accept
            assert all(f".{ext}" in accept for ext in KINDS[kind].extensions)
        assert ".docx" not in accept and ".zip" not in accept and ".exe" not in accept
    assert ".kml" in accept_attribute(profiles.get("piacenza"))
    assert ".odt" not in accept_attribute(profiles.get("genova"))  # Genova does not list ODT


def test_files_budget_is_the_largest_file_within_the_office_limit():
    limit = 30 * pecsize.MB
    budget = files_budget(limit)
    assert pecsize.estimate([budget]).transport_bytes <= limit
    assert pecsize.estimate([budget + 1]).transport_bytes > limit
    assert 21_000_000 < budget < 22_500_000  # base64 takes about 4/3 and line ends


def test_upload_settings_carry_the_server_and_office_limits(client):
    doc = page(client)
    settings = json.loads(doc.get_element_by_id("upload-settings").text_content())
    assert settings["maxFiles"] == MAX_FILES
    assert settings["maxRequestBytes"] == MAX_UPLOAD
    assert settings["maxRequestLabel"] == "12 MB"
    assert settings["estimate"] == {"mb": pecsize.MB, "partHeader": pecsize.PART_HEADER_BYTES,
                                    "messageHeader": pecsize.MESSAGE_HEADER_BYTES,
                                    "envelope": pecsize.ENVELOPE_OVERHEAD}
    assert sorted(settings["offices"]) == sorted(ALL)
    for pid, office in settings["offices"].items():
        p = profiles.get(pid)
        assert office["maxMessageBytes"] == int(p.max_message_mb * pecsize.MB)
        assert office["accept"] == accept_attribute(p)
        assert office["maxFiles"] == p.extra.get("max_files", 20)
    assert "{count}" in settings["messages"]["countOver"] and "{max}" in settings["messages"]["countOver"]


def test_unknown_office_in_the_query_is_ignored(client):
    doc = page(client, "?profile=atlantide")
    shown = [p.get("data-office") for p in doc.xpath("//div[contains(@class, 'office-rules-panel')]")
             if p.get("hidden") is None]
    assert shown == [ALL[0]]


def test_english_page_has_english_rules_and_notes_and_no_italian_duplicates(client):
    doc = page(client, "?lang=en&profile=genova")
    p = profiles.get("genova")
    assert doc.xpath("//html/@lang") == ["en"]
    assert not doc.xpath("//body//*[@lang and not(@hreflang)]")  # no inline English duplicates
    assert rule_text(doc, "genova", "sender").startswith("A PEC box")
    assert p.extra["notes_en"] in rule_text(doc, "genova", "notes")
    assert p.extra["information_channel_en"] in rule_text(doc, "genova", "message")
    assert doc.xpath("//label[@for='files']")[0].text_content().strip() == "Files to attach"
    settings = json.loads(doc.get_element_by_id("upload-settings").text_content())
    assert settings["messages"]["remove"] == "Remove {name}"
    client.get("/?lang=it")  # the module's client goes back to Italian


def test_italian_page_has_no_inline_english(client):
    doc = page(client, "?lang=it")
    assert not doc.xpath("//body//*[@lang and not(@hreflang)]")
    assert not doc.xpath("//*[contains(@class, 'en-inline') or contains(concat(' ', @class, ' '), ' en ')]")


def test_english_form_errors(client):
    response = client.post("/check?lang=en", data={"profile": "generic"},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    assert "Write the address you will send the message from." in doc.get_element_by_id("sender-error").text_content()
    assert "Choose at least one file to check." in doc.get_element_by_id("files-error").text_content()
    assert "Please check these fields" in doc.get_element_by_id("error-summary").text_content()
    client.get("/?lang=it")
