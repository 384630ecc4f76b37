"""moto's reset (``POST /moto-api/reset``) while requests and video jobs are in flight, against
the in-process server: every request answers (200 or an AWS error), nothing hangs, and the state
after the reset is empty."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from moto_rekognition_faces.state.backend import faces_backends
from tests.conftest import REGION, Aws, photo, reset_server
from tests.support.assets import asset_path

WORKERS = 2
ROUNDS = 4  # per worker
RESETS = 3  # while the workers run, then one more with jobs still running
VIDEO = {"S3Object": {"Bucket": "load-videos", "Name": "man.mp4"}}


def clients(url: str) -> tuple[Any, Any]:
    config = Config(retries={"total_max_attempts": 1}, read_timeout=120, connect_timeout=10)
    options = {
        "region_name": REGION,
        "endpoint_url": url,
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
        "config": config,
    }
    return boto3.client("rekognition", **options), boto3.client("s3", **options)


def job_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("rekognition-job-")]


class Load:
    """Workers that keep the collection, the video and jobs going across resets, recording
    every answer that is neither a 200 nor an AWS error below 500."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.bad: list[str] = []
        self.answers = 0
        self.job_started = threading.Event()
        self.lock = threading.Lock()

    def call(self, what: str, action: Callable[[], Any]) -> Any:
        try:
            result = action()
        except ClientError as error:
            status = error.response["ResponseMetadata"]["HTTPStatusCode"]
            code = error.response["Error"].get("Code", "")
            if status >= 500 or not code:
                self.bad.append(f"{what}: HTTP {status} {code!r}")
            result = None
        except Exception as error:  # a timeout, a dropped connection: the server did not answer
            self.bad.append(f"{what}: {type(error).__name__}: {error}")
            result = None
        with self.lock:
            self.answers += 1
        return result

    def work(self, worker: int) -> None:
        rekognition, _ = clients(self.url)
        image = {"Bytes": photo("single_face")}
        stored = {"S3Object": {"Bucket": "load-videos", "Name": "man.jpg"}}
        for round_ in range(ROUNDS):
            self.call(
                "CreateCollection", lambda: rekognition.create_collection(CollectionId="load")
            )
            started = self.call(
                "StartFaceDetection", lambda: rekognition.start_face_detection(Video=VIDEO)
            )
            if started is not None:
                self.job_started.set()
            self.call(
                "StartFaceSearch",
                lambda: rekognition.start_face_search(Video=VIDEO, CollectionId="load"),
            )
            external = f"w{worker}-{round_}"
            self.call(
                "IndexFaces",
                lambda external=external: rekognition.index_faces(
                    CollectionId="load", Image=image, ExternalImageId=external
                ),
            )
            self.call("DetectFaces", lambda: rekognition.detect_faces(Image=stored))
            self.call(
                "SearchFacesByImage",
                lambda: rekognition.search_faces_by_image(CollectionId="load", Image=image),
            )
            self.call("ListFaces", lambda: rekognition.list_faces(CollectionId="load"))
            if started is not None:
                job = started["JobId"]
                self.call(
                    "GetFaceDetection", lambda job=job: rekognition.get_face_detection(JobId=job)
                )


def upload(s3: Any) -> None:
    """The video and a photo the workers read through Rekognition. Only the main thread writes
    to S3, between resets: moto's own S3 fails a PutObject that a reset interrupts."""
    s3.create_bucket(Bucket="load-videos")
    s3.put_object(
        Bucket="load-videos", Key="man.mp4", Body=asset_path("single_face_video").read_bytes()
    )
    s3.put_object(Bucket="load-videos", Key="man.jpg", Body=photo("single_face"))


@pytest.mark.usefixtures("aws_credentials")
def test_reset_while_requests_and_jobs_are_in_flight(
    moto_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    reset_server(moto_server)
    rekognition, s3 = clients(moto_server)
    upload(s3)
    load = Load(moto_server)
    workers = [
        threading.Thread(target=load.work, args=(n,), name=f"load-{n}") for n in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    resets = 0
    for _ in range(RESETS):  # each reset waits for a job started since the previous one
        if not load.job_started.wait(120):
            break
        load.job_started.clear()
        reset_server(moto_server)
        resets += 1
        upload(s3)
    for worker in workers:
        worker.join(300)
    assert not any(w.is_alive() for w in workers), "a request hung"
    assert load.bad == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert resets == RESETS and load.answers >= WORKERS * ROUNDS * 7

    # One more reset with jobs still running (the video was uploaded again after the last
    # reset): afterwards nothing is left, no job thread either.
    rekognition.create_collection(CollectionId="last")
    job = rekognition.start_face_detection(Video=VIDEO)["JobId"]
    rekognition.start_face_search(Video=VIDEO, CollectionId="last")
    reset_server(moto_server)
    assert job_threads() == []
    assert rekognition.list_collections()["CollectionIds"] == []
    assert s3.list_buckets()["Buckets"] == []
    with pytest.raises(rekognition.exceptions.ResourceNotFoundException):
        rekognition.get_face_detection(JobId=job)
    for account in list(faces_backends):
        assert all(backend.jobs.by_id == {} for backend in faces_backends[account].values())


@pytest.fixture
def reset_after_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every S3 object the plugin looks up is disposed of right after, as moto's reset does to
    the objects of a request that a reset overtakes."""
    from moto_rekognition_faces.inputs import images, videos

    def disposed(find: Callable[..., Any]) -> Callable[..., Any]:
        def find_then_reset(*args: Any) -> Any:
            key = find(*args)
            key.dispose()
            return key

        return find_then_reset

    monkeypatch.setattr(images, "find_object", disposed(images.find_object))
    monkeypatch.setattr(videos, "find_object", disposed(videos.find_object))


@pytest.mark.usefixtures("reset_after_lookup")
def test_an_object_reset_away_between_lookup_and_read_is_invalid_s3_object(aws: Aws) -> None:
    aws.s3.create_bucket(Bucket="load-videos")
    aws.s3.put_object(Bucket="load-videos", Key="man.jpg", Body=photo("single_face"))
    aws.s3.put_object(
        Bucket="load-videos", Key="man.mp4", Body=asset_path("single_face_video").read_bytes()
    )
    client = aws.rekognition
    with pytest.raises(client.exceptions.InvalidS3ObjectException):
        client.detect_faces(Image={"S3Object": {"Bucket": "load-videos", "Name": "man.jpg"}})
    with pytest.raises(client.exceptions.InvalidS3ObjectException):
        client.start_face_detection(Video=VIDEO)
