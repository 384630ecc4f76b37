"""The Image member's rules (format, size, S3, orientation), through boto3 in both moto modes."""

from __future__ import annotations

import resource

import cv2
import numpy as np
import pytest

from tests.conftest import Aws, photo
from tests.support import images


def detect(aws: Aws, image: dict) -> dict:
    return aws.rekognition.detect_faces(Image=image)


def error_of(aws: Aws, image: dict) -> tuple[str, str]:
    client = aws.rekognition
    with pytest.raises(client.exceptions.ClientError) as caught:
        client.detect_faces(Image=image)
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def astronaut() -> np.ndarray:
    return cv2.imdecode(np.frombuffer(photo("astronaut"), np.uint8), cv2.IMREAD_COLOR)


def test_bytes_and_s3object_together_or_neither_are_refused(aws: Aws) -> None:
    aws.s3.create_bucket(Bucket="both-ways")
    aws.s3.put_object(Bucket="both-ways", Key="a.png", Body=photo("astronaut"))
    both = {"Bytes": photo("astronaut"), "S3Object": {"Bucket": "both-ways", "Name": "a.png"}}
    assert error_of(aws, both)[0] == "InvalidParameterException"
    assert error_of(aws, {})[0] == "InvalidParameterException"


@pytest.mark.parametrize("missing", ["bucket", "key", "version"])
def test_missing_s3_object_gives_invalid_s3_object(aws: Aws, missing: str) -> None:
    aws.s3.create_bucket(Bucket="there")
    aws.s3.put_bucket_versioning(Bucket="there", VersioningConfiguration={"Status": "Enabled"})
    aws.s3.put_object(Bucket="there", Key="a.png", Body=photo("astronaut"))
    location = {
        "bucket": {"Bucket": "not-there", "Name": "a.png"},
        "key": {"Bucket": "there", "Name": "b.png"},
        "version": {"Bucket": "there", "Name": "a.png", "Version": "no-such-version"},
    }[missing]
    code, message = error_of(aws, {"S3Object": location})
    assert code == "InvalidS3ObjectException"
    assert message.startswith("Unable to get object metadata from S3")


@pytest.mark.parametrize(
    "kind", ["gif", "webp", "bmp", "tiff", "random", "truncated_jpeg", "truncated_png"]
)
def test_other_formats_and_broken_bytes_give_invalid_image_format(aws: Aws, kind: str) -> None:
    picture = astronaut()
    data = {
        "gif": lambda: images.gif_bytes(),
        "webp": lambda: images.webp_bytes(picture),
        "bmp": lambda: images.bmp_bytes(picture),
        "tiff": lambda: images.tiff_bytes(picture),
        "random": lambda: images.random_bytes(50_000, seed=7),
        "truncated_jpeg": lambda: images.truncated(photo("t1"), keep=0.6),
        "truncated_png": lambda: images.truncated(photo("astronaut"), keep=0.6),
    }[kind]()
    assert error_of(aws, {"Bytes": data}) == (
        "InvalidImageFormatException",
        "Request has invalid image format.",
    )


def test_bytes_over_five_megabytes_give_image_too_large(aws: Aws) -> None:
    over = images.oversized_jpeg(5 * 1024 * 1024 + 1)
    assert error_of(aws, {"Bytes": over}) == ("ImageTooLargeException", "Image size is too large.")


def test_s3_objects_may_reach_fifteen_megabytes_but_not_more(aws: Aws) -> None:
    aws.s3.create_bucket(Bucket="big")
    aws.s3.put_object(Bucket="big", Key="ok.jpg", Body=images.oversized_jpeg(6 * 1024 * 1024))
    assert "FaceDetails" in detect(aws, {"S3Object": {"Bucket": "big", "Name": "ok.jpg"}})
    aws.s3.put_object(Bucket="big", Key="no.jpg", Body=images.oversized_jpeg(15 * 1024 * 1024 + 1))
    code, _ = error_of(aws, {"S3Object": {"Bucket": "big", "Name": "no.jpg"}})
    assert code == "ImageTooLargeException"


