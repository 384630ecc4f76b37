"""Protective equipment on a face, a head and the hands: colour cues against the person's skin.

No offline model detects PPE, so each cover is judged by what it hides: skin. The reference is
the person's own skin between the eyes and on the upper cheeks, where those patches look like
skin (helmets and gloves leave them bare; masks and sunglasses rarely cover them all):

* face cover: the appearance estimator's mask cue (how little of the skin round the mouth
  matches the reference), with the box of the lower face;
* head cover: how much of the crown, from the brows up to about two eye distances above the
  eyes, is "equipment-like": not skin and either strongly coloured (hard hats, hoods, caps in
  safety colours) or bright and smooth (white helmets). Hair is rarely either; dark caps and
  dark hair cannot be told apart by colour, so a dark cap is missed (said in docs/PPE.md);
* hand cover: how little of the hand (the hull of its 21 landmarks) matches the reference skin.

Each probability is a logistic of the cue's margin from a threshold measured on real photos and
synthetic covers (``benchmarks/evaluate_ppe.py``, ``docs/PPE.md``); greyscale photos carry no
hue, so there covers are not reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from . import appearance
from .appearance import FaceFrame, canonical_frame, eye_centres, probability_above, skin_match

HEAD_CANVAS = (192, 200)  # head frame width, height, at appearance.IOD (64 px) between the eyes
HEAD_EYE_ROW = 160.0  # the eyes' row in the head frame: room for the crown above
CROWN = (40, 100, 50, 142)  # y0, y1, x0, x1: 0.9 to 1.9 eye distances above the eyes
BRIM_ROW = HEAD_EYE_ROW - 0.45 * appearance.IOD  # a head cover's box reaches down to the brows
# Where the reference skin is looked for (y0, y1, x0, x1): the strip between the eyes and both
# upper cheeks (not the forehead: a helmet covers it first). A patch counts only if its median
# looks like skin (SKIN_HUE, lit, coloured), so sunglasses or a mask up the cheeks do not become
# skin.
SKIN_PATCHES = ((150, 175, 86, 106), (176, 194, 52, 76), (176, 194, 116, 140))
SKIN_HUE = (0.0, 90.0)  # degrees of Lab hue (atan2(b, a)) that skin of any tone falls in
SKIN_MIN_L, SKIN_MIN_CHROMA = 20.0, 5.0

COLOURED = 45.0  # Lab chroma above which a crown pixel is taken for a coloured cover
BRIGHT = 80.0  # Lab lightness above which a smooth crown pixel is taken for a white cover
SMOOTH = 2.0  # local mean |Laplacian| below which a pixel counts as smooth
HEAD_COVER = (0.30, 0.06)  # equipment-like share of the crown: threshold, logistic width
HAND_COVER = (0.35, 0.08)  # skin share of the hand (reversed): threshold, width
MIN_IOD = 12.0  # eye distance in pixels below which the crown is too small to judge


@dataclass(frozen=True)
class Cover:
    """One detected cover: probability, box (x1, y1, x2, y2, image pixels)."""

    probability: float
    box: np.ndarray


@dataclass(frozen=True)
class Head:
    """One person's head frame (eyes level, crown in view) and their reference skin colour."""

    frame: FaceFrame
    iod: float  # eye distance in image pixels
    skin: np.ndarray | None  # Lab, or None: grey photo or no bare skin seen


def head(image_bgr: np.ndarray, points106: np.ndarray) -> Head:
    """Resample the head once; every cover of the person is judged from it."""
    frame = canonical_frame(image_bgr, points106, HEAD_CANVAS, HEAD_EYE_ROW)
    left, right = eye_centres(np.asarray(points106, float))
    return Head(frame, float(np.hypot(*(right - left))), _reference_skin(frame))


