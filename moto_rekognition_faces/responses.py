"""Every action this plugin serves, as methods to graft onto moto's ``RekognitionResponse``.

Each action class parses and validates the request, runs the pipeline or the backend, and
serializes; ``guarded`` makes sure no failure ever leaves as a traceback or an HTTP 500 page.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from .collection_actions import CollectionActions
from .errors import InternalServerError, RekognitionError
from .image_actions import ImageActions
from .user_actions import UserActions
from .video_actions import VideoActions
from .vision.models import ModelFileError

log = logging.getLogger(__name__)
ACTION_CLASSES = (ImageActions, CollectionActions, UserActions, VideoActions)


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
        for cls in ACTION_CLASSES
        for name, value in vars(cls).items()
        if callable(value) and not name.startswith("_")
    }
