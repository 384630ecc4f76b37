"""Test control: queue canned responses or errors for an operation, consumed first in, first out.

A queued item answers the next call of that operation in that account and region instead of
the pipeline; when the queue is empty the real pipeline answers again. Queues live in the
plugin's moto backend, so moto's reset (leaving ``mock_aws``, ``POST /moto-api/reset``) clears
them. Use the Python functions in-process, or the ``/moto-api`` route against a server::

    POST /moto-api/static/rekognition/queued-results
    {"account_id": "123456789012", "region": "us-east-1",
     "results": [{"operation": "DetectFaces", "error": {"code": "ThrottlingException"}},
                 {"operation": "DetectFaces", "response": {"FaceDetails": []}}]}

botocore retries throttling errors and 5xx answers (up to 3 attempts by default): queue an
error as many times as the client will retry, or create the client with
``Config(retries={"total_max_attempts": 1})``.
"""

from __future__ import annotations

import json
import os
from collections import deque
from dataclasses import dataclass
from functools import cache
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID

from ..errors import InvalidParameterException, RekognitionError
from .validation import service_model

ROUTE = "{0}/moto-api/static/rekognition/queued-results"
DEFAULT_REGION = "us-east-1"
MAX_AUDIT_IMAGE_BYTES = 204_800  # the model's limit on AuditImage.Bytes


@dataclass(frozen=True)
class Queued:
    response: dict[str, Any] | None = None
    error_code: str | None = None
    message: str | None = None
    status: int | None = None


class QueuedError(RekognitionError):
    """An error a test asked for, with the HTTP status the service model implies."""

    def __init__(self, code: str, message: str, status: int) -> None:
        self.error_code = code
        self.status = status
        super().__init__(message)


def _account(account_id: str | None) -> str:
    """The account a test means: the one given, else moto's default (MOTO_ACCOUNT_ID wins)."""
    return account_id or os.environ.get("MOTO_ACCOUNT_ID", DEFAULT_ACCOUNT_ID)


def _backend(account_id: str | None, region: str) -> Any:
    from ..state.backend import faces_backends

    return faces_backends[_account(account_id)][region]


def _queues(account_id: str | None, region: str) -> dict[str, deque[Queued]]:
    return _backend(account_id, region).queued


def _check_operation(operation: str) -> None:
    if operation not in service_model().operation_names:
        raise ValueError(f"{operation!r} is not a Rekognition operation")


def queue_response(
    operation: str,
    response: dict[str, Any],
    *,
    account_id: str | None = None,
    region: str = DEFAULT_REGION,
) -> None:
    """The next call of ``operation`` answers ``response`` (a dict in the output shape)."""
    _check_operation(operation)
    _queues(account_id, region).setdefault(operation, deque()).append(Queued(response=response))


def queue_error(
    operation: str,
    code: str,
    message: str | None = None,
    status: int | None = None,
    *,
    account_id: str | None = None,
    region: str = DEFAULT_REGION,
) -> None:
    """The next call of ``operation`` fails with ``code`` (HTTP status from the model's fault:
    500 for server faults such as InternalServerError and ThrottlingException, else 400)."""
    _check_operation(operation)
    item = Queued(error_code=code, message=message, status=status)
    _queues(account_id, region).setdefault(operation, deque()).append(item)


def add_celebrity(
    name: str,
    photo: bytes,
    *,
    celebrity_id: str | None = None,
    urls: list[str] | None = None,
    known_gender: str | None = None,
    account_id: str | None = None,
    region: str = DEFAULT_REGION,
) -> str:
    """Put a person in the RecognizeCelebrities catalogue, from the largest face of ``photo``.

    Returns the celebrity's Id (given, or derived from the name)."""
    import hashlib

    from ..inputs import images
    from ..vision import embedder, pipeline

    pixels = images.decode(photo)
    faces = pipeline.find_faces(pixels, max_faces=1)
    if not faces:
        raise ValueError("no face in the celebrity's photo")
    vector = embedder.embed(pixels, [faces[0].points5])[0]
    identifier = celebrity_id or hashlib.sha256(name.encode()).hexdigest()[:8]
    _backend(account_id, region).celebrities[identifier] = {
        "Id": identifier,
        "Name": name,
        "Urls": list(urls or []),
        "KnownGender": known_gender,
        "Vector": vector,
    }
    return identifier


