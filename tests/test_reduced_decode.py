"""A DEFAULT DetectFaces on a large JPEG decodes it at reduced size: the answers must stay those
of a full decode (within the small differences measured on real photos), orientation must still
be honoured, and the result cache must never hand one path's answer to the other."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import cv2
import numpy as np
import pytest
from moto import mock_aws

from moto_rekognition_faces.api import serialize
from moto_rekognition_faces.inputs import images
from moto_rekognition_faces.inputs.image_headers import ImageHeader
from moto_rekognition_faces.vision import cache, pipeline
from moto_rekognition_faces.vision.results import Needs
from tests.conftest import REGION, photo
from tests.support.images import jpeg_with_exif_orientation

SIDE_VARIABLE = "MOTO_REKOGNITION_FACES_DETECTION_MAX_SIDE"
# 1920-pixel photos with a 640-pixel detector input decode at 1/2 (1/4 with 480).
REAL_PHOTOS = ("family", "group_of_five", "breakingbad", "obama_standing", "laughing_hands")


@pytest.fixture
def rekognition(aws_credentials: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("MOTO_REKOGNITION_FACES_CACHE", "off")
    with mock_aws():
        yield boto3.client("rekognition", region_name=REGION)


def full_decode_answer(data: bytes) -> list[dict[str, Any]]:
    """What DetectFaces DEFAULT answered before reduced decoding: the pipeline on all pixels."""
    pixels = images.decode(data)
    height, width = pixels.shape[:2]
    return [serialize.face_detail(f, width, height) for f in pipeline.analyze(pixels)]


def enlarged(name: str, factor: int) -> bytes:
    """A real photo enlarged (so it is large enough to be decoded at reduced size)."""
    pixels = cv2.imdecode(np.frombuffer(photo(name), np.uint8), cv2.IMREAD_COLOR)
    big = cv2.resize(pixels, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    return cv2.imencode(".jpg", big, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()


def box_pixels(face: dict[str, Any], width: int, height: int) -> np.ndarray:
    box = face["BoundingBox"]
    return np.array([box["Left"] * width, box["Top"] * height, box["Width"] * width,
                     box["Height"] * height])  # fmt: skip


def paired(
    got: list[dict[str, Any]], expected: list[dict[str, Any]], width: int, height: int
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Each expected face with the answered face nearest to it (faces of equal size may swap
    places in the largest-first order)."""
    assert len(got) == len(expected)
    pairs = []
    for want in expected:
        centre = box_pixels(want, width, height)
        nearest = min(got, key=lambda f: np.abs(box_pixels(f, width, height) - centre).sum())
        pairs.append((nearest, want))
    return pairs


def assert_close_to_full_decode(
    got: list[dict[str, Any]], expected: list[dict[str, Any]], width: int, height: int
) -> None:
    """Boxes and landmarks within 1% of the face's width (measured: at most 0.5%, 1.3 px),
    pose within 1 degree, brightness within 0.5 and sharpness within 2 points of 100."""
    assert expected, "the photo must have faces"
    for face, want in paired(got, expected, width, height):
        tolerance = max(1.0, 0.01 * want["BoundingBox"]["Width"] * width)
        delta = np.abs(box_pixels(face, width, height) - box_pixels(want, width, height))
        assert delta.max() <= tolerance
        for mark, wanted in zip(face["Landmarks"], want["Landmarks"], strict=True):
            assert mark["Type"] == wanted["Type"]
            assert abs(mark["X"] - wanted["X"]) * width <= tolerance
            assert abs(mark["Y"] - wanted["Y"]) * height <= tolerance
        for angle in ("Roll", "Yaw", "Pitch"):
            assert face["Pose"][angle] == pytest.approx(want["Pose"][angle], abs=1.0)
        assert face["Quality"]["Brightness"] == pytest.approx(
            want["Quality"]["Brightness"], abs=0.5
        )
        assert face["Quality"]["Sharpness"] == pytest.approx(want["Quality"]["Sharpness"], abs=2.0)
        assert face["Confidence"] == pytest.approx(want["Confidence"], abs=0.1)


# --------------------------------------------------------------------------- the rule


@pytest.mark.parametrize(
    ("fmt", "width", "height", "side", "factor"),
    [
        ("jpeg", 4032, 3024, 1280, 2),  # a 12 MP phone photo: 2016 px still covers 1280
        ("jpeg", 5120, 2880, 1280, 4),  # 1280 px exactly
        ("jpeg", 5119, 2880, 1280, 4),  # 1280 only after rounding up, as libjpeg does
        ("jpeg", 5116, 2880, 1280, 2),
        ("jpeg", 10240, 7680, 1280, 8),
        ("jpeg", 2557, 1440, 1280, 1),
        ("jpeg", 1280, 886, 1280, 1),
        ("png", 8000, 6000, 1280, 1),  # no reduced decode for PNG
    ],
)
def test_reduction_keeps_at_least_the_detector_side(
    fmt: str, width: int, height: int, side: int, factor: int
) -> None:
    assert images.reduction_for(ImageHeader(fmt, width, height), side) == factor


# --------------------------------------------------------------------------- answers


