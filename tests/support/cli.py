"""The standalone server script and the AWS CLI, driven as a user would from a shell."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

SCRIPTS = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fake_credentials() -> dict[str, str]:
    return {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }


@contextmanager
def standalone_server(
    log: Path | None = None, env: dict[str, str] | None = None, args: tuple[str, ...] = ()
) -> Iterator[str]:
    """moto-rekognition-faces-server on a free port, stopped on exit; its output goes to the
    file ``log`` when given (a pipe nobody reads would fill and stall the server)."""
    port = free_port()
    output = log.open("wb") if log is not None else subprocess.DEVNULL
    process = subprocess.Popen(
        [str(SCRIPTS / "moto-rekognition-faces-server"), "--port", str(port), *args],
        stdout=output,
        stderr=subprocess.STDOUT,
        env=None if env is None else {**os.environ, **env},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the server did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        if log is not None:
            output.close()  # type: ignore[union-attr]


def aws_cli(*args: str) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("aws", path=str(SCRIPTS)) or shutil.which("aws")
    if executable is None:
        pytest.skip("the AWS CLI is not installed (pip install awscli)")
    return subprocess.run(
        [executable, *args], capture_output=True, text=True, timeout=120, env=fake_credentials()
    )
