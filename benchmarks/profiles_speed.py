"""The default profile against the opt-in insightface profile, interleaved in one run.

Recognizer time per face (the same aligned faces of ``t1``, six at a time, as CompareFaces embeds
a target) and the whole DetectFaces ALL pipeline on ``astronaut`` and ``t1`` (landmarks, iris,
attributes). The insightface profile must be built first
(``moto-rekognition-faces-models build insightface``); medians of interleaved runs, ratios
insightface / default.

    python benchmarks/profiles_speed.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from moto_rekognition_faces.api import attributes  # noqa: E402
from moto_rekognition_faces.inputs import images  # noqa: E402
from moto_rekognition_faces.vision import embedder, pipeline, profiles  # noqa: E402
from tests.support.assets import asset_path  # noqa: E402

PROFILES = ("default", "insightface")
SETTING = "MOTO_REKOGNITION_FACES_MODELS"


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    everything = attributes.select(["ALL"]).needs
    photos = {name: images.decode(asset_path(name).read_bytes()) for name in ("astronaut", "t1")}
    faces = [f.detection.points5 for f in pipeline.analyze(photos["t1"])]
    cases: dict[str, Callable[[], object]] = {
        f"recognizer, {len(faces)} faces": lambda: embedder.embed(photos["t1"], faces),
        "DetectFaces ALL, astronaut": lambda: pipeline.analyze(photos["astronaut"], everything),
        "DetectFaces ALL, t1": lambda: pipeline.analyze(photos["t1"], everything),
    }
    samples: dict[tuple[str, str], list[float]] = {}
    for name in PROFILES:  # warm up: sessions load outside the timings
        os.environ[SETTING] = name
        profiles.require_ready()
        for work in cases.values():
            work()
    for _ in range(args.repeat):
        for case, work in cases.items():
            for name in PROFILES:
                os.environ[SETTING] = name
                samples.setdefault((case, name), []).append(timed(work))
    os.environ.pop(SETTING)
    print(f"{'case':<32}{'default ms':>12}{'insightface ms':>16}{'ratio':>8}")
    for case in cases:
        default, opt_in = (statistics.median(samples[(case, n)]) * 1000 for n in PROFILES)
        print(f"{case:<32}{default:>12.1f}{opt_in:>16.1f}{opt_in / default:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
