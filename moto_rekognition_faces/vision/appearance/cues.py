"""The raw measurements every appearance estimate is made from, and how a cue becomes a
probability and a ``(value, confidence)`` verdict."""

from __future__ import annotations

import math
from dataclasses import dataclass

Verdict = tuple[bool, float]


@dataclass(frozen=True)
class Cues:
    """The raw measurements every estimate is made from (all in the canonical frame)."""

    eye_openness: float  # lid gap / eye width at the eye centre, mean of both eyes
    mouth_gap: float  # inner-lip gap / mouth width
    corner_lift: float  # mouth corners above the outer-lip midline, / mouth width
    mouth_width: float  # mouth width / inter-ocular distance
    lens_darkness: float  # share of dark pixels over the lens area, of the lighter eye
    bridge_line: float  # contrast of a thin horizontal line across the nose bridge
    rim_line: float  # strength of a continuous line round the lower half of the eyes
    lower_face_darkness: float  # chin and lower jaws darker than the skin (0 = as bright)
    lip_band_darkness: float  # 1 - brightness between the nose and the upper lip / skin
    skin_coverage: float  # share of the skin round the mouth with the nose bridge's colour
    outside: float  # share of the eye, nose and mouth points outside the image
    yaw: float  # degrees, from the 5 key points
    colour: bool  # False for greyscale photos (skin_coverage is then nan)


YAW_TRUSTED = 30.0  # beyond this |yaw| the texture and colour regions slide off the face


def probability_above(value: float, threshold: float, width: float) -> float:
    """Logistic probability that ``value`` lies above ``threshold``."""
    if not math.isfinite(value):
        return 0.5
    z = max(-30.0, min(30.0, (value - threshold) / width))
    return 1.0 / (1.0 + math.exp(-z))


def shrink(p: float, trust: float) -> float:
    """Pull a probability towards 0.5 in log-odds by ``trust`` (1 = keep, 0 = no evidence)."""
    p = min(max(p, 1e-9), 1 - 1e-9)
    logit = math.log(p / (1 - p)) * max(0.0, min(1.0, trust))
    return 1.0 / (1.0 + math.exp(-logit))


def verdict(p: float, ceiling: float = 0.99) -> Verdict:
    """``(value, confidence)``: value is p ≥ 0.5, confidence the probability of that value.

    ``ceiling`` caps the confidence at what the estimator has earned on labelled faces: a cheap
    cue that was right on about 95 % of them does not get to claim 99.9.
    """
    p = min(max(p, 1.0 - ceiling), ceiling)
    value = p >= 0.5
    return value, round(100.0 * (p if value else 1.0 - p), 3)


def pose_trust(cues: Cues) -> float:
    return 1.0 - min(max(abs(cues.yaw) - YAW_TRUSTED, 0.0) / 30.0, 0.8)
