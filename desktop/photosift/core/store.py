"""The library database: one SQLite file, versioned schema, opened through sqlite-utils.

Why it looks like this:
- WAL mode so the GUI can read while the indexer writes; one connection per thread (open a
  `Store` in each worker thread, never share one across threads).
- `PRAGMA user_version` is the schema version. Migrations run in order inside a transaction,
  after a backup copy of the file, so a failed upgrade never loses a library.
- Vectors of different models never mix: every embedding row names its model, and a model row
  carries the spec, dimension and the preprocess config the vectors were made with.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sqlite_utils

from photosift.core.errors import StoreError
from photosift.core.paths import decode_relpath, encode_relpath

SCHEMA_VERSION = 1
# 16 KiB pages keep a 512..1024-d float32 vector on its row's own page (4 KiB pages spill each
# one into an overflow page), which halves the file and makes load_vectors one sequential read.
PAGE_SIZE = 16384


def _run_script(db: sqlite_utils.Database, script: str) -> None:
    """Run statements one by one: executescript() would COMMIT the migration's transaction."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""


def _migrate_to_1(db: sqlite_utils.Database) -> None:
    _run_script(
        db,
        """
        CREATE TABLE roots (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,          -- absolute folder, as given by the user
            added_at REAL NOT NULL,
            online INTEGER NOT NULL DEFAULT 1,  -- 0 while the folder is missing (unplugged drive)
            last_scan REAL
        );
        CREATE TABLE photos (
            id INTEGER PRIMARY KEY,
            root_id INTEGER NOT NULL REFERENCES roots(id) ON DELETE CASCADE,
            relpath TEXT NOT NULL,              -- paths.encode_relpath() of the path under root
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            fingerprint TEXT NOT NULL,          -- content hash computed without decoding
            file_type TEXT NOT NULL,            -- lower-case extension without dot: jpg, heic...
            width INTEGER,                      -- after EXIF orientation
            height INTEGER,
            taken_at REAL,                      -- EXIF DateTimeOriginal as POSIX time, else NULL
            camera TEXT,                        -- "Make Model" from EXIF, else NULL
            offline INTEGER NOT NULL DEFAULT 0,
            added_at REAL NOT NULL,
            UNIQUE (root_id, relpath)
        );
        CREATE INDEX photos_fingerprint ON photos(fingerprint);
        CREATE TABLE models (
            id INTEGER PRIMARY KEY,
            spec TEXT NOT NULL UNIQUE,          -- e.g. ViT-B-32-256/datacomp_s34b_b86k, local-dir:/x
            dim INTEGER NOT NULL,
            preprocess_cfg TEXT NOT NULL,       -- JSON of open_clip's preprocess_cfg
            created_at REAL NOT NULL
        );
        CREATE TABLE embeddings (              -- a rowid table: vectors stay on the row's page
            photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
            model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
            vector BLOB NOT NULL,               -- float32 little-endian, L2-normalised, dim values
            PRIMARY KEY (photo_id, model_id)
        );
        CREATE INDEX embeddings_model ON embeddings(model_id);
        CREATE TABLE skipped (
            id INTEGER PRIMARY KEY,
            root_id INTEGER NOT NULL REFERENCES roots(id) ON DELETE CASCADE,
            relpath TEXT NOT NULL,
            size INTEGER,
            mtime_ns INTEGER,
            reason TEXT NOT NULL,               -- images.SkipReason value
            detail TEXT,
            at REAL NOT NULL,
            UNIQUE (root_id, relpath)
        );
        CREATE TABLE labels (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            group_name TEXT,
            prompts TEXT,                       -- JSON list of prompts, NULL = default templates
            threshold REAL,                     -- NULL = the default threshold
            created_at REAL NOT NULL
        );
        CREATE TABLE photo_tags (
            photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
            label_id INTEGER NOT NULL REFERENCES labels(id) ON DELETE CASCADE,
            score REAL,                         -- similarity when auto, NULL when manual
            source TEXT NOT NULL,               -- 'auto' | 'manual'
            state TEXT NOT NULL,                -- 'assigned' | 'rejected'
            model_id INTEGER REFERENCES models(id) ON DELETE SET NULL,
            updated_at REAL NOT NULL,
            PRIMARY KEY (photo_id, label_id)
        ) WITHOUT ROWID;
        CREATE INDEX photo_tags_label ON photo_tags(label_id);
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL                 -- JSON
        );
        """
    )


MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {1: _migrate_to_1}


@dataclass(frozen=True)
class Root:
    id: int
    path: str
    online: bool
    last_scan: float | None


@dataclass(frozen=True)
class ModelRecord:
    id: int
    spec: str
    dim: int
    preprocess_cfg: dict


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
    offline: bool


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


@dataclass(frozen=True)
class KnownPhoto:
    """What the scanner compares a file on disk with."""

    id: int
    size: int
    mtime_ns: int
    fingerprint: str
    has_vector: bool


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


@dataclass
class PhotoWrite:
    """One decoded and embedded file; `photo_id` None = a photo the library has not seen."""

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
    vector: np.ndarray
    photo_id: int | None = None
    keep_other_vectors: bool = False  # True when only this model's vector was missing


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


def photo_abspath(root_path: str, stored_relpath: str) -> Path:
    return Path(root_path, *decode_relpath(stored_relpath).split("/"))


class Store:
    """One connection to the library database. Create one per thread."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise StoreError(f"No library database at {self.path}. Index a folder first.")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(self.path), timeout=30.0)
            self.db = sqlite_utils.Database(conn)
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
            self._use_wal()
            self.db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"Cannot use the library database {self.path}: {exc}. "
                "Choose another file with --db, or move this one aside."
            ) from exc

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of work (e.g. one indexed batch): all of it lands, or none."""
        with self.db.conn:
            yield self.db.conn

    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def _use_wal(self) -> None:
        """Switch the file to WAL once (it persists in the file).

        Changing the journal mode needs a moment alone with the file and SQLite reports
        "locked" at once instead of waiting, so concurrent first opens retry briefly.
        """
        for attempt in range(100):
            try:
                self.db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == 99:
                    raise
                time.sleep(0.05)

    def _migrate(self) -> None:
        if self.schema_version() == SCHEMA_VERSION:
            return
        conn = self.db.conn
        current = self.schema_version()
        if 0 < current < SCHEMA_VERSION:
            backup = self.path.with_name(f"{self.path.name}.v{current}.bak")
            with sqlite3.connect(str(backup)) as target:
                conn.backup(target)
        conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # only takes effect on a new file
        # BEGIN IMMEDIATE takes the write lock before the version is read again, so several
        # threads opening a brand-new file at once migrate it exactly once: the others wait
        # here, then find it current.
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = self.schema_version()
            if current > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written by a newer PhotoSift (schema {current}); "
                    "update PhotoSift to open it."
                )
            for version in range(current + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[version](self.db)
                conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    # -- roots -----------------------------------------------------------------------------
    def add_root(self, path: str | Path) -> Root:
        """Register a photo folder (idempotent); `path` is stored absolute and resolved."""
        resolved = str(Path(path).expanduser().resolve())
        with self.transaction():
            self.db.execute(
                "INSERT OR IGNORE INTO roots (path, added_at) VALUES (?, ?)", [resolved, time.time()]
            )
        return self.root_by_path(resolved)  # type: ignore[return-value]

    def root_by_path(self, path: str | Path) -> Root | None:
        row = self.db.execute(
            "SELECT id, path, online, last_scan FROM roots WHERE path = ?", [str(path)]
        ).fetchone()
        return Root(row[0], row[1], bool(row[2]), row[3]) if row else None

    def roots(self) -> list[Root]:
        rows = self.db.execute("SELECT id, path, online, last_scan FROM roots ORDER BY path")
        return [Root(r[0], r[1], bool(r[2]), r[3]) for r in rows]

    def remove_root(self, root_id: int) -> None:
        """Forget a folder and everything indexed under it. Never touches the files."""
        with self.transaction():
            self.db.execute("DELETE FROM roots WHERE id = ?", [root_id])

    def set_root_online(self, root_id: int, online: bool) -> None:
        with self.transaction():
            self.db.execute("UPDATE roots SET online = ? WHERE id = ?", [int(online), root_id])
            self.db.execute(
                "UPDATE photos SET offline = ? WHERE root_id = ?", [int(not online), root_id]
            )

    # -- models ----------------------------------------------------------------------------
    def register_model(self, spec: str, dim: int, preprocess_cfg: dict) -> ModelRecord:
        """Return the model row for `spec`, creating it on first use.

        A spec already registered with another dimension or preprocessing means the weights
        behind the name changed; its old vectors would be meaningless, so that is an error.
        """
        existing = self.model_by_spec(spec)
        if existing is not None:
            if existing.dim != dim or existing.preprocess_cfg != preprocess_cfg:
                raise StoreError(
                    f"The model '{spec}' now has a different shape or preprocessing than when "
                    "this library was indexed. Remove its vectors with "
                    f"'photosift index --reindex --model {spec}' to index again."
                )
            return existing
        with self.transaction():
            self.db.execute(
                "INSERT INTO models (spec, dim, preprocess_cfg, created_at) VALUES (?, ?, ?, ?)",
                [spec, dim, json.dumps(preprocess_cfg, sort_keys=True), time.time()],
            )
        return self.model_by_spec(spec)  # type: ignore[return-value]

    def model_by_spec(self, spec: str) -> ModelRecord | None:
        row = self.db.execute(
            "SELECT id, spec, dim, preprocess_cfg FROM models WHERE spec = ?", [spec]
        ).fetchone()
        return ModelRecord(row[0], row[1], row[2], json.loads(row[3])) if row else None

    def models(self) -> list[ModelRecord]:
        rows = self.db.execute("SELECT id, spec, dim, preprocess_cfg FROM models ORDER BY id")
        return [ModelRecord(r[0], r[1], r[2], json.loads(r[3])) for r in rows]

    # -- settings --------------------------------------------------------------------------
    def get_setting(self, key: str, default: object = None) -> object:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: object) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, json.dumps(value)],
            )

    # -- photos ----------------------------------------------------------------------------
    _PHOTO_COLUMNS = (
        "p.id, p.root_id, p.relpath, r.path, p.size, p.mtime_ns, p.width, p.height, "
        "p.taken_at, p.camera, p.file_type, p.offline"
    )

    @staticmethod
    def _photo_record(row: tuple) -> PhotoRecord:
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
        by_id = {row[0]: self._photo_record(row) for row in rows}
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
        return self.db.execute("SELECT COUNT(*) FROM photos").fetchone()[0]

    def offline_photo_ids(self) -> np.ndarray:
        """Ids (int64, sorted) of photos whose folder is currently missing."""
        rows = self.db.execute("SELECT id FROM photos WHERE offline = 1 ORDER BY id").fetchall()
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
            active = self.get_setting("active_model")
            record = self.model_by_spec(active) if isinstance(active, str) else None
            model_id = record.id if record else None
        rows = self.db.execute(
            """
            SELECT r.id,
                (SELECT COUNT(*) FROM photos p WHERE p.root_id = r.id AND EXISTS (
                    SELECT 1 FROM embeddings e WHERE e.photo_id = p.id
                    AND (:model IS NULL OR e.model_id = :model))),
                (SELECT COUNT(*) FROM skipped s WHERE s.root_id = r.id),
                (SELECT COUNT(*) FROM photos p WHERE p.root_id = r.id AND p.offline = 1),
                (SELECT COUNT(*) FROM photos p WHERE p.root_id = r.id)
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

    # -- what the scanner compares with, and what it changes -----------------------------
    def known_photos(self, root_id: int, model_id: int) -> dict[str, KnownPhoto]:
        """Photos under a root by stored relpath, with whether `model_id` has their vector."""
        rows = self.db.execute(
            "SELECT p.id, p.relpath, p.size, p.mtime_ns, p.fingerprint, EXISTS (SELECT 1 "
            "FROM embeddings e WHERE e.photo_id = p.id AND e.model_id = ?) "
            "FROM photos p WHERE p.root_id = ?",
            [model_id, root_id],
        )
        return {r[1]: KnownPhoto(r[0], r[2], r[3], r[4], bool(r[5])) for r in rows}

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
    ) -> None:
        """Record renamed/moved files (same id, vectors and tags) and forget vanished ones."""
        with self.transaction() as conn:
            for move in moves:
                conn.execute(
                    "DELETE FROM skipped WHERE root_id = ? AND relpath = ?",
                    [move.root_id, move.relpath],
                )
                conn.execute(
                    "UPDATE photos SET root_id = ?, relpath = ?, mtime_ns = ?, offline = 0 "
                    "WHERE id = ?",
                    [move.root_id, move.relpath, move.mtime_ns, move.photo_id],
                )
            conn.execute(
                "DELETE FROM photos WHERE id IN (SELECT value FROM json_each(?))",
                [json.dumps(list(removed_photo_ids))],
            )
            conn.execute(
                "DELETE FROM skipped WHERE id IN (SELECT value FROM json_each(?))",
                [json.dumps(list(removed_skip_ids))],
            )

    def mark_root_scanned(self, root_id: int) -> None:
        with self.transaction():
            self.db.execute("UPDATE roots SET last_scan = ? WHERE id = ?", [time.time(), root_id])

    def commit_batch(
        self, model_id: int, photos: Sequence[PhotoWrite], skips: Sequence[SkipWrite]
    ) -> list[int]:
        """Write one indexed batch atomically; returns the ids of the photos written."""
        ids: list[int] = []
        now = time.time()
        with self.transaction() as conn:
            for item in photos:
                photo_id = self._write_photo(conn, item, now)
                if not item.keep_other_vectors:
                    conn.execute("DELETE FROM embeddings WHERE photo_id = ?", [photo_id])
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
                conn.execute("DELETE FROM photos WHERE root_id = ? AND relpath = ?", key)
                if not skip.remember:
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
            item.width, item.height, item.taken_at, item.camera,
        ]  # fmt: skip
        if item.photo_id is not None:
            updated = conn.execute(
                "UPDATE photos SET size = ?, mtime_ns = ?, fingerprint = ?, file_type = ?, "
                "width = ?, height = ?, taken_at = ?, camera = ?, offline = 0 WHERE id = ?",
                [*values, item.photo_id],
            )
            if updated.rowcount:
                return item.photo_id
        row = conn.execute(
            "INSERT INTO photos (root_id, relpath, size, mtime_ns, fingerprint, file_type, "
            "width, height, taken_at, camera, offline, added_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?) ON CONFLICT (root_id, relpath) DO UPDATE "
            "SET size = excluded.size, mtime_ns = excluded.mtime_ns, "
            "fingerprint = excluded.fingerprint, file_type = excluded.file_type, "
            "width = excluded.width, height = excluded.height, taken_at = excluded.taken_at, "
            "camera = excluded.camera, offline = 0 RETURNING id",
            [item.root_id, item.relpath, *values, now],
        ).fetchone()
        return row[0]

    # -- vectors ---------------------------------------------------------------------------
    def load_vectors(self, model_id: int) -> tuple[np.ndarray, np.ndarray]:
        """All vectors of a model: (ids int64 sorted, (N, dim) float32 C-contiguous, writable).

        Offline photos are included (their vectors stay valid); filter with
        `offline_photo_ids()` where a search should hide them. One SELECT read in chunks
        whose blobs are joined and copied into a preallocated matrix: per-row numpy work would
        be ten times slower, and holding every row object at once would double peak memory.
        """
        return self._read_vectors(model_id, "", [])

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
