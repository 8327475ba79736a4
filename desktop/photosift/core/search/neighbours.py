"""All pairs of vectors more similar than a threshold, without comparing all pairs.

Why blocked and approximate: duplicate detection asks "which photos have a neighbour above
0.9?" for every photo at once. All pairs of 100k 512-d vectors is 2.6e12 multiply-adds, minutes
on a laptop CPU; near-duplicates, however, are *very* close (cosine >= 0.9), so an inverted
file (IVF) finds them while touching a small fraction of the pairs:

- ``sqrt(N)`` centroids from a sample, refined by two k-means steps (cosine);
- every vector lives in the list of its nearest centroid and is compared, as one BLAS matrix
  product per list, with the members of the lists of its ``probes`` nearest centroids.

A pair is missed only when neither vector's ``probes`` nearest centroids include the other's
list, which for vectors at cosine >= 0.9 needs a centroid boundary squeezed between them *and*
two closer centroids: rare, and the recall is measured in tests/unit/test_duplicates.py and
tests/benchmarks/duplicates.py. Below ``EXACT_MAX_ROWS`` rows all pairs are compared exactly
(blocked, so memory stays bounded).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from photosift.core.cancel import CancelToken

EXACT_MAX_ROWS = 8192
_BLOCK = 2048  # rows per matrix product: 2048 x 8192 float32 scores are 64 MB
_PROBES = 3
_KMEANS_STEPS = 2


@dataclass(frozen=True)
class Pairs:
    """Row pairs (first < second) and their cosine similarity."""

    first: np.ndarray  # int64 row numbers
    second: np.ndarray
    similarity: np.ndarray  # float32

    def __len__(self) -> int:
        return len(self.first)


def similar_pairs(
    vectors: np.ndarray,
    threshold: float,
    *,
    probes: int = _PROBES,
    exact_max_rows: int = EXACT_MAX_ROWS,
    cancel: CancelToken | None = None,
) -> Pairs:
    """Pairs of rows of the L2-normalised float32 `vectors` with cosine >= `threshold`."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n = len(vectors)
    if n < 2:
        return _pairs([], [], [])
    if n <= exact_max_rows:
        rows = np.arange(n)
        return _unique(_compare(vectors, rows, rows, threshold, cancel))
    centroids = _centroids(vectors, int(np.sqrt(n)), cancel)
    nearest = _nearest_centroids(vectors, centroids, min(probes, len(centroids)), cancel)
    members_of = _inverted_lists(nearest[:, :1], len(centroids))  # each row in its home list
    queries_of = _inverted_lists(nearest, len(centroids))  # each row probes `probes` lists
    found = [
        _compare(vectors, queries, members, threshold, cancel)
        for members, queries in zip(members_of, queries_of, strict=True)
        if len(members) and len(queries)
    ]
    return _unique(_concat(found))


def _inverted_lists(assignment: np.ndarray, count: int) -> list[np.ndarray]:
    """For each centroid, the rows whose `assignment` (N, k) names it."""
    flat = assignment.ravel()
    order = np.argsort(flat, kind="stable")
    starts = np.searchsorted(flat[order], np.arange(count + 1))
    rows = order // assignment.shape[1]
    return [rows[starts[c] : starts[c + 1]] for c in range(count)]


def _compare(
    vectors: np.ndarray,
    queries: np.ndarray,
    members: np.ndarray,
    threshold: float,
    cancel: CancelToken | None,
) -> Pairs:
    """Pairs (query, member) above the threshold, one BLAS product per block of queries."""
    found = []
    target = vectors[members].T
    for start in range(0, len(queries), _BLOCK):
        if cancel is not None and cancel.cancelled:
            break
        block = queries[start : start + _BLOCK]
        scores = vectors[block] @ target
        q, m = np.nonzero(scores >= threshold)
        a, b = block[q], members[m]
        keep = a != b
        found.append(_pairs(a[keep], b[keep], scores[q[keep], m[keep]]))
    return _concat(found)


def _centroids(vectors: np.ndarray, count: int, cancel: CancelToken | None) -> np.ndarray:
    """`count` unit centroids: a random sample, then spherical k-means steps on a sample."""
    rng = np.random.default_rng(0)
    sample = vectors[rng.choice(len(vectors), min(len(vectors), 64 * count), replace=False)]
    centroids = sample[rng.choice(len(sample), count, replace=False)].copy()
    for _ in range(_KMEANS_STEPS):
        if cancel is not None and cancel.cancelled:
            break
        assigned = np.argmax(sample @ centroids.T, axis=1)
        sums = np.zeros_like(centroids)
        np.add.at(sums, assigned, sample)
        norms = np.linalg.norm(sums, axis=1)
        filled = norms > 0
        centroids[filled] = sums[filled] / norms[filled, None]
    return centroids


def _nearest_centroids(
    vectors: np.ndarray, centroids: np.ndarray, probes: int, cancel: CancelToken | None
) -> np.ndarray:
    """(N, probes) centroid numbers, nearest first."""
    nearest = np.empty((len(vectors), probes), dtype=np.int64)
    for start in range(0, len(vectors), _BLOCK * 4):
        if cancel is not None and cancel.cancelled:
            break
        scores = vectors[start : start + _BLOCK * 4] @ centroids.T
        top = np.argpartition(-scores, probes - 1, axis=1)[:, :probes]
        ranked = np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1)
        nearest[start : start + len(scores)] = np.take_along_axis(top, ranked, axis=1)
    return nearest


def _pairs(first: object, second: object, similarity: object) -> Pairs:
    return Pairs(
        np.asarray(first, dtype=np.int64),
        np.asarray(second, dtype=np.int64),
        np.asarray(similarity, dtype=np.float32),
    )


def _concat(parts: list[Pairs]) -> Pairs:
    if not parts:
        return _pairs([], [], [])
    return Pairs(
        np.concatenate([p.first for p in parts]),
        np.concatenate([p.second for p in parts]),
        np.concatenate([p.similarity for p in parts]),
    )


def _unique(pairs: Pairs) -> Pairs:
    """Each unordered pair once, as (smaller row, larger row)."""
    low = np.minimum(pairs.first, pairs.second)
    high = np.maximum(pairs.first, pairs.second)
    _, index = np.unique(low * (int(high.max(initial=0)) + 1) + high, return_index=True)
    return Pairs(low[index], high[index], pairs.similarity[index])
