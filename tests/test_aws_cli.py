"""Every `aws rekognition` face command against the standalone server, as from a shell."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path
from typing import Any

import cv2

from tests.support.assets import asset_path
from tests.support.cli import aws_cli


class Cli:
    """Runs AWS CLI commands against one endpoint and returns their parsed JSON output."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def __call__(self, *args: str) -> Any:
        result = aws_cli(*args, "--endpoint-url", self.endpoint, "--output", "json")
        assert result.returncode == 0, (args, result.stderr)
        return json.loads(result.stdout) if result.stdout.strip() else {}

    def fails(self, *args: str) -> str:
        result = aws_cli(*args, "--endpoint-url", self.endpoint, "--output", "json")
        assert result.returncode != 0, args
        return result.stderr


def s3_location(bucket: str, key: str) -> str:
    return json.dumps({"S3Object": {"Bucket": bucket, "Name": key}})


def frame_file(folder: Path, index: int) -> Path:
    capture = cv2.VideoCapture(str(asset_path("single_face_video")))
    capture.set(cv2.CAP_PROP_POS_FRAMES, index)
    ok, frame = capture.read()
    capture.release()
    assert ok
    path = folder / f"frame-{index}.jpg"
    cv2.imwrite(str(path), frame)
    return path


def test_every_face_command_of_the_aws_cli(standalone_server: str, tmp_path: Path) -> None:
    urllib.request.urlopen(
        urllib.request.Request(f"{standalone_server}/moto-api/reset", data=b"", method="POST")
    ).close()
    aws = Cli(standalone_server)
    files = {name: asset_path(name) for name in ("t1", "single_face", "astronaut", "yaoming")}
    new_photo = frame_file(tmp_path, 50)

    # Stateless image operations.
    faces = aws(
        "rekognition",
        "detect-faces",
        "--image-bytes",
        f"fileb://{files['t1']}",
        "--attributes",
        "ALL",
    )["FaceDetails"]
    assert len(faces) == 6 and all(len(f["Landmarks"]) == 30 and "Emotions" in f for f in faces)
    compared = aws(
        "rekognition",
        "compare-faces",
        "--source-image-bytes",
        f"fileb://{files['single_face']}",
        "--target-image-bytes",
        f"fileb://{new_photo}",
    )
    assert compared["FaceMatches"][0]["Similarity"] >= 80

    # Collections, from S3 as most applications do.
    aws("s3api", "create-bucket", "--bucket", "photos")
    for name, path in files.items():
        aws(
            "s3api", "put-object", "--bucket", "photos", "--key", f"{name}.img", "--body", str(path)
        )
    created = aws(
        "rekognition", "create-collection", "--collection-id", "staff", "--tags", "team=vision"
    )
    assert created["CollectionArn"].endswith(":collection/staff")
    described = aws("rekognition", "describe-collection", "--collection-id", "staff")
    arn = described["CollectionARN"]
    assert aws("rekognition", "list-collections")["CollectionIds"] == ["staff"]
    man = aws(
        "rekognition",
        "index-faces",
        "--collection-id",
        "staff",
        "--image",
        s3_location("photos", "single_face.img"),
        "--external-image-id",
        "man",
        "--max-faces",
        "1",
        "--quality-filter",
        "AUTO",
        "--detection-attributes",
        "DEFAULT",
    )["FaceRecords"][0]["Face"]["FaceId"]
    other = aws(
        "rekognition",
        "index-faces",
        "--collection-id",
        "staff",
        "--image",
        s3_location("photos", "astronaut.img"),
        "--external-image-id",
        "eileen",
    )["FaceRecords"][0]["Face"]["FaceId"]
    assert len(aws("rekognition", "list-faces", "--collection-id", "staff")["Faces"]) == 2
    by_image = aws(
        "rekognition",
        "search-faces-by-image",
        "--collection-id",
        "staff",
        "--image-bytes",
        f"fileb://{new_photo}",
    )
    assert [m["Face"]["ExternalImageId"] for m in by_image["FaceMatches"]] == ["man"]
    by_face = aws(
        "rekognition",
        "search-faces",
        "--collection-id",
        "staff",
        "--face-id",
        man,
        "--face-match-threshold",
        "0",
    )
    assert [m["Face"]["FaceId"] for m in by_face["FaceMatches"]] == [other]

    # Users.
    aws("rekognition", "create-user", "--collection-id", "staff", "--user-id", "the-man")
    assert aws("rekognition", "list-users", "--collection-id", "staff")["Users"] == [
        {"UserId": "the-man", "UserStatus": "CREATED"}
    ]
    associated = aws(
        "rekognition",
        "associate-faces",
        "--collection-id",
        "staff",
        "--user-id",
        "the-man",
        "--face-ids",
        man,
    )
    assert associated["AssociatedFaces"] == [{"FaceId": man}]
    found = aws(
        "rekognition",
        "search-users-by-image",
        "--collection-id",
        "staff",
        "--image-bytes",
        f"fileb://{new_photo}",
    )
    assert found["UserMatches"][0]["User"]["UserId"] == "the-man"
    assert (
        aws("rekognition", "search-users", "--collection-id", "staff", "--face-id", man)[
            "UserMatches"
        ][0]["User"]["UserId"]
        == "the-man"
    )
    assert (
        aws("rekognition", "search-users", "--collection-id", "staff", "--user-id", "the-man")[
            "UserMatches"
        ]
        == []
    )
    released = aws(
        "rekognition",
        "disassociate-faces",
        "--collection-id",
        "staff",
        "--user-id",
        "the-man",
        "--face-ids",
        man,
    )
    assert released["DisassociatedFaces"] == [{"FaceId": man}]
    aws("rekognition", "delete-user", "--collection-id", "staff", "--user-id", "the-man")

    # Tags.
    aws("rekognition", "tag-resource", "--resource-arn", arn, "--tags", "owner=qa")
    aws("rekognition", "untag-resource", "--resource-arn", arn, "--tag-keys", "team")
    assert aws("rekognition", "list-tags-for-resource", "--resource-arn", arn)["Tags"] == {
        "owner": "qa"
    }

    # Stored video.
    aws(
        "s3api",
        "put-object",
        "--bucket",
        "photos",
        "--key",
        "man.mp4",
        "--body",
        str(asset_path("single_face_video")),
    )
    detection = aws(
        "rekognition", "start-face-detection", "--video", s3_location("photos", "man.mp4")
    )["JobId"]
    search = aws(
        "rekognition",
        "start-face-search",
        "--video",
        s3_location("photos", "man.mp4"),
        "--collection-id",
        "staff",
    )["JobId"]
    for command, job, key in (
        ("get-face-detection", detection, "Faces"),
        ("get-face-search", search, "Persons"),
    ):
        for _ in range(200):
            result = aws("rekognition", command, "--job-id", job)
            if result["JobStatus"] != "IN_PROGRESS":
                break
            time.sleep(0.1)
        assert result["JobStatus"] == "SUCCEEDED" and len(result[key]) == 12
    assert all(p["FaceMatches"][0]["Face"]["ExternalImageId"] == "man" for p in result["Persons"])

    deleted = aws("rekognition", "delete-faces", "--collection-id", "staff", "--face-ids", other)
    assert deleted["DeletedFaces"] == [other]
    assert aws("rekognition", "delete-collection", "--collection-id", "staff")["StatusCode"] == 200

    # Errors, as a shell user sees them.
    assert "ResourceNotFoundException" in aws.fails(
        "rekognition", "describe-collection", "--collection-id", "staff"
    )
    queue = {
        "results": [{"operation": "ListCollections", "error": {"code": "ThrottlingException"}}] * 5
    }
    urllib.request.urlopen(
        urllib.request.Request(
            f"{standalone_server}/moto-api/static/rekognition/queued-results",
            data=json.dumps(queue).encode(),
            method="POST",
        )
    ).close()
    assert "ThrottlingException" in aws.fails("rekognition", "list-collections")
    urllib.request.urlopen(  # leave no queued error behind for other tests of the session
        urllib.request.Request(f"{standalone_server}/moto-api/reset", data=b"", method="POST")
    ).close()
