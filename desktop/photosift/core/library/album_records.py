"""Albums and saved searches, stored in the library by photo id.

Why by photo id: the scanner keeps a photo's id when its file is moved or renamed, so an
album survives reorganising folders; a photo that leaves the library leaves its albums too
(ON DELETE CASCADE). A saved search ("smart album") stores a query, its filters and its
cut-off, never results: it is re-run when opened, so new photos appear in it.
Albums are ordered (``position``, for the sidebar) and so are their photos.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from photosift.core.errors import QueryError

if TYPE_CHECKING:
    import sqlite3
    from contextlib import AbstractContextManager

    import sqlite_utils

ALBUMS_SCHEMA = """
CREATE TABLE albums (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    kind TEXT NOT NULL,                 -- AlbumKind value: 'album' | 'search'
    query TEXT,                         -- saved search: the query, in core.search.query's grammar
    filters TEXT,                       -- saved search: JSON of core.library.filters.Filters
    cutoff TEXT,                        -- saved search: strict | normal | loose | off
    position INTEGER NOT NULL,          -- order in the sidebar
    created_at REAL NOT NULL
);
CREATE TABLE album_photos (
    album_id INTEGER NOT NULL REFERENCES albums(id) ON DELETE CASCADE,
    photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (album_id, photo_id)
) WITHOUT ROWID;
CREATE INDEX album_photos_photo ON album_photos(photo_id);
"""


class AlbumKind(Enum):
    ALBUM = "album"  # photos the user put in it
    SEARCH = "search"  # a saved search, re-run when opened


class AlbumMove(Enum):
    """Where "move" puts the chosen photos of an album, as a block in their album order."""

    EARLIER = "earlier"  # one place towards the start (past the photo before the first chosen)
    LATER = "later"  # one place towards the end
    START = "start"
    END = "end"


def moved(order: Sequence[int], chosen: Sequence[int], move: AlbumMove) -> list[int]:
    """`order` with the `chosen` photos moved as one block (keeping their own order).

    Why a block: a user moves a selection together; EARLIER/LATER step it past one
    neighbour, so repeating the move walks it along the album. Ids not in `order` are ignored.
    """
    wanted = set(chosen)
    block = [i for i in order if i in wanted]
    rest = [i for i in order if i not in wanted]
    if not block:
        return list(order)
    if move is AlbumMove.START:
        at = 0
    elif move is AlbumMove.END:
        at = len(rest)
    else:
        before = order.index(block[0])  # photos of the rest that come before the block
        at = sum(1 for i in order[:before] if i not in wanted)
        at = max(0, at - 1) if move is AlbumMove.EARLIER else min(len(rest), at + 1)
    return rest[:at] + block + rest[at:]


@dataclass(frozen=True)
class SavedSearch:
    query: str
    filters_json: str = "{}"  # core.library.filters.filters_to_json (kept opaque here)
    cutoff: str = "normal"


@dataclass(frozen=True)
class Album:
    id: int
    name: str
    kind: AlbumKind
    count: int  # photos in it (0 for a saved search: it has no stored photos)
    search: SavedSearch | None = None


class AlbumRecordsMixin:
    """Album and saved-search storage of a `Store`."""

    db: sqlite_utils.Database
    path: Path

    if TYPE_CHECKING:

        def transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...

    def albums(self) -> list[Album]:
        rows = self.db.execute(
            "SELECT a.id, a.name, a.kind, a.query, a.filters, a.cutoff, "
            "(SELECT COUNT(*) FROM album_photos ap WHERE ap.album_id = a.id) "
            "FROM albums a ORDER BY a.position, a.id"
        )
        return [_album(row) for row in rows]

    def album(self, name: str) -> Album:
        """The album or saved search called `name` (any case); QueryError when there is none."""
        for album in self.albums():
            if album.name.casefold() == name.casefold():
                return album
        raise QueryError(f"There is no album or saved search called '{name}'.")

    def create_album(self, name: str, search: SavedSearch | None = None) -> Album:
        name = name.strip()
        if not name:
            raise QueryError("An album needs a name.")
        if any(a.name.casefold() == name.casefold() for a in self.albums()):
            raise QueryError(f"There is already an album or saved search called '{name}'.")
        kind = AlbumKind.SEARCH if search is not None else AlbumKind.ALBUM
        with self.transaction():
            self.db.execute(
                "INSERT INTO albums (name, kind, query, filters, cutoff, position, created_at) "
                "VALUES (?, ?, ?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM albums), ?)",
                [
                    name,
                    kind.value,
                    search.query if search else None,
                    search.filters_json if search else None,
                    search.cutoff if search else None,
                    time.time(),
                ],
            )
        return self.album(name)

    def rename_album(self, album_id: int, name: str) -> None:
        name = name.strip()
        if not name:
            raise QueryError("An album needs a name.")
        if any(a.name.casefold() == name.casefold() and a.id != album_id for a in self.albums()):
            raise QueryError(f"There is already an album or saved search called '{name}'.")
        with self.transaction():
            self.db.execute("UPDATE albums SET name = ? WHERE id = ?", [name, album_id])

    def delete_album(self, album_id: int) -> None:
        """Forget the album (its photos stay in the library and on disk)."""
        with self.transaction():
            self.db.execute("DELETE FROM albums WHERE id = ?", [album_id])

    def album_photo_ids(self, album_id: int) -> list[int]:
        rows = self.db.execute(
            "SELECT photo_id FROM album_photos WHERE album_id = ? ORDER BY position", [album_id]
        )
        return [r[0] for r in rows]

    def add_to_album(self, album_id: int, photo_ids: Sequence[int]) -> int:
        """Append photos (those already in it stay where they are); returns how many were new."""
        self._require_album_kind(album_id)
        present = set(self.album_photo_ids(album_id))
        new = [i for i in dict.fromkeys(photo_ids) if i not in present]
        with self.transaction():
            start = len(present)
            self.db.conn.executemany(
                "INSERT INTO album_photos (album_id, photo_id, position) VALUES (?, ?, ?)",
                [(album_id, photo_id, start + n) for n, photo_id in enumerate(new)],
            )
        return len(new)

    def remove_from_album(self, album_id: int, photo_ids: Sequence[int]) -> None:
        with self.transaction():
            self.db.execute(
                "DELETE FROM album_photos WHERE album_id = ? AND photo_id IN "
                "(SELECT value FROM json_each(?))",
                [album_id, json.dumps([int(i) for i in photo_ids])],
            )

    def reorder_album(self, album_id: int, photo_ids: Sequence[int]) -> None:
        """Put the album's photos in this order (photos not named keep their order, after)."""
        current = self.album_photo_ids(album_id)
        named = [i for i in dict.fromkeys(photo_ids) if i in set(current)]
        order = named + [i for i in current if i not in set(named)]
        with self.transaction():
            self.db.conn.executemany(
                "UPDATE album_photos SET position = ? WHERE album_id = ? AND photo_id = ?",
                [(n, album_id, photo_id) for n, photo_id in enumerate(order)],
            )

    def move_in_album(self, album_id: int, photo_ids: Sequence[int], move: AlbumMove) -> list[int]:
        """Move these photos of the album as a block (see `moved`); returns the new order."""
        self._require_album_kind(album_id)
        order = moved(self.album_photo_ids(album_id), photo_ids, move)
        self.reorder_album(album_id, order)
        return order

    def _require_album_kind(self, album_id: int) -> None:
        row = self.db.execute("SELECT name, kind FROM albums WHERE id = ?", [album_id]).fetchone()
        if row is None:
            raise QueryError(f"There is no album with id {album_id}.")
        if row[1] != AlbumKind.ALBUM.value:
            raise QueryError(f"'{row[0]}' is a saved search: its photos come from its query.")


def _album(row: tuple) -> Album:
    kind = AlbumKind(row[2])
    search = (
        SavedSearch(row[3] or "", row[4] or "{}", row[5] or "normal")
        if kind is AlbumKind.SEARCH
        else None
    )
    return Album(row[0], row[1], kind, row[6], search)
