"""Collection benchmarks: search latency, memory per face, IndexFaces throughput, add_many.

Same conventions as ``run.py``: every figure is a ratio against a baseline measured in the same
run, the two interleaved and repeated, medians shown. The bulk of each collection is random unit
vectors (seeded), not faces: an exact search costs the same whatever the vectors are. Each
collection size is measured in a fresh child process, so its RSS growth is its own and peak
memory is that of one size (about 4.5 GB at 1M faces).

    python benchmarks/face_collections.py                     # 10k, 100k and 1M faces
    python benchmarks/face_collections.py --quick             # 10k and 100k, 3 runs each
    python benchmarks/face_collections.py --json out.json     # also save every sample

(Not named ``collections.py``: a script's folder comes first on ``sys.path``, so that name would
shadow the standard library's ``collections`` for every script in ``benchmarks/``.)
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
from run import (
    MB,
    MODEL,
    REGION,
    ROOT,
    Row,
    asset,
    describe,
    interleaved,
    machine,
    plural,
    recorded_model_calls,
    rekognition_client,
    replay,
    row,
    table,
)

from moto_rekognition_faces.vision import profiles  # noqa: E402

DIMENSIONS = profiles.active().dimensions  # the recognizer's vector length (SFace: 128)
VECTOR_BYTES = DIMENSIONS * 4  # one bare float32 vector
TOP_K = 10
E2E_MAX = 100_000  # search_faces through boto3 up to this size
RSS_MIN = 100_000  # below this, RSS growth per face is mostly allocator noise
SEED = 20261127
COLLECTION = "bench"
NUMPY = f"numpy: matrix @ q + argpartition top-{TOP_K}"
BARE_VECTOR = f"bare float32 {DIMENSIONS}-d vector"
CONCATENATE = "np.concatenate of the same data"


# --------------------------------------------------------------------------- helpers


def vm_kb(field: str) -> int:
    """A ``/proc/self/status`` field (VmRSS, VmHWM) in kB."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(f"{field}:"))
    return int(line.split()[1])


def unit_vectors(count: int, seed: int, chunk: int = 65_536) -> np.ndarray:
    """``count`` random unit vectors, (count, DIMENSIONS) float32, built in chunks."""
    rng = np.random.default_rng(seed)
    out = np.empty((count, DIMENSIONS), np.float32)
    for start in range(0, count, chunk):
        block = rng.standard_normal((min(chunk, count - start), DIMENSIONS), np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start : start + len(block)] = block
    return out


def bare_search(matrix: np.ndarray, query: np.ndarray) -> np.ndarray:
    """The baseline: one matrix-vector product and an unordered top-k."""
    return np.argpartition(matrix @ query, -TOP_K)[-TOP_K:]


def fill(backend: Any, vectors: np.ndarray, seed: int) -> None:
    """One face per image, as an application indexing ID photos would: a distinct image hash,
    ExternalImageId, box and confidence per face, stored through ``FacesBackend.index_faces``."""
    from moto_rekognition_faces.state.collections import NewFace

    rng = random.Random(seed)
    for i, vector in enumerate(vectors):
        box = {
            "Width": rng.random(),
            "Height": rng.random(),
            "Left": rng.random(),
            "Top": rng.random(),
        }
        face = NewFace(box, 99.0 + rng.random(), vector)
        backend.collections.index_faces(COLLECTION, f"{i:064x}", f"person-{i}", [face])


def size_label(count: int) -> str:
    return f"{count // 1_000_000}M" if count % 1_000_000 == 0 else f"{count // 1000}k"


# --------------------------------------------------------------------------- one size (child)


def rotated(
    cases: dict[str, Callable[[], object]], repeat: int, warmup: int = 2
) -> dict[str, list[float]]:
    """Like run.py's ``interleaved``, but each round starts at the next case: a sub-millisecond
    search that always ran first after a boto3 call would always find colder caches."""
    names = list(cases)
    for _ in range(warmup):
        for run in cases.values():
            run()
    samples: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(repeat):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            start = time.perf_counter()
            cases[name]()
            samples[name].append((time.perf_counter() - start) * 1000.0)
    return samples


