"""The ``Image`` member of a request: Bytes or S3Object in, an upright BGR array out.

Rekognition's rules live here: JPEG and PNG only (judged by content), size limits for bytes and
for S3 objects, an 80-pixel minimum, EXIF orientation applied, and decompression bombs refused
from the header before any pixel is decoded.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from .. import config
from ..errors import (
    INVALID_PARAMETERS,
    ImageTooLargeException,
    InvalidImageFormatException,
    InvalidParameterException,
)
from .image_headers import HeaderError, ImageHeader, read_header
from .s3_objects import find_object, object_bytes

MAX_BYTES = 5 * 1024 * 1024  # Image.Bytes, 5,242,880
MAX_S3_BYTES = 15 * 1024 * 1024
MIN_SIDE = 80


class LoadedImage:
    """A request's image: its bytes as received, checked from the header, and its pixels,
    decoded when first needed (a result cache hit needs none)."""

    def __init__(self, data: bytes, header: ImageHeader) -> None:
        self.data = data
        self.header = header
        self._reduced: dict[int, np.ndarray] = {}

    @functools.cached_property
    def pixels(self) -> np.ndarray:
        """Upright BGR uint8 pixels."""
        return self._decoded(1)

    def reduction(self, long_side: int) -> int:
        """The factor ``pixels_reduced`` decodes at for a consumer that needs ``long_side``."""
        return reduction_for(self.header, long_side)

    def pixels_reduced(self, long_side: int) -> np.ndarray:
        """Upright pixels with a long side of at least ``long_side`` (or all of them), decoded
        at 1/2, 1/4 or 1/8 scale where the JPEG allows: a 12 MP photo needs a fraction of the
        work when the detector reads 1280 px. Always the same pixels for the same bytes and
        side, whatever was decoded before, so results from them are deterministic."""
        factor = self.reduction(long_side)
        if factor == 1:
            return self.pixels
        if factor not in self._reduced:
            self._reduced[factor] = self._decoded(factor)
        return self._reduced[factor]

    def _decoded(self, factor: int) -> np.ndarray:
        pixels = _decode_pixels(self.data, self.header, factor)
        if config.result_cache_enabled():
            _remember_decoded(self.sha256)
        return pixels

    @functools.cached_property
    def sha256(self) -> str:
        """Of the encoded bytes: what ImageId and the result cache's keys derive from."""
        return hashlib.sha256(self.data).hexdigest()

    @property
    def width(self) -> int:
        """Of the upright image (EXIF orientations 5 to 8 turn it a quarter)."""
        turned = self.header.orientation in QUARTER_TURNS
        return self.header.height if turned else self.header.width

    @property
    def height(self) -> int:
        turned = self.header.orientation in QUARTER_TURNS
        return self.header.width if turned else self.header.height


QUARTER_TURNS = frozenset({5, 6, 7, 8})
DECODED_REMEMBERED = 10_000
_decoded: OrderedDict[str, None] = OrderedDict()
_decoded_lock = threading.Lock()


def _remember_decoded(sha256: str) -> None:
    with _decoded_lock:
        _decoded[sha256] = None
        _decoded.move_to_end(sha256)
        while len(_decoded) > DECODED_REMEMBERED:
            _decoded.popitem(last=False)


def decoded_before(sha256: str) -> bool:
    """Whether these exact bytes were decoded without error in this process already."""
    return sha256 in _decoded


@dataclass(frozen=True)
class Limits:
    """An operation's image limits: most use the defaults, DetectProtectiveEquipment its own."""

    max_bytes: int = MAX_BYTES
    min_side: int = MIN_SIDE
    max_side: int | None = None


DEFAULT_LIMITS = Limits()


def load(
    image: Any,
    account_id: str,
    region: str,
    member: str = "Image",
    limits: Limits = DEFAULT_LIMITS,
    *,
    reduced_side: int | None = None,
) -> LoadedImage:
    """Read and decode a request's ``Image`` member (raises Rekognition's errors).

    ``reduced_side``: the caller reads only ``pixels_reduced(reduced_side)``, so that is what
    is decoded here (a large JPEG at reduced size)."""
    if not isinstance(image, dict):
        raise InvalidParameterException(f"{member} must be a structure with Bytes or S3Object.")
    has_bytes, has_s3 = image.get("Bytes") is not None, image.get("S3Object") is not None
    if has_bytes == has_s3:
        raise InvalidParameterException(f"{member} must contain exactly one of Bytes or S3Object.")
    if has_bytes:
        data = _decode_base64(image["Bytes"])
        if len(data) > limits.max_bytes:
            raise ImageTooLargeException()
    else:
        data = _read_s3(image["S3Object"], account_id, region)
    loaded = LoadedImage(data, checked_header(data, limits))
    # Bytes decoded before are left for the first use of .pixels (a result cache hit has none);
    # with the cache off that saves nothing, so the bytes are not even hashed for it.
    if not config.result_cache_enabled() or not decoded_before(loaded.sha256):
        # decode errors are raised here, in the request's order
        if reduced_side is None:
            loaded.pixels  # noqa: B018
        else:
            loaded.pixels_reduced(reduced_side)
    return loaded


