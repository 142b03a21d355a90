"""Reading the words of a message: subject, document type, procedures, non-official wording.

Pure text functions, no I/O: the message rules (checker/message/) turn their answers into findings.
Every comparison is made on folded text (lowercase, accents removed, spaces
collapsed) so "Richiesta di accesso agli atti", "RICHIESTA DI ACCESSO AGLI ATTI"
and "richiesta  di  accèsso agli atti" read the same.
"""
from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass

MAX_SUBJECT_LENGTH = 255  # longer subjects are cut by clients and protocol registers

# Subjects that say nothing about the content (compared after folding and trimming punctuation).
PLACEHOLDER_SUBJECTS = frozenset({
    "prova", "test", "testing", "tentativo", "senza oggetto", "nessun oggetto", "no subject",
    "(no subject)", "nessuno", "oggetto", "untitled", "senza titolo", "nuovo messaggio",
    "invio", "inoltro", "invio documenti", "invio documento", "invio documentazione", "invio file",
    "invio allegati", "invio allegato", "documenti", "documento", "documentazione", "allegato",
    "allegati", "in allegato", "vedi allegato", "vedi allegati", "file", "files", "scansione",
    "scan", "pec", "mail", "email", "e-mail", "messaggio", "ciao", "salve", "buongiorno",
    "buonasera", "urgente", "varie", "info", "informazioni", "comunicazione", "richiesta",
    "domanda", "istanza", "pratica", "nuova pratica", "x", "xx", "xxx", "aaa", "asd", "asdf",
    "prova pec", "test pec", "prova invio", "test invio", "pec di prova", "invio pec",
})
# Names scanners and phones give files, sometimes pasted as subject: "Scansione_0001.pdf".
_GENERIC_FILE = re.compile(
    r"^(?:scan|scansione|img|image|immagine|doc|documento|file|dsc|pxl|whatsapp image|untitled"
    r"|senza titolo|nuovo documento|document)[\s_\-.()\d]*(?:\.[a-z0-9]{2,4})?$")
_PREFIX = re.compile(r"^\s*(re|r|fwd|fw|i|inoltro|rif|aw|tr)\s*:\s*", re.IGNORECASE)
_FORWARD_PREFIXES = {"fwd", "fw", "i", "inoltro", "tr"}

# Kinds of document a message may carry, by folded pattern → the name we report.
# Order matters: the first match names the type.
DOCUMENT_TYPES: tuple[tuple[str, str], ...] = (
    (r"\bscia\b|segnalazione certificata di inizio attivita", "SCIA"),
    (r"\bcila\b|comunicazione di inizio lavori asseverata", "CILA"),
    (r"\bcil\b", "CIL"),
    (r"\bdia\b|denuncia di inizio attivita", "DIA"),
    (r"permesso di costruire", "permesso di costruire"),
    (r"accesso (?:civico|agli atti|documentale)", "richiesta di accesso"),
    (r"\bistanz[ae]\b", "istanza"),
    (r"\bdomand[ae]\b", "domanda"),
    (r"\brichiest[ae]\b", "richiesta"),
    (r"\bdichiarazion[ei]\b|\bautocertificazion[ei]\b|\bdsan\b", "dichiarazione"),
    (r"\bricors[oi]\b", "ricorso"),
    (r"\bespost[oi]\b", "esposto"),
    (r"\bsegnalazion[ei]\b", "segnalazione"),
    (r"\bcomunicazion[ei]\b", "comunicazione"),
    (r"\bopposizion[ei]\b", "opposizione"),
    (r"\bosservazion[ei]\b", "osservazioni"),
    (r"\boffert[ae]\b", "offerta"),
    (r"\breclam[oi]\b", "reclamo"),
    (r"\bdiffid[ae]\b", "diffida"),
    (r"\bdenunci[ae]\b|\bquerel[ae]\b", "denuncia"),
    (r"\bcandidatur[ae]\b|manifestazione di interesse", "candidatura"),
    (r"\bautorizzazion[ei]\b|\bconcession[ei]\b|\bnulla ?osta\b", "richiesta di autorizzazione"),
    (r"\biscrizion[ei]\b|\bcancellazion[ei]\b|cambio di residenza|\bapr ?4\b|\baire\b", "pratica anagrafica"),
    (r"\bintegrazion[ei]\b", "integrazione"),
    (r"\brinunci[ae]\b|\brevoc[ae]\b", "rinuncia"),
    (r"\bdeleg[ae]\b", "delega"),
    (r"\bfattur[ae]\b", "fattura"),
    (r"\bcontratt[oi]\b", "contratto"),
    (r"\bpreventiv[oi]\b", "preventivo"),
    (r"\brelazion[ei]\b|\bperizi[ae]\b", "relazione"),
    (r"\bverbal[ei]\b", "verbale"),
    (r"\bmemori[ae]\b", "memoria"),
    (r"\bsollecit[oi]\b", "sollecito"),
    (r"\bproposta\b|\bproposte\b", "proposta"),
    (r"\bparere\b|\bpareri\b", "parere"),
    (r"\briscontro\b|\brisposta\b", "risposta"),
    (r"\bcertificat[oi]\b", "certificato"),
)
_DOCUMENT_TYPES = tuple((re.compile(p), name) for p, name in DOCUMENT_TYPES)

