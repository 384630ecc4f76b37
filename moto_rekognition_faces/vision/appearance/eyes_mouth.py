"""Eyes open, mouth open and smile: the landmarks' own geometry."""

from __future__ import annotations

import math

import numpy as np

from .. import profiles
from .cues import Cues, probability_above, shrink

# Lid and lip gaps depend on the landmark model (the profile's ``landmarks``). 2d106det puts the
# lids on the visible lid margin; the face mesh's lid vertices never quite meet, so its blinks
# measure 0.16-0.21 instead of 0.06-0.15, and its closed lips sit a little further apart too.
EYES_OPEN = {
    "face_mesh": (0.21, 0.02),  # eye_openness: closed 0.16-0.21, open mostly 0.21-0.43
    "2d106det": (0.17, 0.025),  # closed 0.06-0.15, open mostly 0.18-0.49
}
# The iris model's own lid contour, on a 64-px crop of each eye, closes on a blink where the
# mesh does not: closed 0.09-0.12 (a half-closed blink 0.15), open 0.13-0.30. Preferred when
# the iris model ran.
IRIS_EYES_OPEN = (0.128, 0.016)
MOUTH_OPEN = {
    "face_mesh": (0.095, 0.02),  # mouth_gap: closed lips 0.01-0.09, parted mostly 0.10-0.43
    "2d106det": (0.105, 0.02),  # closed lips 0.00-0.09, parted mostly 0.12-0.38
}


SMILE_LIFT = (0.11, 0.025)  # corner_lift: neutral -0.06-0.12, smiling 0.10-0.28


SMILE_WIDTH = (0.94, 0.05)  # mouth_width: neutral 0.68-0.92 IOD, smiling 0.97-1.13


def ratio(points: np.ndarray, a: int, b: int, c: int, d: int) -> float:
    return float(
        np.linalg.norm(points[a] - points[b]) / max(np.linalg.norm(points[c] - points[d]), 1e-6)
    )


def eyes_open(cues: Cues, sunglasses: float = 0.0, iris_openness: float | None = None) -> float:
    """P(eyes open) from the lid gap over the eye width, at the eye centre, both eyes averaged.

    The ratio does not depend on the face size; its threshold depends on where the lids come
    from: the iris model's eye contour when it ran (``iris_openness``), else the landmark model
    (``EYES_OPEN``). Behind dark lenses the points are guesses: the evidence is discounted by
    the sunglasses probability.
    """
    if iris_openness is not None:
        p = probability_above(iris_openness, *IRIS_EYES_OPEN)
    else:
        p = probability_above(cues.eye_openness, *EYES_OPEN[profiles.active().landmarks])
    return shrink(p, 1.0 - sunglasses)


def mouth_open(cues: Cues, masked: float = 0.0) -> float:
    """P(lips apart) from the inner-lip gap over the mouth width (a toothy smile is open)."""
    threshold = MOUTH_OPEN[profiles.active().landmarks]
    return shrink(probability_above(cues.mouth_gap, *threshold), 1.0 - masked)


def smile(cues: Cues, masked: float = 0.0, happy: float | None = None) -> float:
    """P(smile) from the mouth's shape, optionally blended with an emotion model's HAPPY.

    Two landmark cues, added in log-odds: the mouth corners drawn up above the midline of the
    outer lips (per mouth width), and the mouth widened relative to the eye distance. ``happy``
    is averaged in with equal weight when given: a probability 0..1, or a Rekognition-style
    confidence 0..100 (any value above 1 is read as a percentage, as ``emotion.predict`` gives).
    """
    lift = (cues.corner_lift - SMILE_LIFT[0]) / SMILE_LIFT[1]
    widen = (cues.mouth_width - SMILE_WIDTH[0]) / SMILE_WIDTH[1]
    p = shrink(probability_above(lift + widen, 0.0, 1.0), 1.0 - masked)
    if happy is not None and math.isfinite(float(happy)):
        share = float(happy) / 100.0 if float(happy) > 1.0 else float(happy)
        p = 0.5 * p + 0.5 * min(max(share, 0.0), 1.0)
    return p
