"""Labels and photo tags in the library database: the user's word always wins over the model's.

Rules (photo_tags rows):
- auto tagging writes ``source='auto', state='assigned'`` rows and, when run again, replaces
  only those: a manual tag (``source='manual'``) or a rejected tag (``state='rejected'``) is
  never overwritten, so re-running is idempotent and never undoes the user's corrections.
- ``accept`` turns an auto tag into a manual one; ``reject`` marks a tag rejected (the model
  will not bring it back); ``review_suggestions`` does either to every auto tag of a selection; ``remove`` deletes a manual tag or rejects an auto one; ``reset``
  forgets the row entirely (the next auto run may assign it again).

This module is only the SQL: one TagRecords wraps one Store (one per thread). The tagging
policy on top of it (seeding the default vocabulary, rewriting XMP sidecars after a change)
lives in core.tagging.tag_book.TagBook, which callers use; the library layer sits below
tagging and so may not import it. Labels come back as `LabelRecord` rows, which TagBook turns
into tagging's `Label` (with its prompt templates).
"""

from __future__ import annotations

import json
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from photosift.core.errors import PhotoSiftError, Remedy

if TYPE_CHECKING:
    from photosift.core.library.store import Store

CUSTOM_GROUP = "custom"


class LabelError(PhotoSiftError):
    """A label name is missing, taken or malformed."""


@dataclass(frozen=True)
class LabelRecord:
    """A labels row as stored (tagging.vocabulary.Label adds what the prompts mean)."""

    id: int
    name: str
    group: str | None
    prompts: tuple[str, ...] | None  # None = the default templates around the name
    threshold: float | None  # None = the run's default threshold


class TagSource(str, Enum):
    """Who put a tag on a photo. A str enum: the value is what the photo_tags table stores."""

    AUTO = "auto"  # auto-tagging; re-tagging may replace it
    MANUAL = "manual"  # the user; auto-tagging never touches it


class TagState(str, Enum):
    """Whether a tag holds. REJECTED is kept (not deleted) so auto-tagging never re-adds it."""

    ASSIGNED = "assigned"
    REJECTED = "rejected"


@dataclass(frozen=True)
class PhotoTag:
    label_id: int
    label: str
    group: str | None
    score: float | None  # calibrated score 0..1 when auto, None when added by hand
    source: TagSource
    state: TagState

    @classmethod
    def from_row(cls, row: Sequence[object]) -> PhotoTag:
        label_id, label, group, score, source, state = row
        return cls(
            int(label_id),  # type: ignore[call-overload]
            str(label),
            None if group is None else str(group),
            None if score is None else float(score),  # type: ignore[arg-type]
            TagSource(source),
            TagState(state),
        )


