"""The standalone server script driven by the AWS CLI, and the demo script."""

from __future__ import annotations

import subprocess
from pathlib import Path

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
