"""What the scanner compares files on disk with, and how an indexed batch is written.

Why a mixin apart from the photo queries: this is the write side of indexing. Each method is
one transaction, so a killed run loses at most the batch in flight and a rename keeps its
photo id, vectors and tags.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from photosift.core.library.records import MissingPhotos
from photosift.core.library.vector_records import vector_blob

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    import sqlite_utils


#: Skips that say nothing about the file itself: retried on every run, and the photo row (if
#: any) is kept as it is.
TRANSIENT_REASONS = frozenset({"permission_denied", "vanished"})


@dataclass(frozen=True)
class KnownPhoto:
    """What the scanner compares a file on disk with."""

    id: int
    size: int
    mtime_ns: int
    fingerprint: str
    has_vector: bool
    device: int | None = None  # st_dev of its folder when last seen (None: before schema 2)
    offline: bool = False
    removed_at: float | None = None  # soft-removed: the file is known gone

    @property
    def removed(self) -> bool:
        return self.removed_at is not None


@dataclass(frozen=True)
class KnownSkip:
    id: int
    size: int | None
    mtime_ns: int | None
    reason: str


@dataclass(frozen=True)
class PhotoMove:
    photo_id: int
    root_id: int
    relpath: str  # stored form (paths.encode_relpath)
    mtime_ns: int
    device: int | None = None


@dataclass
class PhotoWrite:
    """One catalogued or embedded file; `photo_id` None = a photo the library has not seen.

    `vector` None = catalogued only (header read, no model): the row is written and, unless
    `keep_other_vectors`, vectors of its previous content are dropped."""

    root_id: int
    relpath: str  # stored form
    size: int
    mtime_ns: int
    fingerprint: str
    file_type: str
    width: int | None
    height: int | None
    taken_at: float | None
    camera: str | None
    vector: np.ndarray | None
    photo_id: int | None = None
    keep_other_vectors: bool = False  # True when only this model's vector was missing
    device: int | None = None  # st_dev of the folder it was found in


@dataclass
class SkipWrite:
    """One file that could not be indexed; `remember` False = forget it (it vanished)."""

    root_id: int
    relpath: str  # stored form
    size: int | None
    mtime_ns: int | None
    reason: str
    detail: str | None
    remember: bool = True


class ScanRecordsMixin:
    """Scan bookkeeping and batch commits of a `Store`."""

    # Provided by Store; declared so the methods below type-check on their own.
    db: sqlite_utils.Database
    path: Path

    if TYPE_CHECKING:

        def transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...

    _KNOWN = (
        "SELECT p.id, p.relpath, p.size, p.mtime_ns, p.fingerprint, ? IS NULL OR EXISTS "
        "(SELECT 1 FROM embeddings e WHERE e.photo_id = p.id AND e.model_id = ?), p.device, "
        "p.offline, p.removed_at FROM photos p "
    )

    @staticmethod
    def _known(r: tuple) -> KnownPhoto:
        return KnownPhoto(r[0], r[2], r[3], r[4], bool(r[5]), r[6], bool(r[7]), r[8])

    def known_photos(self, root_id: int, model_id: int | None) -> dict[str, KnownPhoto]:
        """Photos under a root by stored relpath, with whether `model_id` has their vector.

        `model_id` None is the catalog's view: a stored row is all a photo needs, so every
        known photo counts as having what it needs (`has_vector` True)."""
        rows = self.db.execute(self._KNOWN + "WHERE p.root_id = ?", [model_id, model_id, root_id])
        return {r[1]: self._known(r) for r in rows}

    def lost_photos(self, model_id: int | None) -> list[KnownPhoto]:
        """Photos not where they were (offline, or soft-removed): candidates for a move."""
        rows = self.db.execute(
            self._KNOWN + "WHERE p.offline = 1 OR p.removed_at IS NOT NULL", [model_id, model_id]
        )
        return [self._known(r) for r in rows]

    def known_skips(self, root_id: int) -> dict[str, KnownSkip]:
        rows = self.db.execute(
            "SELECT id, relpath, size, mtime_ns, reason FROM skipped WHERE root_id = ?", [root_id]
        )
        return {r[1]: KnownSkip(r[0], r[2], r[3], r[4]) for r in rows}

    def apply_scan(
        self,
        moves: Sequence[PhotoMove],
        removed_photo_ids: Sequence[int],
        removed_skip_ids: Sequence[int],
        *,
        offline_photo_ids: Sequence[int] = (),
        restored_photo_ids: Sequence[int] = (),
        devices: Sequence[tuple[int, int]] = (),
    ) -> None:
        """Record one scan's verdicts in one transaction: moved files (same id, vectors and
        tags), files known gone (soft-removed: `removed_at`, purged after a grace period),
        photos whose folder is unavailable (offline) and photos found again."""
        now = time.time()
        with self.transaction() as conn:
            for move in moves:
                conn.execute(
                    "DELETE FROM skipped WHERE root_id = ? AND relpath = ?",
                    [move.root_id, move.relpath],
                )
                conn.execute(
                    "UPDATE photos SET root_id = ?, relpath = ?, mtime_ns = ?, "
                    "device = COALESCE(?, device), offline = 0, removed_at = NULL WHERE id = ?",
                    [move.root_id, move.relpath, move.mtime_ns, move.device, move.photo_id],
                )
            ids = "(SELECT value FROM json_each(?))"
            conn.execute(
                f"UPDATE photos SET removed_at = ? WHERE removed_at IS NULL AND id IN {ids}",
                [now, json.dumps(list(removed_photo_ids))],
            )
            conn.execute(
                f"UPDATE photos SET offline = 1 WHERE id IN {ids}",
                [json.dumps(list(offline_photo_ids))],
            )
            conn.execute(
                f"UPDATE photos SET offline = 0, removed_at = NULL WHERE id IN {ids}",
                [json.dumps(list(restored_photo_ids))],
            )
            conn.executemany(
                "UPDATE photos SET device = ? WHERE id = ?", [(d, i) for i, d in devices]
            )
            conn.execute(
                f"DELETE FROM skipped WHERE id IN {ids}", [json.dumps(list(removed_skip_ids))]
            )

    def purge_removed(self, older_than: float | None = None) -> list[int]:
        """Forget soft-removed photos (all, or those removed before `older_than`) for good,
        with their vectors and tags; returns their ids. The files are not touched."""
        with self.transaction() as conn:
            rows = conn.execute(
                "DELETE FROM photos WHERE removed_at IS NOT NULL AND (? IS NULL OR removed_at < ?) "
                "RETURNING id",
                [older_than, older_than],
            ).fetchall()
        return sorted(r[0] for r in rows)

    def missing_photos(self) -> MissingPhotos:
        """How many photos `purge_removed` and `forget_offline_photos` would forget."""
        removed, offline = self.db.execute(
            "SELECT COALESCE(SUM(removed_at IS NOT NULL), 0), "
            "COALESCE(SUM(offline = 1 AND removed_at IS NULL), 0) FROM photos"
        ).fetchone()
        return MissingPhotos(int(removed), int(offline))

    def forget_offline_photos(self) -> list[int]:
        """Forget photos whose folder is offline (the user confirmed they are gone)."""
        with self.transaction() as conn:
            rows = conn.execute("DELETE FROM photos WHERE offline = 1 RETURNING id").fetchall()
        return sorted(r[0] for r in rows)

    def mark_root_scanned(self, root_id: int) -> None:
        with self.transaction():
            self.db.execute("UPDATE roots SET last_scan = ? WHERE id = ?", [time.time(), root_id])

    def commit_batch(
        self, model_id: int | None, photos: Sequence[PhotoWrite], skips: Sequence[SkipWrite]
    ) -> list[int]:
        """Write one catalogued or indexed batch atomically; returns the ids written.

        `model_id` may be None when no photo of the batch carries a vector."""
        ids: list[int] = []
        now = time.time()
        with self.transaction() as conn:
            for item in photos:
                photo_id = self._write_photo(conn, item, now)
                if not item.keep_other_vectors:
                    conn.execute("DELETE FROM embeddings WHERE photo_id = ?", [photo_id])
                if item.vector is not None:
                    conn.execute(
                        "INSERT OR REPLACE INTO embeddings (photo_id, model_id, vector) "
                        "VALUES (?, ?, ?)",
                        [photo_id, model_id, vector_blob(item.vector)],
                    )
                conn.execute(
                    "DELETE FROM skipped WHERE root_id = ? AND relpath = ?",
                    [item.root_id, item.relpath],
                )
                ids.append(photo_id)
            for skip in skips:
                key = [skip.root_id, skip.relpath]
                if skip.reason not in TRANSIENT_REASONS:  # soft-removed: its tags survive a while
                    conn.execute(
                        "UPDATE photos SET removed_at = COALESCE(removed_at, ?) "
                        "WHERE root_id = ? AND relpath = ?",
                        [now, *key],
                    )
                if not skip.remember:  # it vanished while being read: the next scan decides
                    conn.execute("DELETE FROM skipped WHERE root_id = ? AND relpath = ?", key)
                    continue
                conn.execute(
                    "INSERT INTO skipped (root_id, relpath, size, mtime_ns, reason, detail, at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (root_id, relpath) DO UPDATE SET "
                    "size = excluded.size, mtime_ns = excluded.mtime_ns, "
                    "reason = excluded.reason, detail = excluded.detail, at = excluded.at",
                    [*key, skip.size, skip.mtime_ns, skip.reason, skip.detail, now],
                )
        return ids

    @staticmethod
    def _write_photo(conn: sqlite3.Connection, item: PhotoWrite, now: float) -> int:
        values = [
            item.size, item.mtime_ns, item.fingerprint, item.file_type,
            item.width, item.height, item.taken_at, item.camera, item.device,
        ]  # fmt: skip
        if item.photo_id is not None:
            updated = conn.execute(
                "UPDATE photos SET size = ?, mtime_ns = ?, fingerprint = ?, file_type = ?, "
                "width = ?, height = ?, taken_at = ?, camera = ?, device = COALESCE(?, device), offline = 0, "
                "removed_at = NULL WHERE id = ?",
                [*values, item.photo_id],
            )
            if updated.rowcount:
                return item.photo_id
        row = conn.execute(
            "INSERT INTO photos (root_id, relpath, size, mtime_ns, fingerprint, file_type, "
            "width, height, taken_at, camera, device, offline, added_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?) ON CONFLICT (root_id, relpath) "
            "DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, "
            "fingerprint = excluded.fingerprint, file_type = excluded.file_type, "
            "width = excluded.width, height = excluded.height, taken_at = excluded.taken_at, "
            "camera = excluded.camera, device = COALESCE(excluded.device, photos.device), "
            "offline = 0, removed_at = NULL "
            "RETURNING id",
            [item.root_id, item.relpath, *values, now],
        ).fetchone()
        return row[0]
