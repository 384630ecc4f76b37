"""Brightness and sharpness of a face region, on Rekognition's 0–100 scale.

The face box is resampled to a fixed size first, so that a small face and a large face of the
same photograph score alike.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from .results import Detection, Quality

SIDE = 112
SHARPNESS_SCALE = 120.0  # Laplacian variance at which sharpness reaches about 63


def measure(grey: np.ndarray, detection: Detection) -> Quality:
    """Quality of the face inside ``detection.box`` of a greyscale image."""
    height, width = grey.shape[:2]
    x1, y1, x2, y2 = detection.box
    left, top = max(0, int(math.floor(x1))), max(0, int(math.floor(y1)))
    right, bottom = min(width, int(math.ceil(x2))), min(height, int(math.ceil(y2)))
    if right - left < 2 or bottom - top < 2:
        return Quality(brightness=0.0, sharpness=0.0)
    patch = cv2.resize(grey[top:bottom, left:right], (SIDE, SIDE), interpolation=cv2.INTER_AREA)
    brightness = float(patch.mean()) / 255.0 * 100.0
    variance = float(cv2.Laplacian(patch, cv2.CV_64F).var())
    sharpness = 100.0 * (1.0 - math.exp(-variance / SHARPNESS_SCALE))
    return Quality(brightness=brightness, sharpness=sharpness)
