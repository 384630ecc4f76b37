"""Sunglasses and eyeglasses: dark lenses, and frame lines across the bridge and round the eyes."""

from __future__ import annotations

import cv2
import numpy as np

from .cues import Cues, pose_trust, probability_above, shrink
from .frame import IOD, LEFT_BROW, RIGHT_BROW, FaceFrame, box_pixels, eye_centres, median_or

SUNGLASSES = (0.47, 0.06)  # lens_darkness: bare eyes 0.0-0.42, dark lenses 0.51-0.97


FRAME_BRIDGE = 0.13  # bridge_line that counts as one unit of frame evidence


FRAME_RIM = 2.4  # rim_line that counts as one unit


FRAME = (2.4, 0.5)  # bridge + rim units: bare faces mostly below 2, frames 2.9-5


def lens_darkness(frame: FaceFrame) -> float:
    """Share of pixels darker than 0.45 × the brightest skin patch over each lens area."""
    q, lab = frame.points, frame.lab[..., 0]
    left, right = eye_centres(q)
    brow = float(np.mean(q[LEFT_BROW + RIGHT_BROW, 1]))
    patches = [
        box_pixels(lab, q[86, 0] - 0.08 * IOD, q[74, 1], q[86, 0] + 0.08 * IOD, q[86, 1]),
        box_pixels(lab, q[49, 0], brow - 0.45 * IOD, q[103, 0], brow - 0.12 * IOD),
    ]
    for centre in (left, right):
        top, bottom = q[86, 1] - 0.12 * IOD, q[80, 1] + 0.02 * IOD
        patches.append(box_pixels(lab, centre[0] - 0.2 * IOD, top, centre[0] + 0.2 * IOD, bottom))
    reference = max(median_or(p, default=0.0) for p in patches)
    shares = []
    for (a, b), centre in (((35, 39), left), ((89, 93), right)):
        width = float(np.linalg.norm(q[a] - q[b]))
        lens = box_pixels(
            lab,
            centre[0] - 0.8 * width,
            centre[1] - 0.4 * width,
            centre[0] + 0.8 * width,
            centre[1] + 0.8 * width,
        )
        shares.append(float(np.mean(lens < 0.45 * reference)) if lens.size else 0.0)
    return min(shares)


def bridge_line(frame: FaceFrame) -> float:
    """Contrast of the strongest thin horizontal line crossing the nose between the eyes.

    A narrow strip down the middle of the nose bridge, from above the eyes to just below them,
    is reduced to one brightness per row (the median across the strip, so the line must cross
    all of it); a 1-D top-hat then keeps only thin dark or bright lines, as a frame bridge draws.
    Bare skin there is smooth. The rows at the strip's ends are left out (brows, eye corners).
    """
    q = frame.points
    centre_x = (q[39, 0] + q[89, 0]) / 2
    eye_y = (q[38, 1] + q[88, 1]) / 2
    top, bottom = int(round(eye_y - 0.36 * IOD)), int(round(eye_y + 0.1 * IOD))
    left, right = int(round(centre_x - 0.1 * IOD)), int(round(centre_x + 0.1 * IOD))
    strip = cv2.GaussianBlur(frame.grey, (3, 3), 0)[max(top, 0) : bottom, max(left, 0) : right]
    if strip.shape[0] < 12 or strip.shape[1] < 3:
        return 0.0
    kernel = np.ones((9, 1), np.uint8)
    closed = cv2.morphologyEx(strip, cv2.MORPH_CLOSE, kernel, borderType=cv2.BORDER_REPLICATE)
    opened = cv2.morphologyEx(strip, cv2.MORPH_OPEN, kernel, borderType=cv2.BORDER_REPLICATE)
    line = np.maximum(np.median(closed - strip, axis=1), np.median(strip - opened, axis=1))
    line = line[3:-3]
    return float(line.max() / max(float(np.median(strip)), 20.0))


def rim_line(frame: FaceFrame) -> float:
    """How strong a continuous line runs round the lower half of each eye (the weaker eye).

    The image is unrolled round the eye centre (angles 0–180°, the lower half; radii 0.55–1.35
    eye widths, stretched 1.25× sideways as lenses are wider than tall) and a dynamic programme
    finds the path of strongest radial line response that moves at most one radius step per
    angle step. A lens rim is such a path; skin gives only short, weak pieces. The score is
    the path's mean response over the median response of the unrolled patch.
    """
    q = frame.points
    grey = cv2.GaussianBlur(frame.grey, (3, 3), 0.8)
    angles = np.radians(np.arange(0, 181, 6))
    scores = []
    for (a, b), centre in zip(((35, 39), (89, 93)), eye_centres(q), strict=True):
        width = float(np.linalg.norm(q[a] - q[b]))
        radii = np.linspace(0.55 * width, 1.35 * width, 24)
        xs = centre[0] + 1.25 * np.cos(angles)[:, None] * radii[None, :]
        ys = centre[1] + np.sin(angles)[:, None] * radii[None, :]
        unrolled = cv2.remap(
            grey,
            xs.astype(np.float32),
            ys.astype(np.float32),
            cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REPLICATE,
        )
        response = np.abs(unrolled[:, 2:] + unrolled[:, :-2] - 2 * unrolled[:, 1:-1])
        best = response[0].copy()
        for row in response[1:]:
            reach = best.copy()
            reach[1:] = np.maximum(reach[1:], best[:-1])
            reach[:-1] = np.maximum(reach[:-1], best[1:])
            best = reach + row
        scores.append(float(best.max()) / len(response) / (float(np.median(response)) + 2.0))
    return min(scores)


def sunglasses(cues: Cues) -> float:
    """P(dark lenses) from how much of each eye's lens area is far darker than the skin.

    Over a box round each eye, 1.6 eye widths wide and reaching 0.8 below the eye centre where
    a lens ends, count the pixels darker than 0.45 × the brightest skin patch (nose, cheeks or
    forehead). Bare eyes have iris, lashes and lid shadow there, about 0–40 %; a dark lens
    fills 50–100 %. The lighter eye counts, so both lenses must be dark.
    """
    return probability_above(cues.lens_darkness, *SUNGLASSES)


def eyeglasses(cues: Cues, sunglasses_p: float = 0.0) -> float:
    """P(eyeglasses, sunglasses included) from frame lines, or from dark lenses.

    Frame evidence adds two cues in units of their typical strength on bare faces: a thin line
    across the nose bridge (``bridge_line``, the frame's bridge) and a continuous line round the
    lower half of both eyes (``rim_line``, the rims). Both are discounted for turned heads.
    Rekognition reports sunglasses as eyeglasses too, so the larger probability wins.
    """
    units = cues.bridge_line / FRAME_BRIDGE + cues.rim_line / FRAME_RIM
    frames = shrink(probability_above(units, *FRAME), pose_trust(cues))
    return max(frames, sunglasses_p)
