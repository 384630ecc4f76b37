"""Tests for the strict response-shape checker in tests.support.shapes."""

from __future__ import annotations

import base64
import copy
import json
from datetime import UTC, datetime
from typing import Any

import botocore.session
import pytest
from botocore.model import OperationNotFoundError
from botocore.parsers import create_parser

from tests.support.shapes import (
    assert_output_shape,
    assert_wire_shape,
    check_output_shape,
    check_wire_shape,
)

BOX = {"Width": 0.25, "Height": 0.5, "Left": 0.1, "Top": 0.2}
POSE = {"Roll": -3.5, "Yaw": 12.0, "Pitch": 0}
QUALITY = {"Brightness": 71.2, "Sharpness": 89.9}
LANDMARKS = [
    {"Type": name, "X": 0.3, "Y": 0.4}
    for name in ("eyeLeft", "eyeRight", "nose", "mouthLeft", "mouthRight")
]


def face_detail() -> dict[str, Any]:
    """A full DetectFaces FaceDetail (Attributes=['ALL'])."""
    return {
        "BoundingBox": dict(BOX),
        "AgeRange": {"Low": 25, "High": 35},
        "Smile": {"Value": False, "Confidence": 97.1},
        "Eyeglasses": {"Value": False, "Confidence": 99.0},
        "Sunglasses": {"Value": False, "Confidence": 99.5},
        "Gender": {"Value": "Female", "Confidence": 99.9},
        "Beard": {"Value": False, "Confidence": 90.0},
        "Mustache": {"Value": False, "Confidence": 95.0},
        "EyesOpen": {"Value": True, "Confidence": 98.0},
        "MouthOpen": {"Value": False, "Confidence": 93.0},
        "Emotions": [{"Type": "CALM", "Confidence": 88.0}, {"Type": "HAPPY", "Confidence": 5}],
        "Landmarks": copy.deepcopy(LANDMARKS),
        "Pose": dict(POSE),
        "Quality": dict(QUALITY),
        "Confidence": 99.99,
        "FaceOccluded": {"Value": False, "Confidence": 99.0},
        "EyeDirection": {"Yaw": 1.5, "Pitch": -2.0, "Confidence": 97.0},
    }


def detect_faces() -> dict[str, Any]:
    """A valid parsed DetectFaces response, including boto3's ResponseMetadata."""
    return {
        "FaceDetails": [face_detail()],
        "ResponseMetadata": {"RequestId": "abc", "HTTPStatusCode": 200},
    }


def problems_of(operation: str, response: dict[str, Any]) -> list[str]:
    """Problems found for a parsed response (and the assert agrees)."""
    problems = check_output_shape(operation, response)
    assert problems, "expected at least one problem"
    with pytest.raises(AssertionError):
        assert_output_shape(operation, response)
    return problems


# --- valid responses ---------------------------------------------------------------------


def test_accepts_valid_detect_faces() -> None:
    assert_output_shape("DetectFaces", detect_faces())
    assert_output_shape("DetectFaces", {"FaceDetails": [], "OrientationCorrection": "ROTATE_90"})
    assert_output_shape("DetectFaces", {})  # no member is required


def test_accepts_valid_compare_faces() -> None:
    face = {
        "BoundingBox": BOX,
        "Confidence": 99.9,
        "Landmarks": LANDMARKS,
        "Pose": POSE,
        "Quality": QUALITY,
    }
    assert_output_shape(
        "CompareFaces",
        {
            "SourceImageFace": {"BoundingBox": BOX, "Confidence": 99.9},
            "FaceMatches": [{"Similarity": 100, "Face": face}],
            "UnmatchedFaces": [face],
        },
    )


def test_accepts_valid_describe_collection_and_list_collections() -> None:
    assert_output_shape(
        "DescribeCollection",
        {
            "FaceCount": 3,
            "FaceModelVersion": "7.0",
            "CollectionARN": "aws:rekognition:us-east-1:123456789012:collection/c1",
            "CreationTimestamp": datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
            "UserCount": 0,
        },
    )
    assert_output_shape(
        "ListCollections",
        {"CollectionIds": ["a", "b"], "FaceModelVersions": ["7.0", "7.0"], "NextToken": "t"},
    )


# --- each kind of problem ----------------------------------------------------------------


def test_unknown_keys_are_reported_at_any_depth() -> None:
    response = detect_faces()
    response["Extra"] = 1
    response["FaceDetails"][0]["Pose"]["Tilt"] = 4.0
    assert problems_of("DetectFaces", response) == [
        "FaceDetails[0].Pose.Tilt: unknown member of Pose",
        "Extra: unknown member of DetectFacesResponse",
    ]


def test_response_metadata_is_only_ignored_at_top_level() -> None:
    response = detect_faces()
    response["FaceDetails"][0]["ResponseMetadata"] = {}
    assert problems_of("DetectFaces", response) == [
        "FaceDetails[0].ResponseMetadata: unknown member of FaceDetail"
    ]


