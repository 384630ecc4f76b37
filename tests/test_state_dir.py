"""Durable state (--state-dir / MOTO_REKOGNITION_FACES_STATE_DIR): what survives a restart, what
a reset empties, what a crash leaves, and which folders are refused."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from moto import mock_aws

from moto_rekognition_faces import samples
from moto_rekognition_faces.state import store
from moto_rekognition_faces.state.backend import faces_backends
from tests.support.assets import asset_path
from tests.support.cli import SCRIPTS, fake_credentials, free_port, standalone_server

ACCOUNT = "123456789012"
REGION = "us-east-1"
ARN = f"arn:aws:rekognition:{REGION}:{ACCOUNT}:collection/"
NO_RETRIES = Config(retries={"total_max_attempts": 1}, read_timeout=300, max_pool_connections=16)


def client(url: str | None = None) -> Any:
    return boto3.client(
        "rekognition",
        region_name=REGION,
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=NO_RETRIES,
    )


def all_faces(rekognition: Any, collection_id: str) -> list[dict[str, Any]]:
    pages = rekognition.get_paginator("list_faces").paginate(CollectionId=collection_id)
    return [face for page in pages for face in page["Faces"]]


def fill(rekognition: Any) -> dict[str, Any]:
    """A collection with tags, two faces and a user holding one of them."""
    rekognition.create_collection(CollectionId="staff", Tags={"team": "blue"})
    rekognition.create_collection(CollectionId="empty")
    indexed = rekognition.index_faces(
        CollectionId="staff", Image={"Bytes": samples.read("astronaut")}, ExternalImageId="eileen"
    )
    rekognition.index_faces(
        CollectionId="staff", Image={"Bytes": samples.read("grace_hopper")}, ExternalImageId="grace"
    )
    face_id = indexed["FaceRecords"][0]["Face"]["FaceId"]
    rekognition.create_user(CollectionId="staff", UserId="eileen-c", ClientRequestToken="tok-1")
    rekognition.associate_faces(CollectionId="staff", UserId="eileen-c", FaceIds=[face_id])
    rekognition.tag_resource(ResourceArn=ARN + "staff", Tags={"floor": "3"})
    return snapshot(rekognition)


def snapshot(rekognition: Any) -> dict[str, Any]:
    """What a client can see of the state, for before/after comparisons."""
    found = rekognition.search_faces_by_image(
        CollectionId="staff", Image={"Bytes": samples.read("astronaut")}
    )
    users = rekognition.search_users_by_image(
        CollectionId="staff", Image={"Bytes": samples.read("astronaut")}
    )
    return {
        "collections": rekognition.list_collections()["CollectionIds"],
        "faces": sorted(all_faces(rekognition, "staff"), key=lambda f: f["FaceId"]),
        "users": rekognition.list_users(CollectionId="staff")["Users"],
        "tags": rekognition.list_tags_for_resource(ResourceArn=ARN + "staff")["Tags"],
        "match": [(m["Face"]["FaceId"], round(m["Similarity"], 3)) for m in found["FaceMatches"]],
        "user_match": [m["User"]["UserId"] for m in users["UserMatches"]],
        "face_count": rekognition.describe_collection(CollectionId="staff")["FaceCount"],
    }


def reset(url: str) -> None:
    request = urllib.request.Request(f"{url}/moto-api/reset", data=b"", method="POST")
    urllib.request.urlopen(request, timeout=30).close()


def test_the_server_keeps_collections_faces_users_and_tags_across_a_restart(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state"
    with standalone_server(args=("--state-dir", str(state))) as url:
        before = fill(client(url))
    assert (state / store.FILE_NAME).is_file()
    with standalone_server(args=("--state-dir", str(state))) as url:
        rekognition = client(url)
        after = snapshot(rekognition)
        # The user's token is remembered: the retry answers as the first call did.
        rekognition.create_user(CollectionId="staff", UserId="eileen-c", ClientRequestToken="tok-1")
        more = rekognition.index_faces(
            CollectionId="empty", Image={"Bytes": samples.read("astronaut")}
        )
    assert after == before
    assert before["tags"] == {"team": "blue", "floor": "3"}
    assert before["match"][0][1] > 99 and before["user_match"] == ["eileen-c"]
    assert len(more["FaceRecords"]) == 1


def test_the_environment_variable_works_for_the_server_too(tmp_path: Path) -> None:
    env = {"MOTO_REKOGNITION_FACES_STATE_DIR": str(tmp_path)}
    with standalone_server(env=env) as url:
        client(url).create_collection(CollectionId="kept")
    with standalone_server(env=env) as url:
        assert client(url).list_collections()["CollectionIds"] == ["kept"]


def eu_client(url: str) -> Any:
    return boto3.client(
        "rekognition",
        region_name="eu-west-1",
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_reset_empties_the_state_folder(tmp_path: Path) -> None:
    with standalone_server(args=("--state-dir", str(tmp_path))) as url:
        fill(client(url))
        eu_client(url).create_collection(CollectionId="abroad")
    with standalone_server(args=("--state-dir", str(tmp_path))) as url:
        # Restarted: both regions came back; a reset forgets every one of them, also on disk,
        # including one no request has touched since the restart.
        rekognition = client(url)
        assert rekognition.list_collections()["CollectionIds"] == ["empty", "staff"]
        reset(url)
        assert rekognition.list_collections()["CollectionIds"] == []
        assert eu_client(url).list_collections()["CollectionIds"] == []
    with standalone_server(args=("--state-dir", str(tmp_path))) as url:
        assert client(url).list_collections()["CollectionIds"] == []
    with sqlite3.connect(tmp_path / store.FILE_NAME) as db:
        assert db.execute("SELECT count(*) FROM faces").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM thumbnails").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM collections").fetchone() == (0,)


def refused(state: Path) -> subprocess.CompletedProcess[str]:
    """Start the server on ``state`` expecting it to refuse (it must not start serving)."""
    return subprocess.run(
        [
            str(SCRIPTS / "moto-rekognition-faces-server"),
            "--port",
            str(free_port()),
            "--state-dir",
            str(state),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=fake_credentials(),
    )


def one_collection(state: Path) -> None:
    with standalone_server(args=("--state-dir", str(state))) as url:
        client(url).create_collection(CollectionId="kept")


def test_a_state_of_another_model_profile_is_refused_in_one_line(tmp_path: Path) -> None:
    one_collection(tmp_path)
    with sqlite3.connect(tmp_path / store.FILE_NAME) as db:
        db.execute("UPDATE meta SET value='insightface' WHERE key='profile'")
    result = refused(tmp_path)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "model profile 'insightface'" in lines[0] and "'default'" in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


def test_a_state_of_another_schema_version_is_refused_in_one_line(tmp_path: Path) -> None:
    one_collection(tmp_path)
    with sqlite3.connect(tmp_path / store.FILE_NAME) as db:
        db.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    result = refused(tmp_path)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "schema version 99" in lines[0], result.stderr


@pytest.mark.parametrize("content", [b"not a database at all" * 100, b""])
def test_a_file_that_is_not_our_state_is_refused(tmp_path: Path, content: bytes) -> None:
    if content:
        (tmp_path / store.FILE_NAME).write_bytes(content)
    else:  # a SQLite database of some other program
        with sqlite3.connect(tmp_path / store.FILE_NAME) as db:
            db.execute("CREATE TABLE invoices (id INTEGER)")
    result = refused(tmp_path)
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


def hold_write_lock(path: Path) -> sqlite3.Connection:
    """Another process's writer, as SQLite sees it: a connection inside an exclusive
    transaction on the state file."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    return holder


