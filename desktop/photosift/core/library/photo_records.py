"""Reading photo and skipped-file rows: what the GUI, search and CLI show of a library.

Why a mixin: `Store` stays the one object callers open per thread, while the queries about
photos live apart from the connection, schema and migration code in store.py.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from photosift.core.library.raw_pairs import (
    PairRole,
    hidden_raw_clause,
    joins_raw_pairs,
    pair_role,
    pair_sql,
)
from photosift.core.library.records import ACTIVE_MODEL_SETTING
from photosift.core.paths import decode_relpath, encode_relpath

if TYPE_CHECKING:
    import sqlite3
    from contextlib import AbstractContextManager

    import sqlite_utils

    from photosift.core.library.records import ModelRecord, Root


@dataclass(frozen=True)
class PhotoRecord:
    id: int
    root_id: int
    relpath: str  # as the OS names it ('/'-separated, may hold surrogate escapes)
    abspath: Path
    size: int
    mtime_ns: int
    width: int | None
    height: int | None
    taken_at: float | None
    camera: str | None
    file_type: str
    offline: bool  # its folder is unavailable (unplugged drive, unmounted share): kept
    removed_at: float | None = None  # the file is known gone: hidden, forgotten after a grace
    #: The other file of a RAW+JPEG pair shot together (same folder and name): a JPEG's RAW,
    #: a RAW's JPEG; None when the file has no such twin (see raw_pairs.py).
    pair_id: int | None = None
    pair_role: PairRole = PairRole.NONE  # how the lists show it: the pair's face, or hidden

    @property
    def presence(self) -> Presence:
        if self.removed_at is not None:
            return Presence.REMOVED
        return Presence.OFFLINE if self.offline else Presence.ONLINE


class Presence(Enum):
    """Where a photo's file stands; only ONLINE photos are shown by search unless asked."""

    ONLINE = "online"
    OFFLINE = "offline"  # its folder or drive is missing: kept with its tags
    REMOVED = "removed"  # the file is known gone: kept for the grace period, then forgotten


@dataclass(frozen=True)
class SkippedRecord:
    path: Path
    reason: str  # images.SkipReason value
    detail: str | None
    root_id: int
    relpath: str
    size: int | None
    mtime_ns: int | None


@dataclass(frozen=True)
class RootStats:
    """Counts for the library panel; pending = photos known but without a vector yet."""

    root: Root
    indexed: int
    skipped: int
    offline: int
    pending: int


def photo_abspath(root_path: str, stored_relpath: str) -> Path:
    """Stored relpaths are encoded (paths.encode_relpath); this gives the real file path."""
    return Path(root_path, *decode_relpath(stored_relpath).split("/"))


