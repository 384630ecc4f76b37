"""The faces of one collection as a columnar table, in the rows of its vector index.

Per face: the vector (the index's float32 row), ImageId as 16 bytes, the box as 4 float32,
the confidence as float32, an insertion number (for IndexFaces' de-duplication), and two list
slots pointing at shared strings (ExternalImageId, UserId). The FaceId → row mapping is the
index's own. ``StoredFace`` values are made only when an answer needs them.

Boxes and confidences are kept as float32: every answer sends them rounded to float32 anyway
(``api/serialize.float32_numbers``), so the JSON is the same bytes as with float64.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .columns import Columns
from .index import VectorIndex
from .indexed_images import IndexedImages

FACE_MODEL_VERSION = "7.0"
BOX_KEYS = ("Width", "Height", "Left", "Top")  # the order every answer has sent them in
# ImageIds that are not canonical UUID text (a hand-made state folder) are kept under a
# name-based UUID of this namespace and shown as they were given.
OTHER_IMAGE_IDS = uuid.UUID("0c7e2f1b-6a43-4b8e-9d55-3f1e8a2b7c90")
CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(slots=True)
class StoredFace:
    """One face of a collection, as an answer shows it (made on demand from the table)."""

    face_id: str
    image_id: str
    external_image_id: str | None
    bounding_box: dict[str, float]
    confidence: float
    user_id: str | None = None

    def to_face(self) -> dict[str, Any]:
        """Rekognition's ``Face`` shape."""
        face: dict[str, Any] = {
            "FaceId": self.face_id,
            "BoundingBox": self.bounding_box,
            "ImageId": self.image_id,
            "Confidence": self.confidence,
            "IndexFacesModelVersion": FACE_MODEL_VERSION,
        }
        if self.external_image_id is not None:
            face["ExternalImageId"] = self.external_image_id
        if self.user_id is not None:
            face["UserId"] = self.user_id
        return face


def box_row(box: dict[str, float]) -> list[float]:
    """A box dict → its column values (a missing member is NaN and stays missing)."""
    return [box.get(key, np.nan) for key in BOX_KEYS]


def box_dict(values: list[float]) -> dict[str, float]:
    """Column values → the box as answers show it (NaN: a member that was never given)."""
    return {key: value for key, value in zip(BOX_KEYS, values, strict=True) if value == value}


