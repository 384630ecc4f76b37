"""Pupils and gaze direction from MediaPipe's iris landmark model (Apache-2.0), in ONNX.

Each eye is cropped as MediaPipe does: a square centred between the eye corners, 2.3 × the corner
distance on a side, rotated so the corners lie level, resampled to 64 × 64 RGB in [0, 1]. The
corners come from the 106 dense landmarks (viewer-left eye 35/39, viewer-right eye 89/93). The
model is trained on one eye's orientation, so the viewer-right eye's crop is mirrored and its
outputs mirrored back. All eyes of all faces run as one batch. The model returns 71 eye-contour
points (the first 16 trace the lid margins, 0 and 8 being the corners) and 5 iris points (centre
first); the iris centre is reported as the pupil.

Gaze, relative to the head, from where the iris sits between the corners, in the eye's own level
frame (the crop's axes, corners from the model's contour): ``h`` is the iris centre's offset from
the corners' midpoint along the eye axis (positive towards the viewer's right) and ``v`` across it
(positive downwards), both in half corner distances. Two offsets describe a camera-facing eye and
are removed first: the iris sits ``H_TEMPORAL`` towards the outer corner (the inner corner's
caruncle lengthens the nasal side) and ``V_STRAIGHT`` above the corner line. Both are the medians
over the 34 eyes of the 17 near-frontal (|head yaw| ≤ 20°), open-eyed, camera-facing faces of the
test photos (0.059 and −0.135; spread 0.13 and 0.04). A simple eyeball model then turns the
offsets into angles: the iris centre turns on a sphere of radius ``EYEBALL_RADIUS_MM`` (11 mm) and
half the corner distance is ``HALF_EYE_WIDTH_MM`` (14 mm, half an adult palpebral fissure), so
``yaw = asin(h × 14 / 11)`` and ``pitch = −asin(v × 14 / 11)`` (h and v corrected as above).
The two eyes are averaged,
weighted by their width in the image, so that with the head turned the nearer, wider eye counts
more. Signs follow ``pose.py``: yaw is positive when the eyes turn towards the viewer's right,
pitch when they look up. The mapping ignores foreshortening: with the head turned far, the corners
and the iris move differently in the image and the yaw estimate picks up part of the head's yaw.

Confidence (0–100) is the product of three factors in [0, 1]: how open the eyes are (lid gap over
eye width from the model's contour: about 0.10 for a closed eye, 0.15 for a smiling squint, 0.25
for a wide-open one; the factor ramps from ``OPEN_CLOSED`` to ``OPEN_FULL``), how large the eyes
are in pixels (from ``MIN_EYE_WIDTH_PX`` to ``FULL_EYE_WIDTH_PX``; a small eye's iris is a few
pixels), and how well the two eyes agree, ``exp(−(Δ / AGREEMENT_DEG)²)`` with Δ the angle between
their two (yaw, pitch) estimates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from . import models
from .age_gender import warp_antialiased

WEIGHTS = "iris_landmark.onnx"
INPUT_SIZE = 64
ROI_SCALE = 2.3
# (left corner, right corner, upper lid, lower lid, centre) in image order, 106-point numbering
VIEWER_LEFT_EYE = (35, 39, 40, 33, 38)
VIEWER_RIGHT_EYE = (89, 93, 94, 87, 88)

EYEBALL_RADIUS_MM = 11.0
HALF_EYE_WIDTH_MM = 14.0
H_TEMPORAL = 0.059  # camera-facing iris offset towards the outer corner, half eye widths
V_STRAIGHT = -0.135  # camera-facing iris offset across the eye axis (negative: above)
OPEN_CLOSED, OPEN_FULL = 0.09, 0.15  # lid gap / eye width: confidence 0 below, full above
MIN_EYE_WIDTH_PX, FULL_EYE_WIDTH_PX = 6.0, 14.0
AGREEMENT_DEG = 25.0
MAX_ANGLE = 90.0


@dataclass(frozen=True)
class EyeReading:
    """One eye, in image pixels (``h``/``v``: iris offset in half eye widths, see module doc)."""

    pupil: tuple[float, float]
    iris_radius: float
    h: float
    v: float
    openness: float
    width: float


@dataclass(frozen=True)
class Gaze:
    """Pupils (image pixels) and gaze angles (degrees, relative to the head) of one face."""

    left_pupil: tuple[float, float]  # viewer's left: the eye at smaller x in a frontal face
    right_pupil: tuple[float, float]
    yaw: float  # positive: looking towards the viewer's right
    pitch: float  # positive: looking up
    confidence: float  # 0..100
    left: EyeReading | None = None
    right: EyeReading | None = None


def eye_transform(points106: np.ndarray, eye: tuple[int, ...]) -> np.ndarray:
    """2×3 map from image pixels to the 64 × 64 crop of one eye (before any mirroring)."""
    points = np.asarray(points106, np.float64)
    left, right = points[eye[0]], points[eye[1]]
    centre = (left + right) / 2
    dx, dy = right - left
    side = max(math.hypot(dx, dy), 1e-6) * ROI_SCALE
    angle = math.atan2(dy, dx)
    s = INPUT_SIZE / side
    cos_a, sin_a = math.cos(angle) * s, math.sin(angle) * s
    rotation = np.array([[cos_a, sin_a], [-sin_a, cos_a]])  # rotate by −angle, then scale
    middle = (INPUT_SIZE - 1) / 2  # pixel-centre convention: the crop spans −0.5 … 63.5
    return np.hstack([rotation, (np.array([middle, middle]) - rotation @ centre)[:, None]])


def _angles(h: float, v: float) -> tuple[float, float]:
    """Yaw and pitch (degrees) from offsets already corrected for the camera-facing position."""
    k = HALF_EYE_WIDTH_MM / EYEBALL_RADIUS_MM
    yaw = math.degrees(math.asin(min(1.0, max(-1.0, h * k))))
    pitch = -math.degrees(math.asin(min(1.0, max(-1.0, v * k))))
    return yaw, pitch


def _ramp(value: float, low: float, high: float) -> float:
    return min(1.0, max(0.0, (value - low) / (high - low)))


def _read_eye(
    contour: np.ndarray, iris: np.ndarray, matrix: np.ndarray, mirrored: bool
) -> EyeReading:
    """Model outputs (crop pixels, MediaPipe convention) → one EyeReading in image pixels."""
    contour, iris = contour[:, :2].astype(np.float64), iris[:, :2].astype(np.float64)
    if mirrored:  # undo the mirror: x → 64 − x in MediaPipe's continuous coordinates
        contour[:, 0] = INPUT_SIZE - contour[:, 0]
        iris[:, 0] = INPUT_SIZE - iris[:, 0]
    contour -= 0.5  # continuous [0, 64] → OpenCV pixel centres
    iris -= 0.5
    corner_a, corner_b = contour[0], contour[8]
    width = max(float(np.linalg.norm(corner_b - corner_a)), 1e-6)
    middle = (corner_a + corner_b) / 2
    axis = (corner_b - corner_a) / width
    if axis[0] < 0:  # point it towards the viewer's right
        axis = -axis
    across = np.array([-axis[1], axis[0]])  # points down the image
    offset = iris[0] - middle
    upper, lower = contour[9:16], contour[1:8]
    gap = float(np.median(np.abs((lower - upper) @ across)))
    inverse = cv2.invertAffineTransform(matrix)
    pupil = inverse[:, :2] @ iris[0] + inverse[:, 2]
    scale = 1.0 / math.sqrt(abs(np.linalg.det(matrix[:, :2])))
    radius = float(np.mean(np.linalg.norm(iris[1:] - iris[0], axis=1)))
    return EyeReading(
        pupil=(float(pupil[0]), float(pupil[1])),
        iris_radius=radius * scale,
        h=float(offset @ axis) / (width / 2),
        v=float(offset @ across) / (width / 2),
        openness=gap / width,
        width=width * scale,
    )


def _combine(left: EyeReading, right: EyeReading) -> Gaze:
    # The viewer-left eye's outer corner is at the viewer's left, the other's at the right.
    yaw_l, pitch_l = _angles(left.h + H_TEMPORAL, left.v - V_STRAIGHT)
    yaw_r, pitch_r = _angles(right.h - H_TEMPORAL, right.v - V_STRAIGHT)
    w_l, w_r = left.width, right.width
    total = max(w_l + w_r, 1e-6)
    yaw = (w_l * yaw_l + w_r * yaw_r) / total
    pitch = (w_l * pitch_l + w_r * pitch_r) / total
    openness = (w_l * left.openness + w_r * right.openness) / total
    disagreement = math.hypot(yaw_l - yaw_r, pitch_l - pitch_r)
    confidence = (
        _ramp(openness, OPEN_CLOSED, OPEN_FULL)
        * _ramp(max(w_l, w_r), MIN_EYE_WIDTH_PX, FULL_EYE_WIDTH_PX)
        * math.exp(-((disagreement / AGREEMENT_DEG) ** 2))
    )
    return Gaze(
        left_pupil=left.pupil,
        right_pupil=right.pupil,
        yaw=max(-MAX_ANGLE, min(MAX_ANGLE, yaw)),
        pitch=max(-MAX_ANGLE, min(MAX_ANGLE, pitch)),
        confidence=100.0 * confidence,
        left=left,
        right=right,
    )


def predict_many(image_bgr: np.ndarray, points106_list: list[np.ndarray]) -> list[Gaze]:
    """``predict`` for several faces of one image, all eyes in one batch."""
    if len(points106_list) == 0:
        return []
    crops, matrices, mirrored = [], [], []
    for points in points106_list:
        for eye, mirror in ((VIEWER_LEFT_EYE, False), (VIEWER_RIGHT_EYE, True)):
            matrix = eye_transform(points, eye)
            crop = warp_antialiased(image_bgr, matrix, INPUT_SIZE, border=cv2.BORDER_REPLICATE)
            rgb = crop[:, :, ::-1].astype(np.float32) / 255.0
            crops.append(rgb[:, ::-1] if mirror else rgb)
            matrices.append(matrix)
            mirrored.append(mirror)
    batch = np.ascontiguousarray(np.stack(crops).transpose(0, 3, 1, 2))
    session = models.session(WEIGHTS)
    outputs = dict(
        zip(
            (o.name for o in session.get_outputs()),
            session.run(None, {session.get_inputs()[0].name: batch}),
            strict=True,
        )
    )
    contours = outputs["output_eyes_contours_and_brows"].reshape(len(crops), 71, 3)
    irises = outputs["output_iris"].reshape(len(crops), 5, 3)
    readings = [
        _read_eye(contours[i], irises[i], matrices[i], mirrored[i]) for i in range(len(crops))
    ]
    return [_combine(readings[i], readings[i + 1]) for i in range(0, len(readings), 2)]


def openness(gaze: Gaze) -> float | None:
    """Lid gap over eye width from the model's own contour, both eyes averaged (EyesOpen)."""
    eyes = [eye.openness for eye in (gaze.left, gaze.right) if eye is not None]
    return float(np.mean(eyes)) if eyes else None


def predict(image_bgr: np.ndarray, points106: np.ndarray) -> Gaze:
    """Pupils, gaze and its confidence for one face, from its 106 landmarks."""
    return predict_many(image_bgr, [points106])[0]
