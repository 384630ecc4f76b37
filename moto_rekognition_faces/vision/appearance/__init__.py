"""Cheap, explainable face-attribute estimators on top of the 106 landmarks: numpy and OpenCV only.

No model that ships offline covers eyeglasses, sunglasses, beard, mustache or occlusion, and the
landmarks already answer eyes open, mouth open and smile. Each estimator measures one or two
visible cues, turns the cue's distance from a threshold into a probability with a logistic curve,
and reports ``(value, confidence)`` where the confidence (50..100) is the probability of the
stated value: a face far from the threshold gets a high confidence, a borderline face gets about
50. The thresholds were set on hand-labelled real faces (``benchmarks/evaluate_attributes.py``,
``docs/ATTRIBUTES.md`` has the measured accuracy and the weak spots).

One module per thing estimated: ``eyes_mouth`` (eyes open, mouth open, smile), ``eyewear``
(sunglasses, eyeglasses), ``facial_hair`` (beard, mustache), ``occlusion`` (mask, cut by the
edge); ``frame`` is the canonical face frame they all measure in, ``cues`` the measurements and
the probability → verdict rules.

Use: ``estimate(image_bgr, points106, box)`` returns an :class:`Appearance`. To blend in another
model (an emotion model's HAPPY for Smile, say), call ``measure()`` once and pass its
:class:`Cues` to the per-attribute functions (``smile(cues, happy=...)`` and so on), which
return probabilities; ``verdict()`` turns one into ``(value, confidence)``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from .. import pose
from .cues import Cues, Verdict, probability_above, verdict
from .eyes_mouth import eyes_open, mouth_open, ratio, smile
from .eyewear import bridge_line, eyeglasses, lens_darkness, rim_line, sunglasses
from .facial_hair import beard, lip_band_darkness, lower_face_darkness, mustache
from .frame import IOD, FaceFrame, canonical_frame, eye_centres, skin_brightness, skin_match
from .occlusion import face_occluded, masked, outside_share, skin_coverage, with_box

__all__ = [
    "IOD",
    "Appearance",
    "Cues",
    "FaceFrame",
    "beard",
    "canonical_frame",
    "estimate",
    "eye_centres",
    "eyeglasses",
    "eyes_open",
    "face_occluded",
    "masked",
    "measure",
    "mouth_open",
    "mustache",
    "probability_above",
    "skin_match",
    "smile",
    "sunglasses",
    "verdict",
]


@dataclass(frozen=True)
class Appearance:
    """One ``(value, confidence 0..100)`` pair per Rekognition boolean face attribute."""

    smile: Verdict
    eyes_open: Verdict
    mouth_open: Verdict
    eyeglasses: Verdict
    sunglasses: Verdict
    beard: Verdict
    mustache: Verdict
    face_occluded: Verdict

    def as_dict(self) -> dict[str, Verdict]:
        """Keyed by Rekognition's FaceDetail member names."""
        names = {
            "smile": "Smile",
            "eyes_open": "EyesOpen",
            "mouth_open": "MouthOpen",
            "eyeglasses": "Eyeglasses",
            "sunglasses": "Sunglasses",
            "beard": "Beard",
            "mustache": "Mustache",
            "face_occluded": "FaceOccluded",
        }
        return {names[f.name]: getattr(self, f.name) for f in fields(self)}


def measure(image_bgr: np.ndarray, points106: np.ndarray) -> Cues:
    """Every cue for one face, from the image and its 106 landmarks (image pixels)."""
    frame = canonical_frame(image_bgr, points106)
    q = frame.points
    skin = skin_brightness(frame)
    mouth_width = float(np.linalg.norm(q[52] - q[61]))
    midline = (q[71, 1] + q[53, 1]) / 2
    corners = (q[52, 1] + q[61, 1]) / 2
    left, right = eye_centres(np.asarray(points106, float))
    five = np.array([left, right, points106[86], points106[52], points106[61]], float)
    return Cues(
        eye_openness=(ratio(q, 40, 33, 35, 39) + ratio(q, 94, 87, 89, 93)) / 2,
        mouth_gap=ratio(q, 62, 60, 52, 61),
        corner_lift=float((midline - corners) / max(mouth_width, 1e-6)),
        mouth_width=mouth_width / IOD,
        lens_darkness=lens_darkness(frame),
        bridge_line=bridge_line(frame),
        rim_line=rim_line(frame),
        lower_face_darkness=lower_face_darkness(frame, skin),
        lip_band_darkness=lip_band_darkness(frame, skin),
        skin_coverage=skin_coverage(frame),
        outside=outside_share(points106, image_bgr.shape),
        yaw=pose.estimate(five).yaw,
        colour=frame.colour,
    )


# Highest confidence each estimator may report (see verdict()): landmark geometry is reliable,
# texture and colour cues less so; roughly the accuracy measured on the labelled faces.
CEILING = {
    "smile": 0.99,
    "eyes_open": 0.99,
    "mouth_open": 0.99,
    "sunglasses": 0.97,
    "eyeglasses": 0.93,
    "beard": 0.95,
    "mustache": 0.92,
    "face_occluded": 0.97,
}


def estimate(
    image_bgr: np.ndarray,
    points106: np.ndarray,
    box: np.ndarray | None = None,
    *,
    happy: float | None = None,
    iris_openness: float | None = None,
) -> Appearance:
    """Every boolean attribute of one face.

    ``points106`` are the face's landmarks in the 106-point layout, in image pixels; ``box``
    (x1, y1, x2, y2) is the detector box, used only to notice a face cut by the image edge;
    ``happy`` is an optional HAPPY score from an emotion model (0..1, or 0..100 percent),
    blended into Smile; ``iris_openness`` the iris model's lid gap over eye width (both eyes
    averaged), which EyesOpen prefers to the landmarks' when given.
    """
    cues = measure(image_bgr, points106)
    if box is not None:
        cues = with_box(cues, np.asarray(box, float), image_bgr.shape)
    dark = sunglasses(cues)
    covered = masked(cues)
    hidden_mouth = covered if cues.colour else 0.0
    probabilities = {
        "smile": smile(cues, hidden_mouth, happy),
        "eyes_open": eyes_open(cues, dark, iris_openness),
        "mouth_open": mouth_open(cues, hidden_mouth),
        "eyeglasses": eyeglasses(cues, dark),
        "sunglasses": dark,
        "beard": beard(cues, hidden_mouth),
        "mustache": mustache(cues, hidden_mouth),
        "face_occluded": face_occluded(cues, dark, covered),
    }
    return Appearance(**{name: verdict(p, CEILING[name]) for name, p in probabilities.items()})
