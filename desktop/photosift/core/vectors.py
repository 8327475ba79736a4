"""The active model's vectors in memory, exact top-k over them, and the relevance cut-off.

Why it looks like this:
- One contiguous float32 matrix (rows = photos) with amortised growth: the indexer feeds new
  photos batch by batch, and a per-add reallocation would make indexing quadratic. Removing a
  photo moves the last row into its place, so the live rows stay one prefix of the buffer.
- Photo ids map to rows through a dense int32 array indexed by id (SQLite rowids are small and
  dense), so a filter's id list becomes a row mask with numpy, never a Python loop.
- Scoring is memory-bound: 1M x 512 float32 is 2 GB read per query. From ``ACCEL_MIN_ROWS``
  rows on, a shadow copy quantised to int8 per row (scale = max|x|/127) is scored first with
  torch's weight-only int8 kernel (a quarter of the bytes), then the candidates within the
  quantisation error of the k-th score are re-scored exactly in float32. The result is the
  exact top-k unless a quantisation error exceeds ``_ERROR_SIGMAS`` standard deviations.
  The kernel is private to torch and only safe for some shapes, so it is used only for
  dimensions that are multiples of 64 after a self-check, and ``PHOTOSIFT_VECTOR_BACKEND=
  float32`` switches it off. numpy float16 arithmetic is never used (it is emulated, ~25x slower).
- Thread-safe: every public method takes the index's lock.

Relevance cut-off (:func:`relevance_cutoff`): cosine scores mean different things for
different queries and models (real CLIP text queries top out near 0.3, image queries near 0.9,
the toy model spans -0.3..0.7), so a fixed threshold cannot work. Each query's scores are
standardised against the library's own score distribution for that query,
z = (s - median) / (1.4826 * MAD), both robust to the few true matches, and a result is kept
when either

1. it stands out further than noise would: z >= max(4t, E[max z of N normals] - 2(1 - t)),
   where t is the strength and N the number of photos ranked. The second term grows with the
   library (3.0 for 300 photos, 4.4 for 100k), so for a query that matches nothing only a
   few dozen noise results pass at "normal" whatever the library size (Gaussian background:
   ~7 of 300, ~30 of 100k, ~60 of 1M; ~5 at "strict"); or
2. it belongs to a top group set apart by an unusually wide gap (:func:`_group_boundary`),
   which catches a clear group of matches whose z is modest because the library's scores are
   multimodal.

t is 0 (off) .. 1; the named levels are loose 0.25, normal 0.5, strict 0.75. Limitation: a
query that matches more than about half of the ranked photos has no crowd to stand out from
and keeps few results; use a looser level, "off" or a filter.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

ACCEL_MIN_ROWS = 32_768  # below this a plain float32 product takes a few milliseconds
CUTOFF_LEVELS: dict[str, float] = {"off": 0.0, "loose": 0.25, "normal": 0.5, "strict": 0.75}
MIN_BACKGROUND = 8  # fewer scores than this say nothing about a query's background
CUTOFF_WINDOW = 1000  # best results the cut-off looks at, whatever top_k is
_SAMPLE = 16_384  # scores sampled for the median/MAD of a query's background
_ERROR_SIGMAS = 6.0
_MAX_ID = 2**31 - 1


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
        self._int8: _Int8Shadow | None = None
        self._accel_tried = False

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
        shadow = _Int8Shadow.create(self.dim, self._backend)
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

    def vector(self, photo_id: int) -> np.ndarray | None:
        row = int(self.rows_of([photo_id])[0])
        with self._lock:
            return self._matrix[row].copy() if 0 <= row < self._n else None

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
            mask = None if only is None else self.mask_for(only)
            if len(exclude):
                mask = np.ones(n, dtype=bool) if mask is None else mask
                excluded = self.rows_of(exclude)
                mask[excluded[excluded >= 0]] = False
            considered = n if mask is None else int(np.count_nonzero(mask))
            rows, error = None, None  # rows: what scores[i] refers to (None = row i)
            if considered * 8 < n:  # few rows pass the filter: gather them and score exactly
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


class _Int8Shadow:
    """Rows quantised to int8 with a per-row bfloat16 scale, scored by torch's int8 x bf16 kernel."""

    def __init__(self, dim: int) -> None:
        import torch

        self._torch = torch
        self.dim = dim
        self.q = np.zeros((1024, dim), dtype=np.int8)
        self.scale = torch.zeros(1024, dtype=torch.bfloat16)
        self.max_scale = 0.0

    @classmethod
    def create(cls, dim: int, backend: str | None) -> _Int8Shadow | None:
        choice = (backend or os.environ.get("PHOTOSIFT_VECTOR_BACKEND") or "auto").lower()
        if choice not in ("auto", "int8") or dim % 64 != 0:
            return None
        try:
            shadow = cls(dim)
            return shadow if shadow._self_check() else None
        except (ImportError, AttributeError, RuntimeError):
            return None

    def _self_check(self) -> bool:
        rng = np.random.default_rng(0)
        sample = rng.standard_normal((300, self.dim)).astype(np.float32)
        sample /= np.linalg.norm(sample, axis=1, keepdims=True)
        self.write(np.arange(300), sample)
        approx = self.scores(sample[0], 300)
        error = np.abs(approx - sample @ sample[0]).max()
        self.q[:300], self.max_scale = 0, 0.0
        self.scale.zero_()
        return bool(error <= self.error_bound(1.0))

    @property
    def nbytes(self) -> int:
        return self.q.nbytes + self.scale.numel() * 2

    def reserve(self, capacity: int, used: int) -> None:
        q = np.zeros((capacity, self.dim), dtype=np.int8)
        q[:used] = self.q[:used]
        scale = self._torch.zeros(capacity, dtype=self._torch.bfloat16)
        scale[:used] = self.scale[:used]
        self.q, self.scale = q, scale

    def write(self, rows: np.ndarray, vectors: np.ndarray) -> None:
        torch = self._torch
        if len(rows) and rows.max() >= len(self.q):
            self.reserve(max(int(rows.max()) + 1, len(self.q) * 2), len(self.q))
        wanted = np.maximum(np.abs(vectors).max(axis=1), 1e-12) / 127.0
        scale = torch.from_numpy(wanted.astype(np.float32)).to(torch.bfloat16)
        exact = scale.float().numpy()  # quantise against the scale the kernel will use
        self.q[rows] = np.clip(np.rint(vectors / exact[:, None]), -127, 127).astype(np.int8)
        self.scale[torch.from_numpy(np.asarray(rows, dtype=np.int64))] = scale
        if len(exact):
            self.max_scale = max(self.max_scale, float(exact.max()))

    def copy_row(self, source: int, target: int) -> None:
        self.q[target] = self.q[source]
        self.scale[target] = self.scale[source]

    def scores(self, query: np.ndarray, n: int) -> np.ndarray:
        """Approximate cosines of the first n rows (float32).

        The product is memory-bound and its threads meet at a barrier: on an idle machine two
        threads halve the time, but when the cores are already busy (the indexer, another
        app) waiting for a descheduled thread doubles it. So it runs on one thread while the
        load average says the CPU is saturated; the thread count is per calling thread
        (OpenMP), other threads keep theirs. The kernel returns bfloat16; widening it in torch
        is threaded too, so the bits are shifted in numpy instead.
        """
        torch = self._torch
        q = torch.from_numpy(query).to(torch.bfloat16).reshape(1, self.dim)
        previous = torch.get_num_threads()
        torch.set_num_threads(1 if _cpu_saturated() else previous)
        try:
            approx = torch._weight_int8pack_mm(q, torch.from_numpy(self.q[:n]), self.scale[:n])[0]
        finally:
            torch.set_num_threads(previous)
        bits = approx.view(torch.int16).numpy().view(np.uint16)
        return (bits.astype(np.uint32) << 16).view(np.float32)

    def error_bound(self, magnitude: float) -> float:
        """Quantisation noise (std scale/sqrt(12) for a unit query) plus bfloat16 rounding."""
        return _ERROR_SIGMAS * self.max_scale / np.sqrt(12.0) + 3 * 2.0**-8 * (magnitude + 0.05)


