"""Settings read from environment variables (prefix ``MOTO_REKOGNITION_FACES_``), at call time.

Reading at call time (not import time) lets tests and servers change a setting with
``monkeypatch.setenv`` or before a request without re-importing anything.
"""

from __future__ import annotations

import os
from pathlib import Path

PREFIX = "MOTO_REKOGNITION_FACES_"


def _get(name: str, default: str) -> str:
    """The variable's value; an empty one counts as unset (``VAR=`` in a shell or a CI file)."""
    return os.environ.get(PREFIX + name, "").strip() or default


def disabled_on_import() -> bool:
    """``MOTO_REKOGNITION_FACES_DISABLE=1`` stops the import from activating the plugin."""
    return _get("DISABLE", "").strip().lower() in {"1", "true", "yes", "on"}


def _models_setting() -> str:
    return _get("MODELS", "").strip()


def models_dir() -> Path | None:
    """A folder of weights that overrides the bundled ones: ``MOTO_REKOGNITION_FACES_MODELS``
    set to a path (it contains a ``/``)."""
    value = _models_setting()
    return Path(value) if os.sep in value or "/" in value else None


def model_profile() -> str:
    """The model profile: ``MOTO_REKOGNITION_FACES_MODELS`` set to a name (no ``/``), e.g.
    ``insightface``; ``default`` when unset or set to a folder."""
    value = _models_setting()
    return "default" if not value or models_dir() is not None else value.lower()


def profiles_dir() -> Path:
    """Where opt-in model profiles are built: ``MOTO_REKOGNITION_FACES_PROFILES_DIR``, else the
    user's cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``)."""
    value = _get("PROFILES_DIR", "").strip()
    if value:
        return Path(value)
    cache = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(cache) if cache else Path.home() / ".cache"
    return base / "moto-rekognition-faces" / "profiles"


def ort_threads() -> int:
    """Intra-op threads per ONNX session; 0 lets onnxruntime choose (one per core)."""
    return int(_get("THREADS", "0"))


def warm_up_enabled() -> bool:
    """Whether a Rekognition client made under a mock (and a starting server) prepares the
    first face request ahead (imports, and model sessions in a background thread);
    ``MOTO_REKOGNITION_FACES_WARM_UP=0`` leaves all of it to the first request."""
    return _get("WARM_UP", "1").strip().lower() not in {"0", "false", "no", "off"}


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


def state_dir() -> Path | None:
    """``MOTO_REKOGNITION_FACES_STATE_DIR`` (or the server's ``--state-dir``): a folder where
    collections, faces, users and finished video jobs are kept across restarts; unset, state
    lives in memory only."""
    value = _get("STATE_DIR", "").strip()
    return Path(value).expanduser().resolve() if value else None


def thumbnails_kept() -> bool:
    """Small JPEG crops of indexed faces, for the inspector page (about 2 KB a face);
    ``MOTO_REKOGNITION_FACES_THUMBNAILS=0`` keeps none."""
    return _get("THUMBNAILS", "1").strip().lower() not in {"0", "false", "no", "off"}


def result_cache_enabled() -> bool:
    """Pipeline results are computed once per image bytes and options (they are deterministic);
    ``MOTO_REKOGNITION_FACES_CACHE=off`` computes every request afresh."""
    return _get("CACHE", "on").strip().lower() not in {"0", "false", "no", "off"}


_default_result_cache_dir: Path | None = None


def result_cache_dir() -> Path | None:
    """``MOTO_REKOGNITION_FACES_CACHE_DIR``: a folder where results are also kept across
    processes; unset, the folder the pytest plugin chose in pytest's cache, else memory only."""
    if not result_cache_enabled():
        return None
    value = _get("CACHE_DIR", "").strip()
    if not value:
        return _default_result_cache_dir
    return Path(value).expanduser().resolve()


def set_default_result_cache_dir(folder: Path | None) -> None:
    """The folder used when ``MOTO_REKOGNITION_FACES_CACHE_DIR`` is unset (this process only)."""
    global _default_result_cache_dir
    _default_result_cache_dir = folder


def result_cache_max_mb() -> int:
    """The bound of the on-disk result cache, in MB (least recently used results go first)."""
    return int(_get("CACHE_MAX_MB", "256"))
