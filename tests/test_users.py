"""Users: grouping faces into people and searching for them, as an application would."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.conftest import Aws, photo
from tests.support.assets import asset_path
from tests.support.shapes import assert_output_shape


def frame(index: int) -> bytes:
    capture = cv2.VideoCapture(str(asset_path("single_face_video")))
    capture.set(cv2.CAP_PROP_POS_FRAMES, index)
    ok, image = capture.read()
    capture.release()
    assert ok
    return cv2.imencode(".jpg", image)[1].tobytes()


def yao_cropped_from_the_crowd() -> bytes:
    crowd = cv2.imdecode(np.frombuffer(photo("players"), np.uint8), cv2.IMREAD_COLOR)
    crop = crowd[110:230, 680:800]  # around his face at x 719–763, y 142–191
    enlarged = cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    return cv2.imencode(".png", enlarged)[1].tobytes()


def index_one(aws: Aws, collection: str, image: bytes, external: str) -> str:
    response = aws.rekognition.index_faces(
        CollectionId=collection, Image={"Bytes": image}, ExternalImageId=external
    )
    return response["FaceRecords"][0]["Face"]["FaceId"]


@pytest.fixture
def people(aws: Aws) -> dict[str, list[str]]:
    """A collection 'club' with two users: 'man' (three photos) and 'yao' (two photos)."""
    client = aws.rekognition
    client.create_collection(CollectionId="club")
    faces = {
        "man": [
            index_one(aws, "club", photo("single_face"), "man-outdoors"),
            index_one(aws, "club", frame(0), "man-indoors-0"),
            index_one(aws, "club", frame(20), "man-indoors-20"),
        ],
        "yao": [
            index_one(aws, "club", photo("yaoming"), "yao-portrait"),
            index_one(
                aws,
                "club",
                cv2.imencode(
                    ".jpg",
                    cv2.flip(
                        cv2.imdecode(np.frombuffer(photo("yaoming"), np.uint8), cv2.IMREAD_COLOR), 1
                    ),
                )[1].tobytes(),
                "yao-mirrored",
            ),
        ],
    }
    for user, face_ids in faces.items():
        client.create_user(CollectionId="club", UserId=user)
        response = client.associate_faces(CollectionId="club", UserId=user, FaceIds=face_ids)
        assert_output_shape("AssociateFaces", response)
        assert [f["FaceId"] for f in response["AssociatedFaces"]] == face_ids
        assert response["UserStatus"] == "ACTIVE"
    return faces


def test_each_person_is_found_from_a_new_photo_or_a_crop_of_a_group(
    aws: Aws, people: dict[str, list[str]]
) -> None:
    client = aws.rekognition
    for image, expected in ((frame(60), "man"), (yao_cropped_from_the_crowd(), "yao")):
        response = client.search_users_by_image(CollectionId="club", Image={"Bytes": image})
        assert_output_shape("SearchUsersByImage", response)
        assert [m["User"]["UserId"] for m in response["UserMatches"]] == [expected]
        assert response["UserMatches"][0]["Similarity"] >= 80
        assert response["UserMatches"][0]["User"]["UserStatus"] == "ACTIVE"
        assert "BoundingBox" in response["SearchedFace"]["FaceDetail"]
    stranger = client.search_users_by_image(
        CollectionId="club", Image={"Bytes": photo("astronaut")}
    )
    assert stranger["UserMatches"] == []


def test_a_user_scores_at_least_as_well_as_its_average_single_face(
    aws: Aws, people: dict[str, list[str]]
) -> None:
    client = aws.rekognition
    new_photo = frame(60)
    user = client.search_users_by_image(CollectionId="club", Image={"Bytes": new_photo})
    faces = client.search_faces_by_image(
        CollectionId="club", Image={"Bytes": new_photo}, FaceMatchThreshold=0, MaxFaces=10
    )
    own = [m["Similarity"] for m in faces["FaceMatches"] if m["Face"].get("UserId") == "man"]
    assert len(own) == 3
    assert user["UserMatches"][0]["Similarity"] >= sum(own) / len(own)


def test_associations_show_in_faces_and_block_deletion(
    aws: Aws, people: dict[str, list[str]]
) -> None:
    client = aws.rekognition
    listed = client.list_faces(CollectionId="club", UserId="man")["Faces"]
    assert sorted(f["FaceId"] for f in listed) == sorted(people["man"])
    assert all(f["UserId"] == "man" for f in listed)
    refused = client.delete_faces(CollectionId="club", FaceIds=[people["man"][0]])
    assert refused["DeletedFaces"] == []
    assert refused["UnsuccessfulFaceDeletions"] == [
        {"FaceId": people["man"][0], "UserId": "man", "Reasons": ["ASSOCIATED_TO_AN_EXISTING_USER"]}
    ]
    released = client.disassociate_faces(
        CollectionId="club", UserId="man", FaceIds=[people["man"][0], people["yao"][0]]
    )
    assert_output_shape("DisassociateFaces", released)
    assert released["DisassociatedFaces"] == [{"FaceId": people["man"][0]}]
    assert released["UnsuccessfulFaceDisassociations"] == [
        {"FaceId": people["yao"][0], "UserId": "yao", "Reasons": ["ASSOCIATED_TO_A_DIFFERENT_USER"]}
    ]
    assert client.delete_faces(CollectionId="club", FaceIds=[people["man"][0]])["DeletedFaces"]


def test_associate_faces_reports_each_refusal(aws: Aws, people: dict[str, list[str]]) -> None:
    client = aws.rekognition
    eileen = index_one(aws, "club", photo("astronaut"), "eileen")
    missing = "11111111-2222-4333-8444-555555555555"
    response = client.associate_faces(
        CollectionId="club",
        UserId="man",
        FaceIds=[people["man"][0], people["yao"][0], missing, eileen],
    )
    assert response["AssociatedFaces"] == []  # the man's own face is silently ignored
    refusals = {r["FaceId"]: r for r in response["UnsuccessfulFaceAssociations"]}
    assert refusals[people["yao"][0]]["Reasons"] == ["ASSOCIATED_TO_A_DIFFERENT_USER"]
    assert refusals[people["yao"][0]]["UserId"] == "yao"
    assert refusals[missing]["Reasons"] == ["FACE_NOT_FOUND"]
    assert refusals[eileen]["Reasons"] == ["LOW_MATCH_CONFIDENCE"]
    assert refusals[eileen]["Confidence"] < 75
    lenient = client.associate_faces(
        CollectionId="club", UserId="man", FaceIds=[eileen], UserMatchThreshold=0
    )
    assert lenient["AssociatedFaces"] == [{"FaceId": eileen}]


def test_users_list_in_creation_order_with_paging_and_status(aws: Aws) -> None:
    client = aws.rekognition
    client.create_collection(CollectionId="roster")
    for user in ("zoe", "adam", "mia", "bob", "eve"):
        client.create_user(CollectionId="roster", UserId=user)
    pages = list(
        client.get_paginator("list_users").paginate(
            CollectionId="roster", PaginationConfig={"PageSize": 2}
        )
    )
    assert len(pages) == 3
    users = [u for page in pages for u in page["Users"]]
    assert [u["UserId"] for u in users] == ["zoe", "adam", "mia", "bob", "eve"]
    assert {u["UserStatus"] for u in users} == {"CREATED"}
    assert client.describe_collection(CollectionId="roster")["UserCount"] == 5


def test_delete_user_keeps_its_faces_but_frees_them(aws: Aws, people: dict[str, list[str]]) -> None:
    client = aws.rekognition
    assert client.delete_user(CollectionId="club", UserId="yao")["ResponseMetadata"]
    faces = {f["FaceId"]: f for f in client.list_faces(CollectionId="club")["Faces"]}
    assert all(face_id in faces and "UserId" not in faces[face_id] for face_id in people["yao"])
    assert client.describe_collection(CollectionId="club")["UserCount"] == 1
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.delete_user(CollectionId="club", UserId="yao")


def test_search_users_by_face_or_by_user(aws: Aws, people: dict[str, list[str]]) -> None:
    client = aws.rekognition
    by_face = client.search_users(CollectionId="club", FaceId=people["man"][1])
    assert_output_shape("SearchUsers", by_face)
    assert by_face["SearchedFace"] == {"FaceId": people["man"][1]}
    assert [m["User"]["UserId"] for m in by_face["UserMatches"]] == ["man"]
    by_user = client.search_users(CollectionId="club", UserId="man", UserMatchThreshold=0)
    assert by_user["SearchedUser"] == {"UserId": "man"}
    assert [m["User"]["UserId"] for m in by_user["UserMatches"]] == ["yao"]
    assert by_user["UserMatches"][0]["Similarity"] < 50
    with pytest.raises(client.exceptions.InvalidParameterException):
        client.search_users(CollectionId="club")
    with pytest.raises(client.exceptions.InvalidParameterException):
        client.search_users(CollectionId="club", UserId="man", FaceId=people["man"][0])
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.search_users(CollectionId="club", UserId="nobody")
    with pytest.raises(client.exceptions.InvalidParameterException):
        client.search_users(CollectionId="club", FaceId="11111111-2222-4333-8444-555555555555")


def test_users_without_faces_never_match(aws: Aws, people: dict[str, list[str]]) -> None:
    client = aws.rekognition
    client.create_user(CollectionId="club", UserId="empty")
    response = client.search_users(
        CollectionId="club", FaceId=people["man"][0], UserMatchThreshold=0
    )
    assert "empty" not in {m["User"]["UserId"] for m in response["UserMatches"]}
    assert client.search_users(CollectionId="club", UserId="empty")["UserMatches"] == []


def test_search_users_by_image_reports_the_other_faces(
    aws: Aws, people: dict[str, list[str]]
) -> None:
    client = aws.rekognition
    group = client.search_users_by_image(CollectionId="club", Image={"Bytes": photo("t1")})
    assert len(group["UnsearchedFaces"]) == 5
    assert all(f["Reasons"] == ["FACE_NOT_LARGEST"] for f in group["UnsearchedFaces"])
    nobody = client.search_users_by_image(CollectionId="club", Image={"Bytes": photo("coffee")})
    assert nobody["UserMatches"] == [] and "SearchedFace" not in nobody


def test_client_request_token_makes_retries_idempotent(aws: Aws) -> None:
    client = aws.rekognition
    client.create_collection(CollectionId="tokens")
    client.create_user(CollectionId="tokens", UserId="ann", ClientRequestToken="token-1")
    client.create_user(CollectionId="tokens", UserId="ann", ClientRequestToken="token-1")
    assert len(client.list_users(CollectionId="tokens")["Users"]) == 1
    with pytest.raises(client.exceptions.IdempotentParameterMismatchException) as caught:
        client.create_user(CollectionId="tokens", UserId="bea", ClientRequestToken="token-1")
    assert "token-1" in caught.value.response["Error"]["Message"]
    with pytest.raises(client.exceptions.ConflictException):
        client.create_user(CollectionId="tokens", UserId="ann")  # boto3 fills a fresh token
    face = index_one(aws, "tokens", photo("astronaut"), "ann")
    first = client.associate_faces(
        CollectionId="tokens", UserId="ann", FaceIds=[face], ClientRequestToken="assoc"
    )
    again = client.associate_faces(
        CollectionId="tokens", UserId="ann", FaceIds=[face], ClientRequestToken="assoc"
    )
    assert again["AssociatedFaces"] == first["AssociatedFaces"] == [{"FaceId": face}]


def test_a_user_holds_at_most_one_hundred_faces(aws: Aws) -> None:
    client = aws.rekognition
    client.create_collection(CollectionId="cap")
    client.create_user(CollectionId="cap", UserId="eileen")
    image = photo("astronaut")
    face_ids = [index_one(aws, "cap", image, f"copy-{n}") for n in range(101)]
    assert len(set(face_ids)) == 101
    response = client.associate_faces(CollectionId="cap", UserId="eileen", FaceIds=face_ids[:100])
    assert len(response["AssociatedFaces"]) == 100
    with pytest.raises(client.exceptions.ServiceQuotaExceededException):
        client.associate_faces(CollectionId="cap", UserId="eileen", FaceIds=face_ids[100:])


@pytest.mark.parametrize(
    "operation, kwargs",
    [
        ("create_user", {"UserId": "u"}),
        ("delete_user", {"UserId": "u"}),
        ("list_users", {}),
        ("associate_faces", {"UserId": "u", "FaceIds": ["11111111-2222-4333-8444-555555555555"]}),
        (
            "disassociate_faces",
            {"UserId": "u", "FaceIds": ["11111111-2222-4333-8444-555555555555"]},
        ),
        ("search_users", {"UserId": "u"}),
    ],
)
def test_unknown_collection_or_user_is_resource_not_found(
    aws: Aws, operation: str, kwargs: dict
) -> None:
    call = getattr(aws.rekognition, operation)
    with pytest.raises(aws.rekognition.exceptions.ResourceNotFoundException):
        call(CollectionId="missing", **kwargs)
    aws.rekognition.create_collection(CollectionId="present")
    if operation not in ("create_user", "list_users"):
        with pytest.raises(aws.rekognition.exceptions.ResourceNotFoundException):
            call(CollectionId="present", **kwargs)
