"""The README's code blocks, run as a new user would after the quick start, so they stay true.

Python blocks that define tests run under pytest in an empty folder (the plugin's fixtures come
from its entry point); other Python blocks run there as scripts. Neither gets AWS credentials
from the environment. Shell blocks run with bash as if from the repository root; a server
they start is the session's ``standalone_server`` (the same console script on a free port) and
their ``http://127.0.0.1:5000`` is its address. A block that is not meant to run says so in an
HTML comment on the line before it: ``<!-- not run by tests/test_readme.py: the reason -->``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.cli import SCRIPTS

REPO_ROOT = Path(__file__).resolve().parents[1]
README = REPO_ROOT / "README.md"
FENCE = re.compile(r"^```(?P<language>\S*)\s*$")
NOT_RUN = re.compile(r"^<!-- not run by tests/test_readme\.py: (?P<why>\S.*?)\s*-->$")
RUNNABLE = {"python", "sh", "bash"}
README_SERVER = "http://127.0.0.1:5000"
# The line a user types to start the server; the standalone_server fixture runs this command.
SERVER_LINE = re.compile(
    r"^\s*(?:\.venv/bin/)?moto-rekognition-faces-server --port 5000\s*(?:#.*)?$"
)
VENV_BIN = re.compile(r"(?<![\w./])\.venv/bin/")
# curl reports HTTP errors only when asked; a README example answered with a 4xx must fail here.
SHELL_PRELUDE = 'curl() { command curl --fail --silent --show-error "$@"; }\n'
TIMEOUT = 300


@dataclass(frozen=True)
class Block:
    """One fenced code block of the README."""

    line: int  # of the opening fence, 1-based
    language: str
    code: str
    not_run_because: str | None

    @property
    def id(self) -> str:
        return f"line{self.line}-{self.language or 'plain'}"


def readme_blocks(text: str) -> list[Block]:
    """Every fenced block with the not-run note that precedes it, if any."""
    lines = text.splitlines()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        if end == len(lines):
            raise ValueError(f"README.md:{index + 1}: the code block is never closed")
        before = next((lines[i] for i in range(index - 1, -1, -1) if lines[i].strip()), "")
        note = NOT_RUN.match(before.strip())
        blocks.append(
            Block(
                line=index + 1,
                language=opening["language"],
                code="\n".join(lines[index + 1 : end]) + "\n",
                not_run_because=note["why"] if note else None,
            )
        )
        index = end + 1
    return blocks


BLOCKS = readme_blocks(README.read_text(encoding="utf-8"))
RUN = [block for block in BLOCKS if block.not_run_because is None]


def user_environment() -> dict[str, str]:
    """This process's environment without AWS settings: a new user has none."""
    return {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}


def run(command: list[str], cwd: Path, block: Block) -> None:
    result = subprocess.run(
        command,
        cwd=cwd,
        env=user_environment(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, (
        f"README.md:{block.line}: the {block.language} block failed (exit {result.returncode})\n"
        f"{block.code}\n--- stdout\n{result.stdout[-3000:]}\n--- stderr\n{result.stderr[-3000:]}"
    )


def clone_view(folder: Path) -> Path:
    """``folder`` with a link to each top-level entry of the clone: paths resolve as from the
    repository root, and what a block writes there (the demo's picture) stays out of the clone.
    """
    for entry in REPO_ROOT.iterdir():
        if entry.name != ".git":
            (folder / entry.name).symlink_to(entry)
    return folder


def reset(url: str) -> None:
    """Clear what a block left on the shared server (queued answers, collections)."""
    request = urllib.request.Request(f"{url}/moto-api/reset", data=b"", method="POST")
    urllib.request.urlopen(request, timeout=30).close()


def test_every_code_block_runs_or_says_why_not() -> None:
    assert BLOCKS, "no code block found in README.md"
    unmarked = [
        f"README.md:{block.line}: a ```{block.language} block"
        for block in RUN
        if block.language not in RUNNABLE
    ]
    assert not unmarked, (
        "these blocks cannot be run; make them python or sh, or mark them with "
        "<!-- not run by tests/test_readme.py: the reason --> on the line before:\n"
        + "\n".join(unmarked)
    )


def test_not_run_notes_stand_before_a_block() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    noted = {
        number
        for number, line in enumerate(lines, start=1)
        if line.strip().startswith("<!-- not run by")
    }
    attached = {
        next(n for n in range(block.line - 1, 0, -1) if lines[n - 1].strip())
        for block in BLOCKS
        if block.not_run_because
    }
    assert noted == attached, f"README.md lines {sorted(noted - attached)}: a note without block"


@pytest.mark.parametrize(
    "block", [b for b in RUN if b.language == "python"], ids=lambda block: block.id
)
def test_python_block(block: Block, tmp_path: Path) -> None:
    script = tmp_path / "test_readme_block.py"
    script.write_text(block.code, encoding="utf-8")
    if re.search(r"^def test_", block.code, flags=re.MULTILINE):
        run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(script)],
            tmp_path,
            block,
        )
    else:
        run([sys.executable, str(script)], tmp_path, block)


@pytest.mark.parametrize(
    "block", [b for b in RUN if b.language in {"sh", "bash"}], ids=lambda block: block.id
)
def test_shell_block(block: Block, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    lines = block.code.splitlines()
    needs_server = any(SERVER_LINE.match(line) or README_SERVER in line for line in lines)
    url = request.getfixturevalue("standalone_server") if needs_server else None
    script = SHELL_PRELUDE
    for line in lines:
        if SERVER_LINE.match(line):
            continue  # already running: the standalone_server fixture
        if url:
            line = line.replace(README_SERVER, url)
        script += VENV_BIN.sub(f"{SCRIPTS}/", line) + "\n"
    if url:
        reset(url)
    try:
        run(["bash", "-e", "-o", "pipefail", "-c", script], clone_view(tmp_path), block)
    finally:
        if url:
            reset(url)