def test_a_state_folder_briefly_locked_by_another_process_is_waited_for(tmp_path: Path) -> None:
    store.Store(tmp_path, "default").close()
    holder = hold_write_lock(tmp_path / store.FILE_NAME)
    threading.Timer(0.3, holder.rollback).start()
    opened = store.Store(tmp_path, "default")
    assert opened.conn.execute("SELECT value FROM meta WHERE key='profile'").fetchone()[0] == (
        "default"
    )
    opened.close()
    holder.close()


def test_a_state_folder_held_by_another_process_is_refused_naming_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.Store(tmp_path, "default").close()
    monkeypatch.setattr(store, "BUSY_TIMEOUT", 0.3)
    holder = hold_write_lock(tmp_path / store.FILE_NAME)
    try:
        with pytest.raises(store.StateError, match="stayed locked .* another process"):
            store.Store(tmp_path, "default")
    finally:
        holder.close()


def test_a_second_server_on_the_same_state_folder_is_refused_and_the_first_keeps_it(
    tmp_path: Path,
) -> None:
    """Two processes writing one folder would overwrite each other's state without a word."""
    with standalone_server(args=("--state-dir", str(tmp_path))) as url:
        client(url).create_collection(CollectionId="first")
        second = refused(tmp_path)
        assert second.returncode != 0
        lines = second.stderr.strip().splitlines()
        assert len(lines) == 1, second.stderr
        assert "in use by another process" in lines[0] and str(tmp_path) in lines[0]
        assert client(url).list_collections()["CollectionIds"] == ["first"]
    with standalone_server(args=("--state-dir", str(tmp_path))) as url:  # free once it stopped
        assert client(url).list_collections()["CollectionIds"] == ["first"]


