"""Stored-video face jobs through boto3 in both moto modes, on real videos."""

from __future__ import annotations

import contextlib
import json
import tempfile
import time
from pathlib import Path

import cv2
import pytest

from tests.conftest import Aws, photo
from tests.support.assets import asset_path
from tests.support.shapes import assert_output_shape

ROLE = "arn:aws:iam::123456789012:role/RekognitionVideo"


def upload(aws: Aws, key: str, data: bytes, bucket: str = "videos") -> dict:
    with contextlib.suppress(aws.s3.exceptions.BucketAlreadyOwnedByYou):
        aws.s3.create_bucket(Bucket=bucket)
    aws.s3.put_object(Bucket=bucket, Key=key, Body=data)
    return {"S3Object": {"Bucket": bucket, "Name": key}}


def wait(get, job_id: str, **kwargs) -> dict:
    """Poll as an application would, until the job is no longer IN_PROGRESS."""
    for _ in range(600):
        response = get(JobId=job_id, **kwargs)
        if response["JobStatus"] != "IN_PROGRESS":
            return response
        time.sleep(0.05)
    raise AssertionError("the job did not finish within 30 s")


def mov_copy_of_the_mp4() -> bytes:
    """The man's video re-encoded into a QuickTime .mov container."""
    capture = cv2.VideoCapture(str(asset_path("single_face_video")))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "man.mov"
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30.0, (640, 360))
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            writer.write(frame)
        writer.release()
        capture.release()
        return path.read_bytes()


def test_face_detection_job_finds_the_man_in_every_sampled_frame(aws: Aws) -> None:
    client = aws.rekognition
    video = upload(aws, "man.mp4", asset_path("single_face_video").read_bytes())
    started = client.start_face_detection(Video=video, JobTag="interview-1")
    assert_output_shape("StartFaceDetection", started)
    result = wait(client.get_face_detection, started["JobId"])
    assert_output_shape("GetFaceDetection", result)
    assert result["JobStatus"] == "SUCCEEDED"
    assert result["JobId"] == started["JobId"] and result["JobTag"] == "interview-1"
    assert result["Video"] == video
    assert result["VideoMetadata"] == {
        "Codec": "h264",
        "DurationMillis": 2400,
        "Format": "QuickTime / MOV",
        "FrameRate": 30.0,
        "FrameHeight": 360,
        "FrameWidth": 640,
    }
    timestamps = [f["Timestamp"] for f in result["Faces"]]
    assert timestamps == list(range(0, 2400, 200))  # 5 frames a second, one face each
    for face in result["Faces"]:
        assert face["Face"]["Confidence"] > 90
        assert set(face["Face"]) == {"BoundingBox", "Confidence", "Landmarks", "Pose", "Quality"}
        box = face["Face"]["BoundingBox"]
        assert 0.3 < box["Left"] + box["Width"] / 2 < 0.7  # he sits in the middle of the frame


def test_all_attributes_and_paging(aws: Aws) -> None:
    client = aws.rekognition
    video = upload(aws, "man.mp4", asset_path("single_face_video").read_bytes())
    job = client.start_face_detection(Video=video, FaceAttributes="ALL")["JobId"]
    first = wait(client.get_face_detection, job, MaxResults=5)
    assert len(first["Faces"]) == 5 and first["NextToken"]
    assert all(len(f["Face"]["Landmarks"]) == 30 for f in first["Faces"])
    assert all(f["Face"]["Gender"]["Value"] == "Male" for f in first["Faces"])
    assert all("Emotions" in f["Face"] and "AgeRange" in f["Face"] for f in first["Faces"])
    assert all(
        "EyeDirection" not in f["Face"] and "FaceOccluded" not in f["Face"] for f in first["Faces"]
    )
    pages, token = [first], first["NextToken"]
    while token:
        page = client.get_face_detection(JobId=job, MaxResults=5, NextToken=token)
        assert page["VideoMetadata"] == first["VideoMetadata"]  # repeated on every page
        pages.append(page)
        token = page.get("NextToken")
    assert sum(len(p["Faces"]) for p in pages) == 12
    assert len(client.get_face_detection(JobId=job, MaxResults=5000)["Faces"]) == 12
    with pytest.raises(client.exceptions.InvalidPaginationTokenException):
        client.get_face_detection(JobId=job, NextToken="bogus")


def test_video_without_faces_succeeds_with_no_faces(aws: Aws) -> None:
    client = aws.rekognition
    video = upload(aws, "sky.mp4", asset_path("no_face_video").read_bytes())
    result = wait(client.get_face_detection, client.start_face_detection(Video=video)["JobId"])
    assert result["JobStatus"] == "SUCCEEDED" and result["Faces"] == []


def test_mov_files_are_read_too(aws: Aws) -> None:
    client = aws.rekognition
    video = upload(aws, "man.mov", mov_copy_of_the_mp4())
    result = wait(client.get_face_detection, client.start_face_detection(Video=video)["JobId"])
    assert result["JobStatus"] == "SUCCEEDED" and len(result["Faces"]) == 12


