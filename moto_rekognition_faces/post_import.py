"""Run a function right after a module is imported, without importing it ourselves.

Activation uses this so that installing or importing the plugin costs nothing in a process that
never touches Rekognition: the graft happens when moto itself imports its Rekognition module
(its first Rekognition request, in decorator mode) or has already imported it.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

Callback = Callable[[ModuleType], None]

_callbacks: dict[str, list[Callback]] = {}
_lock = threading.RLock()


class _Finder(importlib.abc.MetaPathFinder):
    """Finds nothing itself: for a watched name it asks the other finders and wraps the
    loader's ``exec_module`` so the callbacks run once the module has executed."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in _callbacks:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        real_exec = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            real_exec(module)
            _fire(fullname, module)

        # The loader object is this module's own (one per spec), so the attribute set on the
        # instance changes nothing for any other import.
        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


_FINDER = _Finder()


def _fire(name: str, module: ModuleType) -> None:
    with _lock:
        callbacks = _callbacks.pop(name, [])
        if not _callbacks and _FINDER in sys.meta_path:
            sys.meta_path.remove(_FINDER)  # nothing left to watch: out of every later import
    for callback in callbacks:
        callback(module)


def when_imported(name: str, callback: Callback) -> None:
    """``callback(module)`` now if ``name`` is imported, else right after it is."""
    module = sys.modules.get(name)
    if module is not None:
        callback(module)
        return
    with _lock:
        _callbacks.setdefault(name, []).append(callback)
        if _FINDER not in sys.meta_path:
            sys.meta_path.insert(0, _FINDER)


def forget(callback: Any) -> None:
    """Drop a callback that has not run yet (deactivation before moto was imported)."""
    with _lock:
        for name in list(_callbacks):
            _callbacks[name] = [c for c in _callbacks[name] if c is not callback]
            if not _callbacks[name]:
                del _callbacks[name]
        if not _callbacks and _FINDER in sys.meta_path:
            sys.meta_path.remove(_FINDER)
