"""ETSI EN 319 102-1 indications → catalogue finding + plain Italian explanation.

DSS-style: the verdict first (the finding's title), the sub-indication's own sentence
and next step on demand (explain()). "Not verifiable because no trusted list is
configured" is kept apart from "not trusted" and from "broken".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import Finding, Indication, SignatureInfo, SubIndication

if TYPE_CHECKING:
    from pyhanko.sign.ades.report import AdESSubIndic


@dataclass(frozen=True)
class Explanation:
    code: str          # catalogue rule for the finding
    it: str            # what happened, for a citizen
    next_it: str       # what to do
    en: str


_ALTERED = Explanation("SIG002", "Il contenuto non corrisponde più a quello firmato: il documento è stato modificato "
                                 "dopo la firma, oppure la firma è danneggiata.",
                       "Firma di nuovo il documento originale e invia il nuovo file firmato.",
                       "The content no longer matches what was signed.")
_FORMAT = Explanation("SIG003", "La busta di firma è danneggiata o non è una firma CAdES/PAdES/XAdES leggibile.",
                      "Rigenera il file firmato con il programma di firma (Dike, GoSign, ArubaSign, FirmaOK…).",
                      "The signature container is damaged or unreadable.")
_REVOKED = Explanation("SIG004", "Il certificato del firmatario era revocato quando il documento è stato firmato.",
                       "Chiedi al firmatario di rinnovare il certificato e di firmare di nuovo.",
                       "The signer's certificate was revoked.")
_NO_TRUST = Explanation("SIG005", "Non verificabile: nessun elenco di fiducia configurato. La firma non è rotta: "
                                  "manca solo l'elenco dei certificatori di cui fidarsi.",
                        "Verifica la firma con il programma di firma o con il servizio di verifica del tuo "
                        "certificatore.",
                        "Not verifiable: no trusted list configured.")
_UNTRUSTED = Explanation("SIG006", "Il certificato non è emesso da un certificatore presente nell'elenco di fiducia: "
                                   "la firma non vale come firma digitale qualificata.",
                         "Chiedi a chi ha firmato una firma digitale qualificata (certificatore dell'elenco AgID), "
                         "oppure controlla con il programma di firma che il certificato risulti qualificato.",
                         "The certificate does not chain to a trusted provider.")
_OUT_OF_BOUNDS = Explanation("SIG007", "Il certificato del firmatario era scaduto (o non ancora valido) e nessuna "
                                       "marca temporale prova che la firma sia stata apposta mentre era valido.",
                             "Firma di nuovo con un certificato valido; per i documenti da conservare aggiungi una "
                             "marca temporale.",
                             "The certificate was outside its validity and no proof of existence is available.")
_OUT_OF_BOUNDS_NOT_REVOKED = Explanation(
    "SIG007", "Il certificato del firmatario è scaduto: i dati di revoca dell'epoca mostrano che non era stato "
              "revocato fino alla scadenza, ma nessuna marca temporale prova che la firma sia stata apposta prima.",
    "Chiedi il file con la marca temporale apposta al momento della firma, se esiste, oppure una nuova firma "
    "con un certificato valido.",
    "The certificate has expired; it was not revoked up to its expiry, but nothing proves the signature "
    "was made before it.")
_EXPIRED = Explanation("SIG033", "La firma è stata apposta dopo la scadenza del certificato del firmatario: lo "
                                  "dimostra una marca temporale sul contenuto successiva alla scadenza.",
                       "Chiedi al firmatario di firmare di nuovo con un certificato valido.",
                       "The signature was made after the signer's certificate expired.")
_CRYPTO = Explanation("SIG008", "La firma usa un algoritmo non più sicuro alla data della firma (per esempio SHA-1 "
                                "dopo il 2011 o chiavi RSA più corte di 2048 bit dopo il 2015).",
                      "Firma di nuovo con un dispositivo e un programma aggiornati (SHA-256, RSA 2048 bit o più).",
                      "The signature uses an algorithm no longer secure at signing time.")
_OTHER = Explanation("SIG009", "La validità della firma non si può stabilire con le informazioni disponibili.",
                     "Verifica il file con il servizio di verifica del tuo certificatore o con un verificatore AgID.",
                     "The signature's validity cannot be established.")

_WRAPPING = Explanation("SIG032", "I riferimenti della firma XML non portano esattamente agli elementi firmati "
                                  "(signature wrapping): ciò che si legge potrebbe non essere ciò che è firmato.",
                        "Chiedi al firmatario di firmare di nuovo il documento originale.",
                        "The XML signature's references do not lead to exactly the signed elements.")

_BY_SUB = {
    SubIndication.HASH_FAILURE: _ALTERED, SubIndication.SIG_CRYPTO_FAILURE: _ALTERED,
    SubIndication.FORMAT_FAILURE: _FORMAT, SubIndication.SIGNED_DATA_NOT_FOUND: _OTHER,
    SubIndication.REVOKED: _REVOKED, SubIndication.REVOKED_NO_POE: _REVOKED, SubIndication.REVOKED_CA_NO_POE: _REVOKED,
    SubIndication.NO_CERTIFICATE_CHAIN_FOUND: _UNTRUSTED, SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE: _UNTRUSTED,
    SubIndication.CHAIN_CONSTRAINTS_FAILURE: _UNTRUSTED, SubIndication.NO_SIGNING_CERTIFICATE_FOUND: _FORMAT,
    SubIndication.OUT_OF_BOUNDS_NO_POE: _OUT_OF_BOUNDS,
    SubIndication.OUT_OF_BOUNDS_NOT_REVOKED: _OUT_OF_BOUNDS_NOT_REVOKED,
    SubIndication.EXPIRED: _EXPIRED, SubIndication.NOT_YET_VALID: _OUT_OF_BOUNDS,
    SubIndication.CRYPTO_CONSTRAINTS_FAILURE: _CRYPTO, SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE: _CRYPTO,
}
_VALID = Explanation("SIG001", "La firma è valida: il documento è integro e il certificato era valido al momento "
                               "della firma.",
                     "Nessuna azione necessaria.", "The signature is valid.")


_KIND_LABEL = {"cades": "CAdES", "pades": "PAdES", "xades": "XAdES", "timestamp": "della marca temporale"}


def explain(info: SignatureInfo, trust_configured: bool = True) -> Explanation:
    if info.indication is Indication.PASSED:
        return _VALID
    if info.details.get("wrapping"):
        return _WRAPPING
    if info.sub_indication is SubIndication.NO_CERTIFICATE_CHAIN_FOUND and not trust_configured:
        return _NO_TRUST
    return _BY_SUB.get(info.sub_indication, _OTHER) if info.sub_indication else _OTHER


def finding_for(info: SignatureInfo, trust_configured: bool = True) -> Finding:
    """The one finding that states this signature's verdict."""
    ex = explain(info, trust_configured)
    args = {"signer": info.signer or "firmatario sconosciuto",
            "indication": info.indication.value,
            "sub_indication": info.sub_indication.value if info.sub_indication else "-",
            "kind": _KIND_LABEL.get(info.kind, info.kind)}
    detail = ex.it if ex.code in ("SIG009", "SIG003") else ""
    if info.details.get("error"):
        detail = f"{detail} ({info.details['error']})".strip()
    if ex is _WRAPPING:
        args["detail"] = detail = str(info.details["wrapping"])
    if info.details.get("role"):
        args["kind"] = f"{args['kind']} ({info.details['role']})"
    return Finding(ex.code, detail=detail, args=args)


def from_pyhanko(subindic: AdESSubIndic) -> tuple[Indication, SubIndication | None]:
    """pyHanko's AdES outcome as our enums; a PASSED outcome has no sub-indication."""
    indication = Indication[subindic.status.name]
    return indication, None if indication is Indication.PASSED else SubIndication(subindic.standard_name)
