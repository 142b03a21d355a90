"""Message-level rules (RULES.md part A). (Foundation placeholder: being replaced.)"""
from __future__ import annotations


def check_message(sub, documents, profile):
    return []
