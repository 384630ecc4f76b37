"""One process per state folder.

Each process keeps the state in memory and writes it through to the folder's database; a second
process on the same folder (two servers, or pytest-xdist workers sharing
``MOTO_REKOGNITION_FACES_STATE_DIR``) would read a snapshot, then overwrite and reset what the
first one keeps, and state would be lost without a word. The owner takes an exclusive lock on
``folder/owner.lock`` for as long as it uses the folder; the kernel drops it when the process ends,
even on ``kill -9``, so a crash never leaves a stale lock.
"""

from __future__ import annotations

import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no advisory locks here; the folder is not guarded
    fcntl = None  # type: ignore[assignment]

FILE_NAME = "owner.lock"


class FolderInUse(RuntimeError):
    """Another process owns the folder."""


class OwnerLock:
    """An exclusive, non-blocking lock on a state folder, held until ``release``."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / FILE_NAME
        self._fd: int | None = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if fcntl is None:
            return
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = os.pread(self._fd, 32, 0).decode(errors="replace").strip() or "unknown"
            self.release()
            raise FolderInUse(
                f"the state folder {folder} is in use by another process (pid {owner}); "
                "one server or test process at a time may use a state folder"
            ) from None
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, f"{os.getpid()}\n".encode(), 0)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = None