def search_and_memory(
    count: int, data: np.ndarray, repeat: int
) -> tuple[list[Row], dict[str, Any]]:
    """Fill a collection through the backend, note RSS growth, then time the searches."""
    from moto import mock_aws

    from moto_rekognition_faces.state.backend import faces_backends

    label = size_label(count)
    query = unit_vectors(1, SEED + 1)[0]
    with mock_aws():  # leaving it resets the backends, which frees the records
        client = rekognition_client()
        client.create_collection(CollectionId=COLLECTION)
        backend = faces_backends["123456789012"][REGION]
        collection = backend.collections.get(COLLECTION)
        gc.collect()
        rss_before = vm_kb("VmRSS")
        start = time.perf_counter()
        fill(backend, data, SEED)
        fill_s = time.perf_counter() - start
        gc.collect()
        index = collection.vectors
        info = {
            "size": count,
            "fill_s": fill_s,
            "rss_growth": (vm_kb("VmRSS") - rss_before) * 1024,
            "index_nbytes": index.nbytes,
            "capacity": index.nbytes // VECTOR_BYTES,
            "live": len(index),
        }
        face_id = next(iter(collection.faces))
        cases: dict[str, Callable[[], object]] = {
            "numpy": lambda: bare_search(data, query),
            "index": lambda: index.search(query, TOP_K),
            "backend": lambda: backend.collections.search(COLLECTION, query, TOP_K),
        }
        if count <= E2E_MAX:
            cases["e2e"] = lambda: client.search_faces(
                CollectionId=COLLECTION, FaceId=face_id, MaxFaces=TOP_K, FaceMatchThreshold=0
            )
            cases["e2e default"] = lambda: client.search_faces(
                CollectionId=COLLECTION, FaceId=face_id
            )
            matches = client.search_faces(CollectionId=COLLECTION, FaceId=face_id)
            info["default_matches"] = len(matches["FaceMatches"])
        samples = rotated(cases, repeat)
    rows = [
        row("search latency", f"{label}: {what}", samples, case, "numpy", NUMPY)
        for case, what in (
            ("index", f"VectorIndex.search(q, {TOP_K})"),
            ("backend", f"FacesBackend.search(q, {TOP_K}) (lock, records)"),
            ("e2e", f"search_faces via boto3, MaxFaces={TOP_K}, threshold 0"),
            ("e2e default", "search_faces via boto3, defaults (MaxFaces 4096, threshold 80)"),
        )
        if case in samples
    ]
    rows.append(
        Row(
            "memory per face",
            f"{label}: index matrix bytes / face ({info['capacity']:,} rows)",
            info["index_nbytes"] / count,
            "live rows only (= a bare vector)",
            VECTOR_BYTES,
            unit="B",
        )
    )
    if count >= RSS_MIN:
        rss = info["rss_growth"] / count
        name = f"{label}: process RSS growth / face (matrix + records)"
        rows.append(Row("memory per face", name, rss, BARE_VECTOR, VECTOR_BYTES, unit="B"))
    return rows, info


