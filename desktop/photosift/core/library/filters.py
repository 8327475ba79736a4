"""Which photos a view or a search may show: one `Filters` value with an SQL and an in-memory form.

Why both forms in one place: a search asks the database which photos pass (`filtered_ids`),
while the grid must decide for a photo that the indexer reported a moment ago without asking
the database again (`Filters.matches`). Written once, the two cannot disagree (beets'
``dbcore/query.py`` keeps ``clause()`` and ``match()`` side by side for the same reason); a
test runs every filter through both forms over the same library.

Dates are POSIX seconds on the EXIF capture time, else the file's modification time: `after`
inclusive, `before` exclusive.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from photosift.core.errors import QueryError, Remedy
from photosift.core.library.raw_pairs import (
    RENDERED_TYPES,
    PairRole,
    hidden_raw_clause,
    joins_raw_pairs,
)
from photosift.core.paths import encode_relpath

if TYPE_CHECKING:
    import numpy as np

    from photosift.core.library.store import Store


class FilterablePhoto(Protocol):
    """What `Filters.matches` reads of a photo (a `PhotoRecord`, or the GUI's item)."""

    @property
    def root_id(self) -> int | None: ...
    @property
    def abspath(self) -> Path: ...
    @property
    def taken_at(self) -> float | None: ...
    @property
    def mtime_ns(self) -> int: ...
    @property
    def camera(self) -> str | None: ...
    @property
    def file_type(self) -> str: ...
    @property
    def offline(self) -> bool: ...
    @property
    def removed_at(self) -> float | None: ...
    @property
    def pair_role(self) -> PairRole: ...


def normalise_file_types(types: Collection[str]) -> frozenset[str]:
    """Lower-case extensions without dots; "jpg" and "jpeg" are the same type."""
    found = {t.lower().strip().lstrip(".") for t in types if t.strip()}
    return frozenset(found | ({"jpg", "jpeg"} if found & {"jpg", "jpeg"} else set()))


@dataclass(frozen=True)
class Filters:
    """Applied before ranking, and to browse views."""

    folder: str | Path | None = None  # a library folder or any folder inside one
    root_id: int | None = None
    after: float | None = None
    before: float | None = None
    camera: str | None = None  # case-insensitive part of "Make Model"
    tag: str | None = None  # an assigned tag's label name, case-insensitive
    file_types: tuple[str, ...] = ()  # extensions: "jpg", "heic" ("jpeg" counts as "jpg")
    exclude_offline: bool = True  # photos whose folder is offline are shown only when asked

    @property
    def shows_pairs_as_rendered(self) -> bool:
        """Whether a joined RAW+JPEG (or RAW+HEIF) pair shows as its JPEG (or HEIF) here: not
        when the filter asks for file types without a rendered one (asking for CR2 files, one
        wants the RAW files themselves)."""
        types = normalise_file_types(self.file_types)
        return not self.file_types or bool(types & set(RENDERED_TYPES))

    @property
    def active(self) -> bool:
        """Whether any filter narrows the library beyond the default (online photos)."""
        return self != Filters()

    # -- in memory -------------------------------------------------------------------------
    def matches(self, photo: FilterablePhoto, tags: Collection[str] = ()) -> bool:
        """Whether `photo` passes, given the names of its assigned tags."""
        if photo.removed_at is not None:
            return False  # soft-removed photos pass no filter
        if photo.pair_role is PairRole.HIDDEN and self.shows_pairs_as_rendered:
            return False  # the RAW of a joined pair: its JPEG (or HEIF) is listed instead
        if self.root_id is not None and photo.root_id != self.root_id:
            return False
        if self.folder is not None:
            folder = Path(self.folder).expanduser().resolve()
            if folder not in Path(photo.abspath).parents:
                return False
        when = photo.taken_at if photo.taken_at is not None else photo.mtime_ns / 1e9
        if self.after is not None and when < self.after:
            return False
        if self.before is not None and when >= self.before:
            return False
        if self.camera and self.camera.casefold() not in (photo.camera or "").casefold():
            return False
        if self.tag is not None and self.tag.casefold() not in {t.casefold() for t in tags}:
            return False
        if self.file_types and photo.file_type not in normalise_file_types(self.file_types):
            return False
        return not (self.exclude_offline and photo.offline)

    # -- in SQL ----------------------------------------------------------------------------
    def where(self, store: Store) -> tuple[str, list[object]]:
        """A WHERE clause over `photos p`, and its parameters."""
        where, params = ["p.removed_at IS NULL"], []  # soft-removed photos pass no filter
        if self.shows_pairs_as_rendered and joins_raw_pairs(store):  # its JPEG is listed instead
            where.append(f"NOT {hidden_raw_clause('p')}")
        if self.folder is not None:
            clause, folder_params = _folder_clause(store, Path(self.folder))
            where.append(clause)
            params += folder_params
        if self.root_id is not None:
            where.append("p.root_id = ?")
            params.append(self.root_id)
        when = "COALESCE(p.taken_at, p.mtime_ns / 1e9)"
        if self.after is not None:
            where.append(f"{when} >= ?")
            params.append(self.after)
        if self.before is not None:
            where.append(f"{when} < ?")
            params.append(self.before)
        if self.camera:
            where.append("p.camera LIKE ? ESCAPE '\\'")
            params.append("%" + _like_escape(self.camera) + "%")
        if self.tag is not None:
            where.append(
                "p.id IN (SELECT t.photo_id FROM photo_tags t JOIN labels l ON l.id = t.label_id "
                "WHERE l.name = ? COLLATE NOCASE AND t.state = 'assigned')"
            )
            params.append(self.tag)
        if self.file_types:
            types = sorted(normalise_file_types(self.file_types))
            where.append(f"p.file_type IN ({', '.join('?' * len(types))})")
            params += types
        if self.exclude_offline:
            where.append("p.offline = 0")
        return " AND ".join(where), params


def filtered_ids(store: Store, filters: Filters) -> np.ndarray:
    """Ids (sorted) of the photos that pass `filters`, by one SQL query."""
    import numpy as np

    where, params = filters.where(store)
    # ORDER BY: free on a table scan, and a file-type filter may walk the photos_pair index.
    rows = store.db.execute(f"SELECT p.id FROM photos p WHERE {where} ORDER BY p.id", params)
    return np.fromiter((r[0] for r in rows), dtype=np.int64)


def _folder_clause(store: Store, given: Path) -> tuple[str, list[object]]:
    folder = given.expanduser().resolve()
    parts, params = [], []
    for root in store.roots():
        root_path = Path(root.path)
        if folder == root_path or root_path in folder.parents or folder in root_path.parents:
            inside = folder.relative_to(root_path).parts if root_path in folder.parents else ()
            prefix = encode_relpath("/".join(inside) + "/") if inside else ""
            parts.append("(p.root_id = ? AND substr(p.relpath, 1, ?) = ?)")
            params += [root.id, len(prefix), prefix]
    if not parts:
        raise QueryError(
            f"The folder {folder} is not in the library.", remedy=Remedy.ADD_FOLDER, folder=folder
        )
    return "(" + " OR ".join(parts) + ")", params


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def filters_to_json(filters: Filters) -> str:
    """Filters as JSON (saved searches store them so)."""
    data = asdict(filters)
    data["folder"] = None if filters.folder is None else str(filters.folder)
    data["file_types"] = list(filters.file_types)
    return json.dumps(data, sort_keys=True)


def filters_from_json(text: str | None) -> Filters:
    """Filters from filters_to_json's JSON; keys a newer version added are ignored."""
    data = json.loads(text) if text else {}
    known = {k: v for k, v in data.items() if k in Filters.__dataclass_fields__}
    if known.get("file_types") is not None:
        known["file_types"] = tuple(known["file_types"])
    return Filters(**known)
