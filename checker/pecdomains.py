"""Is an e-mail address a PEC box? What we can tell from the address alone.

Certainty needs the public registries (INI-PEC for companies and professionals,
INAD for citizens, IPA for public offices), which this tool does not query at
run time. From the address alone there are four honest answers:

- PEC:        the domain is (or is under) a domain an accredited PEC provider uses
              for its customers' boxes (AgID public list of providers, DPR 68/2005 art. 14);
- LIKELY_PEC: a label of the domain follows the naming custom of PEC boxes
              (pec., cert., postacert., legalmail, ...asmepec): very probably PEC;
- NOT_PEC:    a well-known ordinary (PEO) provider, which sells no PEC under that domain;
- UNKNOWN:    a company's or a school's own domain: cannot tell.

Plus MALFORMED for anything that is not one address (RFC 5322 addr-spec, the
check a PEC access point applies first, RFC 6109 §3.1.1).
"""
from __future__ import annotations

import email.utils
import enum
import re
from dataclasses import dataclass

# Domains whose boxes (and subdomains' boxes) are PEC: accredited providers' customer domains.
# A subdomain match counts: protocollo@comunedicremona.legalmail.it is an InfoCert box.
PEC_PROVIDER_DOMAINS: frozenset[str] = frozenset({
    "legalmail.it", "cert.legalmail.it", "cgn.legalmail.it",      # InfoCert
    "pec.it", "arubapec.it", "pec.aruba.it", "casellapec.com",     # Aruba PEC
    "postecert.it", "postemailcertificata.it",                     # Poste Italiane
    "sicurezzapostale.it", "namirialpec.it",                       # Namirial
    "pec.actalis.it", "actaliscertymail.it",                       # Actalis
    "registerpec.it",                                              # Register.it
    "mypec.eu",
    "gigapec.it",
    "pecimprese.it",
    "ticertifica.it",
    "asmepec.it",                                                  # Asmenet (Cassano, 001)
    "pec.libero.it", "pec.buffetti.it", "pec.cgn.it", "pec.infocamere.it", "pecprofessionisti.it",
    "pec.namirial.com", "pecsicura.it", "lamiapec.it", "kpec.it", "telecompost.it",
    "legalmail.com", "pec-email.it",
    "pec.notariato.it", "postacertificata.notariato.it",           # notaries
    "conafpec.it", "ingpec.eu",                                    # agronomists, engineers
})

# Professional orders run their boxes on cert.ordine... / pec.ordine... domains.
_ORDER_DOMAIN = re.compile(r"^(?:cert|pec)\.ordine[a-z0-9-]*\.")

# Ordinary mailbox providers (PEO). Exact domains; the families below match any country TLD.
ORDINARY_DOMAINS: frozenset[str] = frozenset({
    "gmail.com", "googlemail.com",
    "libero.it", "inwind.it", "iol.it", "blu.it", "giallo.it",
    "virgilio.it", "alice.it", "tin.it", "tim.it", "tiscali.it", "fastwebnet.it", "email.it",
    "katamail.com", "teletu.it", "vodafone.it",
    "icloud.com", "me.com", "mac.com",
    "aol.com", "aim.com", "msn.com",
    "protonmail.com", "proton.me", "pm.me",
    "gmx.com", "gmx.net", "web.de", "mail.com",
    "zoho.com", "yandex.com", "yandex.ru", "qq.com", "163.com",
    "tutanota.com", "fastmail.com", "poste.it", "italiamail.it",
})
ORDINARY_FAMILIES: tuple[str, ...] = ("hotmail", "outlook", "live", "yahoo", "ymail", "gmx")

# Domain labels that, by custom, name PEC services: "pec.comune.x.it", "cert.comune.x.it",
# "postacert.comune.mezzani.pr.it" (002), "legalmail" anywhere.
_PEC_LABELS = frozenset({"pec", "cert", "postacert", "postacertificata", "certificata",
                         "emailcertificata", "pecmail", "legalmail", "certmail", "mailcert"})


