"""Durable state: one SQLite database (standard library, WAL) that the stores write through.

Off unless a state folder is given (``moto-rekognition-faces-server --state-dir DIR`` or
``MOTO_REKOGNITION_FACES_STATE_DIR``). Each mutation of a collection, face, user, tag, request
token or finished video job is written and committed while the backend's lock is still held, so
an answer is only sent for state that is on disk, and a ``kill -9`` at any moment leaves a
database that holds every acknowledged change (SQLite's journal makes each commit atomic).
Vectors are float32 BLOBs. A database written by another model profile (whose vectors cannot be
compared with the active recognizer's) or by another schema version is refused with one line.

The stores call a ``Scoped`` store (bound to one account and region) or ``NULL`` (in memory
only), so they never ask whether state is durable.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import config
from ..sqlite_wal import connect_wal, is_busy
from .owner_lock import FolderInUse, OwnerLock

SCHEMA_VERSION = 1
FILE_NAME = "state.sqlite3"
PAGE_SIZE = 16384
BUSY_TIMEOUT = 10.0  # seconds to wait for another process that holds the file

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS collections (
    account TEXT, region TEXT, collection_id TEXT, arn TEXT NOT NULL, created REAL NOT NULL,
    tags TEXT NOT NULL, face_model_version TEXT NOT NULL, profile TEXT NOT NULL,
    PRIMARY KEY (account, region, collection_id));
CREATE TABLE IF NOT EXISTS faces (
    account TEXT, region TEXT, collection_id TEXT, face_id TEXT, image_id TEXT NOT NULL,
    external_image_id TEXT, bounding_box TEXT NOT NULL, confidence REAL NOT NULL, user_id TEXT,
    vector BLOB NOT NULL, PRIMARY KEY (account, region, collection_id, face_id));
CREATE TABLE IF NOT EXISTS thumbnails (
    account TEXT, region TEXT, collection_id TEXT, face_id TEXT, jpeg BLOB NOT NULL,
    PRIMARY KEY (account, region, collection_id, face_id));
CREATE TABLE IF NOT EXISTS indexed_images (
    account TEXT, region TEXT, collection_id TEXT, image_key TEXT, face_ids TEXT NOT NULL,
    PRIMARY KEY (account, region, collection_id, image_key));
CREATE TABLE IF NOT EXISTS users (
    account TEXT, region TEXT, collection_id TEXT, user_id TEXT, face_ids TEXT NOT NULL,
    PRIMARY KEY (account, region, collection_id, user_id));
CREATE TABLE IF NOT EXISTS jobs (
    account TEXT, region TEXT, job_id TEXT, record TEXT NOT NULL,
    PRIMARY KEY (account, region, job_id));
CREATE TABLE IF NOT EXISTS tokens (
    account TEXT, region TEXT, operation TEXT, token TEXT, fingerprint TEXT NOT NULL,
    body TEXT NOT NULL, PRIMARY KEY (account, region, operation, token));
"""
_DATA_TABLES = ("collections", "faces", "indexed_images", "users", "jobs", "tokens")
# Thumbnails have their own table and stay on disk until a page shows them: they are half the
# bytes of a face, and start-up never reads them.
_ALL_TABLES = (*_DATA_TABLES, "thumbnails")


class StateError(RuntimeError):
    """The state folder cannot be used; the message is one line saying why and what to do."""


@dataclass
class Rows:
    """Everything stored for one account and region, as read back at start."""

    collections: list[sqlite3.Row] = field(default_factory=list)
    faces: list[sqlite3.Row] = field(default_factory=list)
    indexed_images: list[sqlite3.Row] = field(default_factory=list)
    users: list[sqlite3.Row] = field(default_factory=list)
    jobs: list[sqlite3.Row] = field(default_factory=list)
    tokens: list[sqlite3.Row] = field(default_factory=list)


def image_key(image_id: str, external_image_id: str | None) -> str:
    return json.dumps([image_id, external_image_id])


def vector_blob(vector: np.ndarray) -> bytes:
    return np.ascontiguousarray(vector, dtype=np.float32).tobytes()


