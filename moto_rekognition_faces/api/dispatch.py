"""Every action this plugin serves, as methods to graft onto moto's ``RekognitionResponse``.

Each action class parses and validates the request, runs the pipeline or the backend, and
serializes; ``guarded`` makes sure no failure ever leaves as a traceback or an HTTP 500 page.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import Any

from moto.core.responses import BaseResponse

from ..errors import (
    InternalServerError,
    InvalidParameterException,
    RekognitionError,
    UnknownOperationException,
)
from ..state.backend import faces_backends
from ..state.store import StateError
from ..vision import models
from ..vision.models import ModelFileError
from ..vision.profiles import ProfileError
from . import control, serialize
from .actions.celebrities import CelebrityActions
from .actions.collections import CollectionActions
from .actions.images import ImageActions
from .actions.liveness import LivenessActions
from .actions.ppe import PpeActions
from .actions.users import UserActions
from .actions.videos import VideoActions
from .inspector.recorder import RECORDER
from .validation import service_model

log = logging.getLogger(__name__)
JSON_CONTENT = "application/x-amz-json-1.1"
ACTION_CLASSES = (
    ImageActions,
    CollectionActions,
    UserActions,
    VideoActions,
    CelebrityActions,
    LivenessActions,
    PpeActions,
)


def guarded(action: Callable[[Any], str | dict[str, Any]]) -> Callable[[Any], str]:
    """Turn any failure into a Rekognition error, so no caller ever sees a traceback or an
    HTML error page; send numbers as float32, as AWS does (an action may return its answer as
    JSON text or as a dict, encoded once here)."""

    @functools.wraps(action)
    def run(self: Any) -> str:
        try:
            with models.serving():
                body = action(self)
            return serialize.float32_numbers(body, self._get_action())
        except RekognitionError:
            raise
        except (ModelFileError, ProfileError, StateError) as exc:
            raise InternalServerError(f"Internal server error: {exc}") from exc
        except Exception as exc:
            log.exception("moto-rekognition-faces: %s failed", action.__name__)
            raise InternalServerError(f"Internal server error: {type(exc).__name__}") from exc

    return run


def ensure_region(account_id: str, region: str) -> None:
    """Rekognition exists only in some regions (boto3's endpoint list)."""
    if region not in faces_backends[account_id].regions:
        raise InvalidParameterException(f"Amazon Rekognition is not available in region {region}.")


def call_action(self: Any) -> Any:
    """moto's dispatch (``respond``), with every request and its answer recorded for the
    inspector page and pytest traces (references only: nothing is parsed here)."""
    action = self._get_action()
    result = respond(self, action)
    try:
        status, _, body = result
        RECORDER.add(self.current_account, self.region, action, int(status), self.body, body)
    except Exception:  # recording must never change an answer
        log.debug("moto-rekognition-faces: %s not recorded", action, exc_info=True)
    return result


def respond(self: Any, action: str) -> Any:
    """After three checks of ours: an unknown operation is answered as AWS does (HTTP 400), a
    region without Rekognition is refused, and a queued test result is served. An operation
    neither moto nor this plugin implements gets JSON (HTTP 501), not a crash."""
    try:
        if action not in service_model().operation_names:
            raise UnknownOperationException(f"Unknown operation {action!r} for Amazon Rekognition.")
        ensure_region(self.current_account, self.region)
        queued = control.take(self.current_account, self.region, action)
        if queued is not None:  # a test asked for this answer (any Rekognition operation)
            return 200, {"Content-Type": JSON_CONTENT}, control.answer(queued)
    except RekognitionError as error:
        return error.code, {"Content-Type": JSON_CONTENT}, error.description
    except StateError as exc:
        error = InternalServerError(f"Internal server error: {exc}")
        return error.code, {"Content-Type": JSON_CONTENT}, error.description
    try:
        return BaseResponse.call_action(self)
    except NotImplementedError:
        body = json.dumps(
            {
                "__type": "NotImplementedException",
                "message": f"{action} is a Rekognition operation that moto does not implement.",
            }
        )
        return 501, {"Content-Type": JSON_CONTENT}, body


def actions() -> dict[str, Callable[[Any], str]]:
    """Action name (moto's snake_case) → guarded function, for every action served here."""
    return {
        name: guarded(value)
        for cls in ACTION_CLASSES
        for name, value in vars(cls).items()
        if callable(value) and not name.startswith("_")
    }