def decode(data: bytes, limits: Limits = DEFAULT_LIMITS) -> np.ndarray:
    """Encoded JPEG/PNG → upright 8-bit BGR, enforcing Rekognition's format and size rules."""
    return _decode_pixels(data, checked_header(data, limits))


def checked_header(data: bytes, limits: Limits = DEFAULT_LIMITS) -> ImageHeader:
    """The image's header, after every rule that can be judged without decoding a pixel."""
    if not data:
        raise InvalidParameterException("Image bytes must not be empty.")
    try:
        header = read_header(data)
    except HeaderError as exc:
        raise InvalidImageFormatException() from exc
    if header.width * header.height > config.max_image_pixels():
        raise ImageTooLargeException()
    if min(header.width, header.height) < limits.min_side:
        raise InvalidParameterException(
            f"{INVALID_PARAMETERS} Image is {header.width} x {header.height} pixels; "
            f"Rekognition needs at least {limits.min_side} pixels in width and height."
        )
    if limits.max_side is not None and max(header.width, header.height) > limits.max_side:
        raise ImageTooLargeException()
    return header


# libjpeg scales while it decodes (in the inverse DCT), so these cost a fraction of a full decode.
_REDUCED_FLAGS = {
    1: cv2.IMREAD_COLOR,
    2: cv2.IMREAD_REDUCED_COLOR_2,
    4: cv2.IMREAD_REDUCED_COLOR_4,
    8: cv2.IMREAD_REDUCED_COLOR_8,
}


def reduction_for(header: ImageHeader, long_side: int) -> int:
    """The largest JPEG decode reduction (1, 2, 4 or 8) whose long side is still at least
    ``long_side``: a consumer that scales the image down to ``long_side`` anyway loses nothing
    it would have kept. PNGs have no reduced decode: always 1."""
    if header.format != "jpeg":
        return 1
    longest = max(header.width, header.height)
    for factor in (8, 4, 2):
        if -(-longest // factor) >= long_side:
            return factor
    return 1


def reduced_size(header: ImageHeader, factor: int) -> tuple[int, int]:
    """(width, height) as stored, of a decode at 1/``factor`` (libjpeg rounds up)."""
    return -(-header.width // factor), -(-header.height // factor)


def _decode_pixels(data: bytes, header: ImageHeader, factor: int = 1) -> np.ndarray:
    flags = _REDUCED_FLAGS[factor] | cv2.IMREAD_IGNORE_ORIENTATION
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    width, height = reduced_size(header, factor)
    if pixels is None or pixels.shape[:2] != (height, width):
        raise InvalidImageFormatException()
    return apply_orientation(pixels, header.orientation)


def apply_orientation(pixels: np.ndarray, orientation: int) -> np.ndarray:
    """Turn stored pixels upright as an EXIF Orientation value (1..8) says."""
    if orientation == 2:
        return cv2.flip(pixels, 1)
    if orientation == 3:
        return cv2.rotate(pixels, cv2.ROTATE_180)
    if orientation == 4:
        return cv2.flip(pixels, 0)
    if orientation == 5:
        return cv2.transpose(pixels)
    if orientation == 6:
        return cv2.rotate(pixels, cv2.ROTATE_90_CLOCKWISE)
    if orientation == 7:
        return cv2.flip(cv2.transpose(pixels), -1)
    if orientation == 8:
        return cv2.rotate(pixels, cv2.ROTATE_90_COUNTERCLOCKWISE)
    return pixels


def _decode_base64(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    if not isinstance(value, str):
        raise InvalidParameterException("Image.Bytes must be base64-encoded.")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidParameterException("Image.Bytes is not valid base64.") from exc


def _read_s3(location: Any, account_id: str, region: str) -> bytes:
    """The object's bytes from moto's S3 of the caller's account (size checked first)."""
    key = find_object(location, account_id, region)
    if key.size > MAX_S3_BYTES:
        raise ImageTooLargeException()
    return object_bytes(key)
