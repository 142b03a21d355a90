"""Trust anchors: ETSI TS 119 612 trusted lists (the Italian TSL, or any national list)
and plain certificate folders (PEM or DER), plus CRLs found beside them.

Trusted lists are parsed by pyHanko's own TS 119 612 reader (pyhanko[etsi], xsdata),
which keeps each qualified service's status history as separate validity windows. Three
things in real Italian lists make that reader drop services, so the XML is adjusted
before parsing (see _prepare_tsl):
- ceased providers carry a *critical* TakenOverBy extension, which pyHanko refuses
  ("cannot process a critical extension"): it is informational (TS 119 612 5.5.9.3), so
  it is marked non-critical and the service kept;
- before eIDAS (1 July 2016) a qualified CA's status was "undersupervision",
  "accredited" or "supervisionincessation"; pyHanko only honours "granted". Those
  pre-eIDAS statuses are read as granted for their period (eIDAS art. 51 keeps
  certificates issued under Directive 1999/93/EC qualified), so a 2015 signature under
  a provider accredited in 2015 is judged against the 2015 status;
- history entries name the service by its key identifier (X509SKI) only, and pyHanko
  files a history window under the certificates it finds in it (none): the current
  entry's certificates are copied into the history entries of the same service.
The list's own XML signature is not verified at load time (the snapshot's signing
certificates have expired); `pec-precheck trust update` verifies it when downloading.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, UTC
from pathlib import Path
from typing import TYPE_CHECKING

from asn1crypto import pem, x509

from ..model import CheckResult, Finding
from .trustfiles import SNAPSHOT, UPDATED_LIST, default_sources  # noqa: F401 - re-exported

if TYPE_CHECKING:
    from lxml import etree
    from pyhanko.sign.validation.qualified.tsp import TSPRegistry
    from pyhanko_certvalidator.authority import Authority, TrustAnchor
    from pyhanko_certvalidator.registry import TrustManager

log = logging.getLogger(__name__)

_TSL_NS = "http://uri.etsi.org/02231/v2#"
_STATUS = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/"
PRE_EIDAS_QUALIFIED = {_STATUS + s for s in ("undersupervision", "accredited",
                                              "supervisionincessation")}
GRANTED = _STATUS + "granted"
CA_QC = "http://uri.etsi.org/TrstSvc/Svctype/CA/QC"
QTST = "http://uri.etsi.org/TrstSvc/Svctype/TSA/QTST"
MAX_TSL_BYTES = 50 * 1024 * 1024
MAX_FOLDER_FILES = 2000
# trusted lists actually parsed by this process (the trust-cache tests count them: a worker
# forked from a warm forkserver, or finding the pre-parsed cache, parses none)
stats = {"tsl_parses": 0}


@dataclass(frozen=True)
class ServiceStatusPeriod:
    status: str            # last path segment of the status URI: granted, withdrawn, ...
    since: str             # ISO 8601


@dataclass(frozen=True)
class TrustedService:
    """One service of a trusted list, as `trust show` lists it."""
    provider: str
    name: str
    type: str              # CA/QC, TSA/QTST, ...
    status: str
    since: str
    history: tuple[ServiceStatusPeriod, ...] = ()
    taken_over_by: str = ""


@dataclass
class TrustStore:
    """Everything a validation needs to decide trust, built once per check."""
    sources: list[str] = field(default_factory=list)
    roots: list[x509.Certificate] = field(default_factory=list)       # from folders / files
    registry: TSPRegistry | None = None
    services: list[TrustedService] = field(default_factory=list)
    crls: list[bytes] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    tsl_info: dict[str, str] = field(default_factory=dict)
    # built once per store (~70 ms over the Italian list's anchors), then shared by every
    # validation: the store never changes once load_trust returned it
    _manager: TrustManager | None = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_manager"] = None   # rebuilt on first use: smaller pre-parsed cache files
        return state

    @property
    def configured(self) -> bool:
        return bool(self.roots) or self.registry is not None

    def trust_manager(self) -> TrustManager:
        """A pyhanko-certvalidator TrustManager over all anchors (never the OS store).

        Every CA/QC and QTST certificate of a trusted list is an anchor whatever its
        current status, as in DSS: the status history decides *qualification* at the
        signing time (qualified_at), not trust. pyHanko's own TSPTrustManager would
        check the most recent status window against the validation time, which
        rejects a 2015 signature under a provider withdrawn in 2023.
        """
        if self._manager is None:
            self._manager = self._build_manager()
        return self._manager

    def _build_manager(self) -> TrustManager:
        from pyhanko_certvalidator.registry import SimpleTrustManager, TrustManager
        anchors = list(self.roots) + self.list_certificates()
        if anchors:
            return SimpleTrustManager.build(trust_roots=anchors)

        class _Nobody(TrustManager):  # an empty list must not fall back to the OS store
            def as_trust_anchor(self, authority: Authority) -> TrustAnchor | None:
                return None

            def find_potential_issuers(self, cert: x509.Certificate) -> Iterator[TrustAnchor]:
                return iter(())
        return _Nobody()

    def list_certificates(self) -> list[x509.Certificate]:
        from pyhanko_certvalidator.authority import AuthorityWithCert
        if self.registry is None:
            return []
        authorities = set(self.registry.known_certificate_authorities) | set(
            self.registry.known_timestamp_authorities)
        return [a.certificate for a in authorities if isinstance(a, AuthorityWithCert)]

    @functools.cached_property
    def crl_issuers(self) -> frozenset[bytes]:
        """Subject DER hashes of the CAs whose CRL we hold (to say if revocation was checked).
        Read once: the store is complete when load_trust returns it."""
        from asn1crypto import crl
        out: set[bytes] = set()
        for data in self.crls:
            try:
                out.add(crl.CertificateList.load(data)["tbs_cert_list"]["issuer"].sha256)
            except Exception:  # noqa: BLE001 - a bad CRL file is reported at load time
                continue
        return frozenset(out)


def load_trust(paths: list[str]) -> TrustStore:
    """Load trust anchors from trusted-list XML files, certificate files and folders.

    Never raises for a bad source: its problem is recorded in store.errors.
    """
    store = TrustStore()
    for raw in paths or []:
        path = Path(raw)
        store.sources.append(str(path))
        try:
            if path.is_dir():
                files = sorted(p for p in path.iterdir() if p.is_file())[:MAX_FOLDER_FILES]
                for f in files:
                    _load_file(store, f)
            elif path.is_file():
                _load_file(store, path)
            else:
                store.errors.append(f"{path}: non trovato / not found")
        except OSError as exc:
            store.errors.append(f"{path}: {exc.strerror or exc}")
    return store


def _load_file(store: TrustStore, path: Path) -> None:
    if path.stat().st_size > MAX_TSL_BYTES:
        store.errors.append(f"{path}: too large")
        return
    data = path.read_bytes()
    head = data[:4096].lstrip()
    if head.startswith(b"<") or path.suffix.lower() == ".xml":
        if b"TrustServiceStatusList" in data[:200000]:
            _load_tsl(store, path, data)
        return
    suffix = path.suffix.lower()
    try:
        if suffix == ".crl" or b"-----BEGIN X509 CRL" in head:
            store.crls.extend(_der_blocks(data))
            return
        for der in _der_blocks(data):
            store.roots.append(x509.Certificate.load(der))
            store.roots[-1].native  # noqa: B018 - parse now: a broken file fails here, not mid-validation
    except Exception as exc:  # noqa: BLE001 - a bad file is recorded, the others still load
        store.errors.append(f"{path}: {type(exc).__name__}: {exc}"[:300])


def _der_blocks(data: bytes) -> Iterator[bytes]:
    if pem.detect(data):
        for _type, _headers, der in pem.unarmor(data, multiple=True):
            yield der
    else:
        yield data


def _prepare_tsl(data: bytes) -> etree._Element:
    """Parse the list with lxml (no network, no entities) and adjust what pyHanko refuses."""
    from lxml import etree
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True)
    root = etree.fromstring(data, parser)
    for ext in root.iter(f"{{{_TSL_NS}}}Extension"):
        if any(etree.QName(child).localname == "TakenOverBy" for child in ext):
            ext.set("Critical", "false")
    # History entries usually identify the service by X509SKI only; pyHanko registers
    # a history window under the certificates it finds there, so without this the
    # whole history of a withdrawn service would vanish. It is the same service, with
    # the same certificates (TS 119 612 5.6.2): copy them into each history entry.
    for service in root.iter(f"{{{_TSL_NS}}}TSPService"):
        current = service.find(f"{{{_TSL_NS}}}ServiceInformation/{{{_TSL_NS}}}ServiceDigitalIdentity")
        if current is None:
            continue
        certs = current.findall(f"{{{_TSL_NS}}}DigitalId/{{{_TSL_NS}}}X509Certificate")
        for identity in service.iterfind(f"{{{_TSL_NS}}}ServiceHistory/{{{_TSL_NS}}}"
                                         f"ServiceHistoryInstance/{{{_TSL_NS}}}ServiceDigitalIdentity"):
            if identity.find(f".//{{{_TSL_NS}}}X509Certificate") is not None:
                continue
            for cert in certs:
                digital_id = etree.SubElement(identity, f"{{{_TSL_NS}}}DigitalId")
                etree.SubElement(digital_id, f"{{{_TSL_NS}}}X509Certificate").text = cert.text
    for status in root.iter(f"{{{_TSL_NS}}}ServiceStatus"):
        if (status.text or "").strip() in PRE_EIDAS_QUALIFIED:
            status.text = GRANTED
    return root


def _load_tsl(store: TrustStore, path: Path, data: bytes) -> None:
    stats["tsl_parses"] += 1
    try:
        from lxml import etree
        from pyhanko.sign.validation.qualified import eutl_parse
        from pyhanko.sign.validation.qualified.tsp import TSPRegistry
        store.services.extend(_summarise(data))
        root = _prepare_tsl(data)
        store.tsl_info.update(_scheme_info(root, path))
        logging.getLogger(eutl_parse.__name__).setLevel(logging.ERROR)
        registry = store.registry if store.registry is not None else TSPRegistry()
        _, errors = eutl_parse.trust_list_to_registry_unsafe(
            etree.tostring(root, encoding="unicode"), registry)
        store.registry = registry
        store.errors.extend(f"{path.name}: {str(e).splitlines()[0]}"[:300] for e in errors)
    except Exception as exc:  # noqa: BLE001 - a broken list is a recorded error, not a crash
        store.errors.append(f"{path}: {type(exc).__name__}: {exc}"[:300])


def _scheme_info(root: etree._Element, path: Path) -> dict[str, str]:
    def text(tag: str) -> str:
        el = root.find(f".//{{{_TSL_NS}}}{tag}")
        return (el.text or "").strip() if el is not None else ""
    return {"file": path.name, "territory": text("SchemeTerritory"),
            "sequence": text("TSLSequenceNumber"), "issued": text("ListIssueDateTime"),
            "next_update": text("dateTime")}


def _summarise(data: bytes) -> list[TrustedService]:
    """The services with their original (unadjusted) status history, for display and tests."""
    from lxml import etree
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(data, parser)
    ns = {"t": _TSL_NS}
    out: list[TrustedService] = []
    for tsp in root.iterfind(".//t:TrustServiceProvider", ns):
        provider = _first_name(tsp.find("t:TSPInformation/t:TSPName", ns))
        for svc in tsp.iterfind("t:TSPServices/t:TSPService", ns):
            info = svc.find("t:ServiceInformation", ns)
            if info is None:
                continue
            history = tuple(
                ServiceStatusPeriod(status=_last(h.findtext("t:ServiceStatus", "", ns)),
                                    since=h.findtext("t:StatusStartingTime", "", ns).strip())
                for h in svc.iterfind("t:ServiceHistory/t:ServiceHistoryInstance", ns))
            taken = ""
            for el in info.iter():
                if isinstance(el.tag, str) and etree.QName(el).localname == "TakenOverBy":
                    names = [n.text or "" for n in el.iter() if isinstance(n.tag, str)
                             and etree.QName(n).localname == "Name"]
                    taken = names[0] if names else "?"
            out.append(TrustedService(
                provider=provider,
                name=_first_name(info.find("t:ServiceName", ns)),
                type=info.findtext("t:ServiceTypeIdentifier", "", ns).strip()
                    .replace("http://uri.etsi.org/TrstSvc/Svctype/", ""),
                status=_last(info.findtext("t:ServiceStatus", "", ns)),
                since=info.findtext("t:StatusStartingTime", "", ns).strip(),
                history=history, taken_over_by=taken))
    return out


def _first_name(el: etree._Element | None) -> str:
    if el is None:
        return ""
    for child in el:
        if child.text:
            text: str = child.text
            return text.strip()
    return ""


def _last(uri: str) -> str:
    return uri.strip().rstrip("/").rsplit("/", 1)[-1]


def qualified_at(store: TrustStore, path_authorities: Iterable[Authority], moment: datetime | None) -> bool | None:
    """Whether a CA/QC service of a trusted list covered one of the authorities at `moment`.

    None when no trusted list is loaded (nothing to say), False when a list is loaded
    and no qualified CA service was in force.
    """
    if store.registry is None:
        return None
    for authority in path_authorities:
        for sd in store.registry.applicable_service_definitions(authority, moment):
            if sd.base_info.service_type == CA_QC:
                return True
    return False


# ------------------------------------------------------------------ trusted by default

# the shipped snapshot, the updated list's place, and which of them is the default: in
# trustfiles.py, which every run reads without loading this module


def origin(store: TrustStore) -> str:
    """Where the list that decides came from: snapshot, updated, configured or none."""
    if not store.configured:
        return "none"
    if str(SNAPSHOT) in store.sources:
        return "snapshot"
    if str(UPDATED_LIST.resolve()) in store.sources:
        return "updated"
    return "configured"


def list_expired(store: TrustStore, now: datetime | None = None) -> bool:
    """A trusted list past its NextUpdate: its statuses may have changed since."""
    raw = store.tsl_info.get("next_update", "")
    try:
        next_update = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return False
    if next_update.tzinfo is None:
        next_update = next_update.replace(tzinfo=UTC)
    return next_update < (now or datetime.now(UTC))


_ORIGIN_IT = {"snapshot": "copia distribuita con PEC Precheck", "updated": "scaricato con trust update",
              "configured": "configurato", "none": "nessun elenco"}


def facts(store: TrustStore) -> dict[str, object]:
    """Which trust source decided, for the report: flat JSON facts "trusted_list…"."""
    out: dict[str, object] = {"trusted_list_origin": origin(store),
                              "trusted_list_sources": ", ".join(Path(s).name for s in store.sources)}
    if store.tsl_info:
        info = store.tsl_info
        out.update(trusted_list=f"{info.get('territory', '')} n. {info.get('sequence', '')} del "
                                f"{info.get('issued', '')[:10]} ({_ORIGIN_IT[origin(store)]})",
                   trusted_list_issued=info.get("issued", ""),
                   trusted_list_sequence=info.get("sequence", ""),
                   trusted_list_next_update=info.get("next_update", ""),
                   trusted_list_expired=list_expired(store))
    elif store.roots:
        out["trusted_list"] = f"{len(store.roots)} certificati radice ({_ORIGIN_IT[origin(store)]})"
    return out


def findings(store: TrustStore) -> list[Finding]:
    """What the report must show about the trust source itself: a stale list (SIG030)."""
    if store.tsl_info and list_expired(store):
        info = store.tsl_info
        return [Finding("SIG030", args={"issued": info.get("issued", "?")[:10],
                                        "next_update": info.get("next_update", "?")[:10],
                                        "territory": info.get("territory", "") or "?"})]
    return []


def annotate(result: CheckResult, store: TrustStore) -> CheckResult:
    """Add the trust source's facts and warnings to a check that validated signatures."""
    if result.signatures:
        result.facts.update(facts(store))
        result.findings.extend(findings(store))
    return result
