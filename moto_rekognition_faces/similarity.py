"""ArcFace cosine → Rekognition's 0–100 ``Similarity``, by a calibrated logistic curve.

Raw cosine is not a similarity score: two photos of one person often give only 0.5–0.6 while
strangers stay near 0–0.25. The curve's midpoint and slope were fitted on genuine and impostor
pairs of real photos (docs/CALIBRATION.md, reproduced by benchmarks/calibrate_similarity.py).
"""

from __future__ import annotations

import numpy as np

MIDPOINT = 0.31  # cosine that maps to Similarity 50
SLOPE = 20.0  # logistic steepness per unit of cosine


def from_cosine(cosine: np.ndarray | float) -> np.ndarray:
    """Monotone map of cosine similarity onto 0..100."""
    values = np.asarray(cosine, np.float64)
    return 100.0 / (1.0 + np.exp(-SLOPE * (values - MIDPOINT)))