def test_a_profile_mismatch_in_an_empty_state_is_not_an_obstacle(tmp_path: Path) -> None:
    with standalone_server(args=("--state-dir", str(tmp_path))) as url:
        reset(url)  # nothing stored, so no vector of any profile
    with sqlite3.connect(tmp_path / store.FILE_NAME) as db:
        db.execute("UPDATE meta SET value='insightface' WHERE key='profile'")
    with standalone_server(args=("--state-dir", str(tmp_path))) as url:
        client(url).create_collection(CollectionId="fresh")
    with sqlite3.connect(tmp_path / store.FILE_NAME) as db:
        assert db.execute("SELECT value FROM meta WHERE key='profile'").fetchone() == ("default",)


def drop_backend() -> None:
    """What a restart does to a decorator-mode process: the next request builds the backend
    afresh, from the state folder."""
    faces_backends[ACCOUNT].pop(REGION)


def test_decorator_mode_reads_the_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, aws_credentials: None
) -> None:
    monkeypatch.setenv("MOTO_REKOGNITION_FACES_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("MOTO_REKOGNITION_FACES_VIDEO_SYNC", "1")
    with mock_aws():
        rekognition = client()
        before = fill(rekognition)
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="videos")
        s3.put_object(
            Bucket="videos", Key="man.mp4", Body=asset_path("single_face_video").read_bytes()
        )
        video = {"S3Object": {"Bucket": "videos", "Name": "man.mp4"}}
        job_id = rekognition.start_face_detection(Video=video, JobTag="kept")["JobId"]
        job = rekognition.get_face_detection(JobId=job_id)
        drop_backend()
        assert snapshot(rekognition) == before
        again = rekognition.get_face_detection(JobId=job_id)
        assert again["JobStatus"] == "SUCCEEDED" and again["JobTag"] == "kept"
        assert again["Faces"] == job["Faces"] and len(job["Faces"]) > 0
        assert again["VideoMetadata"] == job["VideoMetadata"]
    # Leaving mock_aws is moto's reset: the folder is emptied as well.
    with sqlite3.connect(tmp_path / store.FILE_NAME) as db:
        assert db.execute("SELECT count(*) FROM collections").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM jobs").fetchone() == (0,)


