"""The PEC provider's S/MIME signature over an envelope or receipt (DPR 68/2005 art. 9).

Validation is the project's signature machinery (checker.signatures.cms.verify_detached,
trusted list from settings["trust"]); this module only turns its result into the triage's
words: valid, invalid, or not verified (and why).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import Finding, SignatureInfo

ALTERED = {"HASH_FAILURE", "SIG_CRYPTO_FAILURE", "FORMAT_FAILURE"}


@dataclass(frozen=True)
class EnvelopeSignature:
    status: str                 # valid | invalid | not-verified | missing
    signer: str | None = None
    issuer: str | None = None
    indication: str | None = None
    sub_indication: str | None = None
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "signer": self.signer, "issuer": self.issuer,
                "indication": self.indication, "sub_indication": self.sub_indication,
                "detail": self.detail}


def verify(signature: bytes | None, content: bytes | None, signed: bool,
           settings: dict[str, Any]) -> tuple[EnvelopeSignature, list[Finding]]:
    if not signed or not signature:
        why = "il messaggio non è firmato (non è multipart/signed)" if not signed \
            else "la parte smime.p7s manca o è vuota"
        return EnvelopeSignature("missing", detail=why), [Finding("PEC009", detail=why)]
    if content is None:
        why = "la parte firmata non si può delimitare nel messaggio"
        return (EnvelopeSignature("invalid", detail=why),
                [Finding("PEC011", detail=why, args={"detail": why})])
    try:
        from ..signatures.cms import verify_detached
    except ImportError:
        why = "verifica delle firme non disponibile in questa installazione"
        return (EnvelopeSignature("not-verified", detail=why),
                [Finding("PEC010", detail=why, args={"detail": why})])
    try:
        infos = verify_detached(signature, content, settings)
    except Exception as exc:  # noqa: BLE001 - a failing validator means "not verified"
        why = f"errore del verificatore: {type(exc).__name__}"
        return (EnvelopeSignature("not-verified", detail=why),
                [Finding("PEC010", detail=why, args={"detail": why})])
    if not infos:
        why = "nessun firmatario nella firma"
        return (EnvelopeSignature("invalid", detail=why),
                [Finding("PEC011", detail=why, args={"detail": why})])
    return _summarise(infos[0], bool(settings.get("trust")))


def _summarise(info: SignatureInfo, trust_configured: bool) -> tuple[EnvelopeSignature, list[Finding]]:
    base = {"signer": info.signer, "issuer": info.issuer, "indication": info.indication,
            "sub_indication": info.sub_indication}
    who = info.signer or "firmatario sconosciuto"
    if info.indication == "PASSED":
        return (EnvelopeSignature("valid", detail=who, **base),
                [Finding("PEC014", detail=who, args={"detail": who})])
    if info.indication == "FAILED" and (info.sub_indication in ALTERED or info.sub_indication is None):
        why = {"HASH_FAILURE": "il contenuto è stato modificato dopo la firma",
               "SIG_CRYPTO_FAILURE": "la firma non corrisponde al contenuto",
               "FORMAT_FAILURE": "la firma è danneggiata"}.get(info.sub_indication or "", "firma non valida")
        if info.details.get("error"):
            why += f" ({info.details['error']})"
        return (EnvelopeSignature("invalid", detail=why, **base),
                [Finding("PEC011", detail=why, args={"detail": why})])
    if info.sub_indication == "NO_CERTIFICATE_CHAIN_FOUND":
        why = ("nessun elenco di fiducia dei gestori configurato" if not trust_configured
               else f"il certificato di {who} non è nell'elenco di fiducia configurato")
    else:
        why = f"{info.indication}/{info.sub_indication or '-'}"
    status = "invalid" if info.indication == "FAILED" else "not-verified"
    code = "PEC011" if status == "invalid" else "PEC010"
    return EnvelopeSignature(status, detail=why, **base), [Finding(code, detail=why, args={"detail": why})]
