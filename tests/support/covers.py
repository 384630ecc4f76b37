"""Protective equipment drawn onto real photos: masks, hard hats and gloves.

No photo of a masked, helmeted or gloved person ships in a package we can pin, so tests put the
equipment on real people, placed from their own landmarks. Each cover is drawn with shading
and sensor noise, then JPEG-compressed, so it is not a flat synthetic patch.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

HAT_COLOURS = {  # BGR
    "yellow": (0, 210, 250),
    "white": (235, 235, 235),
    "orange": (0, 120, 250),
    "blue": (200, 90, 20),
    "red": (30, 30, 200),
    "green": (40, 160, 40),
}


def masked(image: np.ndarray, points106: np.ndarray, texture: np.ndarray) -> np.ndarray:
    """Paste a surgical-mask texture over the nose and everything below it, inside the jaw."""
    jaw = points106[[10, 11, 12, 13, 14, 15, 16, 2, 3, 4, 5, 6, 7, 8, 0]]
    jaw = np.vstack([jaw, points106[[24, 23, 22, 21, 20, 19, 18, 32, 31, 30, 29, 28, 27, 26]]])
    top = points106[73] + 0.1 * (points106[73] - (points106[38] + points106[88]) / 2)
    polygon = np.round(np.vstack([jaw, [top]])).astype(np.int32)
    x, y, w, h = cv2.boundingRect(polygon)
    layer = image.copy()
    y0, x0 = max(y, 0), max(x, 0)
    y1, x1 = min(y + h, image.shape[0]), min(x + w, image.shape[1])
    stretched = cv2.resize(texture, (w, h), interpolation=cv2.INTER_AREA)
    layer[y0:y1, x0:x1] = stretched[y0 - y : y1 - y, x0 - x : x1 - x]
    inside = np.zeros(image.shape[:2], np.uint8)
    cv2.fillPoly(inside, [polygon], 1)
    return np.where(inside[..., None] > 0, layer, image)


def _photographed(image: np.ndarray, seed: int = 0) -> np.ndarray:
    """Sensor noise and JPEG quality 85, as a camera would leave a real object."""
    rng = np.random.default_rng(seed)
    noisy = np.clip(image.astype(np.float64) + rng.normal(0, 5, image.shape), 0, 255)
    ok, data = cv2.imencode(".jpg", noisy.astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


def hard_hat(image: np.ndarray, points106: np.ndarray, colour: str = "yellow") -> np.ndarray:
    """A shaded hard-hat dome over the crown and a brim at the forehead, placed from the eyes."""
    left = (points106[35] + points106[39]) / 2
    right = (points106[89] + points106[93]) / 2
    along = right - left
    iod = float(np.hypot(*along))
    up = np.array([along[1], -along[0]]) / iod
    angle = math.degrees(math.atan2(along[1], along[0]))
    centre = (left + right) / 2 + up * 0.75 * iod
    shape = np.zeros(image.shape[:2], np.uint8)
    dome = (int(1.45 * iod), int(1.5 * iod))
    cv2.ellipse(shape, tuple(int(v) for v in centre), dome, angle, 180, 360, 255, -1)
    brim = (int(1.75 * iod), int(0.22 * iod))
    cv2.ellipse(shape, tuple(int(v) for v in centre), brim, angle, 0, 360, 255, -1)
    rows, cols = np.mgrid[: image.shape[0], : image.shape[1]]
    light = centre + up * 0.9 * iod - along / iod * 0.4 * iod
    shade = 0.75 + 0.35 * np.clip(
        1 - np.hypot(cols - light[0], rows - light[1]) / (2.2 * iod), 0, 1
    )
    paint = np.clip(np.array(HAT_COLOURS[colour], float) * shade[..., None], 0, 255)
    alpha = cv2.GaussianBlur(shape, (3, 3), 0)[..., None] / 255.0
    return _photographed((image * (1 - alpha) + paint * alpha).astype(np.uint8))


def gloves(
    image: np.ndarray,
    hands: list[np.ndarray],
    colour: tuple[int, int, int],
    opacity: float = 1.0,
) -> np.ndarray:
    """Nitrile-like gloves: the hand's own shading and fingers, dyed the glove's colour.

    Inside each hand's landmark hull (grown a little), every pixel takes the glove's chroma and
    a lightness that keeps its shading relative to the hull's median.
    """
    out = image.copy()
    lab = cv2.cvtColor(image, cv2.COLOR_BGR2Lab).astype(np.float64)
    dye = cv2.cvtColor(np.uint8([[colour]]), cv2.COLOR_BGR2Lab)[0, 0].astype(np.float64)
    for points in hands:
        hull = cv2.convexHull(np.asarray(points, np.float32)).astype(np.int32)
        area = np.zeros(image.shape[:2], np.uint8)
        cv2.fillConvexPoly(area, hull, 255)
        area = cv2.dilate(area, np.ones((7, 7), np.uint8)) > 0
        skin = np.median(lab[area], axis=0)
        shading = lab[..., 0] - skin[0]
        dyed = lab.copy()
        dyed[..., 0] = np.clip(dye[0] + shading, 0, 255)
        dyed[..., 1], dyed[..., 2] = dye[1], dye[2]
        recoloured = cv2.cvtColor(np.clip(dyed, 0, 255).astype(np.uint8), cv2.COLOR_Lab2BGR)
        mixed = opacity * recoloured[area] + (1 - opacity) * image[area]
        out[area] = np.clip(mixed, 0, 255).astype(np.uint8)
    return _photographed(out)
