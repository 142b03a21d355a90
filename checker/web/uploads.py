"""Turning an HTTP upload into InputFiles: in memory only, with names the user recognises.

Nothing uploaded touches the disk: the app's request class (InMemoryRequest) makes
Werkzeug parse every file part into a BytesIO instead of its default
SpooledTemporaryFile (which rolls over to an unlinked TemporaryFile above 500 kB).
The whole body is bounded by MAX_CONTENT_LENGTH before parsing starts, so memory is
bounded too. After reading, each stream is closed (and Flask closes any part left over
when the request ends, Request.close()); when the response is sent nothing of the
upload remains.
"""
from __future__ import annotations

import io
import os
import re
import unicodedata

from flask import Request
from werkzeug.datastructures import FileStorage

from ..model import InputFile

FILE_FIELDS = ("files", "files[]")   # the form sends "files"; scripts often send "files[]"
MAX_NAME_LENGTH = 200


class InMemoryRequest(Request):
    """A Flask request whose file parts are parsed into memory, never into temp files,
    and whose part headers may carry non-UTF-8 file names."""

    def _get_file_stream(self, total_content_length, content_type, filename=None,
                         content_length=None):
        return io.BytesIO()

    # True once the whole body has been read from the socket: an error page (a 413 for a
    # text field over MAX_FORM_MEMORY_SIZE, too many parts) must not wait to read it again.
    body_consumed = False

    def _load_form_data(self) -> None:
        if "form" in self.__dict__:
            return
        if self.mimetype == "multipart/form-data":
            boundary = self.mimetype_params.get("boundary", "").encode("latin-1", "replace")
            body = self.get_data(cache=True)  # bounded by MAX_CONTENT_LENGTH (413 beyond)
            self.body_consumed = True
            if boundary:
                self._cached_data = repair_part_headers(body, boundary)
        try:
            super()._load_form_data()
        finally:
            # the parsed parts hold the bytes now: drop this copy (Werkzeug reads a missing
            # _cached_data as "not cached", like None)
            self.__dict__.pop("_cached_data", None)


MAX_PART_HEADER = 16 * 1024


def repair_part_headers(body: bytes, boundary: bytes) -> bytes:
    """Re-encode part headers that are not UTF-8 (a file name in cp1252 from an old client).

    Werkzeug decodes part headers as strict UTF-8 and, on failure, silently drops the
    whole form. Reading such bytes as cp1252 recovers the name Windows showed the user
    ("perché.pdf"); the body is rebuilt only when a header needs it.
    """
    delimiter = b"--" + boundary
    pieces: list[bytes] = []
    last = 0
    pos = body.find(delimiter)
    while pos != -1:
        start = pos + len(delimiter)
        end = body.find(b"\r\n\r\n", start, start + MAX_PART_HEADER)
        if end == -1:
            break
        header = body[start:end]
        try:
            header.decode("utf-8")
        except UnicodeDecodeError:
            pieces += [body[last:start], header.decode("cp1252", "replace").encode("utf-8")]
            last = end
        pos = body.find(delimiter, end)
    if not pieces:
        return body
    pieces.append(body[last:])
    return b"".join(pieces)


def clean_name(raw: str | None, fallback: str) -> str:
    """The last path component of a client-supplied name, without control characters.

    Browsers send a bare name, but old ones and scripts send paths ("C:\\x\\y.pdf",
    "../../etc/passwd") and hostile clients send NULs or undecodable bytes (already
    replaced by U+FFFD by Werkzeug). We keep what the user sees in their file manager:
    "y.pdf", "passwd" — never a path, never an empty name.
    """
    return _last_component(raw, drop_controls=True) or fallback


def sent_name(raw: str | None) -> str:
    """The name as clean_name() makes it but with its control characters kept, when it has
    any ("istanza.exe\\0.pdf"), else "": the name rules judge what the client really sent."""
    kept = _last_component(raw, drop_controls=False)
    return kept if kept != _last_component(raw, drop_controls=True) else ""


def _last_component(raw: str | None, drop_controls: bool) -> str:
    name = raw or ""
    if drop_controls:
        name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")  # NUL, CR, LF, ...
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if set(name) <= {"."}:  # ".", "..": a path step, not a name
        name = ""
    name = unicodedata.normalize("NFC", name)
    if len(name) > MAX_NAME_LENGTH:
        stem, ext = os.path.splitext(name)
        ext = ext[:20]
        name = stem[: MAX_NAME_LENGTH - len(ext)] + ext
    return name


# The quoted filename parameter as sent, before Werkzeug removes backslash escapes.
_RAW_FILENAME = re.compile(r'filename="((?:[^"\\]|\\.)*)"', re.IGNORECASE)


def client_name(storage: FileStorage) -> str:
    """The name the client gave, with Windows paths kept as paths.

    Old browsers (IE, some scripts) send the full path unescaped: filename="C:\\x\\y.pdf".
    RFC 7578 unquoting turns that into "C:xy.pdf"; reading the raw header keeps the
    backslashes so clean_name() can take "y.pdf". Browsers today send bare names and
    escape quotes as %22, so a backslash in the raw header is a path separator.
    """
    name = storage.filename or ""
    disposition = storage.headers.get("Content-Disposition", "") if storage.headers else ""
    if "filename*" in disposition.lower():
        return name  # RFC 2231 form: Werkzeug decoded it already
    m = _RAW_FILENAME.search(disposition)
    if m and "\\" in m.group(1):
        return m.group(1).replace('\\"', '"')
    return name


def _unique(name: str, taken: set[str]) -> str:
    """Two uploads with the same name stay apart: "a.pdf", "a (2).pdf"."""
    if name not in taken:
        return name
    stem, ext = os.path.splitext(name)
    n = 2
    while f"{stem} ({n}){ext}" in taken:
        n += 1
    return f"{stem} ({n}){ext}"


def chosen_parts(request_files) -> list[FileStorage]:
    """The file parts that carry a file: a browser sends an empty part when none is chosen."""
    return [storage for field in FILE_FIELDS for storage in request_files.getlist(field)
            if storage.filename or _has_data(storage)]


def _has_data(storage: FileStorage) -> bool:
    stream = storage.stream
    try:
        pos = stream.tell()
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        stream.seek(pos)
        return size > 0
    except (OSError, ValueError, AttributeError):  # closed or unseekable: let read() decide
        return True


def read_files(parts: list[FileStorage]) -> list[InputFile]:
    """Read each part into bytes, close its stream, give it a clean unique name."""
    files: list[InputFile] = []
    taken: set[str] = set()
    for n, storage in enumerate(parts, start=1):
        try:
            data = _take_bytes(storage)
        finally:
            storage.close()
        raw = client_name(storage)
        name = _unique(clean_name(raw, f"file-{n}"), taken)
        taken.add(name)
        files.append(InputFile(name=name, data=data, sent_name=sent_name(raw)))
    return files


def _take_bytes(storage: FileStorage) -> bytes:
    """The part's bytes without a second copy: InMemoryRequest parsed it into a BytesIO, whose
    getvalue() hands over its own buffer (trimmed in place) where read() would copy it."""
    stream = storage.stream
    if isinstance(stream, io.BytesIO):
        return stream.getvalue()
    return storage.read()
