"""Pipeline results → Rekognition's response shapes (ratios, landmark names, attribute sets)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .vision.results import FaceAnalysis

# Detector points, in RetinaFace order: viewer's left eye, right eye, nose, left/right mouth corner.
FIVE_POINT_INDEX = {"eyeLeft": 0, "eyeRight": 1, "nose": 2, "mouthLeft": 3, "mouthRight": 4}
DEFAULT_LANDMARKS = ("eyeLeft", "eyeRight", "mouthLeft", "mouthRight", "nose")

# The other 25 Rekognition landmarks as insightface 2d106det indices ("left" is the viewer's),
# read off a plot of the 106 points; a tuple means the mean of those points.
DENSE_LANDMARK_INDEX: dict[str, tuple[int, ...]] = {
    "leftEyeBrowLeft": (43,),
    "leftEyeBrowRight": (46, 50),
    "leftEyeBrowUp": (49,),
    "rightEyeBrowLeft": (97, 102),
    "rightEyeBrowRight": (101,),
    "rightEyeBrowUp": (104,),
    "leftEyeLeft": (35,),
    "leftEyeRight": (39,),
    "leftEyeUp": (40,),
    "leftEyeDown": (33,),
    "rightEyeLeft": (89,),
    "rightEyeRight": (93,),
    "rightEyeUp": (94,),
    "rightEyeDown": (87,),
    "noseLeft": (78,),
    "noseRight": (84,),
    "mouthUp": (71,),
    "mouthDown": (53,),
    "leftPupil": (38,),
    "rightPupil": (88,),
    "upperJawlineLeft": (1,),
    "midJawlineLeft": (3,),
    "chinBottom": (0,),
    "midJawlineRight": (19,),
    "upperJawlineRight": (17,),
}
ALL_LANDMARKS = DEFAULT_LANDMARKS + tuple(DENSE_LANDMARK_INDEX)


def wants_all(attributes: Iterable[str] | None) -> bool:
    """Whether an ``Attributes`` list asks for every attribute (and so the 30 landmarks)."""
    return "ALL" in (attributes or ())


def bounding_box(box: np.ndarray, width: int, height: int) -> dict[str, float]:
    """Pixel box → ratios of the image; values may fall outside 0..1 at the edges, as in AWS."""
    x1, y1, x2, y2 = (float(v) for v in box[:4])
    return {
        "Width": (x2 - x1) / width,
        "Height": (y2 - y1) / height,
        "Left": x1 / width,
        "Top": y1 / height,
    }


def landmarks(face: FaceAnalysis, width: int, height: int, dense: bool) -> list[dict[str, Any]]:
    """The 5 default landmarks, or all 30 when the 106 points were computed."""
    points: dict[str, np.ndarray] = {
        name: face.detection.points5[index] for name, index in FIVE_POINT_INDEX.items()
    }
    names = DEFAULT_LANDMARKS
    if dense and face.points106 is not None:
        for name, indices in DENSE_LANDMARK_INDEX.items():
            points[name] = face.points106[list(indices)].mean(axis=0)
        names = ALL_LANDMARKS
    return [
        {"Type": name, "X": float(points[name][0]) / width, "Y": float(points[name][1]) / height}
        for name in names
    ]


def face_detail(face: FaceAnalysis, width: int, height: int, dense: bool) -> dict[str, Any]:
    """A FaceDetail with the members the pipeline measured for this face."""
    return {
        "BoundingBox": bounding_box(face.detection.box, width, height),
        "Landmarks": landmarks(face, width, height, dense),
        "Pose": {"Roll": face.pose.roll, "Yaw": face.pose.yaw, "Pitch": face.pose.pitch},
        "Quality": {
            "Brightness": face.quality.brightness,
            "Sharpness": face.quality.sharpness,
        },
        "Confidence": confidence(face.detection.score),
    }


def confidence(score: float) -> float:
    """Detector score 0..1 → Rekognition's 0..100."""
    return float(min(100.0, max(0.0, score * 100.0)))


def compared_face(face: FaceAnalysis, width: int, height: int) -> dict[str, Any]:
    """A CompareFaces target face: the DEFAULT members (5 landmarks, pose, quality)."""
    return face_detail(face, width, height, dense=False)


def source_face(face: FaceAnalysis, width: int, height: int) -> dict[str, Any]:
    """CompareFaces' SourceImageFace: only where the face is and how sure the detector is."""
    return {
        "BoundingBox": bounding_box(face.detection.box, width, height),
        "Confidence": confidence(face.detection.score),
    }