class TagRecords:
    """The labels and photo_tags tables; every method is SQL (no sidecars, no defaults)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- vocabulary ------------------------------------------------------------------------
    def seed_labels(self, specs: Iterable[tuple[str, str | None, Sequence[str] | None]]) -> None:
        """Insert (name, group, prompts) labels, skipping any name already there."""
        now = time.time()
        with self.store.transaction() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO labels (name, group_name, prompts, created_at) VALUES (?, ?, ?, ?)",
                [
                    (name, group, json.dumps(list(prompts)) if prompts else None, now)
                    for name, group, prompts in specs
                ],
            )

    def labels(self, names: Iterable[str] | None = None) -> list[LabelRecord]:
        """All labels (by group, name), or the named ones in the order given (LabelError if one is missing)."""
        rows = self.store.db.execute(
            "SELECT id, name, group_name, prompts, threshold FROM labels ORDER BY group_name, name"
        ).fetchall()
        labels = [_label(r) for r in rows]
        if names is None:
            return labels
        by_name = {label.name.lower(): label for label in labels}
        wanted = list(names)
        missing = [n for n in wanted if n.lower() not in by_name]
        if missing:
            raise LabelError(
                f"No label named {', '.join(missing)}.", remedy=Remedy.ADD_LABEL, names=missing
            )
        return [by_name[n.lower()] for n in wanted]

    def label(self, name: str) -> LabelRecord | None:
        row = self.store.db.execute(
            "SELECT id, name, group_name, prompts, threshold FROM labels WHERE name = ? COLLATE NOCASE",
            [name.strip()],
        ).fetchone()
        return _label(row) if row else None

    def add_label(
        self,
        name: str,
        *,
        group: str | None = None,
        prompts: Sequence[str] | None = None,
        threshold: float | None = None,
    ) -> LabelRecord:
        name, group = _clean_name(name), _clean_group(group)
        if self.label(name) is not None:
            raise LabelError(f"There is already a label named '{name}'; rename or remove it first.")
        with self.store.transaction():
            self.store.db.execute(
                "INSERT INTO labels (name, group_name, prompts, threshold, created_at) VALUES (?, ?, ?, ?, ?)",
                [name, group or CUSTOM_GROUP, _prompts_json(prompts), threshold, time.time()],
            )
        return self.label(name)  # type: ignore[return-value]

    def update_label(
        self,
        name: str,
        *,
        group: str | None = None,
        prompts: Sequence[str] | None = None,
        threshold: float | None = None,
        clear_threshold: bool = False,
        clear_prompts: bool = False,
    ) -> LabelRecord:
        """Change what is given. `clear_threshold` returns the label to the default threshold,
        `clear_prompts` to the default prompt templates (an empty `prompts` changes nothing)."""
        label = self._require(name)
        group = _clean_group(group)
        with self.store.transaction():
            self.store.db.execute(
                "UPDATE labels SET group_name = ?, prompts = ?, threshold = ? WHERE id = ?",
                [
                    group or label.group,
                    None
                    if clear_prompts
                    else _prompts_json(prompts)
                    if prompts
                    else _prompts_json(label.prompts),
                    None
                    if clear_threshold
                    else (threshold if threshold is not None else label.threshold),
                    label.id,
                ],
            )
        return self._require(label.name)

    def rename_label(self, old: str, new: str) -> LabelRecord:
        label = self._require(old)
        new = _clean_name(new)
        other = self.label(new)
        if other is not None and other.id != label.id:
            raise LabelError(f"There is already a label named '{new}'; remove it first.")
        with self.store.transaction():
            self.store.db.execute("UPDATE labels SET name = ? WHERE id = ?", [new, label.id])
        return self._require(new)

    def remove_label(self, name: str) -> list[int]:
        """Delete the label and its tags; returns the photos that had it assigned."""
        label = self._require(name)
        photos = self.photos_with_tag(label.name)
        with self.store.transaction():
            self.store.db.execute("DELETE FROM labels WHERE id = ?", [label.id])
        return photos

    def _require(self, name: str) -> LabelRecord:
        label = self.label(name)
        if label is None:
            raise LabelError(f"No label named '{name}'.", remedy=Remedy.SEE_LABELS, name=name)
        return label

    # -- tags ------------------------------------------------------------------------------
    def tags_for_photo(self, photo_id: int) -> list[PhotoTag]:
        rows = self.store.db.execute(
            "SELECT l.id, l.name, l.group_name, t.score, t.source, t.state FROM photo_tags t "
            "JOIN labels l ON l.id = t.label_id WHERE t.photo_id = ? "
            "ORDER BY t.state, t.score IS NULL, t.score DESC, l.name",
            [photo_id],
        )
        return [PhotoTag.from_row(r) for r in rows]

    def photos_with_tag(self, name: str, *, state: TagState = TagState.ASSIGNED) -> list[int]:
        rows = self.store.db.execute(
            "SELECT t.photo_id FROM photo_tags t JOIN labels l ON l.id = t.label_id "
            "WHERE l.name = ? COLLATE NOCASE AND t.state = ? ORDER BY t.photo_id",
            [name, state],
        )
        return [r[0] for r in rows]

    def add_manual(
        self, photo_ids: Sequence[int], name: str, *, group: str | None = None
    ) -> LabelRecord:
        """Tag photos by hand, creating the label when it is new."""
        label = self.label(name) or self.add_label(name, group=group)
        self._set(photo_ids, label, TagSource.MANUAL, TagState.ASSIGNED)
        return label

    def accept(self, photo_ids: Sequence[int], name: str) -> None:
        self._set(photo_ids, self._require(name), TagSource.MANUAL, TagState.ASSIGNED)

    def reject(self, photo_ids: Sequence[int], name: str) -> None:
        self._set(photo_ids, self._require(name), None, TagState.REJECTED)

    def remove(self, photo_ids: Sequence[int], name: str) -> None:
        """Delete manual tags, reject auto ones (so auto tagging does not bring them back)."""
        label = self._require(name)
        with self.store.transaction() as conn:
            ids = json.dumps([int(i) for i in photo_ids])
            conn.execute(
                "DELETE FROM photo_tags WHERE label_id = ? AND source = 'manual' AND state = 'assigned' "
                "AND photo_id IN (SELECT value FROM json_each(?))",
                [label.id, ids],
            )
            conn.execute(
                "UPDATE photo_tags SET state = 'rejected', updated_at = ? WHERE label_id = ? "
                "AND source = 'auto' AND photo_id IN (SELECT value FROM json_each(?))",
                [time.time(), label.id, ids],
            )

    def review_suggestions(self, photo_ids: Sequence[int], *, accept: bool) -> list[int]:
        """Accept (they become manual) or reject (never assigned again) every auto tag of these
        photos at once: a batch of shots the model read right, or read wrong. Returns the
        photos whose tags changed."""
        ids = json.dumps([int(i) for i in photo_ids])
        change = "source = 'manual'" if accept else "state = 'rejected'"
        with self.store.transaction() as conn:
            changed = [
                r[0]
                for r in conn.execute(
                    f"UPDATE photo_tags SET {change}, updated_at = ? WHERE source = 'auto' "
                    "AND state = 'assigned' AND photo_id IN (SELECT value FROM json_each(?)) "
                    "RETURNING photo_id",
                    [time.time(), ids],
                ).fetchall()
            ]
        return sorted(set(changed))

    def reset(self, photo_ids: Sequence[int], name: str) -> None:
        label = self._require(name)
        with self.store.transaction() as conn:
            conn.execute(
                "DELETE FROM photo_tags WHERE label_id = ? AND photo_id IN (SELECT value FROM json_each(?))",
                [label.id, json.dumps([int(i) for i in photo_ids])],
            )

    def _set(
        self,
        photo_ids: Sequence[int],
        label: LabelRecord,
        source: TagSource | None,
        state: TagState,
    ) -> None:
        """Upsert rows; source None keeps an existing row's source (new rows become manual)."""
        now = time.time()
        stored_source = (source or TagSource.MANUAL).value
        kept_source = None if source is None else source.value
        with self.store.transaction() as conn:
            conn.executemany(
                "INSERT INTO photo_tags (photo_id, label_id, score, source, state, updated_at) "
                "VALUES (?, ?, NULL, ?, ?, ?) ON CONFLICT (photo_id, label_id) DO UPDATE SET "
                "source = COALESCE(?, source), state = excluded.state, updated_at = excluded.updated_at",
                [
                    (int(p), label.id, stored_source, state.value, now, kept_source)
                    for p in photo_ids
                ],
            )

    def replace_auto_tags(
        self,
        photo_ids: Sequence[int],
        label_ids: Sequence[int],
        assigned: Sequence[tuple[int, int, float]],
        model_id: int | None,
    ) -> int:
        """One auto-tagging batch: drop the old auto assignments of these photos x labels, then
        insert `assigned` (photo_id, label_id, score) wherever no manual or rejected row is.
        Returns how many auto tags were written."""
        now = time.time()
        with self.store.transaction() as conn:
            conn.execute(
                "DELETE FROM photo_tags WHERE source = 'auto' AND state = 'assigned' "
                "AND photo_id IN (SELECT value FROM json_each(?)) "
                "AND label_id IN (SELECT value FROM json_each(?))",
                [json.dumps([int(i) for i in photo_ids]), json.dumps([int(i) for i in label_ids])],
            )
            cursor = conn.executemany(
                "INSERT INTO photo_tags (photo_id, label_id, score, source, state, model_id, updated_at) "
                "VALUES (?, ?, ?, 'auto', 'assigned', ?, ?) ON CONFLICT (photo_id, label_id) DO NOTHING",
                [(p, lab, s, model_id, now) for p, lab, s in assigned],
            )
        return max(cursor.rowcount, 0)


