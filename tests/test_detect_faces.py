"""DetectFaces through boto3, in decorator and server mode, on real photographs."""

from __future__ import annotations

import json

import pytest

from moto_rekognition_faces.api.serialize import ALL_LANDMARKS, DEFAULT_LANDMARKS
from tests.conftest import Aws, photo, raw_call
from tests.support.shapes import assert_output_shape, assert_wire_shape

DEFAULT_MEMBERS = {"BoundingBox", "Confidence", "Landmarks", "Pose", "Quality"}


def detect(aws: Aws, image: bytes, **kwargs: object) -> list[dict]:
    response = aws.rekognition.detect_faces(Image={"Bytes": image}, **kwargs)
    assert_output_shape("DetectFaces", response)
    assert "OrientationCorrection" not in response
    return response["FaceDetails"]


def centre(box: dict) -> tuple[float, float]:
    return box["Left"] + box["Width"] / 2, box["Top"] + box["Height"] / 2


def test_single_face_is_found_where_it_is(aws: Aws) -> None:
    faces = detect(aws, photo("astronaut"))
    assert len(faces) == 1
    face = faces[0]
    # The astronaut's face spans about x 180–275, y 55–180 of the 512 × 512 portrait.
    x, y = centre(face["BoundingBox"])
    assert 0.40 < x < 0.49 and 0.17 < y < 0.28
    assert 0.14 < face["BoundingBox"]["Width"] < 0.25
    assert face["Confidence"] > 90
    marks = {m["Type"]: m for m in face["Landmarks"]}
    assert marks["eyeLeft"]["X"] < marks["nose"]["X"] < marks["eyeRight"]["X"]
    assert marks["eyeLeft"]["Y"] < marks["nose"]["Y"] < marks["mouthLeft"]["Y"]
    box = face["BoundingBox"]
    for mark in face["Landmarks"]:
        assert box["Left"] < mark["X"] < box["Left"] + box["Width"]
        assert box["Top"] < mark["Y"] < box["Top"] + box["Height"]


def test_default_attributes_have_exactly_the_default_members(aws: Aws) -> None:
    for attributes in (None, ["DEFAULT"]):
        kwargs = {"Attributes": attributes} if attributes else {}
        (face,) = detect(aws, photo("grace_hopper"), **kwargs)
        assert set(face) == DEFAULT_MEMBERS
        assert [m["Type"] for m in face["Landmarks"]] == list(DEFAULT_LANDMARKS)
        pose, quality = face["Pose"], face["Quality"]
        assert all(-180 <= pose[k] <= 180 for k in ("Roll", "Yaw", "Pitch"))
        assert 0 <= quality["Brightness"] <= 100 and 0 <= quality["Sharpness"] <= 100


ALL_MEMBERS = DEFAULT_MEMBERS | {
    "AgeRange",
    "Smile",
    "Eyeglasses",
    "Sunglasses",
    "Gender",
    "Beard",
    "Mustache",
    "EyesOpen",
    "MouthOpen",
    "Emotions",
    "FaceOccluded",
    "EyeDirection",
}


def test_all_returns_every_member_and_thirty_landmarks(aws: Aws) -> None:
    (face,) = detect(aws, photo("astronaut"), Attributes=["ALL"])
    assert set(face) == ALL_MEMBERS
    assert [m["Type"] for m in face["Landmarks"]] == list(ALL_LANDMARKS)
    marks = {m["Type"]: (m["X"], m["Y"]) for m in face["Landmarks"]}
    # Anatomy: brows above eyes, eyes above the nose tip, mouth between nose and chin.
    assert marks["leftEyeBrowUp"][1] < marks["leftEyeUp"][1] < marks["leftEyeDown"][1]
    assert marks["leftEyeLeft"][0] < marks["leftPupil"][0] < marks["leftEyeRight"][0]
    assert marks["rightEyeLeft"][0] < marks["rightPupil"][0] < marks["rightEyeRight"][0]
    assert marks["noseLeft"][0] < marks["noseRight"][0]
    assert marks["nose"][1] < marks["mouthUp"][1] < marks["mouthDown"][1] < marks["chinBottom"][1]
    assert marks["upperJawlineLeft"][0] < marks["chinBottom"][0] < marks["upperJawlineRight"][0]


