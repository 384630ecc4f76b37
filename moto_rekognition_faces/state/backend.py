"""State of the face APIs per account and region, composed of one store per kind of state.

A ``BackendDict`` of our own, so moto's reset (leaving ``mock_aws``, ``/moto-api/reset``)
clears it with everything else; a reset first stops the video jobs of the backend. Every store
shares one lock per account and region; inference happens outside it.

With a state folder (``store.py``), a backend starts from what its account and region stored
(moto creates backends lazily, so each loads its own rows when first used), and moto's reset
empties the folder too: reset means nothing is left.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import numpy as np
from moto.core.base_backend import BackendDict, BaseBackend
from moto.utilities.utils import get_partition

from . import store as durable
from .collections import Collection, Collections, User
from .faces import box_row
from .idempotency import Idempotency
from .jobs import Jobs, VideoJob
from .users import Users


class FacesBackend(BaseBackend):
    """Collections, users, request tokens, video jobs and test-control records of one account
    in one region."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.lock = threading.RLock()
        partition = get_partition(region_name)
        self.store = durable.for_backend(account_id, region_name)
        self.collections = Collections(
            self.lock,
            f"arn:{partition}:rekognition:{region_name}:{account_id}:collection/",
            self.store,
        )
        self.users = Users(self.collections)
        self.tokens = Idempotency(self.lock, self.store)
        self.jobs = Jobs(self.lock, account_id)
        if self.store.durable:
            self.jobs.on_finished = self._keep_job
            self._restore(self.store.rows())
        # Test control (moto_rekognition_faces.control) and liveness sessions.
        self.queued: dict[str, Any] = {}  # operation → deque of control.Queued
        self.celebrities: dict[str, dict[str, Any]] = {}  # Id → catalogue entry
        self.liveness: dict[str, dict[str, Any]] = {}  # SessionId → session record

    def reset(self) -> None:
        """moto's reset: stop this backend's video jobs, empty the state folder (if any), then
        start afresh."""
        self.jobs.stop_all()
        with self.lock:
            self.store.clear()
        super().reset()

    def _keep_job(self, job: VideoJob) -> None:
        """A finished video job, written with its results."""
        with self.lock:
            self.store.put_job(
                job.job_id,
                {
                    "api": job.api,
                    "video": job.video,
                    "job_tag": job.job_tag,
                    "notification": job.notification,
                    "status": job.status,
                    "status_message": job.status_message,
                    "metadata": job.metadata,
                    "results": job.results,
                },
            )

    def _restore(self, rows: durable.Rows) -> None:
        """Rebuild collections, faces, vectors, users, tokens and jobs from stored rows."""
        by_id = self.collections.by_id
        for row in rows.collections:
            by_id[row["collection_id"]] = Collection(
                collection_id=row["collection_id"],
                arn=row["arn"],
                created=row["created"],
                tags=json.loads(row["tags"]),
                face_model_version=row["face_model_version"],
                profile=row["profile"],
            )
        grouped: dict[str, list[Any]] = {}
        for row in rows.faces:
            grouped.setdefault(row["collection_id"], []).append(row)
        for collection_id, faces in grouped.items():
            collection = by_id.get(collection_id)
            if collection is None:
                continue
            width = {len(row["vector"]) for row in faces}
            if len(width) != 1:
                raise durable.StateError(
                    f"{self.store.store.path}: collection {collection_id} holds vectors of "
                    f"lengths {sorted(n // 4 for n in width)}; it cannot be searched"
                )
            vectors = np.frombuffer(b"".join(row["vector"] for row in faces), np.float32)
            collection.faces.add(
                [row["face_id"] for row in faces],
                [row["image_id"] for row in faces],
                [row["external_image_id"] for row in faces],
                np.array([box_row(json.loads(row["bounding_box"])) for row in faces], np.float32),
                np.array([row["confidence"] for row in faces], np.float32),
                vectors.reshape(len(faces), -1),
                [row["user_id"] for row in faces],
            )
        for row in rows.indexed_images:
            collection = by_id.get(row["collection_id"])
            if collection is not None:
                image, external = json.loads(row["image_key"])
                collection.faces.remember(image, external, json.loads(row["face_ids"]))
        for row in rows.users:
            collection = by_id.get(row["collection_id"])
            if collection is not None:
                user = User(row["user_id"], json.loads(row["face_ids"]))
                collection.users[user.user_id] = user
                collection.refresh_user_vector(user)
        for row in rows.tokens:
            self.tokens.seen[(row["operation"], row["token"])] = (row["fingerprint"], row["body"])
        for row in rows.jobs:
            record = json.loads(row["record"])
            job = VideoJob(
                job_id=row["job_id"],
                api=record["api"],
                video=record["video"],
                account_id=self.account_id,
                region=self.region_name,
                job_tag=record["job_tag"],
                notification=record["notification"],
                status=record["status"],
                status_message=record["status_message"],
                metadata=record["metadata"],
                results=record["results"],
            )
            job.done.set()
            self.jobs.by_id[job.job_id] = job


def load_every_backend() -> int:
    """Create the backend of every account and region the state folder holds (the server does
    this at start, so the inspector shows them and a reset empties them); returns how many."""
    store = durable.shared()
    if store is None:
        return 0
    scopes = store.scopes()
    for account, region in scopes:
        faces_backends[account][region]
    return len(scopes)


faces_backends = BackendDict(FacesBackend, "rekognition")
