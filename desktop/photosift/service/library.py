"""`PhotoLibrary`: one library file and everything the CLI and the GUI do with it.

Why a service between the faces and the core: the policies a user meets — which model a
library is used with, what a folder the user names means, which photos a filter selects, how
a photo is named on the command line — must be the same in the terminal and in the window.
They are decided here (or in the core modules called from here) once; the CLI parses
arguments and prints, the GUI runs these calls on its worker lanes and turns the answers into
signals (Dangerzone's ``logic.py`` and beets' ``Library`` play the same part).
The service imports nothing heavy at module level, so the window may import it at start-up.

A `PhotoLibrary` wraps one SQLite connection, so it belongs to the thread that opened it:
the CLI opens one; each GUI lane opens its own. Everything heavy (torch, open_clip, numpy) is
imported inside the calls that need it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from photosift.core.errors import QueryError
from photosift.core.library.filters import Filters
from photosift.core.library.folders import add_folders, resolve_folders
from photosift.core.library.model_choice import ModelChoice, ModelUse, choose_model

if TYPE_CHECKING:
    import numpy as np

    from photosift.core.cancel import CancelToken
    from photosift.core.library.indexer import IndexProgress, IndexSummary
    from photosift.core.library.photo_records import PhotoRecord, RootStats
    from photosift.core.library.records import Root
    from photosift.core.library.store import Store
    from photosift.core.library.tag_records import TagStore
    from photosift.core.model.loader import ClipModel
    from photosift.core.search.engine import SearchEngine, SearchResults
    from photosift.core.tagging.tagger import Tagger, TagProgress, TagSummary
    from photosift.core.tagging.vocabulary import Label


@dataclass(frozen=True)
class LoadedModel:
    """A loaded model and what the library says about it."""

    model: ClipModel
    choice: ModelChoice

    @property
    def spec(self) -> str:
        return self.model.spec

    @property
    def matches_library(self) -> bool:
        return self.choice.matches_library


@dataclass(frozen=True)
class FoundPhoto:
    """A search hit filled with its photo's record, best first in a result list."""

    record: PhotoRecord
    score: float
    relevance: float


@dataclass(frozen=True)
class Found:
    """A search's answer: the hits, how many photos were considered, how many were cut."""

    photos: list[FoundPhoto]
    considered: int
    cut: int


