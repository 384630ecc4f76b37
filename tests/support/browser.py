"""A real headless Chromium, driven from the command line, for tests of the inspector page."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def chromium() -> str:
    """The browser's executable; the test is skipped, saying why, when there is none."""
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no headless Chromium on this machine (Debian: apt-get install -y chromium)")


def run(url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    executable = chromium()
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        return subprocess.run(
            [executable, *FLAGS, f"--user-data-dir={profile}", *extra, url],
            capture_output=True,
            text=True,
            timeout=180,
        )


def dump_dom(url: str) -> str:
    """The DOM after the page loaded, serialized as HTML."""
    result = run(url, "--dump-dom")
    assert result.returncode == 0 and "<html" in result.stdout, result.stderr[-2000:]
    return result.stdout


def screenshot(url: str, path: Path, width: int = 1280, height: int = 900) -> Path:
    result = run(url, f"--window-size={width},{height}", f"--screenshot={path}")
    assert result.returncode == 0 and path.is_file(), result.stderr[-2000:]
    return path
