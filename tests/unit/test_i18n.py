"""One interface language at a time: Italian by default, English by ?lang=en (remembered), by
the browser's preference, and every interface string translated (the catalogue is complete)."""
from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app import create_app

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "checker/web/translations/en/LC_MESSAGES/messages.po"
MO = PO.with_suffix(".mo")
METHODS = [("checker/web/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}


def _catalogue():
    with PO.open("rb") as f:
        return read_po(f)


def test_every_interface_string_has_its_english():
    catalogue = _catalogue()
    missing = []
    for _filename, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), METHODS, keywords=KEYWORDS):
        msgid = message[0] if isinstance(message, tuple) else message
        entry = catalogue.get(msgid)
        if entry is None or not entry.string or (isinstance(entry.string, tuple) and not all(entry.string)):
            missing.append(msgid)
    assert not missing, f"`make messages`, then translate in {PO.relative_to(ROOT)}: {sorted(set(missing))}"
    assert not [m.id for m in catalogue if m.fuzzy and m.id], "fuzzy translations left in the catalogue"


def test_compiled_catalogue_is_current():
    assert MO.exists() and MO.stat().st_mtime >= PO.stat().st_mtime, \
        "the English catalogue is not compiled: `make translations`"


def _client():
    return create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "WARM_UP": False}).test_client()


def test_italian_by_default_one_language_only():
    html = _client().get("/").get_data(as_text=True)
    assert '<html lang="it">' in html
    assert "Vai al contenuto principale" in html and "Skip to main content" not in html
    assert 'hreflang="en"' in html  # the switch to the other language


def test_english_by_query_is_remembered_in_a_cookie():
    client = _client()
    response = client.get("/?lang=en")
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html and "Skip to main content" in html
    assert "Vai al contenuto principale" not in html
    assert "lang=en" in response.headers.get("Set-Cookie", "")
    again = client.get("/rules").get_data(as_text=True)  # no ?lang: the cookie decides
    assert '<html lang="en">' in again
    back = client.get("/?lang=it").get_data(as_text=True)
    assert '<html lang="it">' in back


def test_browser_preference_decides_without_a_choice():
    client = _client()
    en = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in en
    other = client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"}).get_data(as_text=True)
    assert '<html lang="it">' in other  # a language we do not have: Italian


def test_unknown_lang_parameter_is_ignored():
    html = _client().get("/?lang=xx").get_data(as_text=True)
    assert '<html lang="it">' in html