def test_all_attributes_describe_the_astronaut(aws: Aws) -> None:
    """A smiling woman of about 30 to 50, eyes open, no glasses, no beard, looking ahead."""
    (face,) = detect(aws, photo("astronaut"), Attributes=["ALL"])
    assert face["Gender"]["Value"] == "Female" and face["Gender"]["Confidence"] > 50
    assert face["AgeRange"]["Low"] <= 45 and face["AgeRange"]["High"] >= 30
    assert face["AgeRange"]["Low"] <= face["AgeRange"]["High"]
    assert face["Smile"]["Value"] is True
    assert face["EyesOpen"]["Value"] is True
    for member in ("Eyeglasses", "Sunglasses", "Beard", "Mustache", "FaceOccluded"):
        assert face[member]["Value"] is False, member
    emotions = {e["Type"]: e["Confidence"] for e in face["Emotions"]}
    assert set(emotions) == {
        "HAPPY",
        "SAD",
        "ANGRY",
        "CONFUSED",
        "DISGUSTED",
        "SURPRISED",
        "CALM",
        "FEAR",
    }
    assert sum(emotions.values()) == pytest.approx(100, abs=0.5)
    assert max(emotions, key=emotions.get) == "HAPPY"
    assert abs(face["EyeDirection"]["Yaw"]) < 20 and abs(face["EyeDirection"]["Pitch"]) < 20


def test_named_attributes_add_only_their_members(aws: Aws) -> None:
    (face,) = detect(aws, photo("grace_hopper"), Attributes=["DEFAULT", "EYEGLASSES"])
    assert set(face) == DEFAULT_MEMBERS | {"Eyeglasses"}
    assert face["Eyeglasses"]["Value"] is True
    assert len(face["Landmarks"]) == 5
    (face,) = detect(aws, photo("grace_hopper"), Attributes=["AGE_RANGE", "EMOTIONS"])
    assert set(face) == DEFAULT_MEMBERS | {"AgeRange", "Emotions"}
    assert face["AgeRange"]["High"] >= 60  # she was in her late seventies


def test_default_runs_none_of_the_attribute_models(aws: Aws) -> None:
    from moto_rekognition_faces.api.attributes import select

    assert select(None).needs == select(["DEFAULT"]).needs
    needs = select(["DEFAULT"]).needs
    assert not (
        needs.any_dense or needs.age_gender or needs.emotions or needs.gaze or needs.appearance
    )
    smile = select(["DEFAULT", "SMILE"]).needs
    assert smile.appearance and not smile.age_gender and not smile.gaze


def test_several_faces_come_largest_first(aws: Aws) -> None:
    faces = detect(aws, photo("t1"))
    assert len(faces) == 6
    areas = [f["BoundingBox"]["Width"] * f["BoundingBox"]["Height"] for f in faces]
    assert areas == sorted(areas, reverse=True)


def test_crowd_photo_returns_dozens_of_small_faces(aws: Aws) -> None:
    faces = detect(aws, photo("players"))
    assert len(faces) >= 48
    assert min(f["BoundingBox"]["Width"] for f in faces) < 0.02


def test_photo_without_faces_gives_an_empty_list(aws: Aws) -> None:
    assert detect(aws, photo("chelsea")) == []
    assert detect(aws, photo("coffee")) == []


def test_same_image_gives_byte_identical_responses(moto_server: str, aws_credentials: None) -> None:
    import base64

    body = {"Image": {"Bytes": base64.b64encode(photo("t1")).decode()}, "Attributes": ["ALL"]}
    first = raw_call(moto_server, "DetectFaces", body)
    second = raw_call(moto_server, "DetectFaces", body)
    assert first[0] == 200
    assert first == second
    assert_wire_shape("DetectFaces", json.loads(first[1]))


