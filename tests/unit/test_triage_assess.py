"""What a triage row means for the receiving office (checker/triage/assess.py)."""
from __future__ import annotations

from checker.triage.assess import ALERT_SEVERITY, CRITICAL, assess


def test_a_broken_provider_signature_is_a_reject_whatever_else_holds():
    found = assess("posta-certificata", {"PEC011", "PEC005"}, "ready")
    assert found.status == "reject"
    assert found.alerts == ("signature-invalid", "malformed")   # critical first


def test_an_intact_receipt_is_regular_and_a_not_verified_one_is_to_check():
    assert assess("ricevuta", {"PEC014", "PEC034"}, None).status == "regular"
    assert assess("ricevuta", {"PEC010", "PEC034"}, None).alerts == ("signature-not-verified",)


def test_class_and_inner_verdict_raise_their_own_alerts():
    assert assess("anomalia", set(), "fix").alerts == ("attachments-fix", "not-certified")
    assert assess("not-pec", {"PEC021"}, None).alerts == ("not-pec",)
    assert assess("not-pec", {"PEC013"}, None).alerts == ("unreadable",)   # not also "not a PEC"
    assert assess("posta-certificata", set(), "undetermined").status == "check"


def test_every_alert_has_a_severity():
    assert ALERT_SEVERITY["signature-invalid"] == CRITICAL
    assert set(ALERT_SEVERITY.values()) == {"critical", "warning"}