def set_liveness_result(
    session_id: str,
    status: str = "SUCCEEDED",
    confidence: float = 99.0,
    reference_image: bytes | None = None,
    audit_images: list[bytes] | None = None,
    *,
    account_id: str | None = None,
    region: str = DEFAULT_REGION,
) -> None:
    """Decide how a Face Liveness session ended; images get their real face box."""

    session = _backend(account_id, region).liveness[session_id]
    session["Status"] = status
    session["Confidence"] = float(confidence)
    if reference_image is not None:
        session["ReferenceImage"] = _audit_image(reference_image)
    if audit_images:
        session["AuditImages"] = [_audit_image(image) for image in audit_images]


def _audit_image(photo: bytes) -> dict[str, Any]:
    """An AuditImage: the bytes (base64 on the wire) and the box of their largest face."""
    import base64

    from ..inputs import images
    from ..vision import pipeline
    from . import serialize

    if len(photo) > MAX_AUDIT_IMAGE_BYTES:
        raise ValueError(f"an audit image holds at most {MAX_AUDIT_IMAGE_BYTES} bytes")
    pixels = images.decode(photo)
    image: dict[str, Any] = {"Bytes": base64.b64encode(photo).decode()}
    faces = pipeline.find_faces(pixels, max_faces=1)
    if faces:
        height, width = pixels.shape[:2]
        image["BoundingBox"] = serialize.bounding_box(faces[0].box, width, height)
    return image


def take(account_id: str, region: str, operation: str) -> Queued | None:
    """The oldest item queued for this call, removed from its queue (None when empty)."""
    queue = _queues(account_id, region).get(operation)
    return queue.popleft() if queue else None


def answer(item: Queued) -> str:
    """The queued response as the wire body, or the queued error raised."""
    if item.response is not None:
        return json.dumps(item.response)
    code = item.error_code or "InternalServerError"
    return _raise(code, item.message, item.status)


@cache
def _server_faults() -> frozenset[str]:
    """Errors the service model marks as server faults (botocore's Shape does not expose it)."""
    import botocore.loaders

    shapes = botocore.loaders.create_loader().load_service_model("rekognition", "service-2")
    return frozenset(name for name, shape in shapes["shapes"].items() if shape.get("fault"))


def _raise(code: str, message: str | None, status: int | None) -> str:
    fault_is_server = code in _server_faults()
    raise QueuedError(
        code,
        message or f"{code} (queued by a test)",
        status or (500 if fault_is_server else 400),
    )


def _request_body(request: Any, headers: Any) -> bytes:
    """The body of a moto-api request: a botocore request in decorator mode, a werkzeug one
    (whose stream moto leaves unread) on a server."""
    if hasattr(request, "environ"):
        length = int(headers.get("Content-Length") or 0)
        return request.environ["wsgi.input"].read(length)
    body = request.body
    return body.encode() if isinstance(body, str) else (body or b"")


def moto_api_route(request: Any, full_url: str, headers: Any) -> tuple[int, dict, str]:
    """``POST /moto-api/static/rekognition/queued-results``: queue items on a server."""
    try:
        body = json.loads(_request_body(request, headers) or b"{}")
        account_id = body.get("account_id")
        region = body.get("region", DEFAULT_REGION)
        for result in body.get("results", []):
            operation = result["operation"]
            if "error" in result:
                error = result["error"]
                queue_error(
                    operation,
                    error["code"],
                    error.get("message"),
                    error.get("status"),
                    account_id=account_id,
                    region=region,
                )
            else:
                queue_response(operation, result["response"], account_id=account_id, region=region)
    except (ValueError, KeyError, TypeError) as exc:
        error = InvalidParameterException(f"Bad queued-results request: {exc}")
        return 400, {"Content-Type": "application/json"}, error.description
    return 201, {}, ""
