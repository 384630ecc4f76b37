"""Collections and their faces: records, vectors and Rekognition's rules on them.

Inference happens before any call here; these methods only keep records, under the lock of the
account and region they belong to.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from moto.core.utils import unix_time
from moto.moto_api._internal import mock_random

from ..errors import (
    InvalidParameterException,
    ResourceAlreadyExistsException,
    ResourceNotFoundException,
)
from . import store as durable
from .faces import FACE_MODEL_VERSION, FaceTable, StoredFace, box_dict, box_row
from .index import VectorIndex

IMAGE_ID_NAMESPACE = uuid.UUID("5a0e3c1e-58f7-4d3b-9d0c-7d8a1f0c2b61")

__all__ = ["FACE_MODEL_VERSION", "Collection", "Collections", "NewFace", "StoredFace", "User"]


def image_id(image_sha256: str) -> str:
    """Name-based (version 5) UUID of the image bytes: the same image, the same ImageId."""
    return str(uuid.uuid5(IMAGE_ID_NAMESPACE, image_sha256))


@dataclass
class NewFace:
    """A face the caller wants stored: its metadata without an id, and its unit vector."""

    bounding_box: dict[str, float]
    confidence: float
    vector: np.ndarray
    thumbnail: bytes | None = None  # a small JPEG crop, for the inspector page


@dataclass
class User:
    """A named group of faces of one person; its vector is the mean of theirs."""

    user_id: str
    face_ids: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "ACTIVE" if self.face_ids else "CREATED"

    def to_user(self) -> dict[str, str]:
        return {"UserId": self.user_id, "UserStatus": self.status}


@dataclass
class Collection:
    """One collection: its faces and users, each with a vector index."""

    collection_id: str
    arn: str
    created: float
    tags: dict[str, str] = field(default_factory=dict)
    faces: FaceTable = field(default_factory=FaceTable)  # records, vectors, image entries
    users: dict[str, User] = field(default_factory=dict)  # in creation order
    user_vectors: VectorIndex = field(default_factory=VectorIndex)
    face_model_version: str = FACE_MODEL_VERSION
    profile: str = "default"  # the model profile whose vectors the collection holds
    # FaceId → JPEG crop, in memory only when state is not durable (else read from the store)
    thumbnails: dict[str, bytes] = field(default_factory=dict)

    @property
    def vectors(self) -> VectorIndex:
        """The face vectors (the face table's rows)."""
        return self.faces.vectors

    def refresh_user_vector(self, user: User) -> None:
        """Recompute a user's vector: the normalised mean of its faces' unit vectors."""
        if user.user_id in self.user_vectors:
            self.user_vectors.remove(user.user_id)
        if user.face_ids:
            mean = np.mean([self.vectors.vector(f) for f in user.face_ids], axis=0)
            self.user_vectors.add(user.user_id, mean / max(float(np.linalg.norm(mean)), 1e-12))


class Collections:
    """The collections of one account in one region, and the faces in them."""

    def __init__(
        self,
        lock: threading.RLock,
        arn_prefix: str,
        store: durable.Scoped | durable.NullStore = durable.NULL,
    ) -> None:
        self.lock = lock
        self.arn_prefix = arn_prefix  # arn:PARTITION:rekognition:REGION:ACCOUNT:collection/
        self.by_id: dict[str, Collection] = {}
        self.store = store  # written inside the lock, before the change is answered

    # -- the collections themselves ----------------------------------------------------

    def create(self, collection_id: str, tags: dict[str, str], profile: str) -> Collection:
        with self.lock:
            if collection_id in self.by_id:
                raise ResourceAlreadyExistsException(
                    f"The collection id: {collection_id} already exists."
                )
            collection = Collection(
                collection_id=collection_id,
                arn=self.arn_prefix + collection_id,
                created=unix_time(),
                tags=dict(tags),
                profile=profile,
            )
            self.store.put_collection(collection)
            self.by_id[collection_id] = collection
            return collection

    def get(self, collection_id: str) -> Collection:
        collection = self.by_id.get(collection_id)
        if collection is None:
            raise ResourceNotFoundException(f"The collection id: {collection_id} does not exist")
        return collection

    def get_for(self, collection_id: str, profile: str) -> Collection:
        """The collection, if its vectors come from ``profile``: vectors of two recognizers
        cannot be compared, so a search across profiles is refused, never answered wrongly."""
        collection = self.get(collection_id)
        if collection.profile != profile:
            raise InvalidParameterException(
                f"The collection id: {collection_id} holds face vectors of model profile "
                f"'{collection.profile}', but the active profile is '{profile}' "
                "(MOTO_REKOGNITION_FACES_MODELS); use a new collection or switch back."
            )
        return collection

    def delete(self, collection_id: str) -> None:
        with self.lock:
            self.get(collection_id)
            self.store.delete_collection(collection_id)
            del self.by_id[collection_id]

    def ids(self) -> list[str]:
        with self.lock:
            return sorted(self.by_id)

    def by_arn(self, arn: str) -> Collection:
        with self.lock:
            for collection in self.by_id.values():
                if collection.arn == arn:
                    return collection
        raise ResourceNotFoundException(f"The resource {arn} does not exist.")

    # -- faces -------------------------------------------------------------------------

    def index_faces(
        self,
        collection_id: str,
        image_sha256: str,
        external_image_id: str | None,
        new_faces: list[NewFace],
    ) -> list[StoredFace]:
        """Store faces of one image; the same image and ExternalImageId again stores nothing."""
        with self.lock:
            collection = self.get(collection_id)
            the_image = image_id(image_sha256)
            existing = collection.faces.stored_from(the_image, external_image_id)
            if existing is not None:
                return existing
            if not new_faces:
                return []
            face_ids = [str(mock_random.uuid4()) for _ in new_faces]
            boxes = np.array([box_row(new.bounding_box) for new in new_faces], np.float32)
            confidences = np.array([new.confidence for new in new_faces], np.float32)
            stored = [  # as the table will hold them (float32), so the disk holds the same
                StoredFace(
                    face_id=face_id,
                    image_id=the_image,
                    external_image_id=external_image_id,
                    bounding_box=box_dict(box.tolist()),
                    confidence=float(confidence),
                )
                for face_id, new, box, confidence in zip(
                    face_ids, new_faces, boxes, confidences, strict=True
                )
            ]
            self.store.add_faces(
                collection_id,
                [(f, new.vector, new.thumbnail) for f, new in zip(stored, new_faces, strict=True)],
                durable.image_key(the_image, external_image_id),
                face_ids,
            )
            collection.faces.add_image(
                face_ids,
                the_image,
                external_image_id,
                boxes,
                confidences,
                np.stack([new.vector for new in new_faces]),
            )
            if not self.store.durable:  # else thumbnails are on disk only
                for face_id, new in zip(face_ids, new_faces, strict=True):
                    if new.thumbnail is not None:
                        collection.thumbnails[face_id] = new.thumbnail
            return stored

    def list_faces(
        self, collection_id: str, user_id: str | None, face_ids: list[str] | None
    ) -> list[str]:
        """FaceIds in ascending order, filtered by user and ids (both when both given); the
        caller makes records of one page only (``faces_by_id``)."""
        with self.lock:
            faces = self.get(collection_id).faces
            if face_ids:
                found = sorted({f for f in face_ids if f in faces})
                return (
                    found if user_id is None else [f for f in found if faces.user_of(f) == user_id]
                )
            if user_id is not None:
                return sorted(faces.ids_of_user(user_id))
            return sorted(faces)

    def faces_by_id(self, collection_id: str, face_ids: list[str]) -> list[StoredFace]:
        """Records of these faces, in this order (those deleted meanwhile are left out)."""
        with self.lock:
            faces = self.get(collection_id).faces
            return [faces[f] for f in face_ids if f in faces]

    def delete_faces(
        self, collection_id: str, face_ids: list[str]
    ) -> tuple[list[str], list[dict[str, Any]]]:
        """Delete faces; those of a user or not found are reported, not deleted."""
        with self.lock:
            collection = self.get(collection_id)
            faces = collection.faces
            deleted: list[str] = []
            unsuccessful: list[dict[str, Any]] = []
            ids = list(dict.fromkeys(face_ids))
            self.store.delete_faces(
                collection_id, [f for f in ids if f in faces and faces.user_of(f) is None]
            )
            for face_id in ids:
                if face_id not in faces:
                    unsuccessful.append({"FaceId": face_id, "Reasons": ["FACE_NOT_FOUND"]})
                elif (owner := faces.user_of(face_id)) is not None:
                    unsuccessful.append(
                        {
                            "FaceId": face_id,
                            "UserId": owner,
                            "Reasons": ["ASSOCIATED_TO_AN_EXISTING_USER"],
                        }
                    )
                else:
                    faces.remove(face_id)
                    collection.thumbnails.pop(face_id, None)
                    deleted.append(face_id)
            return deleted, unsuccessful

    def face_vector(self, collection_id: str, face_id: str) -> np.ndarray:
        with self.lock:
            collection = self.get(collection_id)
            if face_id not in collection.faces:
                raise InvalidParameterException("faceId was not found in the collection.")
            return collection.vectors.vector(face_id)

    def search(
        self,
        collection_id: str,
        query: np.ndarray,
        limit: int,
        exclude: str | None = None,
        min_cosine: float = -np.inf,
    ) -> list[tuple[StoredFace, float]]:
        """The ``limit`` stored faces closest to ``query`` (cosine), best first."""
        with self.lock:
            faces = self.get(collection_id).faces
            hits = faces.vectors.search_rows(query, limit, exclude, min_cosine)
            return [(faces.view(row), cosine) for row, cosine in hits]

    # -- tags --------------------------------------------------------------------------

    def tag(self, arn: str, tags: dict[str, str]) -> None:
        with self.lock:
            collection = self.by_arn(arn)
            before = dict(collection.tags)
            collection.tags.update(tags)
            self._keep_tags(collection, before)

    def untag(self, arn: str, keys: list[str]) -> None:
        with self.lock:
            collection = self.by_arn(arn)
            before = dict(collection.tags)
            for key in keys:
                collection.tags.pop(key, None)
            self._keep_tags(collection, before)

    def _keep_tags(self, collection: Collection, before: dict[str, str]) -> None:
        """Write the new tags; if that fails, the old ones stay (the caller gets an error)."""
        try:
            self.store.put_collection(collection)
        except BaseException:
            collection.tags = before
            raise

    def tags(self, arn: str) -> dict[str, str]:
        with self.lock:
            return dict(self.by_arn(arn).tags)
