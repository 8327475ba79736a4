"""The active model's vectors in memory and exact top-k over them.

Why it looks like this:
- One contiguous float32 matrix (rows = photos) with amortised growth: the indexer feeds new
  photos batch by batch, and a per-add reallocation would make indexing quadratic. Removing a
  photo moves the last row into its place, so the live rows stay one prefix of the buffer.
- Photo ids map to rows through a dense int32 array indexed by id (SQLite rowids are small and
  dense), so a filter's id list becomes a row mask with numpy, never a Python loop.
- Scoring is memory-bound: from ``ACCEL_MIN_ROWS`` rows on, an int8 shadow copy
  (:mod:`photosift.core.search.int8`) is scored first, then the candidates within its
  quantisation error of the k-th score are re-scored exactly in float32, so the result is
  still the exact top-k.
- Thread-safe: every public method takes the index's lock.

The relevance cut-off lives in :mod:`photosift.core.search.relevance`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from photosift.core.search.int8 import Int8Shadow

ACCEL_MIN_ROWS = 32_768  # below this a plain float32 product takes a few milliseconds
_SAMPLE = 16_384  # scores sampled for the median/MAD of a query's background
_MAX_ID = 2**31 - 1
_SPREAD_SAMPLE = 4096  # rows the library's score spread is estimated on


@dataclass(frozen=True)
class Ranked:
    """Best-first ids and exact cosine scores, plus a sample of all candidates' scores."""

    ids: np.ndarray  # int64
    scores: np.ndarray  # float32, descending
    background: np.ndarray  # float32 sample of the scores of every row ranked
    considered: int  # rows ranked (after `only` and `exclude`)


