"""The app as `make run` serves it: gunicorn with the repository's gunicorn.conf.py, started on
127.0.0.1 in the test (tests/fixtures/gunicorn_server.py), and, where the development server
behaves differently, Werkzeug's too (tests/fixtures/webserver.py). Over real sockets: /healthz
while slow uploads are in flight, 413 pages for form limits, hostile names, cookies, headers."""
from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest

from app import create_app
from gunicorn_server import gunicorn_server
from web_samples import docx_bytes, pdf_bytes, txt_bytes
from webserver import serve

FORM = {"profile": "generic", "sender": "mario.rossi@pec.it",
        "subject": "Richiesta di accesso agli atti", "doc_type": "Istanza"}
BOUNDARY = "pecprecheckboundary"


@pytest.fixture(scope="module")
def gunicorn_url() -> Iterator[str]:
    with gunicorn_server({"SECRET_KEY": "prova", "PEC_PRECHECK_DEADLINE": "20"}) as base:
        yield base


@contextmanager
def dev_server() -> Iterator[str]:
    with serve(create_app({"WTF_CSRF_ENABLED": False, "WARM_UP": False})) as base:
        yield base


def multipart(fields: list[tuple[str, str]], files: list[tuple[str, bytes]] = ()) -> bytes:
    """A multipart/form-data body; file names go into the header as given (raw bytes)."""
    out = bytearray()
    for name, value in fields:
        out += (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n").encode()
        out += value.encode() + b"\r\n"
    for filename, data in files:
        out += (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; "
                f"filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
        out += data + b"\r\n"
    out += f"--{BOUNDARY}--\r\n".encode()
    return bytes(out)


def request(base: str, method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None, timeout: float = 60) -> tuple[http.client.HTTPResponse, bytes]:
    url = urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    try:
        all_headers = dict(headers or {})
        if body is not None:
            all_headers.setdefault("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


# --- /healthz never waits for checks ---------------------------------------------------------

class SlowUpload(threading.Thread):
    """A client that announces a 2 MB upload and sends it 4 kB at a time for `seconds`:
    a gthread thread reads its body for the whole time."""

    def __init__(self, base: str, seconds: float):
        super().__init__(daemon=True)
        self.url = urlsplit(base)
        self.seconds = seconds
        self.sent = 0

    def run(self) -> None:
        body = multipart(list(FORM.items()), [("lento.pdf", b"%PDF-1.4\n" + b"0" * (2 << 20))])
        with socket.create_connection((self.url.hostname, self.url.port), timeout=30) as sock:
            sock.sendall((f"POST /api/v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n"
                          f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n\r\n").encode())
            end = time.monotonic() + self.seconds
            while time.monotonic() < end and self.sent < len(body) - 4096:
                sock.sendall(body[self.sent:self.sent + 4096])
                self.sent += 4096
                time.sleep(0.05)


class Checker(threading.Thread):
    """A client that submits real documents for checking, one after the other, until stopped."""

    def __init__(self, base: str, stop: threading.Event):
        super().__init__(daemon=True)
        self.base, self.stop, self.statuses = base, stop, []

    def run(self) -> None:
        body = multipart(list(FORM.items()), [("domanda.pdf", pdf_bytes()), ("allegato.docx", docx_bytes()),
                                              ("nota.txt", txt_bytes())])
        while not self.stop.is_set():
            response, _ = request(self.base, "POST", "/api/v1/check", body)
            self.statuses.append(response.status)


def test_healthz_answers_while_slow_uploads_and_checks_are_in_flight(gunicorn_url):
    slow = [SlowUpload(gunicorn_url, seconds=8) for _ in range(8)]
    stop = threading.Event()
    checkers = [Checker(gunicorn_url, stop) for _ in range(3)]
    for client in slow + checkers:
        client.start()
    time.sleep(1.0)   # every slow upload holds a thread, the checks are running
    try:
        # each /healthz must be answered while every slow upload still holds its thread (the
        # request's own timeout is the bound; its latency is measured in bench/, not here)
        for _ in range(30):
            response, body = request(gunicorn_url, "GET", "/healthz", timeout=10)
            assert response.status == 200 and json.loads(body)["status"] == "ok"
            time.sleep(0.1)
        assert all(s.is_alive() for s in slow), "the slow uploads ended before the measurement"
    finally:
        stop.set()
        for client in checkers + slow:
            client.join(timeout=60)
    statuses = [s for c in checkers for s in c.statuses]
    assert statuses and set(statuses) == {200}


# --- form limits: a clear 413 page, under gunicorn and the development server ----------------

def _field_too_long() -> bytes:
    return multipart([*FORM.items(), ("body", "x" * (3 << 20))], [("nota.txt", txt_bytes())])


def _too_many_parts() -> bytes:
    return multipart([*FORM.items(), *((f"campo{i}", "x") for i in range(5000))], [("nota.txt", txt_bytes())])


@pytest.mark.parametrize("make_body", [_field_too_long, _too_many_parts], ids=["3MB-field", "5000-parts"])
@pytest.mark.parametrize("server", ["gunicorn", "werkzeug"])
def test_form_over_the_field_limits_gets_a_413_page(gunicorn_url, server, make_body):
    body = make_body()
    with (dev_server() if server == "werkzeug" else _same(gunicorn_url)) as base:
        # answered within the request's timeout, not left waiting for a body already read
        response, page = request(base, "POST", "/check", body, timeout=20)
        assert response.status == 413
        text = page.decode()
        assert "Modulo troppo grande" in text and "troppe parti" in text
        api_response, api_body = request(base, "POST", "/api/v1/check", body, timeout=20)
        assert api_response.status == 413
        assert json.loads(api_body)["error"] == "form-too-large"


@contextmanager
def _same(base: str) -> Iterator[str]:
    yield base


# --- names, cookies, headers -----------------------------------------------------------------

@pytest.mark.parametrize("raw, shown", [
    ("istanza.exe\x00.pdf", "istanza.exe<U+0000>.pdf"),
    ("fattura\x1b.txt", "fattura<U+001B>.txt"),
    ("nota\x7f.txt", "nota<U+007F>.txt"),
])
def test_control_characters_smuggled_in_a_name_are_a_finding(gunicorn_url, raw, shown):
    response, body = request(gunicorn_url, "POST", "/api/v1/check",
                             multipart(list(FORM.items()), [(raw, txt_bytes())]))
    assert response.status == 200
    report = json.loads(body)
    assert report["documents"][0]["name"] == "".join(c for c in raw if c.isprintable())  # shown clean
    found = [f for f in report["message"]["findings"] if f["code"] == "MSG037"]
    assert found and found[0]["severity"] == "error" and found[0]["location"] == shown
    assert report["verdict"] == "fix"


def test_session_cookie_is_lax_httponly_and_secure_over_https(gunicorn_url):
    response, _ = request(gunicorn_url, "GET", "/")
    cookie = response.getheader("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    # the proxy in front says the client came over HTTPS (127.0.0.1 is in forwarded_allow_ips)
    response, _ = request(gunicorn_url, "GET", "/", headers={"X-Forwarded-Proto": "https"})
    cookie = response.getheader("Set-Cookie")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookies_can_be_forced(monkeypatch):
    monkeypatch.setenv("PEC_PRECHECK_SECURE_COOKIES", "1")
    client = create_app({"TESTING": True}).test_client()
    cookie = client.get("/").headers["Set-Cookie"]
    assert "Secure" in cookie and "SameSite=Lax" in cookie and "HttpOnly" in cookie


def test_forwarded_proto_is_ignored_from_an_untrusted_address():
    with gunicorn_server({"FORWARDED_ALLOW_IPS": "10.9.8.7"}) as base:
        response, _ = request(base, "GET", "/", headers={"X-Forwarded-Proto": "https"})
        assert "Secure" not in response.getheader("Set-Cookie")


@pytest.mark.parametrize("server", ["gunicorn", "werkzeug"])
def test_server_header_names_no_software_or_version(gunicorn_url, server):
    with (dev_server() if server == "werkzeug" else _same(gunicorn_url)) as base:
        for path in ("/", "/healthz", "/non-esiste"):
            response, _ = request(base, "GET", path)
            servers = response.headers.get_all("Server") or []
            assert servers == ["pec-precheck"], servers


def test_trusted_proxies_make_werkzeug_see_https_and_untrusted_headers_are_ignored():
    trusting = create_app({"TESTING": True, "TRUSTED_PROXIES": 1}).test_client()
    cookie = trusting.get("/", headers={"X-Forwarded-Proto": "https"}).headers["Set-Cookie"]
    assert "Secure" in cookie
    plain = create_app({"TESTING": True}).test_client()   # TRUSTED_PROXIES 0: headers not believed
    assert "Secure" not in plain.get("/", headers={"X-Forwarded-Proto": "https"}).headers["Set-Cookie"]
