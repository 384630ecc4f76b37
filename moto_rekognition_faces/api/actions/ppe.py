"""DetectProtectiveEquipment: persons, body parts and PPE, with the optional summary."""

from __future__ import annotations

import json
from typing import Any

from ...inputs import images
from ...vision import cache, ppe
from .. import serialize
from ..request import request_params

MODEL_VERSION = "1.0"
# AWS documents 4 MB of image bytes, 64 to 4096 pixels a side, for this operation.
LIMITS = images.Limits(max_bytes=4 * 1024 * 1024, min_side=64, max_side=4096)
FLOOR = 50.0  # MinConfidence below 50 behaves like 50 (AWS)
PARTS_FOR = {
    "FACE_COVER": ("FACE",),
    "HEAD_COVER": ("HEAD",),
    "HAND_COVER": ("LEFT_HAND", "RIGHT_HAND"),
}
PART_ORDER = ("FACE", "LEFT_HAND", "RIGHT_HAND", "HEAD")  # as in AWS's example response


def _percent(p: float) -> float:
    return round(100.0 * float(p), 4)


def _person_json(person: ppe.Person, index: int, width: int, height: int) -> dict[str, Any]:
    parts = sorted(person.parts, key=lambda part: PART_ORDER.index(part.name))
    return {
        "BodyParts": [
            {
                "Name": part.name,
                "Confidence": _percent(part.confidence),
                "EquipmentDetections": [
                    {
                        "BoundingBox": serialize.bounding_box(item.box, width, height),
                        "Confidence": _percent(item.confidence),
                        "Type": item.type,
                        "CoversBodyPart": {
                            "Confidence": _percent(item.covers),
                            "Value": bool(item.covers >= 0.5),
                        },
                    }
                    for item in part.equipment
                ],
            }
            for part in parts
        ],
        "BoundingBox": serialize.bounding_box(person.box, width, height),
        "Confidence": _percent(person.confidence),
        "Id": index,
    }


def _verdict(person: dict[str, Any], required: list[str], minimum: float) -> str:
    """ "with", "without" or "indeterminate" for one person.

    Without: some required part is seen (≥ minimum) and carries no cover of the required type
    that is detected and covers it (both ≥ minimum). With: every required part is seen and
    covered. Otherwise (the person or a required part below the minimum) indeterminate.
    """
    if person["Confidence"] < minimum:
        return "indeterminate"
    seen = {p["Name"]: p for p in person["BodyParts"] if p["Confidence"] >= minimum}
    missing_part = False
    for kind in required:
        for name in PARTS_FOR[kind]:
            part = seen.get(name)
            if part is None:
                missing_part = True
                continue
            covered = any(
                item["Type"] == kind
                and item["Confidence"] >= minimum
                and item["CoversBodyPart"]["Value"]
                and item["CoversBodyPart"]["Confidence"] >= minimum
                for item in part["EquipmentDetections"]
            )
            if not covered:
                return "without"
    return "indeterminate" if missing_part else "with"


def summary(persons: list[dict[str, Any]], attributes: dict[str, Any]) -> dict[str, list[int]]:
    """ProtectiveEquipmentSummary for the request's SummarizationAttributes."""
    minimum = max(float(attributes["MinConfidence"]), FLOOR)
    required = list(dict.fromkeys(attributes.get("RequiredEquipmentTypes") or []))
    lists: dict[str, list[int]] = {"with": [], "without": [], "indeterminate": []}
    for person in persons:
        lists[_verdict(person, required, minimum)].append(person["Id"])
    return {
        "PersonsWithRequiredEquipment": lists["with"],
        "PersonsWithoutRequiredEquipment": lists["without"],
        "PersonsIndeterminate": lists["indeterminate"],
    }


class PpeActions:
    """DetectProtectiveEquipment over the person, hand and equipment estimators."""

    current_account: str
    region: str

    def detect_protective_equipment(self) -> str:
        params = request_params(self, "DetectProtectiveEquipment")
        image = images.load(params.get("Image"), self.current_account, self.region, limits=LIMITS)
        found = cache.ppe(image)
        persons = [
            _person_json(person, index, image.width, image.height)
            for index, person in enumerate(found)
        ]
        response: dict[str, Any] = {
            "ProtectiveEquipmentModelVersion": MODEL_VERSION,
            "Persons": persons,
        }
        if params.get("SummarizationAttributes") is not None:
            response["Summary"] = summary(persons, params["SummarizationAttributes"])
        return json.dumps(response)
