"""Typed values that flow through the engine: input → facts → findings → report.

Everything here is a plain dataclass or enum so it can cross the worker-process
boundary (pickle) and be serialised in one place (report.py).
"""
from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

ROME = ZoneInfo("Europe/Rome")


def now_rome() -> str:
    """This moment in Italian time, ISO 8601 with its offset (2026-03-31T15:30:12+02:00)."""
    return datetime.now(ROME).isoformat(timespec="seconds")


class Severity(str, enum.Enum):
    ERROR = "error"            # the office will reject: verdict "fix"
    WARNING = "warning"        # worth fixing, does not block
    INFO = "info"              # good to know
    NOT_CHECKED = "not_checked"  # a check could not run: never counted as passed

    @property
    def rank(self) -> int:
        return {"error": 0, "not_checked": 1, "warning": 2, "info": 3}[self.value]


class Verdict(str, enum.Enum):
    READY = "ready"                # Pronto per l'invio
    FIX = "fix"                    # Da correggere
    UNDETERMINED = "undetermined"  # Non verificabile


@dataclass(frozen=True)
class Finding:
    """One observation about a document or the message.

    `code` names a catalogue rule (checker/rules/*.toml). `severity` None means
    "the catalogue's default, after the profile's override". `args` fill the
    placeholders of the rule's texts; `detail` is free text (a URL, a clause,
    an exception message) shown beside the rule's title; `location` says where
    (page, part name, sheet!cell, byte offset).
    """
    code: str
    severity: Severity | None = None
    detail: str = ""
    location: str = ""
    args: dict[str, str] = field(default_factory=dict)
    check: str = ""  # the check that emitted it; filled by the engine when empty

    def with_check(self, check: str) -> Finding:
        if self.check:
            return self
        return Finding(self.code, self.severity, self.detail, self.location, dict(self.args), check)


@dataclass(frozen=True)
class FormatInfo:
    """What a file is, by content."""
    id: str                    # stable id: pdf, txt, rtf, xml, kml, svg, html, tiff, odt, ods,
                               # odp, docx, docm, xlsx, xlsm, pptx, pptm, doc, xls, ppt, p7m,
                               # p7s, m7m, tsd, eml, zip, 7z, rar, exe, empty, unknown, ...
    mime: str = "application/octet-stream"
    label: str = ""            # human name, Italian: "Documento PDF"
    extensions: tuple[str, ...] = ()  # extensions that agree with this content
    magic: str = ""            # what libmagic said, as one signal among others
    details: dict[str, Any] = field(default_factory=dict)  # e.g. {"pdfa": "2b"}


class Indication(enum.StrEnum):
    """ETSI EN 319 102-1 main indication of a signature validation. A StrEnum: str() and
    format() give the ETSI string, which is what reaches the JSON and the report."""
    PASSED = "PASSED"
    INDETERMINATE = "INDETERMINATE"
    FAILED = "FAILED"


class SubIndication(enum.StrEnum):
    """ETSI EN 319 102-1 sub-indications, of FAILED and of INDETERMINATE (FORMAT_FAILURE and
    NOT_YET_VALID belong to both); the names are pyHanko's standard names."""
    FORMAT_FAILURE = "FORMAT_FAILURE"
    HASH_FAILURE = "HASH_FAILURE"
    SIG_CRYPTO_FAILURE = "SIG_CRYPTO_FAILURE"
    REVOKED = "REVOKED"
    NOT_YET_VALID = "NOT_YET_VALID"
    SIG_CONSTRAINTS_FAILURE = "SIG_CONSTRAINTS_FAILURE"
    CHAIN_CONSTRAINTS_FAILURE = "CHAIN_CONSTRAINTS_FAILURE"
    CERTIFICATE_CHAIN_GENERAL_FAILURE = "CERTIFICATE_CHAIN_GENERAL_FAILURE"
    CRYPTO_CONSTRAINTS_FAILURE = "CRYPTO_CONSTRAINTS_FAILURE"
    EXPIRED = "EXPIRED"
    POLICY_PROCESSING_ERROR = "POLICY_PROCESSING_ERROR"
    SIGNATURE_POLICY_NOT_AVAILABLE = "SIGNATURE_POLICY_NOT_AVAILABLE"
    TIMESTAMP_ORDER_FAILURE = "TIMESTAMP_ORDER_FAILURE"
    NO_SIGNING_CERTIFICATE_FOUND = "NO_SIGNING_CERTIFICATE_FOUND"
    NO_CERTIFICATE_CHAIN_FOUND = "NO_CERTIFICATE_CHAIN_FOUND"
    REVOKED_NO_POE = "REVOKED_NO_POE"
    REVOKED_CA_NO_POE = "REVOKED_CA_NO_POE"
    OUT_OF_BOUNDS_NO_POE = "OUT_OF_BOUNDS_NO_POE"
    REVOCATION_OUT_OF_BOUNDS_NO_POE = "REVOCATION_OUT_OF_BOUNDS_NO_POE"
    OUT_OF_BOUNDS_NOT_REVOKED = "OUT_OF_BOUNDS_NOT_REVOKED"
    CRYPTO_CONSTRAINTS_FAILURE_NO_POE = "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"
    NO_POE = "NO_POE"
    TRY_LATER = "TRY_LATER"
    SIGNED_DATA_NOT_FOUND = "SIGNED_DATA_NOT_FOUND"
    GENERIC = "GENERIC"


