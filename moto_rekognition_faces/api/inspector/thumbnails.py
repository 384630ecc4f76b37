"""Small JPEG crops of indexed faces, kept so the inspector can show who is in a collection."""

from __future__ import annotations

import cv2
import numpy as np

from ... import config

SIDE = 64  # pixels, the long side of a thumbnail
MARGIN = 0.15  # of the box, added around it so the whole head shows
QUALITY = 80


def crop(pixels: np.ndarray, box: np.ndarray) -> bytes | None:
    """The face in ``box`` (pixel x1, y1, x2, y2) of upright BGR ``pixels``, as a ~64 px JPEG;
    None when thumbnails are turned off (``MOTO_REKOGNITION_FACES_THUMBNAILS=0``)."""
    if not config.thumbnails_kept():
        return None
    height, width = pixels.shape[:2]
    x1, y1, x2, y2 = (float(v) for v in box[:4])
    pad_x, pad_y = (x2 - x1) * MARGIN, (y2 - y1) * MARGIN
    left, top = max(int(x1 - pad_x), 0), max(int(y1 - pad_y), 0)
    right, bottom = min(int(x2 + pad_x) + 1, width), min(int(y2 + pad_y) + 1, height)
    if right <= left or bottom <= top:
        return None
    face = pixels[top:bottom, left:right]
    scale = SIDE / max(face.shape[:2])
    size = (max(int(face.shape[1] * scale), 1), max(int(face.shape[0] * scale), 1))
    small = cv2.resize(face, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    ok, encoded = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, QUALITY])
    return encoded.tobytes() if ok else None
