"""Serialising a Report: the one JSON serialiser (form, API and CLI share it) and plain text."""
from __future__ import annotations

import dataclasses
from typing import Any

from . import __version__, catalogue
from .model import Document, Finding, Report, Severity, SignatureInfo, Verdict

SCHEMA = "pec-precheck/report/1"
TOOL_VERSION = __version__  # the package's version (pyproject.toml), in every report

VERDICT_LABELS = {
    Verdict.READY: {"it": "Pronto per l'invio", "en": "Ready to send"},
    Verdict.FIX: {"it": "Da correggere", "en": "Fix before sending"},
    Verdict.UNDETERMINED: {"it": "Non verificabile", "en": "Cannot tell"},
}
SEVERITY_LABELS = {
    Severity.ERROR: {"it": "Errore", "en": "Error"},
    Severity.WARNING: {"it": "Avviso", "en": "Warning"},
    Severity.INFO: {"it": "Informazione", "en": "Information"},
    Severity.NOT_CHECKED: {"it": "Non verificato", "en": "Not checked"},
}


def finding_json(f: Finding) -> dict[str, Any]:
    rule = catalogue.rule(f.code)
    it, en = catalogue.describe(f, "it"), catalogue.describe(f, "en")
    return {
        "code": f.code,
        "name": rule.name,
        "severity": (f.severity or rule.severity).value,
        "check": f.check,
        "title": {"it": it["title"], "en": en["title"]},
        "explanation": {"it": it["explain"], "en": en["explain"]},
        "fix": {"it": it["fix"], "en": en["fix"]},
        "source": rule.source,
        "detail": f.detail,
        "location": f.location,
        "args": dict(f.args),
    }


def signature_json(s: SignatureInfo) -> dict[str, Any]:
    plain: dict[str, Any] = _plain(dataclasses.asdict(s))
    # the indication enums become the ETSI strings they stand for
    plain["indication"] = s.indication.value
    plain["sub_indication"] = s.sub_indication.value if s.sub_indication else None
    return plain


def document_json(d: Document) -> dict[str, Any]:
    return {
        "name": d.name,
        "sha256": d.sha256,
        "size": d.size,
        "parent": d.parent,
        "depth": d.depth,
        "is_main": d.is_main,
        "format": {
            "id": d.format.id,
            "mime": d.format.mime,
            "label": d.format.label,
            "magic": d.format.magic,
            "details": _plain(d.format.details),
        },
        "engines": dict(d.engines),
        "signatures": [signature_json(s) for s in d.signatures],
        "facts": _facts(d.facts),
        "findings": [finding_json(f) for f in d.findings],
    }


def to_json(report: Report) -> dict[str, Any]:
    sub = report.submission
    all_findings = report.message_findings + [f for d in report.documents for f in d.findings]
    counts = {s.value: sum(1 for f in all_findings if f.severity is s) for s in Severity}
    return {
        "schema": SCHEMA,
        "verdict": report.verdict.value,
        "verdict_label": VERDICT_LABELS[report.verdict],
        "reasons": list(report.reasons),
        "profile": report.profile,
        "profile_name": report.profile_name,
        "message": {
            "sender": sub.sender,
            "recipient": sub.recipient,
            "subject": sub.subject,
            "doc_type": sub.doc_type,
            "destination": sub.destination,
            "main": next((d.name for d in report.documents if d.is_main), None),
            "findings": [finding_json(f) for f in report.message_findings],
        },
        "documents": [document_json(d) for d in report.documents],
        "counts": counts,
        "elapsed_ms": report.elapsed_ms,
        "checked_at": report.checked_at,
        "tool_version": TOOL_VERSION,
    }


def to_text(report: Report, lang: str = "it") -> str:
    """A terminal rendering of the same content."""
    data = to_json(report)
    lines = [f"{data['verdict_label'][lang].upper()} ({data['verdict']}) — {data['profile_name']}"]
    lines += [f"  · {r}" for r in data["reasons"]]
    if data["message"]["findings"]:
        lines.append("")
        lines.append("Messaggio:" if lang == "it" else "Message:")
        lines += _finding_lines(data["message"]["findings"], lang)
    for d in data["documents"]:
        lines.append("")
        indent = "  " * d["depth"]
        origin = f" (in {d['parent']})" if d["parent"] else ""
        lines.append(f"{indent}{d['name']}{origin} — {d['format']['label'] or d['format']['id']}")
        lines.append(f"{indent}  SHA-256 {d['sha256']}")
        for s in d["signatures"]:
            lines.append(f"{indent}  firma: {s.get('signer') or '?'} — {s['indication']}"
                         + (f"/{s['sub_indication']}" if s.get("sub_indication") else ""))
        if not d["findings"]:
            lines.append(f"{indent}  ok")
        lines += [indent + x for x in _finding_lines(d["findings"], lang)]
    return "\n".join(lines) + "\n"


def _finding_lines(findings: list[dict[str, Any]], lang: str) -> list[str]:
    out = []
    for f in findings:
        sev = SEVERITY_LABELS[Severity(f["severity"])][lang]
        where = f" [{f['location']}]" if f["location"] else ""
        out.append(f"  {f['code']} {sev}: {f['title'][lang]}{where}")
        if f["detail"]:
            out.append(f"      {f['detail']}")
        out.append(f"      → {f['fix'][lang]}")
    return out


def _facts(facts: dict[str, Any]) -> dict[str, Any]:
    """Small, JSON-safe facts only: extracted text stays out of the report."""
    out: dict[str, Any] = {}
    for key, value in facts.items():
        if key.startswith("_"):
            continue
        if isinstance(value, str):
            out[key] = value[:200]
        elif isinstance(value, (int, float, bool)) or value is None:
            out[key] = value
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
