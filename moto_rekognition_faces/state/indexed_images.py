"""Which faces IndexFaces stored from an (ImageId, ExternalImageId): the same image with the
same ExternalImageId again stores nothing while those faces all remain.

One entry per image, not per face: the faces of one IndexFaces call get consecutive insertion
numbers, so an entry is (first number, count) packed in one int, keyed by the hash of the pair.
Two pairs with the same hash are told apart by the faces themselves (their ImageId and
ExternalImageId columns); the later one is then kept under its exact pair.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

COUNT_BITS = 16
COUNT_MASK = (1 << COUNT_BITS) - 1
STALE = -1  # some of the faces were deleted (or never restorable): re-indexing stores anew

Pair = tuple[str, str | None]


class Rows(Protocol):
    """What the face table answers about its rows."""

    def rows_in(self, first: int, count: int) -> np.ndarray: ...

    def holds_pair(self, row: int, image_id: str, external_image_id: str | None) -> bool: ...


class IndexedImages:
    """(ImageId, ExternalImageId) → the insertion numbers of the faces stored from it."""

    def __init__(self) -> None:
        self._by_hash: dict[int, int] = {}
        self._exact: dict[Pair, int] = {}  # only pairs whose hash another pair took first

    def __len__(self) -> int:
        return len(self._by_hash) + len(self._exact)

    def rows(self, table: Rows, pair: Pair) -> np.ndarray | None:
        """Rows of the faces last stored from ``pair``, in storing order, if all remain."""
        value = self._value(table, pair)
        if value is None or value == STALE:
            return None
        first, count = value >> COUNT_BITS, value & COUNT_MASK
        rows = table.rows_in(first, count)
        return rows if len(rows) == count else None

    def remember(self, table: Rows, pair: Pair, first: int, count: int) -> None:
        """``count`` faces numbered from ``first`` were stored from ``pair`` (first < 0 or a
        count too large to pack: their entry only says they are not all there)."""
        value = STALE if first < 0 or not 0 < count <= COUNT_MASK else first << COUNT_BITS | count
        if pair in self._exact:
            self._exact[pair] = value
            return
        key = hash(pair)
        if self._owner_differs(table, self._by_hash.get(key), pair):
            self._exact[pair] = value
        else:
            self._by_hash[key] = value

    def _value(self, table: Rows, pair: Pair) -> int | None:
        if pair in self._exact:
            return self._exact[pair]
        value = self._by_hash.get(hash(pair))
        return None if self._owner_differs(table, value, pair) else value

    @staticmethod
    def _owner_differs(table: Rows, value: int | None, pair: Pair) -> bool:
        """True when ``value`` is the entry of another pair with the same hash (known from its
        faces; an entry without faces left can be taken over: it would store anew anyway)."""
        if value is None or value == STALE:
            return False
        rows = table.rows_in(value >> COUNT_BITS, value & COUNT_MASK)
        return bool(rows.size) and not table.holds_pair(int(rows[0]), *pair)
