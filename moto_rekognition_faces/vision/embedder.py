"""ArcFace (insightface w600k_mbf, MobileFaceNet) face embeddings: 512-d, unit length."""

from __future__ import annotations

import numpy as np

from . import models
from .align import aligned_crop

WEIGHTS = "w600k_mbf.onnx"
DIMENSIONS = 512


def embed(image_bgr: np.ndarray, faces_points5: list[np.ndarray]) -> np.ndarray:
    """One unit vector per face, (N, 512), all faces of an image in one batch."""
    if not faces_points5:
        return np.zeros((0, DIMENSIONS), np.float32)
    crops = np.stack([aligned_crop(image_bgr, points) for points in faces_points5])
    blob = (crops[:, :, :, ::-1].astype(np.float32) - 127.5) / 127.5  # RGB, -1..1
    session = models.session(WEIGHTS)
    name = session.get_inputs()[0].name
    vectors = session.run(None, {name: blob.transpose(0, 3, 1, 2)})[0].astype(np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)