def test_images_under_eighty_pixels_are_refused(aws: Aws) -> None:
    picture = astronaut()
    small = images.png_bytes(images.resized(picture, 79, 120))
    code, message = error_of(aws, {"Bytes": small})
    assert code == "InvalidParameterException" and "80" in message
    assert "FaceDetails" in detect(
        aws, {"Bytes": images.png_bytes(images.resized(picture, 80, 80))}
    )


def test_decompression_bomb_is_refused_from_its_header(aws: Aws) -> None:
    bomb = images.png_bomb(16000, 16000)
    assert len(bomb) < 2_000_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert error_of(aws, {"Bytes": bomb})[0] == "ImageTooLargeException"
    assert error_of(aws, {"Bytes": images.png_bomb(60000, 60000)})[0] in {
        "ImageTooLargeException",
        "InvalidImageFormatException",
    }
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 200 * 1024  # decoding 16000² RGB would take 750 MB


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_is_applied_before_detection(aws: Aws, orientation: int) -> None:
    upright = astronaut()
    reference = detect(aws, {"Bytes": images.jpeg_bytes(upright)})["FaceDetails"][0]
    rotated = images.jpeg_with_exif_orientation(upright, orientation)
    response = detect(aws, {"Bytes": rotated})
    assert "OrientationCorrection" not in response
    (face,) = response["FaceDetails"]
    for key in ("Left", "Top", "Width", "Height"):
        assert face["BoundingBox"][key] == pytest.approx(reference["BoundingBox"][key], abs=0.02)
    marks = {m["Type"]: m for m in face["Landmarks"]}
    assert marks["eyeLeft"]["X"] < marks["eyeRight"]["X"]
    assert marks["eyeLeft"]["Y"] < marks["mouthLeft"]["Y"]


@pytest.mark.parametrize("variant", ["grey", "png16", "rgba", "palette"])
def test_unusual_png_variants_are_read(aws: Aws, variant: str) -> None:
    picture = astronaut()
    builder = {
        "grey": images.grey_png,
        "png16": images.png16,
        "rgba": images.rgba_png,
        "palette": images.palette_png,
    }[variant]
    faces = detect(aws, {"Bytes": builder(picture)})["FaceDetails"]
    assert len(faces) == 1


def test_real_alpha_channel_photo(aws: Aws) -> None:
    assert len(detect(aws, {"Bytes": photo("bearded_alpha")})["FaceDetails"]) == 1


def test_invalid_attributes_value_is_refused_with_a_clear_message(aws: Aws) -> None:
    client = aws.rekognition
    with pytest.raises(client.exceptions.InvalidParameterException) as caught:
        client.detect_faces(Image={"Bytes": photo("astronaut")}, Attributes=["DEFAULT", "SHOES"])
    message = caught.value.response["Error"]["Message"]
    assert "SHOES" in message and "attributes" in message and "enum" in message


def test_s3_bucket_name_breaking_the_model_pattern_is_refused(aws: Aws) -> None:
    code, message = error_of(aws, {"S3Object": {"Bucket": "has/slash", "Name": "a.png"}})
    assert code == "InvalidParameterException" and "pattern" in message


def test_jpeg_claiming_a_huge_frame_is_refused_before_decoding(aws: Aws) -> None:
    """A real JPEG whose frame header is rewritten to claim 30000 × 30000 pixels."""
    data = bytearray(images.jpeg_bytes(astronaut()))
    offset = 2
    while data[offset + 1] not in (0xC0, 0xC1, 0xC2):  # walk the segments to the frame header
        offset += 2 + int.from_bytes(data[offset + 2 : offset + 4], "big")
    data[offset + 5 : offset + 9] = (30000).to_bytes(2, "big") * 2  # height, width
    assert error_of(aws, {"Bytes": bytes(data)})[0] == "ImageTooLargeException"
