"""Face Liveness sessions: create one, read its results.

The video of a liveness check streams through a separate HTTP/2 API that no SDK call in this
model can reach, so a session stays CREATED (and EXPIRED after 3 minutes, as AWS does) until
a test sets its outcome with ``control.set_liveness_result``; the reference and audit images
it gives are real photos whose face boxes the detector measures.
"""

from __future__ import annotations

import json
import time
from typing import Any

from moto.moto_api._internal import mock_random

from ...errors import RekognitionError
from ..request import backend_of, request_params
from .users import fingerprint

SESSION_LIFETIME_SECONDS = 180
DEFAULT_CHALLENGE = {"Type": "FaceMovementAndLightChallenge", "Version": "1.0.0"}


class SessionNotFoundException(RekognitionError):
    error_code = "SessionNotFoundException"
    default_message = "The session does not exist."


class LivenessActions:
    current_account: str
    region: str

    def create_face_liveness_session(self) -> str:
        params = request_params(self, "CreateFaceLivenessSession")
        backend = backend_of(self)

        def work() -> str:
            session_id = str(mock_random.uuid4())
            backend.liveness[session_id] = {
                "SessionId": session_id,
                "Status": "CREATED",
                "Created": time.time(),
                "Settings": params.get("Settings") or {},
            }
            return json.dumps({"SessionId": session_id})

        return backend.tokens.once(
            "CreateFaceLivenessSession", params.get("ClientRequestToken"), fingerprint(params), work
        )

    def get_face_liveness_session_results(self) -> str:
        params = request_params(self, "GetFaceLivenessSessionResults")
        session = backend_of(self).liveness.get(params["SessionId"])
        if session is None:
            raise SessionNotFoundException(f"Session with id {params['SessionId']} was not found.")
        body: dict[str, Any] = {"SessionId": session["SessionId"], "Status": session["Status"]}
        expired = time.time() - session["Created"] > SESSION_LIFETIME_SECONDS
        if session["Status"] in {"CREATED", "IN_PROGRESS"} and expired:
            body["Status"] = "EXPIRED"
        for key in ("Confidence", "ReferenceImage", "AuditImages", "Feedback"):
            if key in session:
                body[key] = session[key]
        if session["Status"] in {"SUCCEEDED", "FAILED"}:
            body["Challenge"] = DEFAULT_CHALLENGE
        return json.dumps(body)
