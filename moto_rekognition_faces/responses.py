"""The face actions, as methods grafted onto moto's ``RekognitionResponse``.

Each method parses and validates the request, runs the pipeline, and serializes the result;
the rules about images live in ``images`` and the face work in ``vision``.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import Any

from . import config, face_filter, images, serialize, similarity, validation
from .errors import InternalServerError, InvalidParameterException, RekognitionError
from .vision import embedder, pipeline
from .vision.models import ModelFileError

log = logging.getLogger(__name__)

DEFAULT_SIMILARITY_THRESHOLD = 80.0
NO_FACES_MESSAGE = "There are no faces in the image. Should be at least 1."


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

    def compare_faces(self) -> str:
        params = request_params(self, "CompareFaces")
        level = params.get("QualityFilter", "NONE")
        threshold = float(params.get("SimilarityThreshold", DEFAULT_SIMILARITY_THRESHOLD))
        source = images.load(
            params.get("SourceImage"), self.current_account, self.region, "SourceImage"
        )
        target = images.load(
            params.get("TargetImage"), self.current_account, self.region, "TargetImage"
        )
        source_faces = [f for f in pipeline.analyze(source.pixels) if face_filter.passes(f, level)]
        if not source_faces:
            raise InvalidParameterException(NO_FACES_MESSAGE)
        source_face = source_faces[0]  # largest first
        detected = pipeline.analyze(target.pixels)
        if not detected and config.faceless_target_is_error():
            raise InvalidParameterException(NO_FACES_MESSAGE)
        # Faces the quality filter removes are not compared, and reported nowhere.
        target_faces = [f for f in detected if face_filter.passes(f, level)]

        probe = embedder.embed(source.pixels, [source_face.detection.points5])[0]
        gallery = embedder.embed(target.pixels, [f.detection.points5 for f in target_faces])
        scores = similarity.from_cosine(gallery @ probe) if len(target_faces) else []
        matches, unmatched = [], []
        for face, score in zip(target_faces, scores, strict=True):
            compared = serialize.compared_face(face, target.width, target.height)
            if score >= threshold:
                matches.append({"Similarity": float(score), "Face": compared})
            else:
                unmatched.append(compared)
        matches.sort(key=lambda match: -match["Similarity"])
        return json.dumps(
            {
                "SourceImageFace": serialize.source_face(source_face, source.width, source.height),
                "FaceMatches": matches,
                "UnmatchedFaces": unmatched,
            }
        )


def guarded(action: Callable[[Any], str]) -> Callable[[Any], str]:
    """Turn any failure into a Rekognition error, so no caller ever sees a traceback."""

    @functools.wraps(action)
    def run(self: Any) -> str:
        try:
            return action(self)
        except RekognitionError:
            raise
        except ModelFileError as exc:
            raise InternalServerError(f"Internal server error: {exc}") from exc
        except Exception as exc:
            log.exception("moto-rekognition-faces: %s failed", action.__name__)
            raise InternalServerError(f"Internal server error: {type(exc).__name__}") from exc

    return run


def actions() -> dict[str, Callable[[Any], str]]:
    """Action name (moto's snake_case) → guarded function, for every action served here."""
    return {
        name: guarded(value)
        for name, value in vars(FaceActions).items()
        if callable(value) and not name.startswith("_")
    }
