"""Rekognition's ``Attributes`` / ``DetectionAttributes`` / ``FaceAttributes`` selection.

DEFAULT (or nothing) returns BoundingBox, Confidence, Pose, Quality and 5 landmarks; ALL returns
every member and 30 landmarks; a named attribute adds its member to the default set
(``["DEFAULT", "SMILE"]`` adds Smile only). The selection also says which models must run, so
DEFAULT pays for none of the attribute models.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..vision.results import Needs

MEMBER_OF_ATTRIBUTE = {
    "AGE_RANGE": "AgeRange",
    "SMILE": "Smile",
    "EYEGLASSES": "Eyeglasses",
    "SUNGLASSES": "Sunglasses",
    "GENDER": "Gender",
    "BEARD": "Beard",
    "MUSTACHE": "Mustache",
    "EYES_OPEN": "EyesOpen",
    "MOUTH_OPEN": "MouthOpen",
    "EMOTIONS": "Emotions",
    "FACE_OCCLUDED": "FaceOccluded",
    "EYE_DIRECTION": "EyeDirection",
}
APPEARANCE_MEMBERS = frozenset(
    {
        "Smile",
        "Eyeglasses",
        "Sunglasses",
        "Beard",
        "Mustache",
        "EyesOpen",
        "MouthOpen",
        "FaceOccluded",
    }
)


@dataclass(frozen=True)
class Selection:
    members: frozenset[str]  # optional FaceDetail members to return
    all_landmarks: bool = False  # the 30 landmarks instead of 5

    @property
    def needs(self) -> Needs:
        """The models these members are computed from."""
        members = self.members
        return Needs(
            landmarks106=self.all_landmarks,
            age_gender=bool(members & {"AgeRange", "Gender"}),
            # Smile blends the landmarks' verdict with the emotion model's HAPPY.
            emotions=bool(members & {"Emotions", "Smile"}),
            # pupils; EyesOpen reads the iris model's lid contour too
            gaze=bool(members & {"EyeDirection", "EyesOpen"}) or self.all_landmarks,
            appearance=bool(members & APPEARANCE_MEMBERS),
        )


DEFAULT = Selection(frozenset())


def select(attributes: Iterable[str] | None, never: Iterable[str] = ()) -> Selection:
    """The selection a request's attribute list asks for, less the members in ``never``."""
    requested = set(attributes or ())
    excluded = set(never)
    if "ALL" in requested:
        return Selection(frozenset(MEMBER_OF_ATTRIBUTE.values()) - excluded, all_landmarks=True)
    members = {MEMBER_OF_ATTRIBUTE[a] for a in requested if a in MEMBER_OF_ATTRIBUTE}
    return Selection(frozenset(members - excluded))