def test_face_search_finds_a_person_indexed_from_a_still_photo(aws: Aws) -> None:
    client = aws.rekognition
    client.create_collection(CollectionId="staff")
    client.index_faces(
        CollectionId="staff", Image={"Bytes": photo("single_face")}, ExternalImageId="the-man"
    )
    client.index_faces(
        CollectionId="staff", Image={"Bytes": photo("astronaut")}, ExternalImageId="eileen"
    )
    video = upload(aws, "man.mp4", asset_path("single_face_video").read_bytes())
    started = client.start_face_search(Video=video, CollectionId="staff", JobTag="lobby")
    result = wait(client.get_face_search, started["JobId"])
    assert_output_shape("GetFaceSearch", result)
    assert result["JobStatus"] == "SUCCEEDED" and len(result["Persons"]) == 12
    for person in result["Persons"]:
        assert person["Person"]["Index"] == 0  # one person throughout
        assert [m["Face"]["ExternalImageId"] for m in person["FaceMatches"]] == ["the-man"]
        assert person["FaceMatches"][0]["Similarity"] >= 80
        assert set(person["Person"]["Face"]) == {
            "BoundingBox",
            "Confidence",
            "Landmarks",
            "Pose",
            "Quality",
        }
    by_index = client.get_face_search(JobId=started["JobId"], SortBy="INDEX")
    assert [p["Timestamp"] for p in by_index["Persons"]] == sorted(
        p["Timestamp"] for p in result["Persons"]
    )


def test_face_search_keeps_people_nobody_matched(aws: Aws) -> None:
    client = aws.rekognition
    client.create_collection(CollectionId="others")
    client.index_faces(CollectionId="others", Image={"Bytes": photo("astronaut")})
    video = upload(aws, "man.mp4", asset_path("single_face_video").read_bytes())
    job = client.start_face_search(Video=video, CollectionId="others")["JobId"]
    result = wait(client.get_face_search, job)
    assert len(result["Persons"]) == 12
    assert all(p["FaceMatches"] == [] for p in result["Persons"])


def test_completion_is_published_to_sns_and_reaches_a_subscribed_queue(aws: Aws) -> None:
    sns, sqs, client = aws.client("sns"), aws.client("sqs"), aws.rekognition
    topic = sns.create_topic(Name="AmazonRekognitionJobs")["TopicArn"]
    queue = sqs.create_queue(QueueName="rekognition-jobs")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    video = upload(aws, "man.mp4", asset_path("single_face_video").read_bytes())
    channel = {"SNSTopicArn": topic, "RoleArn": ROLE}
    job = client.start_face_detection(
        Video=video, NotificationChannel=channel, JobTag="tagged", ClientRequestToken="once"
    )["JobId"]
    messages = []
    deadline = time.monotonic() + 60  # a loaded 2-core CI machine is slow, not broken
    while not messages and time.monotonic() < deadline:  # wait on the queue, as apps do
        messages = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=0).get("Messages", [])
        time.sleep(0 if messages else 0.1)
    assert len(messages) == 1
    notice = json.loads(json.loads(messages[0]["Body"])["Message"])
    assert notice["JobId"] == job and notice["Status"] == "SUCCEEDED"
    assert notice["API"] == "StartFaceDetection" and notice["JobTag"] == "tagged"
    assert notice["Video"] == {"S3ObjectName": "man.mp4", "S3Bucket": "videos"}
    assert abs(notice["Timestamp"] / 1000 - time.time()) < 600
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=messages[0]["ReceiptHandle"])
    replay = client.start_face_detection(
        Video=video, NotificationChannel=channel, JobTag="tagged", ClientRequestToken="once"
    )
    assert replay["JobId"] == job  # same token, same request: same job, no second notice
    time.sleep(0.3)
    assert sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=0).get("Messages", []) == []
    with pytest.raises(client.exceptions.IdempotentParameterMismatchException):
        client.start_face_detection(Video=video, JobTag="other", ClientRequestToken="once")


def test_synchronous_jobs_are_finished_when_start_returns(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOTO_REKOGNITION_FACES_VIDEO_SYNC", "1")
    client = aws.rekognition
    video = upload(aws, "man.mp4", asset_path("single_face_video").read_bytes())
    job = client.start_face_detection(Video=video)["JobId"]
    assert client.get_face_detection(JobId=job)["JobStatus"] == "SUCCEEDED"


def test_missing_object_and_non_video_are_refused_at_start(aws: Aws) -> None:
    client = aws.rekognition
    upload(aws, "photo.jpg", photo("grace_hopper"))
    with pytest.raises(client.exceptions.InvalidS3ObjectException):
        client.start_face_detection(Video={"S3Object": {"Bucket": "videos", "Name": "nope.mp4"}})
    with pytest.raises(client.exceptions.InvalidParameterException):
        client.start_face_detection(Video={"S3Object": {"Bucket": "videos", "Name": "photo.jpg"}})


def test_unreadable_video_fails_with_a_status_message(aws: Aws) -> None:
    client = aws.rekognition
    broken = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 64
    video = upload(aws, "broken.mp4", broken)
    result = wait(client.get_face_detection, client.start_face_detection(Video=video)["JobId"])
    assert result["JobStatus"] == "FAILED" and result["StatusMessage"]
    assert "Faces" not in result


def test_unknown_jobs_and_collections(aws: Aws) -> None:
    client = aws.rekognition
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_face_detection(JobId="0" * 64)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_face_search(JobId="0" * 64)
    video = upload(aws, "man.mp4", asset_path("single_face_video").read_bytes())
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.start_face_search(Video=video, CollectionId="missing")
    detection = client.start_face_detection(Video=video)["JobId"]
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_face_search(JobId=detection)  # a detection job is not a search job
