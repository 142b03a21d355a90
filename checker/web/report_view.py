"""What the report page and its PDF show, built once from the report JSON in the page's language:
the verdict's state and the problems it names, every finding as one item (a finding repeated
on several files said once, with the files), the office's consequences, and the signatures in
words. Pure presentation: the rules and the verdict stay the engine's."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from .. import catalogue, profiles
from ..model import ROME
from . import present

BLOCKING_SHOWN = 3   # the verdict names this many problems, then «e altri N»
ORDER = ("error", "not_checked", "warning", "info")


@dataclass
class Item:
    """One finding as the reader sees it, in one language."""
    anchor: str
    code: str
    name: str
    severity: str
    title: str
    explanation: str
    fix: str
    source: str
    check: str
    detail: str
    location: str
    files: list[str] = field(default_factory=list)   # the documents it concerns; [] = the message
    consequence: str = ""                             # what this office does about it
    blocking: bool = False


@dataclass
class DocView:
    doc: dict[str, Any]
    items: list[Item]
    shared: list[Item]                 # items said once for several files, this one among them
    signatures: list[dict[str, Any]]
    children: list[DocView] = field(default_factory=list)


@dataclass
class ReportView:
    state: str                          # fix | undetermined | ready | ready-warnings
    blocking: list[Item]
    warnings: list[Item]
    consequences: list[str]
    message_items: list[Item]
    shared_items: list[Item]
    documents: list[DocView]
    antivirus_not_run: bool
    checked_at: str                     # dd/mm/yyyy hh:mm, Italian time
    trusted_list: str
    engines: list[tuple[str, str]]      # (check label, engine) over every file
    headline: str = ""                  # the verdict in words

    @property
    def more_blocking(self) -> int:
        return max(0, len(self.blocking) - BLOCKING_SHOWN)

    @property
    def has_tree(self) -> bool:
        return any(d.children for d in self.documents)


def rome_time(iso: str | None, with_seconds: bool = False) -> str:
    """An ISO 8601 moment as Italian local time, dd/mm/yyyy hh:mm; the text itself when unreadable."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is None:   # without an offset: taken as Italian time, like the report's dates
        moment = moment.replace(tzinfo=ROME)
    return moment.astimezone(ROME).strftime("%d/%m/%Y %H:%M:%S" if with_seconds else "%d/%m/%Y %H:%M")


def build(report: dict[str, Any], lang: str) -> ReportView:
    profile = profiles.load_all().get(report.get("profile", ""))
    required_checks = set(profile.required_checks) if profile else set()
    counter = iter(range(1, 10**6))

    def item(f: dict[str, Any], files: list[str]) -> Item:
        consequence = profile.consequence(f["code"], f["severity"]) if profile else None
        blocking = f["severity"] == "error" or (
            f["severity"] == "not_checked" and report["verdict"] == "undetermined"
            and (catalogue.rule(f["code"]).required or f["check"] in required_checks))
        return Item(anchor=f"finding-{next(counter)}", code=f["code"], name=f["name"],
                    severity=f["severity"], title=f["title"][lang], explanation=f["explanation"][lang],
                    fix=f["fix"][lang], source=f["source"], check=f["check"], detail=f["detail"],
                    location=f["location"], files=files,
                    consequence=consequence[lang] if consequence else "", blocking=blocking)

    message_items = [item(f, []) for f in report["message"]["findings"]]
    # a finding said the same way on several files is said once, with the files
    def key(f: dict[str, Any]) -> tuple[str, ...]:
        return (f["code"], f["severity"], f["title"][lang], f["explanation"][lang], f["fix"][lang],
                f["detail"], f["location"])
    seen: dict[tuple[str, ...], list[str]] = {}
    for d in report["documents"]:
        for f in d["findings"]:
            names = seen.setdefault(key(f), [])
            if d["name"] not in names:
                names.append(d["name"])
    shared_items: list[Item] = []
    shared_by_key: dict[tuple[str, ...], Item] = {}
    for d in report["documents"]:
        for f in d["findings"]:
            k = key(f)
            if len(seen[k]) > 1 and k not in shared_by_key:
                shared_by_key[k] = item(f, seen[k])
                shared_items.append(shared_by_key[k])
    shared_items.sort(key=lambda i: ORDER.index(i.severity))

    def doc_view(node: present.DocNode) -> DocView:
        d = node.doc
        own = [item(f, [d["name"]]) for f in d["findings"] if key(f) not in shared_by_key]
        shared = [shared_by_key[key(f)] for f in d["findings"] if key(f) in shared_by_key]
        view = DocView(doc=d, items=own, shared=shared,
                       signatures=[signature(s) for s in d["signatures"]])
        view.children = [doc_view(child) for child in node.children]
        return view

    documents = [doc_view(n) for n in present.document_tree(report["documents"])]
    everything = message_items + shared_items + [i for v in _walk(documents) for i in v.items]
    everything.sort(key=lambda i: ORDER.index(i.severity))
    blocking = [i for i in everything if i.blocking]
    warnings = [i for i in everything if not i.blocking and i.severity in ("warning", "not_checked")]
    av_not_run = present.antivirus_not_run(report)
    state = report["verdict"]
    if state == "ready" and (warnings or av_not_run):
        state = "ready-warnings"
    relevant = blocking if blocking else warnings
    consequences = list(dict.fromkeys(i.consequence for i in relevant if i.consequence))
    facts: dict[str, Any] = next((d["facts"] for d in report["documents"] if d["facts"].get("trusted_list")), {})
    labels = present.check_labels(lang)
    engines = list(dict.fromkeys((labels.get(c, c), present.engine_text(e, lang)) for d in report["documents"]
                                 for c, e in d["engines"].items()))
    return ReportView(state=state, blocking=blocking, warnings=warnings, consequences=consequences,
                      message_items=message_items, shared_items=shared_items, documents=documents,
                      antivirus_not_run=av_not_run, checked_at=rome_time(report.get("checked_at")),
                      trusted_list=str(facts.get("trusted_list", "")), engines=engines,
                      headline=_headline(report, state, av_not_run, lang))


