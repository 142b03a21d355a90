"""Friendly error pages (HTML for people, JSON for the API): never a stack trace."""
from __future__ import annotations

import logging

from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from .responses import api_error

log = logging.getLogger(__name__)

# status → (title_it, text_it, title_en)
MESSAGES = {
    400: ("Richiesta non valida",
          "Il modulo inviato non è completo o non è leggibile. Torna al modulo e riprova.",
          "Bad request"),
    404: ("Pagina non trovata",
          "L'indirizzo che hai aperto non esiste. Controlla di averlo scritto bene.",
          "Page not found"),
    405: ("Operazione non consentita",
          "Questa pagina non accetta l'operazione richiesta. Parti dal modulo di verifica.",
          "Method not allowed"),
    413: ("File troppo grandi",
          "I file inviati superano il limite di {limit} MB per messaggio. Un messaggio PEC così "
          "grande verrebbe comunque rifiutato dalla maggior parte dei gestori: riduci i file "
          "(ad esempio riesportando il PDF con una risoluzione più bassa) o dividi l'invio.",
          "Files too large"),
    500: ("Errore interno",
          "Si è verificato un errore imprevisto durante la verifica. I tuoi file non sono stati "
          "conservati. Riprova; se succede di nuovo, segnala il problema.",
          "Internal error"),
}
# A 413 for a body within MAX_CONTENT_LENGTH: a text field over MAX_FORM_MEMORY_SIZE or more
# parts than MAX_FORM_PARTS (no browser form sends either; a script or an attack does).
FORM_LIMITS_TEXT = ("Il modulo inviato contiene un campo di testo troppo lungo (oltre {field} MB) "
                    "o troppe parti (oltre {parts}). Accorcia il testo del messaggio e invia i "
                    "file dal modulo di verifica.")
FORM_LIMITS_EN = ("The form sent has a text field that is too long (over {field} MB) or too many "
                  "parts (over {parts}). Shorten the message text and send the files from the form.")
CSRF_TEXT = ("Il modulo è scaduto o non è valido (protezione contro l'invio da altri siti). "
             "Torna al modulo, ricarica la pagina e invia di nuovo i file.")
EN_TEXT = {
    400: "The form sent is incomplete or unreadable. Go back and try again.",
    404: "The address you opened does not exist.",
    405: "This page does not accept that request. Start from the check form.",
    413: "The files exceed the {limit} MB limit per message. Make them smaller or split the submission.",
    500: "An unexpected error occurred. Your files were not kept. Please try again.",
    "csrf": "The form expired or is not valid (cross-site protection). Reload the form and send the files again.",
}

# A browser keeps sending a too-large body after we answer 413; closing the socket on unread
# data makes Linux reset the connection and the browser shows a network error instead of our
# page. Reading (and discarding) the rest lets the page through; beyond this cap we give up.
DRAIN_CAP_FACTOR = 4


def wants_json() -> bool:
    return (request.path.startswith("/api/") or request.path.endswith(".json")
            or request.path == "/healthz"
            or (request.path.startswith("/jobs/") and not request.path.endswith("/report")))


def drain_body() -> None:
    if getattr(request, "body_consumed", False):
        return  # read whole before the limit tripped (form parsing): nothing left to drain
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    length = request.content_length or 0
    if not length or length > DRAIN_CAP_FACTOR * max(limit, 1):
        return
    stream = request.environ.get("wsgi.input")
    if stream is None:
        return
    remaining = length
    try:
        while remaining > 0:
            chunk = stream.read(min(remaining, 1 << 16))
            if not chunk:
                break
            remaining -= len(chunk)
    except (OSError, ValueError):
        pass


def _limit_mb(key: str = "MAX_CONTENT_LENGTH") -> str:
    """A byte limit as people write it in MB: "100", "1", "0,5"."""
    mb = (current_app.config.get(key) or 0) / (1024 * 1024)
    return f"{mb:.3g}".replace(".", ",")


def _over_form_limits() -> bool:
    """A 413 whose body was within the upload limit: a form field or part count tripped it."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    length = request.content_length
    return bool(limit and length is not None and length <= limit)


def handle_http(exc: HTTPException):
    status = exc.code or 500
    if isinstance(exc, RequestEntityTooLarge):
        drain_body()
    known = status if status in MESSAGES else (400 if 400 <= status < 500 else 500)
    title_it, text_it, title_en = MESSAGES[known]
    text_en = EN_TEXT[known]
    is_csrf = isinstance(exc, CSRFError)
    if is_csrf:
        title_it, text_it, text_en = "Modulo scaduto o non valido", CSRF_TEXT, EN_TEXT["csrf"]
    if isinstance(exc, RequestEntityTooLarge) and _over_form_limits():
        title_it, title_en = "Modulo troppo grande", "Form too large"
        text_it, text_en = FORM_LIMITS_TEXT, FORM_LIMITS_EN
    limits = {"limit": _limit_mb(), "field": _limit_mb("MAX_FORM_MEMORY_SIZE"),
              "parts": current_app.config.get("MAX_FORM_PARTS") or 1000}
    text_it, text_en = text_it.format(**limits), text_en.format(**limits)
    if wants_json():
        code = "csrf" if is_csrf else title_en.lower().replace(" ", "-")
        return api_error(status, code, text_it, text_en)
    return render_template("error.html", status=status, title_it=title_it, text_it=text_it,
                           title_en=title_en, text_en=text_en), status


def handle_unexpected(exc: Exception):
    log.exception("unexpected error on %s %s", request.method, request.path)
    return handle_http(InternalServerError())


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(Exception, handle_unexpected)
