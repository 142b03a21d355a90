"""Load the trust store the settings name (PEC_PRECHECK_TRUST, else the list `trust update`
saved, else the shipped snapshot) once, in the forkserver (checker.isolation preloads this
module): every worker forked from it inherits the parsed store instead of reading it for
each signed document. After the first run this costs a few tens of milliseconds, not a
parse: trustcache keeps the parsed store in the project's cache folder, keyed by the
list's sha256. A store the settings of one call name otherwise (`--trust`, CHECK_SETTINGS)
comes from that cache in the worker."""
from __future__ import annotations

from ..signatures import cms
from . import settings_from_env

cms.trust_from_settings(settings_from_env())
