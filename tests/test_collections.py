"""Face collections as applications use them, through boto3 in both moto modes."""

from __future__ import annotations

import datetime
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np
import pytest

from tests.conftest import Aws, photo, reset_server
from tests.support.shapes import assert_output_shape

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def index(aws: Aws, collection: str, name: str, external: str | None = None, **kwargs) -> dict:
    extra = {"ExternalImageId": external} if external else {}
    response = aws.rekognition.index_faces(
        CollectionId=collection, Image={"Bytes": photo(name)}, **extra, **kwargs
    )
    assert_output_shape("IndexFaces", response)
    assert "OrientationCorrection" not in response
    return response


def search_by_image(aws: Aws, collection: str, image: bytes, **kwargs) -> dict:
    response = aws.rekognition.search_faces_by_image(
        CollectionId=collection, Image={"Bytes": image}, **kwargs
    )
    assert_output_shape("SearchFacesByImage", response)
    return response


def error_code(call, **kwargs) -> str:
    with pytest.raises(Exception) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"]  # type: ignore[attr-defined]


def frame_of(name: str, index_: int) -> bytes:
    from tests.support.assets import asset_path

    capture = cv2.VideoCapture(str(asset_path(name)))
    capture.set(cv2.CAP_PROP_POS_FRAMES, index_)
    ok, frame = capture.read()
    capture.release()
    assert ok
    return cv2.imencode(".jpg", frame)[1].tobytes()


def test_index_people_then_recognise_them_in_new_photos(aws: Aws) -> None:
    client = aws.rekognition
    created = client.create_collection(CollectionId="staff")
    assert created["StatusCode"] == 200 and created["FaceModelVersion"] == "7.0"
    for name in ("single_face", "astronaut", "grace_hopper", "yaoming"):
        (record,) = index(aws, "staff", name, external=name)["FaceRecords"]
        assert record["Face"]["ExternalImageId"] == name
    # A new photo of the man: a frame of his video, indoors, months apart.
    found = search_by_image(aws, "staff", frame_of("single_face_video", 40))
    assert [m["Face"]["ExternalImageId"] for m in found["FaceMatches"]] == ["single_face"]
    assert found["FaceMatches"][0]["Similarity"] >= 80
    assert found["SearchedFaceConfidence"] > 90
    # A stranger is matched with nobody.
    assert search_by_image(aws, "staff", photo("bearded_alpha"))["FaceMatches"] == []


def test_find_a_person_among_the_faces_of_an_indexed_crowd(aws: Aws) -> None:
    aws.rekognition.create_collection(CollectionId="event")
    indexed = index(aws, "event", "players", external="match-day", QualityFilter="NONE")
    assert len(indexed["FaceRecords"]) >= 48
    found = search_by_image(aws, "event", photo("yaoming"))
    (match,) = found["FaceMatches"]
    box = match["Face"]["BoundingBox"]
    assert box["Left"] * 1237 == pytest.approx(719, abs=12)  # where he stands in the crowd
    assert match["Face"]["ExternalImageId"] == "match-day"


def test_a_face_cropped_out_of_a_group_photo_finds_its_person(aws: Aws) -> None:
    aws.rekognition.create_collection(CollectionId="people")
    index(aws, "people", "yaoming", external="yao")
    index(aws, "people", "astronaut", external="eileen")
    crowd = cv2.imdecode(np.frombuffer(photo("players"), np.uint8), cv2.IMREAD_COLOR)
    crop = crowd[110:230, 680:800]  # around his face (x 719–763, y 142–191)
    enlarged = cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    found = search_by_image(aws, "people", cv2.imencode(".png", enlarged)[1].tobytes())
    assert [m["Face"]["ExternalImageId"] for m in found["FaceMatches"]] == ["yao"]


def test_face_records_carry_face_and_detail_largest_first(aws: Aws) -> None:
    aws.rekognition.create_collection(CollectionId="t1")
    response = index(aws, "t1", "t1", external="friends")
    records = response["FaceRecords"]
    assert len(records) + len(response["UnindexedFaces"]) == 6
    areas = [
        r["Face"]["BoundingBox"]["Width"] * r["Face"]["BoundingBox"]["Height"] for r in records
    ]
    assert areas == sorted(areas, reverse=True)
    image_ids = {r["Face"]["ImageId"] for r in records}
    assert len(image_ids) == 1
    for record in records:
        assert set(record["Face"]) == {
            "FaceId",
            "BoundingBox",
            "ImageId",
            "ExternalImageId",
            "Confidence",
            "IndexFacesModelVersion",
        }
        assert record["Face"]["BoundingBox"] == record["FaceDetail"]["BoundingBox"]
        assert len(record["FaceDetail"]["Landmarks"]) == 5
    assert response["FaceModelVersion"] == "7.0"


