"""Numbers in responses: float32 values as AWS sends them, identical whatever the thread count,
and ``rekognition_approx`` for comparing them across machines."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from moto_rekognition_faces.pytest_plugin import rekognition_approx
from tests.conftest import Aws, photo
from tests.support.assets import asset_path


def floats(value: Any, path: str = "") -> Iterator[tuple[str, float]]:
    """Every fractional number of a response, with where it is."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key != "ResponseMetadata":
                yield from floats(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from floats(item, f"{path}[{index}]")
    elif isinstance(value, float):
        yield path, value


def test_every_fractional_number_is_a_float32_value(aws: Aws) -> None:
    client = aws.rekognition
    image = {"Bytes": photo("single_face")}
    client.create_collection(CollectionId="numbers")
    client.index_faces(CollectionId="numbers", Image=image)
    aws.s3.create_bucket(Bucket="videos")
    aws.s3.put_object(
        Bucket="videos", Key="man.mp4", Body=asset_path("single_face_video").read_bytes()
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MOTO_REKOGNITION_FACES_VIDEO_SYNC", "1")
        job = client.start_face_detection(
            Video={"S3Object": {"Bucket": "videos", "Name": "man.mp4"}}
        )["JobId"]
    responses = {
        "DetectFaces": client.detect_faces(Image=image, Attributes=["ALL"]),
        "CompareFaces": client.compare_faces(SourceImage=image, TargetImage=image),
        "SearchFacesByImage": client.search_faces_by_image(CollectionId="numbers", Image=image),
        "ListFaces": client.list_faces(CollectionId="numbers"),
        "GetFaceDetection": client.get_face_detection(JobId=job),
        "DetectProtectiveEquipment": client.detect_protective_equipment(
            Image={"Bytes": photo("t1")}
        ),
    }
    for operation, response in responses.items():
        found = list(floats(response))
        assert len(found) >= 5, operation
        wide = [(path, x) for path, x in found if float(np.float32(x)) != x]
        assert wide == [], operation


SCRIPT = textwrap.dedent(
    """
    import json, os, sys
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    import boto3
    import moto_rekognition_faces  # noqa: F401
    from moto import mock_aws

    with mock_aws(), open(sys.argv[1], "rb") as f:
        client = boto3.client("rekognition", region_name="us-east-1")
        response = client.detect_faces(Image={"Bytes": f.read()}, Attributes=["ALL"])
    response.pop("ResponseMetadata")
    print(json.dumps(response))
    """
)


def test_figures_are_identical_whatever_the_thread_count() -> None:
    """onnxruntime splits work across threads without changing any sum's order, so one and
    three intra-op threads give the same bits (the README's stability claim)."""
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT, str(asset_path("t1"))],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "MOTO_REKOGNITION_FACES_THREADS": str(threads)},
        )
        for threads in (1, 3)
    ]
    outputs = []
    for process in runs:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err[-2000:]
        outputs.append(json.loads(out))
    assert len(outputs[0]["FaceDetails"]) > 1
    assert outputs[0] == outputs[1]


# --- rekognition_approx -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def response() -> dict[str, Any]:
    from moto import mock_aws

    with mock_aws():
        import boto3

        client = boto3.client("rekognition", region_name="us-east-1")
        return client.detect_faces(Image={"Bytes": photo("single_face")}, Attributes=["ALL"])


def nudged(value: Any, by: dict[str, float], member: str = "") -> Any:
    """A copy with every fractional number moved by the amount given for its kind of member."""
    if isinstance(value, dict):
        return {key: nudged(item, by, key) for key, item in value.items()}
    if isinstance(value, list):
        return [nudged(item, by, member) for item in value]
    if isinstance(value, float):
        kind = (
            "ratio"
            if member in {"Width", "Height", "Left", "Top", "X", "Y"}
            else "angle"
            if member in {"Roll", "Yaw", "Pitch"}
            else "score"
        )
        return value + by[kind]
    return value


def test_approx_accepts_the_drift_of_another_machine(response: dict[str, Any]) -> None:
    expected = copy.deepcopy(response)
    expected.pop("ResponseMetadata")
    drifted = nudged(response, {"ratio": 0.004, "angle": -1.2, "score": 1.9})
    assert drifted == rekognition_approx(expected)
    assert response == rekognition_approx(expected, abs=0)
    assert drifted != rekognition_approx(expected, abs=1e-6)
    assert drifted == rekognition_approx(expected, abs=2.0)


def test_approx_names_each_difference(response: dict[str, Any]) -> None:
    expected = copy.deepcopy(response)
    face = expected["FaceDetails"][0]
    face["BoundingBox"]["Left"] += 0.02
    face["Smile"]["Value"] = not face["Smile"]["Value"]
    face["Emotions"][0]["Type"] = "CONFUSED" if face["Emotions"][0]["Type"] != "CONFUSED" else "SAD"
    face["Landmarks"].pop()
    del face["Quality"]
    face["Gender"]["Confidence"] = int(face["Gender"]["Confidence"])  # an int compares exactly
    comparison = rekognition_approx(expected)
    assert response != comparison
    where = sorted(m.split(":")[0] for m in comparison.mismatches)
    assert where == [
        "FaceDetails[0].BoundingBox.Left",
        "FaceDetails[0].Emotions[0].Type",
        "FaceDetails[0].Gender.Confidence",
        "FaceDetails[0].Landmarks",
        "FaceDetails[0].Quality",
        "FaceDetails[0].Smile.Value",
    ]
    assert "differs at" in repr(comparison)


def test_approx_relative_tolerance() -> None:
    expected = {"FaceMatches": [{"Similarity": 90.0}]}
    assert rekognition_approx(expected, rel=0.01) == {"FaceMatches": [{"Similarity": 90.8}]}
    assert rekognition_approx(expected, rel=0.01) != {"FaceMatches": [{"Similarity": 91.0}]}
    assert rekognition_approx(expected) != {"FaceMatches": []}
