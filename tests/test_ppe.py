"""DetectProtectiveEquipment through boto3, in decorator and server mode, on real photographs.

Equipment is put on real people from their own landmarks (tests/support/covers.py): a hard hat,
a surgical-mask texture from insightface's package, nitrile-coloured gloves on hands the pose
and hand models found. Bare people in the same photos are the negatives.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import cv2
import numpy as np
import pytest

from moto_rekognition_faces.vision import body, hands, landmarks, pipeline
from moto_rekognition_faces.vision import equipment as ppe_equipment
from tests.conftest import Aws, photo
from tests.support.covers import gloves, hard_hat, masked
from tests.support.images import jpeg_bytes, jpeg_of_size, png_bytes, sample_picture
from tests.support.shapes import assert_output_shape

BLUE_NITRILE = (200, 120, 40)  # BGR


@cache
def picture(name: str) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(photo(name), np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image


def detect(aws: Aws, image: bytes, **kwargs: Any) -> dict[str, Any]:
    response = aws.rekognition.detect_protective_equipment(Image={"Bytes": image}, **kwargs)
    assert_output_shape("DetectProtectiveEquipment", response)
    response.pop("ResponseMetadata")
    return response


def required(*types: str, minimum: float = 80.0) -> dict[str, Any]:
    return {"MinConfidence": minimum, "RequiredEquipmentTypes": list(types)}


def parts(person: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {part["Name"]: part for part in person["BodyParts"]}


def equipment(person: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [
        item
        for part in person["BodyParts"]
        for item in part["EquipmentDetections"]
        if item["Type"] == kind
    ]


def inside(point: tuple[float, float], box: dict[str, float], slack: float = 0.0) -> bool:
    x, y = point
    return (
        box["Left"] - slack <= x <= box["Left"] + box["Width"] + slack
        and box["Top"] - slack <= y <= box["Top"] + box["Height"] + slack
    )


def person_with_face(response: dict[str, Any], face_centre: tuple[float, float]) -> dict:
    """The person whose box holds the face centre and is centred on it across (the face's own:
    in a group photo a neighbour's box, widened by an arm in view, may hold the face too)."""
    holding = [p for p in response["Persons"] if inside(face_centre, p["BoundingBox"])]
    assert holding, f"no person around the face at {face_centre}"

    def off_centre(person: dict) -> float:
        box = person["BoundingBox"]
        return abs(box["Left"] + box["Width"] / 2 - face_centre[0])

    return min(holding, key=off_centre)


def faces_of(image: np.ndarray) -> list[tuple[Any, np.ndarray]]:
    found = pipeline.find_faces(image)
    return list(zip(found, landmarks.predict_many(image, found), strict=True))


def centre_ratio(box: np.ndarray, image: np.ndarray) -> tuple[float, float]:
    height, width = image.shape[:2]
    return (float(box[0] + box[2]) / 2 / width, float(box[1] + box[3]) / 2 / height)


# --------------------------------------------------------------------------- people


def test_every_person_in_a_group_photo_is_found_with_face_and_head(aws: Aws) -> None:
    image = picture("t1")
    response = detect(aws, photo("t1"))
    assert response["ProtectiveEquipmentModelVersion"]
    assert "Summary" not in response  # only when SummarizationAttributes are given
    persons = response["Persons"]
    assert len(persons) >= 5
    assert [p["Id"] for p in persons] == list(range(len(persons)))
    for person in persons:
        assert {"FACE", "HEAD"} <= set(parts(person))
        assert person["Confidence"] >= 50
        assert all(part["Confidence"] >= 50 for part in person["BodyParts"])
    # Each of the six faces sits inside some person's box.
    for face, _ in faces_of(image):
        person_with_face(response, centre_ratio(face.box, image))
    # Persons come largest first.
    areas = [p["BoundingBox"]["Width"] * p["BoundingBox"]["Height"] for p in persons]
    assert areas == sorted(areas, reverse=True)


def test_a_person_box_spans_the_body_below_the_face(aws: Aws) -> None:
    (person,) = detect(aws, photo("astronaut"))["Persons"]
    box = person["BoundingBox"]
    # The astronaut's face spans about y 0.11-0.35 of the portrait; her body fills the bottom.
    assert box["Top"] < 0.11 and box["Top"] + box["Height"] > 0.95
    assert box["Width"] > 0.4


def test_bare_people_wear_nothing_and_are_reported_without(aws: Aws) -> None:
    response = detect(aws, photo("t1"), SummarizationAttributes=required("HEAD_COVER"))
    for person in response["Persons"]:
        assert not equipment(person, "HEAD_COVER")
        assert not equipment(person, "FACE_COVER")
    summary = response["Summary"]
    assert summary["PersonsWithRequiredEquipment"] == []
    confident = [p["Id"] for p in response["Persons"] if p["Confidence"] >= 80]
    assert sorted(summary["PersonsWithoutRequiredEquipment"]) == sorted(confident)


def test_a_photo_without_people_has_no_persons(aws: Aws) -> None:
    response = detect(aws, photo("chelsea"), SummarizationAttributes=required("FACE_COVER"))
    assert response["Persons"] == []
    assert response["Summary"] == {
        "PersonsWithRequiredEquipment": [],
        "PersonsWithoutRequiredEquipment": [],
        "PersonsIndeterminate": [],
    }


# --------------------------------------------------------------------------- equipment


@pytest.mark.parametrize("colour", ["yellow", "white", "orange", "blue"])
def test_a_hard_hat_is_a_head_cover_above_the_face(aws: Aws, colour: str) -> None:
    image = picture("astronaut")
    face, points = faces_of(image)[0]
    helmeted = hard_hat(image, points, colour)
    response = detect(aws, jpeg_bytes(helmeted), SummarizationAttributes=required("HEAD_COVER"))
    (person,) = response["Persons"]
    (item,) = equipment(person, "HEAD_COVER")
    assert item["Confidence"] >= 90
    assert item["CoversBodyPart"]["Value"] and item["CoversBodyPart"]["Confidence"] >= 90
    hat = item["BoundingBox"]
    height, width = image.shape[:2]
    eyes_y = float(points[[38, 88], 1].mean()) / height
    assert hat["Top"] < face.box[1] / height  # rises above the face box
    assert hat["Top"] + hat["Height"] <= eyes_y  # and stops above the eyes
    face_x = centre_ratio(face.box, image)[0]  # and sits over the face, not beside it
    assert hat["Left"] - 0.5 * hat["Width"] <= face_x <= hat["Left"] + 1.5 * hat["Width"]
    assert response["Summary"]["PersonsWithRequiredEquipment"] == [0]


def test_only_the_people_given_hard_hats_have_head_covers(aws: Aws) -> None:
    image = picture("t1")
    faces = faces_of(image)
    helmeted = image
    for (_, points), colour in zip(faces[:3], ["yellow", "orange", "white"], strict=True):
        helmeted = hard_hat(helmeted, points, colour)
    # One hatted man stands at the top edge, his hat out of frame: his person confidence (face
    # and body model) is below 80, so the summary is asked at 50 to judge every person's head.
    attributes = required("HEAD_COVER", minimum=50.0)
    response = detect(aws, jpeg_bytes(helmeted), SummarizationAttributes=attributes)
    with_hat = [person_with_face(response, centre_ratio(f.box, image))["Id"] for f, _ in faces[:3]]
    bare = [person_with_face(response, centre_ratio(f.box, image))["Id"] for f, _ in faces[3:]]
    summary = response["Summary"]
    assert sorted(summary["PersonsWithRequiredEquipment"]) == sorted(with_hat)
    assert not set(bare) & set(summary["PersonsWithRequiredEquipment"])


def test_a_mask_is_a_face_cover_over_the_lower_face(aws: Aws) -> None:
    image = picture("astronaut")
    face, points = faces_of(image)[0]
    covered = masked(image, points, picture("mask_blue"))
    attributes = required("FACE_COVER")
    response = detect(aws, jpeg_bytes(covered), SummarizationAttributes=attributes)
    (person,) = response["Persons"]
    (item,) = equipment(person, "FACE_COVER")
    assert item in parts(person)["FACE"]["EquipmentDetections"]
    assert item["Confidence"] >= 90 and item["CoversBodyPart"]["Value"]
    height, width = image.shape[:2]
    mouth = (float(points[[52, 61], 0].mean()) / width, float(points[[52, 61], 1].mean()) / height)
    assert inside(mouth, item["BoundingBox"])
    assert item["BoundingBox"]["Top"] > float(points[[38, 88], 1].mean()) / height  # below eyes
    assert response["Summary"]["PersonsWithRequiredEquipment"] == [0]
    bare = detect(aws, photo("astronaut"), SummarizationAttributes=attributes)
    assert bare["Summary"]["PersonsWithoutRequiredEquipment"] == [0]


def seen_hands(image: np.ndarray) -> tuple[Any, list[hands.Hand]]:
    """The face and both hands of the person in t1 whose two hands are in view."""
    for face, _ in faces_of(image):
        found = body.estimate(image, face)
        pair = hands.find(image, found, face.height) if found is not None else []
        if len(pair) == 2:
            return face, pair
    raise AssertionError("nobody in t1 shows both hands")


def test_bare_hands_in_view_are_hand_parts_without_gloves(aws: Aws) -> None:
    image = picture("t1")
    face, pair = seen_hands(image)
    response = detect(aws, photo("t1"), SummarizationAttributes=required("HAND_COVER"))
    person = person_with_face(response, centre_ratio(face.box, image))
    assert {"LEFT_HAND", "RIGHT_HAND"} <= set(parts(person))
    assert not equipment(person, "HAND_COVER")
    assert person["Id"] in response["Summary"]["PersonsWithoutRequiredEquipment"]


def test_a_gloved_hand_no_longer_matches_the_persons_skin() -> None:
    # The hand model loses strongly coloured hands (docs/PPE.md), so the glove estimator is
    # checked on the hands found before the gloves were put on.
    image = picture("t1")
    face, pair = seen_hands(image)
    gloved = gloves(image, [hand.points for hand in pair], BLUE_NITRILE)
    bare_skin = ppe_equipment.head(image, landmarks.predict(image, face)).skin
    gloved_skin = ppe_equipment.head(gloved, landmarks.predict(gloved, face)).skin
    for hand in pair:
        assert ppe_equipment.hand_cover(image, hand.points, bare_skin) < 0.1
        assert ppe_equipment.hand_cover(gloved, hand.points, gloved_skin) > 0.9


def test_the_subjects_left_hand_is_on_the_image_right_of_a_facing_person() -> None:
    image = picture("t1")
    _, pair = seen_hands(image)
    by_side = {hand.side: hand.points[:, 0].mean() for hand in pair}
    assert by_side["LEFT"] > by_side["RIGHT"]


def test_hands_out_of_view_make_a_glove_requirement_indeterminate(aws: Aws) -> None:
    # The astronaut's hands are below the frame: nothing to judge, so neither with nor without.
    response = detect(aws, photo("astronaut"), SummarizationAttributes=required("HAND_COVER"))
    (person,) = response["Persons"]
    assert not {"LEFT_HAND", "RIGHT_HAND"} & set(parts(person))
    assert response["Summary"]["PersonsIndeterminate"] == [0]


# --------------------------------------------------------------------------- summary rules


def test_min_confidence_below_50_behaves_like_50(aws: Aws) -> None:
    image = photo("t1")
    low = detect(aws, image, SummarizationAttributes=required("HEAD_COVER", minimum=0))
    fifty = detect(aws, image, SummarizationAttributes=required("HEAD_COVER", minimum=50))
    assert low["Summary"] == fifty["Summary"]


def test_a_higher_min_confidence_never_adds_people_with_equipment(aws: Aws) -> None:
    image = picture("astronaut")
    _, points = faces_of(image)[0]
    data = jpeg_bytes(hard_hat(image, points, "yellow"))
    counts = []
    for minimum in (50, 80, 99.9):
        response = detect(
            aws, data, SummarizationAttributes=required("HEAD_COVER", minimum=minimum)
        )
        counts.append(len(response["Summary"]["PersonsWithRequiredEquipment"]))
    assert counts == sorted(counts, reverse=True)


def test_the_same_image_gives_the_same_answer(aws: Aws) -> None:
    first = detect(aws, photo("multi_face"), SummarizationAttributes=required("FACE_COVER"))
    again = detect(aws, photo("multi_face"), SummarizationAttributes=required("FACE_COVER"))
    assert first == again


def test_an_image_in_s3_works_like_bytes(aws: Aws) -> None:
    aws.s3.create_bucket(Bucket="site-photos")
    aws.s3.put_object(Bucket="site-photos", Key="crew.jpg", Body=photo("t1"))
    from_s3 = aws.rekognition.detect_protective_equipment(
        Image={"S3Object": {"Bucket": "site-photos", "Name": "crew.jpg"}}
    )
    from_s3.pop("ResponseMetadata")
    assert from_s3 == detect(aws, photo("t1"))


# --------------------------------------------------------------------------- limits and errors


def error_code(aws: Aws, **kwargs: Any) -> str:
    client = aws.rekognition
    with pytest.raises(client.exceptions.ClientError) as caught:
        client.detect_protective_equipment(**kwargs)
    return caught.value.response["Error"]["Code"]


def test_images_down_to_64_pixels_are_accepted(aws: Aws) -> None:
    small = png_bytes(sample_picture(64, 64))
    assert detect(aws, small)["Persons"] == []
    tiny = png_bytes(sample_picture(63, 64))
    assert error_code(aws, Image={"Bytes": tiny}) == "InvalidParameterException"


def test_more_than_4_mb_of_bytes_is_too_large(aws: Aws) -> None:
    limit = 4 * 1024 * 1024
    assert detect(aws, jpeg_of_size(limit))["Persons"] == []
    assert error_code(aws, Image={"Bytes": jpeg_of_size(limit + 1)}) == "ImageTooLargeException"


def test_a_side_over_4096_pixels_is_too_large(aws: Aws) -> None:
    wide = png_bytes(sample_picture(4097, 80))
    assert error_code(aws, Image={"Bytes": wide}) == "ImageTooLargeException"


@pytest.mark.parametrize(
    "attributes",
    [
        {"MinConfidence": 101, "RequiredEquipmentTypes": ["FACE_COVER"]},
        {"MinConfidence": 80, "RequiredEquipmentTypes": ["SAFETY_VEST"]},
    ],
)
def test_bad_summarization_attributes_are_invalid_parameters(
    aws: Aws, attributes: dict[str, Any]
) -> None:
    code = error_code(aws, Image={"Bytes": photo("astronaut")}, SummarizationAttributes=attributes)
    assert code == "InvalidParameterException"
