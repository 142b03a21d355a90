"""Message-level rules (RULES.md part A): the whole submission, read from the office's profile.

Owns the MSG rules (checker/rules/message.toml). May import the base layer (model,
profiles) and the text and address helpers beside it (subjects.py, pecdomains.py,
pecsize.py, filenames.py); never a check, the engine or a file parser.

Runs in the parent after every document check, so it only reads typed facts:
the Submission (sender, recipient, subject, body, main), the Documents (format,
signatures, facts such as "oggetto" from checker/textfacts.py) and the Profile.
It never parses a file. Each rule is one function registered with
@registry.message_rule in a module of this package, grouped by concern; modules are
discovered automatically, and check_message() runs every rule in its registered order.

Profile keys read here besides the documented ones (they land in Profile.extra):

    requires_destination = true          # 000: "l'ufficio di destinazione se noto"
    information_requests = "elsewhere"   # the box is not for requests for information
    information_channel_it = "..."       # where those go instead (shown in the finding)
    information_channel_en = "..."
    max_files = 20                       # more top-level attachments → warning

The document-type rule (MSG010) is a warning by default; an office that demands
it (Piacenza, 000) raises it with [severity] MSG010 = "error".
"""
from __future__ import annotations

import importlib
import pkgutil

from ..model import Document, Finding, Submission
from ..profiles import Profile
from .registry import MessageRule, rules


def _discover() -> list[MessageRule]:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importlib.import_module(f"{__name__}.{info.name}")
    return rules()


RULES = _discover()


def check_message(sub: Submission, documents: list[Document], profile: Profile) -> list[Finding]:
    """Every message rule's findings, rule after rule in registered order."""
    findings: list[Finding] = []
    for rule in RULES:
        findings += rule.run(sub, documents, profile)
    return findings
