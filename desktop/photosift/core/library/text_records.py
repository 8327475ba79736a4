"""The words read in photos: one row per photo, and a full-text index over them.

Why it looks like this:
- One row per photo that the text pass has looked at, also when it found nothing, so each
  photo is read once; the row keeps the photo's fingerprint, and a photo whose content
  changed (a new fingerprint) is read again. The pass is independent of the vectors: turning
  text reading on or off never re-embeds.
- Full-text search is FTS5 with the `trigram` tokenizer: `unicode61` splits on spaces, which
  Chinese does not have, so "收据" would never match inside "超市收据"; trigrams match any
  substring of three characters or more, in any script. A two-character word (most Chinese
  words are) is below the trigram size and is looked up with a plain substring scan over the
  rows that hold text instead.
- The FTS table and its triggers follow sqlite-utils' `enable_fts` layout (`photo_text_fts`,
  triggers `_ai/_ad/_au`), written here because `enable_fts` runs `executescript`, which
  would commit the migration's transaction half-way.
- A NO_TEXT row the CLIP gate decided (no OCR model looked at the photo) has the engine
  `CLIP_GATE_ENGINE`, so `text_labels` can leave it out: calibrating the CLIP gate on its own
  verdicts would call every text photo it wrongly skipped a photo without text.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from photosift.core.library.photo_records import photo_abspath
from photosift.core.model.ocr import TextBox

if TYPE_CHECKING:
    import sqlite3
    from contextlib import AbstractContextManager

    import sqlite_utils

READ_TEXT_SETTING = "text.read"  # JSON bool; absent = off (see text_pass.py: cost)
TRIGRAM = 3  # shortest phrase the trigram index can answer
CLIP_GATE_ENGINE = "clip-gate"  # the `engine` of a NO_TEXT row decided from the CLIP vector


class TextState(Enum):
    """What the text pass concluded about a photo."""

    READ = "read"  # the OCR model read it (the text may still be empty)
    NO_TEXT = "no_text"  # the gate found no text region, so it was not read
    FAILED = "failed"  # the photo could not be decoded for reading


@dataclass(frozen=True)
class PhotoText:
    photo_id: int
    state: TextState
    boxes: list[TextBox] = field(default_factory=list)
    engine: str = ""

    @property
    def text(self) -> str:
        """The lines read, one per line, top to bottom."""
        return "\n".join(box.text for box in self.boxes)


@dataclass(frozen=True)
class TextLabels:
    """Photos the OCR side of the text pass settled: the labels the CLIP gate is calibrated on.

    With text: the OCR model read words in them. Without: it read them and found none, or the
    detection network found no text region (`Gate.DETECT`, measured to keep every text photo).
    """

    with_text: list[int]
    without_text: list[int]


@dataclass(frozen=True)
class TextWork:
    """A photo the text pass still has to look at."""

    photo_id: int
    abspath: Path
    fingerprint: str


def migrate_photo_text(db: sqlite_utils.Database) -> None:
    """Schema: photo_text (one row per photo looked at) and its trigram FTS5 index."""
    for statement in (
        """CREATE TABLE photo_text (
            photo_id INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
            fingerprint TEXT NOT NULL,     -- the photo's fingerprint when it was read
            state TEXT NOT NULL,           -- TextState value
            text TEXT NOT NULL,            -- lines read, one per line (empty when none)
            boxes TEXT NOT NULL,           -- JSON [[text, confidence, [[x, y] x4]]], 0..1 coords
            engine TEXT NOT NULL,          -- OCR engine and version
            read_at REAL NOT NULL
        )""",
        "CREATE VIRTUAL TABLE photo_text_fts USING fts5("
        "text, content='photo_text', content_rowid='photo_id', tokenize='trigram')",
        "CREATE TRIGGER photo_text_ai AFTER INSERT ON photo_text BEGIN "
        "INSERT INTO photo_text_fts (rowid, text) VALUES (new.photo_id, new.text); END",
        "CREATE TRIGGER photo_text_ad AFTER DELETE ON photo_text BEGIN "
        "INSERT INTO photo_text_fts (photo_text_fts, rowid, text) "
        "VALUES ('delete', old.photo_id, old.text); END",
        "CREATE TRIGGER photo_text_au AFTER UPDATE ON photo_text BEGIN "
        "INSERT INTO photo_text_fts (photo_text_fts, rowid, text) "
        "VALUES ('delete', old.photo_id, old.text); "
        "INSERT INTO photo_text_fts (rowid, text) VALUES (new.photo_id, new.text); END",
    ):
        db.execute(statement)


class TextRecordsMixin:
    """Text-pass bookkeeping and word lookups of a `Store`."""

    # Provided by Store; declared so the methods below type-check on their own.
    db: sqlite_utils.Database

    if TYPE_CHECKING:

        def transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...

    def text_work(self, limit: int | None = None) -> list[TextWork]:
        """Analysed photos (with a vector) not read yet, or changed since: oldest first."""
        rows = self.db.execute(
            "SELECT p.id, r.path, p.relpath, p.fingerprint FROM photos p "
            "JOIN roots r ON r.id = p.root_id "
            "LEFT JOIN photo_text t ON t.photo_id = p.id "
            "WHERE p.offline = 0 AND (t.photo_id IS NULL OR t.fingerprint != p.fingerprint) "
            "AND EXISTS (SELECT 1 FROM embeddings e WHERE e.photo_id = p.id) "
            "ORDER BY p.id LIMIT ?",
            [-1 if limit is None else limit],
        )
        return [TextWork(r[0], photo_abspath(r[1], r[2]), r[3]) for r in rows]

    def save_texts(
        self,
        results: Sequence[tuple[TextWork, TextState, Sequence[TextBox]]],
        engine: str,
        *,
        engines: Mapping[int, str] | None = None,
    ) -> None:
        """Store one batch of the text pass atomically (photos deleted meanwhile are skipped);
        `engines` names another engine for some photo ids (e.g. `CLIP_GATE_ENGINE`)."""
        now = time.time()
        engines = engines or {}
        with self.transaction() as conn:
            for work, state, boxes in results:
                conn.execute(
                    "INSERT INTO photo_text (photo_id, fingerprint, state, text, boxes, engine, "
                    "read_at) SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS "
                    "(SELECT 1 FROM photos WHERE id = ?) ON CONFLICT (photo_id) DO UPDATE SET "
                    "fingerprint = excluded.fingerprint, state = excluded.state, "
                    "text = excluded.text, boxes = excluded.boxes, engine = excluded.engine, "
                    "read_at = excluded.read_at",
                    [
                        work.photo_id, work.fingerprint, state.value,
                        "\n".join(b.text for b in boxes),
                        json.dumps([b.to_json() for b in boxes], ensure_ascii=False),
                        engines.get(work.photo_id, engine), now, work.photo_id,
                    ],
                )  # fmt: skip

    def photo_text(self, photo_id: int) -> PhotoText | None:
        """What the text pass stored for a photo; None when it has not looked at it yet."""
        row = self.db.execute(
            "SELECT state, boxes, engine FROM photo_text WHERE photo_id = ?", [photo_id]
        ).fetchone()
        if row is None:
            return None
        boxes = [TextBox.from_json(item) for item in json.loads(row[1])]
        return PhotoText(photo_id, TextState(row[0]), boxes, row[2])

    def photos_with_words(self, phrase: str) -> set[int]:
        """Ids of the photos whose text contains `phrase` (case-insensitive substring)."""
        phrase = " ".join(phrase.split())
        if len(phrase) >= TRIGRAM:
            rows = self.db.execute(
                "SELECT rowid FROM photo_text_fts WHERE photo_text_fts MATCH ?",
                ['"' + phrase.replace('"', '""') + '"'],
            )
        else:
            rows = self.db.execute(
                "SELECT photo_id FROM photo_text WHERE text != '' "
                "AND instr(lower(text), lower(?)) > 0",
                [phrase],
            )
        return {row[0] for row in rows}

    def text_labels(self) -> TextLabels:
        """Photos with and without text as the OCR side of the text pass found them (current
        readings of online photos only; the CLIP gate's own verdicts are left out)."""
        rows = self.db.execute(
            "SELECT t.photo_id, t.state = ? AND t.text != '' FROM photo_text t "
            "JOIN photos p ON p.id = t.photo_id "
            "WHERE p.offline = 0 AND t.fingerprint = p.fingerprint "
            "AND (t.state = ? OR (t.state = ? AND t.engine != ?)) ORDER BY t.photo_id",
            [TextState.READ.value, TextState.READ.value, TextState.NO_TEXT.value, CLIP_GATE_ENGINE],
        )
        labels = TextLabels([], [])
        for photo_id, has_text in rows:
            (labels.with_text if has_text else labels.without_text).append(photo_id)
        return labels

    def text_counts(self) -> dict[str, int]:
        """Photos per TextState, plus 'pending' (analysed, not read yet)."""
        counts = {state.value: 0 for state in TextState}
        for state, n in self.db.execute("SELECT state, COUNT(*) FROM photo_text GROUP BY state"):
            counts[state] = n
        counts["pending"] = self.db.execute(
            "SELECT COUNT(*) FROM photos p LEFT JOIN photo_text t ON t.photo_id = p.id "
            "WHERE p.offline = 0 AND (t.photo_id IS NULL OR t.fingerprint != p.fingerprint) "
            "AND EXISTS (SELECT 1 FROM embeddings e WHERE e.photo_id = p.id)"
        ).fetchone()[0]
        return counts
