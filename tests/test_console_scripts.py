"""The standalone server script driven by the AWS CLI, and the demo script."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.support.assets import asset_path
from tests.support.cli import SCRIPTS, aws_cli, fake_credentials


def test_aws_cli_sees_aws_errors_from_the_standalone_server(
    standalone_server: str, tmp_path: Path
) -> None:
    image = tmp_path / "not-an-image.jpg"
    image.write_bytes(b"GIF89a" + bytes(200))
    result = aws_cli(
        "rekognition",
        "detect-faces",
        "--endpoint-url",
        standalone_server,
        "--image-bytes",
        f"fileb://{image}",
    )
    assert result.returncode != 0
    assert "InvalidImageFormatException" in result.stderr


def test_server_binds_to_loopback_by_default() -> None:
    from moto_rekognition_faces.cli import server

    seen: list[list[str]] = []
    import moto.server

    original = moto.server.main
    moto.server.main = seen.append  # type: ignore[assignment]
    try:
        server.main([])
    finally:
        moto.server.main = original
    assert seen == [["--host", "127.0.0.1"]]


def test_demo_prints_a_summary_and_writes_an_annotated_photo(tmp_path: Path) -> None:
    out = tmp_path / "annotated.png"
    result = subprocess.run(
        [str(SCRIPTS / "moto-rekognition-faces-demo"), str(asset_path("t1")), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=180,
        env=fake_credentials(),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "6 face(s) found" in result.stdout
    import cv2

    drawn, original = cv2.imread(str(out)), cv2.imread(str(asset_path("t1")))
    assert drawn.shape == original.shape
    assert (drawn != original).any()


def test_demo_with_all_prints_every_attribute_of_the_bundled_photo(tmp_path: Path) -> None:
    # No photo given: the quick start's command, run from a folder with nothing in it.
    result = subprocess.run(
        [str(SCRIPTS / "moto-rekognition-faces-demo"), "--all"],
        capture_output=True,
        text=True,
        timeout=180,
        env=fake_credentials(),
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "DetectFaces on astronaut.jpg" in out
    assert "1 face(s) found" in out
    assert re.search(r"age \d+-\d+; gender Female \(\d+\.\d%\)", out)
    assert re.search(r"emotions HAPPY \d+\.\d%, [A-Z]+ \d+\.\d%, [A-Z]+ \d+\.\d%\n", out)
    for flag in ("smile yes", "eyes open yes", "eyeglasses no", "sunglasses no", "beard no"):
        assert f"{flag} (" in out
    for name in ("mouth open", "mustache", "face occluded"):
        assert re.search(rf"{name} (yes|no) \(\d+\.\d%\)", out)
    assert re.search(r"eye direction yaw -?\d+ pitch -?\d+ \(\d+\.\d%\)", out)
    assert (tmp_path / "astronaut.detected.png").is_file()


def test_demo_labels_each_face_with_what_it_found() -> None:
    from moto_rekognition_faces import samples
    from moto_rekognition_faces.cli import demo

    face = {
        "BoundingBox": {"Left": 0.35, "Top": 0.11, "Width": 0.19, "Height": 0.24},
        "Landmarks": [{"Type": "nose", "X": 0.44, "Y": 0.25}],
        "AgeRange": {"Low": 25, "High": 33},
        "Gender": {"Value": "Female", "Confidence": 99.0},
        "Emotions": [{"Type": "CALM", "Confidence": 10.0}, {"Type": "HAPPY", "Confidence": 88.0}],
    }
    bare = {key: face[key] for key in ("BoundingBox", "Landmarks")}
    assert demo.label(1, face) == "1 F 25-33 HAPPY"
    assert demo.label(2, bare) == "2"
    assert demo.attribute_lines(bare) == []
    photo = samples.read("astronaut")
    labelled = demo.draw(photo, {"FaceDetails": [face]})
    numbered = demo.draw(photo, {"FaceDetails": [bare]})
    # The longer label covers more of the photo just above the box (which starts at y = 56).
    assert (labelled[30:56] != numbered[30:56]).any()


def test_demo_takes_a_file_or_a_bundled_photo_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from moto_rekognition_faces import samples
    from moto_rekognition_faces.cli import demo

    mine = tmp_path / "me.jpg"
    mine.write_bytes(samples.read("astronaut"))
    assert demo.resolve_photo(None) == samples.path("astronaut")
    assert demo.resolve_photo(mine) == mine
    assert demo.resolve_photo(Path("grace_hopper")) == samples.path("grace_hopper")
    assert demo.resolve_photo(tmp_path / "missing.jpg") is None
    with pytest.raises(SystemExit) as exit_:
        demo.main([str(tmp_path / "missing.jpg")])
    assert exit_.value.code == 2
    assert "no such file, nor a bundled photo (astronaut, grace_hopper)" in capsys.readouterr().err
