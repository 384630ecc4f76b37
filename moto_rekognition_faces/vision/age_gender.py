"""Age and gender from dlib's age predictor and gender classifier (Cydral, CC0), in ONNX.

Both networks read a dlib-style face chip: the face warped by a similarity transform so that five
points (the outer and inner corners of both eyes and the base of the nose, taken here from the 106
dense landmarks) land on dlib's mean-face template, with dlib's default padding of 0.2. The age
network sees a 64 × 64 chip, the gender network a 32 × 32 one; both take RGB as
``(byte − channel mean) / 256``. All faces of an image go through each network in one batch.

The age network outputs 81 class probabilities (ages 0.25, 1, 2, … 80). The reported age is their
expectation. The range is the central 80 % of that distribution (10th to 90th percentile), widened
to at least ``expected ± (2 + 0.1 × expected)`` years because a single softmax is overconfident:
on real photos it often puts nearly all its mass on one or two classes. So an assured 30-year-old
gets about 25–35, an assured 60-year-old about 52–68, and an unsure one the model's own wider span.
The 0.1 × age growth follows the usual observation that age errors grow with age; it is a design
choice, not a measured error curve. ``high`` may exceed 80 (the last class), as a real age can.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from typing import Any

import cv2
import numpy as np

from . import models
from .align import similarity_transform

AGE_WEIGHTS = "age-v1.onnx"
GENDER_WEIGHTS = "gender-v1.onnx"
PARAMETERS = "age-gender-v1.json"

# dlib's get_face_chip_details() template for its 5-point shape predictor, in a unit square:
# image-right eye outer and inner corner, image-left eye outer and inner corner, nose base.
DLIB5_TEMPLATE = np.array(
    [
        [0.8595674595992, 0.2134981538014],
        [0.6460604764104, 0.2289674387677],
        [0.1205750620789, 0.2137274526848],
        [0.3340850613712, 0.2290642403242],
        [0.4901123135679, 0.6277975316475],
    ],
    np.float64,
)
# The same five points among the 106 dense landmarks (insightface 2d106det numbering).
DLIB5_FROM_106 = (93, 89, 35, 39, 80)

RANGE_QUANTILES = (0.10, 0.90)
MIN_HALF_WIDTH = 2.0  # years, plus MIN_HALF_WIDTH_PER_YEAR × expected age
MIN_HALF_WIDTH_PER_YEAR = 0.1


@dataclass(frozen=True)
class AgeGender:
    """Age (years) and gender of one face."""

    age: float  # expected age
    low: int  # lower end of the range, 0 <= low <= high
    high: int
    gender: str  # "Male" or "Female"
    gender_confidence: float  # 0..100


@dataclass(frozen=True)
class _Parameters:
    age_weights: np.ndarray  # (81,)
    age_size: int
    gender_size: int
    means_rgb: np.ndarray  # (3,)
    scale: float
    labels: tuple[str, str]  # column order of the gender output, lower case
    padding: float


@cache
def parameters() -> _Parameters:
    """The constants recorded next to the weights (age class weights, means, labels...)."""
    data: dict[str, Any] = json.loads(models.model_path(PARAMETERS).read_text(encoding="utf-8"))
    age_input, gender_input = data["age_input"], data["gender_input"]
    if age_input["normalization"] != gender_input["normalization"]:
        raise models.ModelFileError(f"{PARAMETERS}: the two networks normalise differently")
    labels = tuple(str(label).lower() for label in data["gender_labels"])
    if sorted(labels) != ["female", "male"]:
        raise models.ModelFileError(f"{PARAMETERS}: unexpected gender labels {labels}")
    return _Parameters(
        age_weights=np.asarray(data["age_weights"], np.float64),
        age_size=int(age_input["shape"][-1]),
        gender_size=int(gender_input["shape"][-1]),
        means_rgb=np.asarray(age_input["normalization"]["means"], np.float32),
        scale=float(age_input["normalization"]["scale"]),
        labels=(labels[0], labels[1]),
        padding=float(data["preprocessing"]["face_chip_padding"]),
    )


def chip_transform(points106: np.ndarray, size: int, padding: float = 0.2) -> np.ndarray:
    """2×3 map from image pixels to a dlib-style ``size`` × ``size`` face chip."""
    target = (padding + DLIB5_TEMPLATE) / (2 * padding + 1) * size
    source = np.asarray(points106, np.float64)[list(DLIB5_FROM_106)]
    return similarity_transform(source, target)


def warp_antialiased(
    image: np.ndarray,
    matrix: np.ndarray,
    size: int,
    border: int = cv2.BORDER_CONSTANT,
) -> np.ndarray:
    """``cv2.warpAffine`` to ``size`` × ``size`` that does not alias when shrinking a lot.

    Like dlib's ``extract_image_chip``: while the map shrinks by more than 2, the source is
    halved with a Gaussian pyramid first. Only the part of the image the output sees (plus a
    margin) is pyramided, so a small chip of a large photo stays cheap.
    """
    matrix = np.array(matrix, np.float64)
    scale = math.sqrt(abs(np.linalg.det(matrix[:, :2])))
    inverse = cv2.invertAffineTransform(matrix)
    corners = np.array([[0, 0], [size, 0], [0, size], [size, size]], np.float64)
    seen = corners @ inverse[:, :2].T + inverse[:, 2]
    margin = 4.0 / max(scale, 1e-6) + 4.0
    height, width = image.shape[:2]
    x0 = int(min(max(math.floor(seen[:, 0].min() - margin), 0), width))
    y0 = int(min(max(math.floor(seen[:, 1].min() - margin), 0), height))
    x1 = int(min(max(math.ceil(seen[:, 0].max() + margin), 0), width))
    y1 = int(min(max(math.ceil(seen[:, 1].max() + margin), 0), height))
    if border == cv2.BORDER_CONSTANT and (x1 - x0 < 1 or y1 - y0 < 1):
        return np.zeros((size, size, *image.shape[2:]), image.dtype)
    if x1 - x0 < 1 or y1 - y0 < 1:  # replicate the nearest edge pixel
        x0, y0 = min(max(x0, 0), width - 1), min(max(y0, 0), height - 1)
        x1, y1 = x0 + 1, y0 + 1
    patch = image[y0:y1, x0:x1]
    matrix[:, 2] += matrix[:, :2] @ np.array([x0, y0], np.float64)
    while scale < 0.5 and min(patch.shape[:2]) >= 4:
        patch = cv2.pyrDown(patch)  # output pixel i sits on input pixel 2i
        matrix[:, :2] *= 2.0
        scale *= 2.0
    return cv2.warpAffine(
        patch, matrix, (size, size), flags=cv2.INTER_LINEAR, borderMode=border, borderValue=0
    )


def _blob(chips_bgr: list[np.ndarray], params: _Parameters) -> np.ndarray:
    rgb = np.stack(chips_bgr)[..., ::-1].astype(np.float32)
    return np.ascontiguousarray(((rgb - params.means_rgb) * params.scale).transpose(0, 3, 1, 2))


def age_range(probabilities: np.ndarray, weights: np.ndarray) -> tuple[float, int, int]:
    """Expected age and the (low, high) range described in the module docstring."""
    p = np.clip(np.asarray(probabilities, np.float64), 0.0, None)
    p = p / max(float(p.sum()), 1e-12)
    expected = float(p @ weights)
    cumulative = np.cumsum(p)
    lo_q, hi_q = RANGE_QUANTILES
    q_low = float(weights[min(int(np.searchsorted(cumulative, lo_q)), len(weights) - 1)])
    q_high = float(weights[min(int(np.searchsorted(cumulative, hi_q)), len(weights) - 1)])
    half = MIN_HALF_WIDTH + MIN_HALF_WIDTH_PER_YEAR * expected
    low = max(0, math.floor(min(q_low, expected - half)))
    high = max(low, math.ceil(max(q_high, expected + half)))
    return expected, low, high


def predict(image_bgr: np.ndarray, points106_list: list[np.ndarray]) -> list[AgeGender]:
    """Age and gender of each face, given its 106 landmarks, in the same order."""
    if len(points106_list) == 0:
        return []
    params = parameters()
    age_chips, gender_chips = [], []
    for points in points106_list:
        age_chips.append(
            warp_antialiased(
                image_bgr, chip_transform(points, params.age_size, params.padding), params.age_size
            )
        )
        gender_chips.append(
            warp_antialiased(
                image_bgr,
                chip_transform(points, params.gender_size, params.padding),
                params.gender_size,
            )
        )
    age_session = models.session(AGE_WEIGHTS)
    gender_session = models.session(GENDER_WEIGHTS)
    ages = age_session.run(None, {age_session.get_inputs()[0].name: _blob(age_chips, params)})[0]
    genders = gender_session.run(
        None, {gender_session.get_inputs()[0].name: _blob(gender_chips, params)}
    )[0]
    male_column = params.labels.index("male")
    results = []
    for age_p, gender_p in zip(ages, genders, strict=True):
        expected, low, high = age_range(age_p, params.age_weights)
        p_male = float(gender_p[male_column]) / max(float(gender_p.sum()), 1e-12)
        male = p_male > 0.5
        results.append(
            AgeGender(
                age=expected,
                low=low,
                high=high,
                gender="Male" if male else "Female",
                gender_confidence=100.0 * (p_male if male else 1.0 - p_male),
            )
        )
    return results
