"""What the form shows of each office (templates/index.html): its rules in plain words, the
file types its picker accepts, and the limits the page checks before uploading.

Everything comes from the office's profile (checker/profiles/*.toml, checker/profiles.py) and
is rendered on the server for every office, in the page's language; the page's script only
shows the chosen office's panel and sets the file input's `accept` from it. The server's
checks stay the authority: these limits only spare a citizen an upload that cannot pass.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from .. import catalogue, pecsize, profiles
from ..identify.acceptance import accepted_label
from ..identify.kinds import FORMAT_ALIASES, KINDS
from ..message.size import DEFAULT_MAX_FILES
from . import i18n

# Signed or time-stamped files are judged by the document inside them (identify/kinds.py:
# ENVELOPES) and a detached signature travels beside its document: every office takes them.
SIGNED_KINDS = ("p7m", "p7s", "tsd", "m7m")


@dataclass(frozen=True)
class RuleLine:
    key: str        # stable name of the line (tests, CSS): formats, size, signature, ...
    heading: str
    text: str
    code_links: tuple[tuple[str, str], ...] = ()   # (rule code, its title) for stricter rules


@dataclass(frozen=True)
class OfficeRules:
    id: str
    name: str
    accept: str                 # the file input's accept attribute
    formats_short: str          # "PDF/A, PDF, TXT, ..." for the drop area
    max_message_bytes: int      # the office's limit on the encoded message
    max_files: int              # attachments before the office's count warning (MSG035)
    lines: tuple[RuleLine, ...]


def accepted_ids(profile: profiles.Profile) -> list[str]:
    return [FORMAT_ALIASES.get(a.lower(), a.lower()) for a in profile.accepted_formats]


def accept_attribute(profile: profiles.Profile) -> str:
    """".pdf,application/pdf,.txt,..." for <input type=file accept>: the extensions and MIME
    types of the formats the office accepts, then the signed envelopes around them."""
    out: list[str] = []
    for kind_id in [*accepted_ids(profile), *SIGNED_KINDS]:
        kind = KINDS.get("pdf" if kind_id == "pdfa" else kind_id)
        if kind is None:
            continue
        for item in [*(f".{ext}" for ext in kind.extensions), kind.mime]:
            if item not in out:
                out.append(item)
    return ",".join(out)


def files_budget(max_message_bytes: int) -> int:
    """The largest single file whose message stays within the limit (pecsize's estimate):
    what "30 MB per message" leaves for the files once mail has encoded them."""
    low, high = 0, max_message_bytes
    while low < high:
        mid = (low + high + 1) // 2
        if pecsize.estimate([mid]).transport_bytes <= max_message_bytes:
            low = mid
        else:
            high = mid - 1
    return low


def _mb(n: float) -> str:
    text = f"{n:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if i18n.current() == "it" else text


def _mb_label(mb: float) -> str:
    text = f"{mb:.3g}"
    return (text.replace(".", ",") if i18n.current() == "it" else text) + " MB"


def _formats_line(profile: profiles.Profile) -> RuleLine:
    ids = accepted_ids(profile)
    names = accepted_label(set(ids))
    preferred = accepted_label({FORMAT_ALIASES.get(p.lower(), p.lower()) for p in profile.preferred_formats})
    text = names + "."
    if preferred:
        text += " " + _("Meglio se %(preferred)s.", preferred=preferred)
    text += " " + _("Anche firmati digitalmente (.p7m) o con la firma in un file a parte (.p7s).")
    return RuleLine("formats", _("Formati accettati"), text)


def _size_line(profile: profiles.Profile, max_files: int) -> RuleLine:
    limit = int(profile.max_message_mb * pecsize.MB)
    text = _("Al massimo %(limit)s MB per messaggio, codifica della posta compresa: circa "
             "%(files)s MB di file in tutto.", limit=_mb(profile.max_message_mb),
             files=_mb(files_budget(limit) / pecsize.MB))
    text += " " + _("Al massimo %(count)s allegati per messaggio.", count=max_files)
    if profile.max_recipients == 1:
        text += " " + _("Un solo destinatario per messaggio.")
    return RuleLine("size", _("Dimensione"), text)


def _signature_line(profile: profiles.Profile) -> RuleLine:
    if profile.signature_required:
        text = _("Obbligatoria: ogni allegato deve avere una firma digitale valida (CAdES .p7m o "
                 "PAdES nel PDF).")
    else:
        text = _("Non obbligatoria per questo ufficio; se firmi, la firma deve essere valida.")
    if "signature" in profile.required_checks:
        text += " " + _("Se la firma non si può verificare, il messaggio non è pronto per l'invio.")
    return RuleLine("signature", _("Firma digitale"), text)


SENDER_TEXT = {
    "refuse": lambda: _("Serve una casella PEC: i messaggi da una casella di posta ordinaria "
                        "non sono accettati."),
    "warn": lambda: _("Meglio una casella PEC: da una casella ordinaria il messaggio arriva, ma "
                      "l'invio non ha valore legale."),
    "needs-signed-document": lambda: _("Una casella PEC; da una casella ordinaria il messaggio è "
                                       "accettato solo se contiene un documento firmato digitalmente."),
}


def _address_line(profile: profiles.Profile) -> RuleLine:
    if profile.protocol_address:
        text = profile.protocol_address
    else:
        text = _("Cerca la PEC del protocollo sul sito dell'ente o nell'Indice dei domicili "
                 "digitali della PA (IPA).")
    if profile.sector_addresses:
        text += " " + _("Non scrivere alle caselle dei settori (%(boxes)s): usa quella del protocollo.",
                        boxes=", ".join(profile.sector_addresses))
    return RuleLine("address", _("Indirizzo del protocollo"), text)


def _content_line(profile: profiles.Profile) -> RuleLine:
    text = _("Niente macro, script o link nei documenti.")
    if profile.embedded_files == "pdfa3-only":
        text += " " + _("File incorporati in un PDF solo se è un PDF/A-3.")
    elif profile.embedded_files == "never":
        text += " " + _("Nessun file incorporato nei PDF.")
    return RuleLine("content", _("Contenuto"), text)


def _message_line(profile: profiles.Profile) -> RuleLine | None:
    parts = []
    if profile.extra.get("requires_destination"):
        parts.append(_("Indica l'ufficio di destinazione, se lo conosci."))
    if profile.extra.get("information_requests") == "elsewhere":
        channel = profile.extra.get(f"information_channel_{i18n.current()}") or \
            profile.extra.get("information_channel_it", "")
        parts.append(_("Non è l'indirizzo per chiedere informazioni: usa %(channel)s.", channel=channel)
                     if channel else _("Non è l'indirizzo per chiedere informazioni."))
    rules = catalogue.load()
    stricter = tuple((code, i18n.rule_text(rules[code], "title")) for code, level in
                     sorted(profile.severity.items()) if level == "error" and code in rules)
    if stricter:
        parts.append(_("Per questo ufficio sono errori, non avvisi:"))
    if not parts:
        return None
    return RuleLine("message", _("Il messaggio"), " ".join(parts), stricter)


def _notes_line(profile: profiles.Profile) -> RuleLine | None:
    notes = profile.extra.get("notes_en") if i18n.current() == "en" else None
    notes = notes or profile.notes_it
    return RuleLine("notes", _("In breve"), notes) if notes else None


def office_rules(profile: profiles.Profile) -> OfficeRules:
    max_files = int(profile.extra.get("max_files", DEFAULT_MAX_FILES))
    lines = [_formats_line(profile), _size_line(profile, max_files), _signature_line(profile),
             RuleLine("sender", _("Mittente"), SENDER_TEXT[profile.non_pec_sender]()),
             _address_line(profile), _content_line(profile), _message_line(profile),
             _notes_line(profile)]
    return OfficeRules(
        id=profile.id, name=profile.name, accept=accept_attribute(profile),
        formats_short=accepted_label(set(accepted_ids(profile))),
        max_message_bytes=int(profile.max_message_mb * pecsize.MB), max_files=max_files,
        lines=tuple(line for line in lines if line is not None))


def all_office_rules() -> dict[str, OfficeRules]:
    return {pid: office_rules(p) for pid, p in profiles.load_all().items()}


def upload_settings(offices: dict[str, OfficeRules]) -> dict[str, Any]:
    """The JSON the page's upload list reads (static/js/upload-list.js): the server's limits,
    each office's, pecsize's constants for the message estimate, and the messages in the
    page's language ({name} placeholders filled by the script)."""
    max_request = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return {
        "maxFiles": current_app.config["MAX_FILES"],
        "maxRequestBytes": max_request,
        # as the 413 page says it (errors.py): the limit is set in MiB, "100 MB"
        "maxRequestLabel": _mb_label(max_request / (1024 * 1024)),
        "estimate": {"mb": pecsize.MB, "partHeader": pecsize.PART_HEADER_BYTES,
                     "messageHeader": pecsize.MESSAGE_HEADER_BYTES,
                     "envelope": pecsize.ENVELOPE_OVERHEAD},
        "offices": {pid: {"name": o.name, "accept": o.accept, "formats": o.formats_short,
                          "maxMessageBytes": o.max_message_bytes, "maxFiles": o.max_files}
                    for pid, o in offices.items()},
        "messages": upload_messages(),
    }


def upload_messages() -> dict[str, str]:
    return {
        "fileLabel": _("File scelto:"),
        "remove": _("Rimuovi {name}"),
        "removed": _("{name} tolto dalla lista."),
        "empty": _("Nessun file scelto."),
        "total": _("{count} file, {size} in tutto."),
        "estimate": _("Messaggio stimato, codifica della posta compresa: {size} su {max} ammessi da {office}."),
        "countOver": _("Hai scelto {count} file: se ne possono verificare al massimo {max} per "
                       "messaggio. Togli {extra} file dalla lista."),
        "requestOver": _("I file pesano {size} in tutto: il servizio ne verifica al massimo {max} "
                         "per volta. Togli qualche file dalla lista o riducine le dimensioni."),
        "officeOver": _("Con la codifica della posta il messaggio peserebbe circa {size}: {office} "
                        "accetta al massimo {max} per messaggio. Riduci i file (scansioni a 200-300 "
                        "dpi, PDF/A senza immagini ad alta risoluzione) o dividi gli allegati in più "
                        "messaggi."),
        "officeCount": _("{office} accetta al massimo {max} allegati per messaggio: ne hai scelti "
                         "{count}. La verifica te lo segnalerà."),
        "formatsOf": _("Formati accettati da {office}:"),
        "notAccepted": _("Estensione non tra i formati accettati da {office}: la verifica ti dirà "
                         "come correggere."),
        "blocked": _("La verifica non è partita: correggi la lista dei file come indicato sopra, "
                     "poi premi di nuovo «Verifica»."),
        "byte": _("byte"),
    }
