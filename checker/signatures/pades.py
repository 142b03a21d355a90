"""PAdES: every signature of a signed PDF, what it covers, and what changed after it.

Every filled signature field is listed, whatever its sub-filter (pyHanko's own reader
silently skips the legacy adbe.pkcs7.sha1 and adbe.x509.rsa_sha1: pdflegacy.py validates
those), and each is validated in its own try: a pyHanko failure on one signature is that
signature's "undetermined, here is why" (SIG009), never FAILED and never a lost neighbour.
pyHanko validates (integrity, trust against our anchors, the dated algorithm policy) and
its difference analysis classifies what came after each signature; pdfchanges.py judges
that against what the signature allows (DocMDP). Revocation data in the document's DSS
(PAdES-LT/LTA) is evidence, used before anything is fetched online (dss.py). Document
timestamps (/DocTimeStamp) are reported as timestamps.
"""
from __future__ import annotations

import asyncio
import io
from dataclasses import replace
from datetime import datetime, UTC
from typing import TYPE_CHECKING, Any

from asn1crypto import x509

from ..model import CheckResult, Finding, Indication, InputFile, SignatureInfo, SubIndication
from . import certinfo, dss, indications, outofbounds, pdfchanges, pdflegacy, revocation, sniff
from .cms import DatedAlgorithmPolicy, qualification, trust_from_settings
from .trust import TrustStore, qualified_at
from .validation_time import validation_time

if TYPE_CHECKING:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
    from pyhanko.sign.validation.status import DocumentTimestampStatus, PdfSignatureStatus
    from pyhanko_certvalidator import ValidationContext

ENGINE = "pyHanko (PAdES, ETSI EN 319 102-1)"
MAX_SIGNATURES = 30

Verdict = tuple[SignatureInfo, list[Finding]]


def check(file: InputFile, settings: dict[str, Any]) -> CheckResult:
    if not sniff.pdf_looks_signed(file.data):
        return CheckResult()
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.fields import enumerate_sig_fields
        reader = PdfFileReader(io.BytesIO(file.data), strict=False)
        if reader.encrypted:
            return CheckResult(findings=[Finding("SIG009", detail="PDF cifrato: firme non verificabili",
                                                 args={"signer": "?", "indication": "INDETERMINATE",
                                                       "sub_indication": "-"})], engine=ENGINE)
        fields = list(enumerate_sig_fields(reader, filled_status=True))[:MAX_SIGNATURES]
    except RecursionError:
        return CheckResult(findings=[Finding("SIG003", detail="PDF nested too deeply")], engine=ENGINE)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - a PDF pyHanko cannot read: say so
        return CheckResult(findings=[Finding("SIG003", detail=f"{type(exc).__name__}: {exc}"[:300])],
                           engine=ENGINE)
    if not fields:
        if b"/ByteRange [" in file.data or b"/ByteRange[" in file.data:
            # a signature dictionary is there but pyHanko found no usable field: say so
            return CheckResult(findings=[Finding("SIG003", detail="PDF signature field unreadable")],
                               engine=ENGINE)
        return CheckResult()
    store = trust_from_settings(settings)
    evidence = dss.read(reader)
    certification = pdfchanges.certification_permission(reader)
    facts: dict[str, Any] = {"signatures": len(fields), "dss": _has_dss(reader)}
    if evidence.present:
        facts["dss_content"] = {"ocsps": len(evidence.ocsps), "crls": len(evidence.crls),
                                "certificates": len(evidence.certs)}
    if certification is not None:
        facts["certification_level"] = certification
    result = CheckResult(engine=ENGINE, facts={"pades": facts})
    verdicts: list[tuple[int, int, Verdict]] = []
    for index, (name, sig_ref, field) in enumerate(fields):
        revision = _revision(reader, sig_ref)
        try:
            verdict = _one(reader, field, str(name), store, settings, evidence, certification)
        except RecursionError:
            verdict = _undetermined(reader, field, str(name), "nested too deeply")
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - one signature pyHanko fails on does not hide the others
            verdict = _undetermined(reader, field, str(name), f"{type(exc).__name__}: {exc}"[:300])
        verdicts.append((revision, index, verdict))
    for _, _, (info, findings) in sorted(verdicts, key=lambda v: (v[0], v[1])):   # signing order
        result.signatures.append(info)
        result.findings.extend(findings)
    return result


def _revision(reader: PdfFileReader, sig_ref: generic.IndirectObject) -> int:
    try:
        return int(reader.xrefs.get_last_change(sig_ref.reference))
    except Exception:  # noqa: BLE001 - unknown revision: listed last, in field order
        return 1 << 30


def _has_dss(reader: PdfFileReader) -> bool:
    try:
        return "/DSS" in reader.root
    except Exception:  # noqa: BLE001
        return False