def test_decorator_mode_on_a_folder_a_server_owns_answers_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, aws_credentials: None
) -> None:
    """As a pytest-xdist worker would find a folder another worker holds: no request touches it."""
    monkeypatch.setenv("MOTO_REKOGNITION_FACES_STATE_DIR", str(tmp_path))
    with standalone_server(args=("--state-dir", str(tmp_path))) as url:
        client(url).create_collection(CollectionId="owned")
        with mock_aws(), pytest.raises(ClientError) as refused_call:
            client().create_collection(CollectionId="intruder")
        error = refused_call.value.response["Error"]
        assert error["Code"] == "InternalServerError"
        assert "in use by another process" in error["Message"]
        assert client(url).list_collections()["CollectionIds"] == ["owned"]


def test_decorator_mode_without_the_setting_keeps_state_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, aws_credentials: None
) -> None:
    monkeypatch.delenv("MOTO_REKOGNITION_FACES_STATE_DIR", raising=False)
    with mock_aws():
        client().create_collection(CollectionId="volatile")
        assert faces_backends[ACCOUNT][REGION].store is store.NULL
        drop_backend()
        assert client().list_collections()["CollectionIds"] == []


def test_deleted_faces_users_and_collections_stay_deleted(tmp_path: Path) -> None:
    state = ("--state-dir", str(tmp_path))
    with standalone_server(args=state) as url:
        rekognition = client(url)
        fill(rekognition)
        faces = all_faces(rekognition, "staff")
        loose = [f["FaceId"] for f in faces if "UserId" not in f]
        rekognition.delete_faces(CollectionId="staff", FaceIds=loose)
        rekognition.disassociate_faces(
            CollectionId="staff", UserId="eileen-c", FaceIds=[faces[0]["FaceId"]]
        )
        rekognition.delete_user(CollectionId="staff", UserId="eileen-c")
        rekognition.untag_resource(ResourceArn=ARN + "staff", TagKeys=["team"])
        rekognition.delete_collection(CollectionId="empty")
        before = (all_faces(rekognition, "staff"), rekognition.list_collections()["CollectionIds"])
    with standalone_server(args=state) as url:
        rekognition = client(url)
        after = (all_faces(rekognition, "staff"), rekognition.list_collections()["CollectionIds"])
        assert rekognition.list_users(CollectionId="staff")["Users"] == []
        assert rekognition.list_tags_for_resource(ResourceArn=ARN + "staff")["Tags"] == {
            "floor": "3"
        }
    assert after == before and len(after[0]) == 1 and "UserId" not in after[0][0]


# -- kill -9 during concurrent IndexFaces -------------------------------------------------------

THREADS = 8
KILL_AFTER = 24  # acknowledged IndexFaces calls before the server is killed


