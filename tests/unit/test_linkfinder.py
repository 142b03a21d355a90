"""checker.linkfinder: links in free text; Italian legal and administrative text is not a link."""
from __future__ import annotations

import pytest

from checker.linkfinder import find_links, is_url

# Italian administrative text full of dots, slashes and at-signs that are NOT links.
NEGATIVES = [
    "ai sensi dell'art. 4 c. 2 del regolamento",
    "D.Lgs. 82/2005 (Codice dell'amministrazione digitale)",
    "D.P.R. 445/2000, artt. 46 e 47",
    "DPR 68/2005",
    "importo di euro 1.234,56",
    "totale 1.000.000,00 €",
    "Rossi Costruzioni S.p.A.",
    "Bianchi S.r.l. unipersonale",
    "Verdi & C. S.a.s.",
    "vedi pag. 3 e segg.",
    "protocollo n. 12/2024",
    "c.f. RSSMRA80A01H501U",
    "P.IVA 01234567890",
    "ver. 1.2.3",
    "versione 2.0.1-beta",
    "www",
    "scrivere www seguito dal nome",
    "Egr.io Sig. Mario Rossi",
    "Gent.mo Dott. Bianchi",
    "Spett.le Comune di Piacenza",
    "la Sig.ra Maria Verdi",
    "la dott.ssa Neri",
    "All.to 1: planimetria",
    "cfr. sent. Cass. n. 1234/2019",
    "L. 241/1990 e s.m.i.",
    "ore 10.30 del 12.03.2024",
    "data 01.02.2024",
    "tel. 0523.492111",
    "fax 0523/492222",
    "D.M. 2.11.2005",
    "D.P.C.M. 3.12.2013",
    "lett. a) e b)",
    "ecc.",
    "ecc.it",
    "N.B. allegare copia",
    "foglio 12, mapp. 345, sub. 6",
    "cat. A/2, cl. 3",
    "Reg. (UE) 2016/679",
    "es. 3.5 mq",
    "i.e. e.g. a.m. p.m.",
    "@ alle ore",
    "mario@",
    "http:",
    "urn:oid:1.2.3.4",
]

# Links written as text: each must be found with its kind.
POSITIVES = [
    ("visita https://www.comune.piacenza.it/servizi per info", "url", "https://www.comune.piacenza.it/servizi"),
    ("http://example.org.", "url", "http://example.org"),
    ("(vedi http://example.com/a?b=1&c=2)", "url", "http://example.com/a?b=1&c=2"),
    ("ftp://files.example.net/pub/x.zip", "url", "ftp://files.example.net/pub/x.zip"),
    ("file:///C:/Documenti/domanda.pdf", "url", "file:///C:/Documenti/domanda.pdf"),
    ("vai su www.agid.gov.it", "url", "www.agid.gov.it"),
    ("WWW.COMUNE.GENOVA.IT", "url", "WWW.COMUNE.GENOVA.IT"),
    ("clicca javascript:alert(1)", "url", "javascript:alert(1)"),
    ("mailto:ufficio@comune.it", "url", "mailto:ufficio@comune.it"),
    ("scrivere a mario.rossi@example.com per chiarimenti", "email", "mario.rossi@example.com"),
    ("PEC: protocollo.generale@cert.comune.piacenza.it.", "email",
     "protocollo.generale@cert.comune.piacenza.it"),
    ("info+pec@Legalmail.IT", "email", "info+pec@Legalmail.IT"),
    ("il sito comune.piacenza.it", "domain", "comune.piacenza.it"),
    ("sul portale agid.gov.it trovi", "domain", "agid.gov.it"),
    ("esempio.com", "domain", "esempio.com"),
    ("vedi anche google.com/maps", "domain", "google.com"),
    ("\\\\server01\\condivisa\\atto.pdf", "unc", "\\\\server01\\condivisa\\atto.pdf"),
    ("https://it.wikipedia.org/wiki/Posta_(servizio)", "url", "https://it.wikipedia.org/wiki/Posta_(servizio)"),
]


def test_at_least_30_negatives_and_15_positives():
    assert len(NEGATIVES) >= 30 and len(POSITIVES) >= 15


@pytest.mark.parametrize("text", NEGATIVES)
def test_italian_legal_text_is_not_a_link(text):
    assert find_links(text) == []


@pytest.mark.parametrize("text,kind,value", POSITIVES)
def test_link_is_found(text, kind, value):
    links = find_links(text)
    assert [(link.kind, link.text) for link in links] == [(kind, value)]
    assert text[links[0].start:].startswith(value)


def test_bare_domain_is_not_an_error_but_url_and_email_are():
    kinds = {link.kind: link.is_error for link in find_links("www.a-b.it x@y.it sito.it")}
    assert kinds == {"url": True, "email": True, "domain": False}


def test_several_links_in_order_and_email_domain_not_double_counted():
    text = "Scrivere a a@b.it oppure visitare https://x.it e comune.genova.it"
    assert [link.kind for link in find_links(text)] == ["email", "url", "domain"]


def test_limit_bounds_output():
    text = " ".join(f"https://h{i}.example.org" for i in range(500))
    assert len(find_links(text, limit=50)) == 50


def test_is_url_for_attribute_values():
    assert is_url("https://example.org/x")
    assert is_url("  www.example.org ")
    assert not is_url("urn:oasis:names:tc:opendocument:xmlns:office:1.0")
    assert not is_url("#Signature1")
    assert not is_url("")
