"""Plain results of the pipeline, in pixel coordinates of the upright image."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    extras: dict[str, object] = field(default_factory=dict)
