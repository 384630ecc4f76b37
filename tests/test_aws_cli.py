"""Every `aws rekognition` face command against the standalone server, as typed in a shell.

One server started by the console script serves the module. Photos go in as ``fileb://`` or
from the server's S3 (filled with ``aws s3api`` / ``aws s3 cp``); every command must exit 0 and
its JSON must say what the photos show.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import pytest

from tests.support.assets import asset_path
from tests.support.cli import SCRIPTS, fake_credentials, standalone_server

BUCKET = "photos"
# Settings from the developer's shell that would change what the CLI does.
_CLEARED = (
    "AWS_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_MAX_ATTEMPTS",
    "AWS_RETRY_MODE",
    "AWS_CA_BUNDLE",
)


def aws_executable() -> str:
    executable = shutil.which("aws", path=str(SCRIPTS)) or shutil.which("aws")
    if executable is None:
        pytest.skip("the AWS CLI is not installed (pip install awscli)")
    return executable


class Cli:
    """The AWS CLI pointed at one endpoint, with fake credentials and no user configuration."""

    def __init__(self, executable: str, endpoint: str, home: Path) -> None:
        self.executable = executable
        self.endpoint = endpoint
        self.env = {k: v for k, v in fake_credentials().items() if k not in _CLEARED}
        self.env["AWS_CONFIG_FILE"] = str(home / "config")  # neither file exists
        self.env["AWS_SHARED_CREDENTIALS_FILE"] = str(home / "credentials")

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.executable, *args, "--endpoint-url", self.endpoint, "--output", "json"],
            capture_output=True,
            text=True,
            timeout=120,
            env={**self.env, **env},
            check=False,
        )

    def __call__(self, *args: str, **env: str) -> Any:
        """Run a command that must succeed; its parsed JSON output ({} when it prints none)."""
        result = self.run(*args, **env)
        assert result.returncode == 0, (args, result.returncode, result.stderr)
        return json.loads(result.stdout) if result.stdout.strip() else {}

    def rekognition(self, command: str, *args: str, **env: str) -> Any:
        return self("rekognition", command, *args, **env)

    def fails(self, *args: str, **env: str) -> str:
        """Run a command that must fail; its stderr."""
        result = self.run(*args, **env)
        assert result.returncode != 0, (args, result.stdout)
        return result.stderr


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cli]:
    """A fresh moto-rekognition-faces-server for this module, and the CLI pointed at it."""
    executable = aws_executable()
    with standalone_server() as url:
        yield Cli(executable, url, tmp_path_factory.mktemp("aws-home"))


def s3_image(key: str) -> str:
    return json.dumps({"S3Object": {"Bucket": BUCKET, "Name": key}})


def video_frame(folder: Path, index: int) -> Path:
    """A frame of the man's video as a JPEG: a photo of him that was never indexed."""
    capture = cv2.VideoCapture(str(asset_path("single_face_video")))
    capture.set(cv2.CAP_PROP_POS_FRAMES, index)
    ok, frame = capture.read()
    capture.release()
    assert ok
    path = folder / f"frame-{index}.jpg"
    assert cv2.imwrite(str(path), frame)
    return path


def wait_for_job(cli: Cli, command: str, job_id: str) -> Any:
    deadline = time.monotonic() + 60
    while True:
        result = cli.rekognition(command, "--job-id", job_id)
        if result["JobStatus"] != "IN_PROGRESS" or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


def area(box: dict[str, float]) -> float:
    return box["Width"] * box["Height"]


