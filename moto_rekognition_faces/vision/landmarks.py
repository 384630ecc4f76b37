"""Dense landmarks in the 106-point layout every estimator reads, from the profile's model.

The default profile runs the MediaPipe face mesh (Apache-2.0) and maps its 468 points onto the
106-point layout (``face_mesh.MESH_TO_106``); the opt-in ``insightface`` profile runs 2d106det,
whose native layout it is. 2d106det sees a square crop centred on the detector box, 1.5 × its
larger side, at 192 px.
"""

from __future__ import annotations

import cv2
import numpy as np

from . import face_mesh, models, profiles
from .results import Detection

WEIGHTS = "2d106det.onnx"
INPUT_SIZE = 192
CROP_SCALE = 1.5


def crop_transform(
    box: np.ndarray, size: int = INPUT_SIZE, scale: float = CROP_SCALE
) -> np.ndarray:
    """2×3 affine map from image pixels to the model's square input."""
    x1, y1, x2, y2 = box[:4]
    side = max(x2 - x1, y2 - y1) * scale
    s = size / max(side, 1e-6)
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    return np.array([[s, 0, size / 2 - cx * s], [0, s, size / 2 - cy * s]], np.float64)


def predict(image_bgr: np.ndarray, detection: Detection) -> np.ndarray:
    """The 106 points, (106, 2) in image pixels."""
    return predict_many(image_bgr, [detection])[0]


def predict_many(image_bgr: np.ndarray, detections: list[Detection]) -> list[np.ndarray]:
    """The 106 points of every face, each (106, 2) in image pixels."""
    if not detections:
        return []
    if profiles.active().landmarks == "face_mesh":
        meshes = face_mesh.predict_many(image_bgr, detections)
        return [face_mesh.layout106(mesh.points) for mesh in meshes]
    return _predict_2d106det(image_bgr, detections)


def _predict_2d106det(image_bgr: np.ndarray, detections: list[Detection]) -> list[np.ndarray]:
    """2d106det's 106 points of every face, run as one batch."""
    matrices = [crop_transform(d.box) for d in detections]
    crops = np.stack(
        [cv2.warpAffine(image_bgr, m, (INPUT_SIZE, INPUT_SIZE), borderValue=0.0) for m in matrices]
    )
    blob = np.ascontiguousarray(crops[:, :, :, ::-1].transpose(0, 3, 1, 2), np.float32)
    out = models.session(WEIGHTS).run(None, {"data": blob})[0].reshape(len(detections), -1, 2)
    results = []
    for points, matrix in zip(out.astype(np.float64), matrices, strict=True):
        points = (points + 1.0) * (INPUT_SIZE / 2)  # RGB input, raw 0..255; output in -1..1
        inverse = cv2.invertAffineTransform(matrix)
        results.append(points @ inverse[:, :2].T + inverse[:, 2])
    return results
