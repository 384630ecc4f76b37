"""The last requests the plugin answered, kept cheaply for the inspector page and pytest traces.

Recording a request stores references to its body and its answer, nothing more: parsing,
decoding the image and drawing on it happen only when a page or a trace asks for them.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import Any

KEPT = 50  # requests shown on the page
IMAGE_MEMBERS = ("Image", "SourceImage", "TargetImage")


@dataclass(eq=False)
class Record:
    """One request and its answer, as they went over the wire."""

    seq: int
    when: float
    account: str
    region: str
    operation: str
    status: int
    body: Any  # the request body (str or bytes), not parsed until needed
    answer: Any  # the response body (str or bytes)

    @cached_property
    def params(self) -> dict[str, Any]:
        """The request's JSON (an empty dict when it was not JSON)."""
        return _json_object(self.body)

    @cached_property
    def response(self) -> dict[str, Any]:
        return _json_object(self.answer)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def error(self) -> tuple[str, str] | None:
        """(code, message) of an error answer."""
        if self.ok:
            return None
        code = str(self.response.get("__type", "Error")).rsplit("#", 1)[-1]
        return code, str(self.response.get("message") or self.response.get("Message") or "")

    def images(self) -> list[str]:
        """The request members that hold an image (Image, or SourceImage and TargetImage)."""
        return [m for m in IMAGE_MEMBERS if isinstance(self.params.get(m), dict)]

    def image_bytes(self, member: str) -> bytes | None:
        """The ``Bytes`` of an image member, decoded from base64 (None for S3 objects)."""
        image = self.params.get(member)
        if not isinstance(image, dict) or not isinstance(image.get("Bytes"), str):
            return None
        try:
            return base64.b64decode(image["Bytes"], validate=False)
        except ValueError:
            return None

    def shown_params(self) -> dict[str, Any]:
        """The request with image bytes replaced by their size, for display."""
        shown = dict(self.params)
        for member in IMAGE_MEMBERS:
            image = shown.get(member)
            if isinstance(image, dict) and isinstance(image.get("Bytes"), str):
                size = len(image["Bytes"]) * 3 // 4
                shown[member] = {**image, "Bytes": f"<{size:,} bytes of image>"}
        return shown


def _json_object(body: Any) -> dict[str, Any]:
    if isinstance(body, bytes | bytearray):
        body = bytes(body).decode("utf-8", errors="replace")
    try:
        value = json.loads(body) if body else {}
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


class Recorder:
    """A bounded list of recent requests, plus listeners (pytest traces) that get every one."""

    def __init__(self, size: int = KEPT) -> None:
        self.recent: deque[Record] = deque(maxlen=size)
        self.listeners: list[list[Record]] = []
        self.lock = threading.Lock()
        self.counter = itertools.count(1)

    def add(
        self, account: str, region: str, operation: str, status: int, body: Any, answer: Any
    ) -> None:
        record = Record(
            next(self.counter), time.time(), account, region, operation, status, body, answer
        )
        with self.lock:
            self.recent.append(record)
            for listener in self.listeners:
                listener.append(record)

    def latest(self) -> list[Record]:
        """Newest first."""
        with self.lock:
            return list(reversed(self.recent))

    def get(self, seq: int) -> Record | None:
        with self.lock:
            return next((r for r in self.recent if r.seq == seq), None)

    @contextmanager
    def listen(self) -> Iterator[list[Record]]:
        """Every request answered while inside, in order (however many)."""
        heard: list[Record] = []
        with self.lock:
            self.listeners.append(heard)
        try:
            yield heard
        finally:
            with self.lock:
                self.listeners.remove(heard)


RECORDER = Recorder()
