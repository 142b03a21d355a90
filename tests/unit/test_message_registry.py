"""The message-rule registry (checker/message/registry.py): every MSG code of the catalogue
is emitted by a registered rule, and rules run in one fixed order."""
from __future__ import annotations

import pytest

from checker import catalogue, message
from checker.message import registry


def test_every_message_code_belongs_to_a_registered_rule_and_back():
    catalogued = {c for c, r in catalogue.load().items() if r.group == "message"}
    claimed = {code for rule in message.RULES for code in rule.codes}
    assert claimed == catalogued


def test_rules_run_in_registered_order_with_unique_names():
    orders = [r.order for r in message.RULES]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)
    assert [r.name for r in message.RULES][:3] == ["main_document", "one_procedure", "subject"]
    assert len({r.name for r in message.RULES}) == len(message.RULES)


def test_a_rule_name_or_order_registered_twice_is_refused():
    taken = message.RULES[0]
    with pytest.raises(RuntimeError, match="duplicate"):
        registry.message_rule(taken.name, codes=(), order=-1)(taken.run)
    with pytest.raises(RuntimeError, match="already taken"):
        registry.message_rule("another", codes=(), order=taken.order)(taken.run)
