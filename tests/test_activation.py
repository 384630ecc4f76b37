"""Activation in every moto mode, lazy models, and what a broken model folder says."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

import moto_rekognition_faces
from moto_rekognition_faces.vision import models
from tests.conftest import photo


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
        check=False,
    )


def test_import_activates_without_loading_models() -> None:
    result = run_python(
        "import moto_rekognition_faces as m\n"
        "from moto_rekognition_faces.vision import models\n"
        "print(m.is_active(), models.loaded())"
    )
    assert result.stdout.split() == ["True", "[]"], result.stderr


def test_environment_variable_opts_out_of_activation() -> None:
    result = run_python(
        "import moto_rekognition_faces as m; print(m.is_active())",
        MOTO_REKOGNITION_FACES_DISABLE="1",
    )
    assert result.stdout.strip() == "False", result.stderr


def test_activate_before_and_after_mock_aws_starts(aws_credentials: None) -> None:
    moto_rekognition_faces.deactivate()
    try:
        with mock_aws():
            client = boto3.client("rekognition", region_name="us-east-1")
            with pytest.raises(NotImplementedError):
                client.detect_faces(Image={"Bytes": photo("astronaut")})
            moto_rekognition_faces.activate()  # after mock_aws() started
            assert len(client.detect_faces(Image={"Bytes": photo("astronaut")})["FaceDetails"]) == 1
        moto_rekognition_faces.deactivate()
        moto_rekognition_faces.activate()  # before mock_aws() starts
        with mock_aws():
            client = boto3.client("rekognition", region_name="us-east-1")
            assert len(client.detect_faces(Image={"Bytes": photo("astronaut")})["FaceDetails"]) == 1
    finally:
        moto_rekognition_faces.activate()
    assert moto_rekognition_faces.is_active()


def test_activate_on_a_server_that_already_served_requests(
    moto_server: str, aws_credentials: None
) -> None:
    client = boto3.client("rekognition", region_name="us-east-1", endpoint_url=moto_server)
    moto_rekognition_faces.deactivate()
    try:
        assert client.detect_labels(Image={"Bytes": photo("astronaut")})["Labels"]
        with pytest.raises(client.exceptions.ClientError):
            client.detect_faces(Image={"Bytes": photo("astronaut")})
    finally:
        moto_rekognition_faces.activate()
    assert len(client.detect_faces(Image={"Bytes": photo("astronaut")})["FaceDetails"]) == 1


def test_deactivate_restores_moto_compare_faces() -> None:
    from moto.rekognition.responses import RekognitionResponse

    ours = RekognitionResponse.detect_faces
    moto_rekognition_faces.deactivate()
    try:
        assert not hasattr(RekognitionResponse, "detect_faces")
        assert not moto_rekognition_faces.is_active()
    finally:
        moto_rekognition_faces.activate()
    assert RekognitionResponse.detect_faces.__name__ == ours.__name__


def test_pytest_plugin_fixtures_give_clients_inside_mock_aws(
    rekognition_client: object, s3_client: object
) -> None:
    s3_client.create_bucket(Bucket="fixtures")  # type: ignore[attr-defined]
    s3_client.put_object(Bucket="fixtures", Key="a.png", Body=photo("astronaut"))  # type: ignore[attr-defined]
    response = rekognition_client.detect_faces(  # type: ignore[attr-defined]
        Image={"S3Object": {"Bucket": "fixtures", "Name": "a.png"}}
    )
    assert len(response["FaceDetails"]) == 1


def copy_models(tmp_path: Path) -> Path:
    folder = tmp_path / "models"
    shutil.copytree(models.models_dir(), folder, ignore=shutil.ignore_patterns("*.py"))
    return folder


def test_missing_model_file_names_the_file_and_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy_models(tmp_path)
    (folder / "face_landmark.onnx").unlink()
    monkeypatch.setenv("MOTO_REKOGNITION_FACES_MODELS", str(folder))
    with pytest.raises(models.ModelFileError) as caught:
        models.model_path("face_landmark.onnx")
    assert "face_landmark.onnx" in str(caught.value) and "is missing" in str(caught.value)
    assert "build_models.py" in str(caught.value)


def test_corrupt_model_file_is_refused_by_checksum(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy_models(tmp_path)
    target = folder / "retinaface_mnet025.onnx"
    data = bytearray(target.read_bytes())
    data[1000] ^= 0xFF
    target.write_bytes(bytes(data))
    monkeypatch.setenv("MOTO_REKOGNITION_FACES_MODELS", str(folder))
    models._manifest_checksums.cache_clear()
    with pytest.raises(models.ModelFileError) as caught:
        models.model_path("retinaface_mnet025.onnx")
    message = str(caught.value)
    assert "corrupt" in message and hashlib.sha256(bytes(data)).hexdigest() in message


def test_bundled_models_match_their_manifest() -> None:
    manifest = json.loads((models.models_dir() / "manifest.json").read_text())
    for entry in manifest["models"]:
        path = models.models_dir() / entry["file"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], entry["file"]
        assert (models.models_dir() / entry["license_file"]).is_file()
