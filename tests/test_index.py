"""The packed vector index and the similarity curve it is searched with."""

from __future__ import annotations

import numpy as np
import pytest

from moto_rekognition_faces.api import similarity
from moto_rekognition_faces.state.index import VectorIndex


def unit_vectors(count: int, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((count, 512)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_search_is_the_exact_top_k_after_additions_and_removals() -> None:
    vectors = unit_vectors(300)
    index = VectorIndex()
    index.add_many([f"id-{i}" for i in range(200)], vectors[:200])
    for i in range(200, 300):
        index.add(f"id-{i}", vectors[i])
    removed = {f"id-{i}" for i in range(0, 300, 7)}
    for key in removed:
        index.remove(key)
    assert len(index) == 300 - len(removed)
    query = vectors[42]
    scores = {f"id-{i}": float(vectors[i] @ query) for i in range(300)}
    expected = sorted((k for k in scores if k not in removed), key=lambda k: -scores[k])[:25]
    hits = index.search(query, 25)
    assert [key for key, _ in hits] == expected
    assert [round(s, 5) for _, s in hits] == [round(scores[k], 5) for k in expected]
    assert "id-42" not in [key for key, _ in index.search(query, 25, exclude="id-42")]


def test_min_score_keeps_only_close_enough_vectors() -> None:
    vectors = unit_vectors(100, seed=3)
    index = VectorIndex()
    index.add_many([str(i) for i in range(100)], vectors)
    hits = index.search(vectors[5], 100, min_score=0.5)
    assert [key for key, _ in hits] == ["5"]  # random 512-d vectors are nearly orthogonal
    assert index.search(vectors[5], 100, min_score=1.5) == []


@pytest.mark.parametrize("threshold", [0.5, 50, 80, 90, 99, 99.9])
def test_min_cosine_inverts_the_similarity_curve(threshold: float) -> None:
    cosine = similarity.min_cosine(threshold)
    assert similarity.from_cosine(cosine) < threshold <= similarity.from_cosine(cosine + 2e-6)
    assert similarity.min_cosine(0) == -np.inf and similarity.min_cosine(100) == np.inf


def test_add_many_replaces_existing_keys_and_appends_new_ones() -> None:
    vectors = unit_vectors(4, seed=9)
    index = VectorIndex()
    index.add_many(["a", "b"], vectors[:2])
    index.add_many(["b", "c"], vectors[2:4])  # "b" replaced, "c" new
    assert len(index) == 3
    assert np.allclose(index.vector("b"), vectors[2])
    assert np.allclose(index.vector("c"), vectors[3])
    assert index.search(vectors[2], 1)[0][0] == "b"