class Store:
    """The database of one state folder, shared by every backend of the process."""

    def __init__(self, folder: Path, profile: str) -> None:
        self.folder = folder
        self.path = folder / FILE_NAME
        self.lock = threading.Lock()  # one connection: one writer at a time
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self.owner = OwnerLock(folder)
        except FolderInUse as exc:
            raise StateError(str(exc)) from None
        except OSError as exc:
            raise StateError(f"cannot use the state folder {folder}: {exc}") from None
        try:
            self._open(profile)
        except BaseException:
            self.owner.release()
            raise

    def _open(self, profile: str) -> None:
        try:
            # A new database only: rows of ~2 KB (a vector, a thumbnail) pack 7 to a 16 KB page
            # where a 4 KB page would hold one and waste half. FULL: durable through power loss.
            self.conn = connect_wal(
                self.path, timeout=BUSY_TIMEOUT, synchronous="FULL", page_size=PAGE_SIZE
            )
        except sqlite3.DatabaseError as exc:
            raise self._refusal(exc) from None
        except OSError as exc:
            raise StateError(f"cannot use the state folder {self.folder}: {exc}") from None
        self.conn.row_factory = sqlite3.Row
        try:
            self._check_and_create(profile)
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise self._refusal(exc) from None
        except BaseException:
            self.conn.close()
            raise

    def _refusal(self, exc: sqlite3.DatabaseError) -> StateError:
        """The one line for a database that SQLite would not open or read."""
        if isinstance(exc, sqlite3.OperationalError) and is_busy(exc):
            return StateError(
                f"{self.path} stayed locked for {BUSY_TIMEOUT:.0f} s: another process is "
                "writing this state folder"
            )
        return StateError(
            f"{self.path} is not a readable moto-rekognition-faces state ({exc}); "
            "move it aside or delete it"
        )

    def _check_and_create(self, profile: str) -> None:
        """Refuse a database of another schema version, or one holding another profile's
        vectors; a new (or emptied) database takes the active profile."""
        conn = self.conn
        has_meta = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'"
        ).fetchone()
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall()) if has_meta else {}
        version = meta.get("schema_version")
        if version is not None and version != str(SCHEMA_VERSION):
            raise StateError(
                f"{self.path} has schema version {version}, this moto-rekognition-faces reads "
                f"version {SCHEMA_VERSION}; start with another --state-dir or delete it"
            )
        if not has_meta and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise StateError(f"{self.path} is a SQLite database of something else")
        conn.executescript(_TABLES)
        stored_profile = meta.get("profile")
        holds_vectors = conn.execute("SELECT 1 FROM collections LIMIT 1").fetchone()
        if stored_profile is not None and stored_profile != profile and holds_vectors:
            raise StateError(
                f"{self.path} holds face vectors of model profile '{stored_profile}', but "
                f"the active profile is '{profile}' (MOTO_REKOGNITION_FACES_MODELS); switch "
                "back, or start with another --state-dir"
            )
        with self.transaction() as cur:
            cur.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?), ('profile', ?)",
                (str(SCHEMA_VERSION), profile),
            )

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Cursor]:
        """One atomic, committed write (the commit returns once it is on disk)."""
        with self.lock:
            cur = self.conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")

    def rows(self, account: str, region: str) -> Rows:
        """What was stored for one account and region."""
        rows = Rows()
        with self.lock:
            for table in _DATA_TABLES:  # by rowid: users come back in creation order
                setattr(
                    rows,
                    table,
                    self.conn.execute(
                        f"SELECT * FROM {table} WHERE account=? AND region=? ORDER BY rowid",
                        (account, region),
                    ).fetchall(),
                )
        return rows

    def scopes(self) -> list[tuple[str, str]]:
        """Every (account, region) with something stored."""
        with self.lock:
            found: set[tuple[str, str]] = set()
            for table in ("collections", "jobs", "tokens"):  # faces and users have a collection
                found.update(
                    (r[0], r[1])
                    for r in self.conn.execute(f"SELECT DISTINCT account, region FROM {table}")
                )
        return sorted(found)

    def clear(self) -> None:
        """moto's reset: forget everything stored, in every account and region."""
        with self.transaction() as cur:
            for table in _ALL_TABLES:
                cur.execute(f"DELETE FROM {table}")

    def close(self) -> None:
        with self.lock:
            self.conn.close()
            self.owner.release()


