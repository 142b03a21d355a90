"""Message-level rules (checker/message/ and its helpers), unit level.

Subjects, addresses, names and sizes are pure functions tested on many real-world cases;
the rules are tested through check_message() on typed Submission/Document values, the
same input the engine gives it after the document checks (end-to-end runs with real
worker processes are in test_profiles.py).
"""
from __future__ import annotations

import base64
import email.policy
import string
from email.message import EmailMessage

import pytest

from checker import catalogue, filenames, message, pecsize, profiles, subjects
from checker.filenames import NameProblem
from checker.model import Document, FormatInfo, InputFile, Severity, SignatureInfo, Submission
from checker.pecdomains import PecStatus, classify, normalise_address, split_addresses
from checker.subjects import SubjectProblem


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def doc(name: str, *, fmt: str = "pdf", depth: int = 0, parent: str | None = None,
        signatures=(), facts=None, is_main: bool = False, size: int = 1000) -> Document:
    return Document(name=name, sha256="0" * 64, size=size, parent=parent, depth=depth,
                    format=FormatInfo(id=fmt), signatures=list(signatures), facts=dict(facts or {}),
                    is_main=is_main)


def good_submission(**overrides) -> Submission:
    values = {"profile": "generic", "sender": "mario.rossi@pec.it",
                  "subject": "Istanza di accesso agli atti - pratica edilizia 123/2024",
                  "doc_type": "istanza", "destination": "Edilizia privata", "main": "istanza.pdf",
                  "files": [InputFile("istanza.pdf", b"%PDF-1.7 placeholder bytes")]}
    values.update(overrides)
    return Submission(**values)


def run(sub: Submission, documents=None, profile_id: str | None = None):
    profile = profiles.get(profile_id or sub.profile)
    if documents is None:
        documents = [doc(f.name, is_main=(f.name == sub.main)) for f in sub.files]
    findings = message.check_message(sub, documents, profile)
    for f in findings:  # every code exists and every placeholder of its texts gets a value
        rule = catalogue.rule(f.code)
        for field in ("title", "explain", "fix"):
            for lang in ("it", "en"):
                template = getattr(rule, f"{field}_{lang}")
                wanted = {name for _, name, _, _ in string.Formatter().parse(template) if name}
                assert wanted <= set(f.args), (f.code, field, lang, wanted - set(f.args))
                assert all(isinstance(v, str) for v in f.args.values()), f.args
    return findings


# ── subjects ───────────────────────────────────────────────────────────────────────────────

NOT_MEANINGFUL = [
    ("", SubjectProblem.MISSING),
    ("   ", SubjectProblem.MISSING),
    ("prova", SubjectProblem.PLACEHOLDER),
    ("PROVA", SubjectProblem.PLACEHOLDER),
    ("Test", SubjectProblem.PLACEHOLDER),
    ("test.", SubjectProblem.PLACEHOLDER),
    ("senza oggetto", SubjectProblem.PLACEHOLDER),
    ("Nessun oggetto", SubjectProblem.PLACEHOLDER),
    ("(no subject)", SubjectProblem.PLACEHOLDER),
    ("Fwd:", SubjectProblem.PLACEHOLDER),
    ("I: ", SubjectProblem.PLACEHOLDER),
    ("R: R: ", SubjectProblem.PLACEHOLDER),
    ("documenti", SubjectProblem.PLACEHOLDER),
    ("Invio documentazione", SubjectProblem.PLACEHOLDER),
    ("in allegato", SubjectProblem.PLACEHOLDER),
    ("Scansione_0001.pdf", SubjectProblem.PLACEHOLDER),
    ("IMG_20240312_101112.jpg", SubjectProblem.PLACEHOLDER),
    ("doc1", SubjectProblem.PLACEHOLDER),
    ("Buongiorno", SubjectProblem.PLACEHOLDER),
    ("istanza", SubjectProblem.PLACEHOLDER),
    ("Prova PEC", SubjectProblem.PLACEHOLDER),
    ("Tèst", SubjectProblem.PLACEHOLDER),
    ("!!!", SubjectProblem.PLACEHOLDER),
    ("12345", SubjectProblem.NO_WORDS),
    ("2024/123 - 45", SubjectProblem.NO_WORDS),
    ("SCIA", SubjectProblem.TOO_SHORT),
    ("Ricorso", SubjectProblem.TOO_SHORT),
    ("ab cd", SubjectProblem.TOO_SHORT),
    ("x 1", SubjectProblem.TOO_SHORT),
]

MEANINGFUL = [
    "Istanza di accesso agli atti - pratica edilizia 123/2024",
    "Richiesta contributo affitto 2024",
    "SCIA per apertura esercizio commerciale in via Roma 12",
    "CILA manutenzione straordinaria via Garibaldi 9",
    "Ricorso avverso verbale n. 456/2024",
    "Dichiarazione sostitutiva di atto di notorietà",
    "Domanda di iscrizione al servizio mensa scolastica",
    "Cambio di residenza - Mario Rossi",
    "Osservazioni al piano urbanistico",
    "TARI 2024 rimborso",
    "R: Vostra comunicazione prot. 12345 del 3/4/2024",
    "Esposto rumori molesti condominio via Verdi",
    "Opposizione a ingiunzione di pagamento",
    "Offerta gara servizio pulizie CIG 1234567890",
    "Modello APR4 iscrizione anagrafica",
]


