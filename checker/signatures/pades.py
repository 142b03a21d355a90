"""PAdES: every signature of a signed PDF, what it covers, and what changed after it.

pyHanko reads the signature fields, validates each signature (integrity, trust against
our anchors, the dated algorithm policy) and runs its difference analysis over the
revisions added after each signature: NONE / LTA_UPDATES / FORM_FILLING / ANNOTATIONS
are changes a signer allows (another signature, a timestamp, DSS data, filled fields);
OTHER means the content shown is no longer the content signed. Document timestamps
(/DocTimeStamp) are reported as timestamps; DSS presence as LTV data.
"""
from __future__ import annotations

import asyncio
import io
from datetime import datetime, UTC
from typing import TYPE_CHECKING, Any

from asn1crypto import x509

from ..model import CheckResult, Finding, Indication, InputFile, SignatureInfo, SubIndication
from . import certinfo, indications, revocation
from .cms import DatedAlgorithmPolicy, _validation_time, qualification, trust_from_settings
from .trust import TrustStore, qualified_at

if TYPE_CHECKING:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
    from pyhanko.sign.validation.status import DocumentTimestampStatus, PdfSignatureStatus
    from pyhanko_certvalidator import ValidationContext

ENGINE = "pyHanko (PAdES, ETSI EN 319 102-1)"
MAX_SIGNATURES = 30
_ALLOWED_CHANGES = {"NONE": "nessuna", "LTA_UPDATES": "dati di validazione o marche temporali",
                    "FORM_FILLING": "compilazione di campi o altre firme",
                    "ANNOTATIONS": "annotazioni", "OTHER": "modifiche al contenuto"}


def looks_signed(data: bytes) -> bool:
    """Cheap pre-filter: a PDF signature dictionary always has a /ByteRange."""
    return b"/ByteRange" in data


def check(file: InputFile, settings: dict[str, Any]) -> CheckResult:
    if not looks_signed(file.data):
        return CheckResult()
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader
        reader = PdfFileReader(io.BytesIO(file.data), strict=False)
        if reader.encrypted:
            return CheckResult(findings=[Finding("SIG009", detail="PDF cifrato: firme non verificabili",
                                                 args={"signer": "?", "indication": "INDETERMINATE",
                                                       "sub_indication": "-"})], engine=ENGINE)
        embedded = list(reader.embedded_signatures)[:MAX_SIGNATURES]
    except RecursionError:
        return CheckResult(findings=[Finding("SIG003", detail="PDF nested too deeply")], engine=ENGINE)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - a PDF pyHanko cannot read: say so
        return CheckResult(findings=[Finding("SIG003", detail=f"{type(exc).__name__}: {exc}"[:300])],
                           engine=ENGINE)
    if not embedded:
        if b"/ByteRange [" in file.data or b"/ByteRange[" in file.data:
            # a signature dictionary is there but pyHanko found no usable field: say so
            return CheckResult(findings=[Finding("SIG003", detail="PDF signature field unreadable")],
                               engine=ENGINE)
        return CheckResult()
    store = trust_from_settings(settings)
    result = CheckResult(engine=ENGINE, facts={"pades": {
        "signatures": len(embedded), "dss": _has_dss(reader)}})
    for index, emb in enumerate(embedded):
        try:
            info, findings = _validate(emb, store, settings)
        except RecursionError:
            info, findings = _failure(index, "nested too deeply")
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - one bad signature does not hide the others
            info, findings = _failure(index, f"{type(exc).__name__}: {exc}"[:300])
        result.signatures.append(info)
        result.findings.extend(findings)
    return result


def _has_dss(reader: PdfFileReader) -> bool:
    try:
        return "/DSS" in reader.root
    except Exception:  # noqa: BLE001
        return False


def _failure(index: int, detail: str) -> tuple[SignatureInfo, list[Finding]]:
    info = SignatureInfo(kind="pades", indication=Indication.FAILED, sub_indication=SubIndication.FORMAT_FAILURE,
                         details={"error": detail, "field_index": index})
    return info, [indications.finding_for(info)]


def _context(store: TrustStore, settings: dict[str, Any], revinfo: revocation.Revinfo | None = None,
             leaf: x509.Certificate | None = None) -> ValidationContext:
    from pyhanko_certvalidator import ValidationContext
    return ValidationContext(
        trust_manager=store.trust_manager(), crls=revocation.crls(store, revinfo),
        ocsps=revocation.ocsps(revinfo), allow_fetching=False,
        revinfo_policy=revocation.policy(revinfo, leaf),
        algorithm_usage_policy=DatedAlgorithmPolicy(), moment=_validation_time(settings))


