"""Video jobs that are still running: what Get* answers meanwhile, what stops them (leaving
``mock_aws``, moto's reset, interpreter exit) and a completion notice that cannot be published.

Jobs are held IN_PROGRESS either by a gate the test opens (before the first frame) or by a long
video (two minutes of frames at 5 per second), never by sleeping.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import pytest
import requests

from moto_rekognition_faces.inputs import videos
from moto_rekognition_faces.state.backend import faces_backends
from moto_rekognition_faces.state.jobs import Jobs, VideoJob
from tests.conftest import REGION, Aws, photo
from tests.support.assets import asset_path
from tests.support.shapes import assert_output_shape

ACCOUNT = "123456789012"  # moto's default account
ROLE = "arn:aws:iam::123456789012:role/RekognitionVideo"
RUNS_PER_MODE = 2
JOB_THREAD_PREFIX = "rekognition-job-"


def job_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith(JOB_THREAD_PREFIX)]


@pytest.fixture(scope="module")
def long_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The man's clip looped to 144 frames at 5 frames a second: every frame is sampled, so a
    job has 144 frames of inference to do and is certainly still running moments later."""
    capture = cv2.VideoCapture(str(asset_path("single_face_video")))
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    capture.release()
    path = tmp_path_factory.mktemp("video") / "long.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 5.0, (640, 360))
    for frame in frames * 2:
        writer.write(frame)
    writer.release()
    return path


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Jobs wait at this gate before their first frame until the test opens it (opened at the
    end of the test in any case, before moto's reset stops and joins the jobs)."""
    opened = threading.Event()
    sampled_frames = videos.sampled_frames

    def held(capture: Any, sample_fps: float) -> Iterator[tuple[int, Any]]:
        opened.wait(60)
        yield from sampled_frames(capture, sample_fps)

    monkeypatch.setattr(videos, "sampled_frames", held)
    yield opened
    opened.set()


def upload(aws: Aws, data: bytes, key: str = "man.mp4") -> dict[str, Any]:
    aws.s3.create_bucket(Bucket="videos")
    aws.s3.put_object(Bucket="videos", Key=key, Body=data)
    return {"S3Object": {"Bucket": "videos", "Name": key}}


def join_jobs() -> None:
    """Wait for the job threads of moto's default account (both modes run in this process)."""
    for thread in list(faces_backends[ACCOUNT][REGION].jobs.threads):
        thread.join(60)


def test_get_operations_answer_empty_lists_while_the_job_runs(
    aws: Aws, gate: threading.Event
) -> None:
    client = aws.rekognition
    client.create_collection(CollectionId="staff")
    client.index_faces(CollectionId="staff", Image={"Bytes": photo("single_face")})
    video = upload(aws, asset_path("single_face_video").read_bytes())
    detection = client.start_face_detection(Video=video, JobTag="held")["JobId"]
    search = client.start_face_search(Video=video, CollectionId="staff")["JobId"]

    running = client.get_face_detection(JobId=detection)
    assert_output_shape("GetFaceDetection", running)
    assert running["JobStatus"] == "IN_PROGRESS" and running["Faces"] == []
    assert running["JobId"] == detection and running["JobTag"] == "held"
    assert "VideoMetadata" not in running and "NextToken" not in running
    searching = client.get_face_search(JobId=search, SortBy="INDEX", MaxResults=5)
    assert_output_shape("GetFaceSearch", searching)
    assert searching["JobStatus"] == "IN_PROGRESS" and searching["Persons"] == []

    gate.set()
    join_jobs()
    done = client.get_face_search(JobId=search)
    assert done["JobStatus"] == "SUCCEEDED" and len(done["Persons"]) == 12
    assert len(client.get_face_detection(JobId=detection)["Faces"]) == 12


def test_an_unpublishable_completion_is_one_warning_and_the_job_succeeds(
    aws: Aws, gate: threading.Event, caplog: pytest.LogCaptureFixture
) -> None:
    sns, client = aws.client("sns"), aws.rekognition
    topic = sns.create_topic(Name="AmazonRekognitionGone")["TopicArn"]
    video = upload(aws, asset_path("single_face_video").read_bytes())
    job = client.start_face_detection(
        Video=video, NotificationChannel={"SNSTopicArn": topic, "RoleArn": ROLE}
    )["JobId"]
    sns.delete_topic(TopicArn=topic)
    caplog.set_level(logging.WARNING, logger="moto_rekognition_faces")
    gate.set()
    join_jobs()

    assert client.get_face_detection(JobId=job)["JobStatus"] == "SUCCEEDED"
    ours = [r for r in caplog.records if r.name.startswith("moto_rekognition_faces")]
    assert len(ours) == 1
    (record,) = ours
    assert record.levelno == logging.WARNING and record.exc_info is None
    message = record.getMessage()
    assert job in message and topic in message and "\n" not in message


def test_a_search_whose_collection_is_deleted_meanwhile_fails_with_a_message(
    aws: Aws, gate: threading.Event, caplog: pytest.LogCaptureFixture
) -> None:
    client = aws.rekognition
    client.create_collection(CollectionId="brief")
    video = upload(aws, asset_path("single_face_video").read_bytes())
    job = client.start_face_search(Video=video, CollectionId="brief")["JobId"]
    client.delete_collection(CollectionId="brief")
    caplog.set_level(logging.WARNING, logger="moto_rekognition_faces")
    gate.set()
    join_jobs()

    result = client.get_face_search(JobId=job)
    assert result["JobStatus"] == "FAILED" and "brief" in result["StatusMessage"]
    assert [r for r in caplog.records if r.name.startswith("moto_rekognition_faces")] == []


def test_a_job_added_to_a_board_that_a_reset_stopped_never_starts() -> None:
    """A Start request that a reset overtakes between recording and launching its job."""
    board = Jobs(threading.RLock(), ACCOUNT)
    job = VideoJob(
        job_id="j" * 64, api="StartFaceDetection", video={}, account_id=ACCOUNT, region=REGION
    )
    board.add(job, limit=20)
    board.stop_all()
    board.launch(job, b"", lambda frames: [])
    assert job.done.is_set() and job.status == "FAILED" and board.threads == []
    assert job_threads() == []


def reset(aws: Aws) -> None:
    """moto's reset through its API, which mock_aws intercepts (with requests) in decorator
    mode."""
    url = aws.endpoint or "http://motoapi.amazonaws.com"
    requests.post(f"{url}/moto-api/reset", timeout=60).raise_for_status()


def test_reset_stops_running_jobs_and_joins_their_threads(aws: Aws, long_video: Path) -> None:
    client = aws.rekognition
    client.create_collection(CollectionId="staff")
    video = upload(aws, long_video.read_bytes())
    jobs = [
        client.start_face_detection(Video=video)["JobId"],
        client.start_face_search(Video=video, CollectionId="staff")["JobId"],
    ]
    assert client.get_face_detection(JobId=jobs[0])["JobStatus"] == "IN_PROGRESS"
    assert len(job_threads()) == 2

    reset(aws)

    assert job_threads() == []  # stopped between two frames and joined before reset returned
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_face_detection(JobId=jobs[0])
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_face_search(JobId=jobs[1])
    assert client.list_collections()["CollectionIds"] == []


# A script that starts both kinds of job on the long video and then exits without waiting
# (detection with every attribute: with only the default models running, the old crash did not
# show):
# "leave" leaves mock_aws() first, "inside" never stops a started mock, "server" exits with a
# ThreadedMotoServer still serving. An atexit handler registered before the plugin is imported
# runs after the plugin's own (last in, first out) and reports the job threads still alive.
EXIT_SCRIPT = textwrap.dedent(
    """
    import atexit, os, sys, threading

    def report():
        alive = [t.name for t in threading.enumerate() if t.name.startswith("rekognition-job-")]
        print("alive at exit:", alive, flush=True)

    atexit.register(report)
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    import boto3
    import moto_rekognition_faces  # noqa: F401
    from moto import mock_aws

    mode, video_path, photo_path = sys.argv[1:4]

    def start_jobs(endpoint=None):
        s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint)
        client = boto3.client("rekognition", region_name="us-east-1", endpoint_url=endpoint)
        s3.create_bucket(Bucket="videos")
        with open(video_path, "rb") as f:
            s3.put_object(Bucket="videos", Key="long.mp4", Body=f.read())
        client.create_collection(CollectionId="staff")
        with open(photo_path, "rb") as f:
            client.index_faces(CollectionId="staff", Image={"Bytes": f.read()})
        video = {"S3Object": {"Bucket": "videos", "Name": "long.mp4"}}
        detection = client.start_face_detection(Video=video, FaceAttributes="ALL")["JobId"]
        search = client.start_face_search(Video=video, CollectionId="staff")["JobId"]
        print("detection:", client.get_face_detection(JobId=detection)["JobStatus"])
        print("search:", client.get_face_search(JobId=search)["JobStatus"], flush=True)

    if mode == "leave":
        with mock_aws():
            start_jobs()
        alive = [t.name for t in threading.enumerate() if t.name.startswith("rekognition-job-")]
        print("alive after mock_aws:", alive, flush=True)
    elif mode == "inside":
        mock_aws().start()
        start_jobs()
    else:
        from moto.server import ThreadedMotoServer

        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        start_jobs(f"http://{host}:{port}")
    """
)


@pytest.mark.parametrize("mode", ["leave", "inside", "server"])
def test_a_process_exiting_while_jobs_run_exits_cleanly(mode: str, long_video: Path) -> None:
    """Once crashed with SIGABRT ("terminate called without an active exception"): inference
    threads were still running while the interpreter shut down."""
    command = [
        sys.executable,
        "-c",
        EXIT_SCRIPT,
        mode,
        str(long_video),
        str(asset_path("single_face")),
    ]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(RUNS_PER_MODE)
    ]
    for process in runs:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err[-2000:]
        assert "terminate called" not in err and "FATAL" not in err, err[-2000:]
        assert "Traceback" not in err, err[-2000:]
        lines = out.splitlines()
        assert "detection: IN_PROGRESS" in lines and "search: IN_PROGRESS" in lines
        assert lines[-1] == "alive at exit: []"
        if mode == "leave":
            assert "alive after mock_aws: []" in lines
