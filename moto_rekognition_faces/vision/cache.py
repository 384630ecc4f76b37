"""A result cache for the pipeline: the same image bytes with the same options are analysed once.

Test suites send the same few fixture photos in hundreds of tests, and every result here is a
deterministic function of the encoded bytes, the options that change it, the model profile and
the weights. So the actions ask this module instead of the pipeline: the first request computes,
the next ones get an identical copy.

* Keys: the image's SHA-256 (of the bytes as received), what is asked (``analyze`` with its
  Needs and max_faces, ``embed`` with the five points of each face, ``ppe``), the detector's
  size setting, the profile and a fingerprint of the weights (their manifest, sizes and
  modification times), so changing a setting or a weight file misses.
* Values are pickles, unpickled on every hit: no caller can corrupt a cached entry, and the
  same bytes go to disk. Unpickling accepts only this package's result classes and numpy arrays.
* In memory: a bounded LRU per process. On disk (``MOTO_REKOGNITION_FACES_CACHE_DIR``; the pytest
  plugin points it into pytest's cache folder): ``cache_store.py``, shared by concurrent
  processes, keyed additionally by the code and library versions.
* Only results are cached: a request that fails fails again, identically, the next time.
* ``MOTO_REKOGNITION_FACES_CACHE=off`` turns both layers off.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from .. import config
from . import profiles
from .results import FaceAnalysis, Needs

T = TypeVar("T")
log = logging.getLogger(__name__)

MEMORY_MAX_BYTES = 64 * 1024 * 1024  # pickles of results are a few kB each
MEMORY_MAX_ENTRIES = 4096


class Image(Protocol):
    """What the cache needs of a loaded image (``inputs.images.LoadedImage`` fits)."""

    @property
    def pixels(self) -> Any: ...

    @property
    def sha256(self) -> str: ...

    @property
    def width(self) -> int: ...

    @property
    def height(self) -> int: ...

    def reduction(self, long_side: int) -> int: ...

    def pixels_reduced(self, long_side: int) -> Any: ...


# --------------------------------------------------------------------------- the public calls


def reduced_side(needs: Needs | None) -> int | None:
    """The long side a request with these needs reads, when that is all it reads (detection,
    pose and quality: its image may be a reduced JPEG decode); None when it needs full pixels."""
    from . import pipeline

    return config.detection_max_side() if pipeline.detection_only(needs or Needs()) else None


def analyze(
    image: Image,
    needs: Needs | None = None,
    *,
    max_faces: int | None = None,
    reduced_side: int | None = None,
) -> list[FaceAnalysis]:
    """``pipeline.analyze`` on the image's pixels, computed once per bytes and options.

    ``reduced_side`` (from ``reduced_side(needs)``): the caller needs no full-size pixels after
    this, so a large JPEG is analysed from a reduced decode; the factor is part of the key.
    """
    from . import models, pipeline

    limit = pipeline.MAX_FACES if max_faces is None else max_faces
    needs = needs or Needs()
    options: dict[str, Any] = {
        "needs": sorted(k for k, v in vars(needs).items() if v),
        "max_faces": limit,
    }
    factor = 1
    if reduced_side is not None and pipeline.detection_only(needs):
        factor = image.reduction(reduced_side)
    if factor > 1:  # full decodes keep the keys they always had
        options["decoded_at"] = f"1/{factor}"

    def compute() -> list[FaceAnalysis]:
        models.prefetch(pipeline.weight_files(needs)[1:])  # built while the detector runs
        if factor > 1 and reduced_side is not None:
            pixels = image.pixels_reduced(reduced_side)
            reduction = pipeline.Reduction((image.width, image.height), lambda: image.pixels)
            return pipeline.analyze(pixels, needs, max_faces=limit, reduction=reduction)
        return pipeline.analyze(image.pixels, needs, max_faces=limit)

    return cached("analyze", lambda: image.sha256, options, compute)


def embed(image: Image, faces_points5: Sequence[Any]) -> Any:
    """``embedder.embed`` for these faces of the image (keyed by the exact five points)."""
    from . import embedder

    digest = hashlib.sha256()
    for points in faces_points5:
        digest.update(repr((points.dtype.str, points.shape)).encode())
        digest.update(points.tobytes())
    return cached(
        "embed",
        lambda: image.sha256,
        {"points": digest.hexdigest(), "faces": len(faces_points5)},
        lambda: embedder.embed(image.pixels, list(faces_points5)),
    )


def ppe(image: Image) -> list[Any]:
    """``ppe.analyze`` (persons, body parts, equipment) on the image's pixels."""
    from . import ppe as ppe_module

    return cached("ppe", lambda: image.sha256, {}, lambda: ppe_module.analyze(image.pixels))


# --------------------------------------------------------------------------- the cache


