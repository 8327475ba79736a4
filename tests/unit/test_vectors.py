"""VectorIndex: incremental updates, exact top-k (also through the int8 pass), the cut-off."""

from __future__ import annotations

import numpy as np
import pytest

from photosift.core.search import vector_index as vectors
from photosift.core.search.relevance import cutoff_strength, relevance, relevance_cutoff
from photosift.core.search.vector_index import VectorIndex


def unit_rows(count: int, dim: int, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((count, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def brute_force(ids: np.ndarray, matrix: np.ndarray, query: np.ndarray, k: int) -> list[int]:
    scores = matrix @ query
    order = np.lexsort((ids, -scores))
    return ids[order[:k]].tolist()


def test_upsert_remove_keep_ids_and_vectors_consistent() -> None:
    data = unit_rows(500, 32)
    index = VectorIndex(32, capacity=4)  # forces several growth steps
    for start in range(0, 500, 37):
        index.upsert(np.arange(start, min(start + 37, 500)) * 3 + 1, data[start : start + 37])
    assert len(index) == 500
    assert index.remove([1, 4, 999_999, 1]) == 2
    changed = unit_rows(1, 32, seed=9)[0]
    index.upsert([7], changed[None])
    assert len(index) == 498
    assert index.vector(1) is None and index.vector(4) is None
    np.testing.assert_array_equal(index.vector(7), changed)
    np.testing.assert_array_equal(index.vector(3 * 250 + 1), data[250])
    assert sorted(index.ids.tolist()) == sorted(set((np.arange(500) * 3 + 1).tolist()) - {1, 4})


def test_search_is_exact_top_k_with_filters_and_exclusions() -> None:
    data = unit_rows(2000, 64, seed=1)
    ids = np.arange(10, 2010, dtype=np.int64)
    index = VectorIndex.from_arrays(ids, data)
    query = data[5] * 0.6 + data[6] * 0.4
    query /= np.linalg.norm(query)
    ranked = index.search(query, 25)
    assert ranked.ids.tolist() == brute_force(ids, data, query, 25)
    assert np.all(np.diff(ranked.scores) <= 0)
    only = ids[::3]
    ranked = index.search(query, 10, only=only, exclude=[15])
    allowed = np.isin(ids, only) & (ids != 15)
    assert ranked.ids.tolist() == brute_force(ids[allowed], data[allowed], query, 10)
    assert ranked.considered == int(allowed.sum())


def test_other_terms_score_the_same_rows_a_search_ranks() -> None:
    """scores_of and background: how a query's subtracted terms judge its results (engine.rank)."""
    data = unit_rows(2000, 64, seed=2)
    ids = np.arange(10, 2010, dtype=np.int64)
    index = VectorIndex.from_arrays(ids, data.copy())
    query = data[7]
    np.testing.assert_allclose(
        index.scores_of([12, 99_999, 10], query),
        [data[2] @ query, -np.inf, data[0] @ query],
        rtol=1e-6,
    )
    only = ids[::3]
    allowed = np.isin(ids, only) & (ids != 13)
    sample = index.background(query, only=only, exclude=[13])
    np.testing.assert_allclose(np.sort(sample), np.sort(data[allowed] @ query), atol=1e-6)
    assert len(sample) == index.search(query, 0, only=only, exclude=[13]).considered
    many = VectorIndex.from_arrays(np.arange(40_000), unit_rows(40_000, 16, seed=3))
    assert len(many.background(unit_rows(1, 16, seed=4)[0])) == 20_000  # every 2nd row


def test_int8_pass_returns_the_exact_top_k(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("torch")  # the int8 kernel is used where torch is already loaded
    monkeypatch.setattr(vectors, "ACCEL_MIN_ROWS", 1000)
    data = unit_rows(6000, 128, seed=2)
    ids = np.arange(6000, dtype=np.int64) * 2
    index = VectorIndex.from_arrays(ids, data)
    if index.backend != "int8":
        pytest.skip("torch's int8 kernel is not available here")
    for seed in range(5):
        query = data[seed * 100] + 0.5 * unit_rows(1, 128, seed=100 + seed)[0]
        query /= np.linalg.norm(query)
        ranked = index.search(query, 50)
        assert ranked.ids.tolist() == brute_force(ids, data, query, 50)
        np.testing.assert_allclose(ranked.scores, np.sort(data @ query)[::-1][:50], atol=1e-5)
    allowed = (ids % 4 == 0) & (ids != ids[400])  # a filter: half the rows, minus one
    ranked = index.search(data[400], 30, only=ids[ids % 4 == 0], exclude=[ids[400]])
    assert ranked.ids.tolist() == brute_force(ids[allowed], data[allowed], data[400], 30)
    assert ranked.considered == int(allowed.sum())
    more = unit_rows(10, 128, seed=3)
    index.upsert(np.arange(100_000, 100_010), more)  # the shadow follows updates
    index.remove(ids[:100])
    ranked = index.search(more[4], 1)
    assert ranked.ids.tolist() == [100_004]


def test_cutoff_levels_and_slider_values() -> None:
    assert cutoff_strength("off") == 0.0
    assert cutoff_strength("loose") < cutoff_strength("normal") < cutoff_strength("strict")
    assert cutoff_strength(0.3) == 0.3
    with pytest.raises(ValueError):
        cutoff_strength("medium")
    with pytest.raises(ValueError):
        cutoff_strength(1.5)


def kept(scores: np.ndarray, level: str, spread: float | None = None) -> int:
    """Results kept at `level`; `spread` defaults to the scores' own (a query that addresses
    what varies in the library)."""
    best = np.sort(scores)[::-1][:1000]
    spread = float(np.std(scores)) if spread is None else spread
    return relevance_cutoff(best, scores, len(scores), cutoff_strength(level), spread)


def test_a_query_that_hardly_varies_keeps_only_outliers() -> None:
    rng = np.random.default_rng(4)
    noise = rng.normal(0.2, 0.01, 5000).astype(np.float32)
    for level in ("strict", "normal", "loose"):
        assert kept(noise, level, spread=0.2) <= 5
    assert kept(noise, "off", spread=0.2) == 1000


def test_noise_kept_stays_small_as_the_library_grows() -> None:
    rng = np.random.default_rng(5)
    small = kept(rng.normal(0, 1, 1_000), "loose", spread=10.0)
    large = kept(rng.normal(0, 1, 200_000), "loose", spread=10.0)
    assert small <= 5 and large <= 5


def test_a_group_set_apart_is_kept_even_with_modest_z() -> None:
    rng = np.random.default_rng(6)
    two_modes = np.concatenate([rng.normal(-1, 0.15, 480), rng.normal(0.2, 0.15, 480)])
    group = rng.normal(1.0, 0.03, 40)
    scores = np.concatenate([two_modes, group]).astype(np.float32)
    best = np.sort(scores)[::-1][:1000]
    assert relevance(best, scores)[0] < 2.5  # a noise floor on z alone would keep nothing
    assert kept(scores, "normal") == 40


def test_a_large_group_over_a_wide_crowd_is_kept_whole() -> None:
    """Like "a triangle" matching a quarter of the library: the matches' z is modest, and the
    old cut-off kept 2 of 72."""
    rng = np.random.default_rng(7)
    crowd = rng.uniform(-0.6, 0.3, 900)
    group = rng.normal(0.62, 0.06, 300)
    scores = np.concatenate([crowd, group]).astype(np.float32)
    normal = kept(scores, "normal")
    assert 0.9 * 300 <= normal <= 300 / 0.9
    assert kept(scores, "strict") < normal <= kept(scores, "loose")


def test_tiny_libraries_are_not_cut() -> None:
    scores = np.array([0.3, 0.2, 0.1], np.float32)
    assert relevance_cutoff(scores, scores, 3, 1.0, 0.1) == 3


def test_looser_levels_never_keep_fewer_results() -> None:
    rng = np.random.default_rng(8)
    for _ in range(40):
        modes = rng.integers(1, 4)
        scores = np.concatenate(
            [
                rng.normal(rng.uniform(-0.2, 0.6), rng.uniform(0.01, 0.1), rng.integers(5, 300))
                for _ in range(modes)
            ]
        ).astype(np.float32)
        counts = [kept(scores, level, spread=0.3) for level in ("strict", "normal", "loose", "off")]
        assert counts == sorted(counts), counts


def test_a_large_index_searches_without_importing_torch() -> None:
    """A one-off CLI search must not pay torch's import: past ACCEL_MIN_ROWS the index scans
    float32 unless torch is already loaded (then its int8 kernel is used)."""
    import subprocess
    import sys

    code = (
        "import sys, numpy as np\n"
        "from photosift.core.search.vector_index import VectorIndex\n"
        "rng = np.random.default_rng(0)\n"
        "data = rng.standard_normal((40_000, 512)).astype(np.float32)\n"
        "data /= np.linalg.norm(data, axis=1, keepdims=True)\n"
        "index = VectorIndex.from_arrays(np.arange(40_000), data)\n"
        "top = index.search(data[7], 5).ids.tolist()\n"
        "print(index.backend, top[0], 'torch' in sys.modules)\n"
        "import torch\n"
        "again = VectorIndex.from_arrays(np.arange(40_000), data)\n"
        "print(again.backend, again.search(data[7], 5).ids.tolist()[0])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True
    )
    first, second = done.stdout.split("\n")[:2]
    assert first == "float32 7 False"
    assert second in ("int8 7", "float32 7")  # int8 where torch's kernel passes its self-check
    print(second)
