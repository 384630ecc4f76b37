"""Opening an SQLite file in WAL mode when other processes may be opening it at the same moment.

Switching a new database to WAL takes an exclusive lock, and when several processes (pytest-xdist
workers, two servers) open the same new file at once, SQLite can answer "database is locked"
straight away instead of waiting for its busy timeout. Seen in CI: one of four workers gave up
its result cache. The switch is therefore retried until the same timeout has passed; every later
statement waits through SQLite's own busy timeout.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

RETRY_FIRST = 0.005  # seconds before the first retry; doubled up to RETRY_MOST
RETRY_MOST = 0.1


def connect_wal(
    path: Path, *, timeout: float, synchronous: str, page_size: int | None = None
) -> sqlite3.Connection:
    """A connection to ``path`` in WAL mode, autocommit, usable from any thread.

    ``page_size`` applies only to a database that has no pages yet. Raises ``sqlite3.Error``
    when the file is not a database, or is still locked once ``timeout`` seconds have passed.
    """
    connection = sqlite3.connect(
        path, timeout=timeout, isolation_level=None, check_same_thread=False
    )
    try:
        connection.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        if page_size is not None:
            connection.execute(f"PRAGMA page_size = {int(page_size)}")
        mode = _switch_to_wal(connection, time.monotonic() + timeout)
        if mode.lower() != "wal":
            raise sqlite3.OperationalError(f"{path} cannot be put in WAL mode (it stays {mode})")
        connection.execute(f"PRAGMA synchronous = {synchronous}")
    except BaseException:
        connection.close()
        raise
    return connection


def _switch_to_wal(connection: sqlite3.Connection, deadline: float) -> str:
    delay = RETRY_FIRST
    while True:
        try:
            return str(connection.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or time.monotonic() + delay > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, RETRY_MOST)


def is_busy(exc: sqlite3.OperationalError) -> bool:
    """Whether SQLite refused because another connection holds the file (worth waiting for)."""
    return exc.sqlite_errorcode & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
