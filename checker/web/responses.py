"""The JSON error body every route and error handler answers with, one shape for all:
{"error": code, "message": {"it", "en"}, "status", ...extra}."""
from __future__ import annotations

from typing import Any

from flask import Response, jsonify


def api_error(status: int, code: str, message_it: str, message_en: str,
              **extra: Any) -> tuple[Response, int]:
    body = {"error": code, "message": {"it": message_it, "en": message_en}, "status": status}
    body.update(extra)
    return jsonify(body), status
