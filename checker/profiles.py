"""Office profiles: one TOML file per office in checker/profiles/.

A profile is data: the office's PEC addresses, the formats it accepts, its
policy for senders that are not PEC boxes, whether attachments must be signed,
the size limit, and severity overrides for catalogue rules. Adding an office is
adding one file. Keys (all but id/name/source optional):

    id = "cremona"                      # equals the file stem
    name = "Comune di Cremona"
    source = "003"                      # seed file prefix, or "AgID"
    protocol_address = "protocollo@comunedicremona.legalmail.it"
    pec_addresses = ["..."]             # every box of the office
    sector_addresses = ["..."]          # boxes citizens must NOT write to (Cassano)
    accepted_formats = ["pdf", "txt", "rtf", "xml", "tiff"]
    preferred_formats = ["pdfa"]
    non_pec_sender = "warn"             # "warn" | "refuse" | "needs-signed-document"
    signature_required = false          # every attachment must carry a valid signature
    max_message_mb = 30                 # encoded (base64 + MIME) size of the whole message
    max_recipients = 1
    required_checks = []                # check names whose "not checked" blocks "ready"
    embedded_files = "pdfa3-only"       # "never" | "pdfa3-only" | "allowed"
    notes_it = "..."                    # the office's rules in a few sentences (the form shows them)
    notes_en = "..."                    # the same in English (lands in extra)
    [severity]                          # rule code -> error|warning|info|off
    MSG006 = "warning"
    [[consequences]]                    # what the office does with a message a rule flags,
    codes = ["MSG004", "MSG005"]        # said plainly beside the finding and in the verdict
    severities = ["error"]              # (and/or: every finding of these severities)
    it = "Il Comune ... respinge in automatico ..."
    en = "The Comune ... rejects automatically ..."
"""
from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .model import Severity

PROFILES_DIR = Path(__file__).parent / "profiles"
NON_PEC_POLICIES = ("warn", "refuse", "needs-signed-document")


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    source: str
    protocol_address: str = ""
    pec_addresses: tuple[str, ...] = ()
    sector_addresses: tuple[str, ...] = ()
    accepted_formats: tuple[str, ...] = ("pdf", "txt", "rtf", "xml", "tiff")
    preferred_formats: tuple[str, ...] = ("pdfa",)
    non_pec_sender: str = "warn"
    signature_required: bool = False
    max_message_mb: float = 30.0
    max_recipients: int = 1
    required_checks: tuple[str, ...] = ()
    embedded_files: str = "pdfa3-only"
    severity: dict[str, str] = field(default_factory=dict)
    notes_it: str = ""
    consequences: tuple[dict, ...] = ()   # {"codes", "severities", "it", "en"}: see above
    extra: dict = field(default_factory=dict)  # keys this loader does not know, for later checks

    def severity_for(self, code: str, default: Severity) -> Severity | None:
        """The severity this office gives a rule; None when the office switches it off."""
        override = self.severity.get(code)
        if override is None:
            return default
        if override == "off":
            return None
        return Severity(override)

    def consequence(self, code: str, severity: str) -> dict | None:
        """What this office does with a message that has this finding ({"it", "en"}), if its
        page says: the first consequence naming the code, else one naming the severity."""
        for entry in self.consequences:
            if code in entry.get("codes", ()):
                return entry
        for entry in self.consequences:
            if severity in entry.get("severities", ()):
                return entry
        return None


class ProfileError(ValueError):
    pass


_FIELDS = set(Profile.__dataclass_fields__)


def _from_toml(path: Path) -> Profile:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    if data.get("id") != path.stem:
        raise ProfileError(f"{path.name}: id must be {path.stem!r}")
    if data.get("non_pec_sender", "warn") not in NON_PEC_POLICIES:
        raise ProfileError(f"{path.name}: non_pec_sender must be one of {NON_PEC_POLICIES}")
    known = {k: v for k, v in data.items() if k in _FIELDS and k != "extra"}
    extra = {k: v for k, v in data.items() if k not in _FIELDS}
    for key, value in known.items():
        if isinstance(value, list):
            known[key] = tuple(value)
    for entry in known.get("consequences", ()):
        if not isinstance(entry, dict) or not entry.get("it") or not entry.get("en") or not (
                entry.get("codes") or entry.get("severities")):
            raise ProfileError(f"{path.name}: each [[consequences]] needs it, en and codes or severities")
    for sev in known.get("severity", {}).values():
        if sev != "off":
            Severity(sev)  # raises on a typo
    return Profile(**known, extra=extra)


@functools.lru_cache(maxsize=1)
def load_all() -> dict[str, Profile]:
    profiles = {p.stem: _from_toml(p) for p in sorted(PROFILES_DIR.glob("*.toml"))}
    # generic first, then alphabetical by name: the order of the form's select
    return dict(sorted(profiles.items(), key=lambda kv: (kv[0] != "generic", kv[1].name)))


def get(profile_id: str) -> Profile:
    try:
        return load_all()[profile_id]
    except KeyError:
        raise ProfileError(f"unknown profile {profile_id!r}; known: {', '.join(load_all())}") from None
