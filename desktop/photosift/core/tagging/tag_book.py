"""A library's labels and photo tags with the tagging policy: what callers use to read and edit tags.

Why it is split from core.library.tag_records: the library layer is the only one with SQL and
sits below tagging, so it cannot know the default vocabulary (core.tagging.vocabulary) or XMP
sidecars (core.tagging.xmp). TagBook holds that policy and asks TagRecords for the rows:
- ``ensure_vocabulary`` seeds the default labels once per library (deleting them later is
  respected; a read-only library is listed as it is);
- when XMP sidecars are enabled (the ``xmp_sidecars`` setting, or `write_xmp=True`), every
  change rewrites the sidecars of the photos it touched;
- labels come back as vocabulary `Label`s (with their prompt templates), not bare rows.

The rules of which tag wins (the user's word over the model's) are the records' and are
described in core.library.tag_records. One TagBook wraps one Store (one per thread).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from photosift.core.library.tag_records import LabelRecord, PhotoTag, TagRecords, TagState
from photosift.core.tagging.vocabulary import Label, default_labels

if TYPE_CHECKING:
    from photosift.core.library.store import Store

SEEDED_KEY = "vocabulary_seeded"  # settings row: the default labels were copied in once


class TagBook:
    def __init__(self, store: Store, *, write_xmp: bool | None = None) -> None:
        from photosift.core.tagging.xmp import SETTING_KEY

        self.store = store
        self.records = TagRecords(store)
        self.write_xmp = (
            bool(store.get_setting(SETTING_KEY, False)) if write_xmp is None else write_xmp
        )

    # -- vocabulary ------------------------------------------------------------------------
    def ensure_vocabulary(self) -> None:
        """Seed the default labels once per library (deleting them later is respected)."""
        if self.store.get_setting(SEEDED_KEY) or self.store.read_only:
            return  # a read-only library is listed as it is
        self.records.seed_labels((s.name, s.group, s.prompts) for s in default_labels())
        self.store.set_setting(SEEDED_KEY, True)

    def labels(self, names: Iterable[str] | None = None) -> list[Label]:
        """All labels (by group, name), or the named ones in the order given (LabelError if one is missing)."""
        return [_as_label(r) for r in self.records.labels(names)]

    def label(self, name: str) -> Label | None:
        record = self.records.label(name)
        return _as_label(record) if record is not None else None

    def add_label(
        self,
        name: str,
        *,
        group: str | None = None,
        prompts: Sequence[str] | None = None,
        threshold: float | None = None,
    ) -> Label:
        return _as_label(
            self.records.add_label(name, group=group, prompts=prompts, threshold=threshold)
        )

    def update_label(
        self,
        name: str,
        *,
        group: str | None = None,
        prompts: Sequence[str] | None = None,
        threshold: float | None = None,
        clear_threshold: bool = False,
        clear_prompts: bool = False,
    ) -> Label:
        """Change what is given. `clear_threshold` returns the label to the default threshold,
        `clear_prompts` to the default prompt templates (an empty `prompts` changes nothing)."""
        record = self.records.update_label(
            name,
            group=group,
            prompts=prompts,
            threshold=threshold,
            clear_threshold=clear_threshold,
            clear_prompts=clear_prompts,
        )
        return _as_label(record)

    def rename_label(self, old: str, new: str) -> Label:
        """Rename; the sidecars of the photos tagged with it then carry the new name."""
        record = self.records.rename_label(old, new)
        self._sync(self.records.photos_with_tag(record.name))
        return _as_label(record)

    def remove_label(self, name: str) -> None:
        """Remove the label and its tags; its photos' sidecars lose it."""
        self._sync(self.records.remove_label(name))

    # -- tags ------------------------------------------------------------------------------
    def tags_for_photo(self, photo_id: int) -> list[PhotoTag]:
        return self.records.tags_for_photo(photo_id)

    def photos_with_tag(self, name: str, *, state: TagState = TagState.ASSIGNED) -> list[int]:
        return self.records.photos_with_tag(name, state=state)

    def add_manual(self, photo_ids: Sequence[int], name: str, *, group: str | None = None) -> Label:
        """Tag photos by hand, creating the label when it is new."""
        record = self.records.add_manual(photo_ids, name, group=group)
        self._sync(photo_ids)
        return _as_label(record)

    def accept(self, photo_ids: Sequence[int], name: str) -> None:
        self.records.accept(photo_ids, name)
        self._sync(photo_ids)

    def reject(self, photo_ids: Sequence[int], name: str) -> None:
        self.records.reject(photo_ids, name)
        self._sync(photo_ids)

    def remove(self, photo_ids: Sequence[int], name: str) -> None:
        """Delete manual tags, reject auto ones (so auto tagging does not bring them back)."""
        self.records.remove(photo_ids, name)
        self._sync(photo_ids)

    def review_suggestions(self, photo_ids: Sequence[int], *, accept: bool) -> list[int]:
        """Accept (they become manual) or reject (never assigned again) every auto tag of these
        photos at once. Returns the photos whose tags changed (only their sidecars are rewritten)."""
        photos = self.records.review_suggestions(photo_ids, accept=accept)
        self._sync(photos)
        return photos

    def reset(self, photo_ids: Sequence[int], name: str) -> None:
        self.records.reset(photo_ids, name)
        self._sync(photo_ids)

    def replace_auto_tags(
        self,
        photo_ids: Sequence[int],
        label_ids: Sequence[int],
        assigned: Sequence[tuple[int, int, float]],
        model_id: int | None,
    ) -> int:
        """One auto-tagging batch (see TagRecords.replace_auto_tags). Writes no sidecars: the
        tagger calls `sync_sidecars` once per chunk itself, to report what failed."""
        return self.records.replace_auto_tags(photo_ids, label_ids, assigned, model_id)

    # -- sidecars --------------------------------------------------------------------------
    def sync_sidecars(self, photo_ids: Iterable[int]) -> tuple[int, list[str]]:
        """Rewrite the sidecars of these photos (offline ones are skipped): (written, errors)."""
        from photosift.core.library.link_policy import inside_any
        from photosift.core.tagging.xmp import XmpError, write_tags

        written, errors = 0, []
        folders = [root.path for root in self.store.roots()]
        for record in self.store.photos(list(photo_ids)):
            if record.offline or record.removed_at is not None:
                continue
            if not inside_any(record.abspath.parent, folders):
                errors.append(
                    f"Not writing a sidecar for {record.abspath}: through a link it lies outside "
                    "the folders you added, and PhotoSift writes only inside those."
                )
                continue
            tags = [
                (t.group, t.label) for t in self.tags_for_photo(record.id) if t.state == "assigned"
            ]
            try:
                write_tags(record.abspath, tags)
                written += 1
            except XmpError as exc:
                errors.append(str(exc))
        return written, errors

    def _sync(self, photo_ids: Iterable[int]) -> None:
        if self.write_xmp:
            self.sync_sidecars(photo_ids)


def _as_label(record: LabelRecord) -> Label:
    return Label(record.id, record.name, record.group, record.prompts, record.threshold)
