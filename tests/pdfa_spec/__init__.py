"""Spec-made PDF/A test files: a builder of conforming files and, per veraPDF rule id, a
mutation that breaks exactly that rule (tests/test_pdfa_rules.py runs them)."""
