"""Server throughput with default settings: 1, 2 and 4 concurrent clients of one server.

Each client sends DetectFaces (DEFAULT) requests on a real photo to the standalone server
(``moto-rekognition-faces-server``, its own process, as an app under development would use it)
with the result cache off (every request runs the models). Throughput of N clients is reported as a
ratio to one client's, measured in the same run; one client's latency is the median request.

    python benchmarks/server_throughput.py [--requests 24] [--photo t1]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ["MOTO_REKOGNITION_FACES_CACHE"] = "off"
for name, value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}.items():
    os.environ.setdefault(name, value)

import boto3  # noqa: E402

from tests.support.assets import asset_path  # noqa: E402
from tests.support.cli import standalone_server  # noqa: E402


def run_clients(url: str, photo: bytes, clients: int, requests: int) -> tuple[float, list[float]]:
    """(requests per second over all clients, each request's seconds)."""
    latencies: list[float] = []
    lock = threading.Lock()

    def client() -> None:
        rekognition = boto3.client("rekognition", endpoint_url=url, region_name="us-east-1")
        for _ in range(requests):
            start = time.perf_counter()
            rekognition.detect_faces(Image={"Bytes": photo})
            with lock:
                latencies.append(time.perf_counter() - start)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return clients * requests / (time.perf_counter() - start), latencies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=24, help="requests per client")
    parser.add_argument("--photo", default="t1")
    args = parser.parse_args(argv)
    photo = asset_path(args.photo).read_bytes()
    with standalone_server() as url:  # inherits MOTO_REKOGNITION_FACES_CACHE=off
        run_clients(url, photo, 2, 3)  # warm up: sessions of both kinds, connections
        results = {n: run_clients(url, photo, n, args.requests) for n in (1, 2, 4)}
    one, latencies = results[1]
    print(f"DetectFaces DEFAULT on {args.photo}, {args.requests} requests per client, cache off")
    median_ms = statistics.median(latencies) * 1000
    print(f"1 client: {one:.1f} requests/s, median latency {median_ms:.1f} ms")
    for clients in (2, 4):
        rate, _ = results[clients]
        print(f"{clients} clients: {rate:.1f} requests/s = {rate / one:.2f}x one client")
    return 0


if __name__ == "__main__":
    sys.exit(main())
