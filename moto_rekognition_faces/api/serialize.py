"""Pipeline results → Rekognition's response shapes (ratios, landmark names, attribute sets)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from ..vision.results import FaceAnalysis
from .attributes import DEFAULT, Selection
from .validation import service_model

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
    """The 5 default landmarks, or all 30 when the 106 points were computed (pupils from the
    iris model when it ran)."""
    points: dict[str, np.ndarray] = {
        name: face.detection.points5[index] for name, index in FIVE_POINT_INDEX.items()
    }
    names = DEFAULT_LANDMARKS
    if dense and face.points106 is not None:
        for name, indices in DENSE_LANDMARK_INDEX.items():
            points[name] = face.points106[list(indices)].mean(axis=0)
        if face.gaze is not None:
            points["leftPupil"] = np.asarray(face.gaze.left_pupil, float)
            points["rightPupil"] = np.asarray(face.gaze.right_pupil, float)
        names = ALL_LANDMARKS
    return [
        {"Type": name, "X": float(points[name][0]) / width, "Y": float(points[name][1]) / height}
        for name in names
    ]


def face_detail(
    face: FaceAnalysis, width: int, height: int, selection: Selection = DEFAULT
) -> dict[str, Any]:
    """A FaceDetail with the selected members, in the order Rekognition lists them."""
    members = selection.members
    detail: dict[str, Any] = {"BoundingBox": bounding_box(face.detection.box, width, height)}
    verdicts = face.appearance.as_dict() if face.appearance is not None else {}
    if "AgeRange" in members and face.age_gender is not None:
        detail["AgeRange"] = {"Low": face.age_gender.low, "High": face.age_gender.high}
    for member in ("Smile", "Eyeglasses", "Sunglasses"):
        if member in members and member in verdicts:
            detail[member] = verdict(verdicts[member])
    if "Gender" in members and face.age_gender is not None:
        detail["Gender"] = {
            "Value": face.age_gender.gender,
            "Confidence": float(face.age_gender.gender_confidence),
        }
    for member in ("Beard", "Mustache", "EyesOpen", "MouthOpen"):
        if member in members and member in verdicts:
            detail[member] = verdict(verdicts[member])
    if "Emotions" in members and face.emotions is not None:
        ranked = sorted(face.emotions.items(), key=lambda item: (-item[1], item[0]))
        detail["Emotions"] = [{"Type": kind, "Confidence": float(c)} for kind, c in ranked]
    detail["Landmarks"] = landmarks(face, width, height, selection.all_landmarks)
    detail["Pose"] = {"Roll": face.pose.roll, "Yaw": face.pose.yaw, "Pitch": face.pose.pitch}
    detail["Quality"] = {
        "Brightness": face.quality.brightness,
        "Sharpness": face.quality.sharpness,
    }
    detail["Confidence"] = confidence(face.detection.score)
    if "FaceOccluded" in members and "FaceOccluded" in verdicts:
        detail["FaceOccluded"] = verdict(verdicts["FaceOccluded"])
    if "EyeDirection" in members and face.gaze is not None:
        detail["EyeDirection"] = {
            "Yaw": float(face.gaze.yaw),
            "Pitch": float(face.gaze.pitch),
            "Confidence": float(face.gaze.confidence),
        }
    return detail


def verdict(pair: tuple[bool, float]) -> dict[str, Any]:
    """A yes/no attribute: its value and the confidence (0–100) in that value."""
    value, certainty = pair
    return {"Value": bool(value), "Confidence": float(min(100.0, max(0.0, certainty)))}


def confidence(score: float) -> float:
    """Detector score 0..1 → Rekognition's 0..100."""
    return float(min(100.0, max(0.0, score * 100.0)))


def compared_face(face: FaceAnalysis, width: int, height: int) -> dict[str, Any]:
    """A CompareFaces target face: the DEFAULT members (5 landmarks, pose, quality)."""
    return face_detail(face, width, height)


def source_face(face: FaceAnalysis, width: int, height: int) -> dict[str, Any]:
    """CompareFaces' SourceImageFace: only where the face is and how sure the detector is."""
    return {
        "BoundingBox": bounding_box(face.detection.box, width, height),
        "Confidence": confidence(face.detection.score),
    }


def float32_numbers(body: str | dict[str, Any], operation: str) -> str:
    """A JSON response with every ``float`` member of the operation's output rounded to float32.

    AWS sends float32 values (99.99980926513672, not 99.9998); ours are computed in float64, so
    they are rounded once, here, for every action. Which members are floats comes from the
    service model: timestamps (CreationTimestamp is a ``timestamp``, epoch seconds) and
    integers are left as they are. An action that returns its answer as a dict is encoded once,
    here, instead of encoded, parsed and encoded again.
    """
    shape = service_model().operation_model(operation).output_shape
    value = json.loads(body) if isinstance(body, str) else body
    return json.dumps(_as_float32(value, shape))


def _as_float32(value: Any, shape: Any) -> Any:
    """``value`` with its float members (per ``shape``) rounded to float32, recursively."""
    if shape is None:
        return value
    kind = shape.type_name
    if kind == "float" and isinstance(value, float):
        return float(np.float32(value))
    if kind == "structure" and isinstance(value, dict):
        return {key: _as_float32(item, shape.members.get(key)) for key, item in value.items()}
    if kind == "list" and isinstance(value, list):
        return [_as_float32(item, shape.member) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {key: _as_float32(item, shape.value) for key, item in value.items()}
    return value