def measure_size(count: int, repeat: int) -> dict[str, Any]:
    """Search latency, memory per face and add_many for one collection size."""
    from moto_rekognition_faces.state.index import VectorIndex

    data = unit_vectors(count, SEED)  # also the bare baseline's plain float32 array
    rows, info = search_and_memory(count, data, repeat)
    gc.collect()
    keys = [f"{i:08x}-0000-4000-8000-{i:012x}" for i in range(count)]  # FaceId-shaped
    empty = np.zeros((0, DIMENSIONS), np.float32)
    samples = interleaved(
        {
            "add_many": lambda: VectorIndex().add_many(keys, data),
            "concatenate": lambda: np.concatenate((empty, data)),
        },
        repeat=max(3, repeat // 3),
        warmup=1,
    )
    name = f"{size_label(count)}: VectorIndex().add_many({count:,} vectors)"
    rows.append(row("add_many", name, samples, "add_many", "concatenate", CONCATENATE))
    info["peak_rss_mb"] = vm_kb("VmHWM") / 1024
    return {"rows": [asdict(r) for r in rows], "info": info}


def run_size(count: int, repeat: int) -> tuple[list[Row], dict[str, Any]]:
    """``measure_size`` in a fresh interpreter (its own RSS, its own peak)."""
    command = [sys.executable, __file__, "--size-child", str(count), "--repeat", str(repeat)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"size {count} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return [Row(**fields) for fields in result["rows"]], result["info"]


# --------------------------------------------------------------------------- IndexFaces


def bench_index_faces(repeat: int) -> list[Row]:
    """IndexFaces through boto3 on real photos against the ONNX runs it makes (detector and
    one ArcFace batch); a new ExternalImageId each call, so every call stores its faces."""
    from moto import mock_aws

    rows = []
    with mock_aws():
        client = rekognition_client()
        client.create_collection(CollectionId=COLLECTION)
        counter = itertools.count()
        for key in ("astronaut", "t1"):
            data = asset(key).read_bytes()

            def request(data: bytes = data, key: str = key) -> int:
                response = client.index_faces(
                    CollectionId=COLLECTION,
                    Image={"Bytes": data},
                    ExternalImageId=f"{key}-{next(counter)}",
                )
                return len(response["FaceRecords"])

            with recorded_model_calls() as calls:
                faces = request()
            samples = interleaved({"boto3": request, MODEL: replay(calls)}, repeat)
            result = row(
                "IndexFaces throughput",
                f"IndexFaces {key} ({plural(faces, 'face')})",
                samples,
                "boto3",
                MODEL,
                describe(calls),
            )
            result.samples["faces"] = [float(faces)]
            rows.append(result)
    return rows


# --------------------------------------------------------------------------- report


def throughput(rows: list[Row]) -> str:
    """Faces indexed per second, through boto3 and for the bare model work alone."""
    lines = []
    for r in rows:
        faces = r.samples["faces"][0]
        lines.append(
            f"{r.name}: {1000 * faces / r.measured:.1f} faces/s through boto3, "
            f"{1000 * faces / r.baseline:.1f} faces/s bare model"
        )
    return "\n".join(lines)


def notes(infos: list[dict[str, Any]]) -> str:
    lines = []
    for info in infos:
        count = info["size"]
        records = info["rss_growth"] / count - VECTOR_BYTES
        lines.append(
            f"{size_label(count)}: filled via backend.index_faces in {info['fill_s']:.1f} s "
            f"({1e6 * info['fill_s'] / count:.1f} us/face); matrix {info['index_nbytes'] / MB:,.0f}"
            f" MB for {info['capacity']:,} rows, {info['live']:,} live; RSS grew "
            f"{info['rss_growth'] / MB:,.0f} MB (~{records:,.0f} B/face beyond the vector); "
            f"default search_faces matches: {info.get('default_matches', 'not run')}; "
            f"child peak RSS {info['peak_rss_mb']:,.0f} MB"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="10000,100000,1000000", help="collection sizes, comma-separated"
    )
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per case (median)")
    parser.add_argument("--quick", action="store_true", help="10k and 100k, 3 runs each")
    parser.add_argument("--json", type=Path, help="also save the results, with samples, here")
    parser.add_argument("--size-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    # IndexFaces throughput is the cost of the work: the result cache, which would answer every
    # repeat of the same photo, is off here and in the size children.
    os.environ["MOTO_REKOGNITION_FACES_CACHE"] = "off"
    repeat = 3 if args.quick else args.repeat

    import moto_rekognition_faces  # noqa: F401  (importing activates the plugin)

    if args.size_child is not None:
        print(json.dumps(measure_size(args.size_child, repeat)))
        return 0
    sizes = [10_000, 100_000] if args.quick else [int(s) for s in args.sizes.split(",")]
    rows: list[Row] = []
    infos = []
    for count in sizes:
        size_rows, info = run_size(count, repeat)
        rows += size_rows
        infos.append(info)
    order = ("search latency", "memory per face", "add_many")
    rows.sort(key=lambda r: order.index(r.section))  # stable: sizes stay ascending
    index_rows = bench_index_faces(repeat)

    info = machine()
    print(", ".join(f"{key}: {value}" for key, value in info.items()))
    print(
        f"repeat: {repeat}; medians; ratio = measured / baseline, both from this run; "
        f"bulk vectors: seeded random unit vectors\n"
    )
    print(table(rows + index_rows))
    print()
    print(throughput(index_rows))
    print(notes(infos))
    if args.json:
        result = {
            "machine": info,
            "repeat": repeat,
            "rows": [asdict(r) | {"ratio": r.ratio} for r in rows + index_rows],
            "sizes": infos,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
