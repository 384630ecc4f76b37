"""Strict checks of AWS responses against the output shapes in botocore's service model.

Two flavours share one recursive walker:

* *output* — the dict a boto3 client returns (already parsed by botocore): timestamps are
  ``datetime`` and blobs are ``bytes``; the top-level ``ResponseMetadata`` key is ignored.
* *wire* — the raw JSON body the service sends (e.g. in server mode): timestamps are epoch
  seconds (``int``/``float``) and blobs are base64 strings.

Every problem is reported with a JSON-path-like location, e.g.
``FaceDetails[0].Landmarks[3].Type: 'foo' not in enum [...]``.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import botocore.session
from botocore.model import ListShape, MapShape, ServiceModel, Shape, StructureShape

__all__ = [
    "assert_output_shape",
    "assert_wire_shape",
    "check_output_shape",
    "check_wire_shape",
]

ROOT = "<response>"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _raw_bytes(value: Any) -> bytes:
    if not isinstance(value, bytes):
        raise TypeError
    return value


def _base64_bytes(value: Any) -> bytes:
    if not isinstance(value, str):
        raise TypeError
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"not valid base64 ({exc})") from None


@dataclass(frozen=True)
class _Flavour:
    """The rules that differ between a botocore-parsed response and the raw JSON body."""

    is_timestamp: Callable[[Any], bool]
    timestamp_desc: str
    decode_blob: Callable[[Any], bytes]  # TypeError: wrong type; ValueError: bad content
    blob_desc: str
    ignored_root_keys: frozenset[str]


_OUTPUT = _Flavour(
    is_timestamp=lambda v: isinstance(v, datetime),
    timestamp_desc="datetime",
    decode_blob=_raw_bytes,
    blob_desc="bytes",
    ignored_root_keys=frozenset({"ResponseMetadata"}),
)
_WIRE = _Flavour(
    is_timestamp=_is_number,
    timestamp_desc="epoch seconds int/float",
    decode_blob=_base64_bytes,
    blob_desc="base64 str",
    ignored_root_keys=frozenset(),
)

# type_name -> (predicate, python description); timestamp and blob come from the flavour.
_SCALARS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "string": (lambda v: isinstance(v, str), "str"),
    "integer": (_is_int, "int"),
    "long": (_is_int, "int"),
    "float": (_is_number, "float or int"),
    "double": (_is_number, "float or int"),
    "boolean": (lambda v: isinstance(v, bool), "bool"),
}


def _show(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _member(path: str, name: Any) -> str:
    return f"{path}.{name}" if path else str(name)


def _loc(path: str) -> str:
    return path or ROOT


class _Walker:
    """Collects every mismatch between a value and a botocore shape."""

    def __init__(self, flavour: _Flavour) -> None:
        self.flavour = flavour
        self.problems: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{_loc(path)}: {message}")

    def wrong_type(self, shape: Shape, value: Any, path: str, expected: str) -> None:
        got = f"{type(value).__name__} {_show(value)}"
        self.fail(path, f"expected {shape.type_name} ({expected}), got {got}")

    def root(self, shape: StructureShape | None, value: Any) -> None:
        if shape is not None:
            self.walk_structure(shape, value, "", ignored=self.flavour.ignored_root_keys)
        elif not isinstance(value, Mapping):
            self.fail("", f"expected structure (dict), got {type(value).__name__}")
        else:  # operation without output: only ignorable keys are allowed
            for key in value:
                if key not in self.flavour.ignored_root_keys:
                    self.fail(_member("", key), "unknown member (operation has no output)")

    def walk(self, shape: Shape, value: Any, path: str) -> None:
        if isinstance(shape, StructureShape):
            self.walk_structure(shape, value, path)
        elif isinstance(shape, ListShape):
            self.walk_list(shape, value, path)
        elif isinstance(shape, MapShape):
            self.walk_map(shape, value, path)
        else:
            self.walk_scalar(shape, value, path)

    def walk_structure(
        self, shape: StructureShape, value: Any, path: str, ignored: frozenset[str] = frozenset()
    ) -> None:
        if shape.is_document_type:
            return  # free-form JSON by definition
        if not isinstance(value, Mapping):
            self.wrong_type(shape, value, path, "dict")
            return
        members = shape.members
        for key, item in value.items():
            where = _member(path, key)
            if key in members:
                self.walk(members[key], item, where)
            elif key not in ignored:
                self.fail(where, f"unknown member of {shape.name}")
        for name in shape.required_members:
            if name not in value:
                self.fail(_member(path, name), f"missing required member of {shape.name}")
        if shape.is_tagged_union and len(value) != 1:
            self.fail(path, f"union {shape.name} must set exactly one member, got {len(value)}")

    def walk_list(self, shape: ListShape, value: Any, path: str) -> None:
        if not isinstance(value, list):
            self.wrong_type(shape, value, path, "list")
            return
        self.check_size(shape, len(value), path, "items")
        for index, item in enumerate(value):
            self.walk(shape.member, item, f"{_loc(path)}[{index}]")

    def walk_map(self, shape: MapShape, value: Any, path: str) -> None:
        if not isinstance(value, Mapping):
            self.wrong_type(shape, value, path, "dict")
            return
        self.check_size(shape, len(value), path, "entries")
        for key, item in value.items():
            where = f"{_loc(path)}[{key!r}]"
            self.walk(shape.key, key, f"{where} (key)")
            self.walk(shape.value, item, where)

    def walk_scalar(self, shape: Shape, value: Any, path: str) -> None:
        kind = shape.type_name
        if kind == "timestamp":
            if not self.flavour.is_timestamp(value):
                self.wrong_type(shape, value, path, self.flavour.timestamp_desc)
        elif kind == "blob":
            try:
                data = self.flavour.decode_blob(value)
            except TypeError:
                self.wrong_type(shape, value, path, self.flavour.blob_desc)
            except ValueError as exc:
                self.fail(path, str(exc))
            else:
                self.check_size(shape, len(data), path, "bytes")
        elif kind not in _SCALARS:
            self.fail(path, f"unsupported shape type {kind!r} ({shape.name})")
        elif not _SCALARS[kind][0](value):
            self.wrong_type(shape, value, path, _SCALARS[kind][1])
        elif kind == "string":
            enum = shape.metadata.get("enum")
            if enum and value not in enum:
                self.fail(path, f"{value!r} not in enum {enum}")
            self.check_size(shape, len(value), path, "characters")
        elif kind != "boolean":
            self.check_range(shape, value, path)

    def check_range(self, shape: Shape, value: int | float, path: str) -> None:
        if isinstance(value, float) and not math.isfinite(value):
            self.fail(path, f"{value!r} is not a finite number")
            return
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and value < low:
            self.fail(path, f"{value!r} below minimum {low}")
        if high is not None and value > high:
            self.fail(path, f"{value!r} above maximum {high}")

    def check_size(self, shape: Shape, size: int, path: str, unit: str) -> None:
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and size < low:
            self.fail(path, f"length {size} below minimum {low} ({unit})")
        if high is not None and size > high:
            self.fail(path, f"length {size} above maximum {high} ({unit})")


@cache
def _service_model(service: str) -> ServiceModel:
    return botocore.session.get_session().get_service_model(service)


def _check(operation: str, value: Any, service: str, flavour: _Flavour) -> list[str]:
    shape = _service_model(service).operation_model(operation).output_shape
    walker = _Walker(flavour)
    walker.root(shape, value)
    return walker.problems


def _raise(operation: str, service: str, kind: str, problems: list[str]) -> None:
    if problems:
        listing = "\n".join(f"  - {problem}" for problem in problems)
        raise AssertionError(
            f"{service}.{operation} {kind} does not match its output shape "
            f"({len(problems)} problem(s)):\n{listing}"
        )


def check_output_shape(
    operation: str, response: Mapping[str, Any], service: str = "rekognition"
) -> list[str]:
    """Return every mismatch between a boto3 response and the operation's output shape."""
    return _check(operation, response, service, _OUTPUT)


def assert_output_shape(
    operation: str, response: Mapping[str, Any], service: str = "rekognition"
) -> None:
    """Raise AssertionError listing all problems if a boto3 response breaks the output shape."""
    _raise(operation, service, "response", check_output_shape(operation, response, service))


def check_wire_shape(
    operation: str, body: Mapping[str, Any] | str | bytes, service: str = "rekognition"
) -> list[str]:
    """Return every mismatch between a raw JSON body (dict or JSON text) and the output shape."""
    if isinstance(body, str | bytes):
        body = json.loads(body)
    return _check(operation, body, service, _WIRE)


def assert_wire_shape(
    operation: str, body: Mapping[str, Any] | str | bytes, service: str = "rekognition"
) -> None:
    """Raise AssertionError listing all problems if a raw JSON body breaks the output shape."""
    _raise(operation, service, "wire body", check_wire_shape(operation, body, service))
