"""Face embeddings from the active profile's recognizer: unit vectors, one per face.

Both recognizers take a face aligned by five points onto the ArcFace 112 × 112 template, in RGB;
they differ in input scaling and vector length (SFace: raw 0..255, 128-d; ArcFace w600k_mbf:
(x − 127.5) / 127.5, 512-d), which the profile records.
"""

from __future__ import annotations

import numpy as np

from . import models, profiles
from .align import aligned_crop


def embed(image_bgr: np.ndarray, faces_points5: list[np.ndarray]) -> np.ndarray:
    """One unit vector per face, (N, dimensions), all faces of an image in one batch."""
    profile = profiles.active()
    if not faces_points5:
        return np.zeros((0, profile.dimensions), np.float32)
    crops = np.stack([aligned_crop(image_bgr, points) for points in faces_points5])
    blob = (crops[:, :, :, ::-1].astype(np.float32) - profile.pixel_mean) / profile.pixel_scale
    session = models.session(profile.recognizer)
    name = session.get_inputs()[0].name
    vectors = session.run(None, {name: blob.transpose(0, 3, 1, 2)})[0].astype(np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)
