"""Face collections: create, describe, list, delete, index, list/delete faces, search, tags."""

from __future__ import annotations

import json
from typing import Any

from ...errors import InvalidParameterException
from ...inputs import images
from ...state.collections import FACE_MODEL_VERSION, NewFace, StoredFace
from ...vision import cache, profiles
from ...vision.results import FaceAnalysis
from .. import attributes, face_filter, serialize, similarity
from ..inspector import thumbnails
from ..pagination import paginate
from ..request import backend_of, request_params, vector_collection

DEFAULT_FACE_MATCH_THRESHOLD = 80.0
MAX_SEARCH_RESULTS = 4096
NO_FACES_MESSAGE = "There are no faces in the image. Should be at least 1."


def face_matches(hits: list[tuple[StoredFace, float]], threshold: float) -> list[dict[str, Any]]:
    """Search hits → FaceMatch list, keeping those at or above the threshold."""
    return [
        {"Similarity": score, "Face": face.to_face()}
        for face, score in similarity.at_least(hits, threshold)
    ]


class CollectionActions:
    """Actions on the collections of the caller's account and region."""

    current_account: str
    region: str

    def create_collection(self) -> str:
        params = request_params(self, "CreateCollection")
        collection = backend_of(self).collections.create(
            params["CollectionId"], params.get("Tags") or {}, profiles.active().name
        )
        return json.dumps(
            {
                "StatusCode": 200,
                # AWS returns this one ARN without its "arn:" prefix (spec §1.4).
                "CollectionArn": collection.arn.removeprefix("arn:"),
                "FaceModelVersion": collection.face_model_version,
            }
        )

    def describe_collection(self) -> str:
        params = request_params(self, "DescribeCollection")
        backend = backend_of(self)
        with backend.lock:
            collection = backend.collections.get(params["CollectionId"])
            return json.dumps(
                {
                    "FaceCount": len(collection.faces),
                    "FaceModelVersion": collection.face_model_version,
                    "CollectionARN": collection.arn,
                    "CreationTimestamp": collection.created,
                    "UserCount": len(collection.users),
                }
            )

    def list_collections(self) -> str:
        params = request_params(self, "ListCollections")
        backend = backend_of(self)
        ids = backend.collections.ids()
        page, token = paginate(
            ids, "ListCollections", params.get("NextToken"), params.get("MaxResults")
        )
        body: dict[str, Any] = {
            "CollectionIds": page,
            "FaceModelVersions": [FACE_MODEL_VERSION for _ in page],
        }
        if token:
            body["NextToken"] = token
        return json.dumps(body)

    def delete_collection(self) -> str:
        params = request_params(self, "DeleteCollection")
        backend_of(self).collections.delete(params["CollectionId"])
        return json.dumps({"StatusCode": 200})

    def index_faces(self) -> str:
        params = request_params(self, "IndexFaces")
        backend = backend_of(self)
        collection_id = params["CollectionId"]
        vector_collection(backend, collection_id)  # fail fast, before any inference
        image = images.load(params.get("Image"), self.current_account, self.region)
        selection = attributes.select(params.get("DetectionAttributes"))
        faces = cache.analyze(image, selection.needs)

        level = params.get("QualityFilter", "AUTO")
        unindexed: list[tuple[FaceAnalysis, list[str]]] = []
        kept: list[FaceAnalysis] = []
        for face in faces:
            reasons = face_filter.rejection_reasons(face, level)
            if reasons:
                unindexed.append((face, reasons))
            else:
                kept.append(face)
        max_faces = params.get("MaxFaces")
        if max_faces is not None and len(kept) > max_faces:
            ranked = sorted(
                kept, key=lambda f: (face_filter.quality_score(f), f.detection.area), reverse=True
            )
            chosen = {id(f) for f in ranked[:max_faces]}
            unindexed += [(f, ["EXCEEDS_MAX_FACES"]) for f in kept if id(f) not in chosen]
            kept = [f for f in kept if id(f) in chosen]

        vectors = cache.embed(image, [f.detection.points5 for f in kept])
        boxes = [serialize.bounding_box(f.detection.box, image.width, image.height) for f in kept]
        stored = backend.collections.index_faces(
            collection_id,
            image.sha256,
            params.get("ExternalImageId"),
            [
                NewFace(
                    box,
                    serialize.confidence(f.detection.score),
                    vector,
                    thumbnails.crop(image.pixels, f.detection.box),
                )
                for f, box, vector in zip(kept, boxes, vectors, strict=True)
            ],
        )
        records = [
            {
                "Face": {k: v for k, v in record.to_face().items() if k != "UserId"},
                "FaceDetail": serialize.face_detail(face, image.width, image.height, selection),
            }
            for record, face in zip(stored, kept, strict=True)
        ]
        return json.dumps(
            {
                "FaceRecords": records,
                "FaceModelVersion": FACE_MODEL_VERSION,
                "UnindexedFaces": [
                    {
                        "Reasons": reasons,
                        "FaceDetail": serialize.face_detail(
                            face, image.width, image.height, selection
                        ),
                    }
                    for face, reasons in unindexed
                ],
            }
        )

    def list_faces(self) -> str:
        params = request_params(self, "ListFaces")
        collection_id = params["CollectionId"]
        collections = backend_of(self).collections
        face_ids = collections.list_faces(
            collection_id, params.get("UserId"), params.get("FaceIds")
        )
        page, token = paginate(
            face_ids,
            f"ListFaces/{collection_id}",
            params.get("NextToken"),
            params.get("MaxResults"),
        )
        body: dict[str, Any] = {
            "Faces": [face.to_face() for face in collections.faces_by_id(collection_id, page)],
            "FaceModelVersion": FACE_MODEL_VERSION,
        }
        if token:
            body["NextToken"] = token
        return json.dumps(body)

    def delete_faces(self) -> str:
        params = request_params(self, "DeleteFaces")
        deleted, unsuccessful = backend_of(self).collections.delete_faces(
            params["CollectionId"], params["FaceIds"]
        )
        return json.dumps({"DeletedFaces": deleted, "UnsuccessfulFaceDeletions": unsuccessful})

    def search_faces(self) -> str:
        params = request_params(self, "SearchFaces")
        backend = backend_of(self)
        collection_id, face_id = params["CollectionId"], params["FaceId"]
        vector_collection(backend, collection_id)
        query = backend.collections.face_vector(collection_id, face_id)
        threshold = float(params.get("FaceMatchThreshold", DEFAULT_FACE_MATCH_THRESHOLD))
        hits = backend.collections.search(
            collection_id,
            query,
            params.get("MaxFaces", MAX_SEARCH_RESULTS),
            exclude=face_id,
            min_cosine=similarity.min_cosine(threshold),
        )
        return json.dumps(
            {
                "SearchedFaceId": face_id,
                "FaceMatches": face_matches(hits, threshold),
                "FaceModelVersion": FACE_MODEL_VERSION,
            }
        )

    def search_faces_by_image(self) -> str:
        params = request_params(self, "SearchFacesByImage")
        backend = backend_of(self)
        collection_id = params["CollectionId"]
        vector_collection(backend, collection_id)
        image = images.load(params.get("Image"), self.current_account, self.region)
        level = params.get("QualityFilter", "NONE")
        faces = [f for f in cache.analyze(image) if face_filter.passes(f, level)]
        if not faces:
            raise InvalidParameterException(NO_FACES_MESSAGE)
        face = faces[0]  # the largest
        query = cache.embed(image, [face.detection.points5])[0]
        threshold = float(params.get("FaceMatchThreshold", DEFAULT_FACE_MATCH_THRESHOLD))
        hits = backend.collections.search(
            collection_id,
            query,
            params.get("MaxFaces", MAX_SEARCH_RESULTS),
            min_cosine=similarity.min_cosine(threshold),
        )
        return json.dumps(
            {
                "SearchedFaceBoundingBox": serialize.bounding_box(
                    face.detection.box, image.width, image.height
                ),
                "SearchedFaceConfidence": serialize.confidence(face.detection.score),
                "FaceMatches": face_matches(hits, threshold),
                "FaceModelVersion": FACE_MODEL_VERSION,
            }
        )

    def tag_resource(self) -> str:
        params = request_params(self, "TagResource")
        backend_of(self).collections.tag(params["ResourceArn"], params["Tags"])
        return "{}"

    def untag_resource(self) -> str:
        params = request_params(self, "UntagResource")
        backend_of(self).collections.untag(params["ResourceArn"], params["TagKeys"])
        return "{}"

    def list_tags_for_resource(self) -> str:
        params = request_params(self, "ListTagsForResource")
        return json.dumps({"Tags": backend_of(self).collections.tags(params["ResourceArn"])})