def test_detection_attributes_all_gives_thirty_landmarks(aws: Aws) -> None:
    aws.rekognition.create_collection(CollectionId="attrs")
    (record,) = index(aws, "attrs", "astronaut", DetectionAttributes=["ALL"])["FaceRecords"]
    assert len(record["FaceDetail"]["Landmarks"]) == 30


def test_reindexing_the_same_image_stores_no_duplicates(aws: Aws) -> None:
    client = aws.rekognition
    client.create_collection(CollectionId="dedup")
    first = index(aws, "dedup", "multi_face", external="party")["FaceRecords"]
    again = index(aws, "dedup", "multi_face", external="party")["FaceRecords"]
    assert [r["Face"]["FaceId"] for r in again] == [r["Face"]["FaceId"] for r in first]
    assert client.describe_collection(CollectionId="dedup")["FaceCount"] == len(first)
    other = index(aws, "dedup", "multi_face", external="party-2")["FaceRecords"]
    assert {r["Face"]["ImageId"] for r in other} == {r["Face"]["ImageId"] for r in first}
    assert client.describe_collection(CollectionId="dedup")["FaceCount"] == 2 * len(first)


def test_max_faces_keeps_the_best_and_reports_the_rest(aws: Aws) -> None:
    aws.rekognition.create_collection(CollectionId="max")
    response = index(aws, "max", "t1", MaxFaces=2, QualityFilter="NONE")
    assert len(response["FaceRecords"]) == 2
    assert len(response["UnindexedFaces"]) == 4
    assert all(u["Reasons"] == ["EXCEEDS_MAX_FACES"] for u in response["UnindexedFaces"])


def test_quality_filter_auto_refuses_tiny_crowd_faces_with_reasons(aws: Aws) -> None:
    aws.rekognition.create_collection(CollectionId="crowd")
    auto = index(aws, "crowd", "players")  # QualityFilter defaults to AUTO
    reasons = {r for face in auto["UnindexedFaces"] for r in face["Reasons"]}
    assert auto["UnindexedFaces"] and reasons <= {
        "LOW_CONFIDENCE",
        "SMALL_BOUNDING_BOX",
        "LOW_SHARPNESS",
        "LOW_BRIGHTNESS",
        "EXTREME_POSE",
    }
    aws.rekognition.create_collection(CollectionId="crowd-none")
    none = index(aws, "crowd-none", "players", QualityFilter="NONE")
    assert none["UnindexedFaces"] == []
    assert len(none["FaceRecords"]) > len(auto["FaceRecords"])


def test_image_without_faces_indexes_nothing(aws: Aws) -> None:
    aws.rekognition.create_collection(CollectionId="empty")
    response = index(aws, "empty", "coffee")
    assert response["FaceRecords"] == [] and response["UnindexedFaces"] == []


def test_list_faces_pages_in_face_id_order_and_filters(aws: Aws) -> None:
    client = aws.rekognition
    client.create_collection(CollectionId="many")
    index(aws, "many", "players", QualityFilter="NONE")
    pages = list(
        client.get_paginator("list_faces").paginate(
            CollectionId="many", PaginationConfig={"PageSize": 7}
        )
    )
    for page in pages:
        assert_output_shape("ListFaces", page)
        assert page["FaceModelVersion"] == "7.0"
    ids = [face["FaceId"] for page in pages for face in page["Faces"]]
    assert len(pages) > 5 and ids == sorted(ids) and len(set(ids)) == len(ids)
    assert client.describe_collection(CollectionId="many")["FaceCount"] == len(ids)
    some = client.list_faces(CollectionId="many", FaceIds=ids[3:6])
    assert [f["FaceId"] for f in some["Faces"]] == ids[3:6]
    with pytest.raises(client.exceptions.InvalidPaginationTokenException):
        client.list_faces(CollectionId="many", NextToken="not-a-token")


def test_delete_faces_reports_unknown_ids_and_search_forgets_deleted(aws: Aws) -> None:
    client = aws.rekognition
    client.create_collection(CollectionId="del")
    (kept,) = index(aws, "del", "yaoming", external="yao")["FaceRecords"]
    (gone,) = index(aws, "del", "single_face", external="man")["FaceRecords"]
    missing = "11111111-2222-4333-8444-555555555555"
    response = client.delete_faces(CollectionId="del", FaceIds=[gone["Face"]["FaceId"], missing])
    assert_output_shape("DeleteFaces", response)
    assert response["DeletedFaces"] == [gone["Face"]["FaceId"]]
    assert response["UnsuccessfulFaceDeletions"] == [
        {"FaceId": missing, "Reasons": ["FACE_NOT_FOUND"]}
    ]
    assert client.describe_collection(CollectionId="del")["FaceCount"] == 1
    assert search_by_image(aws, "del", photo("single_face"))["FaceMatches"] == []
    assert (
        search_by_image(aws, "del", photo("yaoming"))["FaceMatches"][0]["Face"]["FaceId"]
        == (kept["Face"]["FaceId"])
    )


