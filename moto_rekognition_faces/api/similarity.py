"""Face-vector cosine → Rekognition's 0–100 ``Similarity``, by a calibrated logistic curve.

Raw cosine is not a similarity score: two photos of one person may give only 0.4–0.6 while
strangers stay lower. Each model profile has its own curve, its midpoint and slope fitted on
genuine and impostor pairs of real photos (Firth-penalised logistic regression; see
docs/CALIBRATION.md, reproduced by benchmarks/calibrate_similarity.py).
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np

from ..vision import profiles

T = TypeVar("T")


def _curve() -> tuple[float, float]:
    """(midpoint, slope) of the active profile's calibration."""
    profile = profiles.active()
    return profile.similarity_midpoint, profile.similarity_slope


def from_cosine(cosine: np.ndarray | float) -> np.ndarray:
    """Monotone map of cosine similarity onto 0..100."""
    midpoint, slope = _curve()
    values = np.asarray(cosine, np.float64)
    return 100.0 / (1.0 + np.exp(-slope * (values - midpoint)))


def reaches(score: float, threshold: float) -> bool:
    """Similarity >= threshold as AWS compares them: both as float32, the precision in which
    responses carry Similarity and requests carry thresholds, so that a Similarity read from a
    response and sent back as the threshold always selects that match again."""
    return bool(np.float32(score) >= np.float32(threshold))


def at_least(hits: list[tuple[T, float]], threshold: float) -> list[tuple[T, float]]:
    """Search hits (item, cosine) → (item, Similarity), keeping Similarity >= threshold."""
    scored = ((item, float(from_cosine(cosine))) for item, cosine in hits)
    return [(item, score) for item, score in scored if reaches(score, threshold)]


def min_cosine(threshold: float) -> float:
    """The smallest cosine whose Similarity can reach ``threshold`` (the curve's inverse), a
    hair lower so that rounding never drops a match; -inf for 0, +inf for 100."""
    if threshold <= 0:
        return -np.inf
    if threshold >= 100:
        return np.inf
    midpoint, slope = _curve()
    return midpoint - float(np.log(100.0 / threshold - 1.0)) / slope - 1e-6
