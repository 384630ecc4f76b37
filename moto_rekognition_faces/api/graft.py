"""The graft onto moto: our action methods set on ``RekognitionResponse`` itself.

moto looks an action's method up on the response class at every request, so a method set here
takes effect at once, in decorator mode and on a server that has already answered requests.
"""

from __future__ import annotations

import threading
from typing import Any

from moto.rekognition.responses import RekognitionResponse

from . import control, dispatch
from .inspector import page

_MISSING = object()
_originals: dict[str, Any] = {}
_lock = threading.Lock()


# Rekognition speaks JSON; a raw body spares moto parsing a megabyte of base64 as a query string.
_CLASS_SETTINGS = {"use_raw_body": True}


def _register_moto_api_route() -> None:
    """The test-control route and the inspector page; must be in place before a server first
    serves /moto-api."""
    from moto.moto_api._internal import urls

    urls.url_paths.setdefault(control.ROUTE, control.moto_api_route)
    urls.url_paths.setdefault(page.ROUTE, page.page_route)
    urls.url_paths.setdefault(page.IMAGE_ROUTE, page.image_route)


def activate() -> None:
    """Serve the face actions from this plugin (idempotent)."""
    _register_moto_api_route()
    with _lock:
        replacements = {
            **dispatch.actions(),
            "call_action": dispatch.call_action,
            **_CLASS_SETTINGS,
        }
        for name, value in replacements.items():
            if name not in _originals:
                _originals[name] = RekognitionResponse.__dict__.get(name, _MISSING)
            setattr(RekognitionResponse, name, value)


def deactivate() -> None:
    """Give moto back its own behaviour for every action this plugin replaced."""
    with _lock:
        for name, original in _originals.items():
            if original is _MISSING:
                if name in RekognitionResponse.__dict__:
                    delattr(RekognitionResponse, name)
            else:
                setattr(RekognitionResponse, name, original)
        _originals.clear()


def is_active() -> bool:
    return bool(_originals)
