"""Parse a configured trusted list (PEC_PRECHECK_TRUST) once, in the forkserver
(checker.isolation preloads this module): every worker forked from it inherits the parsed
list instead of reading it for each signed document.

The shipped default (or the list `trust update` saved) is not loaded here: a forkserver
holding the parsed Italian list makes every fork dearer (measured: a no-op worker 46 ms of
CPU instead of 31 ms), for every check of every document, while only the workers that
validate a signature need it. Those load it from trustcache's pre-parsed file (tens of
milliseconds, no parse), as they do any list named only by a call's settings (`--trust`,
CHECK_SETTINGS)."""
from __future__ import annotations

import os

from ..signatures import cms
from . import settings_from_env

if os.environ.get("PEC_PRECHECK_TRUST"):
    cms.trust_from_settings(settings_from_env())