def test_every_face_command_through_the_aws_cli(cli: Cli, tmp_path: Path) -> None:
    t1, man_photo, eileen_photo = (asset_path(n) for n in ("t1", "single_face", "astronaut"))
    new_photo = video_frame(tmp_path, 50)

    # --- Stateless image commands --------------------------------------------------------------
    faces = cli.rekognition(
        "detect-faces", "--image-bytes", f"fileb://{t1}", "--attributes", "ALL"
    )["FaceDetails"]
    assert len(faces) == 6  # six players round the poker table
    assert all(len(face["Landmarks"]) == 30 for face in faces)
    assert all({"AgeRange", "Gender", "Emotions", "Smile", "EyeDirection"} <= set(f) for f in faces)
    areas = [area(face["BoundingBox"]) for face in faces]
    assert areas == sorted(areas, reverse=True)  # largest first

    same_man = cli.rekognition(
        "compare-faces",
        "--source-image-bytes",
        f"fileb://{man_photo}",
        "--target-image-bytes",
        f"fileb://{new_photo}",
    )
    assert len(same_man["FaceMatches"]) == 1 and same_man["UnmatchedFaces"] == []
    assert same_man["FaceMatches"][0]["Similarity"] >= 80
    stranger = cli.rekognition(
        "compare-faces",
        "--source-image-bytes",
        f"fileb://{man_photo}",
        "--target-image-bytes",
        f"fileb://{eileen_photo}",
    )
    assert stranger["FaceMatches"] == [] and len(stranger["UnmatchedFaces"]) == 1

    equipment = cli.rekognition(
        "detect-protective-equipment",
        "--image-bytes",
        f"fileb://{t1}",
        "--summarization-attributes",
        '{"MinConfidence": 80, "RequiredEquipmentTypes": ["HEAD_COVER"]}',
    )
    assert len(equipment["Persons"]) >= 5  # the people round the table, hats off
    assert all(
        {"FACE", "HEAD"} <= {p["Name"] for p in person["BodyParts"]}
        for person in equipment["Persons"]
    )
    assert equipment["Summary"]["PersonsWithRequiredEquipment"] == []

    # --- S3, filled by the CLI -------------------------------------------------------------------
    cli("s3api", "create-bucket", "--bucket", BUCKET)
    for path, key in ((man_photo, "man.jpg"), (eileen_photo, "eileen.png")):
        cli("s3api", "put-object", "--bucket", BUCKET, "--key", key, "--body", str(path))
    copied = cli.run("s3", "cp", str(asset_path("single_face_video")), f"s3://{BUCKET}/man.mp4")
    assert copied.returncode == 0 and f"s3://{BUCKET}/man.mp4" in copied.stdout, copied.stderr
    listed = cli("s3api", "list-objects-v2", "--bucket", BUCKET)["Contents"]
    assert sorted(o["Key"] for o in listed) == ["eileen.png", "man.jpg", "man.mp4"]

    # --- Collection and faces --------------------------------------------------------------------
    created = cli.rekognition("create-collection", "--collection-id", "staff", "--tags", "team=qa")
    assert created["StatusCode"] == 200
    assert created["CollectionArn"].endswith(":collection/staff")
    assert cli.rekognition("list-collections")["CollectionIds"] == ["staff"]

    man_record = cli.rekognition(
        "index-faces",
        "--collection-id",
        "staff",
        "--image",
        s3_image("man.jpg"),
        "--external-image-id",
        "man",
        "--max-faces",
        "1",
        "--quality-filter",
        "AUTO",
        "--detection-attributes",
        "DEFAULT",
    )
    assert len(man_record["FaceRecords"]) == 1 and man_record["UnindexedFaces"] == []
    assert "Emotions" not in man_record["FaceRecords"][0]["FaceDetail"]  # DEFAULT attributes
    man = man_record["FaceRecords"][0]["Face"]["FaceId"]

    poker = cli.rekognition(
        "index-faces",
        "--collection-id",
        "staff",
        "--image-bytes",
        f"fileb://{t1}",
        "--external-image-id",
        "poker",
        "--max-faces",
        "2",
        "--quality-filter",
        "NONE",
        "--detection-attributes",
        "ALL",
    )
    assert len(poker["FaceRecords"]) == 2
    assert all("Emotions" in record["FaceDetail"] for record in poker["FaceRecords"])
    assert len(poker["UnindexedFaces"]) == 4
    assert all(u["Reasons"] == ["EXCEEDS_MAX_FACES"] for u in poker["UnindexedFaces"])
    poker_ids = sorted(record["Face"]["FaceId"] for record in poker["FaceRecords"])

    eileen = cli.rekognition(
        "index-faces",
        "--collection-id",
        "staff",
        "--image",
        s3_image("eileen.png"),
        "--external-image-id",
        "eileen",
    )["FaceRecords"][0]["Face"]["FaceId"]

    described = cli.rekognition("describe-collection", "--collection-id", "staff")
    assert described["FaceCount"] == 4 and described["UserCount"] == 0
    arn = described["CollectionARN"]
    assert arn == "arn:" + created["CollectionArn"]  # AWS leaves "arn:" off CreateCollection's
    stored = cli.rekognition("list-faces", "--collection-id", "staff")["Faces"]
    by_source = Counter(face["ExternalImageId"] for face in stored)
    assert by_source == {"man": 1, "poker": 2, "eileen": 1}

    others = cli.rekognition(
        "search-faces",
        "--collection-id",
        "staff",
        "--face-id",
        man,
        "--face-match-threshold",
        "0",
    )
    assert others["SearchedFaceId"] == man
    assert sorted(m["Face"]["FaceId"] for m in others["FaceMatches"]) == sorted(
        [eileen, *poker_ids]
    )  # everyone but himself, and nobody looks like him
    assert all(m["Similarity"] < 50 for m in others["FaceMatches"])

    found = cli.rekognition(
        "search-faces-by-image", "--collection-id", "staff", "--image-bytes", f"fileb://{new_photo}"
    )
    assert [m["Face"]["FaceId"] for m in found["FaceMatches"]] == [man]
    assert found["FaceMatches"][0]["Similarity"] >= 80

    deleted = cli.rekognition("delete-faces", "--collection-id", "staff", "--face-ids", *poker_ids)
    assert sorted(deleted["DeletedFaces"]) == poker_ids
    remaining = cli.rekognition("list-faces", "--collection-id", "staff")["Faces"]
    assert sorted(face["FaceId"] for face in remaining) == sorted([man, eileen])

    # --- Users -----------------------------------------------------------------------------------
    for user in ("the-man", "eileen"):
        cli.rekognition("create-user", "--collection-id", "staff", "--user-id", user)
    assert cli.rekognition("list-users", "--collection-id", "staff")["Users"] == [
        {"UserId": "the-man", "UserStatus": "CREATED"},
        {"UserId": "eileen", "UserStatus": "CREATED"},
    ]
    for user, face in (("the-man", man), ("eileen", eileen)):
        associated = cli.rekognition(
            "associate-faces", "--collection-id", "staff", "--user-id", user, "--face-ids", face
        )
        assert associated["AssociatedFaces"] == [{"FaceId": face}]
        assert associated["UserStatus"] == "ACTIVE"

    by_face = cli.rekognition("search-users", "--collection-id", "staff", "--face-id", man)
    assert [m["User"]["UserId"] for m in by_face["UserMatches"]] == ["the-man"]
    by_user = cli.rekognition(
        "search-users",
        "--collection-id",
        "staff",
        "--user-id",
        "the-man",
        "--user-match-threshold",
        "0",
    )
    assert [m["User"]["UserId"] for m in by_user["UserMatches"]] == ["eileen"]
    assert by_user["UserMatches"][0]["Similarity"] < 50
    by_image = cli.rekognition(
        "search-users-by-image", "--collection-id", "staff", "--image-bytes", f"fileb://{new_photo}"
    )
    assert [m["User"]["UserId"] for m in by_image["UserMatches"]] == ["the-man"]
    assert by_image["UserMatches"][0]["Similarity"] >= 80

    released = cli.rekognition(
        "disassociate-faces", "--collection-id", "staff", "--user-id", "the-man", "--face-ids", man
    )
    assert released["DisassociatedFaces"] == [{"FaceId": man}]
    assert released["UserStatus"] == "CREATED"
    cli.rekognition("delete-user", "--collection-id", "staff", "--user-id", "the-man")
    assert cli.rekognition("list-users", "--collection-id", "staff")["Users"] == [
        {"UserId": "eileen", "UserStatus": "ACTIVE"}
    ]

    # --- Tags ------------------------------------------------------------------------------------
    cli.rekognition("tag-resource", "--resource-arn", arn, "--tags", "owner=vision,stage=test")
    cli.rekognition("untag-resource", "--resource-arn", arn, "--tag-keys", "stage")
    tags = cli.rekognition("list-tags-for-resource", "--resource-arn", arn)["Tags"]
    assert tags == {"team": "qa", "owner": "vision"}

    # --- Stored video, from S3 -------------------------------------------------------------------
    video = json.dumps({"S3Object": {"Bucket": BUCKET, "Name": "man.mp4"}})
    detection_job = cli.rekognition("start-face-detection", "--video", video)["JobId"]
    started = cli.rekognition("start-face-search", "--video", video, "--collection-id", "staff")
    search_job = started["JobId"]

    detection = wait_for_job(cli, "get-face-detection", detection_job)
    assert detection["JobStatus"] == "SUCCEEDED"
    assert detection["VideoMetadata"]["DurationMillis"] == 2400
    # 2.4 s sampled at 5 frames a second, one face in each.
    assert [f["Timestamp"] for f in detection["Faces"]] == list(range(0, 2400, 200))

    search = wait_for_job(cli, "get-face-search", search_job)
    assert search["JobStatus"] == "SUCCEEDED" and len(search["Persons"]) == 12
    for person in search["Persons"]:
        assert person["Person"]["Index"] == 0  # one person throughout...
        matches = person["FaceMatches"]
        assert [m["Face"]["FaceId"] for m in matches] == [man]  # ...the man, never Eileen
        assert matches[0]["Similarity"] >= 80

    # --- Clean up --------------------------------------------------------------------------------
    gone = cli.rekognition("delete-collection", "--collection-id", "staff")
    assert gone["StatusCode"] == 200
    assert cli.rekognition("list-collections")["CollectionIds"] == []


