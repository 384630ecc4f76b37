"""Deterministic builders of edge-case image bytes (formats, sizes, EXIF, PNG variants, bombs).

Rekognition accepts only JPEG and PNG, up to 5 MB inline (15 MB from S3), at least 80 px a side,
and applies neither more nor less than what a real service does to odd but valid files. These
builders make such files on the fly from a base picture, so nothing odd needs committing. Images
are numpy arrays in OpenCV's BGR order; every builder returns ``bytes``.
"""

from __future__ import annotations

import functools
import struct
import zlib
from typing import Literal

import cv2
import numpy as np

INLINE_LIMIT = 5 * 1024 * 1024  # bytes, Image.Bytes
S3_LIMIT = 15 * 1024 * 1024  # bytes, Image.S3Object

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# --- plain encoders ---------------------------------------------------------------------------


def _encode(ext: str, img: np.ndarray, params: list[int] | None = None) -> bytes:
    ok, buffer = cv2.imencode(ext, img, params or [])
    if not ok:
        raise ValueError(f"cv2 could not encode a {img.shape} {img.dtype} image as {ext}")
    return buffer.tobytes()


def jpeg_bytes(img_bgr: np.ndarray, quality: int = 90) -> bytes:
    return _encode(".jpg", img_bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])


def png_bytes(img: np.ndarray, compression: int = 3) -> bytes:
    """PNG of a grey, BGR or BGRA array, 8 or 16 bits (cv2 picks the colour type)."""
    return _encode(".png", img, [cv2.IMWRITE_PNG_COMPRESSION, compression])


def webp_bytes(img_bgr: np.ndarray, quality: int = 90) -> bytes:
    return _encode(".webp", img_bgr, [cv2.IMWRITE_WEBP_QUALITY, quality])


def bmp_bytes(img_bgr: np.ndarray) -> bytes:
    return _encode(".bmp", img_bgr)


def tiff_bytes(img_bgr: np.ndarray) -> bytes:
    return _encode(".tiff", img_bgr)


def resized(img: np.ndarray, width: int, height: int) -> np.ndarray:
    """The picture stretched to exactly width x height (for the 79/80-pixel boundary)."""
    shrinking = width * height < img.shape[0] * img.shape[1]
    return cv2.resize(
        img, (width, height), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC
    )


