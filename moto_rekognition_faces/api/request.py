"""What every action starts from: the request's JSON body, checked against the service model,
and the caller's backend."""

from __future__ import annotations

import json
from typing import Any

from ..errors import InvalidParameterException, SerializationException
from ..state.backend import FacesBackend, faces_backends
from ..state.collections import Collection
from ..vision import profiles
from . import validation


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


def backend_of(response: Any) -> FacesBackend:
    """The caller's backend (account from the credentials, region from the endpoint)."""
    try:
        return faces_backends[response.current_account][response.region]
    except KeyError as exc:
        raise InvalidParameterException(
            f"Amazon Rekognition is not available in region {response.region}."
        ) from exc


def vector_collection(backend: FacesBackend, collection_id: str) -> Collection:
    """A collection about to take or be searched with face vectors of the active profile."""
    return backend.collections.get_for(collection_id, profiles.active().name)
