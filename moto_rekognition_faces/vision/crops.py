"""Rotated square crops, the input of the MediaPipe body and hand models."""

from __future__ import annotations

import math

import cv2
import numpy as np


def rotated_square(
    image_bgr: np.ndarray, centre: np.ndarray, side: float, angle: float, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """The square of ``side`` pixels round ``centre``, turned by ``angle`` (radians), resampled
    to ``size`` × ``size``; and the inverse map (crop pixels → image pixels, 2×3)."""
    scale = size / max(side, 1e-6)
    c, s = math.cos(angle) * scale, math.sin(angle) * scale
    matrix = np.array([[c, s, 0.0], [-s, c, 0.0]])
    matrix[:, 2] = size / 2 - matrix[:, :2] @ np.asarray(centre, float)
    patch = cv2.warpAffine(image_bgr, matrix, (size, size), borderValue=0.0)
    return patch, cv2.invertAffineTransform(matrix)


def upright_angle(base: np.ndarray, tip: np.ndarray) -> float:
    """The crop angle that makes the direction base → tip point straight up, in (-π, π]."""
    d = np.asarray(tip, float) - np.asarray(base, float)
    return (math.pi / 2 - math.atan2(-d[1], d[0]) + math.pi) % (2 * math.pi) - math.pi


def model_input(patch_bgr: np.ndarray) -> np.ndarray:
    """A BGR crop as the MediaPipe models take it: one NHWC RGB image in [0, 1]."""
    return np.ascontiguousarray(patch_bgr[None, :, :, ::-1], np.float32) / 255.0


def to_image(points: np.ndarray, inverse: np.ndarray) -> np.ndarray:
    """Crop pixel coordinates (N, 2) → image pixels."""
    return np.asarray(points, np.float64) @ inverse[:, :2].T + inverse[:, 2]
