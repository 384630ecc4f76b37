"""Composes the models: detect, filter by Rekognition's size rules, then add what was asked for.

Only the work a request needs runs: DEFAULT pays for detection, pose and quality; the 106
landmarks, age and gender, emotions, gaze and the appearance estimators run only when asked for.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from .. import config
from . import (
    age_gender,
    appearance,
    detector,
    emotion,
    face_mesh,
    iris,
    landmarks,
    pose,
    profiles,
    quality,
)
from .results import Detection, FaceAnalysis, Needs, Quality

MAX_FACES = 100
REFERENCE_SIZE = (1920, 1080)
REFERENCE_MIN_FACE = 40.0
DETECTOR_MIN_FACE = 8.0  # boxes smaller than this are below what the detector resolves
# A face at least this large in a reduced decode keeps its sharpness within about 1.5 points
# (of 100) of the full decode's; smaller faces are measured on the full pixels.
REDUCED_QUALITY_MIN_SIDE = 256


def min_face_size(width: int, height: int) -> float:
    """Rekognition's minimum face side in pixels for an image of this size.

    AWS documents 40 px at 1920 × 1080, growing in proportion for larger images, and states no
    minimum for smaller ones; there only the detector's own floor applies, so the small faces of a
    crowd photo are still found. The rule does not depend on orientation: a portrait photo
    (1080 × 1920, as phones take them) is as large as its landscape twin, so the long side is
    compared with 1920 and the short side with 1080.
    """
    long_side, short_side = max(width, height), min(width, height)
    factor = max(long_side / REFERENCE_SIZE[0], short_side / REFERENCE_SIZE[1])
    return REFERENCE_MIN_FACE * factor if factor >= 1.0 else DETECTOR_MIN_FACE


def find_faces(
    image_bgr: np.ndarray, max_faces: int = MAX_FACES, *, full_size: tuple[int, int] | None = None
) -> list[Detection]:
    """The largest faces (at most ``max_faces``), largest first, above the size minimum.

    ``full_size`` (width, height): the image ``image_bgr`` is a reduced decode of; the rules and
    the coordinates are then that image's.
    """
    height, width = image_bgr.shape[:2]
    minimum = min_face_size(*(full_size or (width, height)))
    found = [
        d
        for d in detector.detect(image_bgr, config.detection_max_side(), full_size=full_size)
        if min(d.width, d.height) >= minimum
    ]
    found.sort(key=lambda d: (-d.area, -d.score, float(d.box[0]), float(d.box[1])))
    return found[:max_faces]


def scaled(detection: Detection, sx: float, sy: float) -> Detection:
    """The detection in the coordinates of the same image resized by (sx, sy)."""
    if sx == 1.0 and sy == 1.0:
        return detection
    return Detection(
        box=detection.box * np.array([sx, sy, sx, sy]),
        score=detection.score,
        points5=detection.points5 * np.array([sx, sy]),
    )


def qualities(
    image_bgr: np.ndarray, found: list[Detection], reduction: Reduction | None
) -> list[Quality]:
    """Brightness and sharpness of each face (``found`` is in full-image coordinates)."""
    if reduction is None:
        return measure_quality(image_bgr, found)
    height, width = image_bgr.shape[:2]
    full_width, full_height = reduction.size
    local = [scaled(d, width / full_width, height / full_height) for d in found]
    large = [i for i, d in enumerate(local) if min(d.width, d.height) >= REDUCED_QUALITY_MIN_SIDE]
    small = [i for i in range(len(found)) if i not in large]
    measured = dict(zip(large, measure_quality(image_bgr, [local[i] for i in large]), strict=True))
    if small:
        at_full = measure_quality(reduction.full_pixels(), [found[i] for i in small])
        measured.update(zip(small, at_full, strict=True))
    return [measured[i] for i in range(len(found))]


def measure_quality(image_bgr: np.ndarray, detections: list[Detection]) -> list[Quality]:
    """``quality.measure`` of each face, converting to grey only the region around them."""
    grey, offset = grey_around(image_bgr, [d.box for d in detections])
    return [quality.measure(grey, shifted(d, offset)) for d in detections]


def grey_around(
    image_bgr: np.ndarray, boxes: list[np.ndarray]
) -> tuple[np.ndarray, tuple[int, int]]:
    """The greyscale of the smallest whole-pixel rectangle holding every box (quality reads no
    other pixel; converting a 10 MP photo for one face costs milliseconds) and its top-left
    corner (x, y), which ``shifted`` moves boxes by."""
    height, width = image_bgr.shape[:2]
    if not boxes:
        return np.zeros((0, 0), np.uint8), (0, 0)
    corners = np.array([box[:4] for box in boxes], np.float64)
    left = min(width, max(0, math.floor(corners[:, 0].min())))
    top = min(height, max(0, math.floor(corners[:, 1].min())))
    right = max(left, min(width, math.ceil(corners[:, 2].max())))
    bottom = max(top, min(height, math.ceil(corners[:, 3].max())))
    region = image_bgr[top:bottom, left:right]
    grey = cv2.cvtColor(region, cv2.COLOR_BGR2GRAY) if region.size else region[..., 0]
    return grey, (left, top)


def shifted(detection: Detection, offset: tuple[int, int]) -> Detection:
    """The detection in the coordinates of a crop whose top-left corner is ``offset``: whole
    pixels, so the box's floor and ceiling move by exactly that much."""
    left, top = offset
    if left == 0 and top == 0:
        return detection
    return Detection(
        box=detection.box - np.array([left, top, left, top], np.float64),
        score=detection.score,
        points5=detection.points5 - np.array([left, top], np.float64),
    )