class PecStatus(str, enum.Enum):
    PEC = "pec"
    LIKELY_PEC = "likely_pec"
    NOT_PEC = "not_pec"
    UNKNOWN = "unknown"
    MALFORMED = "malformed"


@dataclass(frozen=True)
class AddressInfo:
    raw: str
    address: str          # the bare addr-spec, lowercased; "" when malformed
    domain: str
    status: PecStatus
    reason: str           # why (English, for logs and details): "provider domain legalmail.it"


# addr-spec with a dot-atom local part (RFC 5322 §3.4.1) and a DNS domain with a TLD.
_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normalise_address(raw: str) -> str | None:
    """The bare address of "Name <a@b.it>" or "a@b.it", lowercased; None when not one valid address."""
    text = (raw or "").strip()
    if not text or len(text) > 320 or any(ord(c) < 32 or ord(c) == 127 for c in text):
        return None
    if "," in text or ";" in text:
        return None  # a list, not one address
    _, addr = email.utils.parseaddr(text)
    if not addr or addr.count("@") != 1:
        return None
    local, domain = addr.rsplit("@", 1)
    if len(local) > 64 or not _LOCAL.match(local):
        return None
    domain = domain.rstrip(".").lower()
    try:
        ascii_domain = domain.encode("idna").decode("ascii")  # IDN → punycode; raises on junk
    except UnicodeError:
        return None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or len(ascii_domain) > 253 or not all(_LABEL.match(lb) for lb in labels):
        return None
    if not re.fullmatch(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}", labels[-1]):
        return None
    return f"{local.lower()}@{ascii_domain}"


MAX_FIELD = 100_000  # characters of a recipient field read (an RFC 5322 line is far shorter)


def split_addresses(raw: str) -> list[str]:
    """A recipient field may hold several addresses separated by commas or semicolons."""
    return [part.strip() for part in re.split(r"[,;]", raw or "") if part.strip()]


def classify(raw: str) -> AddressInfo:
    addr = normalise_address(raw)
    if addr is None:
        return AddressInfo(raw, "", "", PecStatus.MALFORMED, "not a single valid e-mail address")
    domain = addr.rsplit("@", 1)[1]
    provider = _provider_domain(domain)
    if provider:
        return AddressInfo(raw, addr, domain, PecStatus.PEC, f"PEC provider domain {provider}")
    if _ORDER_DOMAIN.match(domain):
        return AddressInfo(raw, addr, domain, PecStatus.PEC, "professional order PEC domain")
    if domain in ORDINARY_DOMAINS or _ordinary_family(domain):
        return AddressInfo(raw, addr, domain, PecStatus.NOT_PEC, f"ordinary mail provider {domain}")
    label = _pec_label(domain)
    if label:
        return AddressInfo(raw, addr, domain, PecStatus.LIKELY_PEC, f"PEC-style label {label!r}")
    return AddressInfo(raw, addr, domain, PecStatus.UNKNOWN, "domain not known")


def _provider_domain(domain: str) -> str | None:
    labels = domain.split(".")
    for i in range(len(labels) - 1):
        candidate = ".".join(labels[i:])
        if candidate in PEC_PROVIDER_DOMAINS:
            return candidate
    return None


def _ordinary_family(domain: str) -> bool:
    # hotmail.it, outlook.com, yahoo.co.uk, live.it: the brand is the first label
    first, _, rest = domain.partition(".")
    return first in ORDINARY_FAMILIES and bool(rest) and len(rest) <= 6


def _pec_label(domain: str) -> str | None:
    for label in domain.split(".")[:-1]:
        if label in _PEC_LABELS or label.startswith(("pec-", "cert-")):
            return label
        # provider brands ending in "pec" (asmepec, gigapec, registerpec, ...): long enough
        # not to catch ordinary words ("spec")
        if label.endswith("pec") and len(label) >= 6:
            return label
        if "legalmail" in label or "postacert" in label:
            return label
    return None