def _one(reader: PdfFileReader, field: generic.DictionaryObject, name: str, store: TrustStore,
         settings: dict[str, Any], evidence: dss.Evidence, certification: int | None) -> Verdict:
    """Validate one signature field, whatever its sub-filter, and judge what came after it."""
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
    field = field.get_object()  # type: ignore[no-untyped-call]  # pyHanko leaves it unannotated
    sub_filter = str(field["/V"].get_object().get("/SubFilter", ""))
    if sub_filter == pdflegacy.X509_RSA_SHA1:
        emb = pdflegacy.raw_signature(reader, field, name)
    else:
        emb = EmbeddedPdfSignature(reader, field, name)
    changes = pdfchanges.analyse(emb, certification)
    if sub_filter == pdflegacy.X509_RSA_SHA1:
        info, findings = pdflegacy.validate_x509_rsa_sha1(emb, store, settings)
    elif sub_filter == pdflegacy.PKCS7_SHA1:
        info, findings = pdflegacy.validate_pkcs7_sha1(emb, store, settings)
    else:
        info, findings = _validate(emb, store, settings, evidence)
    info.details.update(field=name, coverage=changes.coverage, modification=changes.level,
                        allowed_modification=changes.allowed)
    if sub_filter and sub_filter not in ("/ETSI.CAdES.detached", "/ETSI.RFC3161"):
        info.details["sub_filter"] = sub_filter.lstrip("/")
    return _judge_changes(info, findings, changes)


def _judge_changes(info: SignatureInfo, findings: list[Finding], changes: pdfchanges.Changes) -> Verdict:
    name = str(info.details.get("field", "?"))
    signer = info.signer or "?"
    where = f"campo {name}"
    findings = [f if f.location else replace(f, location=where) for f in findings]
    if changes.reason:
        info.details["modification_reason"] = changes.reason
    if info.indication is Indication.FAILED:
        return info, findings
    if changes.modified:
        info.details["modified_after_signing"] = True
        failed = SignatureInfo(**{**info.__dict__, "indication": Indication.FAILED, "sub_indication": None})
        return failed, [Finding("SIG016", args={"signer": signer, "changes": changes.label}, location=where)]
    if changes.level == "UNKNOWN":
        findings.append(Finding("SIG031", detail=changes.reason,
                                args={"signer": signer, "reason": changes.reason or "?"}, location=where))
    elif changes.allowed_changes:
        findings.insert(1, Finding("SIG017", args={"signer": signer, "changes": changes.label},
                                   location=where))
    return info, findings


def _undetermined(reader: PdfFileReader, field: generic.DictionaryObject, name: str, why: str) -> Verdict:
    """A signature pyHanko could not process: listed, undetermined, with the reason."""
    signer = None
    try:
        from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
        signer = certinfo.describe(EmbeddedPdfSignature(reader, field, name).signer_cert).signer
    except Exception:  # noqa: BLE001 - the name is a courtesy; the reason is what matters
        signer = None
    info = SignatureInfo(kind="pades", signer=signer, indication=Indication.INDETERMINATE,
                         details={"error": why, "field": name})
    return info, [replace(indications.finding_for(info), location=f"campo {name}")]


def _context(store: TrustStore, settings: dict[str, Any], revinfo: revocation.Revinfo | None = None,
             leaf: x509.Certificate | None = None, evidence: dss.Evidence | None = None,
             moment: datetime | None = None) -> ValidationContext:
    from pyhanko_certvalidator import ValidationContext
    return ValidationContext(
        trust_manager=store.trust_manager(), crls=revocation.crls(store, revinfo),
        ocsps=revocation.ocsps(revinfo), allow_fetching=False,
        other_certs=list(evidence.certs) if evidence else [],
        revinfo_policy=revocation.policy(revinfo, leaf),
        algorithm_usage_policy=DatedAlgorithmPolicy(), moment=moment or validation_time(settings))