def _reference_skin(frame: FaceFrame) -> np.ndarray | None:
    """Median Lab colour of the skin-like patches, or None (grey photo, no bare skin seen)."""
    if not frame.colour:
        return None
    pixels = []
    for y0, y1, x0, x1 in SKIN_PATCHES:
        patch = frame.lab[y0:y1, x0:x1].reshape(-1, 3)
        light, a, b = np.median(patch, axis=0)
        hue = math.degrees(math.atan2(b, a))
        looks_like_skin = SKIN_HUE[0] <= hue <= SKIN_HUE[1]
        if light > SKIN_MIN_L and math.hypot(a, b) > SKIN_MIN_CHROMA and looks_like_skin:
            pixels.append(patch)
    return np.median(np.vstack(pixels), axis=0) if pixels else None


def head_cover(person: Head) -> Cover | None:
    """The crown's cover, or None when there is no skin to compare or the head is too small."""
    if person.skin is None or person.iod < MIN_IOD:
        return None
    frame = person.frame
    blurred = cv2.GaussianBlur(frame.grey, (3, 3), 0)
    texture = cv2.blur(np.abs(cv2.Laplacian(blurred, cv2.CV_32F)), (5, 5))
    y0, y1, x0, x1 = CROWN
    crown, crown_texture = frame.lab[y0:y1, x0:x1], texture[y0:y1, x0:x1]
    chroma = np.hypot(crown[..., 1], crown[..., 2])
    equipment = ~skin_match(crown, person.skin) & (
        (chroma > COLOURED) | ((crown[..., 0] > BRIGHT) & (crown_texture < SMOOTH))
    )
    # The box: the covered crown pixels, with the brim reaching down to the brows.
    ys, xs = np.nonzero(equipment)
    if len(xs):
        left, right, top = x0 + xs.min(), x0 + xs.max(), y0 + ys.min()
    else:
        left, right, top = x0, x1, y0
    corners = np.array([[left, top], [right, top], [right, BRIM_ROW], [left, BRIM_ROW]], float)
    inverse = cv2.invertAffineTransform(frame.matrix)
    mapped = corners @ inverse[:, :2].T + inverse[:, 2]
    box = np.array([*mapped.min(axis=0), *mapped.max(axis=0)])
    return Cover(probability_above(float(np.mean(equipment)), *HEAD_COVER), box)


def face_cover(image_bgr: np.ndarray, points106: np.ndarray) -> Cover | None:
    """The mask over nose and mouth, or None for a greyscale photo."""
    cues = appearance.measure(image_bgr, points106)
    if not cues.colour:
        return None
    points = np.asarray(points106, float)
    left, right = eye_centres(points)
    eye_y = (left[1] + right[1]) / 2
    top = eye_y + 0.4 * (points[86, 1] - eye_y)  # a mask reaches up the nose
    contour = points[:33]
    lower = contour[contour[:, 1] >= top]
    xs = lower[:, 0] if len(lower) else contour[:, 0]
    box = np.array([xs.min(), top, xs.max(), contour[:, 1].max()])
    return Cover(appearance.masked(cues), box)


def hand_cover(image_bgr: np.ndarray, hand_points: np.ndarray, skin: np.ndarray | None) -> float:
    """P(the hand is gloved): how little of its hull matches the person's skin colour."""
    if skin is None:
        return float("nan")
    hull = cv2.convexHull(np.asarray(hand_points, np.float32)).astype(np.int32)
    mask = np.zeros(image_bgr.shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, hull, 1)
    x, y, w, h = cv2.boundingRect(hull)
    region = mask[max(y, 0) : y + h, max(x, 0) : x + w].astype(bool)
    pixels = image_bgr[max(y, 0) : y + h, max(x, 0) : x + w][region]
    if len(pixels) < 16:
        return float("nan")
    lab = cv2.cvtColor(pixels.reshape(-1, 1, 3).astype(np.float32) / 255.0, cv2.COLOR_BGR2Lab)
    share = float(np.mean(skin_match(lab.reshape(-1, 3), skin)))
    return probability_above(-share, -HAND_COVER[0], HAND_COVER[1])
