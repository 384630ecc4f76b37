"""Benchmarks for moto-rekognition-faces, each figure a ratio against a baseline of the same run.

The machine this runs on is usually shared, so nothing here is an absolute limit: each measured
call is interleaved with its baseline, both are repeated, and the table shows the medians and the
ratio of the medians. onnxruntime keeps its own default thread count (intra_op_num_threads 0) unless
``--threads N`` sets ``MOTO_REKOGNITION_FACES_THREADS``.

    python benchmarks/run.py                  # full run (--repeat 15)
    python benchmarks/run.py --quick          # a short smoke run
    python benchmarks/run.py --json out.json  # also save every sample
    python benchmarks/run.py --profile        # cProfile of DetectFaces DEFAULT requests
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import cProfile
import io
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
DEFAULT_TARGET = 1.25  # the project's target for the DetectFaces DEFAULT overhead ratio
BOMB_SIDE = 16_000
MODEL = "bare model"
MB = 1024 * 1024
# DetectFaces photos: a 791 kB PNG, a 1.1 MP JPEG, a real 2.5 MP JPEG, and two enlarged to
# 9-10 MP (decoded at half size): a portrait (one large face) and t1's six smaller faces.
DETECT_PHOTOS = ("astronaut", "t1", "family", "obama_portrait*3", "t1*3")


@dataclass
class Row:
    """One line of the table: a measured thing against its baseline (both medians)."""

    section: str
    name: str
    measured: float
    baseline_name: str
    baseline: float
    unit: str = "ms"
    samples: dict[str, list[float]] = field(default_factory=dict, repr=False)

    @property
    def ratio(self) -> float:
        return self.measured / self.baseline if self.baseline else float("nan")


# --------------------------------------------------------------------------- timing


def repo_on_path() -> None:
    """Make ``tests.support`` importable (the repository root is not on sys.path in a script)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def asset(name: str) -> Path:
    """A test photograph, by its short name in tests/support/assets.py."""
    repo_on_path()
    from tests.support.assets import asset_path

    return Path(asset_path(name))


def interleaved(
    cases: dict[str, Callable[[], object]], repeat: int, warmup: int = 2
) -> dict[str, list[float]]:
    """Timings in ms per case, taken in turns so drift on a busy machine hits every case."""
    for _ in range(warmup):
        for run in cases.values():
            run()
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeat):
        for name, run in cases.items():
            start = time.perf_counter()
            run()
            samples[name].append((time.perf_counter() - start) * 1000.0)
    return samples


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def row(section: str, name: str, samples: dict[str, list[float]], measured: str,
        baseline: str, baseline_name: str | None = None) -> Row:  # fmt: skip
    """A Row from two of the interleaved series."""
    return Row(
        section,
        name,
        median(samples[measured]),
        baseline_name or baseline,
        median(samples[baseline]),
        samples={"measured": samples[measured], "baseline": samples[baseline]},
    )


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


# --------------------------------------------------------------------------- bare model work


@dataclass
class Call:
    """One ``InferenceSession.run`` call made by the pipeline, with its exact inputs."""

    session: Any
    outputs: Any
    feed: dict[str, Any]

    @property
    def model(self) -> str:
        return Path(self.session._model_path).stem


