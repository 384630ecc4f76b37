"""Rekognition's ``QualityFilter``: which faces are too poor to compare, index or search.

A face is refused for every reason whose measured value falls below the bar of the chosen
level; LOW refuses only clearly unusable faces, HIGH keeps only good frontal, sharp, well lit
ones. AUTO uses the LOW bar. The reasons are Rekognition's own (IndexFaces' UnindexedFace).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..vision.results import FaceAnalysis


@dataclass(frozen=True)
class Bar:
    min_confidence: float  # detector score, 0..1
    min_side: float  # shorter side of the face box, pixels
    min_sharpness: float  # 0..100
    min_brightness: float  # 0..100
    max_angle: float  # |yaw| and |pitch|, degrees


BARS = {
    "LOW": Bar(min_confidence=0.70, min_side=16, min_sharpness=5, min_brightness=8, max_angle=80),
    "MEDIUM": Bar(
        min_confidence=0.85, min_side=32, min_sharpness=15, min_brightness=15, max_angle=60
    ),
    "HIGH": Bar(
        min_confidence=0.95, min_side=64, min_sharpness=30, min_brightness=25, max_angle=45
    ),
}
BARS["AUTO"] = BARS["LOW"]


def rejection_reasons(face: FaceAnalysis, level: str) -> list[str]:
    """Why a face does not pass ``level`` (empty when it passes, and always for NONE)."""
    bar = BARS.get(level)
    if bar is None:
        return []
    reasons = []
    detection = face.detection
    if max(abs(face.pose.yaw), abs(face.pose.pitch)) > bar.max_angle:
        reasons.append("EXTREME_POSE")
    if face.quality.brightness < bar.min_brightness:
        reasons.append("LOW_BRIGHTNESS")
    if face.quality.sharpness < bar.min_sharpness:
        reasons.append("LOW_SHARPNESS")
    if detection.score < bar.min_confidence:
        reasons.append("LOW_CONFIDENCE")
    if min(detection.width, detection.height) < bar.min_side:
        reasons.append("SMALL_BOUNDING_BOX")
    return reasons


def passes(face: FaceAnalysis, level: str) -> bool:
    return not rejection_reasons(face, level)


def quality_score(face: FaceAnalysis) -> float:
    """One number to rank faces by when MaxFaces cuts: detector certainty, sharpness, size
    (saturating at 64 px) and frontality, each 0..1, multiplied."""
    detection = face.detection
    size = min(1.0, min(detection.width, detection.height) / 64.0)
    frontal = max(0.0, 1.0 - max(abs(face.pose.yaw), abs(face.pose.pitch)) / 90.0)
    return detection.score * (face.quality.sharpness / 100.0) * size * frontal