class VectorIndex:
    def __init__(self, dim: int, *, capacity: int = 1024, backend: str | None = None) -> None:
        self.dim = int(dim)
        self._lock = threading.RLock()
        self._n = 0
        self._matrix = np.zeros((max(capacity, 1), self.dim), dtype=np.float32)
        self._ids = np.zeros(max(capacity, 1), dtype=np.int64)
        self._row_of = np.full(1024, -1, dtype=np.int32)
        self._backend = backend
        self._int8: Int8Shadow | None = None
        self._accel_tried = False
        self._spread: tuple[int, float] | None = None  # (rows it was measured on, spread)

    @classmethod
    def from_arrays(cls, ids: np.ndarray, vectors: np.ndarray, **kwargs: object) -> VectorIndex:
        """An index over `vectors`, adopting the array itself when it can (Store.load_vectors
        hands over a fresh C-contiguous float32 matrix: copying a million rows would double
        the peak memory). The index then owns it: later removals move its rows."""
        ids = np.asarray(ids, dtype=np.int64)
        adoptable = (
            isinstance(vectors, np.ndarray)
            and vectors.dtype == np.float32
            and vectors.ndim == 2
            and vectors.flags.c_contiguous
            and vectors.flags.writeable
            and len(vectors) == len(ids)
            and len(ids) > 0
            and ids.min() >= 0
            and ids.max() <= _MAX_ID
            and len(np.unique(ids)) == len(ids)
        )
        if not adoptable:
            index = cls(vectors.shape[1], capacity=max(len(ids), 1024), **kwargs)  # type: ignore[arg-type]
            index.upsert(ids, vectors)
            return index
        index = cls(vectors.shape[1], capacity=1, **kwargs)  # type: ignore[arg-type]
        with index._lock:
            index._matrix, index._ids, index._n = vectors, ids.copy(), len(ids)
            index._grow_id_map(int(ids.max()))
            index._row_of[ids] = np.arange(len(ids), dtype=np.int32)
            if index._n >= ACCEL_MIN_ROWS:
                index._accelerate()
        return index

    def __len__(self) -> int:
        return self._n

    @property
    def backend(self) -> str:
        return "int8" if self._int8 is not None else "float32"

    @property
    def ids(self) -> np.ndarray:
        """Ids in row order (a copy)."""
        with self._lock:
            return self._ids[: self._n].copy()

    @property
    def nbytes(self) -> int:
        extra = self._int8.nbytes if self._int8 is not None else 0
        return self._matrix.nbytes + self._ids.nbytes + self._row_of.nbytes + extra

    def spread(self) -> float:
        """The largest standard deviation of scores any unit query can have over these photos:
        the square root of the top eigenvalue of the vectors' covariance. The relevance
        cut-off measures a query's own spread against it (relevance.py). Estimated on up to
        _SPREAD_SAMPLE evenly spaced rows and re-measured once the index has grown or shrunk
        by a tenth, so it costs nothing per search."""
        with self._lock:
            n = self._n
            if self._spread is not None and abs(n - self._spread[0]) <= 0.1 * max(
                self._spread[0], 1
            ):
                return self._spread[1]
            rows = self._matrix[: n : max(1, n // _SPREAD_SAMPLE)].astype(np.float64)
        spread = 0.0
        if len(rows) >= 2:
            centred = rows - rows.mean(axis=0)
            top = float(np.linalg.eigvalsh(centred.T @ centred)[-1])
            spread = float(np.sqrt(max(top, 0.0) / (len(rows) - 1)))
        with self._lock:
            self._spread = (n, spread)
        return spread

    # -- updates ---------------------------------------------------------------------------
    def upsert(self, ids: Sequence[int] | np.ndarray, vectors: np.ndarray) -> None:
        """Add photos, or replace the vectors of ones already present."""
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(ids), self.dim)
        if len(ids) and (ids.min() < 0 or ids.max() > _MAX_ID):
            raise ValueError("photo ids must lie in 0 .. 2**31-1")
        ids, first = np.unique(ids[::-1], return_index=True)  # the last vector given for an id wins
        vectors = vectors[::-1][first]
        with self._lock:
            self._grow_id_map(int(ids.max()) if len(ids) else 0)
            rows = self._row_of[ids].astype(np.int64)
            new = rows < 0
            rows[new] = np.arange(self._n, self._n + int(new.sum()))
            self._reserve(self._n + int(new.sum()))
            self._matrix[rows] = vectors
            self._ids[rows] = ids
            self._row_of[ids] = rows
            self._n += int(new.sum())
            if self._int8 is not None:
                self._int8.write(rows, vectors)
            elif self._n >= ACCEL_MIN_ROWS and not self._accel_tried:
                self._accelerate()

    def _accelerate(self) -> None:
        """Build the int8 shadow once the index is big enough for it to pay off."""
        self._accel_tried = True
        shadow = Int8Shadow.create(self.dim, self._backend)
        if shadow is not None:
            shadow.reserve(len(self._matrix), 0)
            for start in range(0, self._n, 65_536):
                rows = np.arange(start, min(start + 65_536, self._n))
                shadow.write(rows, self._matrix[rows])
            self._int8 = shadow

    def remove(self, ids: Sequence[int] | np.ndarray) -> int:
        """Forget photos; returns how many were present."""
        with self._lock:
            removed = 0
            for photo_id in np.asarray(ids, dtype=np.int64).reshape(-1):
                if not 0 <= photo_id < len(self._row_of) or self._row_of[photo_id] < 0:
                    continue
                row, last = int(self._row_of[photo_id]), self._n - 1
                if row != last:
                    moved = int(self._ids[last])
                    self._matrix[row] = self._matrix[last]
                    self._ids[row] = moved
                    self._row_of[moved] = row
                    if self._int8 is not None:
                        self._int8.copy_row(last, row)
                self._row_of[photo_id] = -1
                self._n -= 1
                removed += 1
            return removed

    def _reserve(self, rows: int) -> None:
        if rows <= len(self._matrix):
            return
        capacity = max(rows, int(len(self._matrix) * 1.5) + 1024)
        matrix = np.zeros((capacity, self.dim), dtype=np.float32)
        matrix[: self._n] = self._matrix[: self._n]
        ids = np.zeros(capacity, dtype=np.int64)
        ids[: self._n] = self._ids[: self._n]
        self._matrix, self._ids = matrix, ids
        if self._int8 is not None:
            self._int8.reserve(capacity, self._n)

    def _grow_id_map(self, max_id: int) -> None:
        if max_id < len(self._row_of):
            return
        grown = np.full(max(max_id + 1, len(self._row_of) * 2), -1, dtype=np.int32)
        grown[: len(self._row_of)] = self._row_of
        self._row_of = grown

    # -- lookups ---------------------------------------------------------------------------
    def rows_of(self, ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """Row of each id (-1 where absent)."""
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        with self._lock:
            inside = (ids >= 0) & (ids < len(self._row_of))
            rows = np.full(len(ids), -1, dtype=np.int64)
            rows[inside] = self._row_of[ids[inside]]
            return rows

    def mask_for(self, ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """Boolean row mask selecting the given ids (absent ids are ignored)."""
        rows = self.rows_of(ids)
        with self._lock:
            mask = np.zeros(self._n, dtype=bool)
            mask[rows[(rows >= 0) & (rows < self._n)]] = True
            return mask

    def _mask(
        self, only: np.ndarray | Sequence[int] | None, exclude: np.ndarray | Sequence[int]
    ) -> np.ndarray | None:
        """The rows a search ranks (None = all): those of `only`, less those of `exclude`."""
        mask = None if only is None else self.mask_for(only)
        if len(exclude):
            mask = np.ones(self._n, dtype=bool) if mask is None else mask
            excluded = self.rows_of(exclude)
            mask[excluded[excluded >= 0]] = False
        return mask

    def vector(self, photo_id: int) -> np.ndarray | None:
        row = int(self.rows_of([photo_id])[0])
        with self._lock:
            return self._matrix[row].copy() if 0 <= row < self._n else None

    def scores_of(self, ids: Sequence[int] | np.ndarray, query: np.ndarray) -> np.ndarray:
        """Exact cosine scores of these photos for `query` (-inf for an id not in the index):
        how a query's other terms judge the results one term ranked (engine.rank)."""
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(self.dim)
        with self._lock:
            rows = self.rows_of(ids)
            present = (rows >= 0) & (rows < self._n)
            scores = np.full(len(rows), -np.inf, dtype=np.float32)
            scores[present] = _dot(self._matrix[rows[present]], query)
            return scores

    def background(
        self,
        query: np.ndarray,
        *,
        only: np.ndarray | Sequence[int] | None = None,
        exclude: np.ndarray | Sequence[int] = (),
    ) -> np.ndarray:
        """A sample of `query`'s scores over the rows `search` would rank (about _SAMPLE of
        them, evenly spaced): what the relevance cut-off needs of a query's other terms, at a
        sample's cost instead of a full pass over a million rows."""
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(self.dim)
        with self._lock:
            n = self._n
            mask = self._mask(only, exclude)
            rows = np.arange(n) if mask is None else np.flatnonzero(mask)
            rows = rows[:: max(1, len(rows) // _SAMPLE)]
            return _dot(self._matrix[rows], query).astype(np.float32)

    # -- ranking ---------------------------------------------------------------------------
    def search(
        self,
        query: np.ndarray,
        k: int,
        *,
        only: np.ndarray | Sequence[int] | None = None,
        exclude: np.ndarray | Sequence[int] = (),
    ) -> Ranked:
        """Exact top-k by cosine (vectors and query are unit length).

        `only`: ids to rank among (a filter's result, None = all); `exclude`: ids to leave out.
        """
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(self.dim)
        with self._lock:
            n = self._n
            mask = self._mask(only, exclude)
            considered = n if mask is None else int(np.count_nonzero(mask))
            rows, error = None, None  # rows: what scores[i] refers to (None = row i)
            if mask is not None and considered * 8 < n:  # few rows pass: gather, score exactly
                rows = np.flatnonzero(mask)
                scores = _dot(self._matrix[rows], query)
            else:
                if self._int8 is None or n < ACCEL_MIN_ROWS:
                    scores = self._matrix[:n] @ query
                else:  # approximate first; the shortlist is re-scored exactly below
                    scores, error = self._int8.scores(query, n), self._int8.error_bound
                if mask is not None:
                    np.copyto(scores, np.float32(-np.inf), where=~mask)
            background = _sample(scores, considered)
            chosen = _shortlist(scores, min(k, considered), error, background, considered)
            chosen_rows = chosen if rows is None else rows[chosen]
            exact = scores[chosen] if error is None else _dot(self._matrix[chosen_rows], query)
            return _top(self._ids[chosen_rows], exact, k, background, considered)


def _dot(rows: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Single-threaded product for a few thousand rows: a threaded BLAS call this small spends
    longer waking its threads than computing, badly so when the CPU is busy."""
    return np.einsum("ij,j->i", rows, query)


def _sample(scores: np.ndarray, considered: int) -> np.ndarray:
    """About _SAMPLE of the finite scores (those of the rows that were ranked)."""
    sample = scores[:: max(1, considered // _SAMPLE)]
    return sample[np.isfinite(sample)].astype(np.float32)


def _shortlist(
    scores: np.ndarray,
    k: int,
    error: Callable[[float], float] | None,
    sample: np.ndarray,
    considered: int,
) -> np.ndarray:
    """Indices of every score that may belong to the top-k, given score errors up to error(kth).

    A full partition of a million scores costs more than the product; the sample tells a
    threshold that keeps a few times k, and only those are partitioned.
    """
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    wanted = 4 * k + 64
    guess = -np.inf
    if len(sample) and wanted < considered:
        guess = float(np.quantile(sample, 1.0 - wanted / considered))
    chosen = np.flatnonzero(scores >= guess)
    if len(chosen) < k:  # the sample misled: fall back to every finite score
        chosen = np.flatnonzero(np.isfinite(scores))
    kth = float(np.partition(scores[chosen], len(chosen) - k)[len(chosen) - k])
    floor = kth - (error(abs(kth)) if error is not None else 0.0)
    if floor < guess:
        chosen = np.flatnonzero(scores >= floor)
    else:
        chosen = chosen[scores[chosen] >= floor]
    limit = max(64 * k, 65_536)
    if len(chosen) > limit:  # a flat score landscape: keep the best approximations
        chosen = chosen[np.argpartition(scores[chosen], len(chosen) - limit)[len(chosen) - limit :]]
    return chosen


def _top(
    ids: np.ndarray, scores: np.ndarray, k: int, background: np.ndarray, considered: int
) -> Ranked:
    k = min(k, len(scores))
    if k <= 0:
        return Ranked(
            np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32), background, considered
        )
    best = np.argpartition(scores, len(scores) - k)[len(scores) - k :]
    best = best[np.lexsort((ids[best], -scores[best]))]
    return Ranked(ids[best].copy(), scores[best].astype(np.float32), background, considered)
