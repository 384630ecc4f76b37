"""Trace files for pytest (``--rekognition-trace=DIR``): one self-contained HTML file per test
with every Rekognition request it made, the answer, and the image annotated (data: URIs), so a
failing ``compare_faces`` shows which faces were found and how similar they were."""

from __future__ import annotations

import re
from pathlib import Path

from . import render
from .recorder import Record

MAX_NAME = 150


def file_name(test_id: str) -> str:
    """A portable file name for a pytest node id."""
    name = re.sub(r"[^A-Za-z0-9_.\-\[\]]+", "_", test_id.replace("::", "__")).strip("._")
    return (name[:MAX_NAME] or "test") + ".html"


def write(folder: Path, test_id: str, outcome: str, records: list[Record], failure: str) -> Path:
    """Write the trace of one test into ``folder``; returns the file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_name(test_id)
    path.write_text(render.trace(test_id, outcome, list(records), failure), encoding="utf-8")
    return path
