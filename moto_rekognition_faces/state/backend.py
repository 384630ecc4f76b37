"""State of the face APIs per account and region, composed of one store per kind of state.

A ``BackendDict`` of our own, so moto's reset (leaving ``mock_aws``, ``/moto-api/reset``)
clears it with everything else; a reset first stops the video jobs of the backend. Every store
shares one lock per account and region; inference happens outside it.
"""

from __future__ import annotations

import threading
from typing import Any

from moto.core.base_backend import BackendDict, BaseBackend
from moto.utilities.utils import get_partition

from .collections import Collections
from .idempotency import Idempotency
from .jobs import Jobs
from .users import Users


class FacesBackend(BaseBackend):
    """Collections, users, request tokens, video jobs and test-control records of one account
    in one region."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.lock = threading.RLock()
        partition = get_partition(region_name)
        self.collections = Collections(
            self.lock, f"arn:{partition}:rekognition:{region_name}:{account_id}:collection/"
        )
        self.users = Users(self.collections)
        self.tokens = Idempotency(self.lock)
        self.jobs = Jobs(self.lock, account_id)
        # Test control (moto_rekognition_faces.control) and liveness sessions.
        self.queued: dict[str, Any] = {}  # operation → deque of control.Queued
        self.celebrities: dict[str, dict[str, Any]] = {}  # Id → catalogue entry
        self.liveness: dict[str, dict[str, Any]] = {}  # SessionId → session record

    def reset(self) -> None:
        """moto's reset: stop this backend's video jobs, then start afresh."""
        self.jobs.stop_all()
        super().reset()


faces_backends = BackendDict(FacesBackend, "rekognition")
