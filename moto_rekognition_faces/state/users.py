"""Users of a collection: faces of one person grouped under a UserId, and their rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import ConflictException, ResourceNotFoundException, ServiceQuotaExceededException
from .collections import Collection, Collections, User

MAX_FACES_PER_USER = 100


class Users:
    """Create, delete, associate, disassociate and search users, inside their collections."""

    def __init__(self, collections: Collections) -> None:
        self.collections = collections
        self.lock = collections.lock

    def get(self, collection: Collection, user_id: str) -> User:
        user = collection.users.get(user_id)
        if user is None:
            raise ResourceNotFoundException(
                f"The user id: {user_id} does not exist in the collection "
                f"{collection.collection_id}."
            )
        return user

    def create(self, collection_id: str, user_id: str) -> None:
        with self.lock:
            collection = self.collections.get(collection_id)
            if user_id in collection.users:
                raise ConflictException(
                    f"A User with the same Id: {user_id} already exists within the collection."
                )
            user = User(user_id)
            self.collections.store.put_user(collection_id, user, {})
            collection.users[user_id] = user

    def delete(self, collection_id: str, user_id: str) -> None:
        """Disassociate every face of the user (the faces stay), then delete it."""
        with self.lock:
            collection = self.collections.get(collection_id)
            user = self.get(collection, user_id)
            self.collections.store.delete_user(collection_id, user_id, dict.fromkeys(user.face_ids))
            for face_id in user.face_ids:
                collection.faces.set_user(face_id, None)
            user.face_ids.clear()
            collection.refresh_user_vector(user)
            del collection.users[user_id]

    def list(self, collection_id: str) -> list[User]:
        with self.lock:
            return list(self.collections.get(collection_id).users.values())

    def associate(
        self,
        collection_id: str,
        user_id: str,
        face_ids: list[str],
        threshold: float,
        similarity: Callable[[float], float],
    ) -> tuple[list[str], list[dict[str, Any]], str]:
        """Associate faces in order; once the user has a face, each further one must match its
        vector with ``similarity(cosine) >= threshold``. Returns (associated, refused, status)."""
        with self.lock:
            collection = self.collections.get(collection_id)
            user = self.get(collection, user_id)
            wanted = [
                f
                for f in dict.fromkeys(face_ids)
                if f in collection.faces and collection.faces.user_of(f) is None
            ]
            if wanted and len(user.face_ids) + len(wanted) > MAX_FACES_PER_USER:
                raise ServiceQuotaExceededException(
                    f"User {user_id} would hold more than {MAX_FACES_PER_USER} faces."
                )
            associated: list[str] = []
            refused: list[dict[str, Any]] = []
            for face_id in dict.fromkeys(face_ids):
                if face_id not in collection.faces:
                    refused.append({"FaceId": face_id, "Reasons": ["FACE_NOT_FOUND"]})
                    continue
                owner = collection.faces.user_of(face_id)
                if owner == user_id:
                    continue  # already this user's: silently ignored
                if owner is not None:
                    refused.append(
                        {
                            "FaceId": face_id,
                            "UserId": owner,
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
                collection.faces.set_user(face_id, user_id)
                user.face_ids.append(face_id)
                collection.refresh_user_vector(user)
                associated.append(face_id)
            if associated:
                try:
                    self.collections.store.put_user(
                        collection_id, user, dict.fromkeys(associated, user_id)
                    )
                except BaseException:  # not on disk: not done (the caller gets an error)
                    self._undo(collection, user, associated, None)
                    raise
            return associated, refused, user.status

    def _undo(
        self, collection: Collection, user: User, face_ids: list[str], owner: str | None
    ) -> None:
        """Give ``face_ids`` back to ``owner`` (None: no user) after a failed write."""
        for face_id in face_ids:
            collection.faces.set_user(face_id, owner)
            if owner is None:
                user.face_ids.remove(face_id)
            else:
                user.face_ids.append(face_id)
        collection.refresh_user_vector(user)

    def disassociate(
        self, collection_id: str, user_id: str, face_ids: list[str]
    ) -> tuple[list[str], list[dict[str, Any]], str]:
        with self.lock:
            collection = self.collections.get(collection_id)
            user = self.get(collection, user_id)
            done: list[str] = []
            refused: list[dict[str, Any]] = []
            for face_id in dict.fromkeys(face_ids):
                if face_id not in collection.faces:
                    refused.append({"FaceId": face_id, "Reasons": ["FACE_NOT_FOUND"]})
                    continue
                owner = collection.faces.user_of(face_id)
                if owner is None:
                    continue  # not associated with this user: ignored
                if owner != user_id:
                    refused.append(
                        {
                            "FaceId": face_id,
                            "UserId": owner,
                            "Reasons": ["ASSOCIATED_TO_A_DIFFERENT_USER"],
                        }
                    )
                else:
                    collection.faces.set_user(face_id, None)
                    user.face_ids.remove(face_id)
                    done.append(face_id)
            collection.refresh_user_vector(user)
            if done:
                try:
                    self.collections.store.put_user(collection_id, user, dict.fromkeys(done))
                except BaseException:  # not on disk: not done (the caller gets an error)
                    self._undo(collection, user, done, user_id)
                    raise
            return done, refused, user.status

    def vector(self, collection_id: str, user_id: str) -> np.ndarray | None:
        """The user's vector, None while it has no face; ResourceNotFound for unknown users."""
        with self.lock:
            collection = self.collections.get(collection_id)
            self.get(collection, user_id)
            if user_id not in collection.user_vectors:
                return None
            return collection.user_vectors.vector(user_id)

    def search(
        self,
        collection_id: str,
        query: np.ndarray,
        limit: int,
        exclude: str | None = None,
        min_cosine: float = -np.inf,
    ) -> list[tuple[User, float]]:
        """Users (with faces) closest to ``query`` by cosine to their vector, best first."""
        with self.lock:
            collection = self.collections.get(collection_id)
            hits = collection.user_vectors.search(
                query, limit, exclude=exclude, min_score=min_cosine
            )
            return [(collection.users[key], cosine) for key, cosine in hits]
