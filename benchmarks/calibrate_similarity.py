"""Calibrate the recognizer's cosine → Rekognition ``Similarity`` curve on real photos.

Builds genuine pairs (one person in two pictures) and impostor pairs (two different people) from
the project's test photos as labelled in tests/data/labels/identities.json, embeds every face with
the project's own pipeline (the detector and the active profile's recognizer), fits
``Similarity = 100 / (1 + exp(-SLOPE * (cosine - MIDPOINT)))`` and prints the
cosine and Similarity distributions and the error rates at thresholds 50, 80, 90 and 99.
docs/CALIBRATION.md explains the data, the fit and its limits.

    python benchmarks/calibrate_similarity.py [--json summary.json]

Nothing is written unless ``--json`` is given. The portrait set (609 photos, one sdist) is
fetched and cached on the first run.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from moto_rekognition_faces.inputs import images  # noqa: E402
from moto_rekognition_faces.vision import embedder, pipeline, profiles  # noqa: E402
from moto_rekognition_faces.vision.results import Detection  # noqa: E402
from tests.support.assets import asset_path, folder_paths  # noqa: E402

MIN_SIDE = 32.0  # px; smaller faces (background crowd) are reported apart and not fitted
VIDEO_MIN_GAP_S = 1.0  # frames of one video at least this far apart make a genuine pair
THRESHOLDS = (50.0, 80.0, 90.0, 99.0)
PERCENTILES = (1, 5, 25, 50, 75, 95, 99)

# Who is in which photo: identities (one person, one or more photos or videos) and group photos
# (every face not claimed by an identity is a different person). See the file's "about".
LABELS = ROOT / "tests" / "data" / "labels" / "identities.json"
AUGMENTED = ("astronaut", "grace_hopper", "single_face", "t1", "multi_face", "gdp")

Matrix = np.ndarray  # 2 × 3 affine map from original to augmented pixel coordinates
Augmentation = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, Matrix]]


@dataclass(frozen=True)
class Face:
    """One embedded face and whose it is."""

    identity: str
    photo: str  # asset key
    origin: str  # e.g. "t1 #3", "single_face_video frame 12"
    detection: Detection
    vector: np.ndarray

    @property
    def side(self) -> float:
        return min(self.detection.width, self.detection.height)


@dataclass
class PairSet:
    """Cosines of one kind of pair, with the identity (or identity pair) of each for weighting."""

    name: str
    genuine: bool
    note: str
    cosines: list[float] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)

    def add(self, cosine: float, group: str) -> None:
        self.cosines.append(float(cosine))
        self.groups.append(group)

    @property
    def values(self) -> np.ndarray:
        return np.asarray(self.cosines, np.float64)

    def merged(self, other: PairSet) -> PairSet:
        """Both sets' pairs in one (same kind)."""
        name = f"{self.name} + {other.name}"
        note = f"{self.note}; {other.note}"
        return PairSet(
            name, self.genuine, note, self.cosines + other.cosines, self.groups + other.groups
        )


# ---------------------------------------------------------------- reading and embedding


def read_image(key: str) -> np.ndarray:
    """An asset photo as upright BGR, decoded the way the service decodes request images."""
    return images.decode(Path(asset_path(key)).read_bytes())


def read_frames(key: str) -> list[tuple[int, float, np.ndarray]]:
    """(index, seconds, BGR frame) of every frame of a video asset."""
    capture = cv2.VideoCapture(str(asset_path(key)))
    fps = capture.get(cv2.CAP_PROP_FPS) or 30.0
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append((len(frames), len(frames) / fps, frame))
    capture.release()
    return frames


def embed_all(image: np.ndarray) -> list[tuple[Detection, np.ndarray]]:
    """Every face the service would report, largest first, with its unit ArcFace vector."""
    detections = [face.detection for face in pipeline.analyze(image)]
    vectors = embedder.embed(image, [d.points5 for d in detections])
    return list(zip(detections, vectors, strict=True))


# ---------------------------------------------------------------- the people in the photos


