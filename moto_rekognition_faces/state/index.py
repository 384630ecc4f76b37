"""The face vectors of one collection: one contiguous float32 matrix, searched exactly.

Rows are packed (a deleted row is filled by the last one), so a search is a single
matrix–vector product over the live rows followed by a partial sort; no approximate index,
so results are the true top-k and reproducible. The rows are shared: a collection's face table
keeps its columns in the same row order (``remove`` says which row moved where).

Vectors stay float32: numpy has no fast float16 product (measured at 1M × 128: a search over
float16 rows is 13-18× slower converted to float32 in chunks, 25-34× as a float16 product), while
float16 would change a Similarity by at most 0.15 points (benchmarks/README.md, collections).
"""

from __future__ import annotations

import numpy as np

from .columns import Columns


def _rows_of(width: int) -> Columns:
    return Columns({"vector": (np.float32, (width,))})


class VectorIndex:
    """Unit vectors keyed by string ids. Not thread-safe: the backend holds the lock.

    The vector length is the recognizer's (128 or 512): an empty index takes the length of the
    first vectors it is given.
    """

    def __init__(self, dimensions: int = 0) -> None:
        self._store = _rows_of(dimensions)
        self._ids: list[str] = []
        self._rows: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    @property
    def nbytes(self) -> int:
        """Memory held by the matrix (capacity, not only live rows)."""
        return self._store.nbytes

    @property
    def matrix(self) -> np.ndarray:
        """The live rows (a view: read it, do not write it)."""
        return self._store["vector"]

    def row(self, key: str) -> int:
        """The row of ``key`` (KeyError if absent)."""
        return self._rows[key]

    def key(self, row: int) -> str:
        return self._ids[row]

    def keys(self) -> list[str]:
        """Every key, in row order (the list itself: do not change it)."""
        return self._ids

    def _fit_width(self, width: int) -> None:
        """While empty, take the vector length of what is about to be stored."""
        if not self._ids and self.matrix.shape[1] != width:
            self._store = _rows_of(width)

    def add(self, key: str, vector: np.ndarray) -> None:
        """Store (or replace) the vector of ``key``."""
        self._fit_width(len(vector))
        row = self._rows.get(key)
        if row is None:
            row = self._store.extend(1).start
            self._ids.append(key)
            self._rows[key] = row
        self.matrix[row] = vector

    def add_many(self, keys: list[str], vectors: np.ndarray) -> None:
        """Store many vectors at once, growing the matrix at most once."""
        if len(set(keys)) != len(keys) or any(key in self._rows for key in keys):
            for key, vector in zip(keys, vectors, strict=True):
                self.add(key, vector)
            return
        self._fit_width(vectors.shape[1])
        added = self._store.extend(len(keys))  # all new: one slice copy, no per-row Python work
        self.matrix[added] = vectors
        self._rows.update({key: added.start + i for i, key in enumerate(keys)})
        self._ids.extend(keys)

    def remove(self, key: str) -> tuple[int, int]:
        """Drop ``key``; the last row moves into its place so rows stay packed. Returns
        (freed row, last row): the caller's columns move ``last`` into ``row`` too."""
        row = self._rows.pop(key)
        last = len(self._ids) - 1
        if row != last:
            moved = self._ids[last]
            self._ids[row] = moved
            self._rows[moved] = row
        self._store.move_last(row, last)
        self._ids.pop()
        return row, last

    def vector(self, key: str) -> np.ndarray:
        return self.matrix[self._rows[key]].copy()

    def search(
        self,
        query: np.ndarray,
        limit: int,
        exclude: str | None = None,
        min_score: float = -np.inf,
    ) -> list[tuple[str, float]]:
        """The ``limit`` ids most similar to ``query`` by cosine (at least ``min_score``), best
        first, ties broken by id."""
        hits = self.search_rows(query, limit, exclude, min_score)
        return [(self._ids[row], score) for row, score in hits]

    def search_rows(
        self, query: np.ndarray, limit: int, exclude: str | None, min_score: float
    ) -> list[tuple[int, float]]:
        """Like ``search``, but rows: the face table reads its columns at these rows."""
        count = len(self._ids)
        if count == 0 or limit <= 0:
            return []
        scores = self.matrix @ np.asarray(query, np.float32)
        if exclude is not None and exclude in self._rows:
            scores[self._rows[exclude]] = -np.inf
        if np.isfinite(min_score):
            candidates = np.flatnonzero(scores >= min_score)
            if limit < len(candidates):
                cut = len(candidates) - limit
                candidates = candidates[np.argpartition(scores[candidates], cut)[cut:]]
        elif limit < count:  # the bare top-k: no copy, no gather over all rows
            candidates = np.argpartition(scores, count - limit)[count - limit :]
        else:
            candidates = np.arange(count)
        ranked = sorted(candidates.tolist(), key=lambda r: (-float(scores[r]), self._ids[r]))
        return [(r, float(scores[r])) for r in ranked if np.isfinite(scores[r])]