class Scoped:
    """The writes of one account and region's stores."""

    def __init__(self, store: Store, account: str, region: str) -> None:
        self.store = store
        self.key = (account, region)

    durable = True

    def rows(self) -> Rows:
        return self.store.rows(*self.key)

    def clear(self) -> None:
        self.store.clear()

    def put_collection(self, collection: Any) -> None:
        with self.store.transaction() as cur:
            cur.execute(
                "INSERT INTO collections VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE "
                "SET tags=excluded.tags",
                (
                    *self.key,
                    collection.collection_id,
                    collection.arn,
                    collection.created,
                    json.dumps(collection.tags),
                    collection.face_model_version,
                    collection.profile,
                ),
            )

    def delete_collection(self, collection_id: str) -> None:
        with self.store.transaction() as cur:
            for table in ("collections", "faces", "thumbnails", "indexed_images", "users"):
                cur.execute(
                    f"DELETE FROM {table} WHERE account=? AND region=? AND collection_id=?",
                    (*self.key, collection_id),
                )

    def add_faces(
        self,
        collection_id: str,
        faces: Iterable[tuple[Any, np.ndarray, bytes | None]],
        key: str,
        face_ids: list[str],
    ) -> None:
        """Faces of one IndexFaces call (face, vector, thumbnail) and their image's entry."""
        with self.store.transaction() as cur:
            cur.executemany(
                "INSERT OR REPLACE INTO faces VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        *self.key,
                        collection_id,
                        face.face_id,
                        face.image_id,
                        face.external_image_id,
                        json.dumps(face.bounding_box),
                        face.confidence,
                        face.user_id,
                        vector_blob(vector),
                    )
                    for face, vector, _ in faces
                ],
            )
            cur.executemany(
                "INSERT OR REPLACE INTO thumbnails VALUES (?, ?, ?, ?, ?)",
                [
                    (*self.key, collection_id, face.face_id, thumbnail)
                    for face, _, thumbnail in faces
                    if thumbnail is not None
                ],
            )
            cur.execute(
                "INSERT OR REPLACE INTO indexed_images VALUES (?, ?, ?, ?, ?)",
                (*self.key, collection_id, key, json.dumps(face_ids)),
            )

    def delete_faces(self, collection_id: str, face_ids: list[str]) -> None:
        with self.store.transaction() as cur:
            for table in ("faces", "thumbnails"):
                cur.executemany(
                    f"DELETE FROM {table} WHERE account=? AND region=? AND collection_id=? "
                    "AND face_id=?",
                    [(*self.key, collection_id, face_id) for face_id in face_ids],
                )

    def put_user(self, collection_id: str, user: Any, face_users: dict[str, str | None]) -> None:
        """A user (its faces in order) and the user of each face whose association changed."""
        with self.store.transaction() as cur:
            cur.execute(
                "INSERT INTO users VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE "
                "SET face_ids=excluded.face_ids",
                (*self.key, collection_id, user.user_id, json.dumps(user.face_ids)),
            )
            self._set_face_users(cur, collection_id, face_users)

    def delete_user(self, collection_id: str, user_id: str, face_users: dict[str, None]) -> None:
        with self.store.transaction() as cur:
            cur.execute(
                "DELETE FROM users WHERE account=? AND region=? AND collection_id=? AND user_id=?",
                (*self.key, collection_id, user_id),
            )
            self._set_face_users(cur, collection_id, face_users)

    def _set_face_users(
        self, cur: sqlite3.Cursor, collection_id: str, face_users: dict[str, Any]
    ) -> None:
        cur.executemany(
            "UPDATE faces SET user_id=? WHERE account=? AND region=? AND collection_id=? "
            "AND face_id=?",
            [
                (user_id, *self.key, collection_id, face_id)
                for face_id, user_id in face_users.items()
            ],
        )

    def put_job(self, job_id: str, record: dict[str, Any]) -> None:
        with self.store.transaction() as cur:
            cur.execute(
                "INSERT OR REPLACE INTO jobs VALUES (?, ?, ?, ?)",
                (*self.key, job_id, json.dumps(record)),
            )

    def thumbnails(self, collection_id: str, face_ids: list[str]) -> dict[str, bytes]:
        """The stored thumbnails of some faces (those that have one)."""
        found: dict[str, bytes] = {}
        with self.store.lock:
            for start in range(0, len(face_ids), 500):
                chunk = face_ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                found.update(
                    self.store.conn.execute(
                        "SELECT face_id, jpeg FROM thumbnails WHERE account=? AND region=? AND "
                        f"collection_id=? AND face_id IN ({marks})",
                        (*self.key, collection_id, *chunk),
                    ).fetchall()
                )
        return found

    def put_token(self, operation: str, token: str, fingerprint: str, body: str) -> None:
        with self.store.transaction() as cur:
            cur.execute(
                "INSERT OR REPLACE INTO tokens VALUES (?, ?, ?, ?, ?, ?)",
                (*self.key, operation, token, fingerprint, body),
            )


class NullStore:
    """In memory only: every write is a no-op."""

    durable = False

    def rows(self) -> Rows:
        return Rows()

    def clear(self) -> None:
        pass

    def thumbnails(self, collection_id: str, face_ids: list[str]) -> dict[str, bytes]:
        return {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith(("put_", "add_", "delete_")):
            return _nothing
        raise AttributeError(name)


def _nothing(*args: Any, **kwargs: Any) -> None:
    return None


NULL = NullStore()
_shared: Store | None = None
_shared_lock = threading.Lock()


def shared() -> Store | None:
    """The process's store, opened on first use from ``MOTO_REKOGNITION_FACES_STATE_DIR``
    (None when the setting is empty: state stays in memory)."""
    global _shared
    folder = config.state_dir()
    if folder is None:
        return None
    with _shared_lock:
        if _shared is None or _shared.folder != folder:
            if _shared is not None:
                _shared.close()
                _shared = None
            _shared = Store(folder, config.model_profile())
        return _shared


def for_backend(account: str, region: str) -> Scoped | NullStore:
    store = shared()
    return NULL if store is None else Scoped(store, account, region)
