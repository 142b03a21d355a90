"""One way to turn asn1crypto's many failures on hostile input into our own error type."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def parse_errors(error: type[Exception]) -> Iterator[None]:
    """Inside: any failure parsing ASN.1 becomes `error` (deep nesting too); `error` itself
    passes through, and MemoryError stays what it is so the worker's limit reports it."""
    try:
        yield
    except (error, MemoryError):
        raise
    except RecursionError:
        raise error("ASN.1 nested too deeply") from None
    except Exception as exc:  # noqa: BLE001 - asn1crypto raises many types on bad input
        raise error(f"{type(exc).__name__}: {exc}"[:300]) from None
