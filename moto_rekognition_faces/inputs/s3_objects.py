"""Objects in moto's S3, as Rekognition reads images and videos from them."""

from __future__ import annotations

from typing import Any

from ..errors import InvalidS3ObjectException


def find_object(location: Any, account_id: str, region: str) -> Any:
    """The S3 key (moto's FakeKey) an ``S3Object`` member names, in the caller's account.

    A missing bucket, key or version, a delete marker, or a location without Bucket and Name is
    InvalidS3ObjectException, with AWS's message.
    """
    from moto.s3.models import s3_backends
    from moto.utilities.utils import get_partition

    if not isinstance(location, dict) or not location.get("Bucket") or not location.get("Name"):
        raise InvalidS3ObjectException()
    try:
        backend = s3_backends[account_id][get_partition(region)]
        key = backend.get_object(
            location["Bucket"], location["Name"], version_id=location.get("Version")
        )
    except Exception as exc:  # moto raises a different class for each missing part
        raise InvalidS3ObjectException() from exc
    if key is None or getattr(key, "is_delete_marker", False):
        raise InvalidS3ObjectException()
    return key


def object_bytes(key: Any) -> bytes:
    """The bytes of a key found with ``find_object``. moto's reset closes every key's buffer: a
    key reset away between the lookup and the read is gone, InvalidS3ObjectException (not an
    I/O error on a closed file)."""
    try:
        return bytes(key.value)
    except ValueError as exc:
        raise InvalidS3ObjectException() from exc
