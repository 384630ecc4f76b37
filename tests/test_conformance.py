"""Every face operation of the service model, in both moto modes: valid calls answer in the exact
output shape, and the modeled errors that can happen offline are the ones raised."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from botocore.config import Config

from moto_rekognition_faces import control
from tests.conftest import Aws, photo
from tests.support.assets import asset_path
from tests.support.images import jpeg_of_size
from tests.support.requests import minimal_args
from tests.support.shapes import assert_output_shape

# The face operations of the project's spec (ops.json, generated from botocore's service model).
FACE_OPERATIONS = (
    "DetectFaces",
    "CompareFaces",
    "CreateCollection",
    "DescribeCollection",
    "ListCollections",
    "DeleteCollection",
    "IndexFaces",
    "ListFaces",
    "DeleteFaces",
    "SearchFaces",
    "SearchFacesByImage",
    "CreateUser",
    "DeleteUser",
    "ListUsers",
    "AssociateFaces",
    "DisassociateFaces",
    "SearchUsers",
    "SearchUsersByImage",
    "TagResource",
    "UntagResource",
    "ListTagsForResource",
    "StartFaceDetection",
    "GetFaceDetection",
    "StartFaceSearch",
    "GetFaceSearch",
    "RecognizeCelebrities",
    "GetCelebrityInfo",
    "DetectProtectiveEquipment",
    "CreateFaceLivenessSession",
    "GetFaceLivenessSessionResults",
)

ROLE = "arn:aws:iam::123456789012:role/RekognitionVideo"
UNKNOWN_FACE = "11111111-2222-4333-8444-555555555555"


class World:
    """A small world every call can use: a collection with faces, a user, a video in S3."""

    def __init__(self, aws: Aws) -> None:
        self.aws = aws
        client = aws.rekognition
        client.create_collection(CollectionId="world", Tags={"suite": "conformance"})
        records = client.index_faces(
            CollectionId="world", Image={"Bytes": photo("single_face")}, ExternalImageId="man"
        )["FaceRecords"]
        self.face_id = records[0]["Face"]["FaceId"]
        self.spare_face = client.index_faces(
            CollectionId="world", Image={"Bytes": photo("astronaut")}, ExternalImageId="eileen"
        )["FaceRecords"][0]["Face"]["FaceId"]
        client.create_user(CollectionId="world", UserId="the-man")
        client.associate_faces(CollectionId="world", UserId="the-man", FaceIds=[self.face_id])
        aws.s3.create_bucket(Bucket="media")
        aws.s3.put_object(
            Bucket="media", Key="man.mp4", Body=asset_path("single_face_video").read_bytes()
        )
        self.video = {"S3Object": {"Bucket": "media", "Name": "man.mp4"}}
        self.arn = client.describe_collection(CollectionId="world")["CollectionARN"]


def poll(get: Callable[..., dict], job_id: str) -> dict:
    for _ in range(600):
        response = get(JobId=job_id)
        if response["JobStatus"] != "IN_PROGRESS":
            return response
        time.sleep(0.05)
    raise AssertionError("job did not finish")


def calls(world: World) -> dict[str, Callable[[Any], dict]]:
    """One valid call per operation of ops.json."""
    image = {"Bytes": photo("single_face")}
    return {
        "DetectFaces": lambda c: c.detect_faces(Image=image, Attributes=["ALL"]),
        "CompareFaces": lambda c: c.compare_faces(SourceImage=image, TargetImage=image),
        "CreateCollection": lambda c: c.create_collection(CollectionId="fresh"),
        "DescribeCollection": lambda c: c.describe_collection(CollectionId="world"),
        "ListCollections": lambda c: c.list_collections(MaxResults=10),
        "DeleteCollection": lambda c: (
            c.create_collection(CollectionId="doomed"),
            c.delete_collection(CollectionId="doomed"),
        )[1],
        "IndexFaces": lambda c: c.index_faces(CollectionId="world", Image=image, MaxFaces=1),
        "ListFaces": lambda c: c.list_faces(CollectionId="world", MaxResults=10),
        "DeleteFaces": lambda c: c.delete_faces(CollectionId="world", FaceIds=[world.spare_face]),
        "SearchFaces": lambda c: c.search_faces(CollectionId="world", FaceId=world.face_id),
        "SearchFacesByImage": lambda c: c.search_faces_by_image(CollectionId="world", Image=image),
        "CreateUser": lambda c: c.create_user(CollectionId="world", UserId="another"),
        "DeleteUser": lambda c: (
            c.create_user(CollectionId="world", UserId="brief"),
            c.delete_user(CollectionId="world", UserId="brief"),
        )[1],
        "ListUsers": lambda c: c.list_users(CollectionId="world"),
        "AssociateFaces": lambda c: c.associate_faces(
            CollectionId="world", UserId="the-man", FaceIds=[world.face_id]
        ),
        "DisassociateFaces": lambda c: c.disassociate_faces(
            CollectionId="world", UserId="the-man", FaceIds=[world.face_id]
        ),
        "SearchUsers": lambda c: c.search_users(CollectionId="world", FaceId=world.face_id),
        "SearchUsersByImage": lambda c: c.search_users_by_image(CollectionId="world", Image=image),
        "TagResource": lambda c: c.tag_resource(ResourceArn=world.arn, Tags={"a": "b"}),
        "UntagResource": lambda c: c.untag_resource(ResourceArn=world.arn, TagKeys=["suite"]),
        "ListTagsForResource": lambda c: c.list_tags_for_resource(ResourceArn=world.arn),
        "StartFaceDetection": lambda c: c.start_face_detection(Video=world.video),
        "GetFaceDetection": lambda c: poll(
            c.get_face_detection, c.start_face_detection(Video=world.video)["JobId"]
        ),
        "StartFaceSearch": lambda c: c.start_face_search(Video=world.video, CollectionId="world"),
        "GetFaceSearch": lambda c: poll(
            c.get_face_search,
            c.start_face_search(Video=world.video, CollectionId="world")["JobId"],
        ),
        "RecognizeCelebrities": lambda c: c.recognize_celebrities(Image={"Bytes": photo("t1")}),
        # The server runs in this process, so the catalogue is filled the same way in both modes.
        "GetCelebrityInfo": lambda c: c.get_celebrity_info(
            Id=control.add_celebrity("Yao Ming", photo("yaoming"), known_gender="Male")
        ),
        "DetectProtectiveEquipment": lambda c: c.detect_protective_equipment(
            Image={"Bytes": photo("t1")},
            SummarizationAttributes={"MinConfidence": 80, "RequiredEquipmentTypes": ["HEAD_COVER"]},
        ),
        "CreateFaceLivenessSession": lambda c: c.create_face_liveness_session(),
        "GetFaceLivenessSessionResults": lambda c: c.get_face_liveness_session_results(
            SessionId=c.create_face_liveness_session()["SessionId"]
        ),
    }


def test_the_operation_list_is_the_service_model_face_operations() -> None:
    from moto_rekognition_faces.api.validation import service_model

    assert set(FACE_OPERATIONS) <= set(service_model().operation_names)
    assert len(FACE_OPERATIONS) == 30


@pytest.mark.parametrize("operation", FACE_OPERATIONS)
def test_every_operation_answers_in_its_output_shape(aws: Aws, operation: str) -> None:
    client = aws.rekognition
    world = World(aws)
    response = calls(world)[operation](client)
    assert_output_shape(operation, response)


def error_of(call: Callable[[], Any]) -> tuple[str, int]:
    with pytest.raises(Exception) as caught:
        call()
    response = caught.value.response  # type: ignore[attr-defined]
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def error_cases(world: World) -> list[tuple[str, str, Callable[[Any], Any]]]:
    """(operation, modeled error, a call that provokes it offline)."""
    gif = {"Bytes": b"GIF89a" + bytes(300)}
    nowhere = {"S3Object": {"Bucket": "media", "Name": "missing.jpg"}}
    image = {"Bytes": photo("single_face")}
    return [
        ("DetectFaces", "InvalidImageFormatException", lambda c: c.detect_faces(Image=gif)),
        ("DetectFaces", "InvalidS3ObjectException", lambda c: c.detect_faces(Image=nowhere)),
        (
            "DetectFaces",
            "ImageTooLargeException",
            lambda c: c.detect_faces(Image={"Bytes": b"\xff\xd8\xff" + bytes(5_300_000)}),
        ),
        (
            "DetectFaces",
            "InvalidParameterException",
            lambda c: c.detect_faces(Image=image, Attributes=["EVERYTHING"]),
        ),
        (
            "CompareFaces",
            "InvalidParameterException",
            lambda c: c.compare_faces(SourceImage={"Bytes": photo("coffee")}, TargetImage=image),
        ),
        (
            "CreateCollection",
            "ResourceAlreadyExistsException",
            lambda c: c.create_collection(CollectionId="world"),
        ),
        (
            "DescribeCollection",
            "ResourceNotFoundException",
            lambda c: c.describe_collection(CollectionId="nowhere"),
        ),
        (
            "ListCollections",
            "InvalidPaginationTokenException",
            lambda c: c.list_collections(NextToken="garbage"),
        ),
        (
            "DeleteCollection",
            "ResourceNotFoundException",
            lambda c: c.delete_collection(CollectionId="nowhere"),
        ),
        (
            "IndexFaces",
            "InvalidParameterException",
            lambda c: c.index_faces(CollectionId="world", Image=image, ExternalImageId="a b"),
        ),
        (
            "ListFaces",
            "InvalidPaginationTokenException",
            lambda c: c.list_faces(CollectionId="world", NextToken="garbage"),
        ),
        (
            "DeleteFaces",
            "ResourceNotFoundException",
            lambda c: c.delete_faces(CollectionId="nowhere", FaceIds=[UNKNOWN_FACE]),
        ),
        (
            "SearchFaces",
            "InvalidParameterException",
            lambda c: c.search_faces(CollectionId="world", FaceId=UNKNOWN_FACE),
        ),
        (
            "SearchFacesByImage",
            "InvalidParameterException",
            lambda c: c.search_faces_by_image(
                CollectionId="world", Image={"Bytes": photo("coffee")}
            ),
        ),
        (
            "CreateUser",
            "ConflictException",
            lambda c: c.create_user(CollectionId="world", UserId="the-man"),
        ),
        (
            "CreateUser",
            "IdempotentParameterMismatchException",
            lambda c: (
                c.create_user(CollectionId="world", UserId="x1", ClientRequestToken="t"),
                c.create_user(CollectionId="world", UserId="x2", ClientRequestToken="t"),
            ),
        ),
        (
            "DeleteUser",
            "ResourceNotFoundException",
            lambda c: c.delete_user(CollectionId="world", UserId="nobody"),
        ),
        (
            "ListUsers",
            "InvalidPaginationTokenException",
            lambda c: c.list_users(CollectionId="world", NextToken="garbage"),
        ),
        (
            "AssociateFaces",
            "ResourceNotFoundException",
            lambda c: c.associate_faces(
                CollectionId="world", UserId="nobody", FaceIds=[UNKNOWN_FACE]
            ),
        ),
        (
            "DisassociateFaces",
            "ResourceNotFoundException",
            lambda c: c.disassociate_faces(
                CollectionId="world", UserId="nobody", FaceIds=[UNKNOWN_FACE]
            ),
        ),
        (
            "SearchUsers",
            "InvalidParameterException",
            lambda c: c.search_users(CollectionId="world"),
        ),
        (
            "SearchUsersByImage",
            "ResourceNotFoundException",
            lambda c: c.search_users_by_image(CollectionId="nowhere", Image=image),
        ),
        (
            "TagResource",
            "ResourceNotFoundException",
            lambda c: c.tag_resource(ResourceArn=world.arn + "-gone", Tags={"a": "b"}),
        ),
        (
            "UntagResource",
            "ResourceNotFoundException",
            lambda c: c.untag_resource(ResourceArn=world.arn + "-gone", TagKeys=["a"]),
        ),
        (
            "ListTagsForResource",
            "ResourceNotFoundException",
            lambda c: c.list_tags_for_resource(ResourceArn=world.arn + "-gone"),
        ),
        (
            "StartFaceDetection",
            "InvalidS3ObjectException",
            lambda c: c.start_face_detection(
                Video={"S3Object": {"Bucket": "media", "Name": "x.mp4"}}
            ),
        ),
        (
            "GetFaceDetection",
            "ResourceNotFoundException",
            lambda c: c.get_face_detection(JobId="f" * 64),
        ),
        (
            "StartFaceSearch",
            "ResourceNotFoundException",
            lambda c: c.start_face_search(Video=world.video, CollectionId="nowhere"),
        ),
        ("GetFaceSearch", "ResourceNotFoundException", lambda c: c.get_face_search(JobId="f" * 64)),
        (
            "RecognizeCelebrities",
            "InvalidImageFormatException",
            lambda c: c.recognize_celebrities(Image=gif),
        ),
        ("GetCelebrityInfo", "ResourceNotFoundException", lambda c: c.get_celebrity_info(Id="abc")),
        (
            "DetectProtectiveEquipment",
            "ImageTooLargeException",
            lambda c: c.detect_protective_equipment(
                Image={"Bytes": jpeg_of_size(4 * 1024 * 1024 + 1)}
            ),
        ),
        (
            "CreateFaceLivenessSession",
            "InvalidParameterException",
            lambda c: c.create_face_liveness_session(Settings={"AuditImagesLimit": 5}),
        ),
        (
            "GetFaceLivenessSessionResults",
            "SessionNotFoundException",
            lambda c: c.get_face_liveness_session_results(SessionId=UNKNOWN_FACE),
        ),
    ]


def test_modeled_errors_that_can_happen_offline_are_raised(aws: Aws) -> None:
    from moto_rekognition_faces.api.validation import service_model

    world = World(aws)
    client = aws.rekognition
    model = service_model()
    for operation, expected, call in error_cases(world):
        modeled = {shape.name for shape in model.operation_model(operation).error_shapes}
        assert expected in modeled, f"{expected} is not modeled for {operation}"
        code, status = error_of(lambda call=call: call(client))
        assert (operation, code, status) == (operation, expected, 400)


UNREACHABLE_OFFLINE = {
    "AccessDeniedException": 400,
    "InternalServerError": 500,
    "ThrottlingException": 500,
    "ProvisionedThroughputExceededException": 400,
}


def test_errors_only_aws_could_raise_are_injected_with_test_control(aws: Aws) -> None:
    import boto3

    from moto_rekognition_faces.api.validation import service_model

    client = boto3.client(
        "rekognition",
        region_name="us-east-1",
        endpoint_url=aws.endpoint,
        config=Config(retries={"total_max_attempts": 1}),
    )
    model = service_model()
    for operation in FACE_OPERATIONS:
        modeled = {shape.name for shape in model.operation_model(operation).error_shapes}
        for code, status in UNREACHABLE_OFFLINE.items():
            if code not in modeled:
                continue
            control.queue_error(operation, code)
            method = getattr(client, _snake(operation))
            with pytest.raises(client.exceptions.ClientError) as caught:
                method(**minimal_args(operation))
            response = caught.value.response
            assert response["Error"]["Code"] == code, operation
            assert response["ResponseMetadata"]["HTTPStatusCode"] == status, (operation, code)


def _snake(operation: str) -> str:
    return "".join("_" + ch.lower() if ch.isupper() else ch for ch in operation).lstrip("_")


def test_queued_responses_come_first_in_first_out_then_the_pipeline(aws: Aws) -> None:
    client = aws.rekognition
    canned = {
        "FaceDetails": [
            {
                "BoundingBox": {"Width": 0.5, "Height": 0.5, "Left": 0.1, "Top": 0.1},
                "Confidence": 42.0,
            }
        ]
    }
    control.queue_response("DetectFaces", canned)
    control.queue_response("DetectFaces", {"FaceDetails": []})
    first = client.detect_faces(Image={"Bytes": photo("t1")})
    assert first["FaceDetails"] == canned["FaceDetails"]
    assert client.detect_faces(Image={"Bytes": photo("t1")})["FaceDetails"] == []
    assert len(client.detect_faces(Image={"Bytes": photo("t1")})["FaceDetails"]) == 6


def test_queue_through_the_moto_api_route_and_reset_clears_it(moto_server: str) -> None:
    import boto3

    from tests.conftest import reset_server

    reset_server(moto_server)
    body = {
        "results": [
            {"operation": "ListCollections", "error": {"code": "ThrottlingException"}},
            {
                "operation": "ListCollections",
                "response": {"CollectionIds": ["canned"], "FaceModelVersions": ["7.0"]},
            },
            {"operation": "ListCollections", "response": {"CollectionIds": ["never-served"]}},
        ]
    }
    request = urllib.request.Request(
        f"{moto_server}/moto-api/static/rekognition/queued-results",
        data=json.dumps(body).encode(),
        method="POST",
    )
    assert urllib.request.urlopen(request, timeout=30).status == 201
    client = boto3.client(
        "rekognition",
        region_name="us-east-1",
        endpoint_url=moto_server,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": 1}),
    )
    with pytest.raises(client.exceptions.ThrottlingException):
        client.list_collections()
    assert client.list_collections()["CollectionIds"] == ["canned"]
    reset_server(moto_server)
    assert client.list_collections()["CollectionIds"] == []  # the third item went with reset
    bad = urllib.request.Request(
        f"{moto_server}/moto-api/static/rekognition/queued-results",
        data=b'{"results": [{"operation": "NoSuchOperation", "response": {}}]}',
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(bad, timeout=30)
    assert caught.value.code == 400


@pytest.mark.parametrize(
    "target, body, code",
    [
        ("DetectFacez", b"{}", "UnknownOperationException"),
        ("DetectFaces", b"{not json", "SerializationException"),
        ("DetectFaces", b"[1, 2]", "SerializationException"),
        ("DetectModerationLabels", b"{}", "NotImplementedException"),
    ],
)
def test_bad_requests_get_aws_style_json_errors_never_a_500(
    moto_server: str, target: str, body: bytes, code: str
) -> None:
    request = urllib.request.Request(
        moto_server,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": f"RekognitionService.{target}",
            "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/"
            "rekognition/aws4_request, SignedHeaders=host, Signature=0",
        },
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    assert caught.value.code in (400, 501)
    assert json.loads(caught.value.read())["__type"] == code


def test_a_region_without_rekognition_is_refused_cleanly(aws: Aws) -> None:
    client = aws.client("rekognition", region="xx-nowhere-1")
    with pytest.raises(client.exceptions.InvalidParameterException) as caught:
        client.list_collections()
    assert "not available in region xx-nowhere-1" in caught.value.response["Error"]["Message"]


def test_validation_error_code_is_configurable(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    client = aws.rekognition
    monkeypatch.setenv("MOTO_REKOGNITION_FACES_VALIDATION_ERROR", "ValidationException")
    with pytest.raises(client.exceptions.ClientError) as caught:
        client.list_collections(MaxResults=5000)
    error = caught.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert error["Message"] == (
        "1 validation error detected: Value '5000' at 'maxResults' failed to satisfy "
        "constraint: Member must have value less than or equal to 4096"
    )


def test_celebrities_are_recognised_only_from_the_catalogue(aws: Aws) -> None:
    client = aws.rekognition
    before = client.recognize_celebrities(Image={"Bytes": photo("players")})
    assert before["CelebrityFaces"] == [] and len(before["UnrecognizedFaces"]) == 64
    identifier = control.add_celebrity(
        "Yao Ming", photo("yaoming"), urls=["www.example.com/yao"], known_gender="Male"
    )
    after = client.recognize_celebrities(Image={"Bytes": photo("players")})
    (celebrity,) = after["CelebrityFaces"]
    assert celebrity["Name"] == "Yao Ming" and celebrity["Id"] == identifier
    assert celebrity["MatchConfidence"] >= 90 and celebrity["KnownGender"] == {"Type": "Male"}
    assert celebrity["Face"]["BoundingBox"]["Left"] * 1237 == pytest.approx(719, abs=12)
    assert len(after["UnrecognizedFaces"]) == 63
    info = client.get_celebrity_info(Id=identifier)
    assert info["Name"] == "Yao Ming" and info["Urls"] == ["www.example.com/yao"]


def test_liveness_sessions_follow_what_the_test_decides(aws: Aws) -> None:
    import cv2
    import numpy as np

    client = aws.rekognition
    session = client.create_face_liveness_session(
        Settings={"AuditImagesLimit": 1, "OutputConfig": {"S3Bucket": "audit"}}
    )["SessionId"]
    assert client.get_face_liveness_session_results(SessionId=session)["Status"] == "CREATED"
    portrait = cv2.imdecode(np.frombuffer(photo("yaoming"), np.uint8), cv2.IMREAD_COLOR)
    small = cv2.imencode(".jpg", portrait, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes()
    control.set_liveness_result(session, "SUCCEEDED", 98.5, reference_image=small)
    result = client.get_face_liveness_session_results(SessionId=session)
    assert_output_shape("GetFaceLivenessSessionResults", result)
    assert result["Status"] == "SUCCEEDED" and result["Confidence"] == 98.5
    assert result["ReferenceImage"]["Bytes"] == small
    box = result["ReferenceImage"]["BoundingBox"]
    assert 0.2 < box["Left"] < 0.5 and 0.3 < box["Width"] < 0.7  # his face, measured


def test_test_control_follows_moto_account_id(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "111122223333")
    control.queue_response("ListCollections", {"CollectionIds": ["from-control"]})
    assert aws.rekognition.list_collections()["CollectionIds"] == ["from-control"]
