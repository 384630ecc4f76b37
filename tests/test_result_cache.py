"""The result cache: identical answers with and without it, bounded, invalidated, never
corrupted by a caller, and on disk a second test run that creates no onnxruntime session."""

from __future__ import annotations

import base64
import json
import os
import pickle
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from moto_rekognition_faces.inputs import images
from moto_rekognition_faces.vision import cache, cache_store, models
from moto_rekognition_faces.vision.results import Needs
from tests.conftest import photo, raw_call, reset_server

ROOT = Path(__file__).resolve().parent.parent


def b64(name: str) -> str:
    return base64.b64encode(photo(name)).decode()


def requests() -> list[tuple[str, dict[str, Any]]]:
    """One request of every operation that goes through the cache, with options that change
    what is cached (attributes, MaxFaces, QualityFilter)."""
    return [
        ("DetectFaces", {"Image": {"Bytes": b64("astronaut")}, "Attributes": ["ALL"]}),
        ("DetectFaces", {"Image": {"Bytes": b64("t1")}}),
        ("DetectFaces", {"Image": {"Bytes": b64("t1")}, "Attributes": ["EMOTIONS", "SMILE"]}),
        (
            "CompareFaces",
            {"SourceImage": {"Bytes": b64("yaoming")}, "TargetImage": {"Bytes": b64("t1")}},
        ),
        (
            "CompareFaces",
            {
                "SourceImage": {"Bytes": b64("astronaut")},
                "TargetImage": {"Bytes": b64("astronaut")},
                "QualityFilter": "HIGH",
            },
        ),
        ("CreateCollection", {"CollectionId": "cached"}),
        (
            "IndexFaces",
            {"CollectionId": "cached", "Image": {"Bytes": b64("t1")}, "MaxFaces": 2},
        ),
        ("SearchFacesByImage", {"CollectionId": "cached", "Image": {"Bytes": b64("t1")}}),
        ("RecognizeCelebrities", {"Image": {"Bytes": b64("astronaut")}}),
        (
            "DetectProtectiveEquipment",
            {
                "Image": {"Bytes": b64("astronaut")},
                "SummarizationAttributes": {
                    "MinConfidence": 50,
                    "RequiredEquipmentTypes": ["FACE_COVER"],
                },
            },
        ),  # fmt: skip
        ("DetectFaces", {"Image": {"Bytes": base64.b64encode(b"not an image").decode()}}),
        (
            "CompareFaces",  # a faceless source: an error, every time
            {"SourceImage": {"Bytes": b64("mountain")}, "TargetImage": {"Bytes": b64("t1")}},
        ),
    ]


def answers(url: str) -> list[tuple[int, bytes]]:
    reset_server(url)
    return [raw_call(url, operation, body) for operation, body in requests()]


def without_face_ids(answer: tuple[int, bytes]) -> tuple[int, Any]:
    """FaceIds are random (moto's seedable source), the only thing allowed to differ."""
    status, body = answer
    data = json.loads(body)
    for record in data.get("FaceRecords", []):
        record["Face"].pop("FaceId")
    for match in data.get("FaceMatches", []):
        match.get("Face", {}).pop("FaceId", None)
    return status, data


