"""Response headers that keep the pages to themselves: our own scripts and styles only,
no framing, no sniffing, no referrer leaking a report URL, no server software or version
named. The session cookie is SameSite=Lax and HttpOnly (app.py), Secure over HTTPS.
Behind a reverse proxy, X-Forwarded-* is trusted only from as many proxies as configured
(TRUSTED_PROXIES, Werkzeug's ProxyFix); gunicorn has its own forwarded_allow_ips."""
from __future__ import annotations

from http.server import BaseHTTPRequestHandler

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.serving import WSGIRequestHandler

# Bootstrap Italia injects its @font-face rules as a <style> element: style-src needs
# 'unsafe-inline'. Scripts are only our files; the report JSON is a data block, not a script.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
# What the Server header says instead of "Werkzeug/3.1.9 Python/3.11.7" or "gunicorn". The
# header is the server's own, written before the app's headers: gunicorn.conf.py renames
# gunicorn's; hide_server_version() renames the development server's.
SERVER_NAME = "pec-precheck"


def hide_server_version() -> None:
    """Werkzeug's development server (`make dev`, the tests' servers) names itself and the
    Python version in every response, and has no setting for it: its handler's
    version_string() is replaced (once per process, for every app it serves)."""
    WSGIRequestHandler.version_string = _server_name  # type: ignore[assignment]


def _server_name(_handler: BaseHTTPRequestHandler) -> str:
    return SERVER_NAME


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure when configured so or when this request came over HTTPS
    (directly, or through a trusted proxy's X-Forwarded-Proto)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")  # reports are personal
    return response


def register(app: Flask) -> None:
    app.after_request(add_headers)
    hide_server_version()
    app.session_interface = SessionInterface()
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,  # type: ignore[method-assign]
                                x_host=proxies, x_port=proxies, x_prefix=proxies)
