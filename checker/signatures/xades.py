"""XAdES (placeholder until implemented)."""
from ..model import CheckResult


def check(file, settings):
    return CheckResult()
