"""Triage of PEC messages received or returned by the PEC system: the application that
protocol staff use (`pec-precheck triage`, the /triage page) to sort a mailbox.

    rows   one parsed message → TriageRow (class, certified facts, provider signature,
           explanation of a receipt, verdict of the submission an envelope carries)
    assess a row's status for the office (regular / check / reject) and critical alerts
    batch  many raw messages → rows, parsed in bounded workers; summary counts

An application-level package: it may import checker.engine, checks, isolation, report,
profiles, catalogue, model and checker.mail (which reads the messages); only the
interfaces (checker.commands, checker.web) import it.
"""
from .assess import ALERTS, STATUSES
from .batch import CHUNK, triage, triage_bytes, summary
from .rows import PROBLEM_CODES, TriageRow, build_row, choose_profile, failed_row, main_document, top_reasons

__all__ = ["ALERTS", "STATUSES", "CHUNK", "PROBLEM_CODES", "TriageRow", "build_row", "choose_profile", "failed_row",
           "main_document", "summary", "top_reasons", "triage", "triage_bytes"]
