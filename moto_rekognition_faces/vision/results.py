"""Plain results of the pipeline, in pixel coordinates of the upright image."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class Detection:
    """One face found by the detector."""

    box: np.ndarray  # (4,) x1, y1, x2, y2 in pixels
    score: float  # 0..1
    points5: np.ndarray  # (5, 2): viewer's left eye, right eye, nose, left mouth, right mouth

    @property
    def width(self) -> float:
        return float(self.box[2] - self.box[0])

    @property
    def height(self) -> float:
        return float(self.box[3] - self.box[1])

    @property
    def area(self) -> float:
        return max(self.width, 0.0) * max(self.height, 0.0)


@dataclass
class Pose:
    roll: float
    yaw: float
    pitch: float


@dataclass
class Quality:
    brightness: float  # 0..100
    sharpness: float  # 0..100


@dataclass
class FaceAnalysis:
    """Everything the pipeline learnt about one face; optional parts are filled on demand."""

    detection: Detection
    pose: Pose
    quality: Quality
    points106: np.ndarray | None = None  # (106, 2) when the dense landmarks were asked for
    age_gender: Any = None  # age_gender.AgeGender
    emotions: dict[str, float] | None = None  # emotion type → confidence, summing to 100
    gaze: Any = None  # iris.Gaze
    appearance: Any = None  # appearance.Appearance


@dataclass(frozen=True)
class Needs:
    """Which optional models a request needs; the default needs none of them."""

    landmarks106: bool = False
    age_gender: bool = False
    emotions: bool = False
    gaze: bool = False
    appearance: bool = False

    @property
    def any_dense(self) -> bool:
        """Whether the 106 points must be computed (every model but emotions reads them)."""
        return self.landmarks106 or self.age_gender or self.gaze or self.appearance
