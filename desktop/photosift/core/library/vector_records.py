"""Reading and forgetting embedding vectors, and their on-disk encoding.

Why a mixin: loading every vector of a model is the hot path of search start-up and has its
own tuning (one chunked SELECT into a preallocated matrix); it is kept apart from the photo
and scan bookkeeping so that tuning stays readable.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from photosift.core.errors import StoreError

if TYPE_CHECKING:
    import sqlite3
    from contextlib import AbstractContextManager

    import sqlite_utils

    from photosift.core.library.records import ModelRecord


class VectorRecordsMixin:
    """Vector reads and per-model removal of a `Store`."""

    # Provided by Store; declared so the methods below type-check on their own.
    db: sqlite_utils.Database
    path: Path

    if TYPE_CHECKING:

        @property
        def conn(self) -> sqlite3.Connection: ...
        def transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def model_by_spec(self, spec: str) -> ModelRecord | None: ...

    def load_vectors(self, model_id: int) -> tuple[np.ndarray, np.ndarray]:
        """All vectors of a model: (ids int64 sorted, (N, dim) float32 C-contiguous, writable).

        Offline photos are included (their vectors stay valid); filter with
        `offline_photo_ids()` where a search should hide them. One SELECT read in chunks
        whose blobs are joined and copied into a preallocated matrix: per-row numpy work would
        be ten times slower, and holding every row object at once would double peak memory.
        """
        return self._read_vectors(model_id, "", [])

    def ids_with_vectors(self, model_id: int) -> np.ndarray:
        """Ids of the photos that have a vector of this model, ascending."""
        rows = self.db.execute(
            "SELECT photo_id FROM embeddings WHERE model_id = ? ORDER BY photo_id", [model_id]
        )
        return np.fromiter((r[0] for r in rows), dtype=np.int64)

    def vectors_for(
        self, model_id: int, photo_ids: Sequence[int] | np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Like load_vectors for some photos (e.g. those one indexed batch just committed)."""
        wanted = json.dumps([int(i) for i in photo_ids])
        return self._read_vectors(
            model_id, "AND photo_id IN (SELECT value FROM json_each(?))", [wanted]
        )

    def _read_vectors(
        self, model_id: int, where: str, params: list
    ) -> tuple[np.ndarray, np.ndarray]:
        dim_row = self.db.execute("SELECT dim FROM models WHERE id = ?", [model_id]).fetchone()
        if dim_row is None:
            raise StoreError(f"No model with id {model_id} in {self.path}.")
        dim = dim_row[0]
        conn = self.conn
        conn.execute("SAVEPOINT read_vectors")  # count and rows from one snapshot
        try:
            count = conn.execute(
                f"SELECT COUNT(*) FROM embeddings WHERE model_id = ? {where}", [model_id, *params]
            ).fetchone()[0]
            ids = np.empty(count, dtype=np.int64)
            matrix = np.empty((count, dim), dtype=np.float32)
            cursor = conn.execute(
                f"SELECT photo_id, vector FROM embeddings WHERE model_id = ? {where}",
                [model_id, *params],
            )
            done = 0
            while rows := cursor.fetchmany(8192):
                block = b"".join([r[1] for r in rows])
                if len(block) != len(rows) * dim * 4:
                    raise StoreError(
                        f"Vectors in {self.path} do not match their model's dimension {dim}; "
                        "re-index with 'photosift index --reindex'."
                    )
                ids[done : done + len(rows)] = [r[0] for r in rows]
                matrix[done : done + len(rows)] = np.frombuffer(block, "<f4").reshape(-1, dim)
                done += len(rows)
        finally:
            conn.execute("RELEASE read_vectors")
        if count > 1 and bool((ids[1:] < ids[:-1]).any()):
            order = np.argsort(ids, kind="stable")
            ids, matrix = ids[order], matrix[order]
        return ids, matrix

    def library_model_specs(self) -> list[str]:
        """Specs of the models that have vectors in this library, oldest first."""
        rows = self.db.execute(
            "SELECT spec FROM models WHERE id IN (SELECT DISTINCT model_id FROM embeddings) "
            "ORDER BY id"
        )
        return [r[0] for r in rows]

    def remove_model_vectors(self, spec: str) -> int:
        """Forget a model and its vectors (for --reindex); returns how many vectors went."""
        record = self.model_by_spec(spec)
        if record is None:
            return 0
        with self.transaction():
            count = self.db.execute(
                "SELECT COUNT(*) FROM embeddings WHERE model_id = ?", [record.id]
            ).fetchone()[0]
            self.db.execute("DELETE FROM models WHERE id = ?", [record.id])
        return count


def vector_blob(vector: np.ndarray) -> bytes:
    """float32 little-endian bytes of an L2-normalised vector (normalised again to be sure)."""
    values = np.asarray(vector, dtype=np.float64).reshape(-1)
    norm = float(np.linalg.norm(values))
    if norm > 0:
        values = values / norm
    return values.astype("<f4").tobytes()