@dataclass(frozen=True)
class Labels:
    """identities.json read: whose face is where (the file's "about" says what each field means)."""

    stills: list[tuple[str, str, object]]  # (identity, asset key, face selector) of photos
    videos: dict[str, str]  # video asset key → identity (its largest face in every frame)
    groups: list[str]  # asset keys whose unclaimed faces are each a different person
    sessions: dict[str, str] = field(default_factory=dict)  # asset key → identity of every face
    portraits: list[str] = field(default_factory=list)  # asset folders: one person per file


def read_labels(path: Path = LABELS) -> Labels:
    """The labels file, checked for what this script relies on."""
    data = json.loads(path.read_text(encoding="utf-8"))
    stills, videos, sessions, seen = [], {}, {}, set()
    for identity in data["identities"]:
        if identity["id"] in seen:
            raise ValueError(f"{path.name}: identity {identity['id']!r} is listed twice")
        seen.add(identity["id"])
        for photo in identity["photos"]:
            if photo.get("video"):
                videos[photo["asset"]] = identity["id"]
            elif photo.get("session"):
                sessions[photo["asset"]] = identity["id"]
            else:
                stills.append((identity["id"], photo["asset"], photo["face"]))
    groups = [group["asset"] for group in data["groups"]]
    portraits = [entry["folder"] for entry in data.get("portrait_sets", [])]
    return Labels(stills, videos, groups, sessions, portraits)


def select_face(found: list[tuple[Detection, np.ndarray]], selector: object, shape: tuple) -> int:
    """Index of the face a label means: the largest (first), or the one centred in its box."""
    if selector == "largest":
        if not found:
            raise RuntimeError("no face found where the labels expect one")
        return 0
    height, width = shape[:2]
    x1, y1, x2, y2 = np.asarray(selector["box"], np.float64) * [width, height, width, height]
    inside = [
        index
        for index, (detection, _) in enumerate(found)
        if x1 <= _centre(detection.box)[0] <= x2 and y1 <= _centre(detection.box)[1] <= y2
    ]
    if len(inside) != 1:
        raise RuntimeError(f"box {selector['box']} holds {len(inside)} detected faces, not 1")
    return inside[0]


def collect_faces(labels: Labels) -> tuple[list[Face], list[Face]]:
    """All faces of the still photos with an identity each: (large faces, tiny crowd faces).

    Labelled faces take their identity; every other face of a group photo is its own person.
    A labelled face is fitted whatever its size (the labels chose it); unclaimed faces under
    MIN_SIDE are kept apart as crowd faces.
    """
    found: dict[str, list[tuple[Detection, np.ndarray]]] = {}
    shapes: dict[str, tuple] = {}
    for key in dict.fromkeys([key for _, key, _ in labels.stills] + labels.groups):
        image = read_image(key)
        found[key], shapes[key] = embed_all(image), image.shape
    faces: list[Face] = []
    claimed: set[tuple[str, int]] = set()
    for identity, key, selector in labels.stills:
        index = select_face(found[key], selector, shapes[key])
        if (key, index) in claimed:
            raise RuntimeError(f"{key} #{index} is claimed by two labels")
        claimed.add((key, index))
        detection, vector = found[key][index]
        faces.append(Face(identity, key, f"{key} #{index}", detection, vector))
    tiny: list[Face] = []
    for key in labels.groups:
        for index, (detection, vector) in enumerate(found[key]):
            if (key, index) not in claimed:
                face = Face(f"{key}#{index}", key, f"{key} #{index}", detection, vector)
                (faces if face.side >= MIN_SIDE else tiny).append(face)
    for key, identity in labels.sessions.items():
        for index, (detection, vector) in enumerate(embed_all(read_image(key))):
            face = Face(identity, key, f"{key} #{index}", detection, vector)
            if face.side >= MIN_SIDE:
                faces.append(face)
    return faces, tiny


def portrait_faces(folder: str) -> tuple[list[Face], list[str]]:
    """The largest face of each file of a portrait set (one person per file), and the files
    in which no face was found."""
    faces, empty = [], []
    for path in folder_paths(folder):
        found = embed_all(images.decode(path.read_bytes()))
        if not found:
            empty.append(f"{folder}/{path.name}")
            continue
        detection, vector = found[0]
        name = f"{folder}/{path.stem}"
        faces.append(Face(name, f"{folder}/{path.name}", name, detection, vector))
    return faces, empty