def test_missing_required_members() -> None:
    response = {"Challenge": {"Type": "FaceMovementChallenge"}, "Confidence": 50.0}
    assert problems_of("GetFaceLivenessSessionResults", response) == [
        "Challenge.Version: missing required member of Challenge",
        "SessionId: missing required member of GetFaceLivenessSessionResultsResponse",
        "Status: missing required member of GetFaceLivenessSessionResultsResponse",
    ]


@pytest.mark.parametrize(
    ("mutate", "location", "expected"),
    [
        (lambda f: f.update(Confidence="99"), "FaceDetails[0].Confidence", "float"),
        (lambda f: f.update(Emotions={"Type": "CALM"}), "FaceDetails[0].Emotions", "list"),
        (lambda f: f.update(Pose=[1, 2, 3]), "FaceDetails[0].Pose", "structure"),
        (lambda f: f["Smile"].update(Value="true"), "FaceDetails[0].Smile.Value", "boolean"),
        (lambda f: f["Smile"].update(Value=1), "FaceDetails[0].Smile.Value", "boolean"),
        (lambda f: f["Gender"].update(Value=None), "FaceDetails[0].Gender.Value", "string"),
        (lambda f: f["AgeRange"].update(Low=25.0), "FaceDetails[0].AgeRange.Low", "integer"),
    ],
)
def test_wrong_types(mutate: Any, location: str, expected: str) -> None:
    response = detect_faces()
    mutate(response["FaceDetails"][0])
    [problem] = problems_of("DetectFaces", response)
    assert problem.startswith(f"{location}: expected {expected} (")


def test_bool_is_not_accepted_as_a_number() -> None:
    response = detect_faces()
    response["FaceDetails"][0]["AgeRange"]["High"] = True
    response["FaceDetails"][0]["Confidence"] = False
    assert problems_of("DetectFaces", response) == [
        "FaceDetails[0].AgeRange.High: expected integer (int), got bool True",
        "FaceDetails[0].Confidence: expected float (float or int), got bool False",
    ]


def test_int_is_accepted_for_float() -> None:
    response = detect_faces()
    response["FaceDetails"][0]["Confidence"] = 100
    assert check_output_shape("DetectFaces", response) == []


def test_enum_violation_names_the_nested_location() -> None:
    response = detect_faces()
    response["FaceDetails"][0]["Landmarks"][3]["Type"] = "foo"
    response["OrientationCorrection"] = "ROTATE_45"
    problems = problems_of("DetectFaces", response)
    assert len(problems) == 2
    assert problems[0].startswith("FaceDetails[0].Landmarks[3].Type: 'foo' not in enum ['eyeLeft'")
    assert problems[1] == (
        "OrientationCorrection: 'ROTATE_45' not in enum "
        "['ROTATE_0', 'ROTATE_90', 'ROTATE_180', 'ROTATE_270']"
    )


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("Confidence",), 100.5, "100.5 above maximum 100"),
        (("Emotions", 0, "Confidence"), -0.1, "-0.1 below minimum 0"),
        (("Pose", "Yaw"), -181, "-181 below minimum -180"),
        (("AgeRange", "Low"), -1, "-1 below minimum 0"),
        (("Confidence",), float("nan"), "nan is not a finite number"),
    ],
)
def test_numeric_ranges(path: tuple[str | int, ...], value: float, message: str) -> None:
    response = detect_faces()
    target: Any = response["FaceDetails"][0]
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    location = "FaceDetails[0]" + "".join(
        f"[{step}]" if isinstance(step, int) else f".{step}" for step in path
    )
    assert problems_of("DetectFaces", response) == [f"{location}: {message}"]


def test_long_range_in_describe_collection() -> None:
    assert problems_of("DescribeCollection", {"FaceCount": -1}) == ["FaceCount: -1 below minimum 0"]


def test_string_and_list_lengths() -> None:
    response = {
        "SessionId": "x" * 35,
        "Status": "SUCCEEDED",
        "Challenge": {"Type": "FaceMovementChallenge", "Version": "1.0"},
        "Feedback": [{"Code": "EYES_CLOSED_DETECTED", "Message": "m"}] * 11,
    }
    assert problems_of("GetFaceLivenessSessionResults", response) == [
        "SessionId: length 35 below minimum 36 (characters)",
        "Challenge.Version: length 3 below minimum 5 (characters)",
        "Feedback: length 11 above maximum 10 (items)",
    ]
    assert problems_of("ListCollections", {"NextToken": "t" * 256}) == [
        "NextToken: length 256 above maximum 255 (characters)"
    ]


def test_all_problems_are_listed_in_the_assertion() -> None:
    response = detect_faces()
    face = response["FaceDetails"][0]
    face["Landmarks"][3]["Type"] = "foo"
    face["Pose"]["Yaw"] = 200
    face["Gender"]["Value"] = True
    face["Unknown"] = None
    with pytest.raises(AssertionError) as info:
        assert_output_shape("DetectFaces", response)
    text = str(info.value)
    assert "rekognition.DetectFaces response does not match its output shape" in text
    assert "(4 problem(s))" in text
    for location in ("Landmarks[3].Type", "Pose.Yaw", "Gender.Value", "Unknown"):
        assert f"\n  - FaceDetails[0].{location}: " in text


