"""Shared fixtures: real photos, and one ``aws`` fixture that runs a test in both moto modes."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.server import ThreadedMotoServer

from tests.support.assets import asset_path

REGION = "us-east-1"


def photo(name: str) -> bytes:
    """The bytes of a real photograph (see tests/support/assets.py for where each comes from)."""
    return asset_path(name).read_bytes()


@dataclass
class Aws:
    """Clients for one moto mode: ``endpoint`` is None in decorator mode."""

    mode: str
    endpoint: str | None

    def client(self, service: str, region: str = REGION) -> Any:
        return boto3.client(service, region_name=region, endpoint_url=self.endpoint)

    @property
    def rekognition(self) -> Any:
        return self.client("rekognition")

    @property
    def s3(self) -> Any:
        return self.client("s3")


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """A ThreadedMotoServer on a free loopback port, shared by the session."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="session")
def standalone_server() -> Iterator[str]:
    """The console script's server, as a separate process, shared by the session."""
    from tests.support.cli import standalone_server as start

    with start() as url:
        yield url


def reset_server(url: str) -> None:
    request = urllib.request.Request(f"{url}/moto-api/reset", data=b"", method="POST")
    urllib.request.urlopen(request, timeout=30).close()


@pytest.fixture(params=["decorator", "server"])
def aws(request: pytest.FixtureRequest, aws_credentials: None) -> Iterator[Aws]:
    """Runs the test once with ``mock_aws()`` and once against a moto server."""
    if request.param == "decorator":
        with mock_aws():
            yield Aws("decorator", None)
    else:
        url = request.getfixturevalue("moto_server")
        reset_server(url)
        yield Aws("server", url)


def raw_call(url: str, operation: str, body: dict[str, Any] | bytes) -> tuple[int, bytes]:
    """POST a Rekognition request to a moto server without boto3; returns (status, body)."""
    request = urllib.request.Request(
        url,
        data=body if isinstance(body, bytes) else json.dumps(body).encode(),
        method="POST",
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": f"RekognitionService.{operation}",
            "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/"
            "rekognition/aws4_request, SignedHeaders=host, Signature=0",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
