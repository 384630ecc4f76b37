"""CompareFaces through boto3 in both moto modes: real recognition on real photos."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from moto_rekognition_faces.vision import embedder
from tests.conftest import Aws, photo
from tests.support.assets import asset_path
from tests.support.shapes import assert_output_shape


def compare(aws: Aws, source: bytes, target: bytes, **kwargs: object) -> dict:
    response = aws.rekognition.compare_faces(
        SourceImage={"Bytes": source}, TargetImage={"Bytes": target}, **kwargs
    )
    assert_output_shape("CompareFaces", response)
    assert "SourceImageOrientationCorrection" not in response
    assert "TargetImageOrientationCorrection" not in response
    return response


def encode(image: np.ndarray, quality: int = 92) -> bytes:
    return cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])[1].tobytes()


def decode(data: bytes) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)


def augmentations(image: np.ndarray) -> dict[str, bytes]:
    """Changed copies of one photo: what a second photo of the same person might differ by."""
    h, w = image.shape[:2]
    rotation = cv2.getRotationMatrix2D((w / 2, h / 2), 12, 1.0)
    return {
        "crop": encode(image[: int(h * 0.6), int(w * 0.15) : int(w * 0.8)]),
        "half_scale": encode(cv2.resize(image, (w // 2, h // 2), interpolation=cv2.INTER_AREA)),
        "rotated": encode(cv2.warpAffine(image, rotation, (w, h), borderValue=(128, 128, 128))),
        "jpeg_q20": encode(image, quality=20),
        "darker": encode(cv2.convertScaleAbs(image, alpha=0.6, beta=0)),
        "brighter": encode(cv2.convertScaleAbs(image, alpha=1.0, beta=60)),
    }


def video_frames(name: str, indices: list[int]) -> list[bytes]:
    capture = cv2.VideoCapture(str(asset_path(name)))
    frames = []
    for index in indices:
        capture.set(cv2.CAP_PROP_POS_FRAMES, index)
        ok, frame = capture.read()
        assert ok, f"frame {index} of {name}"
        frames.append(encode(frame))
    capture.release()
    return frames


def test_same_photo_scores_at_least_99(aws: Aws) -> None:
    for name in ("astronaut", "single_face"):
        response = compare(aws, photo(name), photo(name))
        (match,) = response["FaceMatches"]
        assert match["Similarity"] >= 99
        assert response["UnmatchedFaces"] == []


def test_changed_copies_of_a_photo_still_match(aws: Aws) -> None:
    original = photo("astronaut")
    for kind, copy in augmentations(decode(original)).items():
        response = compare(aws, original, copy)
        assert len(response["FaceMatches"]) == 1, kind
        assert response["FaceMatches"][0]["Similarity"] >= 90, kind


def test_a_man_matches_frames_of_his_video(aws: Aws) -> None:
    still = photo("single_face")
    for frame in video_frames("single_face_video", [0, 35, 70]):
        response = compare(aws, still, frame)
        assert len(response["FaceMatches"]) == 1
        assert response["FaceMatches"][0]["Similarity"] >= 80


def test_a_man_is_found_in_a_crowd_and_nobody_else_matches(aws: Aws) -> None:
    response = compare(aws, photo("yaoming"), photo("players"))
    (match,) = response["FaceMatches"]
    box = match["Face"]["BoundingBox"]
    # He stands at pixels x 719–763, y 142–191 of the 1237 × 800 photo.
    assert box["Left"] * 1237 == pytest.approx(719, abs=12)
    assert box["Top"] * 800 == pytest.approx(142, abs=12)
    assert len(response["UnmatchedFaces"]) >= 48


def test_different_people_stay_below_50(aws: Aws) -> None:
    response = compare(aws, photo("astronaut"), photo("t1"), SimilarityThreshold=0)
    assert len(response["FaceMatches"]) == 6
    assert all(m["Similarity"] < 50 for m in response["FaceMatches"])
    response = compare(aws, photo("grace_hopper"), photo("multi_face"))
    assert response["FaceMatches"] == []
    assert len(response["UnmatchedFaces"]) == 5


def test_threshold_splits_target_faces_and_orders_matches(aws: Aws) -> None:
    everyone = compare(aws, photo("t1"), photo("t1"), SimilarityThreshold=0)
    scores = [m["Similarity"] for m in everyone["FaceMatches"]]
    assert len(scores) == 6 and scores == sorted(scores, reverse=True)
    assert scores[0] >= 99
    default = compare(aws, photo("t1"), photo("t1"))
    assert len(default["FaceMatches"]) == 1 and len(default["UnmatchedFaces"]) == 5
    for face in default["UnmatchedFaces"]:
        assert set(face) == {"BoundingBox", "Confidence", "Landmarks", "Pose", "Quality"}
        assert len(face["Landmarks"]) == 5
    exact = scores[2]
    at = compare(aws, photo("t1"), photo("t1"), SimilarityThreshold=exact)
    assert len(at["FaceMatches"]) == 3  # a match needs Similarity >= threshold


def test_source_face_is_the_largest_face_of_the_source(aws: Aws) -> None:
    response = compare(aws, photo("t1"), photo("astronaut"), SimilarityThreshold=0)
    assert set(response["SourceImageFace"]) == {"BoundingBox", "Confidence"}
    largest = aws.rekognition.detect_faces(Image={"Bytes": photo("t1")})["FaceDetails"][0]
    assert response["SourceImageFace"]["BoundingBox"] == largest["BoundingBox"]


def test_source_without_a_face_is_invalid_parameter(aws: Aws) -> None:
    client = aws.rekognition
    with pytest.raises(client.exceptions.InvalidParameterException) as caught:
        client.compare_faces(
            SourceImage={"Bytes": photo("coffee")}, TargetImage={"Bytes": photo("t1")}
        )
    assert "no faces" in caught.value.response["Error"]["Message"]


def test_target_without_a_face_follows_the_docs_or_the_setting(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = aws.rekognition
    with pytest.raises(client.exceptions.InvalidParameterException):
        client.compare_faces(
            SourceImage={"Bytes": photo("astronaut")}, TargetImage={"Bytes": photo("chelsea")}
        )
    monkeypatch.setenv("MOTO_REKOGNITION_FACES_FACELESS_TARGET", "empty")
    response = compare(aws, photo("astronaut"), photo("chelsea"))
    assert response["FaceMatches"] == [] and response["UnmatchedFaces"] == []


def test_quality_filter_drops_poor_target_faces(aws: Aws) -> None:
    crowd = photo("players")
    counts = {}
    for level in ("NONE", "LOW", "MEDIUM", "HIGH"):
        response = compare(aws, photo("yaoming"), crowd, QualityFilter=level)
        counts[level] = len(response["FaceMatches"]) + len(response["UnmatchedFaces"])
    assert counts["NONE"] >= counts["LOW"] >= counts["MEDIUM"] >= counts["HIGH"]
    assert counts["NONE"] > counts["HIGH"]
    none_default = compare(aws, photo("yaoming"), crowd)
    assert len(none_default["FaceMatches"]) + len(none_default["UnmatchedFaces"]) == counts["NONE"]


@pytest.mark.parametrize("kwargs", [{"SimilarityThreshold": 100.5}, {"QualityFilter": "BEST"}])
def test_out_of_range_threshold_and_unknown_filter_are_refused(aws: Aws, kwargs: dict) -> None:
    client = aws.rekognition
    with pytest.raises(client.exceptions.InvalidParameterException):
        client.compare_faces(
            SourceImage={"Bytes": photo("astronaut")},
            TargetImage={"Bytes": photo("astronaut")},
            **kwargs,
        )


def test_images_from_s3_work_for_both_sides(aws: Aws) -> None:
    aws.s3.create_bucket(Bucket="people")
    aws.s3.put_object(Bucket="people", Key="still.jpg", Body=photo("single_face"))
    aws.s3.put_object(Bucket="people", Key="group.jpg", Body=photo("multi_face"))
    response = aws.rekognition.compare_faces(
        SourceImage={"S3Object": {"Bucket": "people", "Name": "still.jpg"}},
        TargetImage={"S3Object": {"Bucket": "people", "Name": "group.jpg"}},
    )
    assert_output_shape("CompareFaces", response)
    assert len(response["FaceMatches"]) + len(response["UnmatchedFaces"]) == 5


def test_each_face_is_embedded_once_and_targets_as_one_batch(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    original = embedder.embed

    def counting(image: np.ndarray, points: list) -> np.ndarray:
        calls.append(len(points))
        return original(image, points)

    monkeypatch.setattr(embedder, "embed", counting)
    monkeypatch.setenv("MOTO_REKOGNITION_FACES_CACHE", "off")  # count the work, not the cache
    compare(aws, photo("astronaut"), photo("t1"))
    assert calls == [1, 6]