@pytest.mark.parametrize("subject,problem", NOT_MEANINGFUL)
def test_subject_not_meaningful(subject, problem):
    assert problem in [i.problem for i in subjects.subject_issues(subject)]


@pytest.mark.parametrize("subject", MEANINGFUL)
def test_subject_meaningful(subject):
    assert subjects.subject_issues(subject) == []


def test_subject_too_long_is_a_warning_not_an_error():
    long = "Istanza di accesso agli atti relativi alla pratica edilizia " + "e successive varianti " * 12
    findings = run(good_submission(subject=long))
    assert "MSG008" in codes(findings)
    assert "MSG007" not in codes(findings)
    assert catalogue.rule("MSG008").severity is Severity.WARNING


def test_subject_forwarded_prefix_warns():
    findings = run(good_submission(subject="Fwd: Istanza di accesso agli atti pratica 12"))
    assert "MSG009" in codes(findings)
    assert "MSG007" not in codes(findings)


@pytest.mark.parametrize("subject,code", [("", "MSG006"), ("prova", "MSG007"), ("12345", "MSG007"),
                                          ("SCIA", "MSG007"), ("senza oggetto", "MSG007")])
def test_subject_rules_are_errors(subject, code):
    findings = run(good_submission(subject=subject))
    assert code in codes(findings)
    assert catalogue.rule(code).severity is Severity.ERROR


DOCUMENT_TYPES = [
    ("Istanza di accesso civico generalizzato", "richiesta di accesso"),
    ("SCIA apertura bar", "SCIA"),
    ("Segnalazione certificata di inizio attività - via Po 3", "SCIA"),
    ("cila via roma", "CILA"),
    ("Domanda bonus idrico", "domanda"),
    ("Richiesta certificato di destinazione urbanistica", "richiesta"),
    ("Dichiarazione ISEE", "dichiarazione"),
    ("Autocertificazione residenza", "dichiarazione"),
    ("Ricorso in opposizione", "ricorso"),
    ("Esposto per abbandono rifiuti", "esposto"),
    ("Osservazioni PGT", "osservazioni"),
    ("Comunicazione fine lavori", "comunicazione"),
    ("Offerta economica lotto 2", "offerta"),
    ("Permesso di costruire in sanatoria", "permesso di costruire"),
    ("Pagamento IMU", None),
    ("Verbale assemblea", "verbale"),
]


@pytest.mark.parametrize("text,expected", DOCUMENT_TYPES)
def test_document_type_recognised_from_subject(text, expected):
    assert subjects.document_type(text) == expected


def test_document_type_not_stated_is_warning_in_generic_error_in_piacenza():
    sub = good_submission(doc_type="", subject="Pagamento IMU anno 2023 immobile via Po")
    generic = run(sub)
    assert "MSG010" in codes(generic)
    piacenza = profiles.get("piacenza")
    assert piacenza.severity_for("MSG010", Severity.WARNING) is Severity.ERROR
    # recognised from the subject: no finding
    assert "MSG010" not in codes(run(good_submission(doc_type="", subject="Domanda rimborso IMU 2023")))


def test_document_type_hint_from_main_document_oggetto():
    sub = good_submission(doc_type="", subject="Pagamento IMU anno 2023 immobile via Po")
    documents = [doc("istanza.pdf", is_main=True, facts={"oggetto": "Istanza di rimborso IMU"})]
    found = [f for f in run(sub, documents) if f.code == "MSG010"]
    assert found and "Istanza di rimborso IMU" in found[0].detail


@pytest.mark.parametrize("subject,parts", [
    ("Istanza contributo affitto e ricorso avverso sanzione", 2),
    ("SCIA + CILA via Roma 1", 2),
    ("Domanda mensa; richiesta trasporto scolastico", 2),
    ("Esposto rumori ed osservazioni al piano", 2),
    ("Richiesta di accesso agli atti e di copia conforme", 0),
    ("Domanda di contributo e dichiarazione sostitutiva", 0),
    ("Richiesta permesso carico e scarico merci", 0),
    ("Istanza di accesso agli atti", 0),
])
def test_subject_naming_two_procedures(subject, parts):
    assert len(subjects.procedures_in_subject(subject)) == parts
    assert ("MSG005" in codes(run(good_submission(subject=subject)))) == (parts >= 2)


# ── one procedure per message (document Oggetto lines) ─────────────────────────────────────

def test_several_applications_from_different_oggetto_lines():
    sub = good_submission(files=[InputFile("istanza.pdf", b"x"), InputFile("ricorso.txt", b"y")])
    documents = [doc("istanza.pdf", is_main=True, facts={"oggetto": "Richiesta contributo affitto 2024"}),
                 doc("ricorso.txt", fmt="txt", facts={"oggetto": "Ricorso avverso verbale 123"})]
    findings = run(sub, documents)
    assert "MSG004" in codes(findings)


def test_same_oggetto_in_envelope_and_attachment_is_one_application():
    sub = good_submission(main="istanza.pdf.p7m",
                          files=[InputFile("istanza.pdf.p7m", b"x"), InputFile("allegato.pdf", b"y")])
    documents = [doc("istanza.pdf.p7m", fmt="p7m", is_main=True),
                 doc("allegato.pdf", facts={"oggetto": "Richiesta di contributo affitto anno 2024"}),
                 doc("istanza.pdf", depth=1, parent="istanza.pdf.p7m",
                     facts={"oggetto": "RICHIESTA CONTRIBUTO AFFITTO 2024"})]
    assert "MSG004" not in codes(run(sub, documents))


