"""Cheap, explainable face-attribute estimators on top of the 106 landmarks: numpy and OpenCV only.

No model that ships offline covers eyeglasses, sunglasses, beard, mustache or occlusion, and the
landmarks already answer eyes open, mouth open and smile. Each estimator here measures one or two
visible cues, turns the cue's distance from a threshold into a probability with a logistic curve,
and reports ``(value, confidence)`` where the confidence (50..100) is the probability of the
stated value: a face far from the threshold gets a high confidence, a borderline face gets about
50. The thresholds were set on hand-labelled real faces (``benchmarks/evaluate_attributes.py``,
``docs/ATTRIBUTES.md`` has the measured accuracy and the weak spots).

Use: ``estimate(image_bgr, points106, box)`` returns an :class:`Appearance`. To blend in another
model (an emotion model's HAPPY for Smile, say), call ``measure()`` once and pass its
:class:`Cues` to the per-attribute functions (``smile(cues, happy=...)`` and so on), which
return probabilities; ``verdict()`` turns one into ``(value, confidence)``.

Geometry: the face is first resampled into a canonical frame where the two eye centres sit at
fixed points (roll removed, inter-ocular distance ``IOD`` pixels), so every region and every
texture measure has the same meaning for a 40-pixel face and a 400-pixel one. Regions are placed
from the landmarks moved into that frame.

106-point layout (insightface 2d106det), viewer's left / right:
eye contours 33–42 / 87–96 (corners 35, 39 / 89, 93; lids 40 top, 33 bottom / 94, 87; centre
38 / 88); brows 43–51 / 97–105; nose bridge 72–74, tip 86, base 80, nostrils 78–79 / 84–85;
mouth corners 52 / 61, outer upper lip centre 71, outer lower lip centre 53, inner lips 62 top /
60 bottom; jaw contour 1, 9–16, 2–8 down to the chin 0, then 24–18, 32–25, 17 up the other side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import cv2
import numpy as np

from . import pose

IOD = 64.0  # inter-ocular distance in the canonical frame, pixels
EYE_ROW = 80.0  # y of the eye centres in the canonical frame
CANVAS = (192, 240)  # canonical frame width, height: brows to below the chin at IOD 64

LEFT_EYE = list(range(33, 43))
RIGHT_EYE = list(range(87, 97))
LEFT_BROW = list(range(43, 52))
RIGHT_BROW = list(range(97, 106))
LEFT_JAW_BAND = [52, 55, 56, 5, 4, 3, 2, 16, 15]  # mouth corner, lower lip, then up the jaw
RIGHT_JAW_BAND = [61, 58, 59, 21, 20, 19, 18, 32, 31]


Verdict = tuple[bool, float]


@dataclass(frozen=True)
class Appearance:
    """One ``(value, confidence 0..100)`` pair per Rekognition boolean face attribute."""

    smile: Verdict
    eyes_open: Verdict
    mouth_open: Verdict
    eyeglasses: Verdict
    sunglasses: Verdict
    beard: Verdict
    mustache: Verdict
    face_occluded: Verdict

    def as_dict(self) -> dict[str, Verdict]:
        """Keyed by Rekognition's FaceDetail member names."""
        names = {
            "smile": "Smile",
            "eyes_open": "EyesOpen",
            "mouth_open": "MouthOpen",
            "eyeglasses": "Eyeglasses",
            "sunglasses": "Sunglasses",
            "beard": "Beard",
            "mustache": "Mustache",
            "face_occluded": "FaceOccluded",
        }
        return {names[f.name]: getattr(self, f.name) for f in fields(self)}


# --------------------------------------------------------------------------- canonical frame