def video_faces(key: str, identity: str) -> list[tuple[float, Face]]:
    """(seconds, largest face) of the frames of a video that show a face."""
    faces = []
    for index, seconds, frame in read_frames(key):
        found = embed_all(frame)
        if found:
            detection, vector = found[0]
            face = Face(identity, key, f"{key} frame {index}", detection, vector)
            faces.append((seconds, face))
    return faces


# ---------------------------------------------------------------- augmentations


def _crop(image: np.ndarray, box: np.ndarray) -> tuple[np.ndarray, Matrix]:
    """The face with one face-width of margin on each side."""
    height, width = image.shape[:2]
    x1, y1, x2, y2 = box
    left, top = int(max(0, 2 * x1 - x2)), int(max(0, 2 * y1 - y2))
    right, bottom = int(min(width, 2 * x2 - x1)), int(min(height, 2 * y2 - y1))
    return image[top:bottom, left:right].copy(), np.array([[1.0, 0, -left], [0, 1.0, -top]])


def _half(image: np.ndarray, box: np.ndarray) -> tuple[np.ndarray, Matrix]:
    small = cv2.resize(image, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    return small, np.array([[0.5, 0, 0], [0, 0.5, 0]])


def _rotation(degrees: float) -> Augmentation:
    def rotate(image: np.ndarray, box: np.ndarray) -> tuple[np.ndarray, Matrix]:
        """Rotated about the centre onto a canvas large enough to keep every pixel."""
        height, width = image.shape[:2]
        matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
        cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
        size = (int(height * sin + width * cos), int(height * cos + width * sin))
        matrix[:, 2] += (size[0] / 2 - width / 2, size[1] / 2 - height / 2)
        return cv2.warpAffine(image, matrix, size), matrix

    return rotate


def _jpeg30(image: np.ndarray, box: np.ndarray) -> tuple[np.ndarray, Matrix]:
    _, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 30])
    return cv2.imdecode(data, cv2.IMREAD_COLOR), np.eye(2, 3)


def _brightness(factor: float) -> Augmentation:
    def scale(image: np.ndarray, box: np.ndarray) -> tuple[np.ndarray, Matrix]:
        return cv2.convertScaleAbs(image, alpha=factor), np.eye(2, 3)

    return scale


def _flip(image: np.ndarray, box: np.ndarray) -> tuple[np.ndarray, Matrix]:
    width = image.shape[1]
    return cv2.flip(image, 1), np.array([[-1.0, 0, width - 1], [0, 1.0, 0]])


AUGMENTATIONS: dict[str, Augmentation] = {
    "crop": _crop,
    "scale 0.5": _half,
    "rotate +15": _rotation(15.0),
    "rotate -15": _rotation(-15.0),
    "jpeg q30": _jpeg30,
    "brightness +40%": _brightness(1.4),
    "brightness -40%": _brightness(0.6),
    "flip": _flip,
}


def find_moved_face(
    found: list[tuple[Detection, np.ndarray]], box: np.ndarray, matrix: Matrix
) -> np.ndarray | None:
    """Vector of the detected face whose centre is where the matrix moved the box's centre."""
    moved = matrix @ np.append(_centre(box), 1.0)
    reach = 0.5 * (box[2] - box[0]) * np.sqrt(abs(np.linalg.det(matrix[:, :2])))
    best, nearest = None, reach
    for detection, vector in found:
        distance = float(np.linalg.norm(_centre(detection.box) - moved))
        if distance < nearest:
            best, nearest = vector, distance
    return best


def _centre(box: np.ndarray) -> np.ndarray:
    return np.array([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2])


# ---------------------------------------------------------------- pairs


def cross_photo_pairs(faces: list[Face], videos: dict[str, list[tuple[float, Face]]]) -> PairSet:
    """One person in two different photos: every pair of labelled photos of the same identity,
    and each photo against every frame of a video of that identity."""
    pairs = PairSet("cross-photo", True, "same person, different photos (the key genuine case)")
    for a, b in itertools.combinations(faces, 2):
        if a.identity == b.identity and a.photo != b.photo:
            pairs.add(a.vector @ b.vector, a.identity)
    for frames in videos.values():
        for _, frame in frames:
            for face in faces:
                if face.identity == frame.identity:
                    pairs.add(face.vector @ frame.vector, face.identity)
    return pairs


