"""Composes the models: detect, filter by Rekognition's size rules, then add what was asked for.

Only the work a request needs runs: DEFAULT pays for detection, pose and quality; the 106
landmarks, age and gender, emotions, gaze and the appearance estimators run only when asked for.
"""

from __future__ import annotations

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
from .results import Detection, FaceAnalysis, Needs

MAX_FACES = 100
REFERENCE_SIZE = (1920, 1080)
REFERENCE_MIN_FACE = 40.0
DETECTOR_MIN_FACE = 8.0  # boxes smaller than this are below what the detector resolves


def min_face_size(width: int, height: int) -> float:
    """Rekognition's minimum face side in pixels for an image of this size.

    AWS documents 40 px at 1920 × 1080, growing in proportion for larger images, and states no
    minimum for smaller ones; there only the detector's own floor applies, so the small faces of a
    crowd photo are still found.
    """
    factor = max(width / REFERENCE_SIZE[0], height / REFERENCE_SIZE[1])
    return REFERENCE_MIN_FACE * factor if factor >= 1.0 else DETECTOR_MIN_FACE


def find_faces(image_bgr: np.ndarray, max_faces: int = MAX_FACES) -> list[Detection]:
    """The largest faces (at most ``max_faces``), largest first, above the size minimum."""
    height, width = image_bgr.shape[:2]
    minimum = min_face_size(width, height)
    found = [
        d
        for d in detector.detect(image_bgr, config.detection_max_side())
        if min(d.width, d.height) >= minimum
    ]
    found.sort(key=lambda d: (-d.area, -d.score, float(d.box[0]), float(d.box[1])))
    return found[:max_faces]


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


def analyze(
    image_bgr: np.ndarray, needs: Needs | None = None, *, max_faces: int = MAX_FACES
) -> list[FaceAnalysis]:
    """Every reported face with pose and quality, plus what ``needs`` asks for.

    Each optional model runs once per request, on all faces of the image as one batch where
    the model allows it.
    """
    needs = needs or Needs()
    grey = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY)
    faces = [
        FaceAnalysis(
            detection=detection,
            pose=pose.estimate(detection.points5),
            quality=quality.measure(grey, detection),
        )
        for detection in find_faces(image_bgr, max_faces)
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
