"""The columnar face table of a collection: packed rows, de-duplication, restore, answers."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from moto_rekognition_faces import samples
from moto_rekognition_faces.state import indexed_images, store
from moto_rekognition_faces.state.backend import FacesBackend
from moto_rekognition_faces.state.collections import Collection, NewFace, image_id
from moto_rekognition_faces.state.faces import FaceTable, StoredFace, box_row
from tests.conftest import Aws

ACCOUNT, REGION = "123456789012", "us-east-1"
DIMENSIONS = 128


def unit_vectors(count: int, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((count, DIMENSIONS)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def image(i: int) -> str:
    return f"{i:08x}-1111-4222-8333-444444444444"


def fill(table: FaceTable, count: int, seed: int = 0) -> dict[str, tuple[StoredFace, np.ndarray]]:
    """``count`` faces, two per image, with known records and vectors."""
    rng = random.Random(seed)
    vectors = unit_vectors(count, seed)
    expected: dict[str, tuple[StoredFace, np.ndarray]] = {}
    for start in range(0, count, 2):
        ids = [f"{i:08x}-0000-4000-8000-{seed:012x}" for i in range(start, start + 2)]
        boxes = np.array([[rng.random() for _ in range(4)] for _ in ids], np.float32)
        confidences = np.array([99 + rng.random() for _ in ids], np.float32)
        external = None if start % 3 == 0 else f"person-{start}"
        table.add_image(ids, image(start), external, boxes, confidences, vectors[start : start + 2])
        for k, face_id in enumerate(ids):
            box = dict(zip(("Width", "Height", "Left", "Top"), boxes[k].tolist(), strict=True))
            record = StoredFace(face_id, image(start), external, box, float(confidences[k]))
            expected[face_id] = (record, vectors[start + k])
    return expected


def test_deletes_keep_rows_packed_and_every_answer_right() -> None:
    table = FaceTable()
    expected = fill(table, 200)
    ids = list(expected)
    gone = {ids[0], ids[-1], *ids[50:120:3]}
    for face_id in gone:
        table.remove(face_id)
    table.set_user(ids[7], "alice")
    for face_id in gone:
        del expected[face_id]
    expected[ids[7]][0].user_id = "alice"
    assert len(table) == len(expected) and set(table) == set(expected)
    for face_id, (record, vector) in expected.items():
        assert table[face_id] == record
        assert np.array_equal(table.vectors.vector(face_id), vector)
    assert table.ids_of_user("alice") == [ids[7]]
    # Re-adding after deletes appends to the packed rows.
    more = fill(table, 10, seed=1)
    expected |= more
    assert len(table) == len(expected) == len(table.vectors.keys())
    query = unit_vectors(1, seed=5)[0]
    hits = table.vectors.search_rows(query, 15, None, -np.inf)
    truth = sorted(expected, key=lambda f: -float(expected[f][1] @ query))[:15]
    assert [table.view(row).face_id for row, _ in hits] == truth
    assert [table.view(row) for row, _ in hits] == [expected[f][0] for f in truth]


def test_an_image_is_stored_once_while_its_faces_all_remain() -> None:
    table = FaceTable()
    fill(table, 6)
    first = table.stored_from(image(0), None)
    assert first is not None and [f.face_id for f in first][0].startswith("00000000")
    assert [f.face_id for f in first] == [f"{i:08x}-0000-4000-8000-{0:012x}" for i in (0, 1)]
    assert table.stored_from(image(0), "someone") is None  # another ExternalImageId
    assert table.stored_from(image(2), "person-2") is not None
    table.remove(first[1].face_id)
    assert table.stored_from(image(0), None) is None  # one face gone: index anew


def test_two_pairs_with_the_same_hash_are_told_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(indexed_images, "hash", lambda pair: 7, raising=False)
    table = FaceTable()
    fill(table, 8)  # four images, one hash
    for start, external in ((0, None), (2, "person-2"), (4, "person-4"), (6, None)):
        found = table.stored_from(image(start), external)
        assert found is not None and {f.image_id for f in found} == {image(start)}
    assert table.stored_from(image(8), None) is None


def test_image_ids_that_are_not_uuids_and_boxes_without_members_come_back_as_given() -> None:
    table = FaceTable()
    given = ["img", "0C7E2F1B-6A43-4B8E-9D55-3F1E8A2B7C90", image(3), "img"]
    face_ids = [f"a000000{i}-0000-4000-8000-000000000000" for i in range(4)]
    table.add(
        face_ids,
        given,
        [None] * 4,
        np.array([box_row({}), box_row({"Width": 0.5}), box_row({}), box_row({})], np.float32),
        np.array([99.5] * 4, np.float32),
        unit_vectors(4),
    )
    assert [table[f].image_id for f in face_ids] == given
    face = table[face_ids[0]]
    assert (face.bounding_box, face.confidence) == ({}, 99.5)
    assert table[face_ids[1]].bounding_box == {"Width": 0.5}


def backend_at(folder: Path, monkeypatch: pytest.MonkeyPatch) -> FacesBackend:
    monkeypatch.setenv("MOTO_REKOGNITION_FACES_STATE_DIR", str(folder))
    return FacesBackend(REGION, ACCOUNT)


def listed(backend: FacesBackend) -> list[dict[str, object]]:
    collections = backend.collections
    face_ids = collections.list_faces("c", None, None)
    return [f.to_face() for f in collections.faces_by_id("c", face_ids)]


def test_a_restored_collection_answers_exactly_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = backend_at(tmp_path, monkeypatch)
    backend.collections.create("c", {}, "default")
    rng = random.Random(3)
    vectors = unit_vectors(40, seed=3)
    made: dict[str, tuple[str, str | None]] = {}  # ImageId → (image hash, ExternalImageId)
    for i in range(0, 40, 2):
        sha, external = f"{i:064x}", f"p{i % 6}" if i % 4 else None
        box = {"Width": rng.random(), "Height": rng.random(), "Left": 0.1, "Top": 0.2}
        faces = [NewFace(dict(box), 90 + rng.random(), vectors[k]) for k in (i, i + 1)]
        backend.collections.index_faces("c", sha, external, faces)
        made[image_id(sha)] = (sha, external)
    ids = backend.collections.list_faces("c", None, None)
    image_of = {f["FaceId"]: f["ImageId"] for f in listed(backend)}
    backend.users.create("c", "u")
    backend.users.associate("c", "u", ids[:2], 0, lambda cosine: 100.0)
    backend.collections.delete_faces("c", ids[5:9])
    before = listed(backend)
    searched = backend.collections.search("c", vectors[11], 5)

    again = backend_at(tmp_path, monkeypatch)
    assert listed(again) == before
    assert again.collections.search("c", vectors[11], 5) == searched
    assert again.collections.list_faces("c", "u", None) == sorted(ids[:2])
    # The same image again stores nothing, unless one of its faces was deleted.
    same = [NewFace({}, 99.0, vectors[0]), NewFace({}, 99.0, vectors[1])]
    broken = {image_of[f] for f in ids[5:9]}
    whole = next(i for i in made if i not in broken)
    kept = again.collections.index_faces("c", *made[whole], same)
    in_order = sorted((f.to_face() for f in kept), key=lambda f: f["FaceId"])
    assert in_order == [f for f in before if f["ImageId"] == whole]
    anew = again.collections.index_faces("c", *made[broken.pop()], same)
    assert len(anew) == 2 and {f.face_id for f in anew}.isdisjoint(ids)


def test_boxes_and_confidences_read_back_as_float32_of_what_was_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A state folder written before the columnar table held float64 numbers; answers send
    float32 of them, as they always did."""
    db = store.Store(tmp_path, "default")
    scoped = store.Scoped(db, ACCOUNT, REGION)

    scoped.put_collection(
        Collection("c", f"arn:aws:rekognition:{REGION}:{ACCOUNT}:collection/c", 0)
    )
    box = {"Width": 0.1234567891, "Height": 0.3, "Left": -0.01, "Top": 0.987654321}
    old = StoredFace("b0000000-0000-4000-8000-000000000000", image(1), "x", box, 99.87654321)
    scoped.add_faces(
        "c", [(old, unit_vectors(1)[0], None)], store.image_key(image(1), "x"), [old.face_id]
    )
    db.close()
    face = backend_at(tmp_path, monkeypatch).collections.faces_by_id("c", [old.face_id])[0]
    assert face.bounding_box == {k: float(np.float32(v)) for k, v in box.items()}
    assert list(face.bounding_box) == list(box)
    assert face.confidence == float(np.float32(old.confidence))


