"""The check form (Flask-WTF): fields, their Italian labels and hints, and validation.

The form only checks what it needs to build a Submission (an office, a sender, some
files, a main document among them). Whether the subject is meaningful, the sender a
PEC box, the document type stated, ... are rules of the engine (checker/message.py):
the form lets the engine say so in the report rather than refusing the form.
"""
from __future__ import annotations

import re

from flask import current_app, request
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField, ValidationError
from wtforms.fields import MultipleFileField
from wtforms.fields.choices import SelectChoice
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, Length, Optional

from typing import Any

from .. import checks, profiles
from ..signatures import validation_time
from .uploads import chosen_parts

# Common kinds of documents citizens send to a municipality (000: "tipo di documento").
DOC_TYPES = [SelectChoice(value, label) for value, label in [
    ("", "— Scegli —"),
    ("Istanza", "Istanza / domanda"),
    ("Dichiarazione sostitutiva", "Dichiarazione sostitutiva (DPR 445/2000)"),
    ("SCIA", "SCIA – Segnalazione certificata di inizio attività"),
    ("Comunicazione", "Comunicazione"),
    ("Richiesta di accesso agli atti", "Richiesta di accesso agli atti"),
    ("Ricorso", "Ricorso / opposizione"),
    ("Reclamo", "Reclamo / segnalazione"),
    ("Offerta", "Offerta (gara / appalto)"),
    ("Fattura", "Fattura o documento contabile"),
    ("altro", "Altro (specificare)"),
]]

# A deliberately loose shape check: the engine judges whether it is a PEC box.
_ADDRESS = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


def _address(form, field) -> None:
    if field.data and not _ADDRESS.match(field.data.strip()):
        raise ValidationError("Scrivi un indirizzo completo, ad esempio nome@pec.it.")


def profile_choices() -> list[SelectChoice]:
    out = []
    for pid, p in profiles.load_all().items():
        label = f"{p.name} — {p.protocol_address}" if p.protocol_address else p.name
        out.append(SelectChoice(pid, label, render_kw={"data-address": p.protocol_address}))
    return out


class CheckForm(FlaskForm):
    class Meta:
        # WTForms' own Italian messages ("Scelta non valida", ...) without Flask-Babel.
        locales = ["it"]

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)

    profile = SelectField(
        "Ufficio di destinazione", validators=[DataRequired("Scegli l'ufficio a cui scrivi.")],
        description="L'ente a cui invii la PEC: le sue regole (formati, firma, mittente) "
                    "guidano la verifica.")
    sender = StringField(
        "Indirizzo del mittente",
        validators=[DataRequired("Scrivi l'indirizzo da cui invierai il messaggio."),
                    Length(max=254), _address],
        description="La casella da cui invierai il messaggio. Molti uffici accettano solo "
                    "messaggi da una casella PEC.")
    recipient = StringField(
        "Casella PEC di destinazione (facoltativa)", validators=[Optional(), Length(max=254), _address],
        description="Se la lasci vuota si usa la casella del protocollo dell'ufficio.")
    subject = StringField(
        "Oggetto del messaggio", validators=[Length(max=500)],
        description="Una frase che dice di cosa si tratta, ad esempio «Richiesta di accesso "
                    "agli atti – pratica 123/2026».")
    doc_type = SelectField("Tipo di documento", choices=DOC_TYPES, default="",
                           description="Che cosa stai inviando.")
    doc_type_other = StringField("Altro tipo di documento", validators=[Length(max=200)])
    destination = StringField(
        "Ufficio o servizio destinatario (facoltativo)", validators=[Length(max=200)],
        description="Ad esempio «Ufficio tecnico – Edilizia privata».")
    body = TextAreaField("Testo del messaggio (facoltativo)", validators=[Length(max=20000)])
    files = MultipleFileField(
        "File da allegare",
        description="Puoi scegliere più file insieme. Il contenuto viene solo verificato: "
                    "nulla viene conservato.")
    at = StringField(
        "Verifica le firme alla data (facoltativo, per gli uffici)", validators=[Optional(), Length(max=40)],
        description="AAAA-MM-GG oppure AAAA-MM-GGTHH:MM, ora italiana: le firme sono giudicate come "
                    "erano in quel momento (certificati, revoche, algoritmi). Vuoto: adesso.")
    main = StringField(
        "Documento principale", validators=[Length(max=255)],
        description="Il file dell'istanza; gli altri sono i suoi allegati. "
                    "Con un solo file è quello.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile.choices = profile_choices()

    def validate_doc_type_other(self, field) -> None:
        if self.doc_type.data == "altro" and not (field.data or "").strip():
            raise ValidationError("Hai scelto «Altro»: scrivi il tipo di documento.")

    def validate_at(self, field) -> None:
        if (field.data or "").strip():
            try:
                validation_time.parse_at(field.data)
            except ValueError as exc:
                raise ValidationError("Scrivi la data come 2026-03-31 oppure 2026-03-31T15:30.") from exc

    def validate_files(self, field) -> None:
        parts = chosen_parts(request.files)
        if not parts:
            raise ValidationError("Scegli almeno un file da verificare.")
        limit = current_app.config["MAX_FILES"]
        if len(parts) > limit:
            raise ValidationError(f"Hai scelto {len(parts)} file: se ne possono verificare al "
                                  f"massimo {limit} per messaggio.")

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
