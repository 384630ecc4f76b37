"""Warm-up: once a mock starts, import what a first face request needs on a background thread.

A new process's first request otherwise pays for importing moto's Rekognition module, our
actions, numpy, OpenCV and onnxruntime. Starting that when ``mock_aws`` starts overlaps it with
the test's own setup. No model is loaded here (a run served by the result cache on disk must
create no session at all): the first request that misses the cache builds its models in
parallel instead (``models.prefetch``). It never runs at import, only once per process, and never
delays or aborts exit: the thread is a daemon and an ``atexit`` handler joins it (imports
cannot be stopped halfway, and take well under a second). A failure here is silent: the request
that needs the module reports it. ``MOTO_REKOGNITION_FACES_WARMUP=off`` turns it off.
"""

from __future__ import annotations

import atexit
import logging
import threading

from .. import config

log = logging.getLogger(__name__)

_started = False
_thread: threading.Thread | None = None
_lock = threading.Lock()


def _run() -> None:
    try:
        import moto.rekognition.responses  # noqa: F401  (the graft runs on this import)
        import onnxruntime  # noqa: F401

        from ..vision import cache, pipeline, ppe  # noqa: F401
        from . import dispatch  # noqa: F401
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
        atexit.register(wait)
        _thread.start()


def wait() -> None:
    """Block until the warm-up is done (at exit, and for tests and benchmarks)."""
    thread = _thread
    if thread is not None and thread is not threading.current_thread():
        thread.join()
