"""/rules in words, in the page's language: each rule's texts picked in one language and a
search text, and what one office requires and refuses (the per-office view). Pure
presentation over the catalogue (present.catalogue_json) and the office profiles."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from .. import catalogue, profiles
from ..model import Severity
from .i18n import current

NON_PEC_SENDER = {
    "warn": _l("Accettato anche da una casella non PEC (con un avviso)."),
    "refuse": _l("Solo da una casella PEC: da posta ordinaria il messaggio è respinto."),
    "needs-signed-document": _l("Da una casella non PEC è accettato solo se contiene un documento firmato digitalmente."),
}
EMBEDDED_FILES = {
    "pdfa3-only": _l("File incorporati nei PDF ammessi solo in PDF/A-3."),
    "allow": _l("File incorporati nei PDF ammessi."),
    "refuse": _l("File incorporati nei PDF non ammessi."),
}
# the rule groups' headings (present.GROUP_LABELS has the Italian), in the page's language
GROUP_TITLES = {
    "message": _l("Il messaggio"), "format": _l("Formato dei file"), "pdf": _l("Documenti PDF"),
    "pdfa": _l("Conformità PDF/A"), "verapdf": _l("Conformità PDF/A (veraPDF)"),
    "signature": _l("Firme digitali"), "office": _l("Documenti Office"),
    "odf": _l("Documenti OpenDocument"), "rtf": _l("Documenti RTF"), "txt": _l("File di testo"),
    "text": _l("File di testo"), "xml": _l("Documenti XML"), "tiff": _l("Immagini TIFF"),
    "archive": _l("Archivi compressi"), "antivirus": _l("Virus"), "pec": _l("Messaggi PEC ricevuti"),
    "triage": _l("Messaggi PEC ricevuti"), "system": _l("La verifica stessa"),
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