def test_non_dict_response() -> None:
    assert problems_of("DetectFaces", ["nope"]) == [  # type: ignore[arg-type]
        "<response>: expected structure (dict), got list ['nope']"
    ]


# --- timestamps and blobs: parsed vs wire --------------------------------------------------


def test_timestamp_types_differ_between_parsed_and_wire() -> None:
    created = datetime(2024, 1, 2, tzinfo=UTC)
    assert problems_of("DescribeCollection", {"CreationTimestamp": 1704153600}) == [
        "CreationTimestamp: expected timestamp (datetime), got int 1704153600"
    ]
    assert check_wire_shape("DescribeCollection", {"CreationTimestamp": 1704153600.5}) == []
    [problem] = check_wire_shape("DescribeCollection", {"CreationTimestamp": created})
    assert problem.startswith(
        "CreationTimestamp: expected timestamp (epoch seconds int/float), got datetime "
    )
    assert check_wire_shape("DescribeCollection", {"CreationTimestamp": True}) != []


def liveness(image_bytes: Any) -> dict[str, Any]:
    """A GetFaceLivenessSessionResults response carrying a reference image blob."""
    return {
        "SessionId": "0" * 36,
        "Status": "SUCCEEDED",
        "ReferenceImage": {"Bytes": image_bytes, "BoundingBox": BOX},
    }


def test_blob_types_differ_between_parsed_and_wire() -> None:
    assert check_output_shape("GetFaceLivenessSessionResults", liveness(b"\xff\xd8")) == []
    assert check_wire_shape("GetFaceLivenessSessionResults", liveness("/9g=")) == []
    assert check_output_shape("GetFaceLivenessSessionResults", liveness("/9g=")) == [
        "ReferenceImage.Bytes: expected blob (bytes), got str '/9g='"
    ]
    assert check_wire_shape("GetFaceLivenessSessionResults", liveness(b"\xff")) == [
        "ReferenceImage.Bytes: expected blob (base64 str), got bytes b'\\xff'"
    ]
    [bad] = check_wire_shape("GetFaceLivenessSessionResults", liveness("not base64!"))
    assert bad.startswith("ReferenceImage.Bytes: not valid base64")
    assert check_output_shape("GetFaceLivenessSessionResults", liveness(b"")) == [
        "ReferenceImage.Bytes: length 0 below minimum 1 (bytes)"
    ]


def test_wire_body_rules_and_json_text() -> None:
    body = {"FaceDetails": [face_detail()], "OrientationCorrection": "ROTATE_0"}
    assert_wire_shape("DetectFaces", body)
    assert_wire_shape("DetectFaces", json.dumps(body))
    assert_wire_shape("DetectFaces", json.dumps(body).encode())
    body["ResponseMetadata"] = {}  # not part of a raw body
    body["FaceDetails"][0]["Smile"]["Value"] = None
    with pytest.raises(AssertionError) as info:
        assert_wire_shape("DetectFaces", body)
    assert str(info.value).splitlines()[1:] == [
        "  - FaceDetails[0].Smile.Value: expected boolean (bool), got NoneType None",
        "  - ResponseMetadata: unknown member of DetectFacesResponse",
    ]


def test_valid_wire_body_stays_valid_after_botocore_parsing() -> None:
    body = {
        "SessionId": "0" * 36,
        "Status": "SUCCEEDED",
        "Confidence": 98.5,
        "ReferenceImage": {"Bytes": base64.b64encode(b"jpeg").decode(), "BoundingBox": BOX},
        "Challenge": {"Type": "FaceMovementChallenge", "Version": "1.0.0"},
    }
    assert_wire_shape("GetFaceLivenessSessionResults", body)
    model = botocore.session.get_session().get_service_model("rekognition")
    operation = model.operation_model("GetFaceLivenessSessionResults")
    raw = {"body": json.dumps(body).encode(), "headers": {}, "status_code": 200}
    parsed = create_parser(model.protocol).parse(raw, operation.output_shape)
    assert parsed["ReferenceImage"]["Bytes"] == b"jpeg"
    assert_output_shape("GetFaceLivenessSessionResults", parsed)


# --- other services and operations -------------------------------------------------------


def test_operation_without_output_and_other_service() -> None:
    assert check_output_shape("DeleteLogGroup", {"ResponseMetadata": {}}, service="logs") == []
    assert check_output_shape("DeleteLogGroup", {"x": 1}, service="logs") == [
        "x: unknown member (operation has no output)"
    ]


def test_unknown_operation_raises() -> None:
    with pytest.raises(OperationNotFoundError):
        check_output_shape("DetectUnicorns", {})
