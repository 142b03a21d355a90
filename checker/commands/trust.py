"""`pec-precheck trust show [--trust PATH]...` — what the trust anchors are;
`pec-precheck trust verify FILE [--at DATE] [--tlso-cert PEM]` — check a trusted list's XML signature;
`pec-precheck trust update [--out FILE] [--timeout S]` — download the Italian trusted list (when the
network allows), verify its signature with the certificates the EU list of trusted lists
(LOTL, itself verified with pyHanko's bundled LOTL signer certificates) names for Italy,
and save it. Nothing else ever downloads: checks and tests read local files only.
"""
from __future__ import annotations

import sys
import urllib.request
from datetime import datetime, UTC
from pathlib import Path

from ..signatures.trust import SNAPSHOT, UPDATED_LIST, list_expired, load_trust, origin

LOTL_URL = "https://ec.europa.eu/tools/lotl/eu-lotl.xml"
IT_TSL_URL = "https://eidas.agid.gov.it/TL/TSL-IT.xml"
DOWNLOAD_TIMEOUT = 60
MAX_DOWNLOAD = 50 * 1024 * 1024


def register(sub) -> None:
    p = sub.add_parser("trust", help="elenchi di fiducia / trusted lists")
    actions = p.add_subparsers(dest="trust_command", required=True, metavar="ACTION")
    show = actions.add_parser("show", help="mostra i certificatori di fiducia / show trust anchors")
    show.add_argument("--trust", action="append", default=[], metavar="PATH")
    show.add_argument("--all", action="store_true", help="elenca ogni servizio / list every service")
    show.set_defaults(func=run_show)
    verify = actions.add_parser("verify", help="verifica la firma di un elenco / verify a list's signature")
    verify.add_argument("file", metavar="FILE")
    verify.add_argument("--at", default="", help="data di verifica ISO (es. 2023-09-26)")
    verify.add_argument("--tlso-cert", action="append", default=[], metavar="PEM",
                        help="certificato del gestore dell'elenco; senza, quello nella firma")
    verify.set_defaults(func=run_verify)
    update = actions.add_parser("update", help="scarica l'elenco italiano / download the Italian list")
    update.add_argument("--out", default=str(UPDATED_LIST), metavar="FILE")
    update.add_argument("--timeout", type=float, default=DOWNLOAD_TIMEOUT, metavar="SECONDS",
                        help="attesa massima per ogni download / per-download timeout")
    update.set_defaults(func=run_update)


def run_show(args) -> int:
    from ..checks import settings_from_env  # here, not at the top: --help imports no check
    paths = args.trust or settings_from_env()["trust"]
    store = load_trust(paths)
    if not store.configured:
        print("Nessun elenco di fiducia configurato (PEC_PRECHECK_TRUST o --trust): "
              "le firme risulteranno «non verificabili». / No trust configured.")
    for src in store.sources:
        print(f"fonte / source: {src}")
    if store.tsl_info:
        i = store.tsl_info
        print(f"elenco {i.get('territory')} n. {i.get('sequence')} del {i.get('issued')}, "
              f"prossimo aggiornamento {i.get('next_update')}")
    if origin(store) == "snapshot":
        print("elenco predefinito: la copia distribuita con PEC Precheck (nessun PEC_PRECHECK_TRUST o --trust) "
              "/ default: the snapshot shipped with PEC Precheck")
    elif origin(store) == "updated":
        print(f"elenco predefinito: quello scaricato da `pec-precheck trust update` ({UPDATED_LIST}) "
              "/ default: the list trust update saved")
    if list_expired(store):
        print(f"attenzione: elenco non aggiornato, la data di prossimo aggiornamento "
              f"({store.tsl_info.get('next_update', '?')[:10]}) è passata: pec-precheck trust update "
              "/ warning: list past its NextUpdate")
    ca = [s for s in store.services if s.type == "CA/QC"]
    tsa = [s for s in store.services if s.type == "TSA/QTST"]
    print(f"certificati radice da cartelle / folder roots: {len(store.roots)}; CRL: {len(store.crls)}")
    print(f"servizi CA/QC: {len(ca)} ({sum(s.status == 'granted' for s in ca)} attivi); "
          f"TSA/QTST: {len(tsa)}; prestatori / providers: {len({s.provider for s in store.services})}")
    if args.all:
        for s in store.services:
            history = ", ".join(f"{h.status} {h.since[:10]}" for h in s.history)
            extra = f" — rilevato da {s.taken_over_by}" if s.taken_over_by else ""
            print(f"  [{s.type}] {s.provider}: {s.name} — {s.status} dal {s.since[:10]}"
                  f"{' (storia: ' + history + ')' if history else ''}{extra}")
    for err in store.errors:
        print(f"problema / problem: {err}", file=sys.stderr)
    return 0 if store.configured and not store.errors else 1