def _validate(emb: EmbeddedPdfSignature, store: TrustStore, settings: dict[str, Any],
              evidence: dss.Evidence) -> Verdict:
    from pyhanko.sign.validation.pdf_embedded import (async_validate_pdf_signature,
                                                      async_validate_pdf_timestamp)
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    is_doc_ts = emb.sig_object.get("/Type") == "/DocTimeStamp"
    usage = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"},
                                match_all_key_usages=False)

    def validate(revinfo: revocation.Revinfo | None = None, leaf: x509.Certificate | None = None,
                 moment: datetime | None = None) -> PdfSignatureStatus | DocumentTimestampStatus:
        # the difference analysis already ran (pdfchanges.analyse): skip_diff keeps its result
        context = _context(store, settings, revinfo, leaf, evidence, moment)
        if is_doc_ts:
            return asyncio.run(async_validate_pdf_timestamp(emb, validation_context=context,
                                                            skip_diff=True))
        return asyncio.run(async_validate_pdf_signature(
            emb, signer_validation_context=context,
            ts_validation_context=_context(store, settings, evidence=evidence),
            key_usage_settings=usage, skip_diff=True))

    status = validate()
    revinfo = None
    if not is_doc_ts and status.revocation_details is None and status.validation_path is not None:
        in_file = dss.revinfo_for(evidence, status.validation_path)
        if in_file is None or not in_file.covers(status.signing_cert):
            # nothing in the document speaks for the signer: ask its services (when online)
            fetched = revocation.gather(status.validation_path, status.signing_cert, store, settings)
            in_file = dss.revinfo_for(evidence, status.validation_path, fetched)
        revinfo = in_file
        if revinfo and revinfo.covered:   # validate again, the answers now required
            again = validate(revinfo, status.signing_cert)
            proof = _proof_time(again)
            if (again.trust_problem_indic is not None and proof is not None
                    and _sub(again) in revocation.REVINFO_REFUSED):
                # LTV data from signing time, stale today: judged at the time the signature
                # timestamp proves (EN 319 102-1 5.5 validation with time)
                again = validate(revinfo, status.signing_cert, proof)
            status = again
    proof = None if is_doc_ts else _proof_time(status)
    if (not is_doc_ts and status.intact and status.valid and proof is not None
            and outofbounds.expired_at(status.signing_cert, validation_time(settings))
            and outofbounds.inside(status.signing_cert, proof)):
        # expired since, timestamped while valid: validated at the proof of existence
        status = validate(revinfo, status.signing_cert if revinfo and revinfo.covered else None, proof)
    held = [*emb.other_embedded_certs, *evidence.certs] if not is_doc_ts else []
    return _verdict(status, is_doc_ts, store, settings, revinfo, evidence, held)


def _proof_time(status: PdfSignatureStatus | DocumentTimestampStatus) -> datetime | None:
    from pyhanko.sign.validation.status import DocumentTimestampStatus
    if isinstance(status, DocumentTimestampStatus):
        return None
    ts = status.timestamp_validity
    return ts.timestamp if ts is not None and ts.valid and ts.intact else None


def _content_time(status: PdfSignatureStatus | DocumentTimestampStatus) -> datetime | None:
    """When a valid content timestamp (signed attribute) says the signature was made after."""
    ts = getattr(status, "content_timestamp_validity", None)
    return ts.timestamp if ts is not None and ts.valid and ts.intact else None


def _sub(status: PdfSignatureStatus | DocumentTimestampStatus) -> SubIndication | None:
    problem = status.trust_problem_indic
    return SubIndication(problem.standard_name) if problem is not None else None


def _verdict(status: PdfSignatureStatus | DocumentTimestampStatus, is_doc_ts: bool, store: TrustStore,
             settings: dict[str, Any], revinfo: revocation.Revinfo | None,
             evidence: dss.Evidence | None = None, certs: list[x509.Certificate] | None = None) -> Verdict:
    from pyhanko.sign.validation.status import DocumentTimestampStatus
    described = certinfo.describe(status.signing_cert)
    when: datetime | None
    if isinstance(status, DocumentTimestampStatus):   # exactly when is_doc_ts
        when = status.timestamp
    else:
        when = _proof_time(status) or status.signer_reported_dt
    if not (status.intact and status.valid):
        indication = Indication.FAILED
        sub = SubIndication.HASH_FAILURE if not status.intact else SubIndication.SIG_CRYPTO_FAILURE
    elif status.trust_problem_indic is not None:
        indication = Indication[status.trust_problem_indic.status.name]
        sub = SubIndication(status.trust_problem_indic.standard_name)
    else:
        indication, sub = Indication.PASSED, None
    details: dict[str, Any] = {}
    if not is_doc_ts and status.intact and status.valid:
        # an expired signer: decided against the proofs of existence, like every format's
        moment, proof = validation_time(settings), _proof_time(status)
        held = list(evidence.crls) if evidence else []
        indication, sub = outofbounds.settle(
            indication, sub, status.signing_cert, certs or [], store, moment,
            poe=proof, content_time=_content_time(status),
            crls=revocation.crls(store, revinfo) + held,
            ocsps=revocation.ocsps(revinfo) + (list(evidence.ocsps) if evidence else []))
        if outofbounds.expired_at(status.signing_cert, moment) and indication is Indication.PASSED and proof:
            details["proof_of_existence"] = proof.isoformat()
    qualified = None
    if not is_doc_ts:
        in_list = None
        if status.validation_path is not None and store.registry is not None:
            in_list = qualified_at(store, list(status.validation_path.iter_authorities()), when)
        qualified = qualification(described, status.validation_path is not None
                                  and status.trust_problem_indic is None, in_list)
    details.update({
        "digest_algorithm": status.md_algorithm,
        "key": f"{described.key_algorithm.upper()} {described.key_bits or '?'}",
        "not_after": described.not_after})
    kind = "timestamp" if is_doc_ts else "pades"
    info = SignatureInfo(kind=kind, signer=described.signer, codice_fiscale=described.codice_fiscale,
                         issuer=described.issuer,
                         signing_time=when.astimezone(UTC).isoformat() if when else None,
                         qualified=qualified, indication=indication, sub_indication=sub,
                         details=details)
    findings = [indications.finding_for(info, trust_configured=store.configured)]
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