def test_answers_are_byte_identical_with_and_without_the_cache(
    moto_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOTO_REKOGNITION_FACES_CACHE", "off")
    uncached = answers(moto_server)
    monkeypatch.setenv("MOTO_REKOGNITION_FACES_CACHE", "on")
    cache.clear()
    first = answers(moto_server)  # fills the cache
    hits = cache.STATS["hits"]
    again = answers(moto_server)  # answered from it
    assert cache.STATS["hits"] > hits
    assert [status for status, _ in uncached][-2:] == [400, 400]
    for (operation, _), *answered in zip(requests(), uncached, first, again, strict=True):
        if operation in {"IndexFaces", "SearchFacesByImage"}:
            answered = [without_face_ids(answer) for answer in answered]
        assert answered[0] == answered[1] == answered[2], operation


def loaded(name: str) -> images.LoadedImage:
    return images.load({"Bytes": photo(name)}, "123456789012", "us-east-1")


def test_a_caller_cannot_corrupt_a_cached_result() -> None:
    cache.clear()
    image = loaded("t1")
    first = cache.analyze(image, Needs(emotions=True))
    expected = pickle.dumps(first)
    first[0].detection.box[:] = 0
    first[0].emotions.clear()
    first.pop()
    again = cache.analyze(image, Needs(emotions=True))
    assert pickle.dumps(again) == expected
    vectors = cache.embed(image, [f.detection.points5 for f in again])
    vectors[:] = 0
    assert np.abs(cache.embed(image, [f.detection.points5 for f in again])).sum() > 0


def test_options_that_change_the_result_change_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    base = cache.result_key("analyze", "a" * 64, {"needs": [], "max_faces": 100})
    assert cache.result_key("analyze", "b" * 64, {"needs": [], "max_faces": 100}) != base
    assert cache.result_key("analyze", "a" * 64, {"needs": [], "max_faces": 1}) != base
    assert cache.result_key("analyze", "a" * 64, {"needs": ["gaze"], "max_faces": 100}) != base
    assert cache.result_key("embed", "a" * 64, {"needs": [], "max_faces": 100}) != base
    monkeypatch.setenv("MOTO_REKOGNITION_FACES_DETECTION_MAX_SIDE", "640")
    assert cache.result_key("analyze", "a" * 64, {"needs": [], "max_faces": 100}) != base


def test_other_weights_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A faithful copy of the weights (same manifest, sizes, times) shares the results; a
    weights folder whose files differ (here: one rewritten) gives other keys."""
    bundled = cache.weights_fingerprint()
    folder = tmp_path / "models"
    shutil.copytree(models.models_dir(), folder, ignore=shutil.ignore_patterns("*.py"))
    monkeypatch.setenv("MOTO_REKOGNITION_FACES_MODELS", str(folder))
    assert cache.weights_fingerprint() == bundled
    target = folder / "retinaface_mnet025.onnx"
    target.write_bytes(target.read_bytes() + b"\0")
    assert cache.weights_fingerprint() != bundled


def test_memory_cache_is_bounded_least_recently_used_first() -> None:
    lru = cache._Lru(max_bytes=100, max_entries=3)
    for key in "abc":
        lru.put(key, b"x" * 30)
    assert lru.get("a") is not None  # a is now the most recently used
    lru.put("d", b"x" * 30)
    assert lru.get("b") is None and len(lru) == 3 and lru.nbytes == 90
    lru.put("e", b"x" * 60)  # bytes bound: two go
    assert lru.nbytes <= 100 and lru.get("e") is not None
    lru.put("huge", b"x" * 101)
    assert lru.get("huge") is None


def test_disk_cache_is_bounded_and_keyed_by_the_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = cache_store.Store(tmp_path, max_bytes=1000)
    for index in range(30):
        store.put(f"k{index}", bytes(100))
    count, size = store.entries()
    assert size <= 1000 and count < 30
    assert store.get("k29") == bytes(100) and store.get("k0") is None
    store.close()
    monkeypatch.setattr(cache_store, "code_fingerprint", lambda: "another version")
    assert cache_store.Store(tmp_path, max_bytes=1000).get("k29") is None


def test_an_unusable_disk_cache_is_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / cache_store.FILENAME).write_bytes(b"this is not a database" * 100)
    store = cache_store.Store(tmp_path, max_bytes=10_000)
    assert store.get("anything") is None
    store.put("anything", b"value")
    assert store.broken and "result cache" in caplog.text


def test_only_result_types_are_unpickled() -> None:
    with pytest.raises(pickle.UnpicklingError):
        cache.loads(pickle.dumps(os.system))
    with pytest.raises(pickle.UnpicklingError):
        cache.loads(pickle.dumps(Path("x")))


def test_off_computes_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTO_REKOGNITION_FACES_CACHE", "off")
    calls = []
    for _ in range(2):
        cache.cached("analyze", "c" * 64, {}, lambda: calls.append(1) or [])
    assert len(calls) == 2


TINY_SUITE = """
import json
import os

from moto_rekognition_faces import samples
from moto_rekognition_faces.vision import models


def test_faces(rekognition_client):
    photo = {"Bytes": samples.read("astronaut")}
    faces = rekognition_client.detect_faces(Image=photo, Attributes=["ALL"])["FaceDetails"]
    assert len(faces) == 1
    compared = rekognition_client.compare_faces(SourceImage=photo, TargetImage=photo)
    assert compared["FaceMatches"][0]["Similarity"] > 99


def test_zz_sessions():
    with open(os.environ["LOADED_JSON"], "w") as out:
        out.write(json.dumps(models.loaded()))
"""


def run_tiny_suite(folder: Path, *options: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTO_REKOGNITION_FACES_")}
    env["LOADED_JSON"] = str(folder / "loaded.json")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--basetemp", str(folder / "tmp"), *options,
         str(folder / "test_tiny.py")],
        capture_output=True, text=True, cwd=folder, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads((folder / "loaded.json").read_text())


def test_a_second_run_creates_no_session(tmp_path: Path) -> None:
    (tmp_path / "test_tiny.py").write_text(textwrap.dedent(TINY_SUITE))
    first = run_tiny_suite(tmp_path)
    assert "retinaface_mnet025.onnx" in first
    assert (tmp_path / ".pytest_cache" / "d" / "moto-rekognition-faces").is_dir()
    assert run_tiny_suite(tmp_path) == []
    assert run_tiny_suite(tmp_path, "--rekognition-no-cache") == first


STORE_WORKER = """
import sys
from pathlib import Path
from moto_rekognition_faces.vision import cache_store
store = cache_store.Store(Path(sys.argv[1]), max_bytes=1_000_000)
worker = sys.argv[2]
for index in range(40):
    store.put(f"shared{index}", bytes([index]) * 500)
    store.put(f"{worker}-{index}", bytes(500))
    assert store.get(f"shared{index}") == bytes([index]) * 500
assert not store.broken
print("ok")
"""


def test_concurrent_processes_share_the_disk_cache(tmp_path: Path) -> None:
    """As pytest-xdist workers do: four processes writing and reading one folder at once."""
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", STORE_WORKER, str(tmp_path), str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0 and out.strip() == "ok", err
    assert cache_store.Store(tmp_path, max_bytes=1_000_000).entries()[0] == 40 + 4 * 40


EXIT_WHILE_BUILDING = """
import boto3
import moto_rekognition_faces
from moto import mock_aws
from moto_rekognition_faces.vision import models
mock = mock_aws()
mock.start()
models.prefetch(["retinaface_mnet025.onnx", "face_landmark.onnx", "sface_2021dec.onnx"])
print("leaving")
"""


def test_background_threads_never_abort_or_outlive_the_process() -> None:
    """Exit while the background thread is building models: no hang, no crash, status 0."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTO_REKOGNITION_FACES_")}
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", EXIT_WHILE_BUILDING],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            check=False,
        )
        assert done.returncode == 0 and done.stdout.strip() == "leaving", done.stderr
        assert "Traceback" not in done.stderr and "Fatal" not in done.stderr, done.stderr
