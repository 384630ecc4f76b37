"""pytest plugin (entry point ``pytest11``): activates the plugin and offers fixtures.

Fixtures: ``aws_credentials`` (fake keys and region in the environment), ``mocked_aws``
(a ``mock_aws()`` context for the test), ``rekognition_client`` and ``s3_client`` (boto3
clients inside it). Turn the plugin off with ``pytest -p no:moto_rekognition_faces``.

``rekognition_approx`` compares whole responses with tolerances on their fractional numbers,
for expectations recorded on one machine and checked on another.

``--rekognition-trace=DIR`` writes one self-contained HTML file per test with each Rekognition
request, its answer and the image annotated; ``--rekognition-trace-failed-only`` keeps only
those of failing tests.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest

from .api.graft import activate
from .vision import profiles

DEFAULT_REGION = "us-east-1"

# Default tolerances by member name (see the README, "Numbers that travel"): ratios of the image,
# angles in degrees; anything else fractional is a 0-100 score (confidences, Similarity,
# Brightness, Sharpness).
RATIO_MEMBERS = frozenset({"Width", "Height", "Left", "Top", "X", "Y"})
ANGLE_MEMBERS = frozenset({"Roll", "Yaw", "Pitch"})
RATIO_TOLERANCE, ANGLE_TOLERANCE, SCORE_TOLERANCE = 0.005, 1.5, 2.0


_HEARD = pytest.StashKey[list[Any]]()
_TRACED = pytest.StashKey[bool]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("moto-rekognition-faces")
    group.addoption(
        "--rekognition-trace",
        metavar="DIR",
        default=None,
        help="write an HTML trace of each test's Rekognition requests (annotated images) to DIR",
    )
    group.addoption(
        "--rekognition-trace-failed-only",
        action="store_true",
        default=False,
        help="with --rekognition-trace, keep the traces of failing tests only",
    )
    group.addoption(
        "--rekognition-no-cache",
        action="store_true",
        default=False,
        help="keep no pipeline results on disk between runs (they are kept in pytest's cache "
        "folder by default; MOTO_REKOGNITION_FACES_CACHE=off turns the cache off entirely)",
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """While a traced test runs, every Rekognition request it makes is heard."""
    if not item.config.getoption("rekognition_trace", None):
        yield
        return
    from .api.inspector.recorder import RECORDER

    with RECORDER.listen() as heard:
        item.stash[_HEARD] = heard
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Write the trace when the test's outcome is known, before its fixtures are torn down (so
    images in moto's S3 can still be read)."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    heard = item.stash.get(_HEARD, None)
    if heard is None or item.stash.get(_TRACED, False):
        return
    if report.when != "call" and not report.failed:
        return
    if item.config.getoption("rekognition_trace_failed_only") and not report.failed:
        return
    from pathlib import Path

    from .api.inspector import trace

    item.stash[_TRACED] = True
    folder = Path(item.config.getoption("rekognition_trace"))
    failure = report.longreprtext if report.failed else ""
    trace.write(folder, item.nodeid, report.outcome, heard, failure)


def pytest_configure(config: pytest.Config) -> None:
    try:
        profiles.require_ready()
    except profiles.ProfileError as exc:
        raise pytest.UsageError(f"moto-rekognition-faces: {exc}") from None
    activate()
    _keep_results_in_pytest_cache(config)


def _keep_results_in_pytest_cache(config: pytest.Config) -> None:
    """Results of the pipeline survive the run in pytest's own cache folder, so the next run
    over the same photos loads no model (unless the option, the variable or a missing cache
    provider says otherwise). The folder is named for this process only: children started by
    tests read ``MOTO_REKOGNITION_FACES_CACHE_DIR`` and nothing else."""
    from . import config as settings

    if config.getoption("rekognition_no_cache", False) or settings.result_cache_dir():
        return
    cache = getattr(config, "cache", None)
    if cache is not None:
        settings.set_default_result_cache_dir(cache.mkdir("moto-rekognition-faces"))


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


class RekognitionApprox:
    """``expected`` with tolerances, for ``assert response == rekognition_approx(expected)``."""

    def __init__(self, expected: Any, rel: float | None, abs: float | None) -> None:
        self.expected, self.rel, self.abs = expected, rel, abs
        self.mismatches: list[str] = []

    def __eq__(self, actual: object) -> bool:
        self.mismatches = []
        self._compare(self.expected, actual, "", "")
        return not self.mismatches

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        if self.mismatches:
            shown = "; ".join(self.mismatches[:10])
            more = len(self.mismatches) - 10
            return (
                f"rekognition_approx(differs at {shown}{f'; and {more} more' if more > 0 else ''})"
            )
        return f"rekognition_approx({self.expected!r})"

    def _tolerance(self, member: str, expected: float) -> float:
        if self.rel is not None or self.abs is not None:
            return max((self.rel or 0.0) * math.fabs(expected), self.abs or 0.0)
        if member in RATIO_MEMBERS:
            return RATIO_TOLERANCE
        return ANGLE_TOLERANCE if member in ANGLE_MEMBERS else SCORE_TOLERANCE

    def _compare(self, expected: Any, actual: Any, path: str, member: str) -> None:
        where = path or "<response>"
        if isinstance(expected, dict) and isinstance(actual, dict):
            keys = {k for k in expected.keys() | actual.keys() if path or k != "ResponseMetadata"}
            for key in sorted(keys):
                if key not in expected or key not in actual:
                    side = "response" if key not in actual else "expected"
                    self.mismatches.append(f"{path}.{key}: missing from the {side}".lstrip("."))
                else:
                    self._compare(expected[key], actual[key], f"{path}.{key}".lstrip("."), key)
        elif isinstance(expected, list) and isinstance(actual, list):
            if len(expected) != len(actual):
                self.mismatches.append(f"{where}: {len(actual)} items, expected {len(expected)}")
                return
            for index, (e, a) in enumerate(zip(expected, actual, strict=True)):
                self._compare(e, a, f"{path}[{index}]", member)
        elif isinstance(expected, float) and _is_number(actual):
            tolerance = self._tolerance(member, expected)
            if not math.fabs(actual - expected) <= tolerance:  # type: ignore[operator]
                self.mismatches.append(
                    f"{where}: {actual!r} not within {tolerance:g} of {expected!r}"
                )
        elif type(expected) is not type(actual) or expected != actual:
            self.mismatches.append(f"{where}: {actual!r}, expected {expected!r}")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def rekognition_approx(
    expected: Any, *, rel: float | None = None, abs: float | None = None
) -> RekognitionApprox:
    """A Rekognition response (dicts and lists, as boto3 returns them) that compares equal to
    responses matching it: same keys, list lengths, strings, booleans and integers; fractional
    numbers within a tolerance. Without ``rel``/``abs`` the tolerance depends on the member:
    0.005 for image ratios (BoundingBox, Landmarks), 1.5 for angles (Pose, EyeDirection), 2.0
    for 0-100 scores; with them, ``max(rel * |expected|, abs)`` for every number, as in
    ``pytest.approx`` (which does not descend into nested responses). The top-level
    ``ResponseMetadata`` is ignored. After a failed comparison, ``mismatches`` lists where.
    """
    return RekognitionApprox(expected, rel, abs)
