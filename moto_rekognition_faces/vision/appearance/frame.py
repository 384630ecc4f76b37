"""The canonical face frame every appearance cue is measured in, and its small region tools.

The face is resampled so the two eye centres sit at fixed points (roll removed, inter-ocular
distance ``IOD`` pixels): every region and texture measure then means the same for a 40-pixel
face and a 400-pixel one. Regions are placed from the landmarks moved into that frame.

106-point layout (insightface 2d106det), viewer's left / right:
eye contours 33–42 / 87–96 (corners 35, 39 / 89, 93; lids 40 top, 33 bottom / 94, 87; centre
38 / 88); brows 43–51 / 97–105; nose bridge 72–74, tip 86, base 80, nostrils 78–79 / 84–85;
mouth corners 52 / 61, outer upper lip centre 71, outer lower lip centre 53, inner lips 62 top /
60 bottom; jaw contour 1, 9–16, 2–8 down to the chin 0, then 24–18, 32–25, 17 up the other side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

IOD = 64.0  # inter-ocular distance in the canonical frame, pixels


EYE_ROW = 80.0  # y of the eye centres in the canonical frame


CANVAS = (192, 240)  # canonical frame width, height: brows to below the chin at IOD 64


LEFT_EYE = list(range(33, 43))


RIGHT_EYE = list(range(87, 97))


LEFT_BROW = list(range(43, 52))


RIGHT_BROW = list(range(97, 106))


LEFT_JAW_BAND = [52, 55, 56, 5, 4, 3, 2, 16, 15]  # mouth corner, lower lip, then up the jaw


RIGHT_JAW_BAND = [61, 58, 59, 21, 20, 19, 18, 32, 31]


@dataclass
class FaceFrame:
    """The face resampled so the eye centres sit at fixed points, with its landmarks moved too."""

    bgr: np.ndarray  # CANVAS-sized crop, uint8
    lab: np.ndarray  # the same in CIE Lab, float32 (L 0..100, a and b about -128..127)
    grey: np.ndarray  # float32 0..255
    points: np.ndarray  # (106, 2) in the canonical frame
    colour: bool  # False for a greyscale photo: colour cues are then silent
    matrix: np.ndarray  # 2×3 affine map from image pixels to the frame


def eye_centres(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Midpoints of the viewer-left and viewer-right eye corners."""
    return (points[35] + points[39]) / 2, (points[89] + points[93]) / 2


def prepare_colour_tables() -> None:
    """OpenCV builds its float Lab tables on the first such conversion (about 30 ms); the
    warm-up calls this so that a first request does not wait for them."""
    cv2.cvtColor(np.zeros((1, 1, 3), np.float32), cv2.COLOR_BGR2Lab)


def canonical_frame(
    image_bgr: np.ndarray,
    points106: np.ndarray,
    canvas: tuple[int, int] = CANVAS,
    eye_row: float = EYE_ROW,
) -> FaceFrame:
    """Resample the face so the eye-corner midpoints land IOD pixels apart on row ``eye_row``
    of a ``canvas`` (width, height) frame, centred across."""
    points = np.asarray(points106, np.float64)
    left, right = eye_centres(points)
    dx, dy = right - left
    scale = IOD / max(math.hypot(dx, dy), 1e-6)
    angle = math.atan2(dy, dx)
    cos_a, sin_a = math.cos(angle) * scale, math.sin(angle) * scale
    matrix = np.array([[cos_a, sin_a, 0.0], [-sin_a, cos_a, 0.0]])
    matrix[:, 2] = np.array([canvas[0] / 2, eye_row]) - matrix[:, :2] @ ((left + right) / 2)
    source = image_bgr if image_bgr.ndim == 3 else cv2.cvtColor(image_bgr, cv2.COLOR_GRAY2BGR)
    warp = matrix.copy()
    # A big face squeezed into the frame would alias: halve the image until a step is < 2 px.
    while scale * image_bgr.shape[1] / source.shape[1] < 0.5 and min(source.shape[:2]) > 64:
        source = cv2.pyrDown(source)
        warp[:, :2] = matrix[:, :2] * (image_bgr.shape[1] / source.shape[1])
    crop = cv2.warpAffine(
        source, warp, canvas, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    spread = np.abs(crop.astype(np.int16) - crop.mean(axis=2, keepdims=True).astype(np.int16))
    return FaceFrame(
        bgr=crop,
        lab=cv2.cvtColor(crop.astype(np.float32) / 255.0, cv2.COLOR_BGR2Lab),
        grey=cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY).astype(np.float32),
        points=points @ matrix[:, :2].T + matrix[:, 2],
        colour=bool(np.percentile(spread, 90) > 4),
        matrix=matrix,
    )


def box_pixels(array: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    """The pixels of an axis-aligned box of the canonical frame, clipped to it, flattened."""
    height, width = array.shape[:2]
    left, right = int(np.clip(round(x0), 0, width)), int(np.clip(round(x1), 0, width))
    top, bottom = int(np.clip(round(y0), 0, height)), int(np.clip(round(y1), 0, height))
    patch = array[top:bottom, left:right]
    return patch.reshape(-1, *array.shape[2:])


def polygon_mask(shape: tuple[int, ...], corners: np.ndarray, shrink: int = 0) -> np.ndarray:
    """A boolean mask of a polygon, eroded by ``shrink`` pixels."""
    mask = np.zeros(shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(corners).astype(np.int32)], 1)
    if shrink > 0:
        mask = cv2.erode(mask, np.ones((2 * shrink + 1, 2 * shrink + 1), np.uint8))
    return mask > 0


def median_or(values: np.ndarray, default: float = float("nan")) -> float:
    return float(np.median(values)) if values.size else default


def skin_brightness(frame: FaceFrame) -> float:
    """Median L of the nose ridge and both cheeks at nose-tip height (never hair, rarely lenses)."""
    q, lab = frame.points, frame.lab[..., 0]
    left, right = eye_centres(q)
    parts = [box_pixels(lab, q[86, 0] - 0.08 * IOD, q[74, 1], q[86, 0] + 0.08 * IOD, q[86, 1])]
    for centre in (left, right):
        top, bottom = q[86, 1] - 0.12 * IOD, q[80, 1] + 0.02 * IOD
        parts.append(box_pixels(lab, centre[0] - 0.2 * IOD, top, centre[0] + 0.2 * IOD, bottom))
    return median_or(np.concatenate(parts), default=50.0)


def skin_match(lab: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Per Lab pixel (last axis L, a, b): the colour of the ``reference`` skin.

    Hue within 25° of the reference, chroma within half to twice its chroma, and not in deep
    shadow (lightness above 35 % of the reference's).
    """
    ref_l, ref_a, ref_b = (float(v) for v in reference)
    ref_hue, ref_chroma = math.atan2(ref_b, ref_a), max(math.hypot(ref_a, ref_b), 1.0)
    hue = np.arctan2(lab[..., 2], lab[..., 1])
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    turn = np.abs((hue - ref_hue + math.pi) % (2 * math.pi) - math.pi)
    return (
        (turn < math.radians(25))
        & (chroma > 0.5 * ref_chroma)
        & (chroma < 2.0 * ref_chroma)
        & (lab[..., 0] > 0.35 * ref_l)
    )
