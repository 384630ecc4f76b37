"""The cheap attribute estimators (vision/appearance.py) on clear cases in real photos.

Each case was checked by eye (labels in tests/data/labels/attributes.json); the full labelled
set is scored by benchmarks/evaluate_attributes.py. Masked and cut-off faces are made here, at
test time, from the committed public-domain astronaut and insightface's mask texture.
"""

from __future__ import annotations

import dataclasses
from functools import cache

import cv2
import numpy as np
import pytest

from moto_rekognition_faces.vision import appearance, iris, landmarks, pipeline
from moto_rekognition_faces.vision.appearance import Appearance, Cues
from tests.support.assets import asset_path
from tests.support.covers import masked


@cache
def photo(name: str) -> np.ndarray:
    image = cv2.imread(str(asset_path(name)), cv2.IMREAD_COLOR)
    assert image is not None, name
    return image


@cache
def video_frame(index: int) -> np.ndarray:
    capture = cv2.VideoCapture(str(asset_path("single_face_video")))
    try:
        for _ in range(index + 1):
            ok, frame = capture.read()
            assert ok, f"single_face_video has no frame {index}"
    finally:
        capture.release()
    return frame


def faces_in(image: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """(106 points, box) of every face, largest first."""
    return [(landmarks.predict(image, d), d.box) for d in pipeline.find_faces(image)]


def largest(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    found = faces_in(image)
    assert found, "no face found"
    return found[0]


def judge(image: np.ndarray, face: tuple[np.ndarray, np.ndarray] | None = None) -> Appearance:
    points, box = face if face is not None else largest(image)
    gaze = iris.predict(image, points)  # EyesOpen reads the iris model's lids, as the pipeline
    return appearance.estimate(image, points, box, iris_openness=iris.openness(gaze))


# --------------------------------------------------------------------------- clear cases


def test_astronaut_smiles_with_open_eyes_and_no_beard() -> None:
    result = judge(photo("astronaut"))
    assert result.smile[0] and result.smile[1] > 90
    assert result.eyes_open[0] and result.eyes_open[1] > 90
    assert not result.beard[0] and result.beard[1] > 80
    assert not result.mustache[0]
    assert not result.eyeglasses[0] and not result.sunglasses[0]
    assert not result.face_occluded[0]


def test_grace_hopper_wears_eyeglasses_not_sunglasses() -> None:
    result = judge(photo("grace_hopper"))
    assert result.eyeglasses[0] and result.eyeglasses[1] > 70
    assert not result.sunglasses[0] and result.sunglasses[1] > 80
    assert not result.smile[0]
    assert not result.face_occluded[0]


def test_the_man_on_the_left_of_multi_face_wears_sunglasses() -> None:
    image = photo("multi_face")
    faces = faces_in(image)
    left_man = min(faces, key=lambda face: face[1][0])
    result = judge(image, left_man)
    assert result.sunglasses[0] and result.sunglasses[1] > 90
    assert result.eyeglasses[0], "Rekognition reports sunglasses as eyeglasses too"
    assert result.face_occluded[0], "AWS counts dark sunglasses as an occlusion"
    # His eyes are behind dark lenses: the estimate must not claim to know.
    assert result.eyes_open[1] < 75
    for other in faces:
        if other is not left_man:
            assert not judge(image, other).sunglasses[0]


def face_at(image: np.ndarray, box: tuple[int, int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(106 points, box) of the detected face whose box is nearest ``box`` (x1, y1, x2, y2)."""
    detection = min(
        pipeline.find_faces(image), key=lambda d: float(np.abs(d.box - np.array(box)).sum())
    )
    assert np.abs(detection.box - np.array(box)).max() < 10, detection.box
    return landmarks.predict(image, detection), detection.box


def test_dark_aviators_in_a_crowd_are_sunglasses_but_clear_round_glasses_are_not() -> None:
    image = photo("selfie_crowd")
    aviators = judge(image, face_at(image, (1853, 945, 1933, 1033)))
    assert aviators.sunglasses[0] and aviators.sunglasses[1] > 90
    assert aviators.eyeglasses[0] and aviators.face_occluded[0]
    clear = judge(image, face_at(image, (862, 797, 969, 912)))
    assert clear.eyeglasses[0] and not clear.sunglasses[0] and not clear.face_occluded[0]
    bare = judge(image, face_at(image, (1134, 868, 1278, 1058)))
    assert not bare.eyeglasses[0] and not bare.sunglasses[0]


def test_bearded_man_has_a_beard_and_a_mustache() -> None:
    result = judge(photo("bearded_alpha"))
    assert result.beard[0] and result.beard[1] > 60
    assert result.mustache[0]
    assert result.mouth_open[0] and result.smile[0]


def test_video_blink_frame_has_closed_eyes_and_open_frames_do_not() -> None:
    blink = judge(video_frame(27))
    assert not blink.eyes_open[0] and blink.eyes_open[1] > 90
    for index in (0, 40):
        assert judge(video_frame(index)).eyes_open[0]


def test_video_neutral_and_smiling_frames() -> None:
    neutral, smiling = judge(video_frame(0)), judge(video_frame(40))
    assert not neutral.smile[0] and not neutral.mouth_open[0]
    assert smiling.smile[0] and smiling.mouth_open[0]


def test_a_masked_face_is_occluded_and_its_mouth_evidence_is_discounted() -> None:
    image = photo("astronaut")
    points, _ = largest(image)
    covered = masked(image, points, photo("mask_blue"))
    result = judge(covered)
    assert result.face_occluded[0] and result.face_occluded[1] > 90
    bare = judge(image)
    assert result.smile[1] < bare.smile[1]
    assert result.mouth_open[1] < bare.mouth_open[1]
    assert not result.beard[0]


def test_a_white_mask_is_occluded_too() -> None:
    image = photo("single_face")
    points, _ = largest(image)
    result = judge(masked(image, points, photo("mask_white")))
    assert result.face_occluded[0] and result.face_occluded[1] > 90


def test_a_face_cut_by_the_image_edge_is_occluded() -> None:
    image = photo("astronaut")
    points, _ = largest(image)
    eyes_y = (points[38, 1] + points[88, 1]) / 2
    cut = image[: int(eyes_y + 0.5 * (points[0, 1] - eyes_y))].copy()  # mouth out of frame
    assert judge(cut).face_occluded[0]
    assert not judge(image).face_occluded[0]


def test_unmasked_faces_in_group_photos_are_not_occluded() -> None:
    for name in ("t1", "multi_face"):
        image = photo(name)
        for face in faces_in(image):
            result = judge(image, face)
            if not result.sunglasses[0]:
                assert not result.face_occluded[0], name


# --------------------------------------------------------------------------- confidences


def test_confidence_follows_the_evidence_for_eyes() -> None:
    """Open, half-closed and closed frames of one video: the closer to the threshold, the
    lower the confidence."""
    wide, half, shut = (judge(video_frame(i)).eyes_open for i in (0, 25, 27))
    assert wide[0] and half[0] and not shut[0]
    assert wide[1] > half[1]
    assert len({wide[1], half[1], shut[1]}) == 3


def test_probabilities_rise_with_their_cue() -> None:
    base = appearance.measure(photo("astronaut"), largest(photo("astronaut"))[0])

    def rising(function, field: str, values: list[float]) -> None:
        probabilities = [function(dataclasses.replace(base, **{field: v})) for v in values]
        assert probabilities == sorted(probabilities), (field, probabilities)
        assert probabilities[0] < 0.5 < probabilities[-1], (field, probabilities)

    rising(appearance.eyes_open, "eye_openness", [0.05, 0.12, 0.16, 0.19, 0.25, 0.4])
    rising(appearance.mouth_open, "mouth_gap", [0.0, 0.05, 0.1, 0.12, 0.2, 0.35])
    rising(appearance.sunglasses, "lens_darkness", [0.0, 0.3, 0.45, 0.5, 0.7, 0.95])
    rising(appearance.beard, "lower_face_darkness", [-0.5, 0.0, 0.4, 0.6, 0.8, 1.2])
    rising(appearance.mustache, "lip_band_darkness", [-0.3, 0.0, 0.15, 0.22, 0.3, 0.6])
    rising(appearance.smile, "mouth_width", [0.6, 0.8, 0.9, 1.0, 1.1, 1.3])
    neutral = dataclasses.replace(base, corner_lift=0.0)
    smiles = [appearance.smile(dataclasses.replace(neutral, mouth_width=w)) for w in (0.8, 1.3)]
    assert smiles[0] < smiles[1]


def test_verdict_reports_the_probability_of_the_stated_value_under_a_ceiling() -> None:
    assert appearance.verdict(0.8) == (True, 80.0)
    assert appearance.verdict(0.2) == (False, 80.0)
    assert appearance.verdict(0.5)[1] == 50.0
    assert appearance.verdict(0.9999, ceiling=0.95) == (True, 95.0)
    assert appearance.verdict(0.0001, ceiling=0.92) == (False, 92.0)


def test_happy_probability_is_blended_into_smile() -> None:
    image = photo("grace_hopper")
    points, box = largest(image)
    cues = appearance.measure(image, points)
    alone = appearance.smile(cues)
    assert appearance.smile(cues, happy=1.0) > alone
    assert appearance.smile(cues, happy=0.0) <= alone
    assert (
        appearance.estimate(image, points, box, happy=1.0).smile[1]
        != (appearance.estimate(image, points, box).smile[1])
    )


def test_a_turned_head_gets_less_confident_texture_cues() -> None:
    cues = appearance.measure(photo("astronaut"), largest(photo("astronaut"))[0])
    dark_chin = dataclasses.replace(cues, lower_face_darkness=0.9)
    assert appearance.beard(dataclasses.replace(dark_chin, yaw=60.0)) < appearance.beard(
        dataclasses.replace(dark_chin, yaw=0.0)
    )


# --------------------------------------------------------------------------- robustness


def test_mirrored_photo_gives_the_same_answers() -> None:
    for name in ("astronaut", "grace_hopper", "bearded_alpha"):
        image = photo(name)
        original = judge(image).as_dict()
        mirrored = judge(np.ascontiguousarray(image[:, ::-1])).as_dict()
        assert {k: v[0] for k, v in original.items()} == {k: v[0] for k, v in mirrored.items()}


def test_greyscale_photo_is_answered_with_colour_cues_silent() -> None:
    result = judge(photo("camera"))
    cues = appearance.measure(photo("camera"), largest(photo("camera"))[0])
    assert isinstance(cues, Cues) and not cues.colour and np.isnan(cues.skin_coverage)
    assert not result.face_occluded[0] and result.face_occluded[1] <= 70.0
    assert not result.sunglasses[0] and not result.smile[0]


def test_every_answer_is_a_boolean_with_a_confidence_from_50_to_100() -> None:
    image = photo("t1")
    for face in faces_in(image):
        for name, (value, confidence) in judge(image, face).as_dict().items():
            assert isinstance(value, bool), name
            assert 50.0 <= confidence <= 100.0, (name, confidence)


@pytest.mark.parametrize("name", ["astronaut", "gdp", "players"])
def test_estimates_are_cheap(name: str) -> None:
    """No model runs here: a face costs a few milliseconds (generous bound for busy CI)."""
    import time

    image = photo(name)
    found = faces_in(image)[:5]
    start = time.perf_counter()
    for points, box in found:
        appearance.estimate(image, points, box)
    assert (time.perf_counter() - start) / len(found) < 0.1
