"""Parse the trusted list (configured, or the shipped Italian snapshot) once, in the
forkserver (checker.isolation preloads this module): every worker forked from it inherits
the parsed list instead of spending half a second or more re-reading it for each signed
document. Imported nowhere else, so a command that validates nothing never pays for it."""
from __future__ import annotations

from ..signatures import cms
from . import settings_from_env

cms.trust_from_settings(settings_from_env())