def sample_picture(width: int = 320, height: int = 240) -> np.ndarray:
    """A deterministic, smooth BGR test card (compresses well, so padding controls file size)."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    blue = 255 * x / max(width - 1, 1)
    green = 255 * y / max(height - 1, 1)
    red = 127.5 + 127.5 * np.sin((x + y) / 17.0)
    return np.dstack([blue, green, red]).round().astype(np.uint8)


# --- broken bytes -------------------------------------------------------------------------------


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    """The first ``keep`` fraction of a file: a header that promises more than there is."""
    if not 0 < keep < 1:
        raise ValueError("keep must be strictly between 0 and 1")
    return data[: int(len(data) * keep)]


def random_bytes(n: int, seed: int = 0) -> bytes:
    return np.random.default_rng(seed).bytes(n)


# --- EXIF orientation ----------------------------------------------------------------------------


def apply_exif_orientation(img: np.ndarray, orientation: int) -> np.ndarray:
    """What a viewer shows for stored pixels ``img`` tagged with ``orientation`` (EXIF 0x0112).

    1 as stored, 2 mirrored left-right, 3 rotated 180, 4 mirrored top-bottom, 5 transposed
    (mirrored about the main diagonal), 6 rotated 90 degrees clockwise, 7 transversed (mirrored
    about the anti-diagonal), 8 rotated 90 degrees counter-clockwise.
    """
    transposed = np.swapaxes(img, 0, 1)
    views = {
        1: img,
        2: img[:, ::-1],
        3: img[::-1, ::-1],
        4: img[::-1],
        5: transposed,
        6: np.rot90(img, k=-1),
        7: transposed[::-1, ::-1],
        8: np.rot90(img, k=1),
    }
    if orientation not in views:
        raise ValueError(f"EXIF orientation must be 1..8, not {orientation}")
    return np.ascontiguousarray(views[orientation])


def stored_for_orientation(upright: np.ndarray, orientation: int) -> np.ndarray:
    """The pixels to store so that tagging them with ``orientation`` displays ``upright``."""
    inverse = {6: 8, 8: 6}.get(orientation, orientation)  # the others are their own inverse
    return apply_exif_orientation(upright, inverse)


def exif_orientation_segment(orientation: int, byte_order: Literal["MM", "II"] = "MM") -> bytes:
    """A minimal APP1 Exif segment: TIFF header and an IFD0 holding only Orientation."""
    e = ">" if byte_order == "MM" else "<"
    tiff = byte_order.encode() + struct.pack(f"{e}HI", 42, 8)  # magic, offset of IFD0
    tiff += struct.pack(f"{e}H", 1)  # one entry
    tiff += struct.pack(f"{e}HHIH2x", 0x0112, 3, 1, orientation)  # SHORT, count 1, padded
    tiff += struct.pack(f"{e}I", 0)  # no next IFD
    payload = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def jpeg_with_exif_orientation(
    img_bgr: np.ndarray,
    orientation: int,
    quality: int = 95,
    byte_order: Literal["MM", "II"] = "MM",
) -> bytes:
    """A JPEG whose stored pixels are transformed so that honouring the tag shows ``img_bgr``."""
    stored = jpeg_bytes(stored_for_orientation(img_bgr, orientation), quality)
    body = _skip_jfif(stored)
    return b"\xff\xd8" + exif_orientation_segment(orientation, byte_order) + body


def _skip_jfif(jpeg: bytes) -> bytes:
    """Everything after SOI and the JFIF APP0 (Exif files put APP1 first instead)."""
    if jpeg[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    position = 2
    if jpeg[2:4] == b"\xff\xe0":
        (length,) = struct.unpack(">H", jpeg[4:6])
        position = 4 + length
    return jpeg[position:]


# --- size limits ---------------------------------------------------------------------------------


def jpeg_of_size(size: int, img_bgr: np.ndarray | None = None, quality: int = 90) -> bytes:
    """A valid JPEG of exactly ``size`` bytes: the picture plus COM (comment) padding segments."""
    base = jpeg_bytes(sample_picture() if img_bgr is None else img_bgr, quality)
    head_end = len(base) - len(_skip_jfif(base))
    padding = size - len(base)
    if padding == 0:
        return base
    if padding < 4:
        raise ValueError(f"{size} bytes: the base JPEG is {len(base)} bytes, no room for padding")
    # Each COM segment costs 4 bytes (marker, length) plus up to 65533 bytes of payload.
    count = -(-padding // 65537)
    sizes = [padding // count + (i < padding % count) for i in range(count)]
    comments = b"".join(
        b"\xff\xfe" + struct.pack(">H", n - 2) + bytes([0x20 + i % 64]) * (n - 4)
        for i, n in enumerate(sizes)
    )
    return base[:head_end] + comments + base[head_end:]


def oversized_jpeg(min_bytes: int = INLINE_LIMIT + 1, img_bgr: np.ndarray | None = None) -> bytes:
    """A valid JPEG of exactly ``min_bytes`` bytes (default: one byte over the 5 MB limit)."""
    return jpeg_of_size(min_bytes, img_bgr)


def undersized_jpeg(max_bytes: int = INLINE_LIMIT, img_bgr: np.ndarray | None = None) -> bytes:
    """A valid JPEG of exactly ``max_bytes`` bytes (default: exactly at the 5 MB limit)."""
    return jpeg_of_size(max_bytes, img_bgr)


# --- PNG variants ------------------------------------------------------------------------------


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_ihdr(width: int, height: int, bit_depth: int, colour_type: int) -> bytes:
    return png_chunk(
        b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    )


def grey_png(img_bgr: np.ndarray) -> bytes:
    """8-bit greyscale PNG (colour type 0)."""
    return png_bytes(cv2.cvtColor(img_bgr, cv2.COLOR_BGR2GRAY))


def png16(img_bgr: np.ndarray) -> bytes:
    """16-bit-per-channel RGB PNG, values scaled so 255 becomes 65535."""
    return png_bytes(img_bgr.astype(np.uint16) * 257)


def rgba_png(img_bgr: np.ndarray, alpha: int | np.ndarray = 255) -> bytes:
    """RGBA PNG (colour type 6); ``alpha`` is a constant or an array of the picture's size."""
    channel = np.broadcast_to(np.asarray(alpha, dtype=np.uint8), img_bgr.shape[:2])
    return png_bytes(np.dstack([img_bgr, channel]))


