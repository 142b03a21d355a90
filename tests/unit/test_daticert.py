"""daticert.xml parsing (defusedxml) and the plain-Italian explanation chosen for each receipt."""
from __future__ import annotations

import pytest

from checker import catalogue
from checker.mail import daticert as dc
from pec_samples import generator

GEN = generator()


def xml(**kw) -> bytes:
    return GEN.Daticert(**kw).to_xml()


def test_daticert_fields_of_a_delivery_receipt():
    parsed = dc.parse(xml(tipo="avvenuta-consegna", ricevuta="breve", consegna=GEN.RECIPIENT))
    assert parsed.tipo == "avvenuta-consegna"
    assert parsed.errore == "nessuno"
    assert parsed.mittente == GEN.SENDER
    assert parsed.destinatari == (dc.Destinatario(GEN.RECIPIENT, "certificato"),)
    assert parsed.oggetto == GEN.SUBJECT
    assert parsed.gestore == GEN.PROVIDER
    assert parsed.ricevuta == "breve"
    assert parsed.consegna == GEN.RECIPIENT
    assert parsed.msgid == GEN.ORIGINAL_MSGID
    assert parsed.identificativo.startswith("opec")
    assert parsed.date_iso == GEN.WHEN.isoformat()
    assert parsed.warnings == ()


def test_daticert_external_recipient_and_errore_esteso():
    parsed = dc.parse(xml(tipo="errore-consegna", errore="no-dest",
                          destinatari=[("a@pec.example", "certificato"), ("b@gmail.example", "esterno")],
                          errore_esteso="5.1.1 - casella inesistente"))
    assert [d.tipo for d in parsed.destinatari] == ["certificato", "esterno"]
    assert parsed.errore == "no-dest"
    assert parsed.errore_esteso == "5.1.1 - casella inesistente"


def test_daticert_ricevuta_without_tipo_defaults_to_completa():
    data = xml(tipo="avvenuta-consegna", ricevuta="completa").replace(b' tipo="completa"', b"")
    assert dc.parse(data).ricevuta == "completa"


@pytest.mark.parametrize("data, words", [
    (b"<postacert tipo='posta-certificata'><intestazione>", "non ben formato"),
    (b"", "non ben formato"),
    (b"<?xml version='1.0'?><altro/>", "<altro>"),
    (b"<postacert><intestazione/><dati/></postacert>", "tipo"),
    (b"<postacert tipo='accettazione'><dati/></postacert>", "intestazione"),
    (b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "x">]><postacert tipo="accettazione">&a;</postacert>',
     "non ammessi"),
    (b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
     b'<postacert tipo="accettazione">&e;</postacert>', "non ammessi"),
])
def test_daticert_malformed_raises_daticert_error(data, words):
    with pytest.raises(dc.DaticertError) as err:
        dc.parse(data)
    assert words in str(err.value)


def test_daticert_values_outside_the_schema_are_warnings():
    parsed = dc.parse(xml(tipo="consegnata", errore="boh"))
    assert parsed.warnings == ("tipo «consegnata» non previsto", "errore «boh» non previsto")


def test_daticert_too_large_is_refused():
    with pytest.raises(dc.DaticertError):
        dc.parse(b"<postacert>" + b" " * (dc.MAX_DATICERT_BYTES + 1) + b"</postacert>")


@pytest.mark.parametrize("tipo, errore, esteso, security, code", [
    ("accettazione", "nessuno", "", False, "PEC030"),
    ("non-accettazione", "altro", "destinatari non validi", False, "PEC031"),
    ("non-accettazione", "virus", "", False, "PEC032"),
    ("non-accettazione", "altro", "", True, "PEC032"),
    ("presa-in-carico", "nessuno", "", False, "PEC033"),
    ("avvenuta-consegna", "nessuno", "", False, "PEC034"),
    ("errore-consegna", "no-dest", "5.1.1 - casella inesistente", False, "PEC035"),
    # Aruba reports a non-existent mailbox as "altro" with 5.1.1
    ("errore-consegna", "altro", "5.1.1 - Aruba Pec S.p.A. - casella inesistente", False, "PEC035"),
    ("errore-consegna", "no-dest", "", False, "PEC035"),
    ("errore-consegna", "no-dominio", "", False, "PEC036"),
    ("errore-consegna", "altro", "5.1.2 - dominio inesistente", False, "PEC036"),
    ("errore-consegna", "altro", "5.2.2 - mailbox full", False, "PEC039"),
    ("errore-consegna", "virus", "", False, "PEC037"),
    ("errore-consegna", "altro", "4.4.1 - timeout", False, "PEC043"),
    ("errore-consegna", "altro", "errore generico", False, "PEC038"),
    # a preavviso whose detail starts 5.4.1 is a definitive failure
    ("preavviso-errore-consegna", "altro", "5.4.1 - Recipient address rejected", False, "PEC041"),
    ("preavviso-errore-consegna", "altro", "4.4.7 - nessuna risposta", False, "PEC040"),
    ("preavviso-errore-consegna", "altro", "", False, "PEC040"),
    ("rilevazione-virus", "virus", "", False, "PEC042"),
])
def test_daticert_explanations(tipo, errore, esteso, security, code):
    assert dc.explain(tipo, errore, esteso, security) == code


def test_daticert_every_explanation_code_is_in_the_catalogue_with_a_next_action():
    for row in dc.EXPLANATIONS:
        rule = catalogue.rule(row.code)
        assert rule.fix_it and rule.explain_it and "DM 2/11/2005" in rule.source


def test_daticert_unknown_receipt_type_has_no_explanation():
    assert dc.explain("consegnata", "nessuno") is None


def test_daticert_doctype_and_latin1_as_some_providers_write_it():
    data = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n'
            '<!DOCTYPE postacert SYSTEM "daticert.dtd">\n'
            '<postacert tipo="accettazione" errore="nessuno"><intestazione><mittente>a@pec.example</mittente>'
            '<oggetto>Attività</oggetto></intestazione><dati><gestore-emittente>X</gestore-emittente>'
            '<data zona="+0200"><giorno>1/7/2026</giorno><ora>09:05</ora></data>'
            '<identificativo>id</identificativo></dati></postacert>').encode("latin-1")
    parsed = dc.parse(data)
    assert parsed.oggetto == "Attività"
    assert parsed.date_iso == "2026-07-01T09:05:00+02:00"
