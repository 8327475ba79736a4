"""The library's folders and photos as the window needs them, read on the library lane.

Why a lane of its own: counting 100k photos per folder, listing them for browsing or listing
skipped files are queries that take from milliseconds to a second; none of it may run on the
GUI thread, and none of it should wait behind an indexing batch or a search. Adding or removing
a folder is a short write; SQLite's WAL lets it land between the indexer's batch commits.

Every answer comes back as a signal carrying plain values (RootStats, SortedItems of PhotoItem,
SkippedRecord); browse listings arrive already sorted, so the GUI thread only adopts them.
A newer browse request supersedes an older one that has not finished.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from photosift.gui.remedies import describe
from photosift.gui.results_model import PhotoItem, SortedItems, SortKey, sort_items
from photosift.gui.search_request import SearchRequest
from photosift.gui.workers import Job, JobContext, Lane, thread_library

if TYPE_CHECKING:
    from photosift.core.library.analysis_records import AnalysisCounts
    from photosift.core.library.model_choice import ModelSwitch
    from photosift.core.library.photo_records import RootStats
    from photosift.service.library import PhotoLibrary


def create_library_if_missing(db_path: Path) -> str | None:
    """First run only: create the empty database so an unusable location is reported once.

    Concurrent first opens are safe in the core (Store migrates under BEGIN IMMEDIATE); this
    exists so a folder that cannot hold the library gives one clear dialog at start-up
    instead of a failure in every lane. An existing file is not touched (no SQL on the GUI
    thread); returns a user-facing message if the file cannot be created.
    """
    if db_path.exists():
        return None
    from photosift.core.errors import StoreError
    from photosift.core.library.store import Store

    try:
        Store(db_path).close()
    except StoreError as exc:
        return str(exc)
    return None


class LibraryController(QObject):
    roots_changed = Signal(list)  # list[RootStats], in path order
    counts_changed = Signal(object)  # core AnalysisCounts for the model searches use
    switch_changed = Signal(object)  # core ModelSwitch under way (its progress), or None
    folders_added = Signal(list)  # list[Path] that were new to the library
    folder_removed = Signal(int)  # root id
    photos_loaded = Signal(object, object)  # SearchRequest, SortedItems (browse mode)
    skipped_loaded = Signal(list)  # list[SkippedRecord]
    tags_loaded = Signal(list)  # list[str]
    missing_loaded = Signal(object)  # core MissingPhotos: what "Forget Missing Photos" would forget
    missing_forgotten = Signal(int)  # how many photos were forgotten
    raw_pairs_changed = Signal(bool)  # the library now joins RAW+JPEG pairs (True) or not
    failed = Signal(str)

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.model_spec: str | None = None
        # The library's setting as last read (core/library/raw_pairs.py; on by default):
        # the Settings dialog shows it without asking the database on the GUI thread.
        self.joins_raw_pairs = True
        self._lane = Lane("library", self)
        self._browse_lane = Lane("browse", self)

    def set_model_spec(self, spec: str | None) -> None:
        """Counts of "indexed" photos are per model: the one searches use."""
        self.model_spec = spec

    def refresh(self) -> None:
        spec = self.model_spec
        self._run(lambda ctx: _library_state(self._library(ctx), spec), self._on_state)

    def add_folders(self, folders: Sequence[Path]) -> None:
        """Add the folders (the service resolves them; one that does not exist fails clearly);
        the panel's new state comes from the same job that added them, so a folder is never
        reported added while the panel still shows the old list."""
        spec = self.model_spec

        def work(ctx: JobContext) -> tuple[list[Path], _LibraryState]:
            library = self._library(ctx)
            return library.add_folders(folders), _library_state(library, spec)

        self._run(work, self._on_folders_added)

    def remove_folder(self, root_id: int) -> None:
        def work(ctx: JobContext) -> int:
            self._library(ctx).remove_folder(root_id)
            return root_id

        self._run(work, self._on_folder_removed)

    def load_photos(self, request: SearchRequest, order: SortKey = SortKey.DATE) -> None:
        """Browse mode: every photo matching the request's filters (its text is ignored)."""
        job = Job(lambda ctx: (request, _browse(self._library(ctx), request, order)), "browse")

        def loaded(result: tuple[SearchRequest, SortedItems]) -> None:
            if not job.cancelled:  # a newer browse superseded this one
                self.photos_loaded.emit(*result)

        job.on_success(loaded).on_failure(self._on_failed)
        self._browse_lane.submit(job, supersede=True)

    def set_joins_raw_pairs(self, enabled: bool) -> None:
        """Change the library setting; `raw_pairs_changed` follows once it is written."""

        def work(ctx: JobContext) -> bool:
            library = self._library(ctx)
            library.set_joins_raw_pairs(enabled)
            return library.joins_raw_pairs()

        self._run(work, self._on_raw_pairs)

    def _on_raw_pairs(self, joined: bool) -> None:
        self.joins_raw_pairs = joined
        self.raw_pairs_changed.emit(joined)

    def load_skipped(self, root_id: int | None = None) -> None:
        self._run(
            lambda ctx: self._library(ctx).store.skipped_files(root_id), self.skipped_loaded.emit
        )

    def load_missing(self) -> None:
        self._run(lambda ctx: self._library(ctx).missing_photos(), self.missing_loaded.emit)

    def forget_missing(self) -> None:
        """Forget removed and offline photos with their tags (the user confirmed)."""

        def work(ctx: JobContext) -> int:
            return self._library(ctx).forget_missing()

        def done(count: int) -> None:
            self.refresh()
            self.missing_forgotten.emit(count)

        self._run(work, done)

    def load_tags(self) -> None:
        self._run(lambda ctx: _tag_names(self._library(ctx)), self.tags_loaded.emit)

    def _library(self, ctx: JobContext) -> PhotoLibrary:
        return thread_library(ctx, self.db_path)

    def shutdown(self) -> None:
        self._lane.shutdown()
        self._browse_lane.shutdown()

    def _run(self, work, on_success) -> None:
        job = Job(work, "library")
        job.succeeded.connect(on_success)
        job.failed.connect(self._on_failed)
        self._lane.submit(job)

    def _on_state(self, state: _LibraryState) -> None:
        self.joins_raw_pairs = state.joins_raw_pairs
        self.roots_changed.emit(state.stats)
        self.counts_changed.emit(state.counts)
        self.switch_changed.emit(state.switch)

    def _on_folders_added(self, result: tuple[list[Path], _LibraryState]) -> None:
        added, state = result
        self._on_state(state)
        if added:
            self.folders_added.emit(added)

    def _on_folder_removed(self, root_id: int) -> None:
        self.refresh()
        self.folder_removed.emit(root_id)

    def _on_failed(self, error: Exception) -> None:
        self.failed.emit(describe(error))


@dataclass(frozen=True)
class _LibraryState:
    stats: list[RootStats]
    counts: AnalysisCounts
    joins_raw_pairs: bool
    switch: ModelSwitch | None = None


def _library_state(library: PhotoLibrary, spec: str | None) -> _LibraryState:
    """Per-folder counts and "N of M ready for search" for the model searches use
    (None: the model the library was last indexed with), and how far a switch to another
    model is."""
    from photosift.core.library.model_choice import newest_library_spec

    if spec is None:
        spec = newest_library_spec(library.store)
    return _LibraryState(
        library.root_stats(spec),
        library.analysis_counts(spec),
        joins_raw_pairs=library.joins_raw_pairs(),
        switch=library.model_switch(),
    )


def _browse(library: PhotoLibrary, request: SearchRequest, order: SortKey) -> SortedItems:
    """Every photo passing the request's filters, already in display order."""
    # Browsing shows offline photos too (greyed by the delegate): they are kept, not lost.
    filters = replace(request.filters, exclude_offline=False)
    return sort_items((PhotoItem.from_record(record) for record in library.browse(filters)), order)


def _tag_names(library: PhotoLibrary) -> list[str]:
    return sorted({label.name for label in library.labels()}, key=str.casefold)
