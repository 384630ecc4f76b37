"""pytest --rekognition-trace=DIR: one self-contained HTML file per test, showing its requests."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import browser
from tests.support.cli import fake_credentials

INNER_TESTS = """
from moto_rekognition_faces import samples


def test_eileen_is_grace(rekognition_client):
    response = rekognition_client.compare_faces(
        SourceImage={"Bytes": samples.read("astronaut")},
        TargetImage={"Bytes": samples.read("grace_hopper")},
    )
    assert response["FaceMatches"], "no match"


def test_found_in_s3(rekognition_client, s3_client):
    s3_client.create_bucket(Bucket="photos")
    s3_client.put_object(Bucket="photos", Key="me.jpg", Body=samples.read("astronaut"))
    image = {"S3Object": {"Bucket": "photos", "Name": "me.jpg"}}
    assert len(rekognition_client.detect_faces(Image=image)["FaceDetails"]) == 1


def test_without_rekognition():
    assert True
"""


def run_inner(tmp_path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_inner.py").write_text(INNER_TESTS)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_inner.py", *options],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env=fake_credentials(),
    )


@pytest.fixture(scope="module")
def traces(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("inner")
    result = run_inner(where, "--rekognition-trace=traces")
    assert "1 failed, 2 passed" in result.stdout, result.stdout + result.stderr
    return where / "traces"


def test_one_file_per_test_each_standing_alone(traces: Path) -> None:
    names = sorted(p.name for p in traces.iterdir())
    assert names == [
        "test_inner.py__test_eileen_is_grace.html",
        "test_inner.py__test_found_in_s3.html",
        "test_inner.py__test_without_rekognition.html",
    ]
    for path in traces.iterdir():
        page = path.read_text()
        assert "<script" not in page and "http://" not in page and "https://" not in page


def test_a_failing_compare_faces_shows_why(traces: Path) -> None:
    page = (traces / "test_inner.py__test_eileen_is_grace.html").read_text()
    assert "failed" in page and "AssertionError" in page and "no match" in page
    assert page.count("data:image/jpeg;base64,") == 2  # SourceImage and TargetImage
    assert "source 99." in page
    # How far the stranger was from matching, which CompareFaces itself does not say.
    missed = re.search(r"no match: Similarity (\d+\.\d) &lt; 80", page)
    assert missed and float(missed.group(1)) < 50
    assert "0 match(es) at SimilarityThreshold 80, 1 face(s) below it" in page


def test_images_from_s3_are_inlined_too(traces: Path) -> None:
    page = (traces / "test_inner.py__test_found_in_s3.html").read_text()
    assert "passed" in page and page.count("data:image/jpeg;base64,") == 1
    assert "#1 " in page and "DetectFaces" in page


def test_failed_only_keeps_the_failing_test(tmp_path: Path) -> None:
    result = run_inner(tmp_path, "--rekognition-trace=out", "--rekognition-trace-failed-only")
    assert "1 failed, 2 passed" in result.stdout, result.stdout + result.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == [
        "test_inner.py__test_eileen_is_grace.html"
    ]


def test_a_trace_renders_in_a_browser(traces: Path) -> None:
    path = traces / "test_inner.py__test_eileen_is_grace.html"
    dom = browser.dump_dom(path.resolve().as_uri())
    assert 'class="box miss"' in dom and 'class="box source"' in dom
    assert "data:image/jpeg;base64," in dom