def verify_list_signature(xml: bytes, tlso_certs: list | None = None,
                          at: datetime | None = None) -> str:
    """Verify a trusted list's XAdES signature with pyHanko (signxml underneath).
    Returns "" when valid, else the reason. Without tlso_certs, the certificate in the
    signature's own KeyInfo is used: that proves integrity, not who signed it."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.qualified import eutl_parse
    if not tlso_certs:
        tlso_certs = [asn1_x509.Certificate.load(c) for c in _keyinfo_certs(xml)]
    if not tlso_certs:
        return "no signing certificate"
    try:
        eutl_parse._validate_and_extract_tl_data_multiple_certs(xml.decode("utf-8"), tlso_certs, at)
        return ""
    except SignatureValidationError as exc:
        return str(exc.failure_message)[:500]
    except Exception as exc:  # noqa: BLE001 - any parse problem is "not valid"
        return f"{type(exc).__name__}: {exc}"[:500]


def _keyinfo_certs(xml: bytes) -> list[bytes]:
    import base64
    from lxml import etree
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(xml, parser)
    ns = "http://www.w3.org/2000/09/xmldsig#"
    return [base64.b64decode("".join((el.text or "").split()))
            for el in root.iterfind(f"{{{ns}}}Signature/{{{ns}}}KeyInfo/{{{ns}}}X509Data/{{{ns}}}X509Certificate")]


def run_verify(args) -> int:
    from asn1crypto import pem, x509 as asn1_x509
    data = Path(args.file).read_bytes()
    certs = []
    for name in args.tlso_cert:
        raw = Path(name).read_bytes()
        for _, _, der in (pem.unarmor(raw, multiple=True) if pem.detect(raw) else [(None, None, raw)]):
            certs.append(asn1_x509.Certificate.load(der))
    at = datetime.fromisoformat(args.at).replace(tzinfo=UTC) if args.at else None
    problem = verify_list_signature(data, certs, at)
    if problem:
        print(f"firma dell'elenco NON valida / list signature NOT valid: {problem}")
        return 1
    print("firma dell'elenco valida / list signature valid"
          + ("" if certs else " (certificato preso dalla firma stessa / certificate from the signature itself)"))
    return 0


def _download(url: str, timeout: float = DOWNLOAD_TIMEOUT) -> bytes:
    req = urllib.request.Request(url, headers={"User-Agent": "pec-precheck"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - fixed https URLs
        data = resp.read(MAX_DOWNLOAD + 1)
    if len(data) > MAX_DOWNLOAD:
        raise ValueError(f"{url}: larger than {MAX_DOWNLOAD} bytes")
    return data


def run_update(args) -> int:
    from pyhanko.sign.validation.qualified import eutl_parse
    try:
        lotl = _download(LOTL_URL, args.timeout)
        parsed = eutl_parse.validate_and_parse_lotl(lotl.decode("utf-8"))
        italy = next((r for r in parsed.references if r.territory == "IT"), None)
        url = italy.location_uri if italy else IT_TSL_URL
        tsl = _download(url, args.timeout)
    except Exception as exc:  # noqa: BLE001 - offline is the normal case; pyhanko's list parser raises many kinds
        print(f"pec-precheck: download non riuscito / download failed: {exc}", file=sys.stderr)
        _say_fallback(args.out)
        return 2
    problem = verify_list_signature(tsl, italy.tlso_certs if italy else None)
    if problem:
        print(f"pec-precheck: firma dell'elenco non valida, non salvato / not saved: {problem}",
              file=sys.stderr)
        _say_fallback(args.out)
        return 1
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(tsl)
    store = load_trust([str(out)])
    hint = ("usato in automatico da qui / used by default from this folder" if out == UPDATED_LIST
            else f"usa PEC_PRECHECK_TRUST={out.resolve()}")
    print(f"salvato / saved {out}: {len(store.services)} servizi; {hint}")
    return 0


def _say_fallback(out: str) -> None:
    """What the checks will use instead: the list saved earlier, else the shipped snapshot."""
    if Path(out).is_file():
        print(f"pec-precheck: resta in uso l'elenco già scaricato / keeping the list saved earlier: {out}",
              file=sys.stderr)
    else:
        print(f"pec-precheck: si userà l'elenco distribuito con PEC Precheck / falling back to the shipped "
              f"snapshot: {SNAPSHOT.name}", file=sys.stderr)
