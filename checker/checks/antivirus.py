"""Antivirus: every document of the tree, unwrapped inner documents included, is streamed
to ClamAV's daemon with the INSTREAM command (size-capped, with a timeout).

The daemon address comes from settings["clamd"] (env PEC_PRECHECK_CLAMD): "unix:/path",
"tcp:host:port", or a bare socket path. A detection is an error naming the signature;
any failure is "not checked", never "clean"; with no daemon configured each submitted
document says the antivirus was not checked.
"""
from __future__ import annotations

import os
import socket
import struct
import time
from dataclasses import dataclass

from ..model import CheckResult, Finding, FormatInfo, InputFile
from . import BatchCheck, CheckContext

CHUNK = 64 * 1024
DEFAULT_MAX_MB = 25          # clamd's own StreamMaxLength default
DEFAULT_TIMEOUT = 30.0       # seconds per document
TOTAL_BUDGET = 120.0         # seconds for the whole submission


@dataclass(frozen=True)
class ClamdAddress:
    family: int
    target: str | tuple[str, int]

    @classmethod
    def parse(cls, value: str) -> ClamdAddress:
        value = value.strip()
        if value.startswith("unix:"):
            return cls(socket.AF_UNIX, value[5:])
        if value.startswith("tcp:"):
            host, _, port = value[4:].rpartition(":")
            if not host or not port.isdigit():
                raise ValueError(f"indirizzo clamd non valido: {value!r} (atteso tcp:host:porta)")
            return cls(socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET,
                       (host.strip("[]"), int(port)))
        if value.startswith("/"):
            return cls(socket.AF_UNIX, value)
        raise ValueError(f"indirizzo clamd non valido: {value!r} (atteso unix:/percorso o tcp:host:porta)")


class ClamdError(Exception):
    pass


class Clamd:
    """A minimal clamd client: one connection per command, as clamd's protocol allows."""

    def __init__(self, address: ClamdAddress, timeout: float = DEFAULT_TIMEOUT):
        self.address = address
        self.timeout = timeout

    def _connect(self, timeout: float) -> socket.socket:
        sock = socket.socket(self.address.family, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(self.address.target)
        except OSError:
            sock.close()
            raise
        return sock

    def _command(self, command: bytes, payload: bytes | None = None, timeout: float | None = None) -> str:
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        with self._connect(timeout) as sock:
            sock.sendall(b"z" + command + b"\0")
            if payload is not None:
                for start in range(0, len(payload), CHUNK):
                    chunk = payload[start:start + CHUNK]
                    sock.settimeout(max(0.1, deadline - time.monotonic()))
                    sock.sendall(struct.pack("!I", len(chunk)) + chunk)
                sock.sendall(struct.pack("!I", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                sock.settimeout(max(0.1, deadline - time.monotonic()))
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
                if len(reply) > 65536:
                    break
        return reply.rstrip(b"\0").decode("utf-8", "replace").strip()

    def version(self) -> str:
        return self._command(b"VERSION", timeout=min(5.0, self.timeout))

    def scan(self, data: bytes) -> str | None:
        """The signature name if clamd found something, None if clean; raises ClamdError otherwise."""
        reply = self._command(b"INSTREAM", data)
        # "stream: OK" | "stream: Eicar-Signature FOUND" | "INSTREAM size limit exceeded. ERROR"
        body = reply.split(":", 1)[1].strip() if reply.startswith("stream:") else reply
        if body == "OK":
            return None
        if body.endswith(" FOUND"):
            return body[:-len(" FOUND")].strip()
        raise ClamdError(reply[:300] or "risposta vuota da clamd")


def run_batch(items: list[tuple[InputFile, FormatInfo]], ctx: CheckContext) -> dict[int, CheckResult]:
    configured = (ctx.settings or {}).get("clamd") or os.environ.get("PEC_PRECHECK_CLAMD", "")
    if not configured:
        # one line per submitted document; inner documents are covered by their envelope's line
        return {i: CheckResult(findings=[Finding("AV002")]) for i, (f, _) in enumerate(items)
                if f.depth == 0}
    try:
        address = ClamdAddress.parse(configured)
    except ValueError as exc:
        return _all_failed(items, str(exc))
    max_bytes = int(float((ctx.settings or {}).get("clamd_max_mb") or DEFAULT_MAX_MB) * 1024 * 1024)
    client = Clamd(address, float((ctx.settings or {}).get("clamd_timeout") or DEFAULT_TIMEOUT))
    try:
        engine = client.version()
    except OSError as exc:
        return _all_failed(items, f"clamd non raggiungibile ({configured}): {exc}")
    results: dict[int, CheckResult] = {}
    seen: dict[str, CheckResult] = {}
    started = time.monotonic()
    for i, (file, _fmt) in enumerate(items):
        digest = file.sha256
        if digest in seen:
            results[i] = seen[digest]
            continue
        if len(file.data) > max_bytes:
            result = _failed(f"file di {len(file.data)} byte oltre il limite di {max_bytes} byte")
        elif time.monotonic() - started > TOTAL_BUDGET:
            result = _failed(f"tempo complessivo di {TOTAL_BUDGET:g} s esaurito")
        else:
            try:
                signature = client.scan(file.data)
            except (OSError, ClamdError) as exc:
                result = _failed(f"{type(exc).__name__}: {exc}")
            else:
                findings = [] if signature is None else [
                    Finding("AV001", detail=signature, args={"signature": signature})]
                result = CheckResult(findings=findings, engine=engine)
        seen[digest] = result
        results[i] = result
    return results


def _failed(detail: str) -> CheckResult:
    return CheckResult(findings=[Finding("AV003", detail=detail[:300])])


def _all_failed(items, detail: str) -> dict[int, CheckResult]:
    return {i: _failed(detail) for i in range(len(items))}


BATCH_CHECKS = [BatchCheck(name="antivirus", formats={"*"}, run=run_batch, label_it="Antivirus (ClamAV)",
                label_en="Antivirus (ClamAV)")]