def video_pairs(videos: dict[str, list[tuple[float, Face]]]) -> PairSet:
    """Frames of one video at least VIDEO_MIN_GAP_S apart (same session: weaker evidence)."""
    pairs = PairSet("same-video", True, f"frames of one video >= {VIDEO_MIN_GAP_S:g} s apart")
    for frames in videos.values():
        for (t1, a), (t2, b) in itertools.combinations(frames, 2):
            if abs(t2 - t1) >= VIDEO_MIN_GAP_S - 1e-9:  # frame times are inexact floats
                pairs.add(a.vector @ b.vector, a.identity)
    return pairs


def session_pairs(faces: list[Face], sessions: dict[str, str]) -> PairSet:
    """Faces of one person in the different shots of one photo session, gathered in one image
    (a contact sheet): same day, same light, other expressions and hands (not fitted)."""
    pairs = PairSet("same-session", True, "one person's shots of one session (not fitted)")
    for key, identity in sessions.items():
        own = [face for face in faces if face.photo == key and face.identity == identity]
        for a, b in itertools.combinations(own, 2):
            pairs.add(a.vector @ b.vector, identity)
    return pairs


def augmented_pairs(faces: list[Face]) -> tuple[PairSet, list[str]]:
    """Each large face of the AUGMENTED photos vs itself in a changed copy; and what was lost."""
    pairs = PairSet("augmented", True, "same photo, changed copy: " + ", ".join(AUGMENTATIONS))
    lost = []
    for key in AUGMENTED:
        image = read_image(key)
        own = [face for face in faces if face.photo == key]
        for face, (name, augment) in itertools.product(own, AUGMENTATIONS.items()):
            changed, matrix = augment(image, face.detection.box)
            vector = find_moved_face(embed_all(changed), face.detection.box, matrix)
            if vector is None:
                lost.append(f"{face.origin} / {name}")
            else:
                pairs.add(vector @ face.vector, face.identity)
    return pairs, lost


def impostor_pairs(faces: list[Face], others: list[Face], name: str, note: str) -> PairSet:
    """Every pair of faces of different people (within ``faces`` if ``others`` is ``faces``)."""
    pairs = PairSet(name, False, note)
    if others is faces:
        combos = itertools.combinations(faces, 2)
    else:
        combos = itertools.product(faces, others)
    for a, b in combos:
        if a.identity != b.identity:
            pairs.add(a.vector @ b.vector, "|".join(sorted((a.identity, b.identity))))
    return pairs


# ---------------------------------------------------------------- fit


def balanced_weights(genuine: PairSet, impostor: PairSet) -> np.ndarray:
    """Case weights: each class half the total, each genuine identity an equal share of its half.

    The weights sum to the number of pairs, so the Firth penalty sees the real sample size.
    """
    total = len(genuine.cosines) + len(impostor.cosines)
    identities = {group: genuine.groups.count(group) for group in genuine.groups}
    per_genuine = [total / 2 / len(identities) / identities[group] for group in genuine.groups]
    per_impostor = [total / 2 / len(impostor.cosines)] * len(impostor.cosines)
    return np.asarray(per_genuine + per_impostor, np.float64)


def fit_logistic(
    cosines: np.ndarray, labels: np.ndarray, weights: np.ndarray, iterations: int = 100
) -> tuple[float, float]:
    """Firth-penalised weighted logistic regression of label on cosine: (midpoint, slope).

    Genuine and impostor cosines do not overlap here, so plain maximum likelihood has no finite
    answer (the slope grows without bound). Firth's penalty (a Jeffreys prior) keeps the estimate
    finite without a tuning constant.
    """
    design = np.column_stack([np.ones_like(cosines), cosines])
    beta = np.zeros(2)
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-design @ beta))
        w = weights * p * (1.0 - p)
        information = design.T @ (design * w[:, None])
        inverse = np.linalg.inv(information)
        leverage = w * np.einsum("ij,jk,ik->i", design, inverse, design)
        score = design.T @ (weights * (labels - p) + leverage * (0.5 - p))
        step = np.clip(inverse @ score, -5.0, 5.0)
        beta += step
        if np.abs(step).max() < 1e-10:
            break
    return float(-beta[0] / beta[1]), float(beta[1])


