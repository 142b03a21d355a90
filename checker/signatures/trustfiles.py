"""Where the trusted list is when none is configured: paths only, importing nothing heavy,
because every run reads them (checks.settings_from_env) and most runs validate no
signature. trust.py re-exports them."""
from __future__ import annotations

from pathlib import Path

# The Italian list as AgID published it (ETSI TS 119 612, public data), shipped with the
# project so that a fresh installation validates against it; `pec-precheck trust update`
# saves a current, signature-checked list to UPDATED_LIST, which then takes its place.
SNAPSHOT = Path(__file__).parent / "data" / "TSL-IT-2023-09-26.xml"
UPDATED_LIST = Path("trust") / "TSL-IT.xml"


def default_sources() -> list[str]:
    """The trust source when none is configured (no PEC_PRECHECK_TRUST, no --trust):
    the list `trust update` saved in the working folder, else the shipped snapshot."""
    if UPDATED_LIST.is_file():
        return [str(UPDATED_LIST.resolve())]
    return [str(SNAPSHOT)]
