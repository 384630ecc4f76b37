"""Beard and mustache: chin, jaws and upper lip darker than the skin of nose and cheeks."""

from __future__ import annotations

import numpy as np

from .. import profiles
from .cues import Cues, pose_trust, probability_above, shrink
from .frame import (
    IOD,
    LEFT_JAW_BAND,
    RIGHT_JAW_BAND,
    FaceFrame,
    box_pixels,
    median_or,
    polygon_mask,
)

# Per landmark model (the profile's ``landmarks``): the face mesh's jaw line runs along the
# silhouette, a little outside 2d106det's, so its chin and jaw regions take in more skin and
# beards measure lower (0.61-0.94 against 0.68-1.1); frontal shaven faces stay below 0.45.
BEARD = {
    "face_mesh": (0.53, 0.07),  # lower_face_darkness: shaven -1.5-0.45, full beards 0.61-0.94
    "2d106det": (0.58, 0.08),  # shaven -0.8-0.47, full beards 0.68-1.1
}


MUSTACHE = (0.215, 0.04)  # lip_band_darkness: bare -0.5-0.26, dark mustaches 0.21-0.58


def lower_face_darkness(frame: FaceFrame, skin: float) -> float:
    """How much darker than the skin the chin and both lower jaws are (beards are darker).

    Two parts, added: 1 − median brightness of the chin over the skin's, and the same for the
    lower cheeks beside the mouth, taking the brighter (less bearded) side. A shadow under the
    lip darkens the chin alone, side light darkens one jaw; a beard darkens all three. Regions
    are eroded so that neither the lips' edges nor the neck or background beyond the jaw count.
    """
    q, lightness = frame.points, frame.lab[..., 0]
    shrink = int(0.06 * IOD)
    chin = np.vstack([q[[4, 5, 6, 7, 8, 0, 24, 23, 22]], q[[61, 59, 53, 56, 52]]])
    parts = [median_or(lightness[polygon_mask(lightness.shape, chin, shrink)], default=skin)]
    jaws = []
    for side in (LEFT_JAW_BAND, RIGHT_JAW_BAND):
        jaws.append(
            median_or(lightness[polygon_mask(lightness.shape, q[side], shrink)], default=skin)
        )
    parts.append(max(jaws))
    return float(sum(1.0 - part / max(skin, 1.0) for part in parts))


def lip_band_darkness(frame: FaceFrame, skin: float) -> float:
    """1 − median brightness between the nose base and the upper lip over the skin's."""
    q = frame.points
    height = q[71, 1] - q[80, 1]
    inset = 0.15 * (q[61, 0] - q[52, 0])
    band = box_pixels(
        frame.lab[..., 0],
        q[52, 0] + inset,
        q[80, 1] + 0.25 * height,
        q[61, 0] - inset,
        q[71, 1] - 0.05 * height,
    )
    return 1.0 - median_or(band, default=skin) / max(skin, 1.0)


def beard(cues: Cues, masked: float = 0.0) -> float:
    """P(beard) from chin and lower jaws darker than the nose and cheeks (see measure()).

    Hidden under a mask or turned away, the evidence is discounted towards "no beard seen".
    """
    p = probability_above(cues.lower_face_darkness, *BEARD[profiles.active().landmarks])
    return shrink(p, pose_trust(cues) * (1.0 - masked))


def mustache(cues: Cues, masked: float = 0.0) -> float:
    """P(mustache) from the band between the nose and the upper lip darker than the skin."""
    p = probability_above(cues.lip_band_darkness, *MUSTACHE)
    return shrink(p, pose_trust(cues) * (1.0 - masked))