@pytest.mark.parametrize("attachment_oggetto", [
    "Nomina di un rappresentante", "Delega alla presentazione", "Dichiarazione sostitutiva di atto notorio",
    "Relazione tecnica asseverata", "Richiesta contributo affitto - dichiarazione del proprietario"])
def test_attachment_of_the_same_practice_is_not_a_second_procedure(attachment_oggetto):
    sub = good_submission(files=[InputFile("istanza.pdf", b"x"), InputFile("allegato.pdf", b"y")])
    documents = [doc("istanza.pdf", is_main=True, facts={"oggetto": "Richiesta contributo affitto"}),
                 doc("allegato.pdf", facts={"oggetto": attachment_oggetto})]
    assert "MSG004" not in codes(run(sub, documents))


# ── main document ──────────────────────────────────────────────────────────────────────────

def test_main_document_missing_from_files_is_an_error():
    findings = run(good_submission(main="domanda.pdf"))
    assert "MSG002" in codes(findings)


def test_several_files_none_marked_main_warns():
    sub = good_submission(main="", files=[InputFile("a.pdf", b"x"), InputFile("b.pdf", b"y")])
    assert "MSG001" in codes(run(sub))


def test_single_file_is_the_main_document():
    assert "MSG001" not in codes(run(good_submission(main="")))


def test_no_files_is_an_error():
    assert "MSG003" in codes(run(good_submission(files=[], main=""), documents=[]))


# ── official communications only ───────────────────────────────────────────────────────────

@pytest.mark.parametrize("subject,body,phrase", [
    ("Offerta commerciale servizi di pulizia", "", "offerta commerciale"),
    ("Newsletter di marzo: novità per i Comuni", "", "newsletter"),
    ("Catalogo arredi urbani 2025", "", "catalogo"),
    ("Comunicazione: nuovo catalogo 2025", "", "catalogo"),
    ("Invito alla presentazione del nuovo software", "", "invito"),
    ("Messaggio di prova invio PEC", "", "messaggio di prova"),
    ("Comunicazione servizi", "Per non ricevere più messaggi clicca unsubscribe", "unsubscribe"),
    ("Comunicazione servizi", "Se non vuoi più ricevere, disiscriviti qui", "disiscriviti"),
    ("Aggiornamento listino", "In allegato il nostro catalogo prodotti", "nostro catalogo"),
])
def test_non_official_communication_is_an_error(subject, body, phrase):
    findings = run(good_submission(subject=subject, body=body))
    found = [f for f in findings if f.code == "MSG012"]
    assert found and found[0].args["phrase"] == phrase
    assert catalogue.rule("MSG012").severity is Severity.ERROR


@pytest.mark.parametrize("subject,body", [
    ("Riscontro a vostro invito prot. 1234 - integrazione documentale", ""),
    ("Offerta economica gara CIG 1234567890", ""),
    ("Richiesta contributo per la promozione del turismo locale", ""),
    ("Domanda di iscrizione al catalogo dei servizi educativi", ""),
    ("Istanza di accesso agli atti", "In risposta al vostro invito, allego la documentazione."),
])
def test_official_wording_is_not_flagged(subject, body):
    assert "MSG012" not in codes(run(good_submission(subject=subject, body=body)))


def test_test_subject_reported_once_as_not_meaningful():
    findings = run(good_submission(subject="prova pec"))
    assert "MSG007" in codes(findings) and "MSG012" not in codes(findings)


@pytest.mark.parametrize("profile_id,expected", [("cremona", True), ("cassano-allo-ionio", True),
                                                 ("genova", True), ("piacenza", True),
                                                 ("mezzani", False), ("generic", False)])
def test_information_request_where_the_profile_excludes_it(profile_id, expected):
    sub = good_submission(profile=profile_id, subject="Richiesta informazioni orari ufficio anagrafe",
                          recipient="")
    found = [f for f in run(sub) if f.code == "MSG013"]
    assert bool(found) == expected
    if found:
        assert found[0].args["channel_it"]


def test_information_request_in_body_first_person_only():
    asked = subjects.information_request("Pratica edilizia 12/2024", "Buongiorno, vorrei sapere a che punto è")
    assert asked == "vorrei sapere"
    assert subjects.information_request("Istanza contributo",
                                        "Per informazioni su questa pratica: 0523 000000") is None


# ── sender addresses ───────────────────────────────────────────────────────────────────────