class FaceTable:
    """Faces keyed by FaceId, one row each, packed. Not thread-safe: the backend holds the lock.

    Iterating gives FaceIds (in row order), ``table[face_id]`` a ``StoredFace``.
    """

    def __init__(self) -> None:
        self.vectors = VectorIndex()
        self._columns = Columns(
            {
                "image": (np.uint8, (16,)),
                "box": (np.float32, (4,)),
                "confidence": (np.float32, ()),
                "number": (np.int64, ()),
            }
        )
        self._externals: list[str | None] = []  # per row; faces of one image share the string
        self._users: list[str | None] = []  # per row
        self._named_images: dict[bytes, str] = {}  # non-UUID ImageIds (see OTHER_IMAGE_IDS)
        self._next_number = 0
        self.images = IndexedImages()

    # -- reading ------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.vectors)

    def __contains__(self, face_id: object) -> bool:
        return face_id in self.vectors

    def __iter__(self) -> Iterator[str]:
        return iter(list(self.vectors.keys()))

    def __getitem__(self, face_id: str) -> StoredFace:
        return self.view(self.vectors.row(face_id))

    def get(self, face_id: str) -> StoredFace | None:
        return self[face_id] if face_id in self.vectors else None

    def view(self, row: int) -> StoredFace:
        return StoredFace(
            face_id=self.vectors.key(row),
            image_id=self._image_text(self._columns["image"][row].tobytes()),
            external_image_id=self._externals[row],
            bounding_box=box_dict(self._columns["box"][row].tolist()),
            confidence=float(self._columns["confidence"][row]),
            user_id=self._users[row],
        )

    def user_of(self, face_id: str) -> str | None:
        """The UserId of a face (KeyError if there is no such face)."""
        return self._users[self.vectors.row(face_id)]

    def set_user(self, face_id: str, user_id: str | None) -> None:
        self._users[self.vectors.row(face_id)] = user_id

    def ids_of_user(self, user_id: str) -> list[str]:
        keys = self.vectors.keys()
        return [keys[row] for row, user in enumerate(self._users) if user == user_id]

    @property
    def nbytes(self) -> int:
        """Bytes of the numpy columns and the vector matrix (capacity)."""
        return self._columns.nbytes + self.vectors.nbytes

    # -- IndexFaces' de-duplication -------------------------------------------------------

    def rows_in(self, first: int, count: int) -> np.ndarray:
        """Rows of the faces numbered ``first`` .. ``first + count - 1``, in that order."""
        numbers = self._columns["number"]
        rows = np.flatnonzero((numbers >= first) & (numbers < first + count))
        return rows[np.argsort(numbers[rows])]

    def holds_pair(self, row: int, image_id: str, external_image_id: str | None) -> bool:
        image = self._columns["image"][row].tobytes()
        return self._image_text(image) == image_id and self._externals[row] == external_image_id

    def stored_from(self, image_id: str, external_image_id: str | None) -> list[StoredFace] | None:
        """The faces last stored from this image and ExternalImageId, if they all remain."""
        rows = self.images.rows(self, (image_id, external_image_id))
        return None if rows is None else [self.view(int(row)) for row in rows]

    def remember(self, image_id: str, external_image_id: str | None, face_ids: list[str]) -> None:
        """A stored (ImageId, ExternalImageId) → FaceIds entry, as read back from disk."""
        if not face_ids:
            return
        numbers = self._columns["number"]
        found = [int(numbers[self.vectors.row(f)]) for f in face_ids if f in self.vectors]
        whole = len(found) == len(face_ids) and found == list(
            range(found[0], found[0] + len(found))
        )
        first = found[0] if whole else -1
        self.images.remember(self, (image_id, external_image_id), first, len(face_ids))

    # -- writing ------------------------------------------------------------------------

    def add(
        self,
        face_ids: Sequence[str],
        image_ids: Sequence[str],
        external_image_ids: Sequence[str | None],
        boxes: np.ndarray,
        confidences: np.ndarray,
        vectors: np.ndarray,
        user_ids: Sequence[str | None] | None = None,
    ) -> int:
        """Append new faces (ids not in the table) in one go; returns the insertion number of
        the first (the others follow)."""
        count = len(face_ids)
        if any(f in self.vectors for f in face_ids) or len(set(face_ids)) != count:
            raise ValueError("FaceIds must be new and distinct")
        self.vectors.add_many(list(face_ids), np.asarray(vectors, np.float32).reshape(count, -1))
        rows = self._columns.extend(count)
        columns = self._columns.arrays
        columns["image"][rows] = self._image_column(image_ids)
        columns["box"][rows] = boxes
        columns["confidence"][rows] = confidences
        first = self._next_number
        columns["number"][rows] = np.arange(first, first + count)
        self._next_number += count
        self._externals.extend(external_image_ids)
        self._users.extend(user_ids if user_ids is not None else [None] * count)
        return first

    def add_image(
        self,
        face_ids: list[str],
        image_id: str,
        external_image_id: str | None,
        boxes: np.ndarray,
        confidences: np.ndarray,
        vectors: np.ndarray,
    ) -> None:
        """The faces of one IndexFaces call, remembered for de-duplication."""
        count = len(face_ids)
        first = self.add(
            face_ids, [image_id] * count, [external_image_id] * count, boxes, confidences, vectors
        )
        self.images.remember(self, (image_id, external_image_id), first, count)

    def remove(self, face_id: str) -> None:
        row, last = self.vectors.remove(face_id)
        self._columns.move_last(row, last)
        for values in (self._externals, self._users):
            values[row] = values[last]
            values.pop()

    # -- ImageIds -----------------------------------------------------------------------

    def _image_column(self, image_ids: Sequence[str]) -> np.ndarray:
        """ImageIds → (n, 16) bytes; the faces of one image share one conversion."""
        converted: dict[str, bytes] = {}
        for image in image_ids:
            if image not in converted:
                converted[image] = self._image_bytes(image)
        joined = b"".join(converted[image] for image in image_ids)
        return np.frombuffer(joined, np.uint8).reshape(len(image_ids), 16)

    def _image_bytes(self, image_id: str) -> bytes:
        if CANONICAL_UUID.fullmatch(image_id):  # what str(uuid.UUID(...)) gives back
            return bytes.fromhex(image_id.replace("-", ""))
        other = uuid.uuid5(OTHER_IMAGE_IDS, image_id).bytes
        self._named_images[other] = image_id
        return other

    def _image_text(self, image: bytes) -> str:
        if self._named_images and image in self._named_images:
            return self._named_images[image]
        return str(uuid.UUID(bytes=image))
