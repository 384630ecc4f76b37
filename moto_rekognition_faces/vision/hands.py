"""Hands at the ends of a body's arms: MediaPipe hand landmarks on a crop placed from the pose.

The pose gives each wrist and the forearm's direction; the hand model then runs on a square crop
just past the wrist, turned so the forearm points up (fingers usually continue it), and once more
on a crop re-centred on the hand it found. The hand's box is the extent of its 21 points.

The hand model was trained on bare hands: it loses hands in strongly coloured gloves, and those
are not reported (docs/PPE.md).

Hand landmark indices: 0 wrist, 1-4 thumb, 5-8 index, 9-12 middle, 13-16 ring, 17-20 pinky.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import crops, models
from .body import Body

WEIGHTS = "hand_landmark_full.onnx"
INPUT_SIZE = 224
SIDE_PER_FACE = 1.8  # first crop side in face heights (a hand is about a face long)
REACH = 0.45  # first crop centre: this many face heights beyond the wrist
FOLLOW_SIDE = 2.2  # second crop side in multiples of the hand's wrist-to-middle-knuckle span
MIN_PRESENCE = 0.5

ARMS = {"LEFT": (13, 15), "RIGHT": (14, 16)}  # elbow, wrist (subject's side)


@dataclass
class Hand:
    """One hand: the subject's side, its 21 points in image pixels and the model's confidence."""

    side: str  # "LEFT" or "RIGHT", the subject's own
    points: np.ndarray  # (21, 2)
    score: float  # 0..1

    @property
    def box(self) -> np.ndarray:
        """x1, y1, x2, y2 around the points, with a margin for the fingertips' flesh."""
        low, high = self.points.min(axis=0), self.points.max(axis=0)
        margin = 0.1 * (high - low).max()
        return np.array([*(low - margin), *(high + margin)])


def _run(
    image_bgr: np.ndarray, centre: np.ndarray, side: float, angle: float
) -> tuple[np.ndarray, float]:
    """The 21 points in image pixels and the hand presence."""
    patch, inverse = crops.rotated_square(image_bgr, centre, side, angle, INPUT_SIZE)
    raw, flag, *_ = models.session(WEIGHTS).run(None, {"input_1": crops.model_input(patch)})
    points = crops.to_image(raw.reshape(21, 3)[:, :2], inverse)
    return points, float(np.asarray(flag).reshape(-1)[0])


def find(image_bgr: np.ndarray, body: Body, face_height: float) -> list[Hand]:
    """The hands of ``body`` that are in view, left first."""
    height, width = image_bgr.shape[:2]
    found = []
    for side, (elbow_i, wrist_i) in ARMS.items():
        wrist, elbow = body.points[wrist_i], body.points[elbow_i]
        if not body.seen(wrist_i) or not (0 <= wrist[0] < width and 0 <= wrist[1] < height):
            continue
        forearm = wrist - elbow
        unit = forearm / max(float(np.hypot(*forearm)), 1e-6)
        centre = wrist + unit * REACH * face_height
        crop_side, angle = SIDE_PER_FACE * face_height, crops.upright_angle(elbow, wrist)
        points, score = _run(image_bgr, centre, crop_side, angle)
        if score < MIN_PRESENCE:
            continue
        span = float(np.hypot(*(points[9] - points[0])))
        centre = (points.min(axis=0) + points.max(axis=0)) / 2
        again, again_score = _run(
            image_bgr, centre, FOLLOW_SIDE * 2 * span, crops.upright_angle(points[0], points[9])
        )
        if again_score >= score:
            points, score = again, again_score
        found.append(Hand(side, points, score))
    return found