ADDRESSES = [
    ("mario.rossi@pec.it", PecStatus.PEC),
    ("Mario Rossi <mario.rossi@pec.it>", PecStatus.PEC),
    ("MARIO.ROSSI@PEC.IT", PecStatus.PEC),
    ("studio@legalmail.it", PecStatus.PEC),
    ("protocollo@comunedicremona.legalmail.it", PecStatus.PEC),
    ("protocollo.comune.cassanoalloionio.cs@asmepec.it", PecStatus.PEC),
    ("comunegenova@postemailcertificata.it", PecStatus.PEC),
    ("ditta@arubapec.it", PecStatus.PEC),
    ("ditta@pec.aruba.it", PecStatus.PEC),
    ("utente@postecert.it", PecStatus.PEC),
    ("utente@sicurezzapostale.it", PecStatus.PEC),
    ("utente@pec.actalis.it", PecStatus.PEC),
    ("utente@cgn.legalmail.it", PecStatus.PEC),
    ("utente@registerpec.it", PecStatus.PEC),
    ("utente@mypec.eu", PecStatus.PEC),
    ("utente@gigapec.it", PecStatus.PEC),
    ("utente@pecimprese.it", PecStatus.PEC),
    ("utente@ticertifica.it", PecStatus.PEC),
    ("ing.verdi@ingpec.eu", PecStatus.PEC),
    ("notaio.neri@postacertificata.notariato.it", PecStatus.PEC),
    ("mario@poste.it", PecStatus.NOT_PEC),
    ("avv.rossi@cert.ordineavvocatimilano.it", PecStatus.PEC),
    ("ing.bianchi@pec.ordineingegneri.milano.it", PecStatus.PEC),
    ("protocollo.generale@cert.comune.piacenza.it", PecStatus.LIKELY_PEC),
    ("protocollo@postacert.comune.mezzani.pr.it", PecStatus.LIKELY_PEC),
    ("protocollo@pec.comune.esempio.it", PecStatus.LIKELY_PEC),
    ("info@pec.miaditta.com", PecStatus.LIKELY_PEC),
    ("ufficio@postacert.regione.emilia-romagna.it", PecStatus.LIKELY_PEC),
    ("mario.rossi@gmail.com", PecStatus.NOT_PEC),
    ("mario.rossi@googlemail.com", PecStatus.NOT_PEC),
    ("mario@libero.it", PecStatus.NOT_PEC),
    ("mario@hotmail.it", PecStatus.NOT_PEC),
    ("mario@hotmail.com", PecStatus.NOT_PEC),
    ("mario@outlook.it", PecStatus.NOT_PEC),
    ("mario@live.it", PecStatus.NOT_PEC),
    ("mario@yahoo.it", PecStatus.NOT_PEC),
    ("mario@yahoo.co.uk", PecStatus.NOT_PEC),
    ("mario@tiscali.it", PecStatus.NOT_PEC),
    ("mario@alice.it", PecStatus.NOT_PEC),
    ("mario@virgilio.it", PecStatus.NOT_PEC),
    ("mario@icloud.com", PecStatus.NOT_PEC),
    ("mario@miaditta.it", PecStatus.UNKNOWN),
    ("segreteria@scuola.edu.it", PecStatus.UNKNOWN),
    ("mario@specchio.it", PecStatus.UNKNOWN),      # "pec" inside a word is not a PEC label
    ("mario@certosa.it", PecStatus.UNKNOWN),       # nor is "cert" inside a word
    ("mario@pec.it.example.com", PecStatus.LIKELY_PEC),
    ("", PecStatus.MALFORMED),
    ("mario.rossi", PecStatus.MALFORMED),
    ("mario@", PecStatus.MALFORMED),
    ("@pec.it", PecStatus.MALFORMED),
    ("mario@@pec.it", PecStatus.MALFORMED),
    ("mario rossi@pec.it", PecStatus.MALFORMED),
    ("mario@pec", PecStatus.MALFORMED),
    ("mario@pec..it", PecStatus.MALFORMED),
    ("mario@-pec.it", PecStatus.MALFORMED),
    ("mario..rossi@pec.it", PecStatus.MALFORMED),
    (".mario@pec.it", PecStatus.MALFORMED),
    ("a@pec.it, b@pec.it", PecStatus.MALFORMED),
    ("mario@pec.it\r\nBcc: x@y.it", PecStatus.MALFORMED),
    ("mario@pec.1t", PecStatus.MALFORMED),
    ("x" * 65 + "@pec.it", PecStatus.MALFORMED),
]


@pytest.mark.parametrize("address,status", ADDRESSES)
def test_address_classification(address, status):
    assert classify(address).status is status


def test_address_normalised_from_display_form_and_idn():
    assert normalise_address("  Mario Rossi <Mario.Rossi@PEC.it> ") == "mario.rossi@pec.it"
    assert normalise_address("info@città.it") == "info@" + "città.it".encode("idna").decode()
    assert split_addresses("a@pec.it; b@pec.it,c@pec.it") == ["a@pec.it", "b@pec.it", "c@pec.it"]


@pytest.mark.parametrize("profile_id,code", [("generic", "MSG016"), ("piacenza", "MSG016"),
                                             ("mezzani", "MSG017"), ("cremona", "MSG017"),
                                             ("cassano-allo-ionio", "MSG017"), ("genova", "MSG018")])
def test_non_pec_sender_follows_the_profile_policy(profile_id, code):
    findings = run(good_submission(profile=profile_id, sender="mario.rossi@gmail.com"))
    assert code in codes(findings)


def test_pec_sender_has_no_sender_finding():
    findings = run(good_submission(sender="Mario Rossi <mario.rossi@legalmail.it>"))
    assert not [c for c in codes(findings) if c in ("MSG014", "MSG015", "MSG016", "MSG017",
                                                    "MSG018", "MSG019", "MSG020", "MSG021")]


