"""Reading a PDF for what makes it active, linked, editable or unsafe to open.

`scan(data)` opens the bytes with pikepdf (qpdf), never saves them (signed PDFs stay
byte-identical), walks what a viewer would reach from the catalogue, every earlier
incremental revision, and the first pages' text; it returns a typed ScanReport of Hits.
Every walk is bounded (visited set by object number, node budget, depth, deadline), so a
hostile file yields `budget_exhausted`/problem hits rather than a hang. Turning hits into
rule findings (and deciding what a profile allows) is checker/checks/pdf_active.py's job.

Imports: checker.pdf (shared low-level PDF reading), checker.linkfinder and the standard and
third-party libraries; never identification, a check or the pipeline.
"""
from .model import Hit, HitKind, Limits, ScanReport
from .scan import scan

__all__ = ["Hit", "HitKind", "Limits", "ScanReport", "scan"]
