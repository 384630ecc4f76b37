"""Local development benchmarks: server start-up on a state folder, and the inspector page.

Same conventions as ``run.py``: each figure is a median against a baseline measured in the same
run, the two taken in turns. The stored faces are random unit vectors (seeded, as long as the
active profile's recognizer gives) with one real 64 px thumbnail each, written straight into the
state folder as a previous run of the server would have left them: start-up reads them whatever
they look like.

    python benchmarks/local_dev.py                # start-up at 10k and 100k faces, page at 10k
    python benchmarks/local_dev.py --quick        # 10k only, 2 runs each
    python benchmarks/local_dev.py --json out.json

Start-up is the time from launching ``moto-rekognition-faces-server --state-dir DIR`` until a
ListCollections answers, against the same server on an empty folder. Restore is building one
backend from the database in-process (rows → faces, vector matrix, users), against reading the
same rows only. Page load is the HTML of the inspector (index with 50 recent requests, and a
collection of 10k faces) fetched over HTTP against a ListCollections round trip, and the
whole page in headless Chromium (``--dump-dom``, images in view included) against Chromium
loading ``about:blank``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
from run import ROOT, Row, interleaved, machine, row, table

ACCOUNT, REGION = "123456789012", "us-east-1"
SEED = 20261204
SCRIPTS = Path(sys.executable).parent
BROWSER_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
LIST_COLLECTIONS = {
    "Content-Type": "application/x-amz-json-1.1",
    "X-Amz-Target": "RekognitionService.ListCollections",
    "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/rekognition/"
    "aws4_request, SignedHeaders=host, Signature=0",
}


def fill(folder: Path, count: int) -> None:
    """A state folder with one collection of ``count`` faces and 100 users of 10 faces each."""
    import cv2

    from moto_rekognition_faces import samples
    from moto_rekognition_faces.api.inspector import thumbnails
    from moto_rekognition_faces.state import store
    from moto_rekognition_faces.state.collections import Collection, StoredFace, User
    from moto_rekognition_faces.vision import profiles

    pixels = cv2.imdecode(np.frombuffer(samples.read("astronaut"), np.uint8), cv2.IMREAD_COLOR)
    thumb = thumbnails.crop(pixels, np.array([170, 50, 340, 250]))
    profile = profiles.active()  # the vectors are as long as its recognizer's
    dimensions = profile.dimensions
    db = store.Store(folder, profile.name)
    scoped = store.Scoped(db, ACCOUNT, REGION)
    arn = f"arn:aws:rekognition:{REGION}:{ACCOUNT}:collection/bench"
    scoped.put_collection(Collection("bench", arn, time.time(), profile=profile.name))
    rng = np.random.default_rng(SEED)
    ids = [f"{i:08x}-0000-4000-8000-{i:012x}" for i in range(count)]
    for start in range(0, count, 5000):
        vectors = rng.standard_normal((min(5000, count - start), dimensions)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        batch = [
            (
                StoredFace(ids[start + i], "image", f"person-{start + i}", {"Width": 0.2}, 99.0),
                v,
                thumb,
            )
            for i, v in enumerate(vectors)
        ]
        scoped.add_faces("bench", batch, store.image_key(f"image-{start}", None), [])
    for u in range(100):
        user = User(f"user-{u}", ids[u * 10 : u * 10 + 10])
        scoped.put_user("bench", user, dict.fromkeys(user.face_ids, user.user_id))
    db.close()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def list_collections(url: str) -> bytes:
    request = urllib.request.Request(url, data=b"{}", method="POST", headers=LIST_COLLECTIONS)
    with urllib.request.urlopen(request, timeout=60) as answer:
        return answer.read()


class Server:
    """The console script on a state folder; ``started_ms`` is launch → first answer."""

    def __init__(self, folder: Path) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        command = [str(SCRIPTS / "moto-rekognition-faces-server"), "--port", str(port)]
        start = time.perf_counter()
        self.process = subprocess.Popen(
            [*command, "--state-dir", str(folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while True:
            try:
                list_collections(self.url)
                break
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("the server stopped") from None
                time.sleep(0.02)
        self.started_ms = (time.perf_counter() - start) * 1000.0

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(60)


def bench_startup(sizes: list[int], repeat: int, work: Path) -> list[Row]:
    empty = work / "empty"
    empty.mkdir()
    folders = {}
    for size in sizes:
        folders[size] = work / f"faces-{size}"
        fill(folders[size], size)
    rows = []
    for size, folder in folders.items():
        samples: dict[str, list[float]] = {"empty": [], "stored": []}
        for _ in range(repeat):
            for name, where in (("empty", empty), ("stored", folder)):
                server = Server(where)
                samples[name].append(server.started_ms)
                server.stop()
        mb = (folder / "state.sqlite3").stat().st_size / 1e6
        rows.append(
            row(
                "start-up",
                f"server start, {size:,} faces ({mb:.0f} MB)",
                samples,
                "stored",
                "empty",
                "server start, empty folder",
            )  # fmt: skip
        )
        rows.append(bench_restore(folder, size, repeat))
    return rows


def bench_restore(folder: Path, size: int, repeat: int) -> Row:
    """Building the backend from the database, in this process."""
    os.environ["MOTO_REKOGNITION_FACES_STATE_DIR"] = str(folder)
    from moto_rekognition_faces.state import store
    from moto_rekognition_faces.state.backend import FacesBackend

    db = store.shared()
    assert db is not None

    def restore() -> None:
        backend = FacesBackend(REGION, ACCOUNT)
        assert len(backend.collections.by_id["bench"].faces) == size

    samples = interleaved(
        {"restore": restore, "rows": lambda: db.rows(ACCOUNT, REGION)}, repeat, warmup=1
    )
    del os.environ["MOTO_REKOGNITION_FACES_STATE_DIR"]
    return row("start-up", f"restore one backend, {size:,} faces", samples, "restore", "rows",
               "SELECT the same rows")  # fmt: skip


def requests_for_the_page(url: str) -> None:
    """50 recent requests of several kinds, so the index shows a full list."""
    import boto3

    from moto_rekognition_faces import samples

    client = boto3.client(
        "rekognition",
        region_name=REGION,
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    astronaut, grace = samples.read("astronaut"), samples.read("grace_hopper")
    client.create_collection(CollectionId="recent")
    for n in range(50):
        if n % 3 == 0:
            client.compare_faces(SourceImage={"Bytes": astronaut}, TargetImage={"Bytes": grace})
        elif n % 3 == 1:
            client.detect_faces(Image={"Bytes": grace}, Attributes=["ALL"])
        else:
            client.index_faces(
                CollectionId="recent", Image={"Bytes": astronaut}, ExternalImageId=f"n{n}"
            )


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as answer:
        return answer.read()


def browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_load(executable: str, url: str) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [executable, *BROWSER_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
            capture_output=True,
            check=True,
            timeout=300,
        )


def bench_page(repeat: int, work: Path) -> list[Row]:
    folder = work / "page"
    fill(folder, 10_000)
    server = Server(folder)
    try:
        requests_for_the_page(server.url)
        index = f"{server.url}/moto-api/rekognition/"
        collection = f"{index}?account={ACCOUNT}&region={REGION}&collection=bench"
        cases: dict[str, Any] = {
            "index": lambda: fetch(index),
            "collection": lambda: fetch(collection),
            "last page": lambda: fetch(collection + "&page=84"),
            "round trip": lambda: list_collections(server.url),
        }
        samples = interleaved(cases, repeat, warmup=1)
        sizes = {
            name: len(fetch(u)) / 1e3 for name, u in (("index", index), ("collection", collection))
        }
        rows = [
            row("page, 10k faces", f"index HTML ({sizes['index']:.0f} kB, 50 requests)", samples,
                "index", "round trip", "ListCollections round trip"),
            row("page, 10k faces", f"collection page 1 HTML ({sizes['collection']:.0f} kB)",
                samples, "collection", "round trip", "ListCollections round trip"),
            row("page, 10k faces", "collection page 84 HTML", samples, "last page", "round trip",
                "ListCollections round trip"),
        ]  # fmt: skip
        executable = browser()
        if executable is None:
            print("no chromium: the browser rows are left out", file=sys.stderr)
            return rows
        shown = interleaved(
            {
                "index": lambda: chromium_load(executable, index),
                "collection": lambda: chromium_load(executable, collection),
                "blank": lambda: chromium_load(executable, "about:blank"),
            },
            repeat,
            warmup=1,
        )
        rows += [
            row("page, 10k faces", "Chromium: index loaded", shown, "index", "blank",
                "Chromium: about:blank"),
            row("page, 10k faces", "Chromium: collection page 1 loaded", shown, "collection",
                "blank", "Chromium: about:blank"),
        ]  # fmt: skip
        return rows
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per case (median)")
    parser.add_argument("--quick", action="store_true", help="10k faces only, 2 runs each")
    parser.add_argument("--json", type=Path, help="also save the results, with samples, here")
    args = parser.parse_args(argv)
    repeat = 2 if args.quick else args.repeat
    sizes = [10_000] if args.quick else [10_000, 100_000]
    with tempfile.TemporaryDirectory(prefix="mrf-local-dev-") as work:
        rows = bench_startup(sizes, repeat, Path(work))
        rows += bench_page(repeat, Path(work))
    about = machine()
    print(json.dumps(about))
    print(table(rows))
    if args.json:
        args.json.write_text(
            json.dumps({"machine": about, "rows": [asdict(r) for r in rows]}, indent=1)
        )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
