"""Users: named groups of faces in a collection, and searching for them.

A user's vector is the normalised mean of its faces' ArcFace vectors; a user's Similarity to a
face is the calibrated similarity (``similarity.from_cosine``) of the cosine between the two.
Averaging several photos of one person cancels what is particular to each photo, so a new photo
of that person sits closer to the user than to most of its single faces.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ...errors import InvalidParameterException
from ...inputs import images
from ...state.collections import FACE_MODEL_VERSION, User
from ...vision import cache
from .. import face_filter, serialize, similarity
from ..pagination import paginate
from ..request import backend_of, request_params, vector_collection

DEFAULT_USER_MATCH_THRESHOLD = 80.0
DEFAULT_ASSOCIATE_THRESHOLD = 75.0
MAX_USERS = 500


def fingerprint(params: dict[str, Any]) -> str:
    """The request without its token, for IdempotentParameterMismatch checks."""
    rest = {k: v for k, v in params.items() if k != "ClientRequestToken"}
    return hashlib.sha256(json.dumps(rest, sort_keys=True).encode()).hexdigest()


def user_matches(hits: list[tuple[User, float]], threshold: float) -> list[dict[str, Any]]:
    """Search hits → UserMatch list, keeping those at or above the threshold."""
    return [
        {"Similarity": score, "User": user.to_user()}
        for user, score in similarity.at_least(hits, threshold)
    ]


class UserActions:
    """Actions on the users of a collection."""

    current_account: str
    region: str

    def create_user(self) -> str:
        params = request_params(self, "CreateUser")
        backend = backend_of(self)

        def work() -> str:
            backend.users.create(params["CollectionId"], params["UserId"])
            return "{}"

        return backend.tokens.once(
            "CreateUser", params.get("ClientRequestToken"), fingerprint(params), work
        )

    def delete_user(self) -> str:
        params = request_params(self, "DeleteUser")
        backend = backend_of(self)

        def work() -> str:
            backend.users.delete(params["CollectionId"], params["UserId"])
            return "{}"

        return backend.tokens.once(
            "DeleteUser", params.get("ClientRequestToken"), fingerprint(params), work
        )

    def list_users(self) -> str:
        params = request_params(self, "ListUsers")
        collection_id = params["CollectionId"]
        users = backend_of(self).users.list(collection_id)
        page, token = paginate(
            users,
            f"ListUsers/{collection_id}",
            params.get("NextToken"),
            params.get("MaxResults") or MAX_USERS,
        )
        body: dict[str, Any] = {"Users": [user.to_user() for user in page]}
        if token:
            body["NextToken"] = token
        return json.dumps(body)

    def associate_faces(self) -> str:
        params = request_params(self, "AssociateFaces")
        backend = backend_of(self)

        def work() -> str:
            vector_collection(backend, params["CollectionId"])
            associated, refused, status = backend.users.associate(
                params["CollectionId"],
                params["UserId"],
                params["FaceIds"],
                float(params.get("UserMatchThreshold", DEFAULT_ASSOCIATE_THRESHOLD)),
                similarity.from_cosine,
            )
            return json.dumps(
                {
                    "AssociatedFaces": [{"FaceId": face_id} for face_id in associated],
                    "UnsuccessfulFaceAssociations": refused,
                    "UserStatus": status,
                }
            )

        return backend.tokens.once(
            "AssociateFaces", params.get("ClientRequestToken"), fingerprint(params), work
        )

    def disassociate_faces(self) -> str:
        params = request_params(self, "DisassociateFaces")
        backend = backend_of(self)

        def work() -> str:
            done, refused, status = backend.users.disassociate(
                params["CollectionId"], params["UserId"], params["FaceIds"]
            )
            return json.dumps(
                {
                    "DisassociatedFaces": [{"FaceId": face_id} for face_id in done],
                    "UnsuccessfulFaceDisassociations": refused,
                    "UserStatus": status,
                }
            )

        return backend.tokens.once(
            "DisassociateFaces", params.get("ClientRequestToken"), fingerprint(params), work
        )

    def search_users(self) -> str:
        params = request_params(self, "SearchUsers")
        backend = backend_of(self)
        collection_id = params["CollectionId"]
        face_id, user_id = params.get("FaceId"), params.get("UserId")
        if (face_id is None) == (user_id is None):
            raise InvalidParameterException("Provide exactly one of FaceId or UserId.")
        body: dict[str, Any]
        vector_collection(backend, collection_id)
        if face_id is not None:
            query = backend.collections.face_vector(collection_id, face_id)
            body = {"SearchedFace": {"FaceId": face_id}}
        else:
            query = backend.users.vector(collection_id, user_id)
            body = {"SearchedUser": {"UserId": user_id}}
        limit = params.get("MaxUsers", MAX_USERS)
        threshold = float(params.get("UserMatchThreshold", DEFAULT_USER_MATCH_THRESHOLD))
        hits = (
            []
            if query is None
            else backend.users.search(
                collection_id, query, limit, user_id, similarity.min_cosine(threshold)
            )
        )
        body["UserMatches"] = user_matches(hits, threshold)
        body["FaceModelVersion"] = FACE_MODEL_VERSION
        return json.dumps(body)

    def search_users_by_image(self) -> str:
        params = request_params(self, "SearchUsersByImage")
        backend = backend_of(self)
        collection_id = params["CollectionId"]
        vector_collection(backend, collection_id)
        image = images.load(params.get("Image"), self.current_account, self.region)
        level = params.get("QualityFilter", "NONE")
        searched = None
        unsearched = []
        for face in cache.analyze(image):
            reasons = face_filter.rejection_reasons(face, level)
            if not reasons and searched is None:
                searched = face  # the largest usable face
                continue
            detail = serialize.face_detail(face, image.width, image.height)
            unsearched.append({"FaceDetails": detail, "Reasons": reasons or ["FACE_NOT_LARGEST"]})
        body: dict[str, Any] = {"UserMatches": [], "FaceModelVersion": FACE_MODEL_VERSION}
        if searched is not None:
            query = cache.embed(image, [searched.detection.points5])[0]
            threshold = float(params.get("UserMatchThreshold", DEFAULT_USER_MATCH_THRESHOLD))
            hits = backend.users.search(
                collection_id,
                query,
                params.get("MaxUsers", MAX_USERS),
                min_cosine=similarity.min_cosine(threshold),
            )
            body["UserMatches"] = user_matches(hits, threshold)
            body["SearchedFace"] = {
                "FaceDetail": serialize.face_detail(searched, image.width, image.height)
            }
        body["UnsearchedFaces"] = unsearched
        return json.dumps(body)
