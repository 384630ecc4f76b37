"""The ``Video`` member: an MP4 or MOV in moto's S3, its metadata and sampled frames.

OpenCV needs a file to read video from, so the object is written to a temporary file for the
duration of the job and removed afterwards.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from ..errors import InvalidParameterException, RekognitionError
from .s3_objects import find_object, object_bytes

MAX_VIDEO_BYTES = 10 * 1024**3
# ISO base media (MP4, MOV) files open with a box whose type is one of these, at byte 4.
_ISO_BOXES = {b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


class VideoTooLargeException(RekognitionError):
    error_code = "VideoTooLargeException"
    default_message = "Video size in bytes is more than the maximum limit."


class VideoUnreadable(Exception):
    """The container looked right but no frame could be decoded (the job then FAILS)."""


@dataclass(frozen=True)
class VideoMetadata:
    codec: str
    duration_ms: int
    frame_rate: float
    width: int
    height: int
    format: str = "QuickTime / MOV"

    def to_shape(self) -> dict[str, Any]:
        return {
            "Codec": self.codec,
            "DurationMillis": self.duration_ms,
            "Format": self.format,
            "FrameRate": self.frame_rate,
            "FrameHeight": self.height,
            "FrameWidth": self.width,
        }


def read_s3_video(location: Any, account_id: str, region: str) -> bytes:
    """The video's bytes, with Rekognition Video's checks on where it is and what it is."""
    key = find_object(location, account_id, region)
    if key.size > MAX_VIDEO_BYTES:
        raise VideoTooLargeException(
            f"Video size in bytes: {key.size} is more than the maximum limit of: "
            f"{MAX_VIDEO_BYTES} bytes."
        )
    data = object_bytes(key)
    if data[4:8] not in _ISO_BOXES:
        raise InvalidParameterException(
            "Unsupported video format: Rekognition Video reads H.264 in MP4 or MOV files."
        )
    return data


@contextmanager
def opened(data: bytes) -> Iterator[cv2.VideoCapture]:
    """A VideoCapture over the bytes (through a temporary file that is removed afterwards)."""
    handle, path = tempfile.mkstemp(suffix=".mp4", prefix="moto-rekognition-video-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        capture = cv2.VideoCapture(path)
        try:
            if not capture.isOpened():
                raise VideoUnreadable("the video could not be opened")
            yield capture
        finally:
            capture.release()
    finally:
        os.unlink(path)


def metadata(capture: cv2.VideoCapture) -> VideoMetadata:
    fps = float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
    frames = int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
    fourcc = int(capture.get(cv2.CAP_PROP_FOURCC) or 0)
    code = "".join(chr((fourcc >> 8 * i) & 0xFF) for i in range(4)).strip("\x00 ").lower()
    codec = {"avc1": "h264", "h264": "h264", "x264": "h264", "hev1": "h265", "hvc1": "h265"}.get(
        code, code or "unknown"
    )
    return VideoMetadata(
        codec=codec,
        duration_ms=round(frames / fps * 1000) if fps > 0 else 0,
        frame_rate=fps,
        width=int(capture.get(cv2.CAP_PROP_FRAME_WIDTH) or 0),
        height=int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT) or 0),
    )


def sampled_frames(
    capture: cv2.VideoCapture, sample_fps: float
) -> Iterator[tuple[int, np.ndarray]]:
    """(timestamp in ms, BGR frame) for frames about 1/sample_fps seconds apart, in order."""
    fps = float(capture.get(cv2.CAP_PROP_FPS) or 0.0) or 30.0
    step = max(1, round(fps / sample_fps)) if sample_fps > 0 else 1
    index = 0
    decoded_any = False
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        decoded_any = True
        if index % step == 0:
            yield round(index / fps * 1000), frame
        index += 1
    if not decoded_any:
        raise VideoUnreadable("no frame of the video could be decoded")
