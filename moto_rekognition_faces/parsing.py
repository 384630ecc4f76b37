"""The JSON body of a request, parsed and checked against the service model."""

from __future__ import annotations

import json
from typing import Any

from . import validation
from .errors import SerializationException


def request_params(response: Any, operation: str) -> dict[str, Any]:
    """The JSON body of a request, checked against the operation's input shape."""
    body = response.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    try:
        params = json.loads(body) if body else {}
    except ValueError as exc:
        raise SerializationException() from exc
    if not isinstance(params, dict):
        raise SerializationException("The request body must be a JSON object.")
    validation.validate(operation, params)
    return params
