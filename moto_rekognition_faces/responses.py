"""The face actions, as methods grafted onto moto's ``RekognitionResponse``.

Each method parses and validates the request, runs the pipeline, and serializes the result;
the rules about images live in ``images`` and the face work in ``vision``.
"""

from __future__ import annotations

import json
from typing import Any

from . import images, serialize, validation
from .errors import InvalidParameterException
from .vision import pipeline


def request_params(response: Any, operation: str) -> dict[str, Any]:
    """The JSON body of a request, checked against the operation's input shape."""
    body = response.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    try:
        params = json.loads(body) if body else {}
    except ValueError as exc:
        raise InvalidParameterException("The request body is not valid JSON.") from exc
    if not isinstance(params, dict):
        raise InvalidParameterException("The request body must be a JSON object.")
    validation.validate(operation, params)
    return params


class FaceActions:
    """Methods copied onto ``moto.rekognition.responses.RekognitionResponse`` by ``plugin``."""

    current_account: str
    region: str

    def detect_faces(self) -> str:
        params = request_params(self, "DetectFaces")
        image = images.load(params.get("Image"), self.current_account, self.region)
        dense = serialize.wants_all(params.get("Attributes"))
        faces = pipeline.analyze(image.pixels, dense_landmarks=dense)
        details = [serialize.face_detail(f, image.width, image.height, dense) for f in faces]
        return json.dumps({"FaceDetails": details})


def actions() -> dict[str, Any]:
    """Action name (moto's snake_case) → function, for every action this plugin serves."""
    return {
        name: value
        for name, value in vars(FaceActions).items()
        if callable(value) and not name.startswith("_")
    }
