"""The graft onto moto: our action methods set on ``RekognitionResponse`` itself.

moto looks an action's method up on the response class at every request, so a method set here
takes effect at once, in decorator mode and on a server that has already answered requests.

Activation is lazy: ``activate()`` grafts at once only if moto has already imported its
Rekognition module; otherwise the graft runs right after moto imports it (``post_import``), so
neither ``import moto_rekognition_faces`` nor the pytest plugin imports moto, and a process that
never sends a Rekognition request never pays for our actions and their models.
"""

from __future__ import annotations

import threading
from types import ModuleType
from typing import Any

from .. import post_import
from . import warmup

RESPONSES_MODULE = "moto.rekognition.responses"
MOTO_API_URLS = "moto.moto_api._internal.urls"

_MISSING = object()
_originals: dict[str, Any] = {}
_lock = threading.RLock()
_wanted = False


# Rekognition speaks JSON; a raw body spares moto parsing a megabyte of base64 as a query string.
_CLASS_SETTINGS = {"use_raw_body": True}


def _register_moto_api_route(urls: ModuleType) -> None:
    """The test-control route and the inspector page; must be in place before a server first
    serves /moto-api (the module's import is early enough: moto reads the table after it)."""
    from . import control
    from .inspector import page

    urls.url_paths.setdefault(control.ROUTE, control.moto_api_route)
    urls.url_paths.setdefault(page.ROUTE, page.page_route)
    urls.url_paths.setdefault(page.IMAGE_ROUTE, page.image_route)


def _graft(responses: ModuleType) -> None:
    """Set our methods on moto's RekognitionResponse (when activation is still wanted)."""
    from . import dispatch

    response_class = responses.RekognitionResponse
    with _lock:
        if not _wanted:
            return
        replacements = {
            **dispatch.actions(),
            "call_action": dispatch.call_action,
            **_CLASS_SETTINGS,
        }
        for name, value in replacements.items():
            if name not in _originals:
                _originals[name] = response_class.__dict__.get(name, _MISSING)
            setattr(response_class, name, value)


def activate() -> None:
    """Serve the face actions from this plugin (idempotent): now if moto's Rekognition module
    is loaded, else as soon as moto loads it."""
    global _wanted
    with _lock:
        _wanted = True
    post_import.when_imported(MOTO_API_URLS, _register_moto_api_route)
    post_import.when_imported(RESPONSES_MODULE, _graft)
    post_import.when_imported(warmup.MOTO_CORE, warmup.register)


def deactivate() -> None:
    """Give moto back its own behaviour for every action this plugin replaced."""
    global _wanted
    with _lock:
        _wanted = False
        post_import.forget(_graft)
        if not _originals:
            return
        from moto.rekognition.responses import RekognitionResponse

        for name, original in _originals.items():
            if original is _MISSING:
                if name in RekognitionResponse.__dict__:
                    delattr(RekognitionResponse, name)
            else:
                setattr(RekognitionResponse, name, original)
        _originals.clear()


def is_active() -> bool:
    """Whether the face actions are served (or will be, once moto loads Rekognition)."""
    return _wanted
