"""Server throughput with default settings: 1, 2 and 4 concurrent clients of one server.

Each client is its own process (as separate apps or pytest-xdist workers would be) sending
DetectFaces (DEFAULT) requests on a real photo to the standalone server
(``moto-rekognition-faces-server``, its own process) with the result cache off, so every request
runs the models. Throughput of N clients is reported as a ratio to one client's, measured in the
same run; one client's latency is the median request.

The machine's ceiling is measured too: the CPU seconds one request costs (server and client
processes together, from the kernel's accounting) give how many requests per second all cores
could serve at most. When one client alone already uses most of that, no scheduling of the
server can make N clients much faster than one.

    python benchmarks/server_throughput.py [--requests 24] [--photo t1 --photo astronaut]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import time
from multiprocessing.synchronize import Barrier
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

from tests.support.assets import asset_path  # noqa: E402
from tests.support.cli import standalone_server  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def _client(url: str, photo: bytes, requests: int, barrier: Barrier, out: mp.Queue) -> None:
    """One client process: connect and warm up, wait for the others, then send ``requests``."""
    import boto3

    rekognition = boto3.client("rekognition", endpoint_url=url, region_name="us-east-1")
    rekognition.detect_faces(Image={"Bytes": photo})
    barrier.wait(timeout=300)
    cpu = time.process_time()
    latencies = []
    for _ in range(requests):
        start = time.perf_counter()
        rekognition.detect_faces(Image={"Bytes": photo})
        latencies.append(time.perf_counter() - start)
    out.put((latencies, time.process_time() - cpu, time.perf_counter()))


def _server_cpu(port: str) -> float:
    """CPU seconds (user + system) used so far by the server listening on ``port``."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            if not any(b"moto-rekognition-faces-server" in a for a in argv):
                continue
            if port.encode() not in argv:
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        return (int(fields[11]) + int(fields[12])) / TICKS
    raise RuntimeError(f"no server process on port {port}")


def run_clients(url: str, photo: bytes, clients: int, requests: int) -> dict[str, float]:
    """Throughput, one request's median latency and CPU per request with ``clients`` at once."""
    context = mp.get_context("spawn")
    barrier = context.Barrier(clients + 1)
    out = context.Queue()
    processes = [
        context.Process(target=_client, args=(url, photo, requests, barrier, out))
        for _ in range(clients)
    ]
    for process in processes:
        process.start()
    port = url.rsplit(":", 1)[1]
    barrier.wait(timeout=300)  # a client that died breaks the barrier instead of hanging here
    server_before, start = _server_cpu(port), time.perf_counter()
    results = [out.get(timeout=600) for _ in processes]
    end = max(finished for _, _, finished in results)
    server_cpu = _server_cpu(port) - server_before
    for process in processes:
        process.join()
    total = clients * requests
    latencies = [latency for result in results for latency in result[0]]
    client_cpu = sum(cpu for _, cpu, _ in results)
    return {
        "rate": total / (end - start),
        "latency_ms": statistics.median(latencies) * 1000,
        "cpu_ms": (server_cpu + client_cpu) / total * 1000,
    }


def measure(url: str, photo_name: str, requests: int) -> None:
    photo = asset_path(photo_name).read_bytes()
    results = {n: run_clients(url, photo, n, requests) for n in (1, 2, 4)}
    one = results[1]
    cores = os.cpu_count() or 1
    ceiling = max(cores * 1000 / r["cpu_ms"] for r in results.values())
    print(f"\nDetectFaces DEFAULT on {photo_name}, {requests} requests per client, cache off")
    print(
        f"1 client: {one['rate']:.1f} requests/s, median latency {one['latency_ms']:.1f} ms, "
        f"{one['cpu_ms']:.1f} ms CPU per request (server + client)"
    )
    for clients in (2, 4):
        rate = results[clients]["rate"]
        print(f"{clients} clients: {rate:.1f} requests/s = {rate / one['rate']:.2f}x one client")
    print(
        f"ceiling of {cores} cores at the lowest CPU per request: {ceiling:.1f} requests/s = "
        f"{ceiling / one['rate']:.2f}x one client (one client uses "
        f"{100 * one['rate'] / ceiling:.0f}% of it)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=24, help="requests per client")
    parser.add_argument("--photo", action="append", help="asset name (repeatable)")
    args = parser.parse_args(argv)
    photos = args.photo or ["astronaut", "t1"]
    with standalone_server() as url:  # inherits MOTO_REKOGNITION_FACES_CACHE=off
        run_clients(url, asset_path(photos[0]).read_bytes(), 2, 3)  # warm up sessions
        for name in photos:
            measure(url, name, args.requests)
    return 0


if __name__ == "__main__":
    sys.exit(main())
