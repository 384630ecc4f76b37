"""Settings read from environment variables (prefix ``MOTO_REKOGNITION_FACES_``), at call time.

Reading at call time (not import time) lets tests and servers change a setting with
``monkeypatch.setenv`` or before a request without re-importing anything.
"""

from __future__ import annotations

import os
from pathlib import Path

PREFIX = "MOTO_REKOGNITION_FACES_"


def _get(name: str, default: str) -> str:
    return os.environ.get(PREFIX + name, default)


def disabled_on_import() -> bool:
    """``MOTO_REKOGNITION_FACES_DISABLE=1`` stops the import from activating the plugin."""
    return _get("DISABLE", "").strip().lower() in {"1", "true", "yes", "on"}


def models_dir() -> Path | None:
    """A folder of weights that overrides the bundled ones (``MOTO_REKOGNITION_FACES_MODELS``)."""
    value = _get("MODELS", "").strip()
    return Path(value) if value else None


def ort_threads() -> int:
    """Intra-op threads per ONNX session; 0 lets onnxruntime choose (one per core)."""
    return int(_get("THREADS", "0"))


def detection_max_side() -> int:
    """Images are scaled down so their long side is at most this before detection."""
    return int(_get("DETECTION_MAX_SIDE", "1280"))


def max_image_pixels() -> int:
    """Images whose header claims more pixels than this are refused before decoding."""
    return int(_get("MAX_IMAGE_PIXELS", str(64_000_000)))


def faceless_target_is_error() -> bool:
    """CompareFaces with no face in the target: AWS's docs say InvalidParameterException
    (the default); ``MOTO_REKOGNITION_FACES_FACELESS_TARGET=empty`` returns empty lists."""
    return _get("FACELESS_TARGET", "error").strip().lower() != "empty"


def video_sample_fps() -> float:
    """Frames per second of video that the video jobs analyse (default 5: one every 200 ms)."""
    return float(_get("VIDEO_SAMPLE_FPS", "5"))


def video_jobs_synchronous() -> bool:
    """``MOTO_REKOGNITION_FACES_VIDEO_SYNC=1``: Start* calls finish the job before returning."""
    return _get("VIDEO_SYNC", "").strip().lower() in {"1", "true", "yes", "on"}