# Words that each open a practice of their own: two of them joined by "e", "+", ";" hint at two
# procedures in one message (000, 004). Narrower than DOCUMENT_TYPES on purpose: a "domanda e
# dichiarazione sostitutiva" is one practice with its attachment.
PROCEDURE_WORDS = re.compile(
    r"\b(?:scia|cila|cil|dia|permesso di costruire|accesso (?:civico|agli atti)|istanz[ae]|domand[ae]"
    r"|richiest[ae]|ricors[oi]|espost[oi]|segnalazion[ei]|opposizion[ei]|osservazion[ei]|offert[ae]"
    r"|reclam[oi]|diffid[ae]|denunci[ae]|candidatur[ae])\b")
_JOINERS = re.compile(r"\s+(?:e|ed|nonche)\s+|\s*[+;&]\s*")

# Wording of advertising and test messages (000, 001, 003, 004: no unofficial communications).
# In the subject any of these; in the body only the unambiguous ones, since a real application's
# body may mention, say, an "invito" it answers.
NON_OFFICIAL_SUBJECT = (
    "offerta commerciale", "offerte commerciali", "offerta speciale", "offerte speciali",
    "in promozione", "promozione speciale", "promozione esclusiva", "nuova promozione",
    "promozionale", "newsletter", "catalogo", "cataloghi", "listino prezzi", "materiale pubblicitario",
    "invito", "inviti", "messaggio di prova", "mail di prova", "email di prova", "e-mail di prova",
    "pec di prova", "invio di prova", "test invio", "prova invio", "test pec", "prova pec",
    "prova di invio", "unsubscribe", "disiscriviti", "black friday",
)
NON_OFFICIAL_BODY = (
    "offerta commerciale", "offerte commerciali", "offerta speciale", "newsletter", "unsubscribe",
    "disiscriviti", "annulla l'iscrizione", "cancellati dalla lista", "nostro catalogo",
    "catalogo prodotti", "listino prezzi", "materiale pubblicitario", "messaggio di prova",
    "mail di prova", "email di prova", "e-mail di prova", "pec di prova", "invio di prova",
    "test invio", "prova di invio",
)
# "invito" is also how a citizen answers the office's own invitation, and "catalogo" may be
# what an application is about ("iscrizione al catalogo dei servizi"): these words count as
# advertising only in a subject that is neither a reply nor an application.
_AMBIGUOUS = {"invito", "inviti", "catalogo", "cataloghi"}
_NOT_AN_APPLICATION = {None, "offerta", "comunicazione", "proposta"}
_REPLY_WORDS = re.compile(r"\b(?:riscontro|risposta|rif|vostr[oa]|vs|seguito|prot|protocollo)\b")

# Information requests: the seeds send them to ordinary mailboxes or web forms (000, 001, 003, 004).
INFORMATION_REQUEST_SUBJECT = (
    "richiesta informazioni", "richiesta di informazioni", "richiesta info", "richiesta informazione",
    "richiesta di informazione", "richiesta chiarimenti", "richiesta di chiarimenti",
    "chiedo informazioni", "chiedo di sapere", "vorrei sapere", "vorrei informazioni",
    "informazioni su", "informazioni circa", "informazioni riguardo", "informazioni in merito",
    "quesito", "domanda di informazioni",
)
# In the body only first-person requests: "per informazioni su questa pratica..." is not one.
INFORMATION_REQUEST_BODY = (
    "chiedo informazioni", "chiedo di sapere", "vorrei sapere", "vorrei informazioni",
    "vorrei avere informazioni", "avrei bisogno di informazioni", "richiedo informazioni",
    "con la presente chiedo se", "vorrei chiedere se",
)


