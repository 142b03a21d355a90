"""`pec-precheck profiles [ID] [--json]` — the offices known and what each one asks.

Without ID lists every profile (id, name, protocol PEC box); with ID prints that
office's rules: addresses, accepted formats, non-PEC sender policy, signature,
size limit, severity overrides and the notes from its page. Exit 0, or 2 for an
unknown ID.
"""
from __future__ import annotations

import dataclasses
import json
import sys

from .. import profiles

_POLICY_IT = {
    "warn": "accettato, ma senza valore legale (avviso)",
    "refuse": "non preso in carico (errore)",
    "needs-signed-document": "accettato solo con un documento firmato digitalmente",
}


def register(sub) -> None:
    p = sub.add_parser("profiles", help="uffici e loro regole / offices and their rules")
    p.add_argument("id", nargs="?", help="id del profilo (ad esempio cremona)")
    p.add_argument("--json", action="store_true", help="profili in JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    known = profiles.load_all()
    if args.id and args.id not in known:
        print(f"pec-precheck: profilo sconosciuto {args.id!r}; noti: {', '.join(known)}",
              file=sys.stderr)
        return 2
    chosen = [known[args.id]] if args.id else list(known.values())
    if args.json:
        json.dump([_as_json(p) for p in chosen], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if not args.id:
        for p in chosen:
            print(f"{p.id:22} {p.name:45} {p.protocol_address or '—'}")
        return 0
    sys.stdout.write(_describe(chosen[0]))
    return 0


def _as_json(p: profiles.Profile) -> dict:
    data = dataclasses.asdict(p)
    return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


def _describe(p: profiles.Profile) -> str:
    lines = [f"{p.name} ({p.id}) — fonte: {p.source}"]
    if p.protocol_address:
        lines.append(f"  PEC del protocollo: {p.protocol_address}")
    others = [a for a in p.pec_addresses if a != p.protocol_address]
    if others:
        lines.append(f"  altre PEC: {', '.join(others)}")
    if p.sector_addresses:
        lines.append(f"  caselle di settore (non per i cittadini): {', '.join(p.sector_addresses)}")
    lines.append(f"  formati accettati: {', '.join(p.accepted_formats)}"
                 + (f" (preferito: {', '.join(p.preferred_formats)})" if p.preferred_formats else ""))
    lines.append(f"  mittente non PEC: {_POLICY_IT.get(p.non_pec_sender, p.non_pec_sender)}")
    lines.append(f"  firma digitale richiesta: {'sì' if p.signature_required else 'no'}")
    lines.append(f"  dimensione massima del messaggio: {p.max_message_mb:g} MB")
    if p.severity:
        lines.append("  gravità modificate: " + ", ".join(f"{c}={s}" for c, s in p.severity.items()))
    if p.notes_it:
        lines.append(f"  note: {p.notes_it}")
    return "\n".join(lines) + "\n"
