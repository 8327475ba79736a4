"""RAW+JPEG pairs shot together: one photo, shown through its JPEG (a library setting, on by default).

A camera set to RAW+JPEG writes IMG_0001.CR2 and IMG_0001.JPG side by side; one set to RAW+HEIF
writes IMG_0001.CR3 and IMG_0001.HIF (Canon), or an .ARW/.RAF beside a .HEIF/.HEIC (Sony,
Fujifilm). Listing both doubles every shot in the grid, in search results and among the
duplicates, so the library joins them: the rendered file (a JPEG or a HEIF: quick to decode,
the camera's own rendering; "the JPEG" below stands for either) stands for the pair and the
RAW is left out of every list (but one that asks for RAW file types only: Filters
.shows_pairs_as_rendered), while its record stays (it is still catalogued, tagged and
named in the JPEG's info as its RAW companion). The setting only changes what is listed;
turning it off shows both files again at once, nothing is rescanned.

Why it looks like this:
- One place decides what a pair is: same folder, same name up to the extension (letter
  case aside), one RAW type
  and one rendered type (RENDERED_TYPES). Every list asks the same SQL (`hidden_raw_clause`),
  the records carry their role (`pair_sql`), so the CLI, the GUI grid and search cannot
  disagree.
- Pairs are found at query time through an index on (file_type, root_id, name without the
  extension), not stored: a moved, renamed or deleted half can never leave a stale pair.
"""

from __future__ import annotations

from enum import Enum
from typing import Protocol

#: The library setting (JSON bool; missing = on).
RAW_PAIRS_SETTING = "join_raw_pairs"
#: The rendered file types that stand for a pair: JPEG, and HEIF as cameras name it (.HEIC,
#: .HEIF, Canon's .HIF). Lower-case extensions, as `photos.file_type` stores them.
RENDERED_TYPES = ("jpg", "jpeg", "heic", "heif", "hif")


class PairRole(Enum):
    """A photo's part in a RAW+JPEG pair, as the lists show it."""

    NONE = "none"  # not in a pair, or the library lists both files of its pair
    SHOWN = "shown"  # the JPEG (or HEIF) that stands for its pair; `pair_id` is the RAW
    HIDDEN = "hidden"  # the RAW behind its JPEG (`pair_id`): listed nowhere


def _stem(alias: str = "") -> str:
    """The stored relpath without its extension (file_type is the extension, lower-cased),
    lower-cased: cameras and card readers disagree on case (IMG_0001.CR2 beside img_0001.jpg
    once a tool has renamed one half), and the pair is still one shot. SQLite's lower() folds
    ASCII only, which is what camera file names use. The folder part is folded too: two
    folders of one library named apart only by case are not told apart here.

    The exact expression of the `photos_pair` index (PAIR_INDEX): SQLite uses an index on an
    expression only for that same expression."""
    a = f"{alias}." if alias else ""
    return f"lower(substr({a}relpath, 1, length({a}relpath) - length({a}file_type) - 1))"


def _types(types: tuple[str, ...] | frozenset[str]) -> str:
    return ", ".join(f"'{t}'" for t in sorted(types))  # our own constants: no quoting issue


def raw_types() -> frozenset[str]:
    from photosift.core.imaging.decode import RAW_EXTENSIONS

    return RAW_EXTENSIONS


#: CREATE INDEX for the migrations: pair lookups by type, folder and name. Not a partial index
#: (WHERE removed_at IS NULL): SQLite would then walk it, with a table lookup per row, for
#: every filtered listing that says `removed_at IS NULL`, about 2.5 times slower than a scan.
PAIR_INDEX = f"CREATE INDEX photos_pair ON photos(file_type, root_id, {_stem()})"
#: The index as schema 6 made it (the stem as stored, case and all), for that migration only:
#: a schema-6 library has this one, and schema 7 replaces it with PAIR_INDEX.
PAIR_INDEX_V6 = (
    "CREATE INDEX photos_pair ON photos(file_type, root_id, "
    "substr(relpath, 1, length(relpath) - length(file_type) - 1))"
)


def _other(alias: str, other: str, types: str, what: str = "1") -> str:
    """SQL: `what` of the live files of type `types` named like `alias` in its folder."""
    return (
        f"SELECT {what} FROM photos {other} WHERE {other}.file_type IN ({types}) "
        f"AND {other}.root_id = {alias}.root_id AND {_stem(other)} = {_stem(alias)} "
        f"AND {other}.removed_at IS NULL"
    )


def hidden_raw_clause(alias: str = "p") -> str:
    """SQL true for a RAW that has a JPEG or HEIF beside it (left out when pairs are joined)."""
    raw = _types(raw_types())
    rendered = _types(RENDERED_TYPES)
    return (
        f"({alias}.removed_at IS NULL AND {alias}.file_type IN ({raw}) "
        f"AND EXISTS ({_other(alias, 'pj', rendered)}))"
    )


def pair_sql(alias: str = "p") -> str:
    """SQL: the id of the other file of `alias`'s pair (a JPEG's RAW, a RAW's JPEG), else NULL.

    A RAW with both a JPEG and a HEIF beside it names the one recorded first."""
    raw, rendered = _types(raw_types()), _types(RENDERED_TYPES)
    return (
        f"CASE WHEN {alias}.file_type IN ({raw}) "
        f"THEN ({_other(alias, 'pq', rendered, 'MIN(pq.id)')}) "
        f"WHEN {alias}.file_type IN ({rendered}) "
        f"THEN ({_other(alias, 'pq', raw, 'MIN(pq.id)')}) END"
    )


def pair_role(file_type: str, pair_id: int | None, joined: bool) -> PairRole:
    """The role of a file of `file_type` whose pair is `pair_id`, when the library `joined`."""
    if pair_id is None or not joined:
        return PairRole.NONE
    return PairRole.SHOWN if file_type in RENDERED_TYPES else PairRole.HIDDEN


class HasSettings(Protocol):
    def get_setting(self, key: str, default: object = None) -> object: ...


def joins_raw_pairs(store: HasSettings) -> bool:
    """Whether the library shows a RAW+JPEG pair as one photo (the default)."""
    return bool(store.get_setting(RAW_PAIRS_SETTING, True))
