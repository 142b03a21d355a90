"""Presentation helpers shared by the result page and /rules: pure functions over the
report dict (checker.report.to_json) and the catalogue, no rule logic."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, url_for
from flask_babel import lazy_gettext
from markupsafe import Markup, escape

from .. import catalogue, checks, profiles
from ..model import Severity
from ..report import SEVERITY_LABELS, VERDICT_LABELS

# Bootstrap Italia colour classes, by severity and by verdict.
SEVERITY_STYLE = {"error": "danger", "not_checked": "secondary", "warning": "warning", "info": "info"}
VERDICT_STYLE = {"ready": "success", "fix": "danger", "undetermined": "warning"}
VERDICT_ICON = {"ready": "it-check-circle", "fix": "it-close-circle", "undetermined": "it-help-circle"}


# Rules that say a document was not scanned for malware (no antivirus, or it failed).
ANTIVIRUS_NOT_RUN_CODES = frozenset({"AV002", "AV003"})
ANTIVIRUS_NOT_RUN = {"it": "antivirus non eseguito", "en": "antivirus not run"}


def antivirus_not_run(data: dict[str, Any]) -> bool:
    """A "ready" report in which some file was not scanned: the banner must say so, a file
    nobody scanned for malware is not ready without a word about it."""
    return data.get("verdict") == "ready" and any(
        f["code"] in ANTIVIRUS_NOT_RUN_CODES for d in data.get("documents", []) for f in d["findings"])


@dataclass
class DocNode:
    """A document of the report with the documents unwrapped from it (p7m content, ...)."""
    doc: dict[str, Any]
    children: list[DocNode] = field(default_factory=list)


def document_tree(documents: list[dict[str, Any]]) -> list[DocNode]:
    """Nest the report's flat document list (breadth-first, children name their parent).

    A child belongs to the last document before it with its parent's name one level up,
    so two envelopes with the same inner name still nest correctly.
    """
    nodes = [DocNode(d) for d in documents]
    roots: list[DocNode] = []
    for i, node in enumerate(nodes):
        parent = None
        if node.doc.get("parent") is not None:
            for j in range(i - 1, -1, -1):
                cand = nodes[j].doc
                if cand["name"] == node.doc["parent"] and cand["depth"] == node.doc["depth"] - 1:
                    parent = nodes[j]
                    break
        (parent.children if parent else roots).append(node)
    return roots


@functools.lru_cache(maxsize=4)
def check_labels(lang: str = "it") -> dict[str, str]:
    """Check name → its label in `lang` ('it' or 'en'), for the progress list and the
    "engines used" line (English falls back to Italian, then to the name)."""
    def label(c: Any) -> str:
        return str((c.label_en if lang == "en" else "") or c.label_it or c.name)
    labels = {c.name: label(c) for c in checks.CHECKS}
    labels.update({b.name: label(b) for b in checks.BATCH_CHECKS})
    labels.setdefault("identify", "Format recognition" if lang == "en" else "Riconoscimento del formato")
    return labels


# engine descriptions the JSON carries in Italian (a contract), shown in the page's language
ENGINE_TEXT_EN = {"identificazione per contenuto": "identification by content"}


def engine_text(engine: str, lang: str) -> str:
    if lang == "en":
        for it, en in ENGINE_TEXT_EN.items():
            engine = engine.replace(it, en)
    return engine


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("byte", "kB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} {unit}" if unit == "byte" else f"{size:.1f} {unit}".replace(".", ",")
        size /= 1024
    return f"{n} byte"


def catalogue_json() -> dict[str, Any]:
    """The rule catalogue and every profile's overrides: /rules.json and the /rules page."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for code, r in sorted(catalogue.load().items()):
        groups.setdefault(r.group, []).append({
            "code": code, "name": r.name, "severity": r.severity.value, "group": r.group,
            "required": r.required,
            "title": {"it": r.title_it, "en": r.title_en},
            "explanation": {"it": r.explain_it, "en": r.explain_en},
            "fix": {"it": r.fix_it, "en": r.fix_en},
            "source": r.source,
        })
    return {
        "groups": [{"group": g, "rules": groups[g]} for g in sorted(groups, key=_group_order)],
        "profiles": [{
            "id": p.id, "name": p.name, "source": p.source,
            "protocol_address": p.protocol_address,
            "accepted_formats": list(p.accepted_formats),
            "severity_overrides": dict(sorted(p.severity.items())),
        } for p in profiles.load_all().values()],
        "severities": {s.value: SEVERITY_LABELS[s] for s in Severity},
    }


# Rule files (checker/rules/<group>.toml) in reading order, with their Italian headings;
# a group not listed here comes last under its file name.
GROUP_LABELS = {
    "message": "Il messaggio", "format": "Formato dei file", "pdf": "Documenti PDF",
    "pdfa": "Conformità PDF/A", "verapdf": "Conformità PDF/A (veraPDF)",
    "signature": "Firme digitali", "office": "Documenti Office",
    "odf": "Documenti OpenDocument", "rtf": "Documenti RTF", "txt": "File di testo",
    "text": "File di testo", "xml": "Documenti XML", "tiff": "Immagini TIFF",
    "archive": "Archivi compressi", "antivirus": "Virus", "pec": "Messaggi PEC ricevuti",
    "triage": "Messaggi PEC ricevuti", "system": "La verifica stessa",
}


def _group_order(group: str) -> tuple[int, str]:
    order = list(GROUP_LABELS)
    return (order.index(group) if group in order else len(order), group)


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def placeholders(text: str) -> Markup:
    """A rule text for /rules: its {placeholders} shown as <var>, the rest escaped."""
    return Markup(_PLACEHOLDER.sub(lambda m: f'<var class="ph">{m.group(1)}</var>', str(escape(text))))


def template_globals() -> dict[str, Any]:
    return {
        "SEVERITY_STYLE": SEVERITY_STYLE, "VERDICT_STYLE": VERDICT_STYLE,
        "VERDICT_ICON": VERDICT_ICON, "GROUP_LABELS": GROUP_LABELS,
        "SEVERITY_LABELS": {s.value: v for s, v in SEVERITY_LABELS.items()},
        "VERDICT_LABELS": {v.value: lab for v, lab in VERDICT_LABELS.items()},
        "human_size": human_size, "engine_text": engine_text,
        "sprite": sprite,
        "placeholders": placeholders,
        "nav_items": nav_items,
        "antivirus_not_run": antivirus_not_run, "ANTIVIRUS_NOT_RUN": ANTIVIRUS_NOT_RUN,
    }


# The site menu: (endpoint, Italian label); endpoints not registered are left out.
NAV = [("views.index", lazy_gettext("Verifica")), ("views.rules", lazy_gettext("Regole")),
       ("triage.page", lazy_gettext("Smistamento PEC (uffici)")), ("views.status", lazy_gettext("Stato"))]


def nav_items() -> list[tuple[str, str]]:
    """(url, label) for each menu entry whose blueprint is registered."""
    return [(url_for(endpoint), str(label)) for endpoint, label in NAV
            if endpoint in current_app.view_functions]


def sprite(name: str) -> str:
    """URL of one Bootstrap Italia icon: <svg class="icon"><use href="{{ sprite('it-pa') }}">."""
    return url_for("static", filename="vendor/bootstrap-italia/svg/sprites.svg") + "#" + name