def test_image_from_s3_gives_the_same_faces_as_bytes(aws: Aws) -> None:
    aws.s3.create_bucket(Bucket="photos")
    aws.s3.put_object(Bucket="photos", Key="team/t1.jpg", Body=photo("t1"))
    from_s3 = aws.rekognition.detect_faces(
        Image={"S3Object": {"Bucket": "photos", "Name": "team/t1.jpg"}}
    )
    assert_output_shape("DetectFaces", from_s3)
    assert from_s3["FaceDetails"] == detect(aws, photo("t1"))


def test_s3_object_version_is_honoured(aws: Aws) -> None:
    aws.s3.create_bucket(Bucket="versions")
    aws.s3.put_bucket_versioning(Bucket="versions", VersioningConfiguration={"Status": "Enabled"})
    first = aws.s3.put_object(Bucket="versions", Key="p.png", Body=photo("astronaut"))
    aws.s3.put_object(Bucket="versions", Key="p.png", Body=photo("coffee"))
    location = {"Bucket": "versions", "Name": "p.png"}
    latest = aws.rekognition.detect_faces(Image={"S3Object": location})
    assert latest["FaceDetails"] == []
    old = aws.rekognition.detect_faces(
        Image={"S3Object": {**location, "Version": first["VersionId"]}}
    )
    assert len(old["FaceDetails"]) == 1


def test_moto_own_rekognition_operations_keep_working(aws: Aws) -> None:
    labels = aws.rekognition.detect_labels(Image={"Bytes": photo("astronaut")})
    assert labels["Labels"]
    text = aws.rekognition.detect_text(Image={"Bytes": photo("astronaut")})
    assert "TextDetections" in text


@pytest.mark.parametrize(
    "name, expected",
    [("camera", 1), ("tom_hanks", 1), ("single_face", 1), ("multi_face", 5), ("bearded_alpha", 1)],
)
def test_other_real_photos(aws: Aws, name: str, expected: int) -> None:
    """A profile in greyscale, a 112-pixel face crop, outdoor and group photos, an RGBA PNG."""
    assert len(detect(aws, photo(name))) == expected


def on_canvas(face_photo: bytes, scale: float, width: int, height: int) -> bytes:
    """The photo scaled by ``scale`` and pasted on a plain grey canvas of the given size."""
    import cv2
    import numpy as np

    image = cv2.imdecode(np.frombuffer(face_photo, np.uint8), cv2.IMREAD_COLOR)
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    canvas = np.full((height, width, 3), 128, np.uint8)
    canvas[100 : 100 + small.shape[0], 100 : 100 + small.shape[1]] = small
    return cv2.imencode(".jpg", canvas, [cv2.IMWRITE_JPEG_QUALITY, 95])[1].tobytes()


def test_minimum_face_size_grows_with_images_larger_than_full_hd(aws: Aws) -> None:
    # At 0.6× the astronaut's face is about 57 px wide: enough at 1920 × 1080 (minimum 40 px),
    # too small at 3840 × 2160, where the minimum doubles to 80 px.
    full_hd = detect(aws, on_canvas(photo("astronaut"), 0.6, 1920, 1080))
    assert len(full_hd) == 1
    assert 40 <= full_hd[0]["BoundingBox"]["Width"] * 1920 < 80
    assert detect(aws, on_canvas(photo("astronaut"), 0.6, 3840, 2160)) == []
    assert len(detect(aws, on_canvas(photo("astronaut"), 1.2, 3840, 2160))) == 1


def test_minimum_face_size_is_the_same_for_portrait_and_landscape_photos(aws: Aws) -> None:
    # A phone's portrait photo is no larger than its landscape twin: the 57-px face found at
    # 1920 × 1080 is found at 1080 × 1920 too, and the 80-px minimum of 4K holds both ways.
    assert len(detect(aws, on_canvas(photo("astronaut"), 0.6, 1080, 1920))) == 1
    assert detect(aws, on_canvas(photo("astronaut"), 0.6, 2160, 3840)) == []
    assert len(detect(aws, on_canvas(photo("astronaut"), 1.2, 2160, 3840))) == 1