def test_search_faces_never_returns_the_searched_face(aws: Aws) -> None:
    client = aws.rekognition
    client.create_collection(CollectionId="search")
    (still,) = index(aws, "search", "single_face", external="still")["FaceRecords"]
    aws.rekognition.index_faces(
        CollectionId="search",
        Image={"Bytes": frame_of("single_face_video", 10)},
        ExternalImageId="frame",
    )
    index(aws, "search", "t1", external="others")
    response = client.search_faces(CollectionId="search", FaceId=still["Face"]["FaceId"])
    assert_output_shape("SearchFaces", response)
    assert response["SearchedFaceId"] == still["Face"]["FaceId"]
    assert [m["Face"]["ExternalImageId"] for m in response["FaceMatches"]] == ["frame"]
    everyone = client.search_faces(
        CollectionId="search", FaceId=still["Face"]["FaceId"], FaceMatchThreshold=0, MaxFaces=3
    )["FaceMatches"]
    scores = [m["Similarity"] for m in everyone]
    assert len(everyone) == 3 and scores == sorted(scores, reverse=True)
    assert still["Face"]["FaceId"] not in {m["Face"]["FaceId"] for m in everyone}
    unknown = "99999999-2222-4333-8444-555555555555"
    with pytest.raises(client.exceptions.InvalidParameterException):
        client.search_faces(CollectionId="search", FaceId=unknown)


def test_search_by_image_without_a_face_is_invalid_parameter(aws: Aws) -> None:
    client = aws.rekognition
    client.create_collection(CollectionId="noface")
    with pytest.raises(client.exceptions.InvalidParameterException) as caught:
        client.search_faces_by_image(CollectionId="noface", Image={"Bytes": photo("chelsea")})
    assert "no faces" in caught.value.response["Error"]["Message"]


def test_collection_life_cycle_and_listing(aws: Aws) -> None:
    client = aws.rekognition
    before = datetime.datetime.now(datetime.UTC)
    for name in ("b", "a", "C", "c", "d.e-f_g"):
        arn = client.create_collection(CollectionId=name)["CollectionArn"]
        assert arn == f"aws:rekognition:us-east-1:123456789012:collection/{name}"
    with pytest.raises(client.exceptions.ResourceAlreadyExistsException) as caught:
        client.create_collection(CollectionId="a")
    assert caught.value.response["Error"]["Message"] == "The collection id: a already exists."
    pages = list(
        client.get_paginator("list_collections").paginate(PaginationConfig={"PageSize": 2})
    )
    assert len(pages) == 3
    ids = [i for page in pages for i in page["CollectionIds"]]
    assert ids == sorted(["b", "a", "C", "c", "d.e-f_g"])
    assert all(page["FaceModelVersions"] == ["7.0"] * len(page["CollectionIds"]) for page in pages)
    described = client.describe_collection(CollectionId="C")
    assert_output_shape("DescribeCollection", described)
    assert described["CollectionARN"] == "arn:aws:rekognition:us-east-1:123456789012:collection/C"
    assert described["FaceCount"] == 0 and described["UserCount"] == 0
    # To the second: a timestamp is not a float32 (which would round it by up to a minute).
    second = datetime.timedelta(seconds=1)
    assert before - second <= described["CreationTimestamp"] <= datetime.datetime.now(datetime.UTC)
    assert client.delete_collection(CollectionId="C")["StatusCode"] == 200
    with pytest.raises(client.exceptions.ResourceNotFoundException) as caught:
        client.describe_collection(CollectionId="C")
    assert caught.value.response["Error"]["Message"] == "The collection id: C does not exist"


@pytest.mark.parametrize(
    "operation, kwargs",
    [
        ("describe_collection", {}),
        ("delete_collection", {}),
        ("list_faces", {}),
        ("delete_faces", {"FaceIds": ["11111111-2222-4333-8444-555555555555"]}),
        ("search_faces", {"FaceId": "11111111-2222-4333-8444-555555555555"}),
        ("index_faces", {"Image": {"Bytes": b"not even an image"}}),
        ("search_faces_by_image", {"Image": {"Bytes": b"not even an image"}}),
    ],
)
def test_unknown_collection_is_resource_not_found(aws: Aws, operation: str, kwargs: dict) -> None:
    call = getattr(aws.rekognition, operation)
    assert error_code(call, CollectionId="nope", **kwargs) == "ResourceNotFoundException"


