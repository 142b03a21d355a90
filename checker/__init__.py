"""PEC Precheck: check a PEC submission against an office's rules before sending."""
__version__ = "0.1.0"
