"""Face occlusion: a mask or other cover over nose and mouth, or a face cut by the image edge."""

from __future__ import annotations

import math
from dataclasses import replace

import cv2
import numpy as np

from .cues import Cues, probability_above
from .frame import IOD, LEFT_EYE, RIGHT_EYE, FaceFrame, box_pixels, polygon_mask, skin_match

# skin_coverage (reversed): masked faces 0.00 with either landmark model; bare faces 0.07-1.0
# with 2d106det, down to 0.038 (an orange-lit t1 face) with the face mesh, whose mouth region
# sits slightly lower. 0.03 keeps both clear of the masks.
MASK = (0.03, 0.01)


CUT = (0.05, 0.02)  # outside: share of eye / nose / mouth points beyond the image edge


BOX_SLACK = 0.2  # share of the detector box that may leave the frame unnoticed


def skin_coverage(frame: FaceFrame) -> float:
    """Share of the skin round the mouth whose colour matches the nose bridge's skin.

    The reference is the strip between the eyes, which masks, hands and hair rarely cover. A
    pixel matches when its hue is within 25° of the reference hue, its chroma within half to
    twice the reference chroma, and it is not in deep shadow. A surgical mask, a scarf or any
    object of another colour leaves almost nothing matching; lips and stubble keep most of it.
    The region (nose base, mouth corners, halfway out to the jaw, halfway down to the chin) is
    one any mask covers, even when the landmarks under it are guessed too low or too high.
    nan for greyscale photos, where hue does not exist.
    """
    if not frame.colour:
        return float("nan")
    q, lab = frame.points, frame.lab
    centre_x = (q[39, 0] + q[89, 0]) / 2
    eye_y = (q[38, 1] + q[88, 1]) / 2
    bridge = box_pixels(
        lab, centre_x - 0.1 * IOD, eye_y - 0.3 * IOD, centre_x + 0.1 * IOD, eye_y + 0.05 * IOD
    )
    if not bridge.size:
        return float("nan")
    reference = np.median(bridge, axis=0)
    cheeks = [(q[52] + q[15]) / 2, (q[61] + q[31]) / 2, (q[53] + q[0]) / 2]
    around_mouth = np.vstack([q[[52, 80, 61, 53]], cheeks]).astype(np.float32)
    hull = cv2.convexHull(around_mouth)
    lower = lab[polygon_mask(lab.shape, hull[:, 0, :])]
    if not lower.size:
        return float("nan")
    return float(np.mean(skin_match(lower, reference)))


KEY_POINTS = LEFT_EYE + RIGHT_EYE + list(range(52, 87))  # eyes, mouth and nose


def outside_share(points106: np.ndarray, shape: tuple[int, ...]) -> float:
    """Share of the eye, nose and mouth landmarks that fall outside the image."""
    key = np.asarray(points106, float)[KEY_POINTS]
    height, width = shape[:2]
    out = (key[:, 0] < 0) | (key[:, 1] < 0) | (key[:, 0] >= width) | (key[:, 1] >= height)
    return float(np.mean(out))


def masked(cues: Cues) -> float:
    """P(the nose and mouth are covered) from how little of the lower face is skin-coloured.

    Greyscale photos carry no hue, so there the answer is an uninformed 0.3.
    """
    if not cues.colour or not math.isfinite(cues.skin_coverage):
        return 0.3
    return probability_above(-cues.skin_coverage, -MASK[0], MASK[1])


def face_occluded(cues: Cues, sunglasses_p: float = 0.0, masked_p: float | None = None) -> float:
    """P(FaceOccluded) as AWS defines it: eyes, nose or mouth covered, or partly out of frame.

    The largest of three: the share of key landmarks beyond the image edge, the mask cue, and
    dark sunglasses (which AWS lists as occluding).
    """
    cut = probability_above(cues.outside, *CUT) if cues.outside > 0 else 0.0
    covered = masked(cues) if masked_p is None else masked_p
    return max(cut, covered, sunglasses_p)


def with_box(cues: Cues, box: np.ndarray, shape: tuple[int, ...]) -> Cues:
    """Add the detector box's view of how much of the face is out of frame.

    The box also spans forehead and chin, which may leave the frame while eyes, nose and mouth
    stay in: only the part beyond the first BOX_SLACK of the box counts.
    """
    height, width = shape[:2]
    x1, y1, x2, y2 = box[:4]
    area = max((x2 - x1) * (y2 - y1), 1e-6)
    inside = max(0.0, min(x2, width) - max(x1, 0.0)) * max(0.0, min(y2, height) - max(y1, 0.0))
    return replace(cues, outside=max(cues.outside, 1.0 - inside / area - BOX_SLACK))