def _validate(emb: EmbeddedPdfSignature, store: TrustStore,
              settings: dict[str, Any]) -> tuple[SignatureInfo, list[Finding]]:
    from pyhanko.sign.validation.pdf_embedded import (async_validate_pdf_signature,
                                                      async_validate_pdf_timestamp)
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko.sign.validation.status import DocumentTimestampStatus
    field = emb.field_name
    is_doc_ts = emb.sig_object.get("/Type") == "/DocTimeStamp"
    usage = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"},
                                match_all_key_usages=False)

    def validate(revinfo: revocation.Revinfo | None = None, leaf: x509.Certificate | None = None
                 ) -> PdfSignatureStatus | DocumentTimestampStatus:
        if is_doc_ts:
            return asyncio.run(async_validate_pdf_timestamp(
                emb, validation_context=_context(store, settings, revinfo, leaf)))
        return asyncio.run(async_validate_pdf_signature(
            emb, signer_validation_context=_context(store, settings, revinfo, leaf),
            ts_validation_context=_context(store, settings), key_usage_settings=usage))

    status = validate()
    revinfo = None
    if not is_doc_ts and status.revocation_details is None:
        revinfo = revocation.gather(status.validation_path, status.signing_cert, store, settings)
        if revinfo and revinfo.covered:   # validate again, the answers now required
            status = validate(revinfo, status.signing_cert)
    described = certinfo.describe(status.signing_cert)
    modification = status.modification_level.name if status.modification_level else "UNKNOWN"
    coverage = status.coverage.name if status.coverage else "UNCLEAR"
    when: datetime | None
    if isinstance(status, DocumentTimestampStatus):   # exactly when is_doc_ts
        when = status.timestamp
    elif (ts := status.timestamp_validity) is not None and ts.valid and ts.intact:
        when = ts.timestamp
    else:
        when = status.signer_reported_dt
    if not (status.intact and status.valid):
        indication = Indication.FAILED
        sub = SubIndication.HASH_FAILURE if not status.intact else SubIndication.SIG_CRYPTO_FAILURE
    elif status.trust_problem_indic is not None:
        indication = Indication[status.trust_problem_indic.status.name]
        sub = SubIndication(status.trust_problem_indic.standard_name)
    else:
        indication, sub = Indication.PASSED, None
    qualified = None
    if not is_doc_ts:
        in_list = None
        if status.validation_path is not None and store.registry is not None:
            in_list = qualified_at(store, list(status.validation_path.iter_authorities()), when)
        qualified = qualification(described, status.validation_path is not None
                                  and status.trust_problem_indic is None, in_list)
    details = {"field": field, "coverage": coverage, "modification": modification,
               "digest_algorithm": status.md_algorithm,
               "key": f"{described.key_algorithm.upper()} {described.key_bits or '?'}",
               "not_after": described.not_after}
    kind = "timestamp" if is_doc_ts else "pades"
    info = SignatureInfo(kind=kind, signer=described.signer, codice_fiscale=described.codice_fiscale,
                         issuer=described.issuer,
                         signing_time=when.astimezone(UTC).isoformat() if when else None,
                         qualified=qualified, indication=indication, sub_indication=sub,
                         details=details)
    findings = []
    changes = _ALLOWED_CHANGES.get(modification, modification)
    if indication is not Indication.FAILED and (modification == "OTHER" or coverage == "UNCLEAR"
                                   or status.docmdp_ok is False):
        details["modified_after_signing"] = True
        info = SignatureInfo(**{**info.__dict__, "indication": Indication.FAILED, "sub_indication": None})
        findings.append(Finding("SIG016", args={"signer": described.signer or "?", "changes": changes},
                                location=f"campo {field}"))
    else:
        verdict = indications.finding_for(info, trust_configured=store.configured)
        findings.append(Finding(verdict.code, detail=verdict.detail, args=verdict.args,
                                location=f"campo {field}"))
        if modification in ("LTA_UPDATES", "FORM_FILLING", "ANNOTATIONS") and indication is not Indication.FAILED:
            findings.append(Finding("SIG017", args={"signer": described.signer or "?",
                                                    "changes": changes}, location=f"campo {field}"))
    if indication is not Indication.FAILED and not is_doc_ts:
        if status.revocation_details is None and status.validation_path is not None:
            checked, unchecked = revocation.outcome(status.signing_cert, store, revinfo, settings,
                                                    described.signer, sub)
            details.update(checked)
            if unchecked:
                findings.append(unchecked)
        if not described.non_repudiation:
            findings.append(Finding("SIG010", args={"signer": described.signer or "?"}))
        if qualified is False and indication is Indication.PASSED:
            findings.append(Finding("SIG013", args={"signer": described.signer or "?"}))
    return info, findings