# What is read of a text: an application's subject and covering note are short; a huge body
# or subject must not turn a linter into a denial of service.
MAX_TEXT_ANALYSED = 100_000
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Lowercase, accents removed, typographic quotes straightened, whitespace collapsed."""
    text = (text or "")[:MAX_TEXT_ANALYSED]
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
        text = text.replace("’", "'").replace("‘", "'")
    text = text.replace("`", "'")
    return " ".join(text.lower().split())


def _contains(folded: str, phrase: str) -> bool:
    return re.search(r"(?<![a-z0-9])" + re.escape(phrase.strip()) + r"(?![a-z0-9])", folded) is not None


class SubjectProblem(str, enum.Enum):
    MISSING = "missing"
    PLACEHOLDER = "placeholder"            # "prova", "documenti", "senza oggetto", "Fwd:"
    NO_WORDS = "no_words"                  # only punctuation or numbers
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    FORWARDED = "forwarded"                # "Fwd: ..." / "I: ...": a forwarded message


@dataclass(frozen=True)
class SubjectIssue:
    problem: SubjectProblem
    detail: str = ""


def strip_prefixes(subject: str) -> tuple[str, list[str]]:
    """'Fwd: R: Istanza' → ('Istanza', ['fwd', 'r'])."""
    prefixes: list[str] = []
    text = subject or ""
    while True:
        m = _PREFIX.match(text)
        if not m:
            return text.strip(), prefixes
        prefixes.append(m.group(1).lower())
        text = text[m.end():]


def subject_issues(subject: str) -> list[SubjectIssue]:
    """What is wrong with a subject; [] when it is a real subject."""
    if not (subject or "").strip():
        return [SubjectIssue(SubjectProblem.MISSING)]
    found: list[SubjectIssue] = []
    if len(subject) > MAX_SUBJECT_LENGTH:
        found.append(SubjectIssue(SubjectProblem.TOO_LONG, str(len(subject))))
    rest, prefixes = strip_prefixes(subject)
    folded = fold(rest)
    core = folded.strip(" .,;:!?-_*#'\"()[]<>/\\")
    if not core or core in PLACEHOLDER_SUBJECTS or _GENERIC_FILE.match(core):
        return [SubjectIssue(SubjectProblem.PLACEHOLDER, rest.strip() or subject.strip())] + found
    if not re.search(r"[a-z]", core):
        return [SubjectIssue(SubjectProblem.NO_WORDS, subject.strip())] + found
    tokens = [t for t in re.findall(r"[a-z0-9]+", core)
              if re.search(r"[a-z]{2}", t) or re.fullmatch(r"\d{3,}", t)]
    longest_word = max((len(w) for w in re.findall(r"[a-z]+", core)), default=0)
    if len(tokens) < 2 or longest_word < 3:
        return [SubjectIssue(SubjectProblem.TOO_SHORT, subject.strip())] + found
    if any(p in _FORWARD_PREFIXES for p in prefixes):
        found.append(SubjectIssue(SubjectProblem.FORWARDED, subject.strip()))
    return found


def document_type(text: str) -> str | None:
    """The kind of document a subject (or an Oggetto line) names, or None."""
    folded = fold(text)
    for pattern, name in _DOCUMENT_TYPES:
        if pattern.search(folded):
            return name
    return None


def is_application(text: str) -> bool:
    """Does a title read as a practice of its own (istanza, domanda, SCIA, ricorso, ...)?

    Narrower than document_type(): a "delega", a "dichiarazione sostitutiva" or a
    "relazione tecnica" accompanies an application, it is not a second one."""
    return bool(PROCEDURE_WORDS.search(fold(text)))


def procedures_in_subject(subject: str) -> list[str]:
    """The parts of a subject that each name a practice, when there are two or more.

    "Istanza di contributo e ricorso avverso sanzione" → ["istanza di contributo",
    "ricorso avverso sanzione"]; "Richiesta di accesso agli atti e di copia" → [].
    """
    rest, _ = strip_prefixes(subject)
    segments = [s.strip() for s in _JOINERS.split(fold(rest)) if s.strip()]
    named = [s for s in segments if PROCEDURE_WORDS.search(s)]
    return named if len(named) >= 2 else []


# How a message names the unit it is for: "Ufficio tributi", "Servizi demografici",
# "Settore lavori pubblici", "alla c.a. del Comandante", "all'attenzione di".
_OFFICE_WORDS = re.compile(
    r"\b(?:uffici[oi]|servizi[oi]?|settore|settori|sportello|direzione|dipartimento|comando"
    r"|polizia locale|anagrafe|segreteria|ragioneria|tributi|suap|sue|urp)\b"
    r"|\bc\.a\.|alla cortese attenzione|all'attenzione")


def names_an_office(text: str) -> bool:
    return bool(_OFFICE_WORDS.search(fold(text)))


def non_official_wording(subject: str, body: str) -> str | None:
    """The advertising/test phrase found, or None."""
    folded_subject = fold(subject)
    for phrase in NON_OFFICIAL_SUBJECT:
        if _contains(folded_subject, phrase):
            if phrase in _AMBIGUOUS and (_REPLY_WORDS.search(folded_subject)
                                         or document_type(subject) not in _NOT_AN_APPLICATION):
                continue
            return phrase
    folded_body = fold(body)
    for phrase in NON_OFFICIAL_BODY:
        if _contains(folded_body, phrase):
            return phrase
    return None


def information_request(subject: str, body: str) -> str | None:
    """The phrase that marks a request for information, or None."""
    for text, phrases in ((subject, INFORMATION_REQUEST_SUBJECT), (body, INFORMATION_REQUEST_BODY)):
        folded = fold(text)
        for phrase in phrases:
            if _contains(folded, phrase):
                return phrase
    return None


def _tokens(text: str) -> set[str]:
    return {t for t in re.findall(r"[a-z0-9]+", fold(text)) if len(t) > 2}


def same_matter(a: str, b: str) -> bool:
    """Do two "Oggetto:" lines speak of the same matter? Generous: only clear differences count."""
    fa, fb = fold(a).strip(" .;:"), fold(b).strip(" .;:")
    if fa == fb or fa in fb or fb in fa:
        return True
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return True
    return len(ta & tb) / len(ta | tb) >= 0.5
