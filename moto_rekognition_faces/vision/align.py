"""Five-point similarity alignment onto the ArcFace 112 × 112 template."""

from __future__ import annotations

import cv2
import numpy as np

# Where the eyes, nose tip and mouth corners of an average frontal face sit in a 112 × 112 crop
# (the template the insightface recognition models were trained with).
ARCFACE_TEMPLATE = np.array(
    [
        [38.2946, 51.6963],
        [73.5318, 51.5014],
        [56.0252, 71.7366],
        [41.5493, 92.3655],
        [70.7299, 92.2041],
    ],
    np.float64,
)
SIZE = 112


def similarity_transform(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Least-squares rotation + uniform scale + translation (Umeyama), as a 2×3 matrix."""
    source = np.asarray(source, np.float64)
    target = np.asarray(target, np.float64)
    mean_s, mean_t = source.mean(axis=0), target.mean(axis=0)
    centred_s, centred_t = source - mean_s, target - mean_t
    covariance = centred_t.T @ centred_s / len(source)
    u, singular, vt = np.linalg.svd(covariance)
    sign = np.ones(2)
    if np.linalg.det(covariance) < 0:
        sign[-1] = -1.0
    rotation = u @ np.diag(sign) @ vt
    scale = float(singular @ sign) / centred_s.var(axis=0).sum()
    matrix = np.zeros((2, 3))
    matrix[:, :2] = scale * rotation
    matrix[:, 2] = mean_t - scale * rotation @ mean_s
    return matrix


def aligned_crop(image_bgr: np.ndarray, points5: np.ndarray) -> np.ndarray:
    """The face warped so its five points land on the template (112 × 112 BGR)."""
    matrix = similarity_transform(points5, ARCFACE_TEMPLATE)
    return cv2.warpAffine(image_bgr, matrix, (SIZE, SIZE), borderValue=0.0)