def _cpu_saturated() -> bool:
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # not on Windows
        return False
    return load >= (os.cpu_count() or 1) - 0.5


# -- relevance cut-off ---------------------------------------------------------------------
def cutoff_strength(value: str | float | None) -> float:
    """A named level or a number 0..1 (the GUI slider) as a strength 0 (off) .. 1 (strictest)."""
    if value is None:
        return 0.0
    if isinstance(value, str):
        if value.lower() in CUTOFF_LEVELS:
            return CUTOFF_LEVELS[value.lower()]
        raise ValueError(f"unknown cut-off {value!r}; use {', '.join(CUTOFF_LEVELS)} or 0..1")
    strength = float(value)
    if not 0.0 <= strength <= 1.0:
        raise ValueError("a cut-off strength lies between 0 (off) and 1 (strictest)")
    return strength


def relevance(scores: np.ndarray, background: np.ndarray) -> np.ndarray:
    """z-scores of `scores` against the background's median and MAD.

    With too few background scores to estimate a spread every result counts as relevant
    (z = inf): a library of five photos has no crowd to stand out from.
    """
    if len(background) < MIN_BACKGROUND:
        return np.full(len(scores), np.inf, dtype=np.float32)
    centre = float(np.median(background))
    spread = 1.4826 * float(np.median(np.abs(background - centre)))
    spread = max(spread, float(np.std(background)) * 0.1, 1e-6)
    return ((np.asarray(scores, dtype=np.float64) - centre) / spread).astype(np.float32)


