"""Console script: detect faces on a photo through boto3 inside ``mock_aws()``.

It prints what Rekognition (as emulated) answered and writes the photo with the boxes and
landmarks drawn on it, so a new user sees at once what the mock sees.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from ..api.graft import activate

BUNDLED_PHOTO = "astronaut.jpg"


def bundled_photo() -> Path:
    """A photograph shipped with the package (public domain)."""
    return Path(__file__).resolve().parent / "samples" / BUNDLED_PHOTO


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
    return "\n".join(lines)


def draw(photo: bytes, response: dict[str, Any]) -> np.ndarray:
    """The photo (upright, as Rekognition saw it) with every box and landmark drawn."""
    from ..inputs.images import decode

    image = decode(photo).copy()
    height, width = image.shape[:2]
    thickness = max(1, round(max(width, height) / 500))
    for number, face in enumerate(response["FaceDetails"], start=1):
        box = face["BoundingBox"]
        x1, y1 = round(box["Left"] * width), round(box["Top"] * height)
        x2, y2 = round(x1 + box["Width"] * width), round(y1 + box["Height"] * height)
        cv2.rectangle(image, (x1, y1), (x2, y2), (0, 220, 0), thickness)
        cv2.putText(
            image,
            str(number),
            (x1, max(0, y1 - 4)),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.4 * thickness,
            (0, 220, 0),
            thickness,
        )
        for mark in face["Landmarks"]:
            centre = (round(mark["X"] * width), round(mark["Y"] * height))
            cv2.circle(image, centre, thickness + 1, (0, 0, 255), -1)
    return image


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("photo", nargs="?", type=Path, help="a JPEG or PNG (default: bundled)")
    parser.add_argument("--out", type=Path, help="where to write the annotated photo")
    parser.add_argument("--all", action="store_true", help="ask for Attributes=['ALL']")
    args = parser.parse_args(argv)

    activate()
    path = args.photo or bundled_photo()
    photo = path.read_bytes()
    response = detect(photo, ["ALL"] if args.all else ["DEFAULT"])
    print(f"DetectFaces on {path.name}:")
    print(summary(response))
    out = args.out or Path.cwd() / f"{path.stem}.detected.png"
    cv2.imwrite(str(out), draw(photo, response))
    print(f"annotated photo written to {out}")


if __name__ == "__main__":
    main()
