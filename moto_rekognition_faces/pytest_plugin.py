"""pytest plugin (entry point ``pytest11``): activates the plugin and offers fixtures.

Fixtures: ``aws_credentials`` (fake keys and region in the environment), ``mocked_aws``
(a ``mock_aws()`` context for the test), ``rekognition_client`` and ``s3_client`` (boto3
clients inside it). Turn the plugin off with ``pytest -p no:moto_rekognition_faces``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .api.graft import activate
from .vision import profiles

DEFAULT_REGION = "us-east-1"


def pytest_configure(config: pytest.Config) -> None:
    try:
        profiles.require_ready()
    except profiles.ProfileError as exc:
        raise pytest.UsageError(f"moto-rekognition-faces: {exc}") from None
    activate()


@pytest.fixture
def aws_region() -> str:
    """Region of the clients; override this fixture to test another one."""
    return DEFAULT_REGION


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch, aws_region: str) -> None:
    """Fake credentials, so that nothing can reach a real account."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": aws_region,
    }.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def mocked_aws(aws_credentials: None) -> Iterator[None]:
    """Every AWS call of the test goes to moto, with the face APIs served by this plugin."""
    from moto import mock_aws

    with mock_aws():
        yield


@pytest.fixture
def rekognition_client(mocked_aws: None, aws_region: str) -> Any:
    import boto3

    return boto3.client("rekognition", region_name=aws_region)


@pytest.fixture
def s3_client(mocked_aws: None, aws_region: str) -> Any:
    import boto3

    return boto3.client("s3", region_name=aws_region)
