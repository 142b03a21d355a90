"""Response headers that keep the pages to themselves: our own scripts and styles only,
no framing, no sniffing, no referrer leaking a report URL."""
from __future__ import annotations

from flask import Flask, Response

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


def add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")  # reports are personal
    return response


def register(app: Flask) -> None:
    app.after_request(add_headers)
