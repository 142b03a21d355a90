"""Fix it for me: convert and clean a submission's files, re-checked before they are offered.

Owns the mechanical fixes: LibreOffice (Office/ODF/RTF → PDF/A) and Ghostscript (PDF → PDF/A)
conversions (convert.py), the pikepdf cleaning of links, scripts, actions, attachments and
forms (clean.py), safe unique names, the plan of what to do per file (plan.py) and the
pipeline that checks before and after (pipeline.py). Signed files are never touched.

Application layer, beside checker.triage: it drives the engine (checker.engine) and may import
the validators and the base below it (filenames, pecsize, profiles, model); never the web or
the CLI. Uploads stay in memory except for the conversions, which need files: a private
0700 directory, RAM-backed when possible, removed afterwards (workspace.py).
"""
from .pipeline import FileFix, FixOutcome, fix_files
from .plan import FIXABLE_CODES, Action

__all__ = ["FIXABLE_CODES", "Action", "FileFix", "FixOutcome", "fix_files"]
