"""The warm-up: a Rekognition client made under a mock prepares the first face request.

Each case runs in a fresh interpreter, since the warm-up happens once per process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from moto_rekognition_faces import samples

SCRIPT = """
import json, sys
import boto3
import moto_rekognition_faces
from moto import mock_aws
from moto_rekognition_faces.vision import models

mocked = sys.argv[1] == "mock"
mock = mock_aws()
if mocked:
    mock.start()
client = boto3.client("rekognition", region_name="us-east-1")
models.wait_prefetched()
seen = {
    "sessions": models.loaded(),
    "grafted": "moto.rekognition.responses" in sys.modules,
    "numpy": "numpy" in sys.modules,
}
if mocked:
    photo = open(sys.argv[2], "rb").read()
    seen["faces"] = client.detect_faces(Image={"Bytes": photo}, Attributes=["ALL"])["FaceDetails"]
    mock.stop()
print(json.dumps(seen))
"""

DETECT_ALL_MODELS = {
    "retinaface_mnet025.onnx",
    "face_landmark.onnx",
    "age-v1.onnx",
    "gender-v1.onnx",
    "emotion_fer.onnx",
    "iris_landmark.onnx",
    "sface_2021dec.onnx",
}


def run(mode: str, **settings: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTO_REKOGNITION_FACES_")}
    env.update({"MOTO_REKOGNITION_FACES_" + k: v for k, v in settings.items()})
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode, str(samples.path("astronaut"))],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout)


def test_a_client_under_a_mock_builds_the_sessions_before_any_request() -> None:
    warmed = run("mock", CACHE="off")
    assert set(warmed["sessions"]) == DETECT_ALL_MODELS
    assert warmed["grafted"]
    cold = run("mock", CACHE="off", WARM_UP="0")
    assert cold["sessions"] == [] and not cold["grafted"]
    assert warmed["faces"] == cold["faces"]  # the same answer either way
    assert len(warmed["faces"]) == 1


def test_a_client_outside_a_mock_prepares_nothing() -> None:
    seen = run("real", CACHE="off")
    assert seen == {"sessions": [], "grafted": False, "numpy": False}


def test_a_filled_disk_cache_gets_only_the_imports_made_ahead(tmp_path: Path) -> None:
    fresh = run("mock", CACHE_DIR=str(tmp_path))  # an empty cache, as in a fresh CI checkout
    assert set(fresh["sessions"]) == DETECT_ALL_MODELS
    again = run("mock", CACHE_DIR=str(tmp_path))  # a repeated run: answered from the cache
    assert again["sessions"] == [] and again["grafted"]
    assert again["faces"] == fresh["faces"]


EXIT_WHILE_WARMING = """
import boto3
import moto_rekognition_faces
from moto import mock_aws
mock = mock_aws()
mock.start()
boto3.client("rekognition", region_name="us-east-1")
print("leaving")
"""


def test_leaving_while_sessions_build_exits_cleanly() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTO_REKOGNITION_FACES_")}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    env["MOTO_REKOGNITION_FACES_CACHE"] = "off"
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", EXIT_WHILE_WARMING],
            capture_output=True, text=True, timeout=120, env=env, check=False,
        )  # fmt: skip
        assert done.returncode == 0 and done.stdout.strip() == "leaving", done.stderr
        assert "Traceback" not in done.stderr and "Fatal" not in done.stderr, done.stderr
