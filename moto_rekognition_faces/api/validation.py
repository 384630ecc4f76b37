"""Request checks driven by botocore's service model.

botocore only enforces required members, types and minimums on the client; max lengths,
patterns, ranges and enums reach the server, so they are checked here from the same model.
Blob sizes are left to the image rules, which answer with ImageTooLargeException as AWS does.
A member of the wrong JSON type (a number where a string belongs, a list for a structure) is
``SerializationException``, as AWS answers: its deserializer refuses the body before any
constraint is checked.
"""

from __future__ import annotations

import os
import re
from functools import cache
from typing import Any, NoReturn

import botocore.session
from botocore.model import ServiceModel, Shape

from ..errors import SerializationException, ValidationError

ERROR_CODE_VARIABLE = "MOTO_REKOGNITION_FACES_VALIDATION_ERROR"


@cache
def service_model() -> ServiceModel:
    return botocore.session.get_session().get_service_model("rekognition")


def validate(operation: str, params: dict[str, Any]) -> None:
    """Raise a Rekognition-style validation error listing every constraint the request breaks."""
    shape = service_model().operation_model(operation).input_shape
    problems: list[str] = []
    if shape is not None:
        _check(shape, params, _coral_name(""), problems, top=True)
    if problems:
        code = os.environ.get(ERROR_CODE_VARIABLE, "InvalidParameterException")
        count = len(problems)
        noun = "error" if count == 1 else "errors"
        raise ValidationError(code, f"{count} validation {noun} detected: " + "; ".join(problems))


def _coral_name(name: str) -> str:
    return name[:1].lower() + name[1:]


def _describe(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 100 else text[:97] + "..."


def _check(shape: Shape, value: Any, path: str, problems: list[str], top: bool = False) -> None:
    fail = problems.append
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            _wrong_type(path, "an object", value)
        for name in shape.required_members:
            if value.get(name) is None:
                where = _coral_name(name) if top else f"{path}.{_coral_name(name)}"
                fail(
                    f"Value null at '{where}' failed to satisfy constraint: Member must not be null"
                )
        for name, member in shape.members.items():
            if value.get(name) is not None:
                where = _coral_name(name) if top else f"{path}.{_coral_name(name)}"
                _check(member, value[name], where, problems)
        return
    if kind == "list":
        if not isinstance(value, list):
            _wrong_type(path, "a list", value)
        _check_length(shape, value, len(value), path, problems)
        for index, item in enumerate(value, start=1):
            _check(shape.member, item, f"{path}.{index}.member", problems)
        return
    if kind == "map":
        if not isinstance(value, dict):
            _wrong_type(path, "an object", value)
        _check_length(shape, value, len(value), path, problems)
        for key, item in value.items():
            _check(shape.key, key, f"{path}.key", problems)
            _check(shape.value, item, f"{path}.value", problems)
        return
    if kind == "string":
        if not isinstance(value, str):
            _wrong_type(path, "a string", value)
        _check_length(shape, value, len(value), path, problems)
        enum = shape.enum
        if enum and value not in enum:
            fail(
                f"Value '{_describe(value)}' at '{path}' failed to satisfy constraint: "
                f"Member must satisfy enum value set: [{', '.join(enum)}]"
            )
        pattern = shape.metadata.get("pattern")
        if pattern and not _pattern(pattern).fullmatch(value):
            fail(
                f"Value '{_describe(value)}' at '{path}' failed to satisfy constraint: "
                f"Member must satisfy regular expression pattern: {pattern}"
            )
        return
    if kind in {"integer", "long", "float", "double"}:
        number_types = (int,) if kind in {"integer", "long"} else (int, float)
        if isinstance(value, bool) or not isinstance(value, number_types):
            _wrong_type(path, "a number" if kind in {"float", "double"} else "an integer", value)
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and value < low:
            fail(
                f"Value '{value}' at '{path}' failed to satisfy constraint: "
                f"Member must have value greater than or equal to {low}"
            )
        if high is not None and value > high:
            fail(
                f"Value '{value}' at '{path}' failed to satisfy constraint: "
                f"Member must have value less than or equal to {high}"
            )
        return
    if kind == "boolean" and not isinstance(value, bool):
        _wrong_type(path, "a boolean", value)
    if kind == "blob" and not isinstance(value, str):
        _wrong_type(path, "a base64 string", value)


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


def _wrong_type(path: str, expected: str, value: Any) -> NoReturn:
    """The body cannot be deserialized: AWS stops at the first member of the wrong type."""
    raise SerializationException(
        f"Expected {expected} at '{path}' but found {_json_kind(value)}: "
        "the request could not be deserialized."
    )


def _check_length(shape: Shape, value: Any, length: int, path: str, problems: list[str]) -> None:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    shown = _describe(value)
    if low is not None and length < low:
        problems.append(
            f"Value '{shown}' at '{path}' failed to satisfy constraint: "
            f"Member must have length greater than or equal to {low}"
        )
    if high is not None and length > high:
        problems.append(
            f"Value '{shown}' at '{path}' failed to satisfy constraint: "
            f"Member must have length less than or equal to {high}"
        )


# The model's patterns are Java regexes; Python's ``re`` has no \p{...} classes, so letters and
# numbers become \w and separators \s (slightly wider: \w also admits "_", already allowed).
_JAVA_CLASSES = {r"\p{L}": r"\w", r"\p{N}": r"\w", r"\p{Z}": r"\s"}


@cache
def _pattern(pattern: str) -> re.Pattern[str]:
    for java, python in _JAVA_CLASSES.items():
        pattern = pattern.replace(java, python)
    return re.compile(pattern)