class PhotoRecordsMixin:
    """Photo lookups, per-root counts and the skipped-file list of a `Store`."""

    # Provided by Store; declared so the methods below type-check on their own.
    db: sqlite_utils.Database
    path: Path

    if TYPE_CHECKING:

        def transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def roots(self) -> list[Root]: ...
        def get_setting(self, key: str, default: object = None) -> object: ...
        def model_by_spec(self, spec: str) -> ModelRecord | None: ...

    # -- photos ----------------------------------------------------------------------------
    _PHOTO_COLUMNS = (
        "p.id, p.root_id, p.relpath, r.path, p.size, p.mtime_ns, p.width, p.height, "
        "p.taken_at, p.camera, p.file_type, p.offline, p.removed_at, " + pair_sql("p")
    )

    @staticmethod
    def _photo_record(row: tuple, joined: bool = True) -> PhotoRecord:
        return PhotoRecord(
            id=row[0],
            root_id=row[1],
            relpath=decode_relpath(row[2]),
            abspath=photo_abspath(row[3], row[2]),
            size=row[4],
            mtime_ns=row[5],
            width=row[6],
            height=row[7],
            taken_at=row[8],
            camera=row[9],
            file_type=row[10],
            offline=bool(row[11]),
            removed_at=row[12],
            pair_id=row[13],
            pair_role=pair_role(row[10], row[13], joined),
        )

    def photo(self, photo_id: int) -> PhotoRecord | None:
        found = self.photos([photo_id])
        return found[0] if found else None

    def photos(self, photo_ids: Sequence[int]) -> list[PhotoRecord]:
        """Records in the order asked for; ids no longer in the library are left out."""
        rows = self.db.execute(
            f"SELECT {self._PHOTO_COLUMNS} FROM photos p JOIN roots r ON r.id = p.root_id "
            "WHERE p.id IN (SELECT value FROM json_each(?))",
            [json.dumps([int(i) for i in photo_ids])],
        )
        joined = joins_raw_pairs(self)
        by_id = {row[0]: self._photo_record(row, joined) for row in rows}
        return [by_id[int(i)] for i in photo_ids if int(i) in by_id]

    def photo_id_at(self, path: str | Path) -> int | None:
        """The id of the photo stored for the file at `path`, if the library has it."""
        target = Path(path).expanduser().resolve()
        for root in self.roots():
            try:
                relative = target.relative_to(root.path)
            except ValueError:
                continue
            row = self.db.execute(
                "SELECT id FROM photos WHERE root_id = ? AND relpath = ?",
                [root.id, encode_relpath("/".join(relative.parts))],
            ).fetchone()
            if row:
                return row[0]
        return None

    def photo_count(self) -> int:
        """Photos in the library, not counting soft-removed ones."""
        return self.db.execute("SELECT COUNT(*) FROM photos WHERE removed_at IS NULL").fetchone()[0]

    def offline_photo_ids(self) -> np.ndarray:
        """Ids (int64, sorted) of photos whose folder is currently missing."""
        rows = self.db.execute("SELECT id FROM photos WHERE offline = 1 ORDER BY id").fetchall()
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    def hidden_photo_ids(self, *, include_offline: bool = False) -> np.ndarray:
        """Ids (int64, sorted, read-only) search leaves out: soft-removed photos, offline ones
        unless `include_offline`, and the RAW of each RAW+JPEG pair when the library joins pairs.

        Every search asks, and finding the pairs costs about 3.5 µs per RAW file (0.35 s for
        100k pairs), so the answer is kept until the library changes: `PRAGMA data_version`
        moves when another connection commits, `total_changes` when this one writes."""
        version = (
            self.db.execute("PRAGMA data_version").fetchone()[0],
            self.db.conn.total_changes,
            include_offline,
        )
        cached = getattr(self, "_hidden_cache", None)
        if cached is not None and cached[0] == version:
            return cached[1]
        ids = self._hidden_photo_ids(include_offline)
        ids.flags.writeable = False  # shared by every caller until the library changes
        self._hidden_cache = (version, ids)
        return ids

    def _hidden_photo_ids(self, include_offline: bool) -> np.ndarray:
        sql = (
            "SELECT id FROM photos WHERE (offline = 1 OR removed_at IS NOT NULL) "
            "AND (removed_at IS NOT NULL OR NOT ?)"
        )
        if joins_raw_pairs(self):
            # A UNION, not an OR: each half uses its own index (photos_hidden, photos_pair).
            sql += f" UNION SELECT p.id FROM photos p WHERE {hidden_raw_clause('p')}"
        rows = self.db.execute(sql + " ORDER BY id", [include_offline]).fetchall()
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    def skipped_files(self, root_id: int | None = None) -> list[SkippedRecord]:
        rows = self.db.execute(
            "SELECT r.path, s.relpath, s.reason, s.detail, s.root_id, s.size, s.mtime_ns "
            "FROM skipped s JOIN roots r ON r.id = s.root_id "
            "WHERE ? IS NULL OR s.root_id = ? ORDER BY r.path, s.relpath",
            [root_id, root_id],
        )
        return [
            SkippedRecord(
                path=photo_abspath(r[0], r[1]),
                reason=r[2],
                detail=r[3],
                root_id=r[4],
                relpath=decode_relpath(r[1]),
                size=r[5],
                mtime_ns=r[6],
            )
            for r in rows
        ]

    def root_stats(self, model_id: int | None = None) -> list[RootStats]:
        """Per-root counts for `model_id` (default: the active model, else any model)."""
        if model_id is None:
            active = self.get_setting(ACTIVE_MODEL_SETTING)
            record = self.model_by_spec(active) if isinstance(active, str) else None
            model_id = record.id if record else None
        rows = self.db.execute(
            """
            SELECT r.id,
                (SELECT COUNT(*) FROM photos p WHERE p.root_id = r.id AND p.removed_at IS NULL
                    AND EXISTS (SELECT 1 FROM embeddings e WHERE e.photo_id = p.id
                    AND (:model IS NULL OR e.model_id = :model))),
                (SELECT COUNT(*) FROM skipped s WHERE s.root_id = r.id),
                (SELECT COUNT(*) FROM photos p WHERE p.root_id = r.id AND p.offline = 1
                    AND p.removed_at IS NULL),
                (SELECT COUNT(*) FROM photos p WHERE p.root_id = r.id AND p.removed_at IS NULL)
            FROM roots r
            """,
            {"model": model_id},
        )
        counts = {r[0]: r[1:] for r in rows}
        return [
            RootStats(root, c[0], c[1], c[2], c[3] - c[0])
            for root in self.roots()
            for c in [counts[root.id]]
        ]

    def forget_skipped(self) -> int:
        """Forget every skipped file so the next run tries them all again."""
        with self.transaction():
            return self.db.execute("DELETE FROM skipped").rowcount