def test_answers_show_the_box_and_confidence_index_faces_detected(aws: Aws) -> None:
    client = aws.rekognition
    client.create_collection(CollectionId="c")
    indexed = client.index_faces(
        CollectionId="c", Image={"Bytes": samples.read("astronaut")}, ExternalImageId="e"
    )
    record = indexed["FaceRecords"][0]
    face = record["Face"]
    assert face["BoundingBox"] == record["FaceDetail"]["BoundingBox"]
    assert face["Confidence"] == record["FaceDetail"]["Confidence"]
    assert client.list_faces(CollectionId="c")["Faces"] == [face]
    found = client.search_faces_by_image(
        CollectionId="c", Image={"Bytes": samples.read("astronaut")}
    )
    assert found["FaceMatches"][0]["Face"] == face


def test_index_faces_again_returns_the_same_faces_in_the_same_order(aws: Aws) -> None:
    client = aws.rekognition
    client.create_collection(CollectionId="c")
    crowd = {"Bytes": samples.read("astronaut")}
    first = client.index_faces(CollectionId="c", Image=crowd)["FaceRecords"]
    again = client.index_faces(CollectionId="c", Image=crowd)["FaceRecords"]
    assert [r["Face"] for r in again] == [r["Face"] for r in first]
    client.delete_faces(CollectionId="c", FaceIds=[first[0]["Face"]["FaceId"]])
    anew = client.index_faces(CollectionId="c", Image=crowd)["FaceRecords"]
    assert {r["Face"]["FaceId"] for r in anew}.isdisjoint(r["Face"]["FaceId"] for r in first)
