"""Stored-video face jobs: their records, the work, and the completion notice.

A job runs on a background thread (or inline when ``MOTO_REKOGNITION_FACES_VIDEO_SYNC=1``),
reading sampled frames of the video and running the same pipeline as the image operations.
On completion the job's record is filled and, when a NotificationChannel was given, the
completion message is published to the SNS topic in moto, as Rekognition Video does.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import attributes, config, serialize, similarity, videos
from .vision import embedder, pipeline

log = logging.getLogger(__name__)

VIDEO_EXCLUDED_MEMBERS = ("EyeDirection", "FaceOccluded")  # never in video results
SAME_PERSON_COSINE = 0.45  # a face this close to a person seen earlier is that person


@dataclass
class VideoJob:
    job_id: str
    api: str  # "StartFaceDetection" or "StartFaceSearch"
    video: dict[str, Any]
    account_id: str
    region: str
    job_tag: str | None = None
    notification: dict[str, str] | None = None
    status: str = "IN_PROGRESS"
    status_message: str | None = None
    metadata: dict[str, Any] | None = None
    results: list[dict[str, Any]] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)

    def echo(self) -> dict[str, Any]:
        """JobId, Video and JobTag as the Get* operations repeat them."""
        body: dict[str, Any] = {"JobId": self.job_id, "Video": self.video}
        if self.job_tag is not None:
            body["JobTag"] = self.job_tag
        return body


def launch(job: VideoJob, data: bytes, work: Callable[[Any], list]) -> None:
    """Run ``work`` over the opened video, on a thread unless jobs are synchronous."""

    def run() -> None:
        try:
            with videos.opened(data) as capture:
                job.metadata = videos.metadata(capture).to_shape()
                job.results = work(capture)
            job.status = "SUCCEEDED"
        except videos.VideoUnreadable as exc:
            job.status, job.status_message = "FAILED", f"Unable to read the video: {exc}."
        except Exception as exc:  # a job must end, whatever happens
            log.exception("moto-rekognition-faces: video job %s failed", job.job_id)
            job.status, job.status_message = "FAILED", f"Internal error: {type(exc).__name__}"
        finally:
            job.done.set()
            notify(job)

    if config.video_jobs_synchronous():
        run()
    else:
        threading.Thread(target=run, name=f"rekognition-job-{job.job_id[:8]}", daemon=True).start()


def detect_faces_in(face_attributes: str | None) -> Callable[[Any], list]:
    """The work of StartFaceDetection: FaceDetection entries, in time order (with ALL, every
    member but EyeDirection and FaceOccluded, which video results never carry)."""
    selection = attributes.select([face_attributes or "DEFAULT"], never=VIDEO_EXCLUDED_MEMBERS)

    def work(capture: Any) -> list[dict[str, Any]]:
        found = []
        for timestamp, frame in videos.sampled_frames(capture, config.video_sample_fps()):
            height, width = frame.shape[:2]
            for face in pipeline.analyze(frame, selection.needs):
                detail = serialize.face_detail(face, width, height, selection)
                found.append({"Timestamp": timestamp, "Face": detail})
        return found

    return work


def search_faces_in(
    search: Callable[[np.ndarray], list[tuple[Any, float]]], threshold: float
) -> Callable[[Any], list]:
    """The work of StartFaceSearch: PersonMatch entries, people numbered by first appearance."""

    def work(capture: Any) -> list[dict[str, Any]]:
        people: list[np.ndarray] = []  # running mean vector of each person seen
        matches = []
        for timestamp, frame in videos.sampled_frames(capture, config.video_sample_fps()):
            height, width = frame.shape[:2]
            faces = pipeline.analyze(frame)
            vectors = embedder.embed(frame, [f.detection.points5 for f in faces])
            for face, vector in zip(faces, vectors, strict=True):
                index = _person_index(people, vector)
                detail = serialize.face_detail(face, width, height)
                face_matches = [
                    {"Similarity": score, "Face": stored.to_face()}
                    for stored, score in similarity.at_least(search(vector), threshold)
                ]
                matches.append(
                    {
                        "Timestamp": timestamp,
                        "Person": {
                            "Index": index,
                            "BoundingBox": detail["BoundingBox"],
                            "Face": detail,
                        },
                        "FaceMatches": face_matches,
                    }
                )
        return matches

    return work


def _person_index(people: list[np.ndarray], vector: np.ndarray) -> int:
    """The index of the person this face belongs to, adding a new person when none is close."""
    if people:
        scores = np.array([float(p @ vector) / max(np.linalg.norm(p), 1e-12) for p in people])
        best = int(np.argmax(scores))
        if scores[best] >= SAME_PERSON_COSINE:
            people[best] = people[best] + vector
            return best
    people.append(vector.astype(np.float64))
    return len(people) - 1


def notify(job: VideoJob) -> None:
    """Publish the completion message to the job's SNS topic in moto (if it has one)."""
    if not job.notification:
        return
    from moto.core.utils import unix_time_millis
    from moto.sns.models import sns_backends

    topic = job.notification["SNSTopicArn"]
    region = topic.split(":")[3]
    s3 = job.video.get("S3Object", {})
    message = {
        "JobId": job.job_id,
        "Status": job.status,
        "API": job.api,
        "Timestamp": int(unix_time_millis()),
        "Video": {"S3ObjectName": s3.get("Name"), "S3Bucket": s3.get("Bucket")},
    }
    if job.job_tag is not None:
        message["JobTag"] = job.job_tag
    try:
        sns_backends[job.account_id][region].publish(json.dumps(message), arn=topic)
    except Exception:  # AWS does not fail a job whose notice cannot be delivered
        log.warning("moto-rekognition-faces: could not publish to %s", topic, exc_info=True)
