"""RetinaFace (mobilenet0.25, biubug6 weights) face detector.

The network is fully convolutional, so it runs on the whole image at its own aspect ratio;
anchors are laid out per image size and cached.
"""

from __future__ import annotations

import math
from functools import lru_cache

import cv2
import numpy as np

from . import models
from .results import Detection

WEIGHTS = "retinaface_mnet025.onnx"
BGR_MEAN = np.array([104.0, 117.0, 123.0], np.float32)  # biubug6 training mean (BGR)
STEPS = (8, 16, 32)
ANCHOR_SIZES = ((16, 32), (64, 128), (256, 512))
VARIANCES = (0.1, 0.2)


@lru_cache(maxsize=32)
def anchors(height: int, width: int) -> np.ndarray:
    """SSD-style priors (cx, cy, w, h) in pixels for an input of this size."""
    rows = []
    for step, sizes in zip(STEPS, ANCHOR_SIZES, strict=True):
        ny, nx = math.ceil(height / step), math.ceil(width / step)
        ys, xs = np.mgrid[0:ny, 0:nx]
        centres = np.stack([(xs + 0.5) * step, (ys + 0.5) * step], axis=-1).reshape(-1, 1, 2)
        wh = np.array([[s, s] for s in sizes], np.float32)[None]
        per_cell = np.concatenate(
            [np.repeat(centres, len(sizes), axis=1), np.repeat(wh, len(centres), axis=0)], axis=2
        )
        rows.append(per_cell.reshape(-1, 4))
    return np.concatenate(rows).astype(np.float32)


def nms(boxes: np.ndarray, scores: np.ndarray, threshold: float) -> np.ndarray:
    """Indices kept by greedy non-maximum suppression, highest score first."""
    order = np.argsort(-scores, kind="stable")
    x1, y1, x2, y2 = boxes.T
    areas = np.maximum(x2 - x1, 0) * np.maximum(y2 - y1, 0)
    keep: list[int] = []
    while order.size:
        best, rest = order[0], order[1:]
        keep.append(int(best))
        iw = np.maximum(0.0, np.minimum(x2[best], x2[rest]) - np.maximum(x1[best], x1[rest]))
        ih = np.maximum(0.0, np.minimum(y2[best], y2[rest]) - np.maximum(y1[best], y1[rest]))
        inter = iw * ih
        iou = inter / np.maximum(areas[best] + areas[rest] - inter, 1e-9)
        order = rest[iou <= threshold]
    return np.array(keep, dtype=np.int64)


def detect(
    image_bgr: np.ndarray,
    max_side: int,
    score_threshold: float = 0.6,
    nms_threshold: float = 0.4,
    *,
    full_size: tuple[int, int] | None = None,
) -> list[Detection]:
    """Faces in an upright BGR image, in its pixel coordinates, highest score first.

    ``full_size`` (width, height): ``image_bgr`` stands for an image of that size (a JPEG
    decoded at reduced size); the network input and the coordinates are then those of that
    image, so results differ from a full decode only as much as the pixels do.
    """
    height, width = image_bgr.shape[:2]
    full_width, full_height = full_size or (width, height)
    scale = min(1.0, max_side / max(full_height, full_width))
    size = (max(1, round(full_width * scale)), max(1, round(full_height * scale)))
    work = image_bgr
    if size != (width, height):
        work = cv2.resize(image_bgr, size, interpolation=cv2.INTER_AREA)
    loc, conf, landmarks = models.session(WEIGHTS).run(None, {"input": blob(work)})
    scores = conf[0][:, 1]
    picked = np.flatnonzero(scores > score_threshold)
    if picked.size == 0:
        return []
    prior = anchors(size[1], size[0])[picked]
    loc, landmarks, scores = loc[0][picked], landmarks[0][picked], scores[picked]
    centre = prior[:, :2] + loc[:, :2] * VARIANCES[0] * prior[:, 2:]
    size_wh = prior[:, 2:] * np.exp(loc[:, 2:] * VARIANCES[1])
    boxes = np.hstack([centre - size_wh / 2, centre + size_wh / 2])
    points = prior[:, None, :2] + landmarks.reshape(-1, 5, 2) * VARIANCES[0] * prior[:, None, 2:]
    keep = nms(boxes, scores, nms_threshold)
    inv = 1.0 / scale
    return [
        Detection(
            box=(boxes[i] * inv).astype(np.float64),
            score=float(scores[i]),
            points5=(points[i] * inv).astype(np.float64),
        )
        for i in keep
    ]


def blob(work: np.ndarray) -> np.ndarray:
    """The network input: NCHW float32, BGR minus the training mean. Equal to
    ``cv2.dnn.blobFromImage(work, 1.0, size, mean)``, in a quarter of its time (one channel
    plane at a time, written in place)."""
    height, width = work.shape[:2]
    out = np.empty((1, 3, height, width), np.float32)
    for channel, plane in enumerate(cv2.split(work)):
        cv2.subtract(plane, float(BGR_MEAN[channel]), dst=out[0, channel], dtype=cv2.CV_32F)
    return out
