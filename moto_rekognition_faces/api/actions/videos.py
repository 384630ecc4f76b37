"""Rekognition Video's stored-video face jobs: Start/Get FaceDetection and FaceSearch."""

from __future__ import annotations

import json
from typing import Any

from ...errors import InvalidPaginationTokenException
from ...inputs import videos
from ...state.jobs import VideoJob
from .. import similarity
from ..pagination import paginate
from ..request import backend_of, request_params, vector_collection
from . import video_work
from .users import fingerprint

MAX_CONCURRENT_JOBS = 20
MAX_PAGE = 1000
DEFAULT_FACE_MATCH_THRESHOLD = 80.0


def start_job(response: Any, params: dict[str, Any], api: str, work_for: Any) -> str:
    """Shared by both Start* actions: checks, idempotency, the job record, the launch."""
    backend = backend_of(response)

    def start() -> str:
        video = params["Video"]
        data = videos.read_s3_video(
            video.get("S3Object"), response.current_account, response.region
        )
        from moto.moto_api._internal import mock_random

        job = VideoJob(
            job_id=mock_random.get_random_hex(64),
            api=api,
            video=video,
            account_id=response.current_account,
            region=response.region,
            job_tag=params.get("JobTag"),
            notification=params.get("NotificationChannel"),
        )
        jobs = backend.jobs  # one store for both steps, even if a reset replaces it meanwhile
        jobs.add(job, MAX_CONCURRENT_JOBS)
        jobs.launch(job, data, work_for(backend))
        return json.dumps({"JobId": job.job_id})

    return backend.tokens.once(api, params.get("ClientRequestToken"), fingerprint(params), start)


def job_page(job: Any, params: dict[str, Any], key: str, items: list[Any]) -> str:
    """A Get* response: status, metadata and echo on every page, results paged by 1000. While
    the job runs the result list is there and empty, as AWS (and stock moto) answer, so code
    that reads it before checking JobStatus does not fail."""
    body: dict[str, Any] = {"JobStatus": job.status, **job.echo()}
    if job.status_message:
        body["StatusMessage"] = job.status_message
    if job.status == "IN_PROGRESS":
        body[key] = []
    elif job.status == "SUCCEEDED":
        body["VideoMetadata"] = job.metadata
        size = min(params.get("MaxResults") or MAX_PAGE, MAX_PAGE)
        try:
            page, token = paginate(items, f"{key}/{job.job_id}", params.get("NextToken"), size)
        except InvalidPaginationTokenException:
            raise InvalidPaginationTokenException("Invalid Token") from None
        body[key] = page
        if token:
            body["NextToken"] = token
    return json.dumps(body)


class VideoActions:
    """Actions on stored videos in moto's S3."""

    current_account: str
    region: str

    def start_face_detection(self) -> str:
        params = request_params(self, "StartFaceDetection")
        face_attributes = params.get("FaceAttributes")
        return start_job(
            self,
            params,
            "StartFaceDetection",
            lambda _: video_work.detect_faces_in(face_attributes),
        )

    def get_face_detection(self) -> str:
        params = request_params(self, "GetFaceDetection")
        job = backend_of(self).jobs.get(params["JobId"], "StartFaceDetection")
        return job_page(job, params, "Faces", job.results)

    def start_face_search(self) -> str:
        params = request_params(self, "StartFaceSearch")
        collection_id = params["CollectionId"]
        vector_collection(backend_of(self), collection_id)
        threshold = float(params.get("FaceMatchThreshold", DEFAULT_FACE_MATCH_THRESHOLD))

        def work_for(backend: Any) -> Any:
            def search(vector: Any) -> list[Any]:
                return backend.collections.search(
                    collection_id, vector, 4096, min_cosine=similarity.min_cosine(threshold)
                )

            return video_work.search_faces_in(search, threshold)

        return start_job(self, params, "StartFaceSearch", work_for)

    def get_face_search(self) -> str:
        params = request_params(self, "GetFaceSearch")
        job = backend_of(self).jobs.get(params["JobId"], "StartFaceSearch")
        persons = job.results
        if params.get("SortBy") == "INDEX":
            persons = sorted(persons, key=lambda p: (p["Person"]["Index"], p["Timestamp"]))
        return job_page(job, params, "Persons", persons)