def cached(
    kind: str,
    image_sha256: str | Callable[[], str],
    options: dict[str, Any],
    compute: Callable[[], T],
) -> T:
    """A copy of the stored result for this key, or ``compute()`` stored then returned.

    ``image_sha256`` may be a function: with the cache off the image is never hashed."""
    if not config.result_cache_enabled():
        return compute()
    sha256 = image_sha256 if isinstance(image_sha256, str) else image_sha256()
    key = result_key(kind, sha256, options)
    blob = _MEMORY.get(key)
    if blob is None:
        store = _disk_store()
        blob = store.get(key) if store is not None else None
        if blob is not None:
            _MEMORY.put(key, blob)
    if blob is not None:
        try:
            result = loads(blob)
        except Exception:  # an entry this code cannot read is a miss, never an error
            log.debug("moto-rekognition-faces: unreadable cached result %s", key, exc_info=True)
        else:
            STATS["hits"] += 1
            return result
    STATS["misses"] += 1
    result = compute()
    blob = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    _MEMORY.put(key, blob)
    store = _disk_store()
    if store is not None:
        store.put(key, blob)
    return result


def result_key(kind: str, image_sha256: str, options: dict[str, Any]) -> str:
    """Everything a result depends on, hashed: image bytes, options, settings, weights."""
    profile = profiles.active()
    material = {
        "kind": kind,
        "image": image_sha256,
        "options": options,
        "profile": profile.name,
        "weights": weights_fingerprint(),
        "detection_max_side": config.detection_max_side(),
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


_weights_memo: dict[tuple[Any, ...], str] = {}


def weights_fingerprint() -> str:
    """The manifests of the weights in use, with each listed file's size and mtime (a weight
    rebuilt or replaced misses, even where its manifest entry is unchanged)."""
    from . import models

    folders = [models.models_dir()]
    profile = profiles.active()
    if profile.own_files:
        folders.append(profile.folder)
    stamp: list[Any] = []
    for folder in folders:
        manifest = folder / "manifest.json"
        stamp.append(str(folder))
        stamp.append(_stat(manifest))
        for name in sorted(_listed_files(manifest)):
            stamp.append((name, _stat(folder / name)))
    memo_key = tuple(map(repr, stamp))
    found = _weights_memo.get(memo_key)
    if found is None:
        digest = hashlib.sha256()
        for folder in folders:
            manifest = folder / "manifest.json"
            if manifest.is_file():
                digest.update(manifest.read_bytes())
        for item in stamp[1:]:  # not the folder path: the same weights elsewhere are the same
            if not isinstance(item, str):
                digest.update(repr(item).encode())
        found = _weights_memo[memo_key] = digest.hexdigest()
    return found


def _stat(path: os.PathLike[str]) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


_listed_memo: dict[tuple[str, Any], list[str]] = {}


def _listed_files(manifest: os.PathLike[str]) -> list[str]:
    key = (os.fspath(manifest), _stat(manifest))
    if key not in _listed_memo:
        try:
            with open(manifest, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            data = []
        entries = data.get("models", []) if isinstance(data, dict) else data
        _listed_memo[key] = [e["file"] for e in entries if isinstance(e, dict) and "file" in e]
    return _listed_memo[key]


class _Lru:
    """Pickled results by key, least recently used dropped first, bounded in bytes and count."""

    def __init__(self, max_bytes: int, max_entries: int) -> None:
        self.max_bytes, self.max_entries = max_bytes, max_entries
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            blob = self._items.get(key)
            if blob is not None:
                self._items.move_to_end(key)
            return blob

    def put(self, key: str, blob: bytes) -> None:
        if len(blob) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old)
            self._items[key] = blob
            self._bytes += len(blob)
            while self._bytes > self.max_bytes or len(self._items) > self.max_entries:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def nbytes(self) -> int:
        return self._bytes


_MEMORY = _Lru(MEMORY_MAX_BYTES, MEMORY_MAX_ENTRIES)
STATS = {"hits": 0, "misses": 0}


def clear() -> None:
    """Forget every result held in memory (the disk layer is left alone)."""
    _MEMORY.clear()


def _disk_store() -> Any:
    folder = config.result_cache_dir()
    if folder is None:
        return None
    from . import cache_store

    return cache_store.open_store(folder, config.result_cache_max_mb() * 1024 * 1024)


# --------------------------------------------------------------------------- safe unpickling

_NUMPY_NAMES = {
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "scalar"),
    ("numpy.core.numeric", "_frombuffer"),
    ("numpy._core.numeric", "_frombuffer"),
}


class _ResultUnpickler(pickle.Unpickler):
    """Unpickles results only: this package's vision classes and numpy arrays and scalars, so
    a file dropped into the cache folder cannot run code."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _NUMPY_NAMES or module.startswith("numpy.dtypes"):
            return super().find_class(module, name)
        if module.startswith(f"{__package__}.") and not name.startswith("_"):
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not a cached result type")


def loads(blob: bytes) -> Any:
    """A fresh copy of a stored result."""
    return _ResultUnpickler(io.BytesIO(blob)).load()