def decode_factors(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The factor of every decode from now on."""
    factors: list[int] = []
    real = images._decode_pixels

    def spy(data: bytes, header: ImageHeader, factor: int = 1) -> np.ndarray:
        factors.append(factor)
        return real(data, header, factor)

    monkeypatch.setattr(images, "_decode_pixels", spy)
    return factors


@pytest.mark.parametrize("name", REAL_PHOTOS)
def test_reduced_decode_answers_like_a_full_decode(
    rekognition: Any, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv(SIDE_VARIABLE, "640")
    data = photo(name)
    loaded = images.load({"Bytes": data}, "1", REGION)
    factors = decode_factors(monkeypatch)
    got = rekognition.detect_faces(Image={"Bytes": data})["FaceDetails"]
    # decoded at half size; once more in full only for faces too small there for quality
    assert factors[0] == 2 and set(factors) <= {1, 2} and len(factors) <= 2
    assert_close_to_full_decode(got, full_decode_answer(data), loaded.width, loaded.height)


def test_quarter_size_decode_on_a_group_photo(
    rekognition: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SIDE_VARIABLE, "480")
    data = photo("group_of_five")
    loaded = images.load({"Bytes": data}, "1", REGION)
    assert loaded.reduction(480) == 4
    got = rekognition.detect_faces(Image={"Bytes": data})["FaceDetails"]
    assert_close_to_full_decode(got, full_decode_answer(data), loaded.width, loaded.height)


def test_a_ten_megapixel_jpeg_at_the_default_detector_size(rekognition: Any) -> None:
    data = enlarged("t1", 3)  # 3840 x 2658
    loaded = images.load({"Bytes": data}, "1", REGION)
    assert loaded.reduction(cache.reduced_side(None) or 0) == 2
    got = rekognition.detect_faces(Image={"Bytes": data})["FaceDetails"]
    assert len(got) == 6
    assert_close_to_full_decode(got, full_decode_answer(data), loaded.width, loaded.height)


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_exif_orientation_is_honoured_by_a_reduced_decode(
    rekognition: Any, monkeypatch: pytest.MonkeyPatch, orientation: int
) -> None:
    monkeypatch.setenv(SIDE_VARIABLE, "640")
    upright = cv2.imdecode(np.frombuffer(photo("obama_standing"), np.uint8), cv2.IMREAD_COLOR)
    data = jpeg_with_exif_orientation(upright, orientation, quality=90)
    loaded = images.load({"Bytes": data}, "1", REGION, reduced_side=640)
    assert loaded.pixels_reduced(640).shape[:2] == ((loaded.height + 1) // 2,
                                                     (loaded.width + 1) // 2)  # fmt: skip
    assert (loaded.width, loaded.height) == (upright.shape[1], upright.shape[0])
    got = rekognition.detect_faces(Image={"Bytes": data})["FaceDetails"]
    assert_close_to_full_decode(got, full_decode_answer(data), loaded.width, loaded.height)
    marks = {m["Type"]: m for m in got[0]["Landmarks"]}
    assert marks["eyeLeft"]["X"] < marks["eyeRight"]["X"]
    assert marks["eyeLeft"]["Y"] < marks["mouthLeft"]["Y"]


def test_attributes_beyond_default_still_read_full_pixels(
    rekognition: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other models crop faces at full resolution: a reduced decode serves DEFAULT only."""
    monkeypatch.setenv(SIDE_VARIABLE, "640")
    assert cache.reduced_side(Needs(emotions=True)) is None
    data = photo("family")
    got = rekognition.detect_faces(Image={"Bytes": data}, Attributes=["EMOTIONS"])
    pixels = images.decode(data)
    full = pipeline.analyze(pixels, Needs(emotions=True))
    height, width = pixels.shape[:2]
    assert [f["BoundingBox"] for f in got["FaceDetails"]] == [
        pytest.approx(serialize.bounding_box(f.detection.box, width, height), abs=1e-6)
        for f in full
    ]


# --------------------------------------------------------------------------- result cache


def test_answers_are_the_same_with_the_cache_on_and_off(
    aws_credentials: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SIDE_VARIABLE, "640")
    data = photo("group_of_five")
    answers = []
    for setting in ("off", "on", "on"):  # the last one is a cache hit
        monkeypatch.setenv("MOTO_REKOGNITION_FACES_CACHE", setting)
        with mock_aws():
            client = boto3.client("rekognition", region_name=REGION)
            answers.append(client.detect_faces(Image={"Bytes": data})["FaceDetails"])
    assert answers[0] == answers[1] == answers[2]


def test_reduced_and_full_decode_results_have_their_own_cache_keys(
    aws_credentials: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DEFAULT (reduced decode) first, then a full-decode analysis of the same bytes (as
    CompareFaces does): the second must not be served the first's reduced-decode result."""
    monkeypatch.setenv(SIDE_VARIABLE, "640")
    monkeypatch.setenv("MOTO_REKOGNITION_FACES_CACHE", "on")
    data = photo("breakingbad")
    side = cache.reduced_side(None)
    reduced = cache.analyze(images.load({"Bytes": data}, "1", REGION, reduced_side=side),
                            reduced_side=side)  # fmt: skip
    full = cache.analyze(images.load({"Bytes": data}, "1", REGION))
    expected = pipeline.analyze(images.decode(data))
    assert [f.detection.box.tolist() for f in full] == [f.detection.box.tolist() for f in expected]
    assert [f.detection.box.tolist() for f in reduced] != [
        f.detection.box.tolist() for f in expected
    ]
