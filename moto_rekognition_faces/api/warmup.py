"""Warm-up: once a mock starts, load what a first face request needs on a background thread.

A new process's first request otherwise pays for importing the actions (numpy, OpenCV,
onnxruntime) and for creating each onnxruntime session. Starting that work when ``mock_aws``
starts overlaps it with the test's own setup. It never runs at import, only once per process,
and never delays or aborts exit: the thread is a daemon, stopped between two models and joined
by an ``atexit`` handler (which runs before the interpreter tears anything down). A failure
here is silent: the request that needs the model reports it.
``MOTO_REKOGNITION_FACES_WARMUP=off`` turns it off.
"""

from __future__ import annotations

import atexit
import logging
import threading

from .. import config

log = logging.getLogger(__name__)

_started = False
_stop = threading.Event()
_thread: threading.Thread | None = None
_lock = threading.Lock()


def weight_files() -> list[str]:
    """The default profile's files in the order a DetectFaces ALL needs them, then the
    recognizer (CompareFaces, collections)."""
    from ..vision import age_gender, detector, emotion, face_mesh, iris, landmarks, profiles

    profile = profiles.active()
    dense = face_mesh.WEIGHTS if profile.landmarks == "face_mesh" else landmarks.WEIGHTS
    return [
        detector.WEIGHTS,
        dense,
        age_gender.AGE_WEIGHTS,
        age_gender.GENDER_WEIGHTS,
        emotion.WEIGHTS,
        iris.WEIGHTS,
        profile.recognizer,
    ]


def _run() -> None:
    try:
        import moto.rekognition.responses  # noqa: F401  (the graft runs on this import)

        from ..vision import models
        from . import dispatch  # noqa: F401

        for filename in weight_files():
            if _stop.is_set():
                return
            models.session(filename)
    except Exception:  # the request that needs it will say what is wrong
        log.debug("moto-rekognition-faces: warm-up stopped", exc_info=True)


def start() -> None:
    """Start the warm-up thread (once per process; later calls do nothing)."""
    global _started, _thread
    if _started or not config.warmup_enabled():
        return
    with _lock:
        if _started:
            return
        _started = True
        _thread = threading.Thread(target=_run, name="moto-rekognition-faces-warmup", daemon=True)
        atexit.register(stop)
        _thread.start()


def stop() -> None:
    """Stop between two models and wait for the thread (at exit, and for tests)."""
    _stop.set()
    thread = _thread
    if thread is not None and thread is not threading.current_thread():
        thread.join()


def wait() -> None:
    """Block until the warm-up is done (tests and benchmarks)."""
    thread = _thread
    if thread is not None:
        thread.join()