def fit_curve(genuine: PairSet, impostor: PairSet, balanced: bool = True) -> tuple[float, float]:
    """(midpoint, slope) separating genuine from impostor cosines."""
    cosines = np.concatenate([genuine.values, impostor.values])
    labels = np.concatenate([np.ones(len(genuine.cosines)), np.zeros(len(impostor.cosines))])
    weights = balanced_weights(genuine, impostor) if balanced else np.ones_like(cosines)
    return fit_logistic(cosines, labels, weights)


def round_curve(midpoint: float, slope: float) -> tuple[float, float]:
    """The constants as written in similarity.py: midpoint to 0.01, slope to 2 significant."""
    return round(midpoint, 2), float(f"{slope:.2g}")


def to_similarity(cosines: np.ndarray, midpoint: float, slope: float) -> np.ndarray:
    """Similarity under a given curve (similarity.from_cosine with other constants)."""
    return 100.0 / (1.0 + np.exp(-slope * (np.asarray(cosines, np.float64) - midpoint)))


def cosine_at(score: float, midpoint: float, slope: float) -> float:
    """The cosine that a curve maps to ``score``."""
    return midpoint + float(np.log(score / (100.0 - score))) / slope


# ---------------------------------------------------------------- report


def distribution(values: np.ndarray) -> dict[str, float]:
    """min, percentiles and max."""
    summary = {"min": float(values.min())}
    summary.update({f"p{q}": float(np.percentile(values, q)) for q in PERCENTILES})
    summary["max"] = float(values.max())
    return summary


def error_rate(pairs: PairSet, scores: np.ndarray, threshold: float) -> tuple[int, int]:
    """(errors, pairs): impostors at or above the threshold, or genuine pairs below it."""
    errors = scores >= threshold if not pairs.genuine else scores < threshold
    return int(errors.sum()), len(scores)


def print_distributions(
    title: str, sets: Sequence[PairSet], scores: dict[str, np.ndarray], digits: int
) -> None:
    """One row per pair set: count, identities, min, percentiles, max."""
    columns = ["min", *(f"p{q}" for q in PERCENTILES), "max"]
    print(f"\n{title}")
    print(f"{'pairs':<15}{'n':>8}{'ids':>8}" + "".join(f"{c:>8}" for c in columns))
    for pairs in sets:
        row = distribution(scores[pairs.name])
        cells = "".join(f"{row[c]:>8.{digits}f}" for c in columns)
        print(f"{pairs.name:<15}{len(pairs.cosines):>8}{len(set(pairs.groups)):>8}{cells}")


def print_error_rates(sets: Sequence[PairSet], scores: dict[str, np.ndarray]) -> None:
    """False match rate of impostor sets, false non-match rate of genuine sets, per threshold."""
    print("\nerror rates (impostor: false match, Similarity >= t; genuine: false non-match, < t)")
    print(f"{'pairs':<15}" + "".join(f"{'t=' + format(t, 'g'):>22}" for t in THRESHOLDS))
    for pairs in sets:
        cells = ""
        for threshold in THRESHOLDS:
            errors, total = error_rate(pairs, scores[pairs.name], threshold)
            cells += f"{f'{errors}/{total} ({100 * errors / total:.3f}%)':>22}"
        print(f"{pairs.name:<15}{cells}")


def print_genuine_by_identity(sets: Sequence[PairSet], midpoint: float, slope: float) -> None:
    """Each genuine set split by identity: cosines and the share of pairs under 50 and 80."""
    print("\ngenuine pairs by identity (cosine min / median / max; pairs under Similarity 50, 80)")
    for pairs in sets:
        for identity in sorted(set(pairs.groups)):
            own = pairs.values[[group == identity for group in pairs.groups]]
            score = to_similarity(own, midpoint, slope)
            low, middle, high = np.min(own), np.median(own), np.max(own)
            under = f"{int((score < 50).sum())} / {int((score < 80).sum())} of {len(own)}"
            print(
                f"  {pairs.name:<13}{identity:<24}{low:>7.3f}{middle:>7.3f}{high:>7.3f}   {under}"
            )


