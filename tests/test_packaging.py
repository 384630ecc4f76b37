"""What the wheel and sdist declare and carry: the code's licence and every weight's licence."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]


def test_the_code_is_mit_and_the_license_file_says_so() -> None:
    text = (REPO_ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License\n")
    assert "Copyright (c) " in text and "the moto-rekognition-faces authors" in text
    assert PROJECT["license"] == "MIT"
    assert PROJECT["authors"] == [{"name": "moto-rekognition-faces authors"}]


def test_every_licence_a_weight_names_ships_with_the_package() -> None:
    # license-files puts these in the wheel's .dist-info/licenses/ and in the sdist.
    assert {"LICENSE", "models/licenses/*"} <= set(PROJECT["license-files"])
    manifest = json.loads((REPO_ROOT / "models" / "manifest.json").read_text())
    named = {
        name
        for entry in manifest["models"]
        for name in [entry["license_file"], *entry.get("extra_license_files", [])]
    }
    assert named and all(name.startswith("licenses/") for name in named)
    missing = sorted(name for name in named if not (REPO_ROOT / "models" / name).is_file())
    assert not missing, missing


def test_metadata_has_no_placeholder() -> None:
    for label, url in PROJECT.get("urls", {}).items():
        assert url.startswith("https://") and "example" not in url and "<" not in url, label
    assert PROJECT["keywords"] and PROJECT["classifiers"]
    assert not [c for c in PROJECT["classifiers"] if c.startswith("License ::")]  # PEP 639
