"""Locating, verifying and lazily loading the ONNX weights, once per process.

Sessions are created on first use under a lock and shared by every thread
(``InferenceSession.run`` is thread-safe), so importing the package stays cheap.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import onnxruntime as ort

from .. import config
from . import profiles

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_BUNDLED = _PACKAGE_DIR / "_models"  # inside an installed wheel
_SOURCE_TREE = _PACKAGE_DIR.parent / "models"  # a checkout or an editable install

REBUILD_HINT = "rebuild it with `python models/build_models.py` in a checkout of the project"


class ModelFileError(RuntimeError):
    """A weight file is missing or does not match its manifest checksum."""


def models_dir() -> Path:
    """The folder that holds the bundled weights and their ``manifest.json``."""
    override = config.models_dir()
    if override is not None:
        return override
    return _BUNDLED if _BUNDLED.is_dir() else _SOURCE_TREE


def _folder_of(filename: str) -> Path:
    """Where ``filename`` lives: the active profile's own folder for its own files (a
    ProfileError if that profile was never built), else the bundled folder."""
    profile = profiles.active()
    if filename not in profile.own_files:
        return models_dir()
    return profiles.require_ready().folder


@cache
def _manifest_checksums(folder: Path) -> dict[str, str]:
    """File name → expected sha256, from the manifest next to the weights (if any)."""
    manifest = folder / "manifest.json"
    if not manifest.is_file():
        return {}
    data = json.loads(manifest.read_text())
    entries = data["models"] if isinstance(data, dict) and "models" in data else data
    return {entry["file"]: entry["sha256"] for entry in entries if "sha256" in entry}


def model_path(filename: str) -> Path:
    """Path of a verified weight file, or a ModelFileError that says how to fix it."""
    folder = _folder_of(filename)
    path = folder / filename
    if not path.is_file():
        raise ModelFileError(f"model file {path} is missing; {REBUILD_HINT}")
    expected = _manifest_checksums(folder).get(filename)
    if expected is not None:
        actual = hashlib.sha256(path.read_bytes()).hexdigest()
        if actual != expected:
            raise ModelFileError(
                f"model file {path} is corrupt (sha256 {actual}, manifest says {expected}); "
                f"{REBUILD_HINT}"
            )
    return path


_sessions: dict[tuple[Path, int], ort.InferenceSession] = {}
_lock = threading.Lock()
_file_locks: dict[tuple[Path, int], threading.Lock] = {}
_in_flight = 0  # requests running now (see serving())


@contextmanager
def serving() -> Iterator[None]:
    """Count a request while it runs. One request alone runs each model on every core; with
    two or more at once each runs its models on one thread, so that concurrent clients of a
    server share the cores instead of queueing for all of them."""
    global _in_flight
    with _lock:
        _in_flight += 1
    try:
        yield
    finally:
        with _lock:
            _in_flight -= 1


def _threads() -> int:
    """Intra-op threads for a session made now: the setting if given, else 1 while requests
    overlap and 0 (one per usable core, see ``session``) otherwise."""
    configured = config.ort_threads()
    if configured:
        return configured
    return 1 if _in_flight > 1 else 0


def _usable_cores() -> int:
    """Cores this process may run on (its affinity mask, as containers and taskset set it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def session(filename: str) -> ort.InferenceSession:
    """The shared onnxruntime session for a weight file, created on first use (one lock per
    file, so the warm-up thread building one model never holds up a request building another;
    onnxruntime is imported here, on first need). Sessions differ only in their thread count;
    their results are identical."""
    threads = _threads()
    key = (_folder_of(filename) / filename, threads)
    found = _sessions.get(key)
    if found is not None:
        return found
    with _lock:
        file_lock = _file_locks.setdefault(key, threading.Lock())
    with file_lock:
        found = _sessions.get(key)
        if found is None:
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.log_severity_level = 3
            # Idle pool threads sleep instead of spinning: a spinning pool burns a core between
            # runs that the request's own Python work, another request or a test process needs.
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            options.add_session_config_entry("session.inter_op.allow_spinning", "0")
            # Always a count of our own: left at 0, onnxruntime pins each pool thread to one core
            # (every session's to the same cores), and pinned pools of several sessions queue on
            # one core while the others idle.
            options.intra_op_num_threads = threads or _usable_cores()
            found = ort.InferenceSession(
                str(model_path(filename)), options, providers=["CPUExecutionProvider"]
            )
            _sessions[key] = found
    return found


def loaded() -> list[str]:
    """Names of the weight files loaded so far (lets tests check laziness)."""
    return sorted({path.name for path, _ in _sessions})


_prefetch_stop = threading.Event()
_prefetch_threads: list[threading.Thread] = []
_prefetch_queued: set[str] = set()


def prefetch(filenames: list[str]) -> None:
    """Create these sessions on a background thread, in order, while the caller goes on with
    the first of them: a new process's first request builds its models in parallel instead of
    one after another. The thread is a daemon, stops between two models at exit and is joined
    by an ``atexit`` handler, so it never outlives the process or aborts its exit; errors are
    left to the request that needs the model."""
    import onnxruntime  # noqa: F401  (here: two threads importing numpy at once can break it)

    with _lock:
        wanted = [f for f in filenames if f not in _prefetch_queued]
        _prefetch_queued.update(wanted)
        if not wanted or _prefetch_stop.is_set():
            return
        if not _prefetch_threads:
            atexit.register(_stop_prefetch)
        thread = threading.Thread(
            target=_prefetch, args=(wanted,), name="moto-rekognition-faces-models", daemon=True
        )
        _prefetch_threads.append(thread)
    thread.start()


def _prefetch(filenames: list[str]) -> None:
    for filename in filenames:
        if _prefetch_stop.is_set():
            return
        try:
            session(filename)
        except Exception:  # noqa: S112  (the request that needs it reports it)
            continue


def _stop_prefetch() -> None:
    _prefetch_stop.set()
    for thread in list(_prefetch_threads):
        if thread is not threading.current_thread():
            thread.join()


def wait_prefetched() -> None:
    """Block until every prefetch thread is done (tests and benchmarks)."""
    for thread in list(_prefetch_threads):
        thread.join()
