"""Getting ready for the first face request while the caller still sets up.

Creating a Rekognition client under an active mock says a face request is coming. From then on
the work a first request would otherwise do in line happens early: the imports on the calling
thread (never in the background: two threads importing numpy or OpenCV at once can leave one of
them half-initialised), and the onnxruntime sessions on a background thread while the caller goes
on (``models.prefetch``: a daemon that stops between models at exit). A server warms up the same
way when it starts. Nothing happens at import, nor in a process that never makes such a client;
``MOTO_REKOGNITION_FACES_WARM_UP=0`` turns it off.

When the disk cache already holds results (a repeated suite) no session is built ahead: that
run is answered from the cache without any session, and a session built in vain would cost a
core and ~100 MB. An empty one (a fresh CI checkout) gets the sessions.
"""

from __future__ import annotations

import threading
from types import ModuleType
from typing import Any

from .. import config

EVENT = "creating-client-class.rekognition"
MOTO_CORE = "moto.core.models"

_done = False
_lock = threading.Lock()


def register(moto_core: ModuleType) -> None:
    """Listen for Rekognition clients in every botocore session made from now on (as moto
    itself adds its stubber to botocore's built-in handlers)."""
    from botocore.handlers import BUILTIN_HANDLERS

    if (EVENT, _on_client_created) not in BUILTIN_HANDLERS:
        BUILTIN_HANDLERS.append((EVENT, _on_client_created))


def _on_client_created(**_: Any) -> None:
    """A Rekognition client is being made: warm up once if a mock will answer it."""
    from moto.core.models import botocore_stubber

    from .graft import is_active

    if botocore_stubber.enabled and is_active():
        start()


def start() -> None:
    """Import what a face request needs and build its sessions in the background (once per
    process; never raises: a failure is left to the request that meets it)."""
    global _done
    with _lock:
        if _done or not config.warm_up_enabled():
            return
        _done = True
    try:
        _build_sessions()
        _import_request_path()
    except Exception as exc:  # noqa: BLE001  (a warm-up must never break the caller)
        import logging

        logging.getLogger(__name__).debug("warm-up stopped: %s", exc)


def _build_sessions() -> None:
    """Start the background thread that builds the sessions a face request runs (unless
    results are likely to come from the disk cache)."""
    import onnxruntime  # noqa: F401  (here: the background thread must import nothing)

    from ..vision import cache_store, models, pipeline, profiles
    from ..vision.results import Needs

    profile = profiles.require_ready()
    folder = config.result_cache_dir()
    if folder is not None and cache_store.holds_results(folder):
        return
    every_model = Needs(landmarks106=True, age_gender=True, emotions=True, gaze=True)
    # DetectFaces ALL's models in the order it runs them, then the recognizer (a request that
    # needs it first builds it itself, beside the thread building the others).
    models.prefetch([*pipeline.weight_files(every_model), profile.recognizer])


def _import_request_path() -> None:
    """What the first request would import and load, on this thread, while sessions build."""
    import moto.rekognition.responses  # noqa: F401  (the graft: our actions, numpy, OpenCV)

    from ..vision.appearance import frame
    from . import validation

    frame.prepare_colour_tables()
    validation.service_model()  # botocore's Rekognition model, for request validation
    # moto's own first-request work: its IAM access-control module and the list of regions
    # its backends are keyed by (both cached for the process by moto and botocore).
    import moto.iam.access_control  # noqa: F401
    from moto.core.base_backend import AccountSpecificBackend

    session = AccountSpecificBackend.get_session()
    for partition in session.get_available_partitions():
        session.get_available_regions("rekognition", partition_name=partition)
