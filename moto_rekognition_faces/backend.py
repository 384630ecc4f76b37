"""State of the face APIs per account and region: collections, their faces and vectors.

A ``BackendDict`` of our own, so moto's reset (leaving ``mock_aws``, ``/moto-api/reset``)
clears it with everything else. Inference happens outside; this module only keeps records and
applies Rekognition's rules to them, under one lock per account and region.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from moto.core.base_backend import BackendDict, BaseBackend
from moto.core.utils import unix_time
from moto.moto_api._internal import mock_random
from moto.utilities.utils import get_partition

from .errors import (
    ConflictException,
    IdempotentParameterMismatchException,
    InvalidParameterException,
    LimitExceededException,
    ResourceAlreadyExistsException,
    ResourceNotFoundException,
    ServiceQuotaExceededException,
)
from .index import VectorIndex

FACE_MODEL_VERSION = "7.0"
IMAGE_ID_NAMESPACE = uuid.UUID("5a0e3c1e-58f7-4d3b-9d0c-7d8a1f0c2b61")


def image_id(image_sha256: str) -> str:
    """Name-based (version 5) UUID of the image bytes: the same image, the same ImageId."""
    return str(uuid.uuid5(IMAGE_ID_NAMESPACE, image_sha256))


@dataclass(slots=True)  # millions of these may live in one collection
class StoredFace:
    """What a collection keeps of an indexed face (the vector lives in the index)."""

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


MAX_FACES_PER_USER = 100


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
    collection_id: str
    arn: str
    created: float
    tags: dict[str, str] = field(default_factory=dict)
    faces: dict[str, StoredFace] = field(default_factory=dict)
    vectors: VectorIndex = field(default_factory=VectorIndex)
    # (ImageId, ExternalImageId) → FaceIds indexed from that image, for de-duplication.
    indexed_images: dict[tuple[str, str | None], list[str]] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)  # in creation order
    user_vectors: VectorIndex = field(default_factory=VectorIndex)

    def refresh_user_vector(self, user: User) -> None:
        """Recompute a user's vector: the normalised mean of its faces' unit vectors."""
        if user.user_id in self.user_vectors:
            self.user_vectors.remove(user.user_id)
        if user.face_ids:
            mean = np.mean([self.vectors.vector(f) for f in user.face_ids], axis=0)
            self.user_vectors.add(user.user_id, mean / max(float(np.linalg.norm(mean)), 1e-12))

    face_model_version: str = FACE_MODEL_VERSION


@dataclass
class NewFace:
    """A face the caller wants stored: its metadata without an id, and its unit vector."""

    bounding_box: dict[str, float]
    confidence: float
    vector: np.ndarray


class FacesBackend(BaseBackend):
    """Collections of one account in one region."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.collections: dict[str, Collection] = {}
        self.lock = threading.RLock()
        # (operation, ClientRequestToken) → (fingerprint of the parameters, response body)
        self.idempotency: dict[tuple[str, str], tuple[str, str]] = {}
        self.jobs: dict[str, Any] = {}  # JobId → video_jobs.VideoJob
        self.queued: dict[str, Any] = {}  # operation → deque of control.Queued (test control)
        self.celebrities: dict[str, dict[str, Any]] = {}  # Id → catalogue entry (test control)
        self.liveness: dict[str, dict[str, Any]] = {}  # SessionId → session record

    # -- collections -------------------------------------------------------------------

    def collection_arn(self, collection_id: str) -> str:
        partition = get_partition(self.region_name)
        return (
            f"arn:{partition}:rekognition:{self.region_name}:{self.account_id}:"
            f"collection/{collection_id}"
        )

    def create_collection(self, collection_id: str, tags: dict[str, str]) -> Collection:
        with self.lock:
            if collection_id in self.collections:
                raise ResourceAlreadyExistsException(
                    f"The collection id: {collection_id} already exists."
                )
            collection = Collection(
                collection_id=collection_id,
                arn=self.collection_arn(collection_id),
                created=unix_time(),
                tags=dict(tags),
            )
            self.collections[collection_id] = collection
            return collection

    def get_collection(self, collection_id: str) -> Collection:
        collection = self.collections.get(collection_id)
        if collection is None:
            raise ResourceNotFoundException(f"The collection id: {collection_id} does not exist")
        return collection

    def delete_collection(self, collection_id: str) -> None:
        with self.lock:
            self.get_collection(collection_id)
            del self.collections[collection_id]

    def collection_ids(self) -> list[str]:
        with self.lock:
            return sorted(self.collections)

    def collection_by_arn(self, arn: str) -> Collection:
        with self.lock:
            for collection in self.collections.values():
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
            collection = self.get_collection(collection_id)
            the_image = image_id(image_sha256)
            key = (the_image, external_image_id)
            existing = collection.indexed_images.get(key)
            if existing is not None and all(f in collection.faces for f in existing):
                return [collection.faces[f] for f in existing]
            stored = []
            for new in new_faces:
                face = StoredFace(
                    face_id=str(mock_random.uuid4()),
                    image_id=the_image,
                    external_image_id=external_image_id,
                    bounding_box=new.bounding_box,
                    confidence=new.confidence,
                )
                collection.faces[face.face_id] = face
                collection.vectors.add(face.face_id, new.vector)
                stored.append(face)
            if stored:
                collection.indexed_images[key] = [f.face_id for f in stored]
            return stored

    def list_faces(
        self, collection_id: str, user_id: str | None, face_ids: list[str] | None
    ) -> list[StoredFace]:
        """Faces in ascending FaceId order, filtered by user and ids (both when both given)."""
        with self.lock:
            collection = self.get_collection(collection_id)
            wanted = set(face_ids) if face_ids else None
            return [
                collection.faces[face_id]
                for face_id in sorted(collection.faces)
                if (wanted is None or face_id in wanted)
                and (user_id is None or collection.faces[face_id].user_id == user_id)
            ]

    def delete_faces(
        self, collection_id: str, face_ids: list[str]
    ) -> tuple[list[str], list[dict[str, Any]]]:
        """Delete faces; those of a user or not found are reported, not deleted."""
        with self.lock:
            collection = self.get_collection(collection_id)
            deleted: list[str] = []
            unsuccessful: list[dict[str, Any]] = []
            for face_id in dict.fromkeys(face_ids):
                face = collection.faces.get(face_id)
                if face is None:
                    unsuccessful.append({"FaceId": face_id, "Reasons": ["FACE_NOT_FOUND"]})
                elif face.user_id is not None:
                    unsuccessful.append(
                        {
                            "FaceId": face_id,
                            "UserId": face.user_id,
                            "Reasons": ["ASSOCIATED_TO_AN_EXISTING_USER"],
                        }
                    )
                else:
                    del collection.faces[face_id]
                    collection.vectors.remove(face_id)
                    deleted.append(face_id)
            return deleted, unsuccessful

    def face_vector(self, collection_id: str, face_id: str) -> np.ndarray:
        with self.lock:
            collection = self.get_collection(collection_id)
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
        return self._nearest(collection_id, "faces", query, limit, exclude, min_cosine)

    def _nearest(
        self,
        collection_id: str,
        kind: str,
        query: np.ndarray,
        limit: int,
        exclude: str | None,
        min_cosine: float,
    ) -> list[tuple[Any, float]]:
        """Nearest faces (``kind`` "faces") or users ("users") of a collection, under the lock."""
        with self.lock:
            collection = self.get_collection(collection_id)
            index, records = (
                (collection.vectors, collection.faces)
                if kind == "faces"
                else (collection.user_vectors, collection.users)
            )
            hits = index.search(query, limit, exclude=exclude, min_score=min_cosine)
            return [(records[key], cosine) for key, cosine in hits]

    # -- users -------------------------------------------------------------------------

    def get_user(self, collection: Collection, user_id: str) -> User:
        user = collection.users.get(user_id)
        if user is None:
            raise ResourceNotFoundException(
                f"The user id: {user_id} does not exist in the collection "
                f"{collection.collection_id}."
            )
        return user

    def create_user(self, collection_id: str, user_id: str) -> None:
        with self.lock:
            collection = self.get_collection(collection_id)
            if user_id in collection.users:
                raise ConflictException(
                    f"A User with the same Id: {user_id} already exists within the collection."
                )
            collection.users[user_id] = User(user_id)

    def delete_user(self, collection_id: str, user_id: str) -> None:
        """Disassociate every face of the user (the faces stay), then delete it."""
        with self.lock:
            collection = self.get_collection(collection_id)
            user = self.get_user(collection, user_id)
            for face_id in user.face_ids:
                collection.faces[face_id].user_id = None
            user.face_ids.clear()
            collection.refresh_user_vector(user)
            del collection.users[user_id]

    def list_users(self, collection_id: str) -> list[User]:
        with self.lock:
            return list(self.get_collection(collection_id).users.values())

    def associate_faces(
        self,
        collection_id: str,
        user_id: str,
        face_ids: list[str],
        threshold: float,
        similarity: Any,
    ) -> tuple[list[str], list[dict[str, Any]], str]:
        """Associate faces in order; once the user has a face, each further one must match its
        vector with ``similarity(cosine) >= threshold``. Returns (associated, refused, status)."""
        with self.lock:
            collection = self.get_collection(collection_id)
            user = self.get_user(collection, user_id)
            wanted = [
                f
                for f in dict.fromkeys(face_ids)
                if f in collection.faces and collection.faces[f].user_id is None
            ]
            if wanted and len(user.face_ids) + len(wanted) > MAX_FACES_PER_USER:
                raise ServiceQuotaExceededException(
                    f"User {user_id} would hold more than {MAX_FACES_PER_USER} faces."
                )
            associated: list[str] = []
            refused: list[dict[str, Any]] = []
            for face_id in dict.fromkeys(face_ids):
                face = collection.faces.get(face_id)
                if face is None:
                    refused.append({"FaceId": face_id, "Reasons": ["FACE_NOT_FOUND"]})
                    continue
                if face.user_id == user_id:
                    continue  # already this user's: silently ignored
                if face.user_id is not None:
                    refused.append(
                        {
                            "FaceId": face_id,
                            "UserId": face.user_id,
                            "Reasons": ["ASSOCIATED_TO_A_DIFFERENT_USER"],
                        }
                    )
                    continue
                if user.face_ids:
                    cosine = float(
                        collection.user_vectors.vector(user_id) @ collection.vectors.vector(face_id)
                    )
                    score = float(similarity(cosine))
                    if score < threshold:
                        refused.append(
                            {
                                "FaceId": face_id,
                                "UserId": user_id,
                                "Confidence": score,
                                "Reasons": ["LOW_MATCH_CONFIDENCE"],
                            }
                        )
                        continue
                face.user_id = user_id
                user.face_ids.append(face_id)
                collection.refresh_user_vector(user)
                associated.append(face_id)
            return associated, refused, user.status

    def disassociate_faces(
        self, collection_id: str, user_id: str, face_ids: list[str]
    ) -> tuple[list[str], list[dict[str, Any]], str]:
        with self.lock:
            collection = self.get_collection(collection_id)
            user = self.get_user(collection, user_id)
            done: list[str] = []
            refused: list[dict[str, Any]] = []
            for face_id in dict.fromkeys(face_ids):
                face = collection.faces.get(face_id)
                if face is None:
                    refused.append({"FaceId": face_id, "Reasons": ["FACE_NOT_FOUND"]})
                elif face.user_id is None:
                    continue  # not associated with this user: ignored
                elif face.user_id != user_id:
                    refused.append(
                        {
                            "FaceId": face_id,
                            "UserId": face.user_id,
                            "Reasons": ["ASSOCIATED_TO_A_DIFFERENT_USER"],
                        }
                    )
                else:
                    face.user_id = None
                    user.face_ids.remove(face_id)
                    done.append(face_id)
            collection.refresh_user_vector(user)
            return done, refused, user.status

    def user_vector(self, collection_id: str, user_id: str) -> np.ndarray | None:
        """The user's vector, None while it has no face; ResourceNotFound for unknown users."""
        with self.lock:
            collection = self.get_collection(collection_id)
            self.get_user(collection, user_id)
            if user_id not in collection.user_vectors:
                return None
            return collection.user_vectors.vector(user_id)

    def search_users(
        self,
        collection_id: str,
        query: np.ndarray,
        limit: int,
        exclude: str | None = None,
        min_cosine: float = -np.inf,
    ) -> list[tuple[User, float]]:
        """Users (with faces) closest to ``query`` by cosine to their vector, best first."""
        return self._nearest(collection_id, "users", query, limit, exclude, min_cosine)

    # -- idempotency -------------------------------------------------------------------

    def idempotent(self, operation: str, token: str | None, fingerprint: str, work: Any) -> str:
        """Run ``work`` once per (operation, token); a retry with the same parameters gets the
        first response, one with other parameters IdempotentParameterMismatchException."""
        if not token:
            return work()
        with self.lock:
            seen = self.idempotency.get((operation, token))
            if seen is not None:
                if seen[0] != fingerprint:
                    raise IdempotentParameterMismatchException(
                        f"The ClientRequestToken: {token} you have supplied is already in use."
                    )
                return seen[1]
            body = work()
            self.idempotency[(operation, token)] = (fingerprint, body)
            return body

    # -- video jobs --------------------------------------------------------------------

    def add_job(self, job: Any, limit: int) -> None:
        """Record a new job; more than ``limit`` running at once is LimitExceededException."""
        with self.lock:
            running = sum(1 for j in self.jobs.values() if j.status == "IN_PROGRESS")
            if running >= limit:
                raise LimitExceededException(
                    f"{running} open Jobs for User "
                    f"arn:aws:iam::{self.account_id}:root Maximum limit: {limit}"
                )
            self.jobs[job.job_id] = job

    def get_job(self, job_id: str, api: str) -> Any:
        with self.lock:
            job = self.jobs.get(job_id)
        if job is None or job.api != api:
            raise ResourceNotFoundException(f"The job id: {job_id} does not exist.")
        return job

    # -- tags --------------------------------------------------------------------------

    def tag_resource(self, arn: str, tags: dict[str, str]) -> None:
        with self.lock:
            self.collection_by_arn(arn).tags.update(tags)

    def untag_resource(self, arn: str, keys: list[str]) -> None:
        with self.lock:
            collection = self.collection_by_arn(arn)
            for key in keys:
                collection.tags.pop(key, None)

    def list_tags(self, arn: str) -> dict[str, str]:
        with self.lock:
            return dict(self.collection_by_arn(arn).tags)


faces_backends = BackendDict(FacesBackend, "rekognition")
