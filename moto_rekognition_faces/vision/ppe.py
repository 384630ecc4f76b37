"""Persons, their body parts and the protective equipment on them (DetectProtectiveEquipment).

A person is found through a face (RetinaFace), followed down to a body (BlazePose) and out to
the hands (MediaPipe Hands). Body parts: FACE is the face box, HEAD the face box grown over the
crown, LEFT_HAND and RIGHT_HAND the subject's own hands when the model sees them. Equipment is
judged per part by :mod:`.equipment`. A person whose face is hidden (seen from behind) is not
found: that limit is documented in docs/PPE.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import body as body_model
from . import equipment, hands, landmarks, pipeline
from .results import Detection

MAX_PERSONS = 15
REFERENCE = (800, 1300)  # AWS: a person must be at least 100 x 100 px in an 800 x 1300 image
REFERENCE_MIN_PERSON = 100.0
MIN_CONFIDENCE = 0.5  # AWS returns only predictions of 50 % and more
HEAD_ABOVE = 0.45  # the crown reaches this many face heights above the face box
BODY_MARGIN = 0.15  # person box margin round the landmarks, in face heights
FACE_WEIGHT = 0.6  # person confidence: this much from the face, the rest from the body model


@dataclass
class Equipment:
    type: str  # FACE_COVER, HAND_COVER or HEAD_COVER
    box: np.ndarray  # x1, y1, x2, y2 in pixels
    confidence: float  # 0..1
    covers: float  # 0..1, P(it covers the part)


@dataclass
class BodyPart:
    name: str  # FACE, HEAD, LEFT_HAND or RIGHT_HAND
    confidence: float  # 0..1
    equipment: list[Equipment] = field(default_factory=list)


@dataclass
class Person:
    box: np.ndarray
    confidence: float  # 0..1
    parts: list[BodyPart]


def min_person_side(width: int, height: int) -> float:
    """AWS's minimum person size, scaled from its 800 x 1300 reference to this image."""
    return REFERENCE_MIN_PERSON * max(width / REFERENCE[0], height / REFERENCE[1])


def _person_box(
    face: Detection, body: body_model.Body | None, shape: tuple[int, ...]
) -> np.ndarray:
    """Face and crown, plus every body landmark in view (limbs leaving the frame reach its edge)."""
    height, width = shape[:2]
    x1, y1, x2, y2 = (float(v) for v in face.box[:4])
    face_height = y2 - y1
    corners = [np.array([x1, y1 - HEAD_ABOVE * face_height]), np.array([x2, y2])]
    if body is not None:
        for index in range(len(body.points)):
            if body.seen(index) or body.presence[index] >= 0.5:
                corners.append(body.points[index])
    points = np.vstack(corners)
    margin = BODY_MARGIN * face_height
    low, high = points.min(axis=0) - margin, points.max(axis=0) + margin
    return np.array([max(low[0], 0.0), max(low[1], 0.0), min(high[0], width), min(high[1], height)])


def _equipment(cover: equipment.Cover | None, kind: str) -> list[Equipment]:
    if cover is None or cover.probability < MIN_CONFIDENCE:
        return []
    return [Equipment(kind, cover.box, cover.probability, cover.probability)]


def analyze(image_bgr: np.ndarray) -> list[Person]:
    """Every person large enough, largest first, at most MAX_PERSONS.

    Faces come largest first, so the search stops at the MAX_PERSONS-th person kept; the dense
    landmarks and the cover cues run only for persons that are kept.
    """
    height, width = image_bgr.shape[:2]
    minimum = min_person_side(width, height)
    persons = []
    for face in pipeline.find_faces(image_bgr):
        body = body_model.estimate(image_bgr, face)
        box = _person_box(face, body, image_bgr.shape)
        if min(box[2] - box[0], box[3] - box[1]) < minimum:
            continue
        body_score = body.score if body is not None else 0.0
        confidence = FACE_WEIGHT * face.score + (1 - FACE_WEIGHT) * body_score
        if confidence < MIN_CONFIDENCE:
            continue
        points = landmarks.predict(image_bgr, face)
        head = equipment.head(image_bgr, points)
        mask = _equipment(equipment.face_cover(image_bgr, points), "FACE_COVER")
        parts = [BodyPart("FACE", face.score, mask)]
        found_hands = hands.find(image_bgr, body, face.height) if body is not None else []
        for hand in found_hands:
            glove = equipment.hand_cover(image_bgr, hand.points, head.skin)
            worn = glove >= MIN_CONFIDENCE  # nan (no skin to compare) is never worn
            items = [Equipment("HAND_COVER", hand.box, glove, glove)] if worn else []
            parts.append(BodyPart(f"{hand.side}_HAND", hand.score, items))
        parts.append(
            BodyPart("HEAD", face.score, _equipment(equipment.head_cover(head), "HEAD_COVER"))
        )
        persons.append(Person(box, confidence, parts))
        if len(persons) == MAX_PERSONS:
            break
    persons.sort(key=lambda p: -(p.box[2] - p.box[0]) * (p.box[3] - p.box[1]))
    return persons
