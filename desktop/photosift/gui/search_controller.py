"""Runs searches on their own lane, so a query never waits behind an indexing batch.

Why it looks like this:
- The core `SearchEngine` (every vector in memory, a text-embedding cache) lives in the lane
  thread's state, loaded once per model and library. Photos the indexer commits reach it
  through `add_photos(ids)`: the ids wait in a thread-safe list that the next search applies
  with `engine.refresh(ids)`, so new photos are searchable without reloading 100k vectors, and
  a superseded (cancelled) search never loses them. Removing a folder reloads the engine.
- Each search supersedes the one before: while the user types, only the newest query runs,
  and a superseded search reports nothing. The request is echoed with its results so the
  caller can also drop answers to older requests.
- Results come back as `PhotoItem`s with their scores, read on the worker; the GUI thread only
  swaps the model's rows.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from photosift.gui.remedies import describe
from photosift.gui.results_model import PhotoItem, SortedItems, SortKey, sort_items
from photosift.gui.search_request import SearchRequest
from photosift.gui.workers import Job, JobContext, Lane

TOP_K = 2000
"""Results shown per search; beyond this a query is too vague to scroll through anyway."""


@dataclass(frozen=True)
class SearchDetails:
    """What the user should know about an answer besides its photos."""

    hidden: int = 0  # results the relevance cut-off hid (shown at "off")
    notices: tuple = field(default=())  # core QueryNotices: a query the model cannot read, emoji
    multilingual_spec: str = ""  # the catalog's multilingual model
    multilingual_cached: bool = False  # ... already downloaded, so switching is one click

    @property
    def unreadable(self) -> bool:
        return any(n.unreadable for n in self.notices)


class SearchController(QObject):
    results = Signal(object, object)  # SearchRequest, SortedItems best first
    details = Signal(object, object)  # SearchRequest, SearchDetails (after its results)
    failed = Signal(object, str)  # SearchRequest, message

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self._model: object | None = None
        self._generation = 0
        self._new_ids: list[int] = []
        self._new_ids_lock = threading.Lock()
        self._lane = Lane("search", self)

    @property
    def ready(self) -> bool:
        return self._model is not None

    def set_model(self, model: object | None) -> None:
        self._model = model
        self.invalidate()

    def invalidate(self) -> None:
        """The library lost photos (a folder removed): the next search reloads every vector."""
        self._generation += 1

    def add_photos(self, photo_ids: list[int]) -> None:
        """Photos just indexed: the next search takes them in without a reload."""
        with self._new_ids_lock:
            self._new_ids.extend(photo_ids)

    def search(self, request: SearchRequest) -> None:
        model, generation = self._model, self._generation
        if model is None:
            return
        job = Job(lambda ctx: self._run(ctx, model, generation, request), "search")

        def delivered(answer: tuple[SortedItems, SearchDetails]) -> None:
            if not job.cancelled:  # a newer search superseded this one: its answer is stale
                self._deliver(request, *answer)

        def failed(error: Exception) -> None:
            if not job.cancelled:
                self.failed.emit(request, describe(error))

        job.on_success(delivered).on_failure(failed)
        self._lane.submit(job, supersede=True)

    def shutdown(self) -> None:
        self._lane.shutdown()

    def _deliver(self, request: SearchRequest, items: SortedItems, details: SearchDetails) -> None:
        self.results.emit(request, items)
        self.details.emit(request, details)

    # -- on the search lane ------------------------------------------------------------------
    def _engine(self, ctx: JobContext, model: object, generation: int):
        from photosift.core.search.engine import SearchEngine

        engine = ctx.state.get("engine")
        if engine is None or engine.model is not model or ctx.state.get("generation") != generation:
            if engine is not None:
                engine.close()
            ctx.state.pop("engine", None)
            engine = SearchEngine(self.db_path, model)  # type: ignore[arg-type]
            with self._new_ids_lock:
                self._new_ids.clear()
            engine.load()  # raises for an empty or other-model library: retried next search
            ctx.state["engine"], ctx.state["generation"] = engine, generation
        with self._new_ids_lock:
            new_ids, self._new_ids = self._new_ids, []
        if new_ids:
            engine.refresh(new_ids)
        return engine

    def _run(
        self, ctx: JobContext, model: object, generation: int, request: SearchRequest
    ) -> tuple[SortedItems, SearchDetails]:
        """(results best first, what to say about them: hidden matches, query notices)."""
        from photosift.core.errors import EmptyLibraryError

        try:
            engine = self._engine(ctx, model, generation)
        except EmptyLibraryError:
            return sort_items([], SortKey.SCORE), SearchDetails()
        if ctx.cancelled:
            return sort_items([], SortKey.SCORE), SearchDetails()
        options = {"top_k": TOP_K, "cutoff": request.relevance, "filters": request.filters}
        if request.similar_to is not None:
            found = engine.similar(request.similar_to, **options)
            notices: list = []
        else:
            found = engine.search(request.text, **options)
            notices = engine.query_notices(request.text)
        scores = {hit.photo_id: hit.score for hit in found.hits}
        records = engine.store().photos(list(scores))
        items = sort_items((PhotoItem.from_record(r, scores[r.id]) for r in records), SortKey.SCORE)
        return items, _details(found.cut, notices)


def _details(hidden: int, notices: list) -> SearchDetails:
    """The answer's details; the multilingual model's download state only matters (and is
    only looked up) when the model cannot read the query."""
    from photosift.core.model.catalog import multilingual_entry
    from photosift.core.model.fetch import is_entry_cached

    if not any(n.unreadable for n in notices):
        return SearchDetails(hidden, tuple(notices))
    entry = multilingual_entry()
    return SearchDetails(hidden, tuple(notices), entry.spec, is_entry_cached(entry))


def image_query(path: Path) -> str:
    """The query text that searches by an image file (the core reads quoted image paths)."""
    return f'"{path}"'
