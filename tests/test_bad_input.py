"""Bad input against the standalone server, across every face operation: each refusal is the AWS
error code with a message, never an HTTP 5xx, and the server's log never shows a traceback.

boto3 sends what botocore lets through (bad images, broken patterns, out-of-range numbers, bad
tokens, unknown ids); raw HTTP sends what botocore would refuse (bad JSON, bad base64, members
of the wrong type). The pattern, range, enum and type sweeps are driven by botocore's service
model, so a member added to the model is covered without editing this file.
"""

from __future__ import annotations

import base64
import functools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import cv2
import numpy as np
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from moto_rekognition_faces.api.validation import _pattern, service_model
from tests.conftest import REGION, photo, raw_call
from tests.support import images
from tests.support.assets import asset_path
from tests.support.cli import standalone_server
from tests.support.requests import JPEG_START, minimal_args
from tests.test_conformance import FACE_OPERATIONS

UUID = "11111111-2222-4333-8444-555555555555"
ARN = "arn:aws:rekognition:us-east-1:123456789012:collection/world"
VIDEO = {"S3Object": {"Bucket": "media", "Name": "man.mp4"}}


@dataclass
class Server:
    """The console script's server, its log file and a client without retries (a 5xx must be
    seen, not retried away)."""

    url: str
    log: Path
    client: Any = None
    seen: int = 0  # bytes of the log already checked

    def new_log(self) -> str:
        text = self.log.read_bytes()[self.seen :].decode("utf-8", errors="replace")
        self.seen += len(text.encode())
        return text


@dataclass
class World:
    face_ids: list[str] = field(default_factory=list)
    detection_job: str = ""
    search_job: str = ""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("server") / "server.log"
    env = {"MOTO_REKOGNITION_FACES_VIDEO_SYNC": "1", "PYTHONUNBUFFERED": "1"}
    with standalone_server(log=log, env=env) as url:
        client = boto3.client(
            "rekognition",
            region_name=REGION,
            endpoint_url=url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"total_max_attempts": 1}),
        )
        yield Server(url, log, client)


