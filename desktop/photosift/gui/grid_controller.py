"""Decides what the grid shows: the library (browse), search results, or a message instead.

Why a controller apart from the window: the answer depends on several things arriving in any
order (the model loads, the library is read, a search returns, the indexer commits a batch),
and it must be the same whichever came first. Answers are matched to the request that asked
for them; anything answering an older request is dropped.

States with a message instead of photos: no library yet, the model still loading (a search
was asked for), no model, the library indexed with another model (offer re-index), no results.
`overlay_action(kind)` tells the window which button was pressed: "add_folder",
"choose_model" or "reindex".
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from photosift.core.library.raw_pairs import PairRole
from photosift.gui.library import LibraryController
from photosift.gui.model_state import ModelState
from photosift.gui.panels.results_view import ResultsView
from photosift.gui.results_model import Mode, PhotoItem, ResultsModel, SortedItems, SortKey
from photosift.gui.search_controller import SearchController
from photosift.gui.search_request import SearchRequest


class GridController(QObject):
    overlay_action = Signal(str)
    shown = Signal(object)  # the SearchRequest whose answer is now in the grid
    sort_shown = Signal(object)  # SortKey: a new answer came with its natural order

    def __init__(
        self,
        model: ResultsModel,
        view: ResultsView,
        library: LibraryController,
        search: SearchController,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.model, self.view, self.library, self.searcher = model, view, library, search
        self.request = SearchRequest()
        self.model_state = ModelState.LOADING
        self.model_detail = ""
        self.has_folders: bool | None = None
        self.indexing = False
        self._answered: SearchRequest | None = None
        self._action = ""
        self._sort_key = SortKey.DATE
        library.photos_loaded.connect(self._on_browse_loaded)
        search.results.connect(self._on_search_results)
        search.failed.connect(self._on_search_failed)
        view.overlay_action.connect(lambda: self.overlay_action.emit(self._action))

    @property
    def settled(self) -> bool:
        """True when the grid shows the answer to the current request."""
        return self._answered == self.request

    # -- inputs ----------------------------------------------------------------------------
    def set_request(self, request: SearchRequest) -> None:
        self.request = request
        self.refresh()

    def refresh(self) -> None:
        """Ask again for the current request (library or model changed)."""
        request = self.request
        if not request.is_search:
            self.library.load_photos(request, self._browse_order())
        elif self.model_state is ModelState.READY:
            self.searcher.search(request)
        self._update_overlay()

    def set_model_state(self, state: ModelState, detail: str = "") -> None:
        """`loading`, `ready`, `unavailable` or `mismatch` (library indexed with another model)."""
        self.model_state, self.model_detail = state, detail
        if state is ModelState.READY and self.request.is_search:
            self.searcher.search(self.request)
        self._update_overlay()

    def set_has_folders(self, has_folders: bool) -> None:
        self.has_folders = has_folders
        self._update_overlay()

    def set_indexing(self, indexing: bool) -> None:
        self.indexing = indexing
        self._update_overlay()

    def set_sort(self, key: SortKey) -> None:
        self._sort_key = key
        self.model.sort_by(key)

    def add_indexed(self, items: list[PhotoItem]) -> None:
        """Photos one indexing batch committed: they join a browse view at once."""
        if self.model.mode is Mode.BROWSE and not self.request.is_search:
            # A JPEG that stands for a RAW+JPEG pair replaces its RAW, shown alone if an
            # earlier batch brought the RAW first.
            behind = [i.pair_id for i in items if i.pair_role is PairRole.SHOWN and i.pair_id]
            if behind:
                self.model.remove_ids(behind)
            # A photo indexed a moment ago has no tags yet: the core's in-memory filter decides.
            filters = self.request.filters
            fitting = [item for item in items if filters.matches(item)]
            if fitting:
                self.model.add_items(fitting)
            if behind or fitting:
                self._update_overlay()

    # -- answers -----------------------------------------------------------------------------
    def _browse_order(self) -> SortKey:
        return SortKey.DATE if self._sort_key is SortKey.SCORE else self._sort_key

    def _on_browse_loaded(self, request: SearchRequest, ordered: SortedItems) -> None:
        if request != self.request:
            return
        self._sort_key = self._browse_order()
        self.model.show_sorted(ordered, Mode.BROWSE)
        self.model.sort_by(self._sort_key)  # the user may have changed the order meanwhile
        self.sort_shown.emit(self._sort_key)
        self._answered = request
        self._update_overlay()
        self.shown.emit(request)

    def _on_search_results(self, request: SearchRequest, ordered: SortedItems) -> None:
        if request != self.request:
            return
        self._sort_key = SortKey.SCORE  # a new result set is read best match first
        self.model.show_sorted(ordered, Mode.SEARCH)
        self.sort_shown.emit(self._sort_key)
        self._answered = request
        self._update_overlay()
        self.shown.emit(request)

    def _on_search_failed(self, request: SearchRequest, message: str) -> None:
        if request != self.request:
            return
        self.model.clear(Mode.SEARCH)
        self._answered = request
        self._show(self.tr("This search cannot run"), message)
        self.shown.emit(request)

    # -- messages ----------------------------------------------------------------------------
    def _update_overlay(self) -> None:
        request, empty = self.request, self.model.rowCount() == 0
        if request.is_search and self.model_state is ModelState.LOADING:
            self._show(
                self.tr("Loading the search model…"),
                self.tr("Your search runs as soon as it is ready."),
            )
        elif request.is_search and self.model_state is ModelState.UNAVAILABLE:
            self._show(
                self.tr("Search is not available"),
                self.model_detail,
                self.tr("Choose Model…"),
                "choose_model",
            )
        elif request.is_search and self.model_state is ModelState.MISMATCH:
            self._show(
                self.tr("This library was indexed with another model"),
                self.model_detail,
                self.tr("Index Library With This Model"),
                "reindex",
            )
        elif self.has_folders is False and not self.indexing:
            self._show(
                self.tr("No photos yet"),
                self.tr("Add a folder of photos to get started, or drop one on this window."),
                self.tr("Add Folder…"),
                "add_folder",
            )
        elif self._answered != request or not empty:
            self.view.hide_message()
        elif request.is_search:
            self._show(
                self.tr("No photos match “{text}”").format(text=request.text)
                if request.text
                else self.tr("No similar photos found"),
                self.tr("Try other words, or a looser match."),
            )
        elif self.indexing:
            self._show(self.tr("Indexing…"), self.tr("Photos appear here as they are indexed."))
        elif request.has_filters:
            self._show(self.tr("No photos match these filters"))
        else:
            self._show(self.tr("No photos here yet"), self.tr("Rescan to look for new photos."))

    def _show(
        self, title: str, detail: str = "", action: str | None = None, kind: str = ""
    ) -> None:
        self._action = kind
        self.view.show_message(title, detail, action)
