"""MediaPipe face mesh: 468 points per face, and the 106-point layout the estimators read.

The mesh model (``face_landmark.onnx``, Apache-2.0) sees a square crop at 192 px, RGB in [0, 1].
MediaPipe cuts it from its own BlazeFace box scaled 1.5 with the eyes levelled; RetinaFace's box
is taller (it includes the forehead), so the crop here is 1.3 × the box's larger side, centred
0.05 of a side below the box centre (towards the chin) and rotated by the roll of the detector's
eye line. On 41
real faces those two constants gave the closest agreement with 2d106det (1.2-1.5 and shifts of
±0.05 were tried; all within 0.01 inter-ocular distance of each other).

Everything downstream (the 30 Rekognition landmarks, the age/gender chip, the iris eye crops, the
appearance estimators, PPE) reads the 106-point layout of insightface's 2d106det, by index.
``MESH_TO_106`` gives each of those 106 points from the mesh: vertex ``a`` moved the fraction
``t`` towards vertex ``b``. The pair and fraction of each point are the ones that, among the 10
mesh vertices nearest to it, landed closest to 2d106det's point over the 41 real faces of the
test photos and video (error in units of the eye-centre distance). Held out (fitted on half the
faces, measured on the other half) the layout is 0.047 of that distance from 2d106det's on
average (median 0.034): eyes 0.029, nose 0.029, mouth 0.031, brows 0.047, jaw contour 0.074
(the jaw line is the least defined point set in both models). Fitting on all faces changes the
error by less than 0.002, so the table generalises rather than memorises.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from . import models
from .results import Detection

WEIGHTS = "face_landmark.onnx"
INPUT_SIZE = 192
CROP_SCALE = 1.3  # crop side / larger side of the RetinaFace box
CROP_DROP = 0.05  # crop centre below the box centre (towards the chin), in crop sides
POINTS = 468

# 106-layout index → (a, b, t): mesh vertex a moved the fraction t towards vertex b.
MESH_TO_106: tuple[tuple[int, int, float], ...] = (
    (152, 152, 0.00), (162, 34, 0.25), (172, 138, 0.44), (136, 138, 0.23),  # 0-3 jaw
    (136, 150, 0.46), (150, 149, 0.25), (149, 176, 0.23), (176, 148, 0.21),  # 4-7
    (148, 152, 0.12), (162, 227, 0.47), (227, 127, 0.43), (227, 137, 0.27),  # 8-11
    (137, 234, 0.10), (177, 137, 0.39), (177, 215, 0.27), (215, 132, 0.05),  # 12-15
    (215, 172, 0.44), (356, 251, 0.46), (365, 435, 0.40), (365, 397, 0.19),  # 16-19
    (379, 365, 0.46), (379, 378, 0.34), (378, 400, 0.30), (400, 377, 0.25),  # 20-23
    (377, 152, 0.16), (389, 447, 0.44), (264, 454, 0.45), (447, 323, 0.21),  # 24-27
    (366, 454, 0.11), (401, 447, 0.21), (401, 435, 0.28), (435, 288, 0.04),  # 28-31
    (397, 435, 0.54), (145, 163, 0.12), (159, 145, 0.47), (33, 25, 0.23),  # 32 jaw; 33-42 eye
    (163, 144, 0.31), (153, 173, 0.13), (159, 145, 0.47), (26, 190, 0.47),  # 36-39
    (158, 160, 0.38), (159, 33, 0.48), (158, 133, 0.30), (70, 124, 0.19),  # 40-42; 43-51 brow
    (46, 52, 0.44), (52, 222, 0.29), (55, 56, 0.18), (65, 221, 0.30),  # 44-47
    (105, 71, 0.35), (104, 222, 0.50), (107, 193, 0.23), (66, 107, 0.35),  # 48-51
    (61, 57, 0.08), (83, 315, 0.50), (179, 88, 0.52), (106, 95, 0.46),  # 52-55 mouth
    (182, 85, 0.49), (403, 310, 0.26), (375, 405, 0.43), (404, 313, 0.42),  # 56-59
    (87, 316, 0.45), (291, 409, 0.11), (13, 15, 0.04), (82, 167, 0.43),  # 60-63
    (39, 191, 0.43), (62, 77, 0.11), (81, 42, 0.44), (267, 0, 0.22),  # 64-67
    (269, 415, 0.32), (407, 292, 0.49), (311, 272, 0.28), (72, 267, 0.48),  # 68-71
    (417, 189, 0.40), (419, 245, 0.37), (236, 456, 0.49), (244, 193, 0.20),  # 72-75 nose
    (209, 198, 0.40), (64, 129, 0.40), (240, 60, 0.15), (99, 141, 0.10),  # 76-79
    (2, 164, 0.09), (464, 417, 0.31), (420, 429, 0.47), (294, 331, 0.48),  # 80-83
    (305, 460, 0.39), (328, 250, 0.25), (4, 354, 0.13), (374, 385, 0.10),  # 84-86; 87-96 eye
    (385, 373, 0.35), (382, 463, 0.33), (362, 374, 0.48), (373, 388, 0.23),  # 88-91
    (385, 373, 0.35), (249, 467, 0.20), (386, 385, 0.50), (384, 385, 0.15),  # 92-95
    (387, 373, 0.02), (285, 441, 0.11), (295, 441, 0.32), (282, 442, 0.34),  # 96; 97-105 brow
    (283, 443, 0.18), (276, 300, 0.37), (336, 417, 0.22), (296, 336, 0.42),  # 100-103
    (334, 296, 0.48), (293, 334, 0.44),  # 104-105
)  # fmt: skip
_FROM = np.array([a for a, _, _ in MESH_TO_106])
_TOWARDS = np.array([b for _, b, _ in MESH_TO_106])
_FRACTION = np.array([t for _, _, t in MESH_TO_106])[:, None]


@dataclass
class Mesh:
    """One face's mesh, in image pixels."""

    points: np.ndarray  # (468, 3): x, y in image pixels; z depth (smaller is nearer), same scale
    presence: float  # 0..1: the model's belief that its crop held a face


