"""Growable numpy columns kept packed in step with a ``VectorIndex``'s rows.

A million faces as a million Python objects cost ~1 kB each; as columns they cost the bytes of
their values. Capacity doubles (``np.zeros``: pages never written stay out of RSS) and a
removed row is filled by the last one, as the index does.
"""

from __future__ import annotations

import numpy as np

INITIAL_CAPACITY = 64


class Columns:
    """Named fixed-width arrays with one shared row count. Not thread-safe (the backend's lock).

    ``shapes`` maps a name to (dtype, trailing shape) and ``fills`` to the value of a new row.
    """

    def __init__(
        self,
        shapes: dict[str, tuple[type | str, tuple[int, ...]]],
        fills: dict[str, float] | None = None,
    ) -> None:
        self._shapes = shapes
        self._fills = fills or {}
        self.count = 0
        self.arrays = {
            name: np.zeros((INITIAL_CAPACITY, *shape), dtype)
            for name, (dtype, shape) in shapes.items()
        }

    def __getitem__(self, name: str) -> np.ndarray:
        """The live rows of one column (a view)."""
        return self.arrays[name][: self.count]

    def extend(self, rows: int) -> slice:
        """Make room for ``rows`` more rows; returns their slice (filled with each column's
        fill value)."""
        needed = self.count + rows
        capacity = len(next(iter(self.arrays.values())))
        if needed > capacity:
            while capacity < needed:
                capacity *= 2
            for name, array in self.arrays.items():
                grown = np.zeros((capacity, *array.shape[1:]), array.dtype)
                grown[: self.count] = array[: self.count]
                self.arrays[name] = grown
        added = slice(self.count, needed)
        for name, value in self._fills.items():
            self.arrays[name][added] = value
        self.count = needed
        return added

    def move_last(self, row: int, last: int) -> None:
        """Drop ``row``: the ``last`` row takes its place (the index's ``remove``)."""
        if row != last:
            for array in self.arrays.values():
                array[row] = array[last]
        self.count -= 1

    @property
    def nbytes(self) -> int:
        return sum(int(a.nbytes) for a in self.arrays.values())