def test_sender_cases_unknown_likely_malformed_missing():
    assert "MSG020" in codes(run(good_submission(sender="mario@miaditta.it")))
    assert "MSG021" in codes(run(good_submission(sender="mario@pec.miaditta.it")))
    assert "MSG015" in codes(run(good_submission(sender="mario.rossi(at)pec.it")))
    missing = [f for f in run(good_submission(sender="")) if f.code == "MSG014"]
    assert missing and catalogue.rule("MSG014").severity is Severity.NOT_CHECKED
    assert not catalogue.rule("MSG014").required  # a CLI run without --sender is not blocked


def test_sender_transport_known_from_the_pec_envelope_overrides_the_address_guess():
    sender_codes = {"MSG016", "MSG017", "MSG020", "MSG021"}
    # an anomaly envelope: ordinary mail, even from a domain that cannot be told apart
    anomaly = run(good_submission(profile="mezzani", sender="mario@miaditta.it",
                                  sender_transport="ordinary"))
    assert set(codes(anomaly)) & sender_codes == {"MSG017"}
    # a certified message: PEC, even from a domain the provider list does not know
    certified = run(good_submission(profile="mezzani", sender="mario@miaditta.it",
                                    sender_transport="pec"))
    assert set(codes(certified)) & sender_codes == set()


# ── non-PEC sender with a signed document (004, Genova) ───────────────────────────────────

def _genova(signatures, *, in_envelope=True):
    sub = good_submission(profile="genova", sender="mario.rossi@gmail.com", main="istanza.pdf.p7m",
                          files=[InputFile("istanza.pdf.p7m", b"x")])
    if in_envelope:
        documents = [doc("istanza.pdf.p7m", fmt="p7m", is_main=True, signatures=signatures),
                     doc("istanza.pdf", depth=1, parent="istanza.pdf.p7m")]
    else:
        documents = [doc("istanza.pdf.p7m", fmt="p7m", is_main=True)]
    return run(sub, documents)


def test_genova_non_pec_sender_with_valid_signature_is_accepted():
    findings = _genova([SignatureInfo(kind="cades", signer="Mario Rossi", indication="PASSED")])
    assert "MSG022" in codes(findings)
    assert not {"MSG018", "MSG019"} & set(codes(findings))


def test_genova_non_pec_sender_with_failed_signature_is_refused():
    findings = _genova([SignatureInfo(kind="cades", indication="FAILED", sub_indication="HASH_FAILURE")])
    found = [f for f in findings if f.code == "MSG018"]
    assert found and "HASH_FAILURE" in found[0].args["state_it"]
    assert found[0].location == "istanza.pdf.p7m"


def test_genova_non_pec_sender_with_unverifiable_signature_is_undetermined():
    findings = _genova([SignatureInfo(kind="cades", indication="INDETERMINATE",
                                      sub_indication="NO_CERTIFICATE_CHAIN_FOUND")])
    assert "MSG019" in codes(findings)
    rule = catalogue.rule("MSG019")
    assert rule.severity is Severity.NOT_CHECKED and rule.required


def test_genova_non_pec_sender_without_signature_is_refused():
    assert "MSG018" in codes(_genova([]))


def test_genova_timestamp_alone_is_not_a_signature():
    assert "MSG018" in codes(_genova([SignatureInfo(kind="timestamp", indication="PASSED")]))


def test_genova_best_signature_wins():
    findings = _genova([SignatureInfo(kind="cades", indication="INDETERMINATE"),
                        SignatureInfo(kind="cades", indication="PASSED")])
    assert "MSG022" in codes(findings)


# ── signature required (003, Cremona) ─────────────────────────────────────────────────────

def _cremona(documents, main="istanza.pdf.p7m", files=None):
    files = files or [InputFile(d.name, b"x") for d in documents if d.depth == 0]
    sub = good_submission(profile="cremona", sender="mario.rossi@pec.it", main=main, files=files)
    return run(sub, documents)


def test_cremona_unsigned_document_is_an_error():
    findings = _cremona([doc("istanza.pdf", is_main=True)], main="istanza.pdf")
    assert "MSG027" in codes(findings)


def test_cremona_valid_signature_passes():
    findings = _cremona([doc("istanza.pdf.p7m", fmt="p7m", is_main=True,
                             signatures=[SignatureInfo(kind="cades", indication="PASSED")]),
                         doc("istanza.pdf", depth=1, parent="istanza.pdf.p7m")])
    assert not {"MSG027", "MSG028", "MSG029", "MSG030", "MSG031"} & set(codes(findings))


def test_cremona_pades_signature_inside_the_pdf_counts():
    findings = _cremona([doc("istanza.pdf", is_main=True,
                             signatures=[SignatureInfo(kind="pades", indication="PASSED")])],
                        main="istanza.pdf")
    assert "MSG027" not in codes(findings)


def test_cremona_signature_in_nested_envelope_counts():
    findings = _cremona([doc("istanza.pdf.p7m.p7m", fmt="p7m", is_main=True),
                         doc("istanza.pdf.p7m", fmt="p7m", depth=1, parent="istanza.pdf.p7m.p7m",
                             signatures=[SignatureInfo(kind="cades", indication="PASSED")]),
                         doc("istanza.pdf", depth=2, parent="istanza.pdf.p7m")],
                        main="istanza.pdf.p7m.p7m")
    assert not {"MSG027", "MSG030"} & set(codes(findings))


