"""The body under a face: MediaPipe BlazePose landmarks on a crop placed from the face.

Persons are found through their faces (RetinaFace is already run): the pose model needs a crop
roughly centred on the body, and a face says where the body should be. The first crop is placed
below the face and sized from it; a second crop follows the body centre and scale point the
model itself reports, as MediaPipe's tracker does. A result is kept only if the model's nose
lands on the seed face, so a crop that drifted onto a neighbour is rejected.

Landmark indices (subject's left / right): 0 nose, 11/12 shoulders, 13/14 elbows, 15/16 wrists,
17/18 pinky knuckles, 19/20 index knuckles, 21/22 thumbs, 23/24 hips, 25/26 knees, 27/28 ankles,
29-32 heels and toes; 33 body centre and 34 scale point (crop alignment).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import crops, models
from .results import Detection

WEIGHTS = "pose_landmark_full.onnx"
INPUT_SIZE = 256
# First crops, tried in turn until one lands on the face: (drop of the crop centre below the
# face centre, crop side), both in face heights. The first fits a standing or sitting adult;
# the tighter one helps where a neighbour's body pulls the wide crop away.
SEEDS = ((2.5, 7.0), (1.5, 4.5))
ROI_SCALE = 1.25  # crop side = 2 × ROI_SCALE × centre-to-scale-point distance (MediaPipe)
NOSE_SLACK = 0.5  # the model's nose may sit this share of the face box outside it


@dataclass
class Body:
    """33 landmarks of one person in image pixels, with the model's per-point confidences."""

    points: np.ndarray  # (33, 2)
    visibility: np.ndarray  # (33,) 0..1: the point is in view, not hidden
    presence: np.ndarray  # (33,) 0..1: the point is inside the crop
    score: float  # 0..1: a person is in the crop

    def seen(self, index: int, threshold: float = 0.5) -> bool:
        """The landmark is visible (not occluded) in the picture."""
        return bool(self.visibility[index] >= threshold)


def _run(
    image_bgr: np.ndarray, centre: np.ndarray, side: float, angle: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """All 39 points in image pixels, visibility, presence and the person score."""
    patch, inverse = crops.rotated_square(image_bgr, centre, side, angle, INPUT_SIZE)
    raw, flag, *_ = models.session(WEIGHTS).run(None, {"input_1": crops.model_input(patch)})
    raw = raw.reshape(39, 5).astype(np.float64)
    visibility = 1.0 / (1.0 + np.exp(-raw[:, 3]))
    presence = 1.0 / (1.0 + np.exp(-raw[:, 4]))
    score = float(np.asarray(flag).reshape(-1)[0])
    return crops.to_image(raw[:, :2], inverse), visibility, presence, score


def _on_face(nose: np.ndarray, box: np.ndarray) -> bool:
    x1, y1, x2, y2 = box[:4]
    dx, dy = NOSE_SLACK * (x2 - x1), NOSE_SLACK * (y2 - y1)
    return bool(x1 - dx <= nose[0] <= x2 + dx and y1 - dy <= nose[1] <= y2 + dy)


def estimate(image_bgr: np.ndarray, face: Detection) -> Body | None:
    """The body whose head is ``face``, or None when the model finds no body there."""
    for drop, side in SEEDS:
        found = _follow(image_bgr, face, drop, side)
        if found is not None:
            return found
    return None


def _follow(image_bgr: np.ndarray, face: Detection, drop: float, side: float) -> Body | None:
    """One seed crop, then one crop re-placed from the model's own alignment points."""
    x1, y1, x2, y2 = (float(v) for v in face.box[:4])
    height = y2 - y1
    centre = np.array([(x1 + x2) / 2, (y1 + y2) / 2 + drop * height])
    side, angle = side * height, 0.0
    best: Body | None = None
    for _ in range(2):
        points, visibility, presence, score = _run(image_bgr, centre, side, angle)
        if not _on_face(points[0], face.box):
            break
        best = Body(points[:33], visibility[:33], presence[:33], score)
        centre = points[33]
        side = 2.0 * ROI_SCALE * float(np.hypot(*(points[34] - points[33])))
        angle = crops.upright_angle(points[33], points[34])
    return best