@dataclass(frozen=True)
class SignatureInfo:
    """One signature found in a document (CAdES signer, PAdES field, XAdES)."""
    kind: str                          # cades, pades, xades, timestamp
    signer: str | None = None
    codice_fiscale: str | None = None
    issuer: str | None = None
    signing_time: str | None = None    # ISO 8601
    qualified: bool | None = None
    indication: Indication = Indication.INDETERMINATE
    sub_indication: SubIndication | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # an ETSI string given for either (as tests write them) becomes the enum
        object.__setattr__(self, "indication", Indication(self.indication))
        if self.sub_indication is not None:
            object.__setattr__(self, "sub_indication", SubIndication(self.sub_indication))


@dataclass
class InputFile:
    """An uploaded file or a document unwrapped from one. Bytes stay in memory only."""
    name: str
    data: bytes
    parent: str | None = None  # name of the envelope/message it came from
    depth: int = 0
    # The name as the client sent it, when cleaning it for display removed control characters
    # ("istanza.exe\0.pdf" shown as "istanza.exe.pdf"): the name rules judge this one.
    sent_name: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class CheckResult:
    """What one check returns from its worker."""
    findings: list[Finding] = field(default_factory=list)
    children: list[InputFile] = field(default_factory=list)   # unwrapped documents
    signatures: list[SignatureInfo] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)       # e.g. {"oggetto": "...", "text": "..."}
    engine: str = ""  # who decided, when it matters ("built-in validator", "veraPDF 1.26")
    format: FormatInfo | None = None  # set by identification only


@dataclass
class Document:
    """A node of the document tree, after identification and checks."""
    name: str
    sha256: str
    size: int
    parent: str | None
    depth: int
    format: FormatInfo
    findings: list[Finding] = field(default_factory=list)
    signatures: list[SignatureInfo] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    engines: dict[str, str] = field(default_factory=dict)  # check name -> engine label
    is_main: bool = False

    @property
    def signed(self) -> bool:
        return bool(self.signatures)


@dataclass
class Submission:
    """The message as the sender means to send it."""
    profile: str = "generic"
    sender: str = ""
    subject: str = ""
    doc_type: str = ""
    destination: str = ""      # office/unit inside the municipality (optional)
    recipient: str = ""        # the PEC address written to (optional; default: profile's protocol box)
    body: str = ""
    main: str = ""             # name of the main document
    files: list[InputFile] = field(default_factory=list)
    # How the message travelled, when known from its PEC transport envelope (triage):
    # "pec" (posta-certificata), "ordinary" (anomaly envelope: ordinary mail), "" unknown.
    sender_transport: str = ""


@dataclass
class Report:
    verdict: Verdict
    profile: str
    profile_name: str
    documents: list[Document]
    message_findings: list[Finding]
    submission: Submission
    reasons: list[str] = field(default_factory=list)  # why undetermined, in Italian
    elapsed_ms: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # check name -> seconds
    checked_at: str = field(default_factory=now_rome)  # when the check ran, Italian time with offset