def quantise(img_bgr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(indices, palette BGR) with at most 252 colours: uniform 6x7x6 levels, used ones only."""
    levels = np.array([6, 7, 6])  # blue, green, red: the eye is most sensitive to green
    steps = np.rint(img_bgr.astype(np.float32) * (levels - 1) / 255.0).astype(np.int32)
    codes = (steps[..., 0] * levels[1] + steps[..., 1]) * levels[2] + steps[..., 2]
    used, indices = np.unique(codes.ravel(), return_inverse=True)
    b, rest = np.divmod(used, levels[1] * levels[2])
    g, r = np.divmod(rest, levels[2])
    palette = np.stack([b, g, r], axis=1) * 255.0 / (levels - 1)
    return indices.reshape(codes.shape).astype(np.uint8), np.rint(palette).astype(np.uint8)


def palette_png(img_bgr: np.ndarray) -> bytes:
    """Indexed-colour PNG (colour type 3, PLTE), written by hand since cv2 cannot write one."""
    indices, palette_bgr = quantise(img_bgr)
    height, width = indices.shape
    rows = np.hstack([np.zeros((height, 1), np.uint8), indices])  # filter type 0 on every row
    return (
        PNG_SIGNATURE
        + png_ihdr(width, height, 8, 3)
        + png_chunk(b"PLTE", palette_bgr[:, ::-1].tobytes())
        + png_chunk(b"IDAT", zlib.compress(rows.tobytes(), 9))
        + png_chunk(b"IEND", b"")
    )


@functools.cache
def png_bomb(width: int = 16000, height: int = 16000, max_raw: int = 1 << 30) -> bytes:
    """A greyscale PNG claiming width x height, all black: small on the wire, huge decoded.

    Up to ``max_raw`` bytes of raw scanlines the file is complete and valid (16000 x 16000:
    about 250 KB holding 256 MB). Beyond that (60000 x 60000) only the first ``max_raw`` / 16
    bytes of scanlines are stored and the zlib stream is left unfinished: a decoder must refuse
    it from the header or fail on the missing data, never allocate the full size first.
    """
    row = bytes(width + 1)  # filter byte 0, then zero pixels
    total = len(row) * height
    complete = total <= max_raw
    stored_rows = height if complete else max(1, (max_raw // 16) // len(row))
    rows_per_block = max(1, (1 << 22) // len(row))
    compressor = zlib.compressobj(9)
    parts = []
    written = 0
    while written < stored_rows:
        n = min(rows_per_block, stored_rows - written)
        parts.append(compressor.compress(row * n))
        written += n
    parts.append(compressor.flush(zlib.Z_FINISH if complete else zlib.Z_SYNC_FLUSH))
    return (
        PNG_SIGNATURE
        + png_ihdr(width, height, 8, 0)
        + png_chunk(b"IDAT", b"".join(parts))
        + png_chunk(b"IEND", b"")
    )


# --- GIF ---------------------------------------------------------------------------------------


def gif_bytes(img_bgr: np.ndarray | None = None) -> bytes:
    """A one-frame GIF89a written by hand (quantised to <= 256 colours); default 96 x 96 px."""
    picture = sample_picture(96, 96) if img_bgr is None else img_bgr
    indices, palette_bgr = quantise(picture)
    height, width = indices.shape
    table = np.zeros((256, 3), np.uint8)
    table[: len(palette_bgr)] = palette_bgr[:, ::-1]
    screen = struct.pack("<HHBBB", width, height, 0xF7, 0, 0)  # global table of 256 colours
    image = b"\x2c" + struct.pack("<HHHHB", 0, 0, width, height, 0)
    data = _lzw_literal_codes(indices.ravel().tobytes())
    blocks = b"".join(
        bytes([len(data[i : i + 255])]) + data[i : i + 255] for i in range(0, len(data), 255)
    )
    return b"GIF89a" + screen + table.tobytes() + image + b"\x08" + blocks + b"\x00\x3b"


def _lzw_literal_codes(pixels: bytes) -> bytes:
    """GIF LZW data using literal codes only, with a Clear code often enough to stay 9 bits wide.

    A decoder adds one table entry per code after the first following a Clear; 250 codes keep
    its next free code below 512, so every code, Clear and End included, is 9 bits.
    """
    clear, end, width = 256, 257, 9
    codes: list[int] = []
    for start in range(0, len(pixels), 250):
        codes.append(clear)
        codes.extend(pixels[start : start + 250])
    codes.append(end)
    bits = 0
    count = 0
    out = bytearray()
    for code in codes:
        bits |= code << count
        count += width
        while count >= 8:
            out.append(bits & 0xFF)
            bits >>= 8
            count -= 8
    if count:
        out.append(bits & 0xFF)
    return bytes(out)
