"""Requests that pass every check of Rekognition's service model, for tests that need one of
each operation (they name nothing that exists: the model is checked before any lookup)."""

from __future__ import annotations

import copy
from typing import Any

UNKNOWN_ID = "11111111-2222-4333-8444-555555555555"
ARN = "arn:aws:rekognition:us-east-1:123456789012:collection/c"
VIDEO = {"S3Object": {"Bucket": "media", "Name": "man.mp4"}}
JPEG_START = b"\xff\xd8\xff"  # a JPEG's first bytes: a valid blob, not a decodable image

_ARGS: dict[str, dict[str, Any]] = {
    "DetectFaces": {"Image": "IMAGE"},
    "CompareFaces": {"SourceImage": "IMAGE", "TargetImage": "IMAGE"},
    "CreateCollection": {"CollectionId": "c"},
    "DescribeCollection": {"CollectionId": "c"},
    "ListCollections": {},
    "DeleteCollection": {"CollectionId": "c"},
    "IndexFaces": {"CollectionId": "c", "Image": "IMAGE"},
    "ListFaces": {"CollectionId": "c"},
    "DeleteFaces": {"CollectionId": "c", "FaceIds": [UNKNOWN_ID]},
    "SearchFaces": {"CollectionId": "c", "FaceId": UNKNOWN_ID},
    "SearchFacesByImage": {"CollectionId": "c", "Image": "IMAGE"},
    "CreateUser": {"CollectionId": "c", "UserId": "u"},
    "DeleteUser": {"CollectionId": "c", "UserId": "u"},
    "ListUsers": {"CollectionId": "c"},
    "AssociateFaces": {"CollectionId": "c", "UserId": "u", "FaceIds": [UNKNOWN_ID]},
    "DisassociateFaces": {"CollectionId": "c", "UserId": "u", "FaceIds": [UNKNOWN_ID]},
    "SearchUsers": {"CollectionId": "c", "UserId": "u"},
    "SearchUsersByImage": {"CollectionId": "c", "Image": "IMAGE"},
    "TagResource": {"ResourceArn": ARN, "Tags": {"a": "b"}},
    "UntagResource": {"ResourceArn": ARN, "TagKeys": ["a"]},
    "ListTagsForResource": {"ResourceArn": ARN},
    "StartFaceDetection": {"Video": VIDEO},
    "GetFaceDetection": {"JobId": "j"},
    "StartFaceSearch": {"Video": VIDEO, "CollectionId": "c"},
    "GetFaceSearch": {"JobId": "j"},
    "RecognizeCelebrities": {"Image": "IMAGE"},
    "GetCelebrityInfo": {"Id": "x"},
    "DetectProtectiveEquipment": {"Image": "IMAGE"},
    "CreateFaceLivenessSession": {},
    "GetFaceLivenessSessionResults": {"SessionId": UNKNOWN_ID},
}


def minimal_args(operation: str, image_bytes: Any = JPEG_START) -> dict[str, Any]:
    """A fresh copy of the operation's arguments, each Image member ``{"Bytes": image_bytes}``
    (bytes for boto3, base64 text for a raw JSON body)."""
    args = copy.deepcopy(_ARGS[operation])
    for name, value in args.items():
        if value == "IMAGE":
            args[name] = {"Bytes": image_bytes}
    return args
