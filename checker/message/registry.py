"""The message-rule registry: each rule is one function, registered with @message_rule.

A rule reads the whole submission (facts, the checked Documents, the office's Profile)
and returns its findings; it never parses a file. The rules run in `order`, which is the
order of their findings in the report (within one severity).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model import Document, Finding, Submission
from ..profiles import Profile

RuleFunction = Callable[[Submission, list[Document], Profile], list[Finding]]


@dataclass(frozen=True)
class MessageRule:
    name: str
    codes: tuple[str, ...]     # the catalogue codes (checker/rules/message.toml) it may emit
    order: int
    run: RuleFunction


_RULES: dict[str, MessageRule] = {}


def message_rule(name: str, *, codes: tuple[str, ...], order: int) -> Callable[[RuleFunction], RuleFunction]:
    """Register the decorated function as the message rule `name`."""
    def register(fn: RuleFunction) -> RuleFunction:
        if name in _RULES:
            raise RuntimeError(f"duplicate message rule: {name}")
        if any(r.order == order for r in _RULES.values()):
            raise RuntimeError(f"message rule {name}: order {order} already taken")
        _RULES[name] = MessageRule(name, codes, order, fn)
        return fn
    return register


def rules() -> list[MessageRule]:
    """Every registered rule, in running order."""
    return sorted(_RULES.values(), key=lambda r: r.order)
