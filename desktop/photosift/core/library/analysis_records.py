"""Which catalogued photos a model has analysed: the queue of the second indexing phase.

Why a mixin of its own: cataloguing writes photo rows without vectors, so "what is left to
analyse" is a query, not a plan made while scanning. A run killed at any point resumes from
this query, and the window's "N of M photos ready for search" reads the same two counts.

The RAW of a joined RAW+JPEG pair (core/library/raw_pairs.py) is listed nowhere, so it is not
analysed either (`with_hidden_raws=False`): its JPEG stands for it in search, and decoding a
RAW costs many times a JPEG. It is neither queued nor counted; showing pairs as two files
again queues the RAWs for the next run.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from photosift.core.library.raw_pairs import hidden_raw_clause

if TYPE_CHECKING:
    import sqlite_utils


@dataclass(frozen=True)
class PendingPhoto:
    """A catalogued photo without a vector of the model asked about."""

    id: int
    root_id: int
    root_path: str
    relpath: str  # stored form (paths.encode_relpath)
    size: int
    mtime_ns: int
    fingerprint: str


@dataclass(frozen=True)
class AnalysisCounts:
    """How much of the library a model can search."""

    ready: int  # photos with a vector of the model
    total: int  # photos in the catalog

    @property
    def pending(self) -> int:
        return self.total - self.ready


class AnalysisRecordsMixin:
    """Queries about the analysis phase of a `Store`."""

    db: sqlite_utils.Database  # provided by Store

    def pending_photos(
        self, model_id: int, root_ids: Sequence[int], *, with_hidden_raws: bool = True
    ) -> list[PendingPhoto]:
        """Online photos under `root_ids` still to be analysed by `model_id`, in path order
        (without the RAWs hidden behind their JPEGs unless `with_hidden_raws`)."""
        rows = self.db.execute(
            "SELECT p.id, p.root_id, r.path, p.relpath, p.size, p.mtime_ns, p.fingerprint "
            "FROM photos p JOIN roots r ON r.id = p.root_id "
            "WHERE p.root_id IN (SELECT value FROM json_each(?)) AND p.offline = 0 "
            "AND p.removed_at IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.photo_id = p.id "
            f"AND e.model_id = ?){_listed(with_hidden_raws)} ORDER BY p.root_id, p.relpath",
            [json.dumps([int(i) for i in root_ids]), model_id],
        )
        return [PendingPhoto(*row) for row in rows]

    def analysis_counts(
        self, model_id: int | None, *, with_hidden_raws: bool = True
    ) -> AnalysisCounts:
        """Analysed and catalogued photos; `model_id` None (no model yet) has none analysed."""
        listed = _listed(with_hidden_raws)
        total = self.db.execute(
            f"SELECT COUNT(*) FROM photos p WHERE p.removed_at IS NULL{listed}"
        ).fetchone()[0]
        if model_id is None:
            return AnalysisCounts(0, total)
        ready = self.db.execute(
            "SELECT COUNT(*) FROM embeddings e JOIN photos p ON p.id = e.photo_id "
            f"WHERE e.model_id = ? AND p.removed_at IS NULL{listed}",
            [model_id],
        ).fetchone()[0]
        return AnalysisCounts(ready, total)


def _listed(with_hidden_raws: bool) -> str:
    """SQL to AND onto a query over `photos p`: leave out the RAWs hidden behind their JPEGs."""
    return "" if with_hidden_raws else f" AND NOT {hidden_raw_clause('p')}"
