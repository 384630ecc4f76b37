"""Console script: detect faces on a photo through boto3 inside ``mock_aws()``.

It prints what Rekognition (as emulated) answered, every attribute included with ``--all``, and
writes the photo with the boxes, landmarks and a label per face drawn on it, so a new user sees at
once what the mock sees.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from .. import samples
from ..api.graft import activate

# The Boolean attributes in the order printed: what the face does, then what it wears or hides.
FLAGS = (
    ("Smile", "smile"),
    ("EyesOpen", "eyes open"),
    ("MouthOpen", "mouth open"),
    ("Eyeglasses", "eyeglasses"),
    ("Sunglasses", "sunglasses"),
    ("Beard", "beard"),
    ("Mustache", "mustache"),
    ("FaceOccluded", "face occluded"),
)
TOP_EMOTIONS = 3


def bundled_photo() -> Path:
    """The photograph the demo uses when given none (public domain, shipped in the package)."""
    return samples.path("astronaut")


def resolve_photo(given: Path | None) -> Path | None:
    """The file to use: the bundled photo, a file, or a bundled photo by name; None if none is.

    Names let an installed package's user try the other sample without finding site-packages.
    """
    if given is None:
        return bundled_photo()
    if given.is_file():
        return given
    if str(given) in samples.names():
        return samples.path(str(given))
    return None


def detect(photo: bytes, attributes: list[str]) -> dict[str, Any]:
    """Call DetectFaces exactly as application code would, against moto."""
    import boto3
    from moto import mock_aws

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        client = boto3.client("rekognition", region_name="us-east-1")
        return client.detect_faces(Image={"Bytes": photo}, Attributes=attributes)


def summary(response: dict[str, Any]) -> str:
    """A few readable lines per face."""
    faces = response["FaceDetails"]
    lines = [f"{len(faces)} face(s) found"]
    for number, face in enumerate(faces, start=1):
        box, pose, quality = face["BoundingBox"], face["Pose"], face["Quality"]
        lines.append(
            f"  #{number}: confidence {face['Confidence']:.2f}%, box left {box['Left']:.3f} "
            f"top {box['Top']:.3f} width {box['Width']:.3f} height {box['Height']:.3f}; "
            f"pose roll {pose['Roll']:.0f} yaw {pose['Yaw']:.0f} pitch {pose['Pitch']:.0f}; "
            f"brightness {quality['Brightness']:.0f} sharpness {quality['Sharpness']:.0f}; "
            f"{len(face['Landmarks'])} landmarks"
        )
        lines.extend(f"      {line}" for line in attribute_lines(face))
    return "\n".join(lines)


def attribute_lines(face: dict[str, Any]) -> list[str]:
    """Every attribute beyond box, pose and quality that the face carries, with confidences.

    DEFAULT answers carry none, so this is empty for them; ``Attributes=["ALL"]`` fills it.
    """
    lines = []
    who = []
    if "AgeRange" in face:
        who.append(f"age {face['AgeRange']['Low']}-{face['AgeRange']['High']}")
    if "Gender" in face:
        who.append(f"gender {face['Gender']['Value']} ({face['Gender']['Confidence']:.1f}%)")
    if who:
        lines.append("; ".join(who))
    if face.get("Emotions"):
        top = sorted(face["Emotions"], key=lambda e: -e["Confidence"])[:TOP_EMOTIONS]
        lines.append("emotions " + ", ".join(f"{e['Type']} {e['Confidence']:.1f}%" for e in top))
    flags = [
        f"{label} {'yes' if face[key]['Value'] else 'no'} ({face[key]['Confidence']:.1f}%)"
        for key, label in FLAGS
        if key in face
    ]
    for start in range(0, len(flags), 4):  # four to a line keeps lines short
        lines.append("; ".join(flags[start : start + 4]))
    if "EyeDirection" in face:
        gaze = face["EyeDirection"]
        lines.append(
            f"eye direction yaw {gaze['Yaw']:.0f} pitch {gaze['Pitch']:.0f} "
            f"({gaze['Confidence']:.1f}%)"
        )
    return lines


def label(number: int, face: dict[str, Any]) -> str:
    """The short tag drawn by a face: its number, then gender, age range and top emotion."""
    parts = [str(number)]
    if "Gender" in face:
        parts.append(face["Gender"]["Value"][:1])
    if "AgeRange" in face:
        parts.append(f"{face['AgeRange']['Low']}-{face['AgeRange']['High']}")
    if face.get("Emotions"):
        parts.append(max(face["Emotions"], key=lambda e: e["Confidence"])["Type"])
    return " ".join(parts)


def draw(photo: bytes, response: dict[str, Any]) -> np.ndarray:
    """The photo (upright, as Rekognition saw it) with every box, landmark and label drawn."""
    from ..inputs.images import decode

    image = decode(photo).copy()
    height, width = image.shape[:2]
    thickness = max(1, round(max(width, height) / 500))
    for number, face in enumerate(response["FaceDetails"], start=1):
        box = face["BoundingBox"]
        x1, y1 = round(box["Left"] * width), round(box["Top"] * height)
        x2, y2 = round(x1 + box["Width"] * width), round(y1 + box["Height"] * height)
        cv2.rectangle(image, (x1, y1), (x2, y2), (0, 220, 0), thickness)
        for mark in face["Landmarks"]:
            centre = (round(mark["X"] * width), round(mark["Y"] * height))
            cv2.circle(image, centre, thickness + 1, (0, 0, 255), -1)
        put_label(image, label(number, face), (x1, y1), thickness)
    return image


def put_label(image: np.ndarray, text: str, corner: tuple[int, int], thickness: int) -> None:
    """``text`` on a filled green tag just above ``corner`` (inside the box at the top edge).

    A solid tag stays readable on any background, which plain coloured text does not.
    """
    font, scale = cv2.FONT_HERSHEY_SIMPLEX, max(0.4, max(image.shape[:2]) / 1800)
    weight = max(1, round(scale * 1.5))
    (text_width, text_height), baseline = cv2.getTextSize(text, font, scale, weight)
    pad = 2 * thickness
    x = min(max(0, corner[0]), max(0, image.shape[1] - text_width - 2 * pad))
    top = corner[1] - text_height - baseline - 2 * pad
    top = top if top >= 0 else corner[1]  # no room above: hang it inside the box
    bottom = top + text_height + baseline + 2 * pad
    cv2.rectangle(image, (x, top), (x + text_width + 2 * pad, bottom), (0, 220, 0), -1)
    cv2.putText(
        image,
        text,
        (x + pad, bottom - baseline - pad),
        font,
        scale,
        (0, 0, 0),
        weight,
        cv2.LINE_AA,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "photo",
        nargs="?",
        type=Path,
        help=f"a JPEG or PNG, or a bundled photo ({', '.join(samples.names())}); default astronaut",
    )
    parser.add_argument("--out", type=Path, help="where to write the annotated photo")
    parser.add_argument("--all", action="store_true", help="ask for Attributes=['ALL']")
    args = parser.parse_args(argv)

    activate()
    path = resolve_photo(args.photo)
    if path is None:
        parser.error(
            f"{args.photo}: no such file, nor a bundled photo ({', '.join(samples.names())})"
        )
    photo = path.read_bytes()
    response = detect(photo, ["ALL"] if args.all else ["DEFAULT"])
    print(f"DetectFaces on {path.name}:")
    print(summary(response))
    out = args.out or Path.cwd() / f"{path.stem}.detected.png"
    cv2.imwrite(str(out), draw(photo, response))
    print(f"annotated photo written to {out}")


if __name__ == "__main__":
    main()
