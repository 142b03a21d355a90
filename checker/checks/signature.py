"""Check "signature": CAdES envelopes (.p7m, .p7s), timestamped envelopes (.tsd, .m7m),
signed PDFs (PAdES) and signed XML (XAdES).

Each signature becomes a SignatureInfo with its ETSI indication and one finding that
states its verdict (a CAdES counter-signature too, right after the signature it signs);
envelopes return the document inside as a child InputFile named after the envelope minus
its extension ("domanda.pdf.p7m" → "domanda.pdf"), which the engine identifies and checks
with every document rule (and unwraps again when it is itself an envelope). A detached
.p7s is paired with its document by name in the pair check "signature_detached", which
sees the whole submission; the engine validates each pair in a worker and reports its
findings as the "signature" check's.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..filenames import detached_target
from ..model import CheckResult, Finding, FormatInfo, Indication, InputFile
from ..signatures import sniff
from . import Check, CheckContext, Pair, PairCheck

if TYPE_CHECKING:
    from ..signatures import timestamps

# The validation stack (pyHanko, pyhanko-certvalidator, the trusted list) is imported by the
# functions that validate: this check runs on every PDF and XML, and an unsigned one (most
# of them, sniff.py tells) is answered without it. The forkserver preloads it all anyway.

ENGINE = "pyHanko (ETSI EN 319 102-1)"
_ENVELOPE_EXT = re.compile(r"\.(p7m|p7s|tsd|m7m|p7c|p7)\s*$", re.IGNORECASE)


def inner_name(envelope_name: str) -> str:
    """domanda.pdf.p7m → domanda.pdf; x.p7m.tsd → x.p7m; a name without the envelope's
    extension is kept as it is (identification then judges the content by itself)."""
    stripped = _ENVELOPE_EXT.sub("", envelope_name)
    return stripped if stripped and stripped != envelope_name else envelope_name


def run(file: InputFile, fmt: FormatInfo, ctx: CheckContext) -> CheckResult:
    # which trusted list decided, and whether it is stale, goes with every validated signature
    result = _run(file, fmt, ctx)
    if not result.signatures:
        return result
    from ..signatures import cms as cms_sig
    from ..signatures import trust
    return trust.annotate(result, cms_sig.trust_from_settings(ctx.settings))


def _run(file: InputFile, fmt: FormatInfo, ctx: CheckContext) -> CheckResult:
    if fmt.id == "p7m":
        return _run_p7m(file, ctx)
    if fmt.id == "p7s":
        return _run_p7s_alone(file)
    if fmt.id == "tsd":
        return _run_timestamped(file, ctx, "tsd")
    if fmt.id == "m7m":
        return _run_timestamped(file, ctx, "m7m")
    if fmt.id == "pdf":
        if not sniff.pdf_looks_signed(file.data):
            return CheckResult()
        from ..signatures import pades
        return pades.check(file, ctx.settings)
    if fmt.id == "xml":
        if not sniff.xml_looks_signed(file.data):
            return CheckResult()
        from ..signatures import xades
        return xades.check(file, ctx.settings)
    return CheckResult()


def _unreadable(detail: str) -> CheckResult:
    return CheckResult(findings=[Finding("SIG003", detail=detail[:300])], engine=ENGINE)


def _run_p7m(file: InputFile, ctx: CheckContext) -> CheckResult:
    from ..signatures import cms as cms_sig
    from ..signatures import countersign
    try:
        env = cms_sig.load_envelope(file.data)
    except cms_sig.EnvelopeError as exc:
        return _unreadable(str(exc))
    result = CheckResult(engine=ENGINE, facts={"signature_envelope": {
        "type": "p7m", "encoding": env.encoding, "signers": len(env.signed_data["signer_infos"])}})
    if not env.content:
        result.findings.append(Finding("SIG018"))
        return result
    _add_signers(result, countersign.validate_all(env.signed_data, env.content, ctx.settings))
    result.children.append(_child(file, env.content))
    return result


def _child(file: InputFile, content: bytes, name: str | None = None) -> InputFile:
    return InputFile(name=name or inner_name(file.name), data=content, parent=file.name,
                     depth=file.depth + 1)


def _add_signers(result: CheckResult, signers) -> None:
    for signer in signers:
        result.signatures.append(signer.info)
        result.findings.extend(signer.findings)


def _run_p7s_alone(file: InputFile) -> CheckResult:
    """Readability only: validation needs the signed document (see detached_pairs)."""
    from ..signatures import cms as cms_sig
    try:
        env = cms_sig.load_envelope(file.data)
    except cms_sig.EnvelopeError as exc:
        return _unreadable(str(exc))
    return CheckResult(engine=ENGINE, facts={"signature_envelope": {
        "type": "p7s", "encoding": env.encoding, "signers": len(env.signed_data["signer_infos"])}})


def _run_timestamped(file: InputFile, ctx: CheckContext, kind: str) -> CheckResult:
    """A .tsd (RFC 5544) or .m7m (S/MIME with the timestamp beside the .p7m)."""
    from ..signatures import timestamps
    reader = timestamps.read_tsd if kind == "tsd" else timestamps.read_m7m
    try:
        stamped = reader(file.data)
    except timestamps.TimestampFormatError as exc:
        return _unreadable(str(exc))
    return _stamped(file, stamped, ctx, kind)


def _stamped(file: InputFile, stamped: timestamps.Stamped, ctx: CheckContext, kind: str) -> CheckResult:
    """.tsd / .m7m: validate the timestamp(s); when the stamped content is a .p7m, validate
    its signers here too, using the timestamp as proof of existence, and hand the signed
    document itself to the engine (envelope → document, one level)."""
    from ..signatures import cms as cms_sig
    from ..signatures import countersign, timestamps
    from ..signatures.certpath import POE_FIXABLE
    result = CheckResult(engine=ENGINE, facts={"signature_envelope": {
        "type": kind, "timestamps": len(stamped.tokens)}})
    if not stamped.content:
        result.findings.append(Finding("SIG018"))
        return result
    proofs = []
    for token in stamped.tokens:
        stamp = timestamps.validate_token(token, stamped.content, ctx.settings)
        _add_signers(result, [stamp])
        if stamp.info.indication is Indication.PASSED and stamp.info.signing_time:
            proofs.append(stamp.info.signing_time)
    name = inner_name(file.name)
    if name == file.name and stamped.file_name:
        name = stamped.file_name
    try:
        env = cms_sig.load_envelope(stamped.content)
    except cms_sig.EnvelopeError:
        env = None
    if env is None or not env.content:
        result.children.append(_child(file, stamped.content, name))
        return result
    signers = countersign.validate_all(env.signed_data, env.content, ctx.settings)
    if proofs and any(s.info.sub_indication in POE_FIXABLE for s in signers):
        earliest = min(proofs)
        at_proof = countersign.validate_all(env.signed_data, env.content,
                                            {**ctx.settings, "validation_time": earliest})
        signers = [again if first.info.sub_indication in POE_FIXABLE else first
                   for first, again in zip(signers, at_proof, strict=False)]
        for s in signers:
            s.info.details.setdefault("proof_of_existence", earliest)
    _add_signers(result, signers)
    result.facts["signature_envelope"]["signers"] = len(signers)
    result.children.append(_child(file, env.content, inner_name(name)))
    return result


# ----------------------------------------------------------------- detached .p7s pairs

def validate_detached(signature: InputFile, content: InputFile, ctx: CheckContext) -> CheckResult:
    """One .p7s over the document it is named after (run by the engine in a worker)."""
    from ..signatures import cms as cms_sig
    from ..signatures import countersign, trust
    try:
        env = cms_sig.load_envelope(signature.data)
    except cms_sig.EnvelopeError as exc:
        return _unreadable(str(exc))
    result = CheckResult(engine=ENGINE)
    _add_signers(result, countersign.validate_all(env.signed_data, content.data, ctx.settings))
    for f in result.findings:
        if "document" not in f.args:
            f.args["document"] = content.name
    return trust.annotate(result, cms_sig.trust_from_settings(ctx.settings))


def detached_pairs(items: list[tuple[InputFile, FormatInfo]]) -> list[Pair]:
    """Each .p7s with the document beside it that it is named after (domanda.pdf.p7s →
    domanda.pdf), by name only: the engine validates each pair in a worker."""
    by_name = {(f.parent, f.name): index for index, (f, _) in enumerate(items)}
    pairs = []
    for index, (f, fmt) in enumerate(items):
        if fmt.id != "p7s":
            continue
        target = by_name.get((f.parent, detached_target(f.name)))
        if target is None or target == index:
            continue  # a .p7s without its document: identification's FMT008 says so
        pairs.append(Pair(subject=index, partner=target))
    return pairs


CHECKS = [Check(name="signature", formats={"p7m", "p7s", "tsd", "m7m", "pdf", "xml"}, run=run,
                label_it="Firma digitale", label_en="Digital signature", memory_mb=1024, timeout=60)]
BATCH_CHECKS = [PairCheck(name="signature_detached", formats={"*"}, pairs=detached_pairs,
                          run=validate_detached, report_as="signature",
                          label_it="Firma digitale separata (.p7s)", label_en="Detached digital signature (.p7s)")]
