"""Stored-video jobs: their records, the threads that run them, and the completion notice.

A job runs on a background thread (or inline when ``MOTO_REKOGNITION_FACES_VIDEO_SYNC=1``)
over the sampled frames of its video; what it does with each frame is the caller's ``work``.
Jobs can be stopped between two frames: moto's reset (leaving ``mock_aws``,
``/moto-api/reset``) and interpreter exit stop every running job and join its thread, so no
inference thread outlives its backend or runs while the interpreter shuts down.
"""

from __future__ import annotations

import atexit
import json
import logging
import threading
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import config
from ..errors import LimitExceededException, RekognitionError, ResourceNotFoundException
from ..inputs import videos

log = logging.getLogger(__name__)

JOIN_SECONDS = 30.0  # a frame takes well under a second; this only bounds a stuck decoder
Frames = Iterator[tuple[int, np.ndarray]]  # (timestamp in ms, BGR frame)
Work = Callable[[Frames], list[dict[str, Any]]]


class JobStopped(Exception):
    """Raised between two frames of a job that was asked to stop."""


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
    stop: threading.Event = field(default_factory=threading.Event)

    def echo(self) -> dict[str, Any]:
        """JobId, Video and JobTag as the Get* operations repeat them."""
        body: dict[str, Any] = {"JobId": self.job_id, "Video": self.video}
        if self.job_tag is not None:
            body["JobTag"] = self.job_tag
        return body

    def frames(self, capture: Any) -> Frames:
        """The sampled frames, stopping between two of them when the job is stopped."""
        for item in videos.sampled_frames(capture, config.video_sample_fps()):
            if self.stop.is_set():
                raise JobStopped
            yield item

    def run(self, data: bytes, work: Work) -> None:
        """Do the work and record how it ended; a job always ends, whatever happens."""
        try:
            with videos.opened(data) as capture:
                self.metadata = videos.metadata(capture).to_shape()
                self.results = work(self.frames(capture))
            self.status = "SUCCEEDED"
        except JobStopped:
            self.status, self.status_message = "FAILED", "The job was stopped by a reset."
        except videos.VideoUnreadable as exc:
            self.status, self.status_message = "FAILED", f"Unable to read the video: {exc}."
        except RekognitionError as exc:  # e.g. the searched collection was deleted meanwhile
            self.status, self.status_message = "FAILED", exc.message
        except Exception as exc:
            log.exception("moto-rekognition-faces: video job %s failed", self.job_id)
            self.status, self.status_message = "FAILED", f"Internal error: {type(exc).__name__}"
        finally:
            self.done.set()
        if not self.stop.is_set():
            notify(self)


class Jobs:
    """The video jobs of one account in one region."""

    def __init__(self, lock: threading.RLock, account_id: str) -> None:
        self.lock = lock
        self.account_id = account_id
        self.by_id: dict[str, VideoJob] = {}
        self.threads: list[threading.Thread] = []
        self.stopped = False  # by stop_all: a reset is under way, nothing more may start here
        self.on_finished: Callable[[VideoJob], None] | None = None  # durable state keeps it
        _every_board.add(self)

    def add(self, job: VideoJob, limit: int) -> None:
        """Record a new job; more than ``limit`` running at once is LimitExceededException."""
        with self.lock:
            running = sum(1 for j in self.by_id.values() if j.status == "IN_PROGRESS")
            if running >= limit:
                raise LimitExceededException(
                    f"{running} open Jobs for User "
                    f"arn:aws:iam::{self.account_id}:root Maximum limit: {limit}"
                )
            self.by_id[job.job_id] = job

    def get(self, job_id: str, api: str) -> VideoJob:
        with self.lock:
            job = self.by_id.get(job_id)
        if job is None or job.api != api:
            raise ResourceNotFoundException(f"The job id: {job_id} does not exist.")
        return job

    def launch(self, job: VideoJob, data: bytes, work: Work) -> None:
        """Run the job on its own thread, or inline when jobs are synchronous. A job whose
        board a reset stopped between ``add`` and here does not start at all."""
        if config.video_jobs_synchronous():
            self._run(job, data, work)
            return
        thread = threading.Thread(
            target=self._run,
            args=(job, data, work),
            name=f"rekognition-job-{job.job_id[:8]}",
            daemon=True,
        )
        with self.lock:  # started under the lock, so stop_all never sees an unstarted thread
            if self.stopped or job.stop.is_set():
                job.stop.set()
                job.status, job.status_message = "FAILED", "The job was stopped by a reset."
                job.done.set()
                return
            self.threads = [t for t in self.threads if t.is_alive()]
            self.threads.append(thread)
            thread.start()

    def _run(self, job: VideoJob, data: bytes, work: Work) -> None:
        """Run the job, then hand a job that ended on its own (not stopped) to ``on_finished``."""
        job.run(data, work)
        if self.on_finished is not None and not job.stop.is_set():
            try:
                self.on_finished(job)
            except Exception:
                log.exception("moto-rekognition-faces: video job %s was not kept", job.job_id)

    def stop_all(self) -> None:
        """Stop every running job between two frames and wait for its thread to end."""
        with self.lock:
            self.stopped = True
            jobs, threads = list(self.by_id.values()), list(self.threads)
            self.threads = []
            for job in jobs:
                job.stop.set()
        for thread in threads:
            if thread is not threading.current_thread():
                thread.join(JOIN_SECONDS)


_every_board: weakref.WeakSet[Jobs] = weakref.WeakSet()


@atexit.register
def _stop_every_job() -> None:
    """At interpreter exit, no inference may still be running on a job thread."""
    for board in list(_every_board):
        board.stop_all()


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
    except Exception as exc:  # AWS does not fail a job whose notice cannot be delivered
        log.warning(
            "moto-rekognition-faces: the completion of job %s could not be published to %s (%s)",
            job.job_id,
            topic,
            type(exc).__name__,
        )
