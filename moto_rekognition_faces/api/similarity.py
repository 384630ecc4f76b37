"""ArcFace cosine → Rekognition's 0–100 ``Similarity``, by a calibrated logistic curve.

Raw cosine is not a similarity score: two photos of one person often give only 0.5–0.6 while
strangers mostly stay below 0.25 (the highest seen: 0.34). The curve's midpoint and slope were
fitted on genuine and impostor pairs of real photos (Firth-penalised logistic regression; see
docs/CALIBRATION.md, reproduced by benchmarks/calibrate_similarity.py). Similarity 80 falls at
cosine 0.41, 90 at 0.43 and 99 at 0.51.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np

T = TypeVar("T")

MIDPOINT = 0.36  # cosine that maps to Similarity 50
SLOPE = 30.0  # logistic steepness per unit of cosine


def from_cosine(cosine: np.ndarray | float) -> np.ndarray:
    """Monotone map of cosine similarity onto 0..100."""
    values = np.asarray(cosine, np.float64)
    return 100.0 / (1.0 + np.exp(-SLOPE * (values - MIDPOINT)))


def at_least(hits: list[tuple[T, float]], threshold: float) -> list[tuple[T, float]]:
    """Search hits (item, cosine) → (item, Similarity), keeping Similarity >= threshold."""
    scored = ((item, float(from_cosine(cosine))) for item, cosine in hits)
    return [(item, score) for item, score in scored if score >= threshold]


def min_cosine(threshold: float) -> float:
    """The smallest cosine whose Similarity can reach ``threshold`` (the curve's inverse), a
    hair lower so that rounding never drops a match; -inf for 0, +inf for 100."""
    if threshold <= 0:
        return -np.inf
    if threshold >= 100:
        return np.inf
    return MIDPOINT - float(np.log(100.0 / threshold - 1.0)) / SLOPE - 1e-6