class _Recording:
    """Stands in for a shared session: forwards everything and notes each ``run`` call."""

    def __init__(self, session: Any, calls: list[Call]) -> None:
        self._session, self._calls = session, calls

    def run(self, outputs: Any, feed: dict[str, Any], *args: Any) -> Any:
        self._calls.append(Call(self._session, outputs, dict(feed)))
        return self._session.run(outputs, feed, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


@contextlib.contextmanager
def recorded_model_calls() -> Iterator[list[Call]]:
    """Capture the session.run calls the pipeline makes inside the block."""
    from moto_rekognition_faces.vision import models

    calls: list[Call] = []
    real = models.session
    models.session = lambda filename: _Recording(real(filename), calls)  # type: ignore[assignment]
    try:
        yield calls
    finally:
        models.session = real  # type: ignore[assignment]


def replay(calls: list[Call]) -> Callable[[], None]:
    """The bare model work: the same session.run calls on the same pre-made inputs."""

    def run() -> None:
        for call in calls:
            call.session.run(call.outputs, call.feed)

    return run


def describe(calls: list[Call]) -> str:
    counts: dict[str, int] = {}
    for call in calls:
        counts[call.model] = counts.get(call.model, 0) + 1
    return " + ".join(f"{n}x {name}" for name, n in counts.items())


# --------------------------------------------------------------------------- 1 and 2: boto3


def rekognition_client() -> Any:
    import boto3

    return boto3.client("rekognition", region_name=REGION)


def detect_handler(data: bytes, attributes: str) -> Callable[[], str]:
    """The plugin's DetectFaces method (as grafted onto moto) called directly: no botocore,
    no moto dispatch."""
    from moto.rekognition.responses import RekognitionResponse

    body = json.dumps({"Image": {"Bytes": base64.b64encode(data).decode()},
                       "Attributes": [attributes]})  # fmt: skip
    fake = SimpleNamespace(body=body, current_account="123456789012", region=REGION,
                           _get_action=lambda: "DetectFaces")  # fmt: skip
    return lambda: RekognitionResponse.detect_faces(fake)  # type: ignore[arg-type]


def photo_bytes(key: str) -> bytes:
    """A benchmark photo: a test asset by name, or ``NAME*K``, that asset enlarged K times and
    saved as a JPEG (quality 90), so a multi-megapixel JPEG with real faces needs no new file."""
    name, _, factor = key.partition("*")
    data = asset(name).read_bytes()
    if not factor:
        return data
    import cv2
    import numpy as np

    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    big = cv2.resize(pixels, None, fx=int(factor), fy=int(factor), interpolation=cv2.INTER_CUBIC)
    return cv2.imencode(".jpg", big, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()


def photo_label(key: str, data: bytes) -> str:
    """``t1 (1280x886 JPEG, 129 kB)``: what the row is about, read from the header."""
    from moto_rekognition_faces.inputs.image_headers import read_header

    header = read_header(data)
    size = f"{len(data) / 1024:,.0f} kB" if len(data) < MB else f"{len(data) / MB:.1f} MB"
    return f"{key} ({header.width}x{header.height} {header.format.upper()}, {size})"


def bench_detect(repeat: int, keys: tuple[str, ...], with_all: bool = True) -> list[Row]:
    """DetectFaces (DEFAULT and ALL) through boto3 versus the ONNX runs it makes, then a
    breakdown of each DEFAULT request."""
    client = rekognition_client()
    rows, breakdown = [], []
    for key in keys:
        data = photo_bytes(key)
        for attributes in ("DEFAULT", "ALL") if with_all else ("DEFAULT",):
            total, parts = detect_case(client, key, data, attributes, repeat)
            rows += total
            breakdown += parts
    return rows + breakdown


def queued_request(client: Any, data: bytes, attributes: str, answer: dict[str, Any]):
    """The same request (same bytes, same attributes) answered from the plugin's queue with
    the answer the real call gave: botocore, moto's dispatch and the same JSON both ways, none
    of the plugin's work (``dispatch.respond`` serves a queued answer before any action runs)."""
    from moto_rekognition_faces import control

    def run() -> dict[str, Any]:
        control.queue_response("DetectFaces", answer, region=REGION)  # a deque append
        return client.detect_faces(Image={"Bytes": data}, Attributes=[attributes])

    return run


def default_parts(data: bytes) -> dict[str, Callable[[], object]]:
    """A DEFAULT request's image load and pipeline, on the path the request takes (a large JPEG
    decoded at reduced size)."""
    from moto_rekognition_faces.inputs import images
    from moto_rekognition_faces.vision import cache, pipeline

    side = cache.reduced_side(None)
    loaded = images.load({"Bytes": data}, "1", REGION, reduced_side=side)
    pixels, reduction = loaded.pixels, None
    if side is not None and loaded.reduction(side) > 1:
        pixels = loaded.pixels_reduced(side)
        reduction = pipeline.Reduction((loaded.width, loaded.height), lambda: loaded.pixels)

    def load() -> object:
        # pixels_reduced: with the cache on, bytes seen before are decoded on first use
        image = images.load({"Bytes": data}, "1", REGION, reduced_side=side)
        return image.pixels_reduced(side) if side else image.pixels

    return {"images.load": load, "pipeline": lambda: pipeline.analyze(pixels, reduction=reduction)}


NO_OP = "queued"  # the same round trip, no plugin work
BASELINE = "bare model + round trip"


def detect_case(
    client: Any, key: str, data: bytes, attributes: str, repeat: int
) -> tuple[list[Row], list[Row]]:
    """One image and attribute set against the bare model runs plus the same boto3/moto round
    trip answered from a queue; for DEFAULT, the parts of the request are timed as well."""

    def request() -> dict[str, Any]:
        return client.detect_faces(Image={"Bytes": data}, Attributes=[attributes])

    with recorded_model_calls() as calls:
        answer = request()
    answer.pop("ResponseMetadata", None)
    faces = len(answer["FaceDetails"])
    cases: dict[str, Callable[[], object]] = {
        "boto3": request,
        MODEL: replay(calls),
        NO_OP: queued_request(client, data, attributes, answer),
    }
    if attributes == "DEFAULT":
        cases["handler"] = detect_handler(data, attributes)
        cases.update(default_parts(data))
    samples = interleaved(cases, repeat)
    # The baseline, run by run: what no plugin can avoid (the model runs) plus what the
    # plugin does not do (the same request and answer through boto3 and moto).
    samples[BASELINE] = [m + q for m, q in zip(samples[MODEL], samples[NO_OP], strict=True)]
    label = f"{attributes} {photo_label(key, data)}, {plural(faces, 'face')}"
    totals = [
        row("detect_faces", label, samples, "boto3", BASELINE,
            f"{describe(calls)} + queued round trip"),
        row("detect_faces vs bare model only", label, samples, "boto3", MODEL, describe(calls)),
    ]  # fmt: skip
    if attributes != "DEFAULT":
        return totals, []
    samples["layer"] = [t - h for t, h in zip(samples["boto3"], samples["handler"], strict=True)]
    samples["plugin"] = [t - q for t, q in zip(samples["boto3"], samples[NO_OP], strict=True)]
    section = f"DEFAULT breakdown: {key}"
    return totals, [
        row(section, what, samples, part, MODEL)
        for part, what in (
            (NO_OP, "same round trip, answer queued (no plugin work)"),
            ("plugin", "plugin's share (boto3 call - queued call)"),
            ("handler", "plugin method alone (JSON, base64, load, pipeline, serialize)"),
            ("layer", "boto3 + moto layer (boto3 call - plugin method)"),
            ("images.load", "images.load on raw bytes (header, decode)"),
            ("pipeline", "pipeline.analyze on decoded pixels"),
        )
    ]


ATTRIBUTE_SETS = {
    "ALL": ["ALL"],
    "DEFAULT+SMILE": ["DEFAULT", "SMILE"],
    "DEFAULT+AGE_RANGE+GENDER": ["DEFAULT", "AGE_RANGE", "GENDER"],
    "DEFAULT+EMOTIONS": ["DEFAULT", "EMOTIONS"],
    "DEFAULT+EYE_DIRECTION": ["DEFAULT", "EYE_DIRECTION"],
}


def bench_attributes(repeat: int, keys: tuple[str, ...]) -> list[Row]:
    """What attributes cost: each attribute set through boto3 against DEFAULT on the same
    image, interleaved (DEFAULT runs none of the attribute models)."""
    client = rekognition_client()
    rows = []
    for key in keys:
        data = asset(key).read_bytes()

        def call(attributes: list[str], data: bytes = data) -> Callable[[], object]:
            return lambda: client.detect_faces(Image={"Bytes": data}, Attributes=attributes)

        cases = {"DEFAULT": call(["DEFAULT"])} | {
            name: call(attributes) for name, attributes in ATTRIBUTE_SETS.items()
        }
        samples = interleaved(cases, repeat)
        faces = len(client.detect_faces(Image={"Bytes": data})["FaceDetails"])
        section = f"attributes vs DEFAULT: {key} ({plural(faces, 'face')})"
        rows += [
            row(section, name, samples, name, "DEFAULT", "DEFAULT, same image")
            for name in ATTRIBUTE_SETS
        ]
    return rows


def bench_compare(repeat: int, keys: tuple[str, ...]) -> list[Row]:
    """CompareFaces through boto3 versus detector on both images + ArcFace on source and
    targets (the ArcFace target faces run as one batch, as the pipeline does)."""
    client = rekognition_client()
    source = asset("yaoming").read_bytes()
    rows = []
    for key in keys:
        target = asset(key).read_bytes()

        def request(target: bytes = target) -> dict[str, Any]:
            return client.compare_faces(
                SourceImage={"Bytes": source}, TargetImage={"Bytes": target}
            )

        with recorded_model_calls() as calls:
            response = request()
        faces = len(response["FaceMatches"]) + len(response["UnmatchedFaces"])
        samples = interleaved({"boto3": request, MODEL: replay(calls)}, repeat)
        label = f"yaoming vs {key} ({plural(faces, 'target face')})"
        rows.append(row("compare_faces", label, samples, "boto3", MODEL, describe(calls)))
    return rows


# --------------------------------------------------------------------------- 3: cold start

# Peak RSS comes from VmHWM: on Linux a child's ru_maxrss starts at its parent's peak (the
# kernel carries it across exec), which would hide everything below this script's own size.
PEAK_MB = """
import resource
def peak_mb():
    try:
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""

IMPORT_CHILD = """
import json, time
start = time.perf_counter()
import {module}
elapsed = (time.perf_counter() - start) * 1000
print(json.dumps({{"ms": elapsed, "peak_mb": peak_mb()}}))
"""

FIRST_CALL_CHILD = """
import json, statistics, sys, time
import boto3, moto_rekognition_faces
from moto import mock_aws
data = open(sys.argv[1], "rb").read()
with mock_aws():
    client = boto3.client("rekognition", region_name="us-east-1")
    start = time.perf_counter()
    client.detect_faces(Image={"Bytes": data})
    first = (time.perf_counter() - start) * 1000
    peak = peak_mb()
    warm = []
    for _ in range(5):
        start = time.perf_counter()
        client.detect_faces(Image={"Bytes": data})
        warm.append((time.perf_counter() - start) * 1000)
print(json.dumps({"first_ms": first, "warm_ms": statistics.median(warm), "peak_mb": peak}))
"""


def child(code: str, *args: str) -> dict[str, Any]:
    """Run a snippet in a fresh interpreter and parse the JSON line it prints last."""
    command = [sys.executable, "-c", PEAK_MB + code, *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark child failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_cold(repeat: int, first_calls: int) -> list[Row]:
    """Import time, first request (model load included) and peak RSS, in fresh processes."""
    runs: dict[str, list[dict[str, Any]]] = {"moto": [], "ours": []}
    for _ in range(repeat):  # in turns, like the in-process pairs
        runs["moto"].append(child(IMPORT_CHILD.format(module="moto")))
        runs["ours"].append(child(IMPORT_CHILD.format(module="moto_rekognition_faces")))
    image = str(asset("astronaut"))
    runs["first"] = [child(FIRST_CALL_CHILD, image) for _ in range(first_calls)]
    samples = {
        f"{name}.{key}": [run[key] for run in series]
        for name, series in runs.items()
        for key in series[0]
    }
    rss = row("cold start", "peak RSS after first detect_faces", samples, "first.peak_mb",
              "moto.peak_mb", "peak RSS after import moto")  # fmt: skip
    rss.unit = "MB"
    return [
        row("cold start", "import moto_rekognition_faces", samples, "ours.ms", "moto.ms",
            "import moto"),
        row("cold start", "first detect_faces astronaut (models load)", samples,
            "first.first_ms", "first.warm_ms", "warm call, same process"),
        rss,
    ]  # fmt: skip


# --------------------------------------------------------------------------- 4: bomb


# gc.collect() after each request (untimed): every moto request leaves its body in a reference
# cycle (werkzeug Request <-> environ) until the cyclic GC runs, which would blur the peaks.
BOMB_CHILD = """
import gc, json, sys, time
import boto3, moto_rekognition_faces
from moto import mock_aws
normal, bomb = (open(path, "rb").read() for path in sys.argv[1:3])
repeat = int(sys.argv[3])
def timed(data):
    start = time.perf_counter()
    try:
        client.detect_faces(Image={"Bytes": data})
        error = None
    except client.exceptions.ClientError as exc:
        error = exc.response["Error"]["Code"]
    elapsed = (time.perf_counter() - start) * 1000
    gc.collect()
    return elapsed, error
with mock_aws():
    client = boto3.client("rekognition", region_name="us-east-1")
    for _ in range(2):
        timed(normal)
    rss0 = peak_mb()
    normal_ms = [timed(normal)[0] for _ in range(repeat)]
    rss1 = peak_mb()
    bomb_runs = [timed(bomb) for _ in range(repeat)]
    rss2 = peak_mb()
print(json.dumps({
    "normal_ms": normal_ms, "bomb_ms": [ms for ms, _ in bomb_runs],
    "errors": sorted({str(error) for _, error in bomb_runs}),
    "normal_growth_mb": rss1 - rss0, "bomb_growth_mb": rss2 - rss1,
    "peak_after_normal_mb": rss1, "peak_after_bombs_mb": rss2,
}))
"""


def bench_bomb(repeat: int) -> tuple[list[Row], dict[str, Any]]:
    """A 16000 × 16000 PNG bomb must be refused from its header: time and peak-RSS growth,
    measured in a fresh process after the models are warm."""
    repo_on_path()
    from tests.support.images import png_bomb

    bomb = png_bomb(BOMB_SIDE, BOMB_SIDE)
    with tempfile.NamedTemporaryFile(suffix=".png") as handle:
        handle.write(bomb)
        handle.flush()
        run = child(BOMB_CHILD, str(asset("yaoming")), handle.name, str(repeat))
    info = {
        "bomb_bytes": len(bomb),
        "errors": run["errors"],
        "bomb_growth_mb": run["bomb_growth_mb"],
        "normal_growth_mb": run["normal_growth_mb"],
        "decoded_mb": BOMB_SIDE * BOMB_SIDE * 3 / MB,  # the BGR array a decode would allocate
    }
    samples = {key: run[key] for key in ("bomb_ms", "normal_ms")}
    peak = Row(
        "bomb",
        f"peak RSS after {repeat} bomb requests",
        run["peak_after_bombs_mb"],
        "peak RSS after the normal requests",
        run["peak_after_normal_mb"],
        unit="MB",
    )
    return [
        row("bomb", f"16000x16000 PNG bomb -> {', '.join(run['errors'])}", samples, "bomb_ms",
            "normal_ms", "normal small request (yaoming)"),
        peak,
    ], info  # fmt: skip


# --------------------------------------------------------------------------- profile


def profile_default(key: str = "astronaut", calls: int = 30) -> str:
    """cProfile of warm DetectFaces DEFAULT requests: top entries by cumulative and own time."""
    client = rekognition_client()
    data = photo_bytes(key)
    for _ in range(3):
        client.detect_faces(Image={"Bytes": data})
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        client.detect_faces(Image={"Bytes": data})
    profiler.disable()
    out = io.StringIO()
    out.write(f"{calls} x detect_faces DEFAULT on {key}\n")
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(20)
    return shorten_paths(out.getvalue())


def shorten_paths(text: str) -> str:
    """Profile lines name files relative to site-packages or the repository, not this machine."""
    import site
    import sysconfig

    prefixes = {sysconfig.get_paths()["purelib"], *site.getsitepackages(), str(ROOT)}
    for prefix in sorted(prefixes, key=len, reverse=True):
        text = text.replace(prefix.rstrip("/") + "/", "")
    return text


# --------------------------------------------------------------------------- report


def machine() -> dict[str, Any]:
    import boto3
    import moto
    import onnxruntime

    cpu = platform.processor()
    with contextlib.suppress(OSError, StopIteration):
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        cpu = next(line.split(":", 1)[1].strip() for line in lines if line.startswith("model name"))
    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "onnxruntime": onnxruntime.__version__,
        "moto": moto.__version__,
        "boto3": boto3.__version__,
        "threads": os.environ.get("MOTO_REKOGNITION_FACES_THREADS") or "onnxruntime default",
    }


def number(value: float) -> str:
    """About three significant digits, without exponents."""
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}" if value >= 1 else f"{value:.3f}"


def table(rows: list[Row]) -> str:
    """Rows as an aligned text table, with precision that suits µs-scale and second-scale rows."""
    name_w = max(len(r.name) for r in rows)
    base_w = max(len(r.baseline_name) for r in rows)
    lines = [
        f"{'measured':<{name_w}}  {'median':>11}  {'baseline':<{base_w}}  {'median':>11}  ratio",
        "-" * (name_w + base_w + 41),
    ]
    section = ""
    for r in rows:
        if r.section != section:
            section = r.section
            lines.append(f"[{section}]")
        lines.append(
            f"{r.name:<{name_w}}  {number(r.measured):>8} {r.unit:<2}  {r.baseline_name:<{base_w}}"
            f"  {number(r.baseline):>8} {r.unit:<2}  {r.ratio:5.2f}x"
        )
    return "\n".join(lines)


def bomb_summary(bomb: dict[str, Any]) -> str:
    return (
        f"bomb: {bomb['bomb_bytes']} bytes, refused with {bomb['errors']}; peak RSS grew "
        f"{bomb['bomb_growth_mb']:.1f} MB over the bombs ({bomb['normal_growth_mb']:.1f} MB over "
        f"the normal requests; decoding would need {bomb['decoded_mb']:.0f} MB)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per case (median)")
    parser.add_argument("--quick", action="store_true", help="fewer images and runs")
    parser.add_argument("--json", type=Path, help="also save the results, with samples, here")
    parser.add_argument("--threads", type=int, help="sets MOTO_REKOGNITION_FACES_THREADS")
    parser.add_argument("--profile", action="store_true", help="print a cProfile report only")
    parser.add_argument("--detect-only", action="store_true",
                        help="only the DetectFaces DEFAULT rows (issue 14, item 4)")  # fmt: skip
    args = parser.parse_args(argv)
    # Every figure here is the cost of doing the work: the result cache (which would answer
    # every repeat of the same photo) is off, in this process and in its children.
    # benchmarks/suite_speed.py measures the cache itself.
    os.environ["MOTO_REKOGNITION_FACES_CACHE"] = "off"
    if args.threads is not None:
        os.environ["MOTO_REKOGNITION_FACES_THREADS"] = str(args.threads)  # children inherit it
    repeat = 3 if args.quick else args.repeat
    detect_keys = DETECT_PHOTOS[:1] if args.quick and not args.detect_only else DETECT_PHOTOS
    compare_keys = ("astronaut",) if args.quick else ("astronaut", "t1", "players")

    from moto import mock_aws

    import moto_rekognition_faces  # noqa: F401  (importing activates the plugin)

    with mock_aws():
        if args.profile:
            for key in detect_keys:
                print(profile_default(key))
            return 0
        if args.detect_only:
            rows = bench_detect(repeat, detect_keys, with_all=False)
        else:
            rows = (
                bench_detect(repeat, detect_keys)
                + bench_attributes(repeat, DETECT_PHOTOS[:2])
                + bench_compare(repeat, compare_keys)
            )
    bomb = None
    if not args.detect_only:
        rows += bench_cold(repeat, first_calls=2 if args.quick else 5)
        bomb_rows, bomb = bench_bomb(repeat)
        rows += bomb_rows

    info = machine()
    print(", ".join(f"{key}: {value}" for key, value in info.items()))
    print(f"repeat: {repeat}; medians; ratio = measured / baseline, both from this run\n")
    print(table(rows))
    default = [r for r in rows if r.section == "detect_faces" and r.name.startswith("DEFAULT")]
    verdicts = ", ".join(f"{r.name} {r.ratio:.2f}x" for r in default)
    print(f"\ndetect_faces DEFAULT against {BASELINE} (target <= {DEFAULT_TARGET}x): {verdicts}")
    if bomb is not None:
        print(bomb_summary(bomb))
    if args.json:
        result = {
            "machine": info,
            "repeat": repeat,
            "rows": [asdict(r) | {"ratio": r.ratio} for r in rows],
            "bomb": bomb,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