def test_kill_9_during_concurrent_index_faces_loses_no_acknowledged_face(tmp_path: Path) -> None:
    """8 client threads index faces; the server is SIGKILLed mid-run. After a restart on the same
    folder, every acknowledged face is there with its metadata and vector, and every face found
    comes from a call that was acknowledged or still in flight at the kill."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(SCRIPTS / "moto-rekognition-faces-server"), "--port", str(port)]
    command += ["--state-dir", str(tmp_path)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(url)
        setup = client(url)
        setup.create_collection(CollectionId="crowd")
        photo = {"Bytes": samples.read("astronaut")}
        acknowledged: dict[str, list[dict[str, Any]]] = {}  # ExternalImageId → Faces answered
        sent: set[str] = set()
        lock = threading.Lock()
        enough = threading.Event()

        def index(thread: int) -> None:
            rekognition = client(url)
            for n in range(1000):
                external = f"t{thread}-{n}"
                with lock:
                    sent.add(external)
                try:
                    answer = rekognition.index_faces(
                        CollectionId="crowd", Image=photo, ExternalImageId=external
                    )
                    faces = [r["Face"] for r in answer["FaceRecords"]]
                except Exception:
                    # the server is gone (an error, or an answer cut off by the kill, seen
                    # once as one without FaceRecords): this call's outcome is unknown
                    return
                with lock:
                    acknowledged[external] = faces
                    if len(acknowledged) >= KILL_AFTER:
                        enough.set()

        threads = [threading.Thread(target=index, args=(t,)) for t in range(THREADS)]
        for thread in threads:
            thread.start()
        assert enough.wait(600), "the server did not answer enough IndexFaces calls"
        os.kill(server.pid, signal.SIGKILL)
        server.wait(30)
        for thread in threads:
            thread.join(120)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(30)

    with standalone_server(args=("--state-dir", str(tmp_path))) as url:
        rekognition = client(url)
        found = all_faces(rekognition, "crowd")
        search = rekognition.search_faces_by_image(CollectionId="crowd", Image=photo, MaxFaces=4096)
        again = rekognition.index_faces(
            CollectionId="crowd", Image=photo, ExternalImageId="after-restart"
        )
    acked_faces = {f["FaceId"]: f for faces in acknowledged.values() for f in faces}
    found_by_id = {f["FaceId"]: f for f in found}
    in_flight = sent - set(acknowledged)
    unacknowledged = [f for f in found if f["FaceId"] not in acked_faces]
    print(
        f"\ncrash test: {len(acknowledged)} IndexFaces acknowledged ({len(acked_faces)} faces), "
        f"{len(in_flight)} in flight at the kill; after restart {len(found)} faces found, "
        f"{len(acked_faces.keys() & found_by_id.keys())} of the acknowledged, "
        f"{len(unacknowledged)} from calls in flight"
    )
    for face_id, face in acked_faces.items():
        assert found_by_id.get(face_id) == face
    assert all(f["ExternalImageId"] in in_flight for f in unacknowledged)
    assert len(unacknowledged) <= THREADS  # at most one call per thread was cut short
    assert len(search["FaceMatches"]) == len(found)  # every vector loaded and searchable
    assert len(again["FaceRecords"]) == 1


def wait_until_up(url: str) -> None:
    for _ in range(600):
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


def test_a_change_that_cannot_be_written_is_not_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, aws_credentials: None
) -> None:
    """A failed write (a full disk, say) answers an error and leaves the state as it was."""
    monkeypatch.setenv("MOTO_REKOGNITION_FACES_STATE_DIR", str(tmp_path))
    with mock_aws():
        rekognition = client()
        rekognition.create_collection(CollectionId="staff", Tags={"team": "blue"})
        face_id = rekognition.index_faces(
            CollectionId="staff", Image={"Bytes": samples.read("astronaut")}
        )["FaceRecords"][0]["Face"]["FaceId"]
        rekognition.create_user(CollectionId="staff", UserId="u")

        def full(*args: Any, **kwargs: Any) -> None:
            raise sqlite3.OperationalError("database or disk is full")

        writes = ("add_faces", "put_user", "put_collection")
        originals = {name: getattr(store.Scoped, name) for name in writes}
        for name in writes:
            monkeypatch.setattr(store.Scoped, name, full)
        with pytest.raises(rekognition.exceptions.InternalServerError):
            rekognition.index_faces(
                CollectionId="staff", Image={"Bytes": samples.read("grace_hopper")}
            )
        with pytest.raises(rekognition.exceptions.InternalServerError):
            rekognition.associate_faces(CollectionId="staff", UserId="u", FaceIds=[face_id])
        with pytest.raises(rekognition.exceptions.InternalServerError):
            rekognition.tag_resource(ResourceArn=ARN + "staff", Tags={"floor": "3"})
        for name, original in originals.items():
            monkeypatch.setattr(store.Scoped, name, original)
        faces = all_faces(rekognition, "staff")
        assert [f["FaceId"] for f in faces] == [face_id] and "UserId" not in faces[0]
        assert rekognition.list_users(CollectionId="staff")["Users"] == [
            {"UserId": "u", "UserStatus": "CREATED"}
        ]
        assert rekognition.list_tags_for_resource(ResourceArn=ARN + "staff")["Tags"] == {
            "team": "blue"
        }
        drop_backend()  # and the disk says the same
        assert [f["FaceId"] for f in all_faces(rekognition, "staff")] == [face_id]