def _label(row: tuple) -> LabelRecord:
    prompts = tuple(json.loads(row[3])) if row[3] else None
    return LabelRecord(row[0], row[1], row[2], prompts, row[4])


#: Longest label (and group) name: a label is a keyword, not a caption.
MAX_LABEL_LENGTH = 100


def _clean_name(name: str, what: str = "label") -> str:
    """Trimmed (inner runs of white space become one space) and checked: a label becomes an
    XML keyword in sidecars, so control characters (which XML cannot hold) are refused."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise LabelError(f"A {what} needs a name.")
    bad = next(
        (ch for ch in cleaned if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn")), None
    )
    if bad is not None:
        raise LabelError(
            f"A {what} name cannot contain the control or invisible character U+{ord(bad):04X} "
            f"({cleaned!r}); type the name again without it."
        )
    if len(cleaned) > MAX_LABEL_LENGTH:
        raise LabelError(
            f"A {what} name is at most {MAX_LABEL_LENGTH} characters; '{cleaned[:40]}...' has "
            f"{len(cleaned)}."
        )
    if "|" in cleaned or "/" in cleaned:
        raise LabelError(
            f"A {what} name cannot contain '|' or '/' ('{cleaned}'): they separate levels in XMP."
        )
    return cleaned


def _clean_group(group: str | None) -> str | None:
    return _clean_name(group, "group") if group else None


def _prompts_json(prompts: Sequence[str] | None) -> str | None:
    cleaned = [p.strip() for p in prompts or () if p.strip()]
    return json.dumps(cleaned) if cleaned else None