@pytest.fixture(scope="module")
def world(server: Server) -> World:
    """A collection with two faces and two users, a video and two finished jobs."""
    client, found = server.client, World()
    client.create_collection(CollectionId="world")
    for name in ("single_face", "astronaut"):
        records = client.index_faces(CollectionId="world", Image={"Bytes": photo(name)})
        found.face_ids.append(records["FaceRecords"][0]["Face"]["FaceId"])
    for user in ("ada", "grace"):
        client.create_user(CollectionId="world", UserId=user)
    s3 = boto3.client(
        "s3",
        region_name=REGION,
        endpoint_url=server.url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    s3.create_bucket(Bucket="media")
    s3.put_object(Bucket="media", Key="man.mp4", Body=asset_path("single_face_video").read_bytes())
    found.detection_job = client.start_face_detection(Video=VIDEO)["JobId"]  # jobs are sync
    found.search_job = client.start_face_search(Video=VIDEO, CollectionId="world")["JobId"]
    return found


@pytest.fixture(autouse=True)
def log_stays_clean(server: Server, world: World) -> Iterator[None]:
    """After each test: no traceback and no HTTP 5xx in what the server logged meanwhile."""
    server.new_log()
    yield
    text = server.new_log()
    assert "Traceback" not in text, text[-3000:]
    assert not re.search(r'HTTP/1\.[01]" 5\d\d ', text), text[-3000:]


def refusal(call: Callable[[], Any]) -> tuple[int, str, str]:
    """(HTTP status, error code, message) of a boto3 call that must fail."""
    try:
        call()
    except ClientError as error:
        response = error.response
        return (
            response["ResponseMetadata"]["HTTPStatusCode"],
            response["Error"]["Code"],
            response["Error"].get("Message", ""),
        )
    raise AssertionError("the call succeeded")


def post(url: str, operation: str, body: bytes) -> tuple[int, str, str]:
    """(HTTP status, __type, message) of a raw Rekognition request that must fail."""
    status, raw = raw_call(url, operation, body)
    if status < 400:
        raise AssertionError(f"{operation} answered {status}: {raw!r}")
    answer = json.loads(raw)
    return status, answer.get("__type", ""), answer.get("message", "")


def check(
    wrong: list[str], case: str, expected: str, answer: tuple[int, str, str], *hints: str
) -> None:
    """Collect what is wrong with one refusal: status, code, and a message naming ``hints``."""
    status, code, message = answer
    if status != 400 or code != expected:
        wrong.append(f"{case}: {status} {code} ({message}), expected 400 {expected}")
    elif not message or any(hint not in message for hint in hints):
        wrong.append(f"{case}: message {message!r} should name {hints}")


# --- images ---------------------------------------------------------------------------------


def _good() -> dict[str, bytes]:
    return {"Bytes": photo("single_face")}


# Every place an operation takes an image, as (name, call with that image).
IMAGE_CALLS: dict[str, Callable[[Any, dict[str, Any]], Any]] = {
    "DetectFaces": lambda c, image: c.detect_faces(Image=image, Attributes=["ALL"]),
    "CompareFaces.SourceImage": lambda c, image: c.compare_faces(
        SourceImage=image, TargetImage=_good()
    ),
    "CompareFaces.TargetImage": lambda c, image: c.compare_faces(
        SourceImage=_good(), TargetImage=image
    ),
    "IndexFaces": lambda c, image: c.index_faces(CollectionId="world", Image=image),
    "SearchFacesByImage": lambda c, image: c.search_faces_by_image(
        CollectionId="world", Image=image
    ),
    "SearchUsersByImage": lambda c, image: c.search_users_by_image(
        CollectionId="world", Image=image
    ),
    "RecognizeCelebrities": lambda c, image: c.recognize_celebrities(Image=image),
    "DetectProtectiveEquipment": lambda c, image: c.detect_protective_equipment(Image=image),
}


@functools.cache
def _picture() -> np.ndarray:
    return cv2.imdecode(np.frombuffer(photo("astronaut"), np.uint8), cv2.IMREAD_COLOR)


# name → (bytes, the error every image operation answers)
BAD_IMAGES: dict[str, tuple[Callable[[], bytes], str]] = {
    "random bytes": (lambda: images.random_bytes(20_000, seed=16), "InvalidImageFormatException"),
    "truncated JPEG": (
        lambda: images.truncated(photo("t1"), keep=0.5),
        "InvalidImageFormatException",
    ),
    "truncated PNG": (
        lambda: images.truncated(photo("astronaut"), keep=0.5),
        "InvalidImageFormatException",
    ),
    "JPEG header only": (lambda: b"\xff\xd8\xff\xe0", "InvalidImageFormatException"),
    "1 x 1 PNG": (
        lambda: images.png_bytes(np.zeros((1, 1, 3), np.uint8)),
        "InvalidParameterException",
    ),
    "decompression bomb": (lambda: images.png_bomb(16000, 16000), "ImageTooLargeException"),
    "over 5 MB": (lambda: images.oversized_jpeg(), "ImageTooLargeException"),
    "GIF": (lambda: images.gif_bytes(), "InvalidImageFormatException"),
    "WebP": (lambda: images.webp_bytes(_picture()), "InvalidImageFormatException"),
    "TIFF": (lambda: images.tiff_bytes(_picture()), "InvalidImageFormatException"),
    "BMP": (lambda: images.bmp_bytes(_picture()), "InvalidImageFormatException"),
}


@pytest.mark.parametrize("kind", list(BAD_IMAGES))
def test_every_image_operation_refuses_bad_images(server: Server, kind: str) -> None:
    build, expected = BAD_IMAGES[kind]
    image = {"Bytes": build()}
    wrong: list[str] = []
    for name, call in IMAGE_CALLS.items():
        answer = refusal(lambda call=call: call(server.client, image))
        check(wrong, f"{name} with {kind}", expected, answer)
    assert wrong == []


def test_empty_and_undecodable_base64_images_are_refused(server: Server) -> None:
    """botocore never sends these: empty Bytes (it checks the minimum length) and bytes that
    are not base64 (it encodes them itself)."""
    wrong: list[str] = []
    good = {"Bytes": base64.b64encode(photo("single_face")).decode()}
    for name in IMAGE_CALLS:
        operation, _, member = name.partition(".")
        args = {**_valid_args(operation, wire=True), "SourceImage": good, "TargetImage": good}
        if operation != "CompareFaces":
            del args["SourceImage"], args["TargetImage"]
        if "CollectionId" in args:
            args["CollectionId"] = "world"
        for value, hint in (("", "empty"), ("not base64 at all!", "base64")):
            args[member or "Image"] = {"Bytes": value}
            answer = post(server.url, operation, json.dumps(args).encode())
            check(wrong, f"{name} Bytes={value!r}", "InvalidParameterException", answer, hint)
    assert wrong == []


# --- request bodies ---------------------------------------------------------------------------


def _valid_args(operation: str, wire: bool = False) -> dict[str, Any]:
    """Arguments that pass every check of the service model. ``wire``: blobs as base64 text,
    as in JSON."""
    blob = base64.b64encode(JPEG_START).decode() if wire else JPEG_START
    return minimal_args(operation, blob)


def _snake(operation: str) -> str:
    return "".join("_" + ch.lower() if ch.isupper() else ch for ch in operation).lstrip("_")


def _coral(name: str) -> str:
    return name[:1].lower() + name[1:]


def _members(operation: str) -> dict[str, Any]:
    shape = service_model().operation_model(operation).input_shape
    return dict(shape.members) if shape is not None else {}


@pytest.mark.parametrize("body", [b"{not json", b'{"CollectionId": "c"', b"[1, 2]", b"\xff\xfe"])
def test_bodies_that_are_not_a_json_object_are_serialization_errors(
    server: Server, body: bytes
) -> None:
    wrong: list[str] = []
    for operation in FACE_OPERATIONS:
        answer = post(server.url, operation, body)
        check(wrong, f"{operation} {body!r}", "SerializationException", answer)
    assert wrong == []


WRONG_TYPE = {
    "string": 7,
    "integer": "seven",
    "long": "seven",
    "float": "seven",
    "double": "seven",
    "boolean": "yes",
    "blob": [1, 2],
    "list": "a",
    "map": ["a"],
    "structure": "a",
}


def test_members_of_the_wrong_type_are_serialization_errors(server: Server) -> None:
    """Each member of each operation in turn, top level, plus the nested image members."""
    wrong: list[str] = []
    cases = [
        (operation, {name: WRONG_TYPE[member.type_name]}, _coral(name))
        for operation in FACE_OPERATIONS
        for name, member in _members(operation).items()
    ]
    cases += [
        ("DetectFaces", {"Image": {"Bytes": 12345}}, "image.bytes"),
        ("DetectFaces", {"Image": {"S3Object": "bucket/key"}}, "image.s3Object"),
        ("DetectFaces", {"Image": {"S3Object": {"Bucket": ["media"]}}}, "image.s3Object.bucket"),
        ("IndexFaces", {"DetectionAttributes": [1]}, "detectionAttributes.1.member"),
        ("TagResource", {"Tags": {"a": 1}}, "tags.value"),
    ]
    for operation, change, path in cases:
        body = {**_valid_args(operation, wire=True), **change}
        answer = post(server.url, operation, json.dumps(body).encode())
        check(wrong, f"{operation} {change}", "SerializationException", answer, f"'{path}'")
    assert wrong == []


BAD_STRINGS = ("bad value!", "bad/value with spaces", "\u2603")


def _breaking(pattern: str, low: int, high: int) -> str | None:
    """A string of allowed length that the member's pattern refuses."""
    for value in BAD_STRINGS:
        if low <= len(value) <= high and not _pattern(pattern).fullmatch(value):
            return value
    return None


def test_ids_and_strings_breaking_their_pattern_or_enum_are_refused(server: Server) -> None:
    """CollectionId, FaceId, UserId, JobId, SessionId, ClientRequestToken... every top-level
    string member with a pattern or an enum, through boto3."""
    wrong: list[str] = []
    for operation in FACE_OPERATIONS:
        for name, member in _members(operation).items():
            if member.type_name != "string":
                continue
            if member.enum:
                value = "NOT_A_VALUE"
            elif pattern := member.metadata.get("pattern"):
                found = _breaking(
                    pattern, member.metadata.get("min", 0), member.metadata.get("max", 10**6)
                )
                if found is None:
                    continue
                value = found
            else:
                continue
            args = {**_valid_args(operation), name: value}
            method = getattr(server.client, _snake(operation))
            answer = refusal(lambda method=method, args=args: method(**args))
            check(
                wrong,
                f"{operation}.{name}={value!r}",
                "InvalidParameterException",
                answer,
                f"'{_coral(name)}'",
            )
    assert wrong == []


def test_numbers_out_of_range_are_refused(server: Server) -> None:
    wrong: list[str] = []
    for operation in FACE_OPERATIONS:
        for name, member in _members(operation).items():
            high = member.metadata.get("max")
            if member.type_name not in {"integer", "float"} or high is None:
                continue
            args = {**_valid_args(operation), name: high + 1}
            method = getattr(server.client, _snake(operation))
            answer = refusal(lambda method=method, args=args: method(**args))
            check(
                wrong,
                f"{operation}.{name}={high + 1}",
                "InvalidParameterException",
                answer,
                f"'{_coral(name)}'",
            )
    assert wrong == []


# --- things that do not exist -----------------------------------------------------------------


def test_unknown_jobs_collections_users_and_faces(server: Server, world: World) -> None:
    client, wrong = server.client, []
    cases: list[tuple[str, str, Callable[[], Any]]] = [
        (
            "GetFaceDetection unknown",
            "ResourceNotFoundException",
            lambda: client.get_face_detection(JobId="0" * 64),
        ),
        (
            "GetFaceSearch unknown",
            "ResourceNotFoundException",
            lambda: client.get_face_search(JobId="0" * 64),
        ),
        (
            "GetFaceSearch of a detection job",
            "ResourceNotFoundException",
            lambda: client.get_face_search(JobId=world.detection_job),
        ),
        (
            "GetFaceDetection of a search job",
            "ResourceNotFoundException",
            lambda: client.get_face_detection(JobId=world.search_job),
        ),
        (
            "DescribeCollection",
            "ResourceNotFoundException",
            lambda: client.describe_collection(CollectionId="nowhere"),
        ),
        (
            "ListFaces",
            "ResourceNotFoundException",
            lambda: client.list_faces(CollectionId="nowhere"),
        ),
        (
            "ListUsers",
            "ResourceNotFoundException",
            lambda: client.list_users(CollectionId="nowhere"),
        ),
        (
            "IndexFaces",
            "ResourceNotFoundException",
            lambda: client.index_faces(CollectionId="nowhere", Image=_good()),
        ),
        (
            "StartFaceSearch",
            "ResourceNotFoundException",
            lambda: client.start_face_search(Video=VIDEO, CollectionId="nowhere"),
        ),
        (
            "StartFaceDetection of a missing object",
            "InvalidS3ObjectException",
            lambda: client.start_face_detection(
                Video={"S3Object": {"Bucket": "media", "Name": "no.mp4"}}
            ),
        ),
        (
            "SearchFaces unknown face",
            "InvalidParameterException",
            lambda: client.search_faces(CollectionId="world", FaceId=UUID),
        ),
        (
            "AssociateFaces unknown user",
            "ResourceNotFoundException",
            lambda: client.associate_faces(
                CollectionId="world", UserId="nobody", FaceIds=[world.face_ids[0]]
            ),
        ),
        (
            "GetCelebrityInfo",
            "ResourceNotFoundException",
            lambda: client.get_celebrity_info(Id="abc"),
        ),
        (
            "GetFaceLivenessSessionResults",
            "SessionNotFoundException",
            lambda: client.get_face_liveness_session_results(SessionId=UUID),
        ),
        (
            "ListTagsForResource",
            "ResourceNotFoundException",
            lambda: client.list_tags_for_resource(ResourceArn=ARN + "-gone"),
        ),
    ]
    for case, expected, call in cases:
        check(wrong, case, expected, refusal(call))
    assert wrong == []


def test_bad_pagination_tokens_are_refused(server: Server, world: World) -> None:
    client, wrong = server.client, []
    faces_token = client.list_faces(CollectionId="world", MaxResults=1)["NextToken"]
    listings: dict[str, Callable[[str], Any]] = {
        "ListCollections": lambda token: client.list_collections(NextToken=token),
        "ListFaces": lambda token: client.list_faces(CollectionId="world", NextToken=token),
        "ListUsers": lambda token: client.list_users(CollectionId="world", NextToken=token),
        "GetFaceDetection": lambda token: client.get_face_detection(
            JobId=world.detection_job, NextToken=token
        ),
        "GetFaceSearch": lambda token: client.get_face_search(
            JobId=world.search_job, NextToken=token
        ),
    }
    for operation, call in listings.items():
        tokens = ["garbage", base64.urlsafe_b64encode(b'["x", 1]').decode(), "%%%"]
        if operation != "ListFaces":
            tokens.append(faces_token)  # a real token, of another listing
        for token in tokens:
            answer = refusal(lambda call=call, token=token: call(token))
            check(
                wrong, f"{operation} NextToken={token!r}", "InvalidPaginationTokenException", answer
            )
    assert wrong == []
