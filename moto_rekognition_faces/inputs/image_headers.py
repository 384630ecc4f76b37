"""Reading JPEG and PNG headers without decoding pixels.

Knowing the format, the claimed size and the EXIF orientation before decoding lets the plugin
refuse decompression bombs and foreign formats cheaply, and decode deterministically.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SOI = b"\xff\xd8\xff"
# Start-of-frame markers carry the frame size (not DHT C4, JPG C8, DAC CC).
_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_STANDALONE_MARKERS = {0x01, *range(0xD0, 0xD8)}


class HeaderError(ValueError):
    """The bytes are not a complete JPEG or PNG."""


@dataclass(frozen=True)
class ImageHeader:
    format: str  # "jpeg" or "png"
    width: int
    height: int
    orientation: int = 1  # EXIF Orientation, 1..8; 1 = as stored


def read_header(data: bytes) -> ImageHeader:
    """Format, size and orientation of a JPEG or PNG; HeaderError for anything else."""
    if data.startswith(PNG_SIGNATURE):
        return _png_header(data)
    if data.startswith(JPEG_SOI):
        return _jpeg_header(data)
    raise HeaderError("not a JPEG or PNG")


def _png_header(data: bytes) -> ImageHeader:
    """IHDR gives the size; walking the chunk lengths to IEND catches truncation."""
    if len(data) < 33 or data[12:16] != b"IHDR":
        raise HeaderError("PNG without IHDR")
    width, height = struct.unpack(">II", data[16:24])
    offset = 8
    while True:
        if offset + 8 > len(data):
            raise HeaderError("PNG is truncated")
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        offset += 12 + length
        if offset > len(data):
            raise HeaderError("PNG is truncated")
        if kind == b"IEND":
            break
    if width == 0 or height == 0:
        raise HeaderError("PNG of zero size")
    return ImageHeader("png", width, height)


def _jpeg_header(data: bytes) -> ImageHeader:
    """Walks the marker segments up to the scan; the image must end with an EOI marker."""
    size: tuple[int, int] | None = None
    orientation = 1
    offset = 2
    while True:
        while (
            offset < len(data)
            and data[offset] == 0xFF
            and offset + 1 < len(data)
            and data[offset + 1] == 0xFF
        ):
            offset += 1  # fill bytes
        if offset + 4 > len(data) or data[offset] != 0xFF:
            raise HeaderError("JPEG marker structure is broken")
        marker = data[offset + 1]
        if marker in _STANDALONE_MARKERS:
            offset += 2
            continue
        (length,) = struct.unpack(">H", data[offset + 2 : offset + 4])
        segment = data[offset + 4 : offset + 2 + length]
        if length < 2 or len(segment) != length - 2:
            raise HeaderError("JPEG is truncated")
        if marker in _SOF_MARKERS and len(segment) >= 5:
            height, width = struct.unpack(">HH", segment[1:5])
            size = (width, height)
        elif marker == 0xE1 and segment.startswith(b"Exif\x00\x00") and orientation == 1:
            orientation = _exif_orientation(segment[6:])
        elif marker == 0xDA:  # start of scan: entropy-coded data follows
            if size is None:
                raise HeaderError("JPEG without a frame header")
            if data.rfind(b"\xff\xd9", offset + 2 + length) < 0:
                raise HeaderError("JPEG is truncated (no end-of-image marker)")
            width, height = size
            if width == 0 or height == 0:
                raise HeaderError("JPEG of zero size")
            return ImageHeader("jpeg", width, height, orientation)
        offset += 2 + length


def _exif_orientation(tiff: bytes) -> int:
    """The Orientation tag (0x0112) of IFD0, or 1 when absent or unreadable."""
    try:
        order = {b"II": "<", b"MM": ">"}[tiff[:2]]
        (ifd,) = struct.unpack(order + "I", tiff[4:8])
        (count,) = struct.unpack(order + "H", tiff[ifd : ifd + 2])
        for i in range(count):
            entry = tiff[ifd + 2 + 12 * i : ifd + 14 + 12 * i]
            tag, kind = struct.unpack(order + "HH", entry[:4])
            if tag == 0x0112 and kind == 3:
                (value,) = struct.unpack(order + "H", entry[8:10])
                return value if 1 <= value <= 8 else 1
    except (KeyError, struct.error):
        pass
    return 1
