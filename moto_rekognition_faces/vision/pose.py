"""Head pose from the five detector landmarks, in closed form.

A rigid average face (eye centres ±31 mm apart from the midline, the nose tip 30 mm in front of
the eyes and 27.5 mm in front of the mouth) is projected orthographically. Roll comes from the
eye line, yaw from how far the nose tip sits beside the eye–mouth midline, and pitch from how far
below the eyes it sits, in units of the eye span (mouth corners are left out there because a
smile moves them). The frontal reference is the ArcFace alignment template, the average of many
frontal faces. It costs microseconds and needs no extra model, so DEFAULT carries a real Pose.
"""

from __future__ import annotations

import math

import numpy as np

from .results import Pose

EYE_HALF_SPAN = 31.0
EYE_DEPTH = 30.0  # nose tip in front of the eyes
SIDE_DEPTH = 27.5  # nose tip in front of the eye–mouth midline
# Frontal nose drop below the eye line per eye span, from the ArcFace 112 × 112 template.
FRONTAL_NOSE_DROP = (71.7366 - 51.599) / (73.5318 - 38.2946)


def estimate(points5: np.ndarray) -> Pose:
    """Roll, yaw, pitch in degrees.

    Roll is positive when the face tilts clockwise in the image; yaw is positive when the face
    turns towards the viewer's right; pitch is positive when the face tilts up.
    """
    left_eye, right_eye, nose, mouth_left, mouth_right = (np.asarray(p, float) for p in points5)
    dx, dy = right_eye - left_eye
    roll = math.atan2(dy, dx)
    cos_r, sin_r = math.cos(-roll), math.sin(-roll)
    rotate = np.array([[cos_r, -sin_r], [sin_r, cos_r]])
    eyes = ((left_eye + right_eye) / 2) @ rotate.T
    mouth = ((mouth_left + mouth_right) / 2) @ rotate.T
    tip = nose @ rotate.T
    half_span = max(abs(dx * cos_r - dy * sin_r) / 2, 1e-6)

    mid_x = (eyes[0] + mouth[0]) / 2
    yaw = math.atan((tip[0] - mid_x) / half_span * EYE_HALF_SPAN / SIDE_DEPTH)

    # Eye span shrinks with yaw, not with pitch: undo the former, then solve
    # drop·cos(p) + depth·sin(p) = observed drop, for the root nearest to 0.
    span = 2 * EYE_HALF_SPAN
    observed = (tip[1] - eyes[1]) / (2 * half_span) * math.cos(yaw) * span
    frontal = FRONTAL_NOSE_DROP * span
    radius = math.hypot(frontal, EYE_DEPTH)
    phase = math.atan2(EYE_DEPTH, frontal)
    pitch_down = phase - math.acos(max(-1.0, min(1.0, observed / radius)))
    return Pose(
        roll=_clamp(math.degrees(roll)),
        yaw=_clamp(math.degrees(yaw)),
        pitch=_clamp(-math.degrees(pitch_down)),
    )


def _clamp(degrees: float) -> float:
    return float(min(180.0, max(-180.0, degrees)))
