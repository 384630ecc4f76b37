"""The faster steps of a DetectFaces request give exactly what the slower ones they replaced
gave: the detector's input, the quality of each face, the float32 JSON."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from moto_rekognition_faces.api import serialize
from moto_rekognition_faces.inputs import images
from moto_rekognition_faces.vision import detector, pipeline, quality
from tests.conftest import photo


@pytest.mark.parametrize("name", ["astronaut", "t1", "family"])
def test_detector_input_equals_blob_from_image(name: str) -> None:
    pixels = images.decode(photo(name))
    height, width = pixels.shape[:2]
    mean = tuple(float(v) for v in detector.BGR_MEAN)
    expected = cv2.dnn.blobFromImage(pixels, 1.0, (width, height), mean, swapRB=False)
    got = detector.blob(pixels)
    assert got.dtype == np.float32 and got.flags.c_contiguous
    assert np.array_equal(got, expected)


@pytest.mark.parametrize("name", ["t1", "players", "obama_standing"])
def test_quality_on_the_region_around_the_faces_equals_the_whole_grey_image(name: str) -> None:
    pixels = images.decode(photo(name))
    faces = pipeline.analyze(pixels)
    assert faces
    grey = cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)
    assert [f.quality for f in faces] == [quality.measure(grey, f.detection) for f in faces]


def test_grey_region_of_boxes_reaching_past_the_edges() -> None:
    pixels = images.decode(photo("astronaut"))
    box = np.array([-20.5, -3.2, 600.0, 90.7])
    grey, offset = pipeline.grey_around(pixels, [box])
    assert offset == (0, 0) and grey.shape == (91, 512)
    inside = np.array([100.4, 50.6, 180.2, 170.9])
    grey, offset = pipeline.grey_around(pixels, [inside])
    assert offset == (100, 50) and grey.shape == (121, 81)


def test_a_dict_answer_is_rounded_like_the_same_answer_as_text() -> None:
    answer = {
        "FaceDetails": [
            {
                "BoundingBox": {"Width": 0.1234567891, "Height": 0.2, "Left": 0.3, "Top": 0.4},
                "Confidence": 99.99981234,
                "Landmarks": [{"Type": "nose", "X": 0.51234567, "Y": 0.6}],
            }
        ]
    }
    as_text = serialize.float32_numbers(json.dumps(answer), "DetectFaces")
    assert serialize.float32_numbers(answer, "DetectFaces") == as_text
    assert json.loads(as_text)["FaceDetails"][0]["Confidence"] == float(np.float32(99.99981234))