def test_cremona_detached_signature_beside_the_document_counts():
    findings = _cremona([doc("istanza.pdf", is_main=True),
                         doc("istanza.pdf.p7s", fmt="p7s",
                             signatures=[SignatureInfo(kind="cades", indication="PASSED")])],
                        main="istanza.pdf")
    assert not {"MSG027", "MSG028", "MSG029", "MSG030", "MSG031"} & set(codes(findings))


def test_cremona_failed_signature_is_an_error():
    findings = _cremona([doc("istanza.pdf.p7m", fmt="p7m", is_main=True,
                             signatures=[SignatureInfo(kind="cades", indication="FAILED")])])
    assert "MSG028" in codes(findings)


def test_cremona_indeterminate_signature_is_required_not_checked():
    findings = _cremona([doc("istanza.pdf.p7m", fmt="p7m", is_main=True,
                             signatures=[SignatureInfo(kind="cades", indication="INDETERMINATE")])])
    assert "MSG029" in codes(findings)
    assert catalogue.rule("MSG029").required


def test_cremona_main_unsigned_but_attachment_signed_warns():
    findings = _cremona([doc("istanza.pdf", is_main=True),
                         doc("delega.pdf.p7m", fmt="p7m",
                             signatures=[SignatureInfo(kind="cades", indication="PASSED")])],
                        main="istanza.pdf")
    assert "MSG030" in codes(findings) and "MSG027" not in codes(findings)


def test_cremona_unsigned_attachments_are_listed():
    findings = _cremona([doc("istanza.pdf.p7m", fmt="p7m", is_main=True,
                             signatures=[SignatureInfo(kind="cades", indication="PASSED")]),
                         doc("planimetria.pdf")])
    found = [f for f in findings if f.code == "MSG031"]
    assert found and found[0].args["names"] == "planimetria.pdf"


def test_signature_not_required_elsewhere():
    assert "MSG027" not in codes(run(good_submission(profile="genova")))


# ── recipient ──────────────────────────────────────────────────────────────────────────────

def test_cassano_sector_box_is_an_error():
    sub = good_submission(profile="cassano-allo-ionio",
                          recipient="polizialocale.comune.cassanoalloionio.cs@asmepec.it")
    found = [f for f in run(sub) if f.code == "MSG023"]
    assert found and found[0].args["protocol"] == "protocollo.comune.cassanoalloionio.cs@asmepec.it"


def test_cassano_protocol_box_is_right():
    sub = good_submission(profile="cassano-allo-ionio",
                          recipient="Protocollo <PROTOCOLLO.comune.cassanoalloionio.cs@asmepec.it>")
    assert not {"MSG023", "MSG024"} & set(codes(run(sub)))


def test_address_of_another_office_warns():
    sub = good_submission(profile="genova", recipient="protocollo@comunedicremona.legalmail.it")
    assert "MSG024" in codes(run(sub))


def test_ordinary_recipient_warns_in_generic_profile():
    assert "MSG025" in codes(run(good_submission(recipient="ufficio.tributi@gmail.com")))


def test_several_recipients_warn_and_malformed_recipient_is_an_error():
    sub = good_submission(profile="mezzani",
                          recipient="protocollo@postacert.comune.mezzani.pr.it; sindaco@@x")
    found = codes(run(sub))
    assert "MSG026" in found and "MSG015" in found


