"""The int8 scoring backend behind VectorIndex: a quarter of the bytes of float32 per query.

Why it exists: scoring is memory-bound (1M x 512 float32 is 2 GB read per query), so from
``vectors.ACCEL_MIN_ROWS`` rows on the index keeps a shadow copy quantised to int8 per row
(scale = max|x|/127, stored as bfloat16) and scores it with torch's weight-only int8 kernel.
The result is approximate; :meth:`Int8Shadow.error_bound` tells the index how far to widen
its shortlist so the exact float32 re-score still yields the exact top-k unless a
quantisation error exceeds ``_ERROR_SIGMAS`` standard deviations.

Why only where torch is already loaded (a torch engine, the GPU path): importing torch for
search alone costs seconds and about a gigabyte, which a one-off ``photosift search`` or the
ONNX-engine app should not pay. Without torch the index scans float32 (measured on 2 cores at
1M x 512: 94 ms wall per query, against 26 ms for this kernel and 176 ms for ONNX Runtime's
``MatMulInteger``, which has no single-vector int8 path); ``PHOTOSIFT_VECTOR_BACKEND=int8``
asks for the shadow anyway and imports torch.

Why it is guarded: ``torch._weight_int8pack_mm`` is private to torch and only safe for some
shapes, so it is used only for dimensions that are multiples of 64 and after a self-check on
random data; ``PHOTOSIFT_VECTOR_BACKEND=float32`` switches it off. Any failure to import or
run torch falls back to plain float32 (``Int8Shadow.create`` returns None). numpy float16
arithmetic is never used instead: it is emulated, ~25x slower.
"""

from __future__ import annotations

import os
import sys

import numpy as np

_ERROR_SIGMAS = 6.0


class Int8Shadow:
    """Rows quantised to int8 with a per-row bfloat16 scale, scored by torch's int8 x bf16 kernel."""

    def __init__(self, dim: int) -> None:
        import torch

        self._torch = torch
        self.dim = dim
        self.q = np.zeros((1024, dim), dtype=np.int8)
        self.scale = torch.zeros(1024, dtype=torch.bfloat16)
        self.max_scale = 0.0

    @classmethod
    def create(cls, dim: int, backend: str | None) -> Int8Shadow | None:
        choice = (backend or os.environ.get("PHOTOSIFT_VECTOR_BACKEND") or "auto").lower()
        if choice not in ("auto", "int8") or dim % 64 != 0:
            return None
        if choice == "auto" and "torch" not in sys.modules:
            return None  # float32 rather than importing torch for search (module docstring)
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
        allowed = self.error_bound(1.0)  # before max_scale is reset, or the bound is too tight
        self.q[:300], self.max_scale = 0, 0.0
        self.scale.zero_()
        return bool(error <= allowed)

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
