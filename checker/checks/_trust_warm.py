"""Load the trusted list once, in the forkserver (checker.isolation preloads this module):
the configured one (PEC_PRECHECK_TRUST), else the default (the list `trust update` saved, or
the shipped snapshot). Every worker forked from it inherits the parsed list and pyHanko's
trust manager over its ~225 anchors, whose certificates asn1crypto would otherwise parse
again in each worker that validates a signature (measured: a .p7m's worker 0.2 s → 0.03 s).

Then everything is frozen out of the collector's sight (as _preload does for the modules):
a worker's collections would otherwise walk, and so copy, the pages of the parsed list,
which is what made holding it in the forkserver cost every fork ~15 ms before. A list named
only by a call's settings (`--trust`, CHECK_SETTINGS) is loaded by the worker that needs it,
from trustcache's pre-parsed file."""
from __future__ import annotations

import gc
import logging

from ..signatures import cms
from . import settings_from_env


def _warm() -> None:
    store = cms.trust_from_settings(settings_from_env())
    if not store.configured:
        return
    store.trust_manager()   # built once, here
    store.crl_issuers       # noqa: B018 - a cached property: read once, here
    for anchor in list(store.roots) + store.list_certificates():
        # what path building reads of every anchor, which asn1crypto parses on first use
        anchor.key_identifier, anchor.subject.hashable, anchor.issuer_serial, anchor.public_key, anchor.ca  # noqa: B018


try:
    _warm()
except Exception:  # noqa: BLE001 - the forkserver must start anyway: its workers load the list themselves
    logging.getLogger(__name__).exception("trusted list not preloaded")
gc.freeze()
