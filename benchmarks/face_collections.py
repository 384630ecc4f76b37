"""Collection benchmarks: search latency and memory per face at 10k to 5M faces, the 20M
extrapolation, what float16 vectors would cost, IndexFaces throughput, add_many.

Same conventions as ``run.py``: every figure is a ratio against a baseline measured in the same
run, the two interleaved and repeated, medians shown. The bulk of each collection is random unit
vectors (seeded), not faces: an exact search costs the same whatever the vectors are. Each
collection size is measured in a fresh child process, so its RSS growth is its own and peak
memory is that of one size (about 6 GB at 5M faces).

Up to 1M faces a collection is filled through ``FacesBackend.index_faces``; 5M (and a second 1M,
to compare the two) through ``bulk_fill``, a benchmark-only loader that appends to the face
table in chunks of 65,536 rows (not a public API: no lock, no state folder, no per-call checks).

    python benchmarks/face_collections.py              # 10k, 100k, 1M, 1M bulk, 5M bulk (~5 min)
    python benchmarks/face_collections.py --quick      # 10k and 100k, 3 runs each
    python benchmarks/face_collections.py --json out.json  # also save every sample

(Not named ``collections.py``: a script's folder comes first on ``sys.path``, so that name would
shadow the standard library's ``collections`` for every script in ``benchmarks/``.)
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import gc
import itertools
import json
import os
import random
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
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
ADD_MANY_MAX = 1_000_000
CHUNK = 65_536
AWS_MAX_FACES = 20_000_000  # faces per collection AWS allows
FLOAT16_SIZE = 1_000_000
SEED = 20261127
COLLECTION = "bench"
NUMPY = f"numpy on the same matrix: @ q + argpartition top-{TOP_K}"
BARE_MATRIX = f"bare float32 {DIMENSIONS}-d matrix, RSS / row"
CONCATENATE = "np.concatenate of the same data"
DEFAULT_SIZES = "10000,100000,1000000,1000000:bulk,5000000:bulk"
GB = 1e9


# --------------------------------------------------------------------------- helpers


def vm_kb(field: str) -> int:
    """A ``/proc/self/status`` field (VmRSS, VmHWM) in kB."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(f"{field}:"))
    return int(line.split()[1])


_LIBC = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")


def rss() -> int:
    """Resident bytes of live memory: after a full collection, and after glibc hands back the
    free pages it keeps (a freed 33 MB block of vectors would otherwise stay resident, be reused
    by the records and hide them)."""
    gc.collect()
    _LIBC.malloc_trim(0)
    return vm_kb("VmRSS") * 1024


