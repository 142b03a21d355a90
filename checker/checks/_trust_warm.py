"""Parse a configured trusted list (PEC_PRECHECK_TRUST) once, in the forkserver
(checker.isolation preloads this module): every worker forked from it inherits the parsed
list instead of re-reading it for each signed document. The shipped default snapshot is
not parsed here: that would lengthen every forkserver start (and so the first job's time
budget) even for submissions with no signature; a worker that validates a signature reads
it when needed (about half a second of CPU)."""
from __future__ import annotations

import os

from ..signatures import cms
from . import settings_from_env

if os.environ.get("PEC_PRECHECK_TRUST"):
    cms.trust_from_settings(settings_from_env())