def queue_results(endpoint: str, *results: dict[str, Any]) -> None:
    request = urllib.request.Request(
        f"{endpoint}/moto-api/static/rekognition/queued-results",
        data=json.dumps({"results": list(results)}).encode(),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201


THROTTLED = {"operation": "ListCollections", "error": {"code": "ThrottlingException"}}


def test_the_aws_cli_reports_service_errors(cli: Cli) -> None:
    before = cli.rekognition("list-collections")["CollectionIds"]
    missing = cli.fails("rekognition", "describe-collection", "--collection-id", "nowhere")
    assert "ResourceNotFoundException" in missing
    missing = cli.fails(
        "rekognition",
        "search-faces-by-image",
        "--collection-id",
        "nowhere",
        "--image-bytes",
        f"fileb://{asset_path('astronaut')}",
    )
    assert "ResourceNotFoundException" in missing

    # With retries off, one queued ThrottlingException reaches the user...
    queue_results(cli.endpoint, THROTTLED)
    no_retry = {"AWS_MAX_ATTEMPTS": "1", "AWS_RETRY_MODE": "standard"}
    throttled = cli.fails("rekognition", "list-collections", **no_retry)
    assert "ThrottlingException" in throttled
    # ...and was consumed by that single attempt: the next call gets the real answer.
    assert cli.rekognition("list-collections", **no_retry)["CollectionIds"] == before

    # With the CLI's default retries, one throttled attempt is retried away.
    queue_results(cli.endpoint, THROTTLED)
    assert cli.rekognition("list-collections")["CollectionIds"] == before
    # Queued answers are first in, first out, then the pipeline answers again.
    queue_results(
        cli.endpoint,
        THROTTLED,
        {"operation": "ListCollections", "response": {"CollectionIds": ["canned"]}},
    )
    assert "ThrottlingException" in cli.fails("rekognition", "list-collections", **no_retry)
    assert cli.rekognition("list-collections")["CollectionIds"] == ["canned"]
    assert cli.rekognition("list-collections")["CollectionIds"] == before