@dataclass
class FaceFrame:
    """The face resampled so the eye centres sit at fixed points, with its landmarks moved too."""

    bgr: np.ndarray  # CANVAS-sized crop, uint8
    lab: np.ndarray  # the same in CIE Lab, float32 (L 0..100, a and b about -128..127)
    grey: np.ndarray  # float32 0..255
    points: np.ndarray  # (106, 2) in the canonical frame
    colour: bool  # False for a greyscale photo: colour cues are then silent
    matrix: np.ndarray  # 2×3 affine map from image pixels to the frame


def eye_centres(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Midpoints of the viewer-left and viewer-right eye corners."""
    return (points[35] + points[39]) / 2, (points[89] + points[93]) / 2


def canonical_frame(
    image_bgr: np.ndarray,
    points106: np.ndarray,
    canvas: tuple[int, int] = CANVAS,
    eye_row: float = EYE_ROW,
) -> FaceFrame:
    """Resample the face so the eye-corner midpoints land IOD pixels apart on row ``eye_row``
    of a ``canvas`` (width, height) frame, centred across."""
    points = np.asarray(points106, np.float64)
    left, right = eye_centres(points)
    dx, dy = right - left
    scale = IOD / max(math.hypot(dx, dy), 1e-6)
    angle = math.atan2(dy, dx)
    cos_a, sin_a = math.cos(angle) * scale, math.sin(angle) * scale
    matrix = np.array([[cos_a, sin_a, 0.0], [-sin_a, cos_a, 0.0]])
    matrix[:, 2] = np.array([canvas[0] / 2, eye_row]) - matrix[:, :2] @ ((left + right) / 2)
    source = image_bgr if image_bgr.ndim == 3 else cv2.cvtColor(image_bgr, cv2.COLOR_GRAY2BGR)
    warp = matrix.copy()
    # A big face squeezed into the frame would alias: halve the image until a step is < 2 px.
    while scale * image_bgr.shape[1] / source.shape[1] < 0.5 and min(source.shape[:2]) > 64:
        source = cv2.pyrDown(source)
        warp[:, :2] = matrix[:, :2] * (image_bgr.shape[1] / source.shape[1])
    crop = cv2.warpAffine(
        source, warp, canvas, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    spread = np.abs(crop.astype(np.int16) - crop.mean(axis=2, keepdims=True).astype(np.int16))
    return FaceFrame(
        bgr=crop,
        lab=cv2.cvtColor(crop.astype(np.float32) / 255.0, cv2.COLOR_BGR2Lab),
        grey=cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY).astype(np.float32),
        points=points @ matrix[:, :2].T + matrix[:, 2],
        colour=bool(np.percentile(spread, 90) > 4),
        matrix=matrix,
    )


def _box(array: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    """The pixels of an axis-aligned box of the canonical frame, clipped to it, flattened."""
    height, width = array.shape[:2]
    left, right = int(np.clip(round(x0), 0, width)), int(np.clip(round(x1), 0, width))
    top, bottom = int(np.clip(round(y0), 0, height)), int(np.clip(round(y1), 0, height))
    patch = array[top:bottom, left:right]
    return patch.reshape(-1, *array.shape[2:])


def _polygon(shape: tuple[int, ...], corners: np.ndarray, shrink: int = 0) -> np.ndarray:
    """A boolean mask of a polygon, eroded by ``shrink`` pixels."""
    mask = np.zeros(shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(corners).astype(np.int32)], 1)
    if shrink > 0:
        mask = cv2.erode(mask, np.ones((2 * shrink + 1, 2 * shrink + 1), np.uint8))
    return mask > 0


def _median(values: np.ndarray, default: float = float("nan")) -> float:
    return float(np.median(values)) if values.size else default


# --------------------------------------------------------------------------- cues


@dataclass(frozen=True)
class Cues:
    """The raw measurements every estimate is made from (all in the canonical frame)."""

    eye_openness: float  # lid gap / eye width at the eye centre, mean of both eyes
    mouth_gap: float  # inner-lip gap / mouth width
    corner_lift: float  # mouth corners above the outer-lip midline, / mouth width
    mouth_width: float  # mouth width / inter-ocular distance
    lens_darkness: float  # share of dark pixels over the lens area, of the lighter eye
    bridge_line: float  # contrast of a thin horizontal line across the nose bridge
    rim_line: float  # strength of a continuous line round the lower half of the eyes
    lower_face_darkness: float  # chin and lower jaws darker than the skin (0 = as bright)
    lip_band_darkness: float  # 1 - brightness between the nose and the upper lip / skin
    skin_coverage: float  # share of the skin round the mouth with the nose bridge's colour
    outside: float  # share of the eye, nose and mouth points outside the image
    yaw: float  # degrees, from the 5 key points
    colour: bool  # False for greyscale photos (skin_coverage is then nan)


def _ratio(points: np.ndarray, a: int, b: int, c: int, d: int) -> float:
    return float(
        np.linalg.norm(points[a] - points[b]) / max(np.linalg.norm(points[c] - points[d]), 1e-6)
    )


def _skin_brightness(frame: FaceFrame) -> float:
    """Median L of the nose ridge and both cheeks at nose-tip height (never hair, rarely lenses)."""
    q, lab = frame.points, frame.lab[..., 0]
    left, right = eye_centres(q)
    parts = [_box(lab, q[86, 0] - 0.08 * IOD, q[74, 1], q[86, 0] + 0.08 * IOD, q[86, 1])]
    for centre in (left, right):
        top, bottom = q[86, 1] - 0.12 * IOD, q[80, 1] + 0.02 * IOD
        parts.append(_box(lab, centre[0] - 0.2 * IOD, top, centre[0] + 0.2 * IOD, bottom))
    return _median(np.concatenate(parts), default=50.0)


def _lens_darkness(frame: FaceFrame) -> float:
    """Share of pixels darker than 0.45 × the brightest skin patch over each lens area."""
    q, lab = frame.points, frame.lab[..., 0]
    left, right = eye_centres(q)
    brow = float(np.mean(q[LEFT_BROW + RIGHT_BROW, 1]))
    patches = [
        _box(lab, q[86, 0] - 0.08 * IOD, q[74, 1], q[86, 0] + 0.08 * IOD, q[86, 1]),
        _box(lab, q[49, 0], brow - 0.45 * IOD, q[103, 0], brow - 0.12 * IOD),
    ]
    for centre in (left, right):
        top, bottom = q[86, 1] - 0.12 * IOD, q[80, 1] + 0.02 * IOD
        patches.append(_box(lab, centre[0] - 0.2 * IOD, top, centre[0] + 0.2 * IOD, bottom))
    reference = max(_median(p, default=0.0) for p in patches)
    shares = []
    for (a, b), centre in (((35, 39), left), ((89, 93), right)):
        width = float(np.linalg.norm(q[a] - q[b]))
        lens = _box(
            lab,
            centre[0] - 0.8 * width,
            centre[1] - 0.4 * width,
            centre[0] + 0.8 * width,
            centre[1] + 0.8 * width,
        )
        shares.append(float(np.mean(lens < 0.45 * reference)) if lens.size else 0.0)
    return min(shares)


def _bridge_line(frame: FaceFrame) -> float:
    """Contrast of the strongest thin horizontal line crossing the nose between the eyes.

    A narrow strip down the middle of the nose bridge, from above the eyes to just below them,
    is reduced to one brightness per row (the median across the strip, so the line must cross
    all of it); a 1-D top-hat then keeps only thin dark or bright lines, as a frame bridge draws.
    Bare skin there is smooth. The rows at the strip's ends are left out (brows, eye corners).
    """
    q = frame.points
    centre_x = (q[39, 0] + q[89, 0]) / 2
    eye_y = (q[38, 1] + q[88, 1]) / 2
    top, bottom = int(round(eye_y - 0.36 * IOD)), int(round(eye_y + 0.1 * IOD))
    left, right = int(round(centre_x - 0.1 * IOD)), int(round(centre_x + 0.1 * IOD))
    strip = cv2.GaussianBlur(frame.grey, (3, 3), 0)[max(top, 0) : bottom, max(left, 0) : right]
    if strip.shape[0] < 12 or strip.shape[1] < 3:
        return 0.0
    kernel = np.ones((9, 1), np.uint8)
    closed = cv2.morphologyEx(strip, cv2.MORPH_CLOSE, kernel, borderType=cv2.BORDER_REPLICATE)
    opened = cv2.morphologyEx(strip, cv2.MORPH_OPEN, kernel, borderType=cv2.BORDER_REPLICATE)
    line = np.maximum(np.median(closed - strip, axis=1), np.median(strip - opened, axis=1))
    line = line[3:-3]
    return float(line.max() / max(float(np.median(strip)), 20.0))


def _rim_line(frame: FaceFrame) -> float:
    """How strong a continuous line runs round the lower half of each eye (the weaker eye).

    The image is unrolled round the eye centre (angles 0–180°, the lower half; radii 0.55–1.35
    eye widths, stretched 1.25× sideways as lenses are wider than tall) and a dynamic programme
    finds the path of strongest radial line response that moves at most one radius step per
    angle step. A lens rim is such a path; skin gives only short, weak pieces. The score is
    the path's mean response over the median response of the unrolled patch.
    """
    q = frame.points
    grey = cv2.GaussianBlur(frame.grey, (3, 3), 0.8)
    angles = np.radians(np.arange(0, 181, 6))
    scores = []
    for (a, b), centre in zip(((35, 39), (89, 93)), eye_centres(q), strict=True):
        width = float(np.linalg.norm(q[a] - q[b]))
        radii = np.linspace(0.55 * width, 1.35 * width, 24)
        xs = centre[0] + 1.25 * np.cos(angles)[:, None] * radii[None, :]
        ys = centre[1] + np.sin(angles)[:, None] * radii[None, :]
        unrolled = cv2.remap(
            grey,
            xs.astype(np.float32),
            ys.astype(np.float32),
            cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REPLICATE,
        )
        response = np.abs(unrolled[:, 2:] + unrolled[:, :-2] - 2 * unrolled[:, 1:-1])
        best = response[0].copy()
        for row in response[1:]:
            reach = best.copy()
            reach[1:] = np.maximum(reach[1:], best[:-1])
            reach[:-1] = np.maximum(reach[:-1], best[1:])
            best = reach + row
        scores.append(float(best.max()) / len(response) / (float(np.median(response)) + 2.0))
    return min(scores)


def _lower_face_darkness(frame: FaceFrame, skin: float) -> float:
    """How much darker than the skin the chin and both lower jaws are (beards are darker).

    Two parts, added: 1 − median brightness of the chin over the skin's, and the same for the
    lower cheeks beside the mouth, taking the brighter (less bearded) side. A shadow under the
    lip darkens the chin alone, side light darkens one jaw; a beard darkens all three. Regions
    are eroded so that neither the lips' edges nor the neck or background beyond the jaw count.
    """
    q, lightness = frame.points, frame.lab[..., 0]
    shrink = int(0.06 * IOD)
    chin = np.vstack([q[[4, 5, 6, 7, 8, 0, 24, 23, 22]], q[[61, 59, 53, 56, 52]]])
    parts = [_median(lightness[_polygon(lightness.shape, chin, shrink)], default=skin)]
    jaws = []
    for side in (LEFT_JAW_BAND, RIGHT_JAW_BAND):
        jaws.append(_median(lightness[_polygon(lightness.shape, q[side], shrink)], default=skin))
    parts.append(max(jaws))
    return float(sum(1.0 - part / max(skin, 1.0) for part in parts))


def _lip_band_darkness(frame: FaceFrame, skin: float) -> float:
    """1 − median brightness between the nose base and the upper lip over the skin's."""
    q = frame.points
    height = q[71, 1] - q[80, 1]
    inset = 0.15 * (q[61, 0] - q[52, 0])
    band = _box(
        frame.lab[..., 0],
        q[52, 0] + inset,
        q[80, 1] + 0.25 * height,
        q[61, 0] - inset,
        q[71, 1] - 0.05 * height,
    )
    return 1.0 - _median(band, default=skin) / max(skin, 1.0)


def _skin_coverage(frame: FaceFrame) -> float:
    """Share of the skin round the mouth whose colour matches the nose bridge's skin.

    The reference is the strip between the eyes, which masks, hands and hair rarely cover. A
    pixel matches when its hue is within 25° of the reference hue, its chroma within half to
    twice the reference chroma, and it is not in deep shadow. A surgical mask, a scarf or any
    object of another colour leaves almost nothing matching; lips and stubble keep most of it.
    The region (nose base, mouth corners, halfway out to the jaw, halfway down to the chin) is
    one any mask covers, even when the landmarks under it are guessed too low or too high.
    nan for greyscale photos, where hue does not exist.
    """
    if not frame.colour:
        return float("nan")
    q, lab = frame.points, frame.lab
    centre_x = (q[39, 0] + q[89, 0]) / 2
    eye_y = (q[38, 1] + q[88, 1]) / 2
    bridge = _box(
        lab, centre_x - 0.1 * IOD, eye_y - 0.3 * IOD, centre_x + 0.1 * IOD, eye_y + 0.05 * IOD
    )
    if not bridge.size:
        return float("nan")
    reference = np.median(bridge, axis=0)
    cheeks = [(q[52] + q[15]) / 2, (q[61] + q[31]) / 2, (q[53] + q[0]) / 2]
    around_mouth = np.vstack([q[[52, 80, 61, 53]], cheeks]).astype(np.float32)
    hull = cv2.convexHull(around_mouth)
    lower = lab[_polygon(lab.shape, hull[:, 0, :])]
    if not lower.size:
        return float("nan")
    return float(np.mean(skin_match(lower, reference)))


def skin_match(lab: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Per Lab pixel (last axis L, a, b): the colour of the ``reference`` skin.

    Hue within 25° of the reference, chroma within half to twice its chroma, and not in deep
    shadow (lightness above 35 % of the reference's).
    """
    ref_l, ref_a, ref_b = (float(v) for v in reference)
    ref_hue, ref_chroma = math.atan2(ref_b, ref_a), max(math.hypot(ref_a, ref_b), 1.0)
    hue = np.arctan2(lab[..., 2], lab[..., 1])
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    turn = np.abs((hue - ref_hue + math.pi) % (2 * math.pi) - math.pi)
    return (
        (turn < math.radians(25))
        & (chroma > 0.5 * ref_chroma)
        & (chroma < 2.0 * ref_chroma)
        & (lab[..., 0] > 0.35 * ref_l)
    )


KEY_POINTS = LEFT_EYE + RIGHT_EYE + list(range(52, 87))  # eyes, mouth and nose


def _outside(points106: np.ndarray, shape: tuple[int, ...]) -> float:
    """Share of the eye, nose and mouth landmarks that fall outside the image."""
    key = np.asarray(points106, float)[KEY_POINTS]
    height, width = shape[:2]
    out = (key[:, 0] < 0) | (key[:, 1] < 0) | (key[:, 0] >= width) | (key[:, 1] >= height)
    return float(np.mean(out))


def measure(image_bgr: np.ndarray, points106: np.ndarray) -> Cues:
    """Every cue for one face, from the image and its 106 landmarks (image pixels)."""
    frame = canonical_frame(image_bgr, points106)
    q = frame.points
    skin = _skin_brightness(frame)
    mouth_width = float(np.linalg.norm(q[52] - q[61]))
    midline = (q[71, 1] + q[53, 1]) / 2
    corners = (q[52, 1] + q[61, 1]) / 2
    left, right = eye_centres(np.asarray(points106, float))
    five = np.array([left, right, points106[86], points106[52], points106[61]], float)
    return Cues(
        eye_openness=(_ratio(q, 40, 33, 35, 39) + _ratio(q, 94, 87, 89, 93)) / 2,
        mouth_gap=_ratio(q, 62, 60, 52, 61),
        corner_lift=float((midline - corners) / max(mouth_width, 1e-6)),
        mouth_width=mouth_width / IOD,
        lens_darkness=_lens_darkness(frame),
        bridge_line=_bridge_line(frame),
        rim_line=_rim_line(frame),
        lower_face_darkness=_lower_face_darkness(frame, skin),
        lip_band_darkness=_lip_band_darkness(frame, skin),
        skin_coverage=_skin_coverage(frame),
        outside=_outside(points106, image_bgr.shape),
        yaw=pose.estimate(five).yaw,
        colour=frame.colour,
    )


# --------------------------------------------------------------------------- estimates
#
# Each threshold is where the labelled yes and no faces meet (docs/ATTRIBUTES.md has the
# numbers); each width is how far past the threshold a cue must go for about 73 % (one width)
# or 95 % (three widths) probability. Wide widths mean weak cues and so modest confidences.

EYES_OPEN = (0.17, 0.025)  # eye_openness: closed 0.06-0.15, open mostly 0.18-0.49
MOUTH_OPEN = (0.105, 0.02)  # mouth_gap: closed lips 0.00-0.09, parted mostly 0.12-0.38
SMILE_LIFT = (0.11, 0.025)  # corner_lift: neutral -0.06-0.12, smiling 0.10-0.28
SMILE_WIDTH = (0.94, 0.05)  # mouth_width: neutral 0.68-0.92 IOD, smiling 0.97-1.13
SUNGLASSES = (0.47, 0.06)  # lens_darkness: bare eyes 0.0-0.42, dark lenses 0.51-0.97
FRAME_BRIDGE = 0.13  # bridge_line that counts as one unit of frame evidence
FRAME_RIM = 2.4  # rim_line that counts as one unit
FRAME = (2.4, 0.5)  # bridge + rim units: bare faces mostly below 2, frames 2.9-5
BEARD = (0.58, 0.08)  # lower_face_darkness: shaven -0.8-0.47, full beards 0.68-1.1
MUSTACHE = (0.215, 0.04)  # lip_band_darkness: bare -0.5-0.26, dark mustaches 0.21-0.58
MASK = (0.04, 0.012)  # skin_coverage (reversed): masked faces 0.00, bare faces 0.07-1.0
CUT = (0.05, 0.02)  # outside: share of eye / nose / mouth points beyond the image edge
BOX_SLACK = 0.2  # share of the detector box that may leave the frame unnoticed
YAW_TRUSTED = 30.0  # beyond this |yaw| the texture and colour regions slide off the face
# Highest confidence each estimator may report (see verdict()): landmark geometry is reliable,
# texture and colour cues less so; roughly the accuracy measured on the labelled faces.
CEILING = {
    "smile": 0.99,
    "eyes_open": 0.99,
    "mouth_open": 0.99,
    "sunglasses": 0.97,
    "eyeglasses": 0.93,
    "beard": 0.95,
    "mustache": 0.92,
    "face_occluded": 0.97,
}


def probability_above(value: float, threshold: float, width: float) -> float:
    """Logistic probability that ``value`` lies above ``threshold``."""
    if not math.isfinite(value):
        return 0.5
    z = max(-30.0, min(30.0, (value - threshold) / width))
    return 1.0 / (1.0 + math.exp(-z))


def _shrink(p: float, trust: float) -> float:
    """Pull a probability towards 0.5 in log-odds by ``trust`` (1 = keep, 0 = no evidence)."""
    p = min(max(p, 1e-9), 1 - 1e-9)
    logit = math.log(p / (1 - p)) * max(0.0, min(1.0, trust))
    return 1.0 / (1.0 + math.exp(-logit))


def verdict(p: float, ceiling: float = 0.99) -> Verdict:
    """``(value, confidence)``: value is p ≥ 0.5, confidence the probability of that value.

    ``ceiling`` caps the confidence at what the estimator has earned on labelled faces: a cheap
    cue that was right on about 95 % of them does not get to claim 99.9.
    """
    p = min(max(p, 1.0 - ceiling), ceiling)
    value = p >= 0.5
    return value, round(100.0 * (p if value else 1.0 - p), 3)


def _pose_trust(cues: Cues) -> float:
    return 1.0 - min(max(abs(cues.yaw) - YAW_TRUSTED, 0.0) / 30.0, 0.8)


def eyes_open(cues: Cues, sunglasses: float = 0.0) -> float:
    """P(eyes open) from the lid gap over the eye width, at the eye centre, both eyes averaged.

    2d106det places the lids on the visible lid margin, so a blink gives 0.05–0.15 and an open
    eye 0.2–0.45 whatever the face size. Behind dark lenses the points are guesses: the
    evidence is discounted by the sunglasses probability.
    """
    return _shrink(probability_above(cues.eye_openness, *EYES_OPEN), 1.0 - sunglasses)


def mouth_open(cues: Cues, masked: float = 0.0) -> float:
    """P(lips apart) from the inner-lip gap over the mouth width (a toothy smile is open)."""
    return _shrink(probability_above(cues.mouth_gap, *MOUTH_OPEN), 1.0 - masked)


def smile(cues: Cues, masked: float = 0.0, happy: float | None = None) -> float:
    """P(smile) from the mouth's shape, optionally blended with an emotion model's HAPPY.

    Two landmark cues, added in log-odds: the mouth corners drawn up above the midline of the
    outer lips (per mouth width), and the mouth widened relative to the eye distance. ``happy``
    is averaged in with equal weight when given: a probability 0..1, or a Rekognition-style
    confidence 0..100 (any value above 1 is read as a percentage, as ``emotion.predict`` gives).
    """
    lift = (cues.corner_lift - SMILE_LIFT[0]) / SMILE_LIFT[1]
    widen = (cues.mouth_width - SMILE_WIDTH[0]) / SMILE_WIDTH[1]
    p = _shrink(probability_above(lift + widen, 0.0, 1.0), 1.0 - masked)
    if happy is not None and math.isfinite(float(happy)):
        share = float(happy) / 100.0 if float(happy) > 1.0 else float(happy)
        p = 0.5 * p + 0.5 * min(max(share, 0.0), 1.0)
    return p


def sunglasses(cues: Cues) -> float:
    """P(dark lenses) from how much of each eye's lens area is far darker than the skin.

    Over a box round each eye, 1.6 eye widths wide and reaching 0.8 below the eye centre where
    a lens ends, count the pixels darker than 0.45 × the brightest skin patch (nose, cheeks or
    forehead). Bare eyes have iris, lashes and lid shadow there, about 0–40 %; a dark lens
    fills 50–100 %. The lighter eye counts, so both lenses must be dark.
    """
    return probability_above(cues.lens_darkness, *SUNGLASSES)


def eyeglasses(cues: Cues, sunglasses_p: float = 0.0) -> float:
    """P(eyeglasses, sunglasses included) from frame lines, or from dark lenses.

    Frame evidence adds two cues in units of their typical strength on bare faces: a thin line
    across the nose bridge (``bridge_line``, the frame's bridge) and a continuous line round the
    lower half of both eyes (``rim_line``, the rims). Both are discounted for turned heads.
    Rekognition reports sunglasses as eyeglasses too, so the larger probability wins.
    """
    units = cues.bridge_line / FRAME_BRIDGE + cues.rim_line / FRAME_RIM
    frames = _shrink(probability_above(units, *FRAME), _pose_trust(cues))
    return max(frames, sunglasses_p)


def beard(cues: Cues, masked: float = 0.0) -> float:
    """P(beard) from chin and lower jaws darker than the nose and cheeks (see measure()).

    Hidden under a mask or turned away, the evidence is discounted towards "no beard seen".
    """
    p = probability_above(cues.lower_face_darkness, *BEARD)
    return _shrink(p, _pose_trust(cues) * (1.0 - masked))


def mustache(cues: Cues, masked: float = 0.0) -> float:
    """P(mustache) from the band between the nose and the upper lip darker than the skin."""
    p = probability_above(cues.lip_band_darkness, *MUSTACHE)
    return _shrink(p, _pose_trust(cues) * (1.0 - masked))


def masked(cues: Cues) -> float:
    """P(the nose and mouth are covered) from how little of the lower face is skin-coloured.

    Greyscale photos carry no hue, so there the answer is an uninformed 0.3.
    """
    if not cues.colour or not math.isfinite(cues.skin_coverage):
        return 0.3
    return probability_above(-cues.skin_coverage, -MASK[0], MASK[1])


def face_occluded(cues: Cues, sunglasses_p: float = 0.0, masked_p: float | None = None) -> float:
    """P(FaceOccluded) as AWS defines it: eyes, nose or mouth covered, or partly out of frame.

    The largest of three: the share of key landmarks beyond the image edge, the mask cue, and
    dark sunglasses (which AWS lists as occluding).
    """
    cut = probability_above(cues.outside, *CUT) if cues.outside > 0 else 0.0
    covered = masked(cues) if masked_p is None else masked_p
    return max(cut, covered, sunglasses_p)


def estimate(
    image_bgr: np.ndarray,
    points106: np.ndarray,
    box: np.ndarray | None = None,
    *,
    happy: float | None = None,
) -> Appearance:
    """Every boolean attribute of one face.

    ``points106`` are the face's 2d106det landmarks in image pixels; ``box`` (x1, y1, x2, y2)
    is the detector box, used only to notice a face cut by the image edge; ``happy`` is an
    optional HAPPY score from an emotion model (0..1, or 0..100 percent), blended into Smile.
    """
    cues = measure(image_bgr, points106)
    if box is not None:
        cues = _with_box(cues, np.asarray(box, float), image_bgr.shape)
    dark = sunglasses(cues)
    covered = masked(cues)
    hidden_mouth = covered if cues.colour else 0.0
    probabilities = {
        "smile": smile(cues, hidden_mouth, happy),
        "eyes_open": eyes_open(cues, dark),
        "mouth_open": mouth_open(cues, hidden_mouth),
        "eyeglasses": eyeglasses(cues, dark),
        "sunglasses": dark,
        "beard": beard(cues, hidden_mouth),
        "mustache": mustache(cues, hidden_mouth),
        "face_occluded": face_occluded(cues, dark, covered),
    }
    return Appearance(**{name: verdict(p, CEILING[name]) for name, p in probabilities.items()})


def _with_box(cues: Cues, box: np.ndarray, shape: tuple[int, ...]) -> Cues:
    """Add the detector box's view of how much of the face is out of frame.

    The box also spans forehead and chin, which may leave the frame while eyes, nose and mouth
    stay in: only the part beyond the first BOX_SLACK of the box counts.
    """
    height, width = shape[:2]
    x1, y1, x2, y2 = box[:4]
    area = max((x2 - x1) * (y2 - y1), 1e-6)
    inside = max(0.0, min(x2, width) - max(x1, 0.0)) * max(0.0, min(y2, height) - max(y1, 0.0))
    return replace(cues, outside=max(cues.outside, 1.0 - inside / area - BOX_SLACK))