def weight_files(needs: Needs) -> list[str]:
    """The weight files ``analyze`` runs for these needs, in the order it runs them."""
    files = [detector.WEIGHTS]
    if needs.any_dense:
        mesh = profiles.active().landmarks == "face_mesh"
        files.append(face_mesh.WEIGHTS if mesh else landmarks.WEIGHTS)
    if needs.age_gender:
        files += [age_gender.AGE_WEIGHTS, age_gender.GENDER_WEIGHTS]
    if needs.emotions:
        files.append(emotion.WEIGHTS)
    if needs.gaze:
        files.append(iris.WEIGHTS)
    return files


def detection_only(needs: Needs) -> bool:
    """Whether ``needs`` asks for nothing beyond detection, pose and quality: the only
    analysis that may run on a reduced decode (the other models crop faces at full size)."""
    return not any(vars(needs).values())


@dataclass(frozen=True)
class Reduction:
    """The pixels handed to ``analyze`` are a reduced decode of an image of ``size`` (width,
    height); ``full_pixels`` decodes the whole image, on demand."""

    size: tuple[int, int]
    full_pixels: Callable[[], np.ndarray]


def analyze(
    image_bgr: np.ndarray,
    needs: Needs | None = None,
    *,
    max_faces: int = MAX_FACES,
    reduction: Reduction | None = None,
) -> list[FaceAnalysis]:
    """Every reported face with pose and quality, plus what ``needs`` asks for.

    Each optional model runs once per request, on all faces of the image as one batch where
    the model allows it. With a ``reduction`` (detection-only needs), ``image_bgr`` is a reduced
    decode: results are in the full image's coordinates, and the quality of a face smaller than
    ``REDUCED_QUALITY_MIN_SIDE`` there is measured on the full pixels (sharpness depends on the
    resolution of the face: up to 14 points lower at half size for a 140-pixel face).
    """
    needs = needs or Needs()
    if reduction is not None and not detection_only(needs):
        raise ValueError("a reduced decode serves detection, pose and quality only")
    full_size = reduction.size if reduction is not None else None
    found = find_faces(image_bgr, max_faces, full_size=full_size)
    faces = [
        FaceAnalysis(detection=detection, pose=pose.estimate(detection.points5), quality=measured)
        for detection, measured in zip(found, qualities(image_bgr, found, reduction), strict=True)
    ]
    if not faces:
        return faces
    if needs.any_dense:
        dense = landmarks.predict_many(image_bgr, [face.detection for face in faces])
        for face, points in zip(faces, dense, strict=True):
            face.points106 = points
    points = [face.points106 for face in faces]
    if needs.age_gender:
        for face, result in zip(faces, age_gender.predict(image_bgr, points), strict=True):
            face.age_gender = result
    if needs.emotions:
        boxes = [face.detection.box for face in faces]
        for face, result in zip(faces, emotion.predict(image_bgr, boxes), strict=True):
            face.emotions = result
    if needs.gaze:
        for face, result in zip(faces, iris.predict_many(image_bgr, points), strict=True):
            face.gaze = result
    if needs.appearance:
        for face in faces:
            happy = face.emotions["HAPPY"] / 100.0 if face.emotions else None  # 0..1
            face.appearance = appearance.estimate(
                image_bgr,
                face.points106,
                face.detection.box,
                happy=happy,
                iris_openness=iris.openness(face.gaze) if face.gaze else None,
            )
    return faces
