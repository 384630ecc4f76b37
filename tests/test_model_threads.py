"""Inference threads follow the requests in flight: one request alone uses every core, requests
that overlap each run on one thread, and the answers are the same either way."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from moto_rekognition_faces.inputs import images
from moto_rekognition_faces.vision import detector, models
from tests.conftest import photo


def intra_op_threads() -> int:
    return models.session(detector.WEIGHTS).get_session_options().intra_op_num_threads


def test_overlapping_requests_run_their_models_on_one_thread_each(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MOTO_REKOGNITION_FACES_THREADS", raising=False)
    with models.serving():
        alone = intra_op_threads()
        with models.serving():  # a second request arrives
            overlapping = intra_op_threads()
        after = intra_op_threads()
    assert alone == len(os.sched_getaffinity(0))  # one thread per core this process may use
    assert overlapping == 1
    assert after == alone


def test_no_model_thread_is_pinned_to_one_core(monkeypatch: pytest.MonkeyPatch) -> None:
    """Left to itself onnxruntime pins every session's pool threads to the same cores, so the
    pools of several models queue on one core while the others idle."""
    tasks = Path("/proc/self/task")
    if not tasks.is_dir():
        pytest.skip("needs Linux /proc to read thread affinities")
    monkeypatch.delenv("MOTO_REKOGNITION_FACES_THREADS", raising=False)
    with models.serving():
        models.session(detector.WEIGHTS)
    allowed = {
        os.sched_getaffinity(0) == os.sched_getaffinity(int(task.name)) for task in tasks.iterdir()
    }
    assert allowed == {True}


def test_the_threads_setting_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTO_REKOGNITION_FACES_THREADS", "2")
    with models.serving(), models.serving():
        assert intra_op_threads() == 2


def test_faces_are_the_same_whatever_the_thread_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOTO_REKOGNITION_FACES_THREADS", raising=False)
    image = images.decode(photo("t1"))
    with models.serving():
        alone = detector.detect(image, 1280)
        with models.serving():
            overlapping = detector.detect(image, 1280)
    assert len(alone) == len(overlapping) == 6
    for a, b in zip(alone, overlapping, strict=True):
        np.testing.assert_array_equal(a.box, b.box)
