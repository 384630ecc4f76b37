"""What a stored-video job does with its frames: the same pipeline as the image operations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ...state.jobs import Frames, Work
from ...vision import embedder, pipeline
from .. import attributes, serialize, similarity

VIDEO_EXCLUDED_MEMBERS = ("EyeDirection", "FaceOccluded")  # never in video results
SAME_PERSON_COSINE = 0.45  # a face this close to a person seen earlier is that person


def detect_faces_in(face_attributes: str | None) -> Work:
    """The work of StartFaceDetection: FaceDetection entries, in time order (with ALL, every
    member but EyeDirection and FaceOccluded, which video results never carry)."""
    selection = attributes.select([face_attributes or "DEFAULT"], never=VIDEO_EXCLUDED_MEMBERS)

    def work(frames: Frames) -> list[dict[str, Any]]:
        found = []
        for timestamp, frame in frames:
            height, width = frame.shape[:2]
            for face in pipeline.analyze(frame, selection.needs):
                detail = serialize.face_detail(face, width, height, selection)
                found.append({"Timestamp": timestamp, "Face": detail})
        return found

    return work


def search_faces_in(
    search: Callable[[np.ndarray], list[tuple[Any, float]]], threshold: float
) -> Work:
    """The work of StartFaceSearch: PersonMatch entries, people numbered by first appearance."""

    def work(frames: Frames) -> list[dict[str, Any]]:
        people: list[np.ndarray] = []  # running mean vector of each person seen
        matches = []
        for timestamp, frame in frames:
            height, width = frame.shape[:2]
            faces = pipeline.analyze(frame)
            vectors = embedder.embed(frame, [f.detection.points5 for f in faces])
            for face, vector in zip(faces, vectors, strict=True):
                index = _person_index(people, vector)
                detail = serialize.face_detail(face, width, height)
                face_matches = [
                    {"Similarity": score, "Face": stored.to_face()}
                    for stored, score in similarity.at_least(search(vector), threshold)
                ]
                matches.append(
                    {
                        "Timestamp": timestamp,
                        "Person": {
                            "Index": index,
                            "BoundingBox": detail["BoundingBox"],
                            "Face": detail,
                        },
                        "FaceMatches": face_matches,
                    }
                )
        return matches

    return work


def _person_index(people: list[np.ndarray], vector: np.ndarray) -> int:
    """The index of the person this face belongs to, adding a new person when none is close."""
    if people:
        scores = np.array([float(p @ vector) / max(np.linalg.norm(p), 1e-12) for p in people])
        best = int(np.argmax(scores))
        if scores[best] >= SAME_PERSON_COSINE:
            people[best] = people[best] + vector
            return best
    people.append(vector.astype(np.float64))
    return len(people) - 1
