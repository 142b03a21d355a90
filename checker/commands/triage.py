"""`pec-precheck triage PATH... [--profile ID] [--json] [--csv OUT]` — protocol staff triage.

PATH: .eml files, folders (recursively), mbox files, Maildir folders. One row per message
(class, receipt type, sender, subject, date, verdict of the carried submission, top
reasons); malformed messages are reported and counted, never fatal; a summary ends the run
(on stderr with --json, so stdout stays one JSON array). A progress bar is drawn on stderr
only when it is a terminal.

Exit status: 0 when every message was triaged (whatever they contain), 1 when the tool
itself failed, 2 for a usage error (unknown path; argparse's own errors).
"""
from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path

from typing import TYPE_CHECKING

from .. import profiles

if TYPE_CHECKING:
    from .. import triage

CSV_FIELDS = ["file", "class", "receipt_type", "receipt_detail", "error", "sender", "subject",
              "date", "verdict", "reasons", "problems", "explanation", "error_detail",
              "signature", "profile", "attachments", "status", "alerts"]


def register(sub) -> None:
    p = sub.add_parser("triage", help="smista messaggi PEC e ricevute / triage PEC messages and receipts")
    p.add_argument("paths", nargs="+", metavar="PATH", help=".eml, cartella, mbox o Maildir")
    p.add_argument("--profile", default=None, choices=list(profiles.load_all()),
                   help="ufficio (predefinito: dal destinatario, altrimenti generic) / office profile")
    p.add_argument("--json", action="store_true", help="un array JSON, un oggetto per messaggio")
    p.add_argument("--csv", metavar="OUT", help="scrive anche una tabella CSV / also write a CSV table")
    p.set_defaults(func=run)


def run(args) -> int:
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        for p in missing:
            print(f"pec-precheck triage: {p}: percorso inesistente / no such path", file=sys.stderr)
        return 2
    from .. import triage  # noqa: F811 - here, not at the top: --help imports no check
    from ..mail import sources
    progress = Progress(sources.count_items(args.paths)) if sys.stderr.isatty() else None
    rows: list[triage.TriageRow] = []
    try:
        for row in triage.triage(sources.iter_paths(args.paths), profile=args.profile):
            rows.append(row)
            if not args.json:
                if progress:
                    progress.clear()
                sys.stdout.write(row_text(row))
                sys.stdout.flush()
            if progress:
                progress.step(row.file)
        if progress:
            progress.clear()
        if args.json:
            json.dump([r.to_json() for r in rows], sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        if args.csv:
            write_csv(rows, Path(args.csv))
    except (OSError, RuntimeError) as exc:
        print(f"pec-precheck triage: {exc}", file=sys.stderr)
        return 1
    out = sys.stderr if args.json else sys.stdout
    out.write(summary_text(triage.summary(rows)))
    return 0


def row_text(row: triage.TriageRow) -> str:
    kind = row.message_class
    if row.receipt_type:
        kind += f"/{row.receipt_type}" + (f" ({row.receipt_detail})" if row.receipt_detail else "")
    if row.error:
        kind += f" errore={row.error}"
    verdict = row.verdict or "-"
    lines = [f"{row.file}: {kind} — esito {verdict}",
             f"    da {row.sender or '?'} — «{row.subject}» — {row.date or 'data sconosciuta'}"]
    if row.explanation:
        lines.append(f"    {row.explanation['code']} {row.explanation['title']}")
        lines.append(f"      → {row.explanation['fix']}")
    if row.signature and row.signature.status != "valid":
        lines.append(f"    firma del gestore: {row.signature.status} ({row.signature.detail})")
    lines += [f"    motivo: {r}" for r in row.reasons]
    lines += [f"    problema: {p}" for p in row.problems]
    return "\n".join(lines) + "\n"


def summary_text(s: dict) -> str:
    def pairs(d: dict) -> str:
        return ", ".join(f"{k} {v}" for k, v in sorted(d.items(), key=lambda kv: (-kv[1], kv[0]))) or "-"
    return (f"\nRiepilogo: {s['messages']} messaggi — {pairs(s['classes'])}\n"
            f"  ricevute: {pairs(s['receipt_types'])}\n"
            f"  errori di consegna: {pairs(s['errors'])}\n"
            f"  esiti delle verifiche: {pairs(s['verdicts'])}\n"
            f"  con problemi: {s['with_problems']} (illeggibili: {s['unreadable']})\n")


def write_csv(rows: list[triage.TriageRow], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for row in rows:
            data = row.to_json(with_report=False)
            writer.writerow({
                **{k: data[k] for k in ("file", "class", "receipt_type", "receipt_detail", "error",
                                        "sender", "subject", "date", "verdict", "error_detail",
                                        "profile")},
                "reasons": "; ".join(data["reasons"]),
                "problems": "; ".join(data["problems"]),
                "explanation": data["explanation"]["title"] if data["explanation"] else "",
                "signature": data["signature"]["status"] if data["signature"] else "",
                "attachments": "; ".join(data["attachments"]),
                "status": data["status"],
                "alerts": "; ".join(data["alerts"]),
            })


class Progress:
    """A one-line progress bar on stderr (only used when stderr is a terminal)."""
    WIDTH = 30

    def __init__(self, total: int | None):
        self.total, self.done, self.started = total, 0, time.monotonic()

    def step(self, name: str) -> None:
        self.done += 1
        if self.total:
            filled = int(self.WIDTH * min(self.done, self.total) / self.total)
            bar = f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {self.done}/{self.total}"
        else:
            bar = f"{self.done} messaggi"
        sys.stderr.write(f"\r{bar} {Path(name).name[:40]:<40}")
        sys.stderr.flush()

    def clear(self) -> None:
        sys.stderr.write("\r" + " " * (self.WIDTH + 60) + "\r")
        sys.stderr.flush()