def crop_transform(detection: Detection) -> np.ndarray:
    """2×3 affine map from image pixels to the model's 192 × 192 input, eyes level."""
    x1, y1, x2, y2 = (float(v) for v in detection.box[:4])
    left_eye, right_eye = np.asarray(detection.points5[:2], np.float64)
    roll = np.arctan2(right_eye[1] - left_eye[1], right_eye[0] - left_eye[0])
    side = max(x2 - x1, y2 - y1, 1e-6) * CROP_SCALE
    down = np.array([-np.sin(roll), np.cos(roll)])  # towards the chin, in the image
    centre = np.array([(x1 + x2) / 2, (y1 + y2) / 2]) + down * CROP_DROP * side
    scale = INPUT_SIZE / side
    cos, sin = np.cos(roll) * scale, np.sin(roll) * scale
    matrix = np.array([[cos, sin, 0.0], [-sin, cos, 0.0]])
    matrix[:, 2] = INPUT_SIZE / 2 - matrix[:, :2] @ centre
    return matrix


def predict_many(image_bgr: np.ndarray, detections: list[Detection]) -> list[Mesh]:
    """The mesh of every face (the converted model takes one crop per run)."""
    session = models.session(WEIGHTS) if detections else None
    meshes = []
    for detection in detections:
        matrix = crop_transform(detection)
        crop = cv2.warpAffine(image_bgr, matrix, (INPUT_SIZE, INPUT_SIZE), borderValue=0.0)
        blob = np.ascontiguousarray(crop[None, :, :, ::-1], np.float32) / 255.0
        raw, logit = session.run(None, {"input_1": blob})
        points = raw.reshape(POINTS, 3).astype(np.float64)
        inverse = cv2.invertAffineTransform(matrix)
        image_points = np.empty_like(points)
        image_points[:, :2] = points[:, :2] @ inverse[:, :2].T + inverse[:, 2]
        image_points[:, 2] = points[:, 2] * np.hypot(*inverse[0, :2])  # crop px → image px
        presence = float(1.0 / (1.0 + np.exp(-float(np.ravel(logit)[0]))))
        meshes.append(Mesh(image_points, presence))
    return meshes


def layout106(points: np.ndarray) -> np.ndarray:
    """The 106-point (2d106det) layout, (106, 2), from mesh points (468, 2 or 3)."""
    xy = np.asarray(points, np.float64)[:, :2]
    return xy[_FROM] + _FRACTION * (xy[_TOWARDS] - xy[_FROM])