# ── size ───────────────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("n", [0, 1, 2, 3, 56, 57, 58, 100, 1000, 12345, 100_000])
def test_base64_size_matches_the_standard_library(n):
    data = bytes(range(256)) * (n // 256) + bytes(n % 256)
    # encodebytes breaks lines every 76 characters with "\n"; MIME uses "\r\n"
    encoded = base64.encodebytes(data)
    assert pecsize.base64_size(n) == len(encoded) + encoded.count(b"\n")


def test_size_estimate_covers_a_real_mime_message():
    sizes = [10_000, 250_000, 1_000_003]
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"], msg["To"], msg["Subject"] = "mario.rossi@pec.it", "comunegenova@postemailcertificata.it", "Istanza"
    msg.set_content("In allegato l'istanza.\n")
    for i, n in enumerate(sizes):
        msg.add_attachment(bytes(n), maintype="application", subtype="pdf",
                           filename=f"allegato_con_nome_lungo_{i}.pdf")
    real = len(msg.as_bytes())
    est = pecsize.estimate(sizes, body="In allegato l'istanza.\n", subject="Istanza")
    assert real <= est.message_bytes <= real * 1.02 + 10_000
    assert est.transport_bytes > est.message_bytes


def test_message_over_the_limit_is_an_error():
    sub = good_submission(files=[InputFile("istanza.pdf", bytes(23_000_000))])
    findings = run(sub)
    found = [f for f in findings if f.code == "MSG032"]
    # 23 MB of files are ~31.5 MB once base64-encoded: over 30 MB
    assert found and float(found[0].args["size_mb"]) > 30
    assert "MSG034" in codes(findings)


def test_message_near_the_limit_warns():
    findings = run(good_submission(files=[InputFile("istanza.pdf", bytes(19_000_000))]))
    assert "MSG033" in codes(findings) and "MSG032" not in codes(findings)


def test_size_limit_divided_by_recipients():
    sub = good_submission(profile="generic", recipient="a@pec.it, b@pec.it",
                          files=[InputFile("istanza.pdf", bytes(12_000_000))])
    findings = run(sub)
    assert "MSG032" in codes(findings)  # 2 × ~16.4 MB > 30 MB
    note = [f for f in findings if f.code == "MSG034"]
    assert note and note[0].args["aruba_each_mb"] == "50"


def test_small_message_has_no_size_finding():
    assert not {"MSG032", "MSG033", "MSG034"} & set(codes(run(good_submission())))


def test_too_many_files_warns():
    files = [InputFile(f"allegato_{i:02d}.pdf", b"x") for i in range(21)]
    findings = run(good_submission(main="allegato_00.pdf", files=files))
    assert "MSG035" in codes(findings)


# ── attachment names ───────────────────────────────────────────────────────────────────────

NAMES = [
    ("istanza.pdf", set()),
    ("Domanda contributo (firmata).pdf", set()),
    ("istanza.pdf.p7m", set()),
    ("istanza.pdf.p7m.p7m", set()),
    ("relazione v.1.2.pdf", set()),
    ("Dichiarazione_é.pdf", {NameProblem.UNSAFE_CHARACTERS}),
    ("domanda#1.pdf", {NameProblem.UNSAFE_CHARACTERS}),
    ("a" * 101 + ".pdf", {NameProblem.TOO_LONG}),
    ("fattura\u202efdp.exe", set()),   # a deceptive bidi name is identification's FMT012
    ("soft\u00adhyphen.pdf", {NameProblem.CONTROL_CHARACTERS}),
    ("riga\nnuova.pdf", {NameProblem.CONTROL_CHARACTERS}),
    ("zero\u200bwidth.pdf", {NameProblem.CONTROL_CHARACTERS}),
    ("cartella/istanza.pdf", {NameProblem.PATH_SEPARATOR}),
    ("C:\\Users\\mario\\istanza.pdf", {NameProblem.PATH_SEPARATOR, NameProblem.UNSAFE_CHARACTERS}),
    ("CON.pdf", {NameProblem.RESERVED_NAME}),
    ("lpt1.txt", {NameProblem.RESERVED_NAME}),
    (".istanza.pdf", {NameProblem.LEADING_DOT}),
    ("istanza.pdf.", {NameProblem.TRAILING_DOT_OR_SPACE}),
    ("istanza.pdf ", {NameProblem.TRAILING_DOT_OR_SPACE}),
    ("istanza.pdf.pdf", {NameProblem.REPEATED_EXTENSION}),
    ("istanza.PDF.pdf.p7m", {NameProblem.REPEATED_EXTENSION}),
    ("", {NameProblem.EMPTY}),
]


@pytest.mark.parametrize("name,expected", NAMES)
def test_filename_issues(name, expected):
    assert {i.problem for i in filenames.issues(name)} == expected


@pytest.mark.parametrize("name,safe", [
    ("Domanda contributo è urgente!.PDF", "Domanda_contributo_e_urgente.pdf"),
    ("istanza.pdf.pdf", "istanza.pdf"),
    ("istanza.pdf.pdf.p7m", "istanza.pdf.p7m"),
    ("CON.pdf", "CON_documento.pdf"),
    (".nascosto.txt", "nascosto.txt"),
    ("fattura\u202efdp.exe", "fattura_fdp.exe"),
    ("C:\\Users\\mario\\Perché sì.pdf", "Perche_si.pdf"),
    ("Straße Œuvre.odt", "Strasse_OEuvre.odt"),
    ("", "documento"),
])
def test_safe_name_suggestion(name, safe):
    assert filenames.safe_name(name) == safe


def test_safe_name_is_itself_safe_and_short():
    for name, _ in NAMES:
        suggestion = filenames.safe_name(name)
        assert filenames.issues(suggestion) == [], (name, suggestion)
        assert len(suggestion) <= filenames.MAX_NAME_LENGTH


def test_filename_findings_carry_a_suggestion():
    sub = good_submission(main="Perché.pdf", files=[InputFile("Perché.pdf", b"x")])
    found = [f for f in run(sub) if f.code == "MSG039"]
    assert found and found[0].args["suggested"] == "Perche.pdf"


NAME_CODES = {f"MSG0{n}" for n in range(36, 46)} - {"MSG044"}


@pytest.mark.parametrize("name, code, suggested, extra", [
    (".istanza.pdf", "MSG041", "istanza.pdf", {}),
    ("istanza.pdf.", "MSG042", "istanza.pdf", {}),
    ("istanza.pdf ", "MSG042", "istanza.pdf", {}),
    ("istanza.pdf.pdf", "MSG043", "istanza.pdf", {"extension": "pdf"}),
])
def test_MSG041_MSG042_MSG043_name_findings_through_the_message_rules(name, code, suggested,
                                                                      extra):
    sub = good_submission(main=name, files=[InputFile(name, b"x")])
    found = [f for f in run(sub) if f.code in NAME_CODES]
    assert [f.code for f in found] == [code], [(f.code, f.args) for f in found]
    assert found[0].args["suggested"] == suggested and found[0].location == name
    assert {k: found[0].args[k] for k in extra} == extra
    assert catalogue.rule(code).severity is Severity.WARNING
    clean = good_submission(main=suggested, files=[InputFile(suggested, b"x")])
    assert [f.code for f in run(clean) if f.code in NAME_CODES] == []


def test_duplicate_names_in_one_message_are_an_error():
    sub = good_submission(main="istanza.pdf",
                          files=[InputFile("istanza.pdf", b"x"), InputFile("Istanza.PDF", b"y")])
    found = [f for f in run(sub) if f.code == "MSG044"]
    assert [(f.args["name"], f.args["count"], f.args["suggested"], f.location) for f in found] == \
        [("istanza.pdf", "2", "istanza_2.pdf", "istanza.pdf")]


def test_control_characters_are_shown_visibly():
    name = "istanza\u200b\u202e.pdf"
    sub = good_submission(main=name, files=[InputFile(name, b"x")])
    found = [f for f in run(sub) if f.code == "MSG037"]
    assert found and found[0].args["chars"] == "U+200B"
    assert "<U+202E>" in found[0].location and "\u202e" not in found[0].args["name"]


def test_a_name_cleaned_for_display_is_judged_as_sent():
    # the upload form shows "istanza.exe.pdf" but the client sent a NUL after ".exe"
    shown, sent = "istanza.exe.pdf", "istanza.exe\x00.pdf"
    sub = good_submission(main=shown, files=[InputFile(shown, b"x", sent_name=sent)])
    found = [f for f in run(sub) if f.code == "MSG037"]
    assert found and found[0].args["chars"] == "U+0000"
    assert found[0].location == "istanza.exe<U+0000>.pdf" and "\x00" not in found[0].args["suggested"]
    assert not [f for f in run(good_submission(main=shown, files=[InputFile(shown, b"x")]))
                if f.code == "MSG037"]


# ── the whole rule set on a clean submission ───────────────────────────────────────────────

@pytest.mark.parametrize("profile_id", list(profiles.load_all()))
def test_clean_submission_has_no_message_error(profile_id):
    profile = profiles.get(profile_id)
    sig = [SignatureInfo(kind="cades", indication="PASSED")] if profile.signature_required else []
    sub = good_submission(profile=profile_id, recipient=profile.protocol_address,
                          main="istanza.pdf.p7m", files=[InputFile("istanza.pdf.p7m", b"x")])
    documents = [doc("istanza.pdf.p7m", fmt="p7m", is_main=True, signatures=sig),
                 doc("istanza.pdf", depth=1, parent="istanza.pdf.p7m")]
    findings = run(sub, documents)
    assert [f for f in findings if (f.severity or catalogue.rule(f.code).severity)
            in (Severity.ERROR, Severity.NOT_CHECKED)] == []


def test_every_message_code_is_in_the_catalogue_with_texts():
    rules = {c: r for c, r in catalogue.load().items() if r.group == "message"}
    assert len(rules) >= 40
    for code, rule in rules.items():
        assert code.startswith("MSG")
        assert rule.title_it and rule.fix_it and rule.source


# ── destination office (000) and the office's own domain ───────────────────────────────────

@pytest.mark.parametrize("subject,body,stated", [
    ("Istanza di contributo affitto 2024", "", False),
    ("Istanza di contributo affitto 2024 - Servizi sociali", "", True),
    ("Richiesta rimborso TARI", "Alla c.a. dell'Ufficio Tributi", True),
    ("Domanda iscrizione mensa", "All'attenzione della dirigente scolastica", True),
    ("Richiesta copia atti rif. protocollo 123", "", False),
])
def test_piacenza_destination_office_stated_in_field_subject_or_body(subject, body, stated):
    sub = good_submission(profile="piacenza", destination="", subject=subject, body=body)
    assert ("MSG011" in codes(run(sub))) is not stated
    assert "MSG011" not in codes(run(good_submission(profile="generic", destination="",
                                                     subject=subject, body=body)))


def test_unlisted_box_on_the_offices_own_domain_is_not_another_office():
    sub = good_submission(profile="piacenza",
                          recipient="servizi.demografici@cert.comune.piacenza.it")
    assert "MSG024" not in codes(run(sub))
    # a provider domain shared by many offices proves nothing: still another office
    other = good_submission(profile="cassano-allo-ionio",
                            recipient="protocollo.comune.altrove.cs@asmepec.it")
    assert "MSG024" in codes(run(other))


# ── hostile message facts ──────────────────────────────────────────────────────────────────

def test_huge_and_hostile_message_facts_are_bounded():
    sub = good_submission(profile="piacenza", sender="a" * 300 + "@" + "b." * 200 + "it",
                          subject="Istanza e ricorso; " * 50_000,
                          body=("vorrei sapere " + "x" * 1000) * 5_000 + "è" * 1_000_000,
                          recipient=";".join(["x@pec.it"] * 10_000),
                          files=[InputFile(f"f{i}.pdf", b"x") for i in range(300)], main="f0.pdf")
    findings = run(sub)
    found = set(codes(findings))
    # several procedures, long subject, information request, invalid sender, a box that is not
    # Piacenza's, 10 000 recipients (which also divide the size limit: too large), 300 files
    assert found == {"MSG005", "MSG008", "MSG013", "MSG015", "MSG024", "MSG026", "MSG032",
                     "MSG034", "MSG035"}
    assert len(findings) < 100  # one finding per recipient up to a bound, not 10 000