def _headline(report: dict[str, Any], state: str, av_not_run: bool, lang: str) -> str:
    if state != "ready-warnings":
        return str(report["verdict_label"][lang])
    return _("Pronto, con avvisi") + (" — " + present.ANTIVIRUS_NOT_RUN[lang] if av_not_run else "")


def _walk(views: list[DocView]) -> list[DocView]:
    out = []
    for v in views:
        out.append(v)
        out.extend(_walk(v.children))
    return out


def walk(view: ReportView) -> list[DocView]:
    """Every document of the report, envelopes before their contents."""
    return _walk(view.documents)


# ── signatures in words ──────────────────────────────────────────────────────────────────

def _kinds() -> dict[str, str]:
    return {"cades": _("firma CAdES (file .p7m)"), "pades": _("firma PAdES (dentro il PDF)"),
            "xades": _("firma XAdES (dentro il file XML)"), "timestamp": _("marca temporale")}


def _outcomes() -> dict[str, str]:
    return {"PASSED": _("Firma valida"), "FAILED": _("Firma non valida"),
            "INDETERMINATE": _("Firma non verificabile")}


def _reasons() -> dict[str, str]:
    """ETSI sub-indications in words (the code itself stays in the technical details)."""
    return {
        "HASH_FAILURE": _("il documento è stato modificato dopo la firma"),
        "SIG_CRYPTO_FAILURE": _("la firma non corrisponde al certificato"),
        "REVOKED": _("il certificato del firmatario è stato revocato"),
        "REVOKED_NO_POE": _("il certificato del firmatario è stato revocato"),
        "NOT_YET_VALID": _("il certificato non era ancora valido alla data della firma"),
        "EXPIRED": _("il certificato era scaduto alla data della firma"),
        "OUT_OF_BOUNDS_NO_POE": _(
            "il certificato è scaduto e manca una marca temporale che provi la data della firma"),
        "OUT_OF_BOUNDS_NOT_REVOKED": _(
            "il certificato è scaduto (non risultava revocato alla scadenza) e manca una marca temporale "
            "che provi la data della firma"),
        "NO_CERTIFICATE_CHAIN_FOUND": _("il certificato non è stato emesso da un certificatore di fiducia"),
        "NO_SIGNING_CERTIFICATE_FOUND": _("manca il certificato del firmatario"),
        "CRYPTO_CONSTRAINTS_FAILURE_NO_POE": _("la firma usa un algoritmo non più sicuro"),
        "CRYPTO_CONSTRAINTS_FAILURE": _("la firma usa un algoritmo non più sicuro"),
        "TRY_LATER": _("lo stato di revoca non è ancora disponibile: riprova più tardi"),
        "FORMAT_FAILURE": _("la busta della firma non è leggibile"),
        "SIGNED_DATA_NOT_FOUND": _("manca il documento firmato"),
    }


def _revocations() -> dict[str, str]:
    return {"good": _("verificata: il certificato non è revocato"), "revoked": _("il certificato è REVOCATO"),
            "not_checked": _("non verificata"), "unusable": _("risposta non utilizzabile")}


def signature(s: dict[str, Any]) -> dict[str, Any]:
    """One signature as the page and the PDF show it: plain words, Italian times."""
    details = s.get("details") or {}
    qualified = s.get("qualified")
    revocation = details.get("revocation")
    sub = s.get("sub_indication")
    return {
        "kind": _kinds().get(s.get("kind", ""), s.get("kind", "")),
        "signer": s.get("signer") or "—",
        "codice_fiscale": s.get("codice_fiscale") or "—",
        "issuer": s.get("issuer") or "—",
        "qualified": (_("non determinato") if qualified is None
                      else _("sì, firma qualificata") if qualified else _("no")),
        "signing_time": rome_time(s.get("signing_time")) or "—",
        "valid_from": rome_time(details.get("not_before")),
        "valid_until": rome_time(details.get("not_after")),
        "revocation": _revocations().get(str(revocation), revocation or _("non verificata")),
        "revocation_source": details.get("revocation_source", ""),
        "revocation_checked_at": rome_time(details.get("revocation_checked_at")),
        # when the OCSP/CRL answer was produced, when known: what the status is true as of
        "revocation_produced_at": rome_time(details.get("revocation_produced_at")),
        "revocation_problem": details.get("revocation_problem", ""),
        "outcome": _outcomes().get(s.get("indication", ""), s.get("indication", "")),
        "outcome_style": {"PASSED": "success", "FAILED": "danger"}.get(s.get("indication", ""), "warning"),
        "reason": _reasons().get(sub or "", ""),
        "etsi": s.get("indication", "") + (f" / {sub}" if sub else ""),
        "technical": {k: v for k, v in details.items()
                      if k in ("level", "digest_algorithm", "signature_algorithm", "key", "role",
                               "timestamp", "wrapping")},
    }
