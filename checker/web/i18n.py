"""One language at a time: Italian by default, English on request (Flask-Babel).

The interface's strings are Italian msgids wrapped in _() (templates and web code); their
English lives in translations/en/LC_MESSAGES/messages.po, compiled to .mo by `make install`
(`make translations`). The rule catalogue keeps its own two languages (rule_text picks one).

The language is, in order: ?lang=it|en (remembered in a cookie for a year), the cookie, the
browser's Accept-Language among the ones we have, Italian.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode
from typing import Any

from flask import Flask, Response, request
from flask_babel import Babel, get_locale

LANGUAGES = ("it", "en")
DEFAULT = "it"
COOKIE = "lang"
COOKIE_AGE = 365 * 24 * 3600
TRANSLATIONS = Path(__file__).with_name("translations")


def _chosen() -> str | None:
    """?lang= when it names a language we have."""
    lang = request.args.get("lang", "")
    return lang if lang in LANGUAGES else None


def select_locale() -> str:
    """Flask-Babel's locale selector."""
    if not request:
        return DEFAULT
    return (_chosen() or (request.cookies.get(COOKIE) if request.cookies.get(COOKIE) in LANGUAGES else None)
            or request.accept_languages.best_match(LANGUAGES) or DEFAULT)


def current() -> str:
    """The page's language code, 'it' or 'en'."""
    return str(get_locale() or DEFAULT)


def _remember(response: Response) -> Response:
    """A ?lang= choice is remembered, so the next pages (and the report) keep it."""
    lang = _chosen()
    if lang and request.cookies.get(COOKIE) != lang:
        response.set_cookie(COOKIE, lang, max_age=COOKIE_AGE, samesite="Lax", httponly=True,
                            secure=request.is_secure)
    return response


def switch_url(lang: str) -> str:
    """This page again in `lang` (GET pages keep their query; a POST result links to itself by GET
    only where it has its own URL, so the switch then goes to the path)."""
    args = request.args.to_dict(flat=False) if request.method == "GET" else {}
    args["lang"] = [lang]
    return request.path + "?" + urlencode(args, doseq=True)


def rule_text(entry: Any, field: str = "title") -> str:
    """A bilingual entry's field (a rule, a finding in a report: dict or object) in the page's
    language: `{field}_en` when the page is English and the entry has it, else `{field}_it`."""
    def get(key: str) -> Any:
        return entry.get(key) if isinstance(entry, dict) else getattr(entry, key, None)
    if current() == "en" and get(f"{field}_en"):
        return str(get(f"{field}_en"))
    return str(get(f"{field}_it") or get(field) or "")


def install(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Rome")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=select_locale)
    app.after_request(_remember)
    app.jinja_env.globals.update(current_lang=current, lang_switch_url=switch_url, LANGUAGES=LANGUAGES,
                                 rule_text=rule_text)
