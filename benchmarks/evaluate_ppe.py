"""How well the protective-equipment cues separate bare people from equipped ones, and their cost.

Every face of at least 30 px in the test photos is judged bare, then again with equipment put on
from its own landmarks (tests/support/covers.py): a hard hat (six colours in turn), a surgical
mask (insightface's blue and white textures in turn); every hand the hand model finds is judged
bare and dyed as a blue nitrile glove. Reported: the probabilities' ranges, the errors at 0.5,
and the time of DetectProtectiveEquipment through boto3 as a ratio of DetectFaces (DEFAULT) on
the same photo, measured in the same run.

    python benchmarks/evaluate_ppe.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from moto_rekognition_faces.vision import body, equipment, hands, landmarks, pipeline  # noqa: E402
from tests.support.assets import asset_path  # noqa: E402
from tests.support.covers import HAT_COLOURS, gloves, hard_hat, masked  # noqa: E402

PHOTOS = (
    "astronaut", "grace_hopper", "t1", "gdp", "multi_face", "single_face", "yaoming",
    "bearded_alpha", "surprise", "happy", "angry", "disgust", "players",
)  # fmt: skip
TIMED = ("astronaut", "t1", "multi_face")


def read(name: str) -> np.ndarray:
    image = cv2.imread(str(asset_path(name)), cv2.IMREAD_COLOR)
    assert image is not None, name
    return image


def judge_faces() -> dict[str, list[float]]:
    found: dict[str, list[float]] = {
        "head bare": [], "head hat": [], "face bare": [], "face mask": [],
        "hand bare": [], "hand glove": [],
    }  # fmt: skip
    textures = [read("mask_blue"), read("mask_white")]
    colours = list(HAT_COLOURS)
    count = 0
    for name in PHOTOS:
        image = read(name)
        faces = [f for f in pipeline.find_faces(image) if f.height >= 30][:8]
        for face, points in zip(faces, landmarks.predict_many(image, faces), strict=True):
            person = equipment.head(image, points)
            bare_head = equipment.head_cover(person)
            if bare_head is not None:
                found["head bare"].append(bare_head.probability)
                helmeted = hard_hat(image, points, colours[count % len(colours)])
                hat = equipment.head_cover(equipment.head(helmeted, points))
                found["head hat"].append(hat.probability if hat else float("nan"))
            bare_face = equipment.face_cover(image, points)
            if bare_face is not None:
                found["face bare"].append(bare_face.probability)
                covered = masked(image, points, textures[count % 2])
                mask = equipment.face_cover(covered, points)
                found["face mask"].append(mask.probability if mask else float("nan"))
            pose = body.estimate(image, face)
            for hand in hands.find(image, pose, face.height) if pose else []:
                found["hand bare"].append(equipment.hand_cover(image, hand.points, person.skin))
                dyed = gloves(image, [hand.points], (200, 120, 40))
                dyed_skin = equipment.head(dyed, points).skin
                found["hand glove"].append(equipment.hand_cover(dyed, hand.points, dyed_skin))
            count += 1
    return found


def timing() -> list[tuple[str, float, float]]:
    import boto3
    from moto import mock_aws

    import moto_rekognition_faces  # noqa: F401  (activates the plugin)

    rows = []
    with mock_aws():
        client = boto3.client("rekognition", region_name="us-east-1")
        for name in TIMED:
            data = asset_path(name).read_bytes()
            calls = {
                "faces": lambda data=data: client.detect_faces(Image={"Bytes": data}),
                "ppe": lambda data=data: client.detect_protective_equipment(Image={"Bytes": data}),
            }
            for call in calls.values():
                call()  # load the models
            spent: dict[str, list[float]] = {key: [] for key in calls}
            for _ in range(5):  # interleaved, so load on the machine hits both alike
                for key, call in calls.items():
                    start = time.perf_counter()
                    call()
                    spent[key].append(time.perf_counter() - start)
            faces, ppe = (statistics.median(spent[key]) * 1000 for key in ("faces", "ppe"))
            rows.append((name, faces, ppe))
    return rows


def main() -> None:
    found = judge_faces()
    print("| cue | n | min | median | max | wrong at 0.5 |")
    print("|---|---|---|---|---|---|")
    for key, values in found.items():
        values = [v for v in values if np.isfinite(v)]
        if not values:
            print(f"| {key} | 0 | | | | |")
            continue
        equipped = key.split()[1] != "bare"
        wrong = sum((v < 0.5) if equipped else (v >= 0.5) for v in values)
        print(
            f"| {key} | {len(values)} | {min(values):.2f} | {statistics.median(values):.2f} "
            f"| {max(values):.2f} | {wrong} |"
        )
    print()
    print("| photo | DetectFaces ms | DetectProtectiveEquipment ms | ratio |")
    print("|---|---|---|---|")
    for name, faces, ppe in timing():
        print(f"| {name} | {faces:.1f} | {ppe:.1f} | {ppe / faces:.2f}x |")


if __name__ == "__main__":
    main()