def check_targets(sets: dict[str, PairSet], midpoint: float, slope: float) -> dict[str, bool]:
    """The issue's targets, each made concrete, under the given curve."""
    score = {name: to_similarity(pairs.values, midpoint, slope) for name, pairs in sets.items()}
    identical = float(to_similarity(np.array(1.0), midpoint, slope))
    return {
        "identical image scores >= 99.9": identical >= 99.9,
        "every changed copy of a photo scores >= 99": bool(score["augmented"].min() >= 99.0),
        ">= 90% of cross-photo genuine pairs score >= 80": bool(
            np.mean(score["cross-photo"] >= 80.0) >= 0.9
        ),
        ">= 99% of impostor pairs score < 50": bool(np.mean(score["impostor"] < 50.0) >= 0.99),
        "<= 0.1% of impostor pairs score >= 80": bool(np.mean(score["impostor"] >= 80.0) <= 0.001),
    }


def highest(pairs: PairSet, count: int = 5) -> list[tuple[str, float]]:
    """The pairs with the highest cosines (the impostors nearest to a match)."""
    order = np.argsort(-pairs.values)[:count]
    return [(pairs.groups[i], float(pairs.values[i])) for i in order]


# ---------------------------------------------------------------- main


def build_pairs() -> tuple[dict[str, PairSet], list[str]]:
    """Every pair set, keyed by name, and the augmented faces that were not found again."""
    labels = read_labels()
    faces, tiny = collect_faces(labels)
    lost: list[str] = []
    portraits: list[Face] = []
    for folder in labels.portraits:
        found, empty = portrait_faces(folder)
        portraits += found
        lost += [f"{name} (no face)" for name in empty]
    videos = {key: video_faces(key, identity) for key, identity in labels.videos.items()}
    augmented, lost_again = augmented_pairs(faces)
    lost += lost_again
    everyone = faces + portraits
    small = f"crowd faces < {MIN_SIDE:g} px"
    sets = [
        cross_photo_pairs(faces, videos),
        video_pairs(videos),
        session_pairs(faces, labels.sessions),
        augmented,
        impostor_pairs(
            everyone, everyone, "impostor", f"different people, faces >= {MIN_SIDE:g} px"
        ),
        impostor_pairs(portraits, portraits, "portraits", "part of impostor: portrait vs portrait"),
        impostor_pairs(
            tiny, everyone, "tiny-vs-large", f"{small} vs the larger faces (not fitted)"
        ),
        impostor_pairs(tiny, tiny, "tiny-vs-tiny", f"{small} vs each other (not fitted)"),
    ]
    return {pairs.name: pairs for pairs in sets}, lost


def fit_variants(sets: dict[str, PairSet]) -> dict[str, tuple[float, float]]:
    """The chosen fit first, then variants that show how much the choice of data moves it."""
    genuine, impostor = sets["cross-photo"], sets["impostor"]
    return {
        "chosen: Firth, balanced, cross-photo vs impostor": fit_curve(genuine, impostor),
        "Firth, unweighted": fit_curve(genuine, impostor, balanced=False),
        "Firth, balanced, cross-photo + same-video": fit_curve(
            genuine.merged(sets["same-video"]), impostor
        ),
    }


