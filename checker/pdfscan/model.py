"""Typed results of a PDF scan."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field


class HitKind(str, enum.Enum):
    # active content and links (reachable from the catalogue)
    JAVASCRIPT = "javascript"
    LAUNCH = "launch"
    URI = "uri"
    MAILTO = "mailto"
    FORM_ACTION = "form_action"        # SubmitForm / ImportData / ResetForm
    REMOTE_GOTO = "remote_goto"        # GoToR / GoToE
    EMBEDDED_FILE = "embedded_file"    # file specification with /EF
    MULTIMEDIA = "multimedia"          # RichMedia, 3D, Movie, Sound, Screen, Rendition
    DISPLAY_ACTION = "display_action"  # Hide / SetOCGState / Trans: what is shown changes
    XFA = "xfa"
    UNFILLED_FIELD = "unfilled_field"
    NEED_APPEARANCES = "need_appearances"
    # visible text
    TEXT_URL = "text_url"
    TEXT_EMAIL = "text_email"
    # the file itself
    UNREADABLE = "unreadable"
    TRUNCATED = "truncated"
    DAMAGED = "damaged"
    PASSWORD = "password"              # a user password: cannot be opened
    RESTRICTED = "restricted"          # encrypted with an owner password / permission locks
    STREAM_BOMB = "stream_bomb"
    INCOMPLETE = "incomplete"          # a bound was reached: absence not proven
    HISTORY_INCOMPLETE = "history_incomplete"  # earlier revisions not all examined


# Kinds that, found in an earlier revision and gone from the final one, are "history".
ACTIVE_KINDS = frozenset({HitKind.JAVASCRIPT, HitKind.LAUNCH, HitKind.URI, HitKind.MAILTO,
                          HitKind.FORM_ACTION, HitKind.REMOTE_GOTO, HitKind.EMBEDDED_FILE,
                          HitKind.MULTIMEDIA, HitKind.XFA})


@dataclass(frozen=True)
class Hit:
    kind: HitKind
    where: str = ""          # human location: "pagina 2, annotazione 1 › /A (oggetto 12 0)"
    detail: str = ""         # the URL, the script's first characters, the file name...
    subtype: str = ""        # the PDF name that triggered it: /JavaScript, /SubmitForm, ...
    revision: int = 0        # 0 = the final revision; k = the k-th (1-based) earlier one
    extra: tuple[tuple[str, str], ...] = ()  # small typed-by-convention facts (afrelationship...)

    def get(self, key: str, default: str = "") -> str:
        return dict(self.extra).get(key, default)

    @property
    def identity(self) -> tuple[str, str, str]:
        """What makes two hits "the same thing" across revisions."""
        return (self.kind.value, self.subtype, self.detail)


@dataclass(frozen=True)
class Limits:
    max_nodes: int = 200_000        # objects visited by one walk
    max_depth: int = 200            # nesting of direct objects / chains
    walk_seconds: float = 10.0
    max_revisions: int = 16         # earlier revisions opened
    revision_nodes: int = 50_000
    revisions_seconds: float = 6.0
    text_pages: int = 30
    text_chars: int = 300_000
    text_seconds: float = 6.0
    text_max_objects: int = 200_000  # pypdf checks every xref entry in Python: skip beyond
    facts_pages: int = 3            # pages whose text feeds textfacts (the "Oggetto:" line)
    js_excerpt: int = 120
    stream_bytes: int = 32 * 1024 * 1024  # decoded bytes read from one stream we must look into


@dataclass
class ScanReport:
    hits: list[Hit] = field(default_factory=list)
    pages: int | None = None
    revisions: int = 1
    pdfa_part: int | None = None
    encrypted: bool = False
    linearized: bool = False        # its first %%EOF ends the first-page section, not a revision
    text: str = ""                  # first pages' text (for textfacts), bounded
    warnings: list[str] = field(default_factory=list)  # qpdf's repair messages, first few

    def of(self, kind: HitKind) -> list[Hit]:
        return [h for h in self.hits if h.kind is kind]
