"""Stored label vectors: a label's prompt-ensemble text embedding, once per model and prompts.

Why stored: embedding the 287-label vocabulary (about 1,700 prompts) takes minutes on a busy
CPU; it was redone on every start and blocked the tag panel. Vectors are keyed by a hash of
the label's prompts rather than by the label, so renaming keeps them, editing a label's
prompts needs exactly one new vector, and two labels with the same prompts share one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from photosift.core.library.vector_records import vector_blob

if TYPE_CHECKING:
    import numpy as np

    from photosift.core.library.store import Store


def prompts_key(prompts: Sequence[str]) -> str:
    """A stable key for a prompt list (order matters: it is the label's own list)."""
    data = json.dumps(list(prompts), ensure_ascii=False).encode("utf-8")
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class LabelVectorRecords:
    """Reads and writes `label_vectors` through one thread's `Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def load(self, model_id: int, keys: Iterable[str]) -> dict[str, np.ndarray]:
        """Stored vectors among `keys` (float32, writable); missing keys are left out."""
        import numpy as np

        rows = self.store.db.execute(
            "SELECT prompts_key, vector FROM label_vectors WHERE model_id = ? "
            "AND prompts_key IN (SELECT value FROM json_each(?))",
            [model_id, json.dumps(sorted(set(keys)))],
        )
        return {key: np.frombuffer(blob, "<f4").astype(np.float32) for key, blob in rows}

    def save(self, model_id: int, vectors: Mapping[str, np.ndarray]) -> None:
        """Store vectors in one transaction (a chunk of labels: a kill loses only that chunk)."""
        with self.store.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO label_vectors (model_id, prompts_key, vector) "
                "VALUES (?, ?, ?)",
                [(model_id, key, vector_blob(v)) for key, v in vectors.items()],
            )
