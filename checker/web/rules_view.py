"""/rules in words, in the page's language: each rule's texts picked in one language and a
search text, and what one office requires and refuses (the per-office view). Pure
presentation over the catalogue (present.catalogue_json) and the office profiles."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext

from .. import catalogue, profiles
from ..model import Severity
from .i18n import current

NON_PEC_SENDER = {
    "warn": lazy_gettext("Accettato anche da una casella non PEC (con un avviso)."),
    "refuse": lazy_gettext("Solo da una casella PEC: da posta ordinaria il messaggio è respinto."),
    "needs-signed-document": lazy_gettext(
        "Da una casella non PEC è accettato solo se contiene un documento firmato digitalmente."),
}
EMBEDDED_FILES = {
    "pdfa3-only": lazy_gettext("File incorporati nei PDF ammessi solo in PDF/A-3."),
    "never": lazy_gettext("File incorporati nei PDF non ammessi."),
}
# the rule groups' headings (present.GROUP_LABELS has the Italian), in the page's language
GROUP_TITLES = {
    "message": lazy_gettext("Il messaggio"),
    "format": lazy_gettext("Formato dei file"),
    "pdf": lazy_gettext("Documenti PDF"),
    "pdfa": lazy_gettext("Conformità PDF/A"),
    "verapdf": lazy_gettext("Conformità PDF/A (veraPDF)"),
    "signature": lazy_gettext("Firme digitali"),
    "office": lazy_gettext("Documenti Office"),
    "odf": lazy_gettext("Documenti OpenDocument"),
    "rtf": lazy_gettext("Documenti RTF"),
    "txt": lazy_gettext("File di testo"),
    "text": lazy_gettext("File di testo"),
    "xml": lazy_gettext("Documenti XML"),
    "tiff": lazy_gettext("Immagini TIFF"),
    "archive": lazy_gettext("Archivi compressi"),
    "antivirus": lazy_gettext("Virus"),
    "pec": lazy_gettext("Messaggi PEC ricevuti"),
    "triage": lazy_gettext("Messaggi PEC ricevuti"),
    "system": lazy_gettext("La verifica stessa"),
}


def group_title(group: str) -> str:
    return str(GROUP_TITLES.get(group, group))


def pick(texts: dict[str, str]) -> str:
    """The page's language from an {"it": ..., "en": ...} pair."""
    return texts["en"] if current() == "en" and texts.get("en") else texts["it"]


def rule_view(rule: dict[str, Any]) -> dict[str, Any]:
    title, explanation, fix = pick(rule["title"]), pick(rule["explanation"]), pick(rule["fix"])
    return {**rule, "title_text": title, "explanation_text": explanation, "fix_text": fix,
            "search": " ".join((rule["code"], rule["name"].replace("-", " "), title, explanation,
                                fix)).lower()}


def office_view(profile_id: str) -> dict[str, Any]:
    """What the office requires and refuses: its facts in words and its rule changes, each
    with the rule's code and title for the link to /rules#CODE."""
    p = profiles.get(profile_id)
    rules = catalogue.load()
    changes = []
    for code, level in sorted(p.severity.items()):
        if code not in rules:
            continue
        rule = rules[code]
        changes.append({"code": code, "title": pick({"it": rule.title_it, "en": rule.title_en}),
                        "default": rule.severity.value, "level": level})
    blocking = [{"code": code, "title": pick({"it": r.title_it, "en": r.title_en})}
                for code, r in sorted(rules.items())
                if p.severity_for(code, r.severity) is Severity.ERROR]
    return {
        "id": p.id, "name": p.name, "source": p.source, "protocol_address": p.protocol_address,
        "pec_addresses": list(p.pec_addresses), "accepted": [f.upper() for f in p.accepted_formats],
        "preferred": ["PDF/A" if f == "pdfa" else f.upper() for f in p.preferred_formats],
        "max_message_mb": f"{p.max_message_mb:g}", "max_files": p.extra.get("max_files"),
        "max_recipients": p.max_recipients, "signature_required": p.signature_required,
        "non_pec_sender": str(NON_PEC_SENDER.get(p.non_pec_sender, p.non_pec_sender)),
        "embedded_files": str(EMBEDDED_FILES.get(p.embedded_files, p.embedded_files)),
        "notes": p.notes_it,   # the office's own words, in Italian on every page (lang="it")
        "changes": changes, "blocking": blocking,
    }