def expected_max_z(count: int) -> float:
    """Expected largest of `count` standard normal draws (extreme-value approximation)."""
    n = max(count, 3)
    a = np.sqrt(2 * np.log(n))
    return float(a - (np.log(np.log(n)) + np.log(4 * np.pi)) / (2 * a))


def relevance_cutoff(scores: np.ndarray, z: np.ndarray, considered: int, strength: float) -> int:
    """How many of the best-first results pass the cut-off (see the module docstring).

    `scores`/`z`: the best-first window of results (cosines and their z-scores); `considered`:
    how many photos were ranked.
    """
    if strength <= 0 or len(z) == 0 or not np.isfinite(z[0]):
        return len(z)
    floor = max(4.0 * strength, expected_max_z(considered) - 2.0 * (1.0 - strength))
    keep = int(np.count_nonzero(z >= floor))
    return max(keep, _group_boundary(scores[: max(considered // 2, 1)], strength))


def _group_boundary(scores: np.ndarray, strength: float) -> int:
    """Size of a top group set apart by an unusually wide gap, or 0 if there is none.

    In the upper tail of a continuous score distribution the normalised spacings
    i * (s_i - s_i+1) are roughly independent exponentials (Renyi); the end of a real group
    of matches shows up as one far larger than the rest. It must also be a visible gap: at
    least a tenth of the window's score range, so tiny gaps deep in a long tail never count.
    """
    if len(scores) < 4:
        return 0
    gaps = -np.diff(scores.astype(np.float64))
    spacings = np.arange(1, len(gaps) + 1) * gaps
    scale = max(float(np.median(spacings)) / np.log(2), 1e-12)
    best = int(np.argmax(spacings))
    significant = spacings[best] >= scale * (np.log(len(spacings)) + 8.0 * strength)
    visible = gaps[best] >= 0.1 * float(scores[0] - scores[-1])
    return best + 1 if significant and visible else 0