def print_report(
    sets: dict[str, PairSet],
    lost: list[str],
    variants: dict[str, tuple[float, float]],
    curve: tuple[float, float],
) -> None:
    """Everything a reader needs to judge the curve, on stdout."""
    print("pair sets (ids: identities of genuine pairs, identity pairs of impostor pairs):")
    for pairs in sets.values():
        print(f"  {pairs.name:<15}{pairs.note}")
    print(f"faces not found (changed copies, portrait files): {len(lost)} {', '.join(lost)}")
    print("\nfits (midpoint, slope):")
    for name, (mid, steep) in variants.items():
        print(f"  {name:<50}{mid:.4f}  {steep:.2f}")
    print(f"chosen (rounded): MIDPOINT = {curve[0]}, SLOPE = {curve[1]}")
    profile = profiles.active()
    print(
        f"profile {profile.name!r} has midpoint {profile.similarity_midpoint}, "
        f"slope {profile.similarity_slope}"
    )
    # The tables below use the curve the profile ships (what users get); the fit is advice.
    written = (profile.similarity_midpoint, profile.similarity_slope)
    marks = ", ".join(f"{s:g}: {cosine_at(s, *written):.3f}" for s in (50, 80, 90, 99, 99.9))
    print(f"cosine at Similarity (profile's curve) {marks}")
    cosines = {name: pairs.values for name, pairs in sets.items()}
    scores = {name: to_similarity(values, *written) for name, values in cosines.items()}
    print_distributions("cosine", list(sets.values()), cosines, digits=3)
    title = "Similarity under the profile's curve"
    print_distributions(title, list(sets.values()), scores, digits=2)
    print_error_rates(list(sets.values()), scores)
    genuine = [pairs for pairs in sets.values() if pairs.genuine and pairs.name != "augmented"]
    print_genuine_by_identity(genuine, *written)
    print("\ncosine by identity (min / median / max; impostor: every pair with another person)")
    print(f"{'identity':<18}{'cross-photo':>26}{'impostor':>32}")
    for identity, row in by_identity(sets["cross-photo"], sets["impostor"]).items():
        cells = [
            f"n={row[kind]['n']} {row[kind]['min']:.3f} {row[kind]['median']:.3f} "
            f"{row[kind]['max']:.3f}"
            if row[kind]
            else "-"
            for kind in ("cross-photo", "impostor")
        ]
        print(f"{identity:<18}{cells[0]:>26}{cells[1]:>32}")
    for name in ("impostor", "tiny-vs-tiny"):
        top = ", ".join(f"{group} {cosine:.3f}" for group, cosine in highest(sets[name], 8))
        print(f"highest {name} cosines: {top}")
    print("\ntargets:")
    for target, met in check_targets(sets, *written).items():
        print(f"  {'ok  ' if met else 'MISS'} {target}")


def by_identity(genuine: PairSet, impostor: PairSet) -> dict[str, dict[str, dict[str, float]]]:
    """For each identity with cross-photo pairs: count, min, median and max of its genuine
    cosines and of its impostor cosines (every pair of its faces with another person's)."""

    def described(values: np.ndarray) -> dict[str, float]:
        if not len(values):
            return {}
        low, middle, high = np.min(values), np.median(values), np.max(values)
        return {"n": len(values), "min": float(low), "median": float(middle), "max": float(high)}

    rows = {}
    for identity in sorted(set(genuine.groups)):
        own = genuine.values[[group == identity for group in genuine.groups]]
        other = impostor.values[[identity in group.split("|") for group in impostor.groups]]
        rows[identity] = {"cross-photo": described(own), "impostor": described(other)}
    return rows


def summary(
    sets: dict[str, PairSet],
    lost: list[str],
    variants: dict[str, tuple[float, float]],
    curve: tuple[float, float],
) -> dict[str, object]:
    """The report as JSON-ready data."""
    described = {}
    for name, pairs in sets.items():
        scores = to_similarity(pairs.values, *curve)
        described[name] = {
            "genuine": pairs.genuine,
            "note": pairs.note,
            "pairs": len(pairs.cosines),
            "identities": len(set(pairs.groups)),
            "cosine": distribution(pairs.values),
            "similarity": distribution(scores),
            "errors": {f"{t:g}": error_rate(pairs, scores, t)[0] for t in THRESHOLDS},
        }
    return {
        "midpoint": curve[0],
        "slope": curve[1],
        "fits": {name: {"midpoint": m, "slope": s} for name, (m, s) in variants.items()},
        "sets": described,
        "augmented_not_found": lost,
        "by_identity": by_identity(sets["cross-photo"], sets["impostor"]),
        "targets": check_targets(sets, *curve),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="also write a JSON summary to this path")
    args = parser.parse_args(argv)
    sets, lost = build_pairs()
    variants = fit_variants(sets)
    curve = round_curve(*next(iter(variants.values())))
    print_report(sets, lost, variants, curve)
    if args.json:
        data = summary(sets, lost, variants, curve)
        args.json.write_text(json.dumps(data, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
