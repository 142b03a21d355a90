"""checker/identify/xmlroot.py under attack: reading an XML file's root element expands no
entity (billion laughs), fetches nothing (external entities, external DTDs, parameter
entities: a real HTTP server on loopback records every request), is bounded on deep nesting,
hands no huge token to expat before 2.6 (checker/xmlguard.py) and reads the root of a refused
prologue by a linear scan (the old regular expression backtracked for minutes on repeated
comments). No timing is asserted: bench/hostile_bench.py measures speed."""
from __future__ import annotations

import http.server
import threading

import pytest

from checker import identify, xmlguard
from checker.identify.xmlroot import _root_from_text, sniff_xml
from checker.model import InputFile

LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
          + b"".join(b' <!ENTITY lol%d "%s">\n' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
                     for n in range(1, 10))
          + b"]>\n<lolz>&lol9;</lolz>\n")


@pytest.fixture()
def recorder():
    """A loopback HTTP server that records every path asked for."""
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            asked.append(self.path)
            body = b'<!ENTITY secret "leaked">'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


def test_billion_laughs_is_not_expanded_and_the_root_is_read():
    sniffed = sniff_xml(LAUGHS)
    assert sniffed is not None and sniffed.id == "xml"
    assert sniffed.details["root"] == "lolz" and sniffed.details["defused"] == "EntitiesForbidden"


def test_quadratic_blowup_entity_is_not_expanded():
    big = b"A" * 30_000   # the root must start within the 64 KB the text reader looks at
    data = (b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "' + big + b'">]>'
            b'<kml xmlns="http://www.opengis.net/kml/2.2">' + b"&a;" * 10_000 + b"</kml>")
    sniffed = sniff_xml(data)
    assert sniffed is not None and sniffed.id == "kml" and sniffed.details["entities"] is True


def test_external_entities_and_dtds_are_never_fetched(recorder):
    base, asked = recorder
    cases = {
        "entity": f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "{base}/entity">]><r>&x;</r>',
        "parameter": f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "{base}/param"> %p;]><r/>',
        "dtd": f'<?xml version="1.0"?><!DOCTYPE r SYSTEM "{base}/dtd"><r>&secret;</r>',
        "file": '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
    }
    for name, text in cases.items():
        sniffed = sniff_xml(text.encode())
        assert sniffed is not None and sniffed.details["root"] == "r", name
        fmt, _ = identify.identify(InputFile(f"{name}.xml", text.encode()))
        assert fmt.id == "xml", name
    assert asked == []


def test_deep_nesting_stops_at_the_root():
    depth = 1_000_000
    data = b'<?xml version="1.0"?>' + b"<a>" * depth + b"</a>" * depth
    sniffed = sniff_xml(data)
    assert sniffed is not None and sniffed.details["root"] == "a"
    fmt, _ = identify.identify(InputFile("deep.xml", data))
    assert fmt.id == "xml"


def test_a_huge_token_in_the_prologue_goes_to_the_guard_not_to_expat():
    data = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" d="' + b"x" * (8 << 20) + b'"/>'
    sniffed = sniff_xml(data)
    assert sniffed is not None and sniffed.id == "svg"
    if not xmlguard.EXPAT_REPARSES_LINEARLY:   # libexpat < 2.6: refused before parsing
        assert "più lungo" in sniffed.details["hostile"]
    many = b'<?xml version="1.0"?><r ' + b" ".join(b'a%d="1"' % n for n in range(200_000)) + b"/>"
    sniffed = sniff_xml(many)
    assert sniffed is not None and sniffed.details["root"] == "r"


def test_repeated_comments_after_a_refused_doctype_are_read_linearly():
    # the former regular expression, (<!--.*?-->\s*)*<name, backtracked exponentially here
    unterminated = b'<!DOCTYPE a [<!ENTITY x "y">]>' + b"<!-- -->" * 8000 + b"<!--"
    assert sniff_xml(unterminated) is None
    rooted = b'<!DOCTYPE a [<!ENTITY x "y">]>' + b"<!-- c -->\n" * 5000 + b'<kml xmlns="http://www.opengis.net/kml/2.2">'
    sniffed = sniff_xml(rooted)
    assert sniffed is not None and sniffed.id == "kml"
    assert sniff_xml(b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">' + b"<!DOCTYPE [" * 7000) is None


@pytest.mark.parametrize("text, root", [
    ('<?xml version="1.0"?><!-- a --><?pi x?><!DOCTYPE r [<!ENTITY a "]">]><r/>', "r"),
    ("\ufeff<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0//EN\" \"x.dtd\"><html>", "html"),
    ("<!DOCTYPE r [ <!ENTITY a 'b'> ] ><ns:r xmlns:ns='u'>", "ns:r"),
    ("<!DOCTYPE r [ <!ENTITY a 'b'>", None),
    ("plain text", None),
])
def test_the_linear_root_reader(text, root):
    found = _root_from_text(text)
    assert (found[0] if found else None) == root
