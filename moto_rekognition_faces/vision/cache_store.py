"""The result cache on disk: one SQLite file that concurrent processes share.

pytest-xdist workers and repeated runs read and write the same folder; SQLite (WAL, a busy
timeout, INSERT OR REPLACE; ``sqlite_wal`` for the switch to WAL) makes that safe without locks
of our own. Entries are keyed by the memory cache's key plus a fingerprint of the code and of
the libraries that shape results, so a new version of either simply misses; least recently
used entries go once the file exceeds its bound. A cache that cannot be used (read-only folder,
corrupt file) is reported once and then skipped: it must never fail a request.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import sqlite3
import sys
import threading
import time
from functools import cache
from importlib import metadata
from pathlib import Path

from ..sqlite_wal import connect_wal

log = logging.getLogger(__name__)

FILENAME = "results.sqlite3"
SCHEMA = 1
TOUCH_AFTER = 60.0  # seconds: a hit refreshes its entry's last use at most this often
EVICT_TO = 0.75  # of the bound, once it is exceeded
BUSY_TIMEOUT = 30.0  # seconds another process may hold the file before the cache is skipped

_SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS results (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL,
    size INTEGER NOT NULL,
    used REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS results_used ON results (used);
"""


@cache
def code_fingerprint() -> str:
    """The package's vision code, the libraries whose numbers end up in results, Python's
    version (pickles) and the schema: any change makes every stored result miss."""
    digest = hashlib.sha256(f"schema {SCHEMA} python {sys.version_info[:2]}".encode())
    for name in ("onnxruntime", "opencv-python-headless", "opencv-python", "numpy"):
        try:
            digest.update(f"{name} {metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} -".encode())
    vision = Path(__file__).resolve().parent
    for path in sorted(vision.rglob("*.py")):
        digest.update(path.relative_to(vision).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


class Store:
    """Pickled results by key in ``folder/results.sqlite3``, bounded to ``max_bytes``."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.path = folder / FILENAME
        self.max_bytes = max_bytes
        self.broken = False
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._prefix = code_fingerprint()[:16] + ":"

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = connect_wal(self.path, timeout=BUSY_TIMEOUT, synchronous="NORMAL")
            connection.executescript(_SCHEMA_SQL)
            self._connection = connection
        return self._connection

    def get(self, key: str) -> bytes | None:
        with self._lock:
            if self.broken:
                return None
            try:
                connection = self._connect()
                row = connection.execute(
                    "SELECT value, used FROM results WHERE key = ?", (self._prefix + key,)
                ).fetchone()
                if row is None:
                    return None
                now = time.time()
                if now - row[1] > TOUCH_AFTER:
                    connection.execute(
                        "UPDATE results SET used = ? WHERE key = ?", (now, self._prefix + key)
                    )
                return bytes(row[0])
            except (sqlite3.Error, OSError) as exc:
                self._give_up(exc)
                return None

    def put(self, key: str, blob: bytes) -> None:
        with self._lock:
            if self.broken or len(blob) > self.max_bytes:
                return
            try:
                connection = self._connect()
                connection.execute(
                    "INSERT OR REPLACE INTO results (key, value, size, used) VALUES (?, ?, ?, ?)",
                    (self._prefix + key, blob, len(blob), time.time()),
                )
                self._evict(connection)
            except (sqlite3.Error, OSError) as exc:
                self._give_up(exc)

    def _evict(self, connection: sqlite3.Connection) -> None:
        """Drop the least recently used entries once the stored results exceed the bound."""
        (total,) = connection.execute("SELECT total(size) FROM results").fetchone()
        if total <= self.max_bytes:
            return
        goal = self.max_bytes * EVICT_TO
        rows = connection.execute("SELECT key, size FROM results ORDER BY used").fetchall()
        doomed = []
        for key, size in rows:
            if total <= goal:
                break
            doomed.append((key,))
            total -= size
        connection.executemany("DELETE FROM results WHERE key = ?", doomed)

    def entries(self) -> tuple[int, int]:
        """Number of stored results and their bytes (for tests and benchmarks)."""
        with self._lock:
            row = self._connect().execute("SELECT count(*), total(size) FROM results").fetchone()
            return int(row[0]), int(row[1])

    def _give_up(self, exc: BaseException) -> None:
        self.broken = True
        log.warning(
            "moto-rekognition-faces: result cache %s not used (%s: %s)",
            self.path,
            type(exc).__name__,
            exc,
        )

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


_stores: dict[tuple[Path, int], Store] = {}
_stores_lock = threading.Lock()


def open_store(folder: Path, max_bytes: int) -> Store | None:
    """The process's store for this folder and bound (opened on first use), or None when it
    proved unusable."""
    key = (folder, max_bytes)
    store = _stores.get(key)
    if store is None:
        with _stores_lock:
            store = _stores.setdefault(key, Store(folder, max_bytes))
    return None if store.broken else store


def holds_results(folder: Path) -> bool:
    """Whether ``folder`` already keeps results (an earlier run filled it), read without
    creating anything: a missing or unreadable store counts as empty."""
    path = folder / FILENAME
    if not path.is_file():
        return False
    try:
        with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as db:
            return db.execute("SELECT 1 FROM results LIMIT 1").fetchone() is not None
    except sqlite3.Error:
        return False
