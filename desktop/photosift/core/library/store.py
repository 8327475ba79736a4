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
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from photosift.core.errors import Remedy, StoreError
from photosift.core.library.album_records import ALBUMS_SCHEMA, AlbumRecordsMixin
from photosift.core.library.analysis_records import AnalysisRecordsMixin
from photosift.core.library.photo_records import (
    PhotoRecordsMixin,
)
from photosift.core.library.records import ModelRecord, Root
from photosift.core.library.scan_records import (
    ScanRecordsMixin,
)
from photosift.core.library.text_records import TextRecordsMixin, migrate_photo_text
from photosift.core.library.vector_records import VectorRecordsMixin

SCHEMA_VERSION = 7
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
        """,
    )


def _migrate_to_2(db: sqlite_utils.Database) -> None:
    """Offline and soft-deleted photos (issue 16), and models known by their content."""
    _run_script(
        db,
        """
        ALTER TABLE photos ADD COLUMN device INTEGER;    -- st_dev of its folder when last seen
        ALTER TABLE photos ADD COLUMN removed_at REAL;   -- file known gone: purged after a grace
        ALTER TABLE models ADD COLUMN content_hash TEXT; -- hash of weights + config, NULL unknown
        CREATE INDEX photos_hidden ON photos(id)         -- what every search leaves out
            WHERE offline = 1 OR removed_at IS NOT NULL;
        """,
    )


def _migrate_to_3(db: sqlite_utils.Database) -> None:
    """Label vectors, stored once per (model, prompts): the vocabulary's text embeddings
    took minutes on a CPU and were recomputed on every start."""
    _run_script(
        db,
        """
        CREATE TABLE label_vectors (
            model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
            prompts_key TEXT NOT NULL,          -- label_vector_records.prompts_key(prompts)
            vector BLOB NOT NULL,               -- float32 little-endian, L2-normalised
            PRIMARY KEY (model_id, prompts_key)
        );
        """,
    )


def _migrate_albums(db: sqlite_utils.Database) -> None:
    """Albums and saved searches (core/library/album_records.py)."""
    _run_script(db, ALBUMS_SCHEMA)


def _migrate_raw_pairs(db: sqlite_utils.Database) -> None:
    """RAW+JPEG pairs are found by type, folder and name (core/library/raw_pairs.py)."""
    from photosift.core.library.raw_pairs import PAIR_INDEX_V6

    db.execute(PAIR_INDEX_V6)


def _migrate_pair_case(db: sqlite_utils.Database) -> None:
    """Pairs match names whatever their letter case (IMG_0001.CR2 beside img_0001.jpg): the
    index is rebuilt on the lower-cased name, the expression every pair lookup now uses."""
    from photosift.core.library.raw_pairs import PAIR_INDEX

    db.execute("DROP INDEX IF EXISTS photos_pair")
    db.execute(PAIR_INDEX)


MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {
    1: _migrate_to_1,
    2: _migrate_to_2,
    3: _migrate_to_3,
    4: migrate_photo_text,
    5: _migrate_albums,
    6: _migrate_raw_pairs,
    7: _migrate_pair_case,
}


def _writable(path: Path) -> bool:
    """Whether SQLite could write the file and create its -wal/-shm files beside it."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """Read-only; a WAL library in a folder we cannot write needs ``immutable`` to open."""
    uri = path.resolve().as_uri()
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=30.0)
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        return sqlite3.connect(f"{uri}?immutable=1", uri=True)


class Store(
    PhotoRecordsMixin,
    ScanRecordsMixin,
    VectorRecordsMixin,
    AnalysisRecordsMixin,
    TextRecordsMixin,
    AlbumRecordsMixin,
):
    """One connection to the library database. Create one per thread.

    The photo, scan and vector queries come from the mixins (photo_records, scan_records,
    vector_records); this class owns the connection, schema, roots, models and settings.
    """

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise StoreError(
                f"No library database at {self.path}.", remedy=Remedy.INDEX_FOLDER, path=self.path
            )
        #: Opened read-only because the file or its folder cannot be written (a read-only
        #: mount, a backup on a locked share): searching and listing work, writes fail
        #: with a clear ReadOnlyLibraryError.
        self.read_only = self.path.exists() and not _writable(self.path)
        try:
            if self.read_only:
                conn = _connect_read_only(self.path)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(str(self.path), timeout=30.0)
            self.db = sqlite_utils.Database(conn)
            self.db.execute("PRAGMA foreign_keys=ON")
            if self.read_only:
                self._check_current()
                return
            self._migrate()
            self._use_wal()
            self.db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError as exc:
            from photosift.core.library.store_failures import explain_failure

            raise explain_failure(exc, self.path) or StoreError(
                f"Cannot use the library database {self.path}: {exc}.",
                remedy=Remedy.CHOOSE_OTHER_LIBRARY,
                path=self.path,
            ) from exc

    def _check_current(self) -> None:
        if self.schema_version() != SCHEMA_VERSION:
            raise StoreError(
                f"The library {self.path} is read-only and was written by another PhotoSift "
                f"version (schema {self.schema_version()}, this one uses {SCHEMA_VERSION}); "
                "make it writable once so it can be upgraded."
            )

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
                "INSERT OR IGNORE INTO roots (path, added_at) VALUES (?, ?)",
                [resolved, time.time()],
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
    def register_model(
        self, spec: str, dim: int, preprocess_cfg: dict, content_hash: str | None = None
    ) -> ModelRecord:
        """Return the model row for `spec`, creating it on first use.

        `content_hash` (identity.content_hash of a local model folder) makes the files, not
        the name, the model: when it differs from the recorded one, new weights were put in
        the same folder, so the old row and its vectors (meaningless now) are dropped and a
        new model starts; tags stay. Without hashes, a spec registered with another dimension
        or preprocessing is an error, as the vectors would be meaningless.
        """
        existing = self.model_by_spec(spec)
        if (
            existing is not None
            and content_hash
            and existing.content_hash not in (None, content_hash)
        ):
            with self.transaction():
                self.db.execute("DELETE FROM models WHERE id = ?", [existing.id])
            existing = None
        if existing is not None:
            if existing.dim != dim or existing.preprocess_cfg != preprocess_cfg:
                raise StoreError(
                    f"The model '{spec}' now has a different shape or preprocessing than when "
                    "this library was indexed.",
                    remedy=Remedy.REINDEX_MODEL,
                    spec=spec,
                )
            if content_hash and existing.content_hash is None:
                with self.transaction():
                    self.db.execute(
                        "UPDATE models SET content_hash = ? WHERE id = ?",
                        [content_hash, existing.id],
                    )
            return self.model_by_spec(spec)  # type: ignore[return-value]
        with self.transaction():
            # Two lanes (indexing, label vectors) may register the same new model at once:
            # the second insert is a no-op and both read the one row back.
            self.db.execute(
                "INSERT INTO models (spec, dim, preprocess_cfg, content_hash, created_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (spec) DO NOTHING",
                [spec, dim, json.dumps(preprocess_cfg, sort_keys=True), content_hash, time.time()],
            )
        return self.model_by_spec(spec)  # type: ignore[return-value]

    def model_by_spec(self, spec: str) -> ModelRecord | None:
        row = self.db.execute(
            "SELECT id, spec, dim, preprocess_cfg, content_hash FROM models WHERE spec = ?", [spec]
        ).fetchone()
        return ModelRecord(row[0], row[1], row[2], json.loads(row[3]), row[4]) if row else None

    def models(self) -> list[ModelRecord]:
        rows = self.db.execute(
            "SELECT id, spec, dim, preprocess_cfg, content_hash FROM models ORDER BY id"
        )
        return [ModelRecord(r[0], r[1], r[2], json.loads(r[3]), r[4]) for r in rows]

    def vector_precisions(self, model_id: int) -> list[str]:
        """The number formats ("fp32", "fp16", "int8") this library's vectors of a model were
        computed in; the indexer refuses to mix int8 with others unless the int8 guard passed."""
        stored = self.get_setting(f"vector_precisions:{model_id}", [])
        return [str(p) for p in stored] if isinstance(stored, list) else []

    def add_vector_precision(self, model_id: int, precision: str) -> None:
        known = self.vector_precisions(model_id)
        if precision not in known:
            self.set_setting(f"vector_precisions:{model_id}", sorted([*known, precision]))

    # -- settings --------------------------------------------------------------------------
    def get_setting(self, key: str, default: object = None) -> object:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return json.loads(row[0]) if row else default

    def delete_setting(self, key: str) -> None:
        """Forget a setting: `get_setting` gives its default again."""
        with self.transaction():
            self.db.table("settings").delete_where("key = ?", [key])

    def set_setting(self, key: str, value: object) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, json.dumps(value)],
            )