def vector_chunks(count: int, seed: int) -> Iterator[np.ndarray]:
    """``count`` random unit vectors, float32, in blocks of ``CHUNK`` rows (the same blocks for
    the same seed, whoever asks)."""
    rng = np.random.default_rng(seed)
    for start in range(0, count, CHUNK):
        block = rng.standard_normal((min(CHUNK, count - start), DIMENSIONS), np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        yield block


def unit_vectors(count: int, seed: int) -> np.ndarray:
    """``count`` random unit vectors as one (count, DIMENSIONS) float32 array."""
    out = np.empty((count, DIMENSIONS), np.float32)
    start = 0
    for block in vector_chunks(count, seed):
        out[start : start + len(block)] = block
        start += len(block)
    return out


def bare_search(matrix: np.ndarray, query: np.ndarray) -> np.ndarray:
    """The baseline: one matrix-vector product and an unordered top-k."""
    return np.argpartition(matrix @ query, -TOP_K)[-TOP_K:]


def face_records(start: int, count: int, rng: random.Random) -> Iterator[tuple[str, str, dict]]:
    """(image hash, ExternalImageId, box) of faces ``start`` .. ``start + count - 1``: one face
    per image, as an application indexing ID photos would."""
    for i in range(start, start + count):
        box = {
            "Width": rng.random(),
            "Height": rng.random(),
            "Left": rng.random(),
            "Top": rng.random(),
        }
        yield f"{i:064x}", f"person-{i}", box


def fill(backend: Any, vectors: np.ndarray, seed: int) -> None:
    """Store every vector through ``FacesBackend.index_faces``: a distinct image hash,
    ExternalImageId, box and confidence per face."""
    from moto_rekognition_faces.state.collections import NewFace

    rng = random.Random(seed)
    records = face_records(0, len(vectors), rng)
    for (sha, external, box), vector in zip(records, vectors, strict=True):
        face = NewFace(box, 99.0 + rng.random(), vector)
        backend.collections.index_faces(COLLECTION, sha, external, [face])


def bulk_fill(collection: Any, count: int, seed: int) -> None:
    """BENCHMARK ONLY, not an API: records like those ``fill`` stores (one face per image, its
    own FaceId, ImageId, ExternalImageId, box and confidence), appended to the collection's face
    table a chunk at a time, with the same de-duplication entry per image. No lock, no state
    folder, no per-call checks: what is left is the memory the records take, which is what it
    measures. Boxes and confidences come from numpy (random either way)."""
    from moto_rekognition_faces.state.collections import image_id

    table = collection.faces
    rng = np.random.default_rng(seed + 2)
    ids = random.Random(seed + 2)
    start = 0
    for vectors in vector_chunks(count, seed):
        n = len(vectors)
        face_ids = [str(uuid.UUID(int=ids.getrandbits(128), version=4)) for _ in range(n)]
        images = [image_id(f"{i:064x}") for i in range(start, start + n)]
        externals = [f"person-{i}" for i in range(start, start + n)]
        boxes = rng.random((n, 4), np.float32)
        confidences = (99.0 + rng.random(n)).astype(np.float32)
        first = table.add(face_ids, images, externals, boxes, confidences, vectors)
        for k in range(n):
            table.images.remember(table, (images[k], externals[k]), first + k, 1)
        start += n


def size_label(count: int, bulk: bool = False) -> str:
    label = f"{count // 1_000_000}M" if count % 1_000_000 == 0 else f"{count // 1000}k"
    return f"{label} bulk" if bulk else label


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


def measure_size(count: int, bulk: bool, repeat: int) -> dict[str, Any]:
    """Fill a collection (through the backend, or the bulk loader), note RSS growth against
    that of a bare float32 matrix of the same vectors, then time the searches."""
    from moto import mock_aws

    from moto_rekognition_faces.state.backend import faces_backends
    from moto_rekognition_faces.vision import models

    label = size_label(count, bulk)
    query = unit_vectors(1, SEED + 1)[0]
    before = rss()
    data = unit_vectors(count, SEED)  # the baseline for memory, and the vectors to store
    info: dict[str, Any] = {"size": count, "bulk": bulk, "bare_growth": rss() - before}
    if bulk:
        del data  # the loader makes the same vectors again, a chunk at a time
    rows: list[Row] = []
    with mock_aws():  # leaving it resets the backends, which frees the records
        client = rekognition_client()
        client.create_collection(CollectionId=COLLECTION)
        backend = faces_backends["123456789012"][REGION]
        collection = backend.collections.get(COLLECTION)
        models.wait_prefetched()  # the client's warm-up builds sessions: not while measuring
        before = rss()
        start = time.perf_counter()
        if bulk:
            bulk_fill(collection, count, SEED)
        else:
            fill(backend, data, SEED)
        info["fill_s"] = time.perf_counter() - start
        info["rss_growth"] = rss() - before
        index = collection.vectors
        info["table_nbytes"] = collection.faces.nbytes
        info["capacity"] = index.nbytes // VECTOR_BYTES
        info["live"] = len(index)
        matrix = index.matrix
        face_id = index.key(0)
        cases: dict[str, Callable[[], object]] = {
            "numpy": lambda: bare_search(matrix, query),
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
    rows += [
        row("search latency", f"{label}: {what}", samples, case, "numpy", NUMPY)
        for case, what in (
            ("index", f"VectorIndex.search(q, {TOP_K})"),
            ("backend", f"FacesBackend.search(q, {TOP_K}) (lock, records)"),
            ("e2e", f"search_faces via boto3, MaxFaces={TOP_K}, threshold 0"),
            ("e2e default", "search_faces via boto3, defaults (MaxFaces 4096, threshold 80)"),
        )
        if case in samples
    ]
    bare = info["bare_growth"] / count
    rows.append(
        Row(
            "memory per face",
            f"{label}: matrix + columns bytes / face ({info['capacity']:,} rows allocated)",
            info["table_nbytes"] / count,
            "a bare vector",
            VECTOR_BYTES,
            unit="B",
        )
    )
    if count >= RSS_MIN:
        how = "bulk_fill" if bulk else "index_faces"
        name = f"{label}: process RSS growth / face (filled by {how})"
        rows.append(
            Row("memory per face", name, info["rss_growth"] / count, BARE_MATRIX, bare, unit="B")
        )
    if not bulk and count <= ADD_MANY_MAX:
        rows.append(add_many_row(count, data, repeat))
    info["peak_rss_mb"] = vm_kb("VmHWM") / 1024
    return {"rows": [asdict(r) for r in rows], "info": info}


def add_many_row(count: int, data: np.ndarray, repeat: int) -> Row:
    """A new index's ``add_many`` of ``count`` FaceId-shaped keys against ``np.concatenate``."""
    from moto_rekognition_faces.state.index import VectorIndex

    gc.collect()
    keys = [f"{i:08x}-0000-4000-8000-{i:012x}" for i in range(count)]
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
    return row("add_many", name, samples, "add_many", "concatenate", CONCATENATE)


def measure_float16(count: int, repeat: int) -> dict[str, Any]:
    """What float16 rows would cost: search time against float32 on the same vectors, and the
    largest change of a Similarity (the API's calibrated curve) they would make."""
    from moto_rekognition_faces.api import similarity

    full = unit_vectors(count, SEED)
    half = full.astype(np.float16)
    rng = np.random.default_rng(SEED + 3)

    def converted(query: np.ndarray) -> np.ndarray:
        return np.concatenate(
            [half[s : s + CHUNK].astype(np.float32) @ query for s in range(0, count, CHUNK)]
        )

    worst_cosine = worst_similarity = 0.0
    for k in range(20):  # random queries, and stored vectors with noise (cosine 0.3-0.95)
        query = rng.standard_normal(DIMENSIONS).astype(np.float32)
        if k % 2:
            query = full[rng.integers(count)] + query * (0.02 + 0.01 * k)
        query /= np.linalg.norm(query)
        exact, approx = full @ query, converted(query)
        worst_cosine = max(worst_cosine, float(np.abs(approx - exact).max()))
        change = similarity.from_cosine(approx.astype(np.float64)) - similarity.from_cosine(
            exact.astype(np.float64)
        )
        worst_similarity = max(worst_similarity, float(np.abs(change).max()))
    query = full[0]
    query16 = query.astype(np.float16)
    samples = rotated(
        {
            "float32": lambda: bare_search(full, query),
            "float16": lambda: np.argpartition(half @ query16, -TOP_K)[-TOP_K:],
            "converted": lambda: np.argpartition(converted(query), -TOP_K)[-TOP_K:],
        },
        max(3, repeat // 3),
        warmup=1,
    )
    label = size_label(count)
    base = f"float32 rows: {NUMPY.removeprefix('numpy on the same matrix: ')}"
    rows = [
        row("float16 vectors", f"{label}: float16 rows, numpy float16 product", samples,
            "float16", "float32", base),
        row("float16 vectors", f"{label}: float16 rows, to float32 {CHUNK:,} rows at a time",
            samples, "converted", "float32", base),
        Row("float16 vectors", f"{label}: matrix bytes / face, float16", half.nbytes / count,
            "float32", full.nbytes / count, unit="B"),
    ]  # fmt: skip
    info = {
        "float16_max_cosine_change": worst_cosine,
        "float16_max_similarity_change": worst_similarity,
    }
    return {"rows": [asdict(r) for r in rows], "info": info}


def run_child(*args: str) -> tuple[list[Row], dict[str, Any]]:
    """This script with ``args`` in a fresh interpreter (its own RSS, its own peak)."""
    command = [sys.executable, __file__, *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"{args} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return [Row(**fields) for fields in result["rows"]], result["info"]


def extrapolation(infos: list[dict[str, Any]]) -> list[Row]:
    """AWS's 20M faces per collection, from the two largest bulk sizes: RSS is fixed + slope × N
    (the slope is the marginal bytes per face), against a bare float32 matrix of 20M rows."""
    bulk = sorted((i for i in infos if i["bulk"]), key=lambda i: i["size"])
    if not bulk:
        return []
    small, large = bulk[0], bulk[-1]
    if small["size"] == large["size"]:
        slope = large["rss_growth"] / large["size"]
    else:
        slope = (large["rss_growth"] - small["rss_growth"]) / (large["size"] - small["size"])
    fixed = large["rss_growth"] - slope * large["size"]
    bare = large["bare_growth"] / large["size"]
    label = size_label(AWS_MAX_FACES)
    return [
        Row(
            "20M extrapolation",
            f"{label}: process RSS, fixed + {slope:,.0f} B/face (slope "
            f"{size_label(small['size'])} to {size_label(large['size'])})",
            (fixed + slope * AWS_MAX_FACES) / GB,
            f"bare float32 matrix of {label} rows ({bare:,.0f} B/row)",
            bare * AWS_MAX_FACES / GB,
            unit="GB",
        )
    ]


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


def notes(infos: list[dict[str, Any]], float16: dict[str, Any] | None) -> str:
    lines = []
    for info in infos:
        count = info["size"]
        how = "bulk_fill" if info["bulk"] else "backend.index_faces"
        lines.append(
            f"{size_label(count, info['bulk'])}: filled via {how} in {info['fill_s']:.1f} s "
            f"({1e6 * info['fill_s'] / count:.1f} us/face); matrix + columns "
            f"{info['table_nbytes'] / MB:,.0f} MB for {info['capacity']:,} rows, {info['live']:,} "
            f"live; RSS grew {info['rss_growth'] / MB:,.0f} MB ({info['rss_growth'] / count:,.0f} "
            f"B/face; a bare float32 matrix of the same vectors: "
            f"{info['bare_growth'] / count:,.0f} B/face); default search_faces matches: "
            f"{info.get('default_matches', 'not run')}; "
            f"child peak RSS {info['peak_rss_mb']:,.0f} MB"
        )
    if float16:
        lines.append(
            f"float16 rows ({size_label(FLOAT16_SIZE)} vectors, 20 queries, half of them stored "
            "vectors with noise): largest cosine change "
            f"{float16['float16_max_cosine_change']:.2e}, largest Similarity change "
            f"{float16['float16_max_similarity_change']:.3f} points"
        )
    return "\n".join(lines)


def parse_sizes(text: str) -> list[tuple[int, bool]]:
    """``1000000,5000000:bulk`` → [(1000000, False), (5000000, True)]."""
    sizes = []
    for item in text.split(","):
        count, _, mode = item.partition(":")
        sizes.append((int(count), mode == "bulk"))
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default=DEFAULT_SIZES,
        help="collection sizes, comma-separated; SIZE:bulk fills through bulk_fill",
    )
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per case (median)")
    parser.add_argument("--quick", action="store_true", help="10k and 100k, 3 runs each")
    parser.add_argument("--no-float16", action="store_true", help="skip the float16 comparison")
    parser.add_argument("--json", type=Path, help="also save the results, with samples, here")
    parser.add_argument("--size-child", help=argparse.SUPPRESS)
    parser.add_argument("--float16-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    # IndexFaces throughput is the cost of the work: the result cache, which would answer every
    # repeat of the same photo, is off here and in the size children.
    os.environ["MOTO_REKOGNITION_FACES_CACHE"] = "off"
    repeat = 3 if args.quick else args.repeat

    import moto_rekognition_faces  # noqa: F401  (importing activates the plugin)

    if args.size_child is not None:
        ((count, bulk),) = parse_sizes(args.size_child)
        print(json.dumps(measure_size(count, bulk, repeat)))
        return 0
    if args.float16_child is not None:
        print(json.dumps(measure_float16(args.float16_child, repeat)))
        return 0
    sizes = [(10_000, False), (100_000, False)] if args.quick else parse_sizes(args.sizes)
    rows: list[Row] = []
    infos = []
    for count, bulk in sizes:
        spec = f"{count}:bulk" if bulk else str(count)
        size_rows, info = run_child("--size-child", spec, "--repeat", str(repeat))
        rows += size_rows
        infos.append(info)
    float16 = None
    if not (args.quick or args.no_float16):
        f16_rows, float16 = run_child("--float16-child", str(FLOAT16_SIZE), "--repeat", str(repeat))
        rows += f16_rows
    rows += extrapolation(infos)
    order = (
        "search latency",
        "memory per face",
        "20M extrapolation",
        "float16 vectors",
        "add_many",
    )
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
    print(notes(infos, float16))
    if args.json:
        result = {
            "machine": info,
            "repeat": repeat,
            "rows": [asdict(r) | {"ratio": r.ratio} for r in rows + index_rows],
            "sizes": infos,
            "float16": float16,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
