"""Work the auto-tag panel runs on its lanes (gui/workers.py): no widgets here.

Each function takes the lane's `JobContext` first and runs on that lane's thread, so the heavy
core modules (numpy, the tagger) are imported here and never by the panel's module itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from photosift.core.errors import PhotoSiftError
from photosift.gui.workers import JobContext, thread_library, thread_store

if TYPE_CHECKING:
    from photosift.core.library.filters import Filters
    from photosift.core.library.tag_records import PhotoTag
    from photosift.core.model.clip_model import ClipModel
    from photosift.core.model.onnx_runtime import OnnxClipModel
    from photosift.core.tagging.label_vectors import LabelVectorSummary
    from photosift.core.tagging.tag_book import TagBook
    from photosift.core.tagging.tagger import LabelScore, Tagger, TagSummary
    from photosift.core.tagging.vocabulary import Label, LabelEmbedder
    from photosift.gui.widgets.vocabulary_editor import LabelEdit
    from photosift.service.library import TagAction


class NoScores(Enum):
    """Why a photo's score chart is empty."""

    NO_MODEL = "no-model"
    LABELS_PENDING = "labels-pending"  # the label vectors are still being computed
    NOT_ANALYSED = "not-analysed"  # the photo has no vector of this model yet
    ERROR = "error"


@dataclass(frozen=True)
class PhotoTagInfo:
    photo_id: int
    name: str
    tags: list[PhotoTag]
    scores: list[LabelScore] = field(default_factory=list)
    no_scores: NoScores | None = None  # why scores are missing, None when they are here
    detail: str = ""  # the error's message, for NoScores.ERROR


def _tag_book(ctx: JobContext, db_path: Path, write_xmp: bool) -> TagBook:
    from photosift.core.tagging.tag_book import TagBook

    return TagBook(thread_store(ctx, db_path), write_xmp=write_xmp)


def _scoring_tagger(
    ctx: JobContext,
    db_path: Path,
    model: ClipModel | OnnxClipModel,
    embedder: LabelEmbedder,
    generation: int,
) -> Tagger:
    """A Tagger kept between photos: its calibration is the expensive part of a score. It
    never embeds label prompts itself (that is `label_vectors`' lane): it reads them."""
    from photosift.core.tagging.tagger import Tagger

    store = thread_store(ctx, db_path)
    key = (str(db_path), id(model), generation)
    if ctx.state.get("tagger_key") != key or "tagger" not in ctx.state:
        ctx.state["tagger"] = Tagger(
            store, model, embedder=embedder, write_xmp=False, compute_labels=False
        )
        ctx.state["tagger_key"] = key
    return ctx.state["tagger"]


def photo_info(
    ctx: JobContext,
    db_path: Path,
    photo_id: int,
    model: ClipModel | OnnxClipModel | None,
    embedder: LabelEmbedder | None,
    generation: int,
) -> PhotoTagInfo:
    store = thread_store(ctx, db_path)
    record = store.photo(photo_id)
    name = record.abspath.name if record is not None else ""
    tags = _tag_book(ctx, db_path, False).tags_for_photo(photo_id)
    if model is None or embedder is None:
        return PhotoTagInfo(photo_id, name, tags, no_scores=NoScores.NO_MODEL)
    from photosift.core.tagging.label_vectors import LabelVectorsPending

    try:
        scores = _scoring_tagger(ctx, db_path, model, embedder, generation).label_scores(photo_id)
    except LabelVectorsPending:
        return PhotoTagInfo(photo_id, name, tags, no_scores=NoScores.LABELS_PENDING)
    except PhotoSiftError as exc:  # e.g. the library was indexed with another model
        return PhotoTagInfo(photo_id, name, tags, no_scores=NoScores.ERROR, detail=str(exc))
    return PhotoTagInfo(photo_id, name, tags, scores, None if scores else NoScores.NOT_ANALYSED)


def label_vectors(
    ctx: JobContext, db_path: Path, model: ClipModel | OnnxClipModel, embedder: LabelEmbedder
) -> LabelVectorSummary:
    """Compute and store the vocabulary's missing label vectors (progress, cancel)."""
    from photosift.core.tagging.label_vectors import compute_label_vectors

    labels = load_vocabulary(ctx, db_path)
    return compute_label_vectors(
        thread_store(ctx, db_path),
        model,
        labels,
        embedder=embedder,
        progress=ctx.progress,
        cancel=ctx.cancel,
    )


def load_vocabulary(ctx: JobContext, db_path: Path) -> list[Label]:
    tags = _tag_book(ctx, db_path, False)
    tags.ensure_vocabulary()
    return tags.labels()


def save_label(
    ctx: JobContext, db_path: Path, old_name: str | None, edit: LabelEdit, write_xmp: bool
) -> list[int]:
    """Add or change a label; returns the photos whose tags now read differently."""
    tags = _tag_book(ctx, db_path, write_xmp)
    prompts = edit.prompts or None
    if old_name is None:
        tags.add_label(edit.name, group=edit.group, prompts=prompts, threshold=edit.threshold)
        return []
    if edit.name != old_name:
        tags.rename_label(old_name, edit.name)
    tags.update_label(
        edit.name,
        group=edit.group,
        prompts=prompts,
        threshold=edit.threshold,
        clear_threshold=edit.threshold is None,
        clear_prompts=not edit.prompts,
    )
    return tags.photos_with_tag(edit.name) if edit.name != old_name else []


def remove_label(ctx: JobContext, db_path: Path, name: str, write_xmp: bool) -> list[int]:
    tags = _tag_book(ctx, db_path, write_xmp)
    photos = tags.photos_with_tag(name)
    tags.remove_label(name)
    return photos


def change_tag(
    ctx: JobContext,
    db_path: Path,
    action: TagAction,
    photo_ids: list[int],
    name: str,
    write_xmp: bool,
) -> list[int]:
    thread_library(ctx, db_path).change_tags(photo_ids, [(action, name)], write_xmp=write_xmp)
    return photo_ids


def review_suggestions(
    ctx: JobContext, db_path: Path, action: TagAction, photo_ids: list[int], write_xmp: bool
) -> list[int]:
    """Accept or reject every suggested tag of the photos (the grid's selection)."""
    library = thread_library(ctx, db_path)
    return library.review_suggestions(photo_ids, action, write_xmp=write_xmp)


def run_tagging(
    ctx: JobContext,
    db_path: Path,
    model: ClipModel | OnnxClipModel,
    embedder: LabelEmbedder,
    write_xmp: bool,
    photo_ids: list[int] | None,
    filters: Filters | None,
) -> tuple[TagSummary, list[int]]:
    """Tag the selection, the photos passing `filters`, or (both None) the whole library;
    returns the summary and the ids it tagged (the service picks the photos once)."""
    from photosift.core.tagging.tagger import Tagger

    library = thread_library(ctx, db_path)
    tagger = Tagger(library.store, model, embedder=embedder, write_xmp=write_xmp)
    return library.tag(
        tagger, photo_ids=photo_ids, filters=filters, progress=ctx.progress, cancel=ctx.cancel
    )
