"""The check form (Flask-WTF): fields, their Italian labels and hints, and validation.

The form only checks what it needs to build a Submission (an office, a sender, some
files, a main document among them). Whether the subject is meaningful, the sender a
PEC box, the document type stated, ... are rules of the engine (checker/message.py):
the form lets the engine say so in the report rather than refusing the form.
"""
from __future__ import annotations

import re

from flask import current_app, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField, ValidationError
from wtforms.fields import MultipleFileField
from wtforms.fields.choices import SelectChoice
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, Length, Optional

from typing import Any

from .. import checks, profiles
from ..signatures import validation_time
from . import i18n
from .uploads import chosen_parts

# Common kinds of documents citizens send to a municipality (000: "tipo di documento").
DOC_TYPES = [SelectChoice(value, label) for value, label in [
    ("", lazy_gettext("— Scegli —")),
    ("Istanza", lazy_gettext("Istanza / domanda")),
    ("Dichiarazione sostitutiva", lazy_gettext("Dichiarazione sostitutiva (DPR 445/2000)")),
    ("SCIA", lazy_gettext("SCIA – Segnalazione certificata di inizio attività")),
    ("Comunicazione", lazy_gettext("Comunicazione")),
    ("Richiesta di accesso agli atti", lazy_gettext("Richiesta di accesso agli atti")),
    ("Ricorso", lazy_gettext("Ricorso / opposizione")),
    ("Reclamo", lazy_gettext("Reclamo / segnalazione")),
    ("Offerta", lazy_gettext("Offerta (gara / appalto)")),
    ("Fattura", lazy_gettext("Fattura o documento contabile")),
    ("altro", lazy_gettext("Altro (specificare)")),
]]

# A deliberately loose shape check: the engine judges whether it is a PEC box.
_ADDRESS = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


def _address(form, field) -> None:
    if field.data and not _ADDRESS.match(field.data.strip()):
        raise ValidationError(_("Scrivi un indirizzo completo, ad esempio nome@pec.it."))


def profile_choices() -> list[SelectChoice]:
    out = []
    for pid, p in profiles.load_all().items():
        label = f"{p.name} — {p.protocol_address}" if p.protocol_address else p.name
        out.append(SelectChoice(pid, label, render_kw={"data-address": p.protocol_address}))
    return out


class CheckForm(FlaskForm):
    class Meta:
        # WTForms' own messages ("Not a valid choice", ...) in the page's language.
        locales = ["it"]

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)

    profile = SelectField(
        lazy_gettext("Ufficio di destinazione"),
        validators=[DataRequired(lazy_gettext("Scegli l'ufficio a cui scrivi."))],
        description=lazy_gettext("L'ente a cui invii la PEC: le sue regole (formati, firma, mittente) "
                       "guidano la verifica."))
    sender = StringField(
        lazy_gettext("Indirizzo del mittente"),
        validators=[DataRequired(lazy_gettext("Scrivi l'indirizzo da cui invierai il messaggio.")),
                    Length(max=254), _address],
        description=lazy_gettext("La casella da cui invierai il messaggio. Molti uffici accettano solo "
                       "messaggi da una casella PEC."))
    recipient = StringField(
        lazy_gettext("Casella PEC di destinazione (facoltativa)"), validators=[Optional(), Length(max=254), _address],
        description=lazy_gettext("Se la lasci vuota si usa la casella del protocollo dell'ufficio."))
    subject = StringField(
        lazy_gettext("Oggetto del messaggio"), validators=[Length(max=500)],
        description=lazy_gettext("Una frase che dice di cosa si tratta, ad esempio «Richiesta di accesso "
                       "agli atti – pratica 123/2026»."))
    doc_type = SelectField(lazy_gettext("Tipo di documento"), choices=DOC_TYPES, default="",
                           description=lazy_gettext("Che cosa stai inviando."))
    doc_type_other = StringField(lazy_gettext("Altro tipo di documento"), validators=[Length(max=200)])
    destination = StringField(
        lazy_gettext("Ufficio o servizio destinatario (facoltativo)"), validators=[Length(max=200)],
        description=lazy_gettext("Ad esempio «Ufficio tecnico – Edilizia privata»."))
    body = TextAreaField(lazy_gettext("Testo del messaggio (facoltativo)"), validators=[Length(max=20000)],
                         description=lazy_gettext("Il testo che scriverai nel corpo della PEC."))
    files = MultipleFileField(
        lazy_gettext("File da allegare"),
        description=lazy_gettext("Puoi scegliere più file, anche in più volte. Il contenuto viene solo "
                       "verificato: nulla viene conservato."))
    at = StringField(
        lazy_gettext("Verifica le firme alla data (facoltativo, per gli uffici)"),
        validators=[Optional(), Length(max=40)],
        description=lazy_gettext("AAAA-MM-GG oppure AAAA-MM-GGTHH:MM, ora italiana: le firme sono giudicate come "
                       "erano in quel momento (certificati, revoche, algoritmi). Vuoto: adesso."))
    main = StringField(
        lazy_gettext("Documento principale"), validators=[Length(max=255)],
        description=lazy_gettext("Il file dell'istanza; gli altri sono i suoi allegati. "
                       "Con un solo file è quello."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("meta", {"locales": [i18n.current()]})
        super().__init__(*args, **kwargs)
        self.profile.choices = profile_choices()

    def validate_doc_type_other(self, field) -> None:
        if self.doc_type.data == "altro" and not (field.data or "").strip():
            raise ValidationError(_("Hai scelto «Altro»: scrivi il tipo di documento."))

    def validate_at(self, field) -> None:
        if (field.data or "").strip():
            try:
                validation_time.parse_at(field.data)
            except ValueError as exc:
                raise ValidationError(_("Scrivi la data come 2026-03-31 oppure 2026-03-31T15:30.")) from exc

    def validate_files(self, field) -> None:
        parts = chosen_parts(request.files)
        if not parts:
            raise ValidationError(_("Scegli almeno un file da verificare."))
        limit = current_app.config["MAX_FILES"]
        if len(parts) > limit:
            raise ValidationError(_("Hai scelto %(count)s file: se ne possono verificare al "
                                    "massimo %(limit)s per messaggio.", count=len(parts), limit=limit))

    def doc_type_value(self) -> str:
        if self.doc_type.data == "altro":
            return (self.doc_type_other.data or "").strip()
        return self.doc_type.data or ""

    def error_list(self) -> list[tuple[str, str, str]]:
        """(field id, field label, message) in the order fields appear: the error summary."""
        out = []
        for field in self:
            for message in field.errors:
                out.append((field.id, str(field.label.text), message))
        return out


def settings_at(base: dict[str, Any] | None, at: str) -> dict[str, Any] | None:
    """The checks' settings with signatures validated at `at` (form field or API field "at",
    checked beforehand with validation_time.parse_at); `base` unchanged when `at` is empty."""
    if not at.strip():
        return base
    settings = dict(checks.settings_from_env() if base is None else base)
    settings[validation_time.SETTINGS_KEY] = validation_time.parse_at(at)
    return settings