def test_tags_on_collection_arns(aws: Aws) -> None:
    client = aws.rekognition
    client.create_collection(CollectionId="tagged", Tags={"team": "vision", "env": "test"})
    arn = client.describe_collection(CollectionId="tagged")["CollectionARN"]
    assert client.list_tags_for_resource(ResourceArn=arn)["Tags"] == {
        "team": "vision",
        "env": "test",
    }
    client.tag_resource(ResourceArn=arn, Tags={"owner": "qa"})
    client.untag_resource(ResourceArn=arn, TagKeys=["env"])
    assert client.list_tags_for_resource(ResourceArn=arn)["Tags"] == {
        "team": "vision",
        "owner": "qa",
    }
    missing = arn.replace("tagged", "missing")
    assert error_code(client.list_tags_for_resource, ResourceArn=missing) == (
        "ResourceNotFoundException"
    )
    assert error_code(client.tag_resource, ResourceArn=arn, Tags={"aws:x": "y"}) == (
        "InvalidParameterException"
    )


@pytest.mark.parametrize(
    "operation, kwargs",
    [
        ("create_collection", {"CollectionId": "has/slash"}),
        ("create_collection", {"CollectionId": "x" * 256}),
        (
            "index_faces",
            {"CollectionId": "ok", "Image": {"Bytes": b"x"}, "ExternalImageId": "my photo.jpg"},
        ),
        ("index_faces", {"CollectionId": "ok", "Image": {"Bytes": b"x"}, "QualityFilter": "BEST"}),
        ("list_faces", {"CollectionId": "ok", "MaxResults": 5000}),
        ("search_faces", {"CollectionId": "ok", "FaceId": "not-a-uuid"}),
        (
            "search_faces",
            {
                "CollectionId": "ok",
                "FaceId": "11111111-2222-4333-8444-555555555555",
                "MaxFaces": 4097,
            },
        ),
        (
            "search_faces",
            {
                "CollectionId": "ok",
                "FaceId": "11111111-2222-4333-8444-555555555555",
                "FaceMatchThreshold": 101,
            },
        ),
    ],
)
def test_model_constraints_are_enforced(aws: Aws, operation: str, kwargs: dict) -> None:
    aws.rekognition.create_collection(CollectionId="ok")
    call = getattr(aws.rekognition, operation)
    assert error_code(call, **kwargs) == "InvalidParameterException"


def test_collections_belong_to_their_region(aws: Aws) -> None:
    aws.client("rekognition", "us-east-1").create_collection(CollectionId="east")
    west = aws.client("rekognition", "eu-west-1")
    assert west.list_collections()["CollectionIds"] == []
    west.create_collection(CollectionId="east")  # the same id is free in another region


def test_reset_clears_every_collection(aws: Aws) -> None:
    aws.rekognition.create_collection(CollectionId="ephemeral")
    if aws.mode == "server":
        assert aws.endpoint is not None
        reset_server(aws.endpoint)
    else:
        from moto.core.base_backend import BackendDict

        BackendDict.reset()  # what mock_aws does on exit and /moto-api/reset does on a server
    assert aws.rekognition.list_collections()["CollectionIds"] == []


def test_parallel_index_search_and_delete_lose_nothing(
    moto_server: str, aws_credentials: None
) -> None:
    """A server runs each request on its own thread: concurrent calls must not lose faces."""
    reset_server(moto_server)
    aws = Aws("server", moto_server)
    client = aws.rekognition
    client.create_collection(CollectionId="busy")
    (anchor,) = index(aws, "busy", "astronaut", external="anchor")["FaceRecords"]
    image = photo("astronaut")

    def add(n: int) -> str:
        response = aws.rekognition.index_faces(
            CollectionId="busy", Image={"Bytes": image}, ExternalImageId=f"copy-{n}"
        )
        return response["FaceRecords"][0]["Face"]["FaceId"]

    def search(_: int) -> int:
        return len(
            aws.rekognition.search_faces(
                CollectionId="busy", FaceId=anchor["Face"]["FaceId"], FaceMatchThreshold=0
            )["FaceMatches"]
        )

    with ThreadPoolExecutor(max_workers=6) as pool:
        added = list(pool.map(add, range(12)))
        searches = [pool.submit(search, n) for n in range(12)]
        deletions = [
            pool.submit(aws.rekognition.delete_faces, CollectionId="busy", FaceIds=[face_id])
            for face_id in added[:6]
        ]
        more = list(pool.map(add, range(12, 18)))
        assert all(0 <= s.result() <= 18 for s in searches)
        assert all(d.result()["DeletedFaces"] for d in deletions)
    remaining = {f["FaceId"] for f in client.list_faces(CollectionId="busy")["Faces"]}
    assert remaining == {anchor["Face"]["FaceId"], *added[6:], *more}
    assert client.describe_collection(CollectionId="busy")["FaceCount"] == 13