class PhotoLibrary:
    """The library service. Open with `PhotoLibrary.open(path)` or wrap a thread's `Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @classmethod
    @contextmanager
    def open(cls, path: Path, *, create: bool = True) -> Iterator[PhotoLibrary]:
        """Open (or, with `create`, create) the library file for this thread, closing it after."""
        from photosift.core.library.store import Store  # numpy and SQLite: not at GUI start-up

        with Store(path, create=create) as store:
            yield cls(store)

    @property
    def path(self) -> Path:
        return self.store.path

    # -- models ----------------------------------------------------------------------------
    def choose_model(self, requested: str | None, use: ModelUse) -> ModelChoice:
        """Which model to load for `use` (core/library/model_choice.py holds the policy)."""
        return choose_model(self.store, requested, use)

    def load_model(self, requested: str | None, use: ModelUse, device: str = "auto") -> LoadedModel:
        """Choose, then load (may import torch and download weights: never on a GUI thread)."""
        from photosift.core.model.loader import load_model

        choice = self.choose_model(requested, use)
        return LoadedModel(load_model(choice.spec, device=device), choice)

    # -- folders ---------------------------------------------------------------------------
    def roots(self) -> list[Root]:
        return self.store.roots()

    def root_stats(self, model_spec: str | None) -> list[RootStats]:
        """Per-folder counts; "indexed" counts are per model, the one searches use."""
        record = self.store.model_by_spec(model_spec) if model_spec else None
        return self.store.root_stats(record.id if record else None)

    def add_folders(self, folders: Sequence[str | Path]) -> list[Path]:
        """Add folders to the library; returns those that were new to it."""
        known = {root.path for root in self.store.roots()}
        return [Path(root.path) for root in add_folders(self.store, folders) if root.path not in known]

    def remove_folder(self, root_id: int) -> None:
        self.store.remove_root(root_id)

    # -- indexing --------------------------------------------------------------------------
    def index(
        self,
        model: ClipModel,
        folders: Sequence[str | Path] = (),
        *,
        reindex: bool = False,
        batch_size: int = 32,
        workers: int | None = None,
        progress: Callable[[IndexProgress], None] | None = None,
        on_batch: Callable[[list[int]], None] | None = None,
        cancel: CancelToken | None = None,
    ) -> IndexSummary:
        """Add `folders` (none = every folder of the library) and bring their vectors up to date."""
        from photosift.core.library.indexer import index_library

        if reindex:
            self.forget_index(model.spec)
        return index_library(
            self.store, model, list(folders) or None, batch_size=batch_size, workers=workers,
            progress=progress, on_batch=on_batch, cancel=cancel,
        )  # fmt: skip

    def forget_index(self, model_spec: str) -> None:
        """Drop `model_spec`'s vectors and every skipped file, so the next run embeds it all."""
        self.store.remove_model_vectors(model_spec)
        self.store.forget_skipped()

    # -- photos ----------------------------------------------------------------------------
    def photo_id(self, reference: str | Path) -> int:
        """A photo named as `#ID` or by its path; QueryError when the library has no such photo."""
        text = str(reference)
        if text.startswith("#"):
            if not text[1:].isdigit():
                raise QueryError(f"'{text}' is not a photo id; write it as #123.")
            photo_id = int(text[1:])
            if len(self.store.photos([photo_id])) == 1:
                return photo_id
        else:
            found = self.store.photo_id_at(reference)
            if found is not None:
                return found
        raise QueryError(f"{reference} is not a photo of the library; index it first.")

    def photo_ids(self, filters: Filters) -> np.ndarray:
        """Ids of the photos passing `filters` (the same filters the search applies)."""
        from photosift.core.library.filters import filtered_ids

        return filtered_ids(self.store, filters)

    def browse(self, filters: Filters) -> list[PhotoRecord]:
        """Every photo passing `filters`, for browsing without a model."""
        return self.store.photos(self.photo_ids(filters).tolist())

    # -- search ----------------------------------------------------------------------------
    def search_engine(self, model: ClipModel) -> SearchEngine:
        """A search engine over this library's vectors of `model`, loaded (mismatches refused)."""
        from photosift.core.search.engine import SearchEngine

        engine = SearchEngine(self.path, model)
        engine.load()
        return engine

    def fill(self, results: SearchResults) -> Found:
        """Search hits with their photo records, in rank order (gone photos are dropped)."""
        records = {r.id: r for r in self.store.photos([h.photo_id for h in results.hits])}
        photos = [
            FoundPhoto(records[h.photo_id], h.score, h.relevance)
            for h in results.hits
            if h.photo_id in records
        ]
        return Found(photos, results.considered, results.cut)

    # -- tagging ---------------------------------------------------------------------------
    def tag_store(self, *, write_xmp: bool | None = None) -> TagStore:
        """Labels and tags of this library, the default vocabulary seeded on first use."""
        from photosift.core.library.tag_records import TagStore

        tags = TagStore(self.store, write_xmp=write_xmp)
        tags.ensure_vocabulary()
        return tags

    def tagger(
        self,
        model: ClipModel,
        labels: Sequence[Label] | None = None,
        *,
        write_xmp: bool | None = None,
    ) -> Tagger:
        from photosift.core.tagging.tagger import Tagger

        return Tagger(self.store, model, labels, write_xmp=write_xmp)

    def tag(
        self,
        tagger: Tagger,
        *,
        photo_ids: Sequence[int] | None = None,
        filters: Filters | None = None,
        threshold: float | None = None,
        progress: Callable[[TagProgress], None] | None = None,
        cancel: CancelToken | None = None,
    ) -> tuple[TagSummary, list[int]]:
        """Auto-tag the given photos, or those passing `filters` (both None: the whole library).

        Returns the summary and the ids it tagged, so a face can refresh exactly those.
        """
        import numpy as np

        if photo_ids is None and filters is not None and filters.active:
            photo_ids = self.photo_ids(filters).tolist()
        ids = tagger.photo_ids(photo_ids)
        summary = tagger.run(ids.tolist(), threshold=threshold, progress=progress, cancel=cancel)
        return summary, np.asarray(ids, dtype=np.int64).tolist()

    def labels(self, names: Sequence[str] | None = None) -> list[Label]:
        return self.tag_store().labels(names)

    def save_label(
        self,
        name: str,
        *,
        group: str | None = None,
        prompts: Sequence[str] | None = None,
        threshold: float | None = None,
    ) -> tuple[Label, bool]:
        """Add a label, or change the one with that name; returns it and whether it is new."""
        tags = self.tag_store()
        if tags.label(name) is None:
            return tags.add_label(name, group=group, prompts=prompts, threshold=threshold), True
        return tags.update_label(name, group=group, prompts=prompts, threshold=threshold), False

    def add_missing_labels(self, names: Sequence[str]) -> list[str]:
        """Add the labels the vocabulary lacks (plain templates); returns the names added."""
        tags = self.tag_store()
        added = [name for name in names if tags.label(name) is None]
        for name in added:
            tags.add_label(name)
        return added
