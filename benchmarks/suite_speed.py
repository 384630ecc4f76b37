"""What a test suite pays: the result cache, the cache on disk, and the cold start of a process.

Every figure is a ratio of two medians measured in this run, the two cases taken in turns (see
benchmarks/README.md, "Speed where test suites feel it").

    python benchmarks/suite_speed.py                  # about 3-5 minutes on 2 cores
    python benchmarks/suite_speed.py --quick          # 3 runs of each
    python benchmarks/suite_speed.py --json out.json  # also save every sample
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import ROOT, Row, asset, interleaved, machine, row, table  # noqa: E402

PREFIX = "MOTO_REKOGNITION_FACES_"


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without any of the plugin's settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(PREFIX)}
    return env | extra


def child_json(code: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a snippet in a fresh interpreter and parse the JSON line it prints last."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=env or clean_env(),
    )
    if done.returncode != 0:
        raise RuntimeError(f"benchmark child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- 1: result cache


def bench_cache(repeat: int) -> list[Row]:
    """DetectFaces ALL on the same photo, again and again: answered from the cache, computed
    afresh (MOTO_REKOGNITION_FACES_CACHE=off) and, for scale, a no-op Rekognition call
    (ListCollections on an empty account) and the same request answered by a queued response
    (the same bytes through boto3 and moto, none of the plugin's work)."""
    import boto3
    from moto import mock_aws

    from moto_rekognition_faces import control

    rows = []
    with mock_aws():
        client = boto3.client("rekognition", region_name="us-east-1")
        for key in ("astronaut", "t1"):
            image = {"Bytes": asset(key).read_bytes()}

            def detect(cache: str, image: dict[str, bytes] = image) -> None:
                os.environ[PREFIX + "CACHE"] = cache
                client.detect_faces(Image=image, Attributes=["ALL"])

            def queued(image: dict[str, bytes] = image) -> None:
                control.queue_response("DetectFaces", {"FaceDetails": []})
                client.detect_faces(Image=image, Attributes=["ALL"])

            samples = interleaved(
                {
                    "hit": lambda: detect("on"),
                    "off": lambda: detect("off"),
                    "noop": client.list_collections,
                    "queued": queued,
                },
                repeat,
            )
            os.environ.pop(PREFIX + "CACHE")
            section = f"result cache: DetectFaces ALL, {key}"
            rows += [
                row(section, "repeated call, cached", samples, "hit", "noop",
                    "no-op call (ListCollections)"),
                row(section, "repeated call, cache off", samples, "off", "noop",
                    "no-op call (ListCollections)"),
                row(section, "repeated call, cached", samples, "hit", "off", "cache off"),
                row(section, "repeated call, cached", samples, "hit", "queued",
                    "same request, answer queued (no plugin work)"),
            ]  # fmt: skip
    return rows


# --------------------------------------------------------------------------- 2 and 3: processes

FIRST_CALL = """
import json, statistics, sys, time
import boto3, moto_rekognition_faces
from moto import mock_aws
data = open(sys.argv[1], "rb").read()
with mock_aws():
    start = time.perf_counter()
    client = boto3.client("rekognition", region_name="us-east-1")
    made = (time.perf_counter() - start) * 1000
    if sys.argv[2] == "s3":  # a suite's usual setup before its first face call
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="photos")
        s3.put_object(Bucket="photos", Key="face.png", Body=data)
        image = {"S3Object": {"Bucket": "photos", "Name": "face.png"}}
    else:
        image = {"Bytes": data}
    setup = (time.perf_counter() - start) * 1000 - made
    start = time.perf_counter()
    client.detect_faces(Image=image, Attributes=["ALL"])
    first = (time.perf_counter() - start) * 1000
    from moto_rekognition_faces.vision import models
    loaded = models.loaded()
    warm = []
    for _ in range(5):
        start = time.perf_counter()
        client.detect_faces(Image=image, Attributes=["ALL"])
        warm.append((time.perf_counter() - start) * 1000)
print(json.dumps({"client": made, "setup": setup, "first": first,
                  "warm": statistics.median(warm), "sessions": len(loaded)}))
"""

IMPORT = """
import json, time
start = time.perf_counter()
{imports}
print(json.dumps({{"ms": (time.perf_counter() - start) * 1000}}))
"""


def bench_processes(repeat: int) -> tuple[list[Row], float]:
    """Fresh interpreters, in turns: first requests with and without the disk cache, imports,
    and a one-test pytest session that never touches AWS."""
    image = str(asset("astronaut"))
    samples: dict[str, list[float]] = {}

    def note(name: str, value: float) -> None:
        samples.setdefault(name, []).append(value)

    with tempfile.TemporaryDirectory() as folder:
        cache_dir = str(Path(folder) / "cache")
        child_json(FIRST_CALL, image, "bytes", env=clean_env(**{PREFIX + "CACHE_DIR": cache_dir}))
        suite = Path(folder) / "suite"
        suite.mkdir()
        (suite / "test_one.py").write_text("def test_one():\n    assert 1 + 1 == 2\n")
        for _ in range(repeat):
            off = clean_env(**{PREFIX + "CACHE": "off"})
            unwarmed_env = off | {PREFIX + "WARM_UP": "0"}
            cold = child_json(FIRST_CALL, image, "bytes", env=off)
            note("first uncached", cold["first"])
            note("warm uncached", cold["warm"])
            note("client + first uncached", cold["client"] + cold["first"])
            unwarmed = child_json(FIRST_CALL, image, "bytes", env=unwarmed_env)
            note("first uncached, no warm-up", unwarmed["first"])
            note("warm uncached, no warm-up", unwarmed["warm"])
            note("client + first uncached, no warm-up", unwarmed["client"] + unwarmed["first"])
            for name, settings in {"s3 warm-up": off, "s3 no warm-up": unwarmed_env}.items():
                run = child_json(FIRST_CALL, image, "s3", env=settings)
                note(name, run["client"] + run["setup"] + run["first"])
            on_disk = clean_env(**{PREFIX + "CACHE_DIR": cache_dir})
            disk = child_json(FIRST_CALL, image, "bytes", env=on_disk)
            note("first from disk", disk["first"])
            note("warm from memory", disk["warm"])
            note("sessions after a disk hit", disk["sessions"])
            for name, imports in {
                "import moto": "import moto",
                "import ours": "import moto_rekognition_faces",
                "import moto+rek": "import moto.rekognition.responses",
                "import ours+moto+rek": "import moto_rekognition_faces\n"
                "import moto.rekognition.responses",
            }.items():
                note(name, child_json(IMPORT.format(imports=imports))["ms"])
            without = ["-p", "no:moto_rekognition_faces"]
            for _ in range(3):  # short and noisy: three pairs per round
                for name, options in {"pytest ours": [], "pytest without": without}.items():
                    start = time.perf_counter()
                    subprocess.run(
                        [sys.executable, "-m", "pytest", "-q", *options, "test_one.py"],
                        cwd=suite, env=clean_env(), capture_output=True, check=True,
                    )  # fmt: skip
                    note(name, (time.perf_counter() - start) * 1000)
    section = "cold start (fresh processes)"
    return [
        row(section, "first DetectFaces ALL, cache off (client made under the mock: warm-up)",
            samples, "first uncached", "warm uncached", "warm call, cache off, same process"),
        row(section, "first DetectFaces ALL, cache off, WARM_UP=0", samples,
            "first uncached, no warm-up", "warm uncached, no warm-up",
            "warm call, cache off, same process"),
        row(section, "client creation + first DetectFaces ALL, cache off, warm-up", samples,
            "client + first uncached", "client + first uncached, no warm-up", "same, WARM_UP=0"),
        row(section, "client, S3 bucket + put of the photo, first DetectFaces ALL (S3Object)",
            samples, "s3 warm-up", "s3 no warm-up", "same, WARM_UP=0"),
        row(section, "first DetectFaces ALL, disk cache filled", samples, "first from disk",
            "first uncached", "first call, cache off"),
        row(section, "one-test pytest session (no AWS), plugin installed", samples,
            "pytest ours", "pytest without", "-p no:moto_rekognition_faces"),
        row(section, "import moto_rekognition_faces", samples, "import ours", "import moto",
            "import moto"),
        row(section, "import moto_rekognition_faces + moto.rekognition.responses (graft)",
            samples, "import ours+moto+rek", "import moto+rek",
            "import moto.rekognition.responses"),
    ], max(samples["sessions after a disk hit"])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=11, help="runs per case (median)")
    parser.add_argument("--quick", action="store_true", help="3 runs of each")
    parser.add_argument("--json", type=Path, help="also save the results, with samples, here")
    args = parser.parse_args(argv)
    repeat = 3 if args.quick else args.repeat
    rows = bench_cache(repeat)
    process_rows, sessions = bench_processes(repeat)
    rows += process_rows
    info = machine()
    print(", ".join(f"{key}: {value}" for key, value in info.items()))
    print(f"repeat: {repeat}; medians; ratio = measured / baseline, both from this run\n")
    print(table(rows))
    print(
        f"\nonnxruntime sessions created by a first call answered from the disk cache: {sessions}"
    )
    if args.json:
        result = {
            "machine": info,
            "repeat": repeat,
            "rows": [asdict(r) | {"ratio": r.ratio} for r in rows],
            "sessions_after_disk_hit": sessions,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
