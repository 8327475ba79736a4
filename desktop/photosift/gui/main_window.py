"""The main window: library panel | search bar over the photo grid | tag panel, status bar below.

The window is assembled from panels and controllers and only wires them together; all work
runs on the controllers' lanes. Nothing on its start path imports torch or open_clip: the model
is loaded by `ModelPresenter` after the window is on screen, and the window works for browsing
before that (and without a model at all).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSlider,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from photosift import APP_NAME, __version__
from photosift.core.library.records import MissingPhotos
from photosift.core.paths import display_path
from photosift.core.wording import count_noun, ready_for_search
from photosift.gui import photo_actions
from photosift.gui.dialog_places import pictures_folder
from photosift.gui.grid_controller import GridController
from photosift.gui.indexing import IndexController
from photosift.gui.library import LibraryController, create_library_if_missing
from photosift.gui.menus import MainAction, build_menus
from photosift.gui.model_presenter import ModelPresenter, short_spec
from photosift.gui.model_state import ModelState
from photosift.gui.organizer_menu import OrganizerTools
from photosift.gui.panels.index_status import IndexStatus
from photosift.gui.panels.library_panel import LibraryPanel
from photosift.gui.panels.results_view import ResultsView
from photosift.gui.panels.search_bar import SearchBar
from photosift.gui.panels.search_notice import SearchNotice
from photosift.gui.panels.skipped_dialog import SkippedFilesDialog
from photosift.gui.panels.tag_panel import TagPanel
from photosift.gui.results_model import ResultsModel, SortKey
from photosift.gui.search_controller import SearchController, SearchDetails, image_query
from photosift.gui.search_request import SearchRequest
from photosift.gui.settings import Settings, UiState
from photosift.gui.thumbnails import ThumbnailLoader
from photosift.gui.window_drops import dropped_paths, split_drop
from photosift.gui.workers import Deadline, Lane
from photosift.service.library import LoadedModel

if TYPE_CHECKING:
    from photosift.core.model.clip_model import ClipModel
    from photosift.core.model.onnx_runtime import OnnxClipModel
    from photosift.gui.panels.text_gate_dialog import TextGateDialog
    from photosift.gui.text_gate import TextGateController

#: Thumbnail sizes (longest side, pixels) the zoom steps through.
THUMBNAIL_SIZES = (96, 128, 160, 200, 256, 320, 400)


def _nearest_size_step(size: int) -> int:
    return min(range(len(THUMBNAIL_SIZES)), key=lambda i: abs(THUMBNAIL_SIZES[i] - size))


#: Closing the window waits at most this long for the lanes; the process exits regardless.
QUIT_BUDGET_S = 1.5
#: How often folder counts and "N of M ready for search" follow a run in progress.
COUNTS_REFRESH_MS = 1000


class MainWindow(QMainWindow):
    def __init__(
        self, settings: Settings, *, model_spec: str | None = None, ask_about_model: bool = True
    ) -> None:
        super().__init__()
        self.settings = settings
        self.db_path = settings.resolved_db_path()
        self._started = False
        self._shut_down = False
        self.stopped_in_time = True
        self.ui_state = UiState()
        self._library_problem = create_library_if_missing(self.db_path)
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)

        self.thumbnails = ThumbnailLoader(
            settings.thumbnail_size, disk_cache_mb=settings.thumbnail_cache_mb, parent=self
        )
        self.results = ResultsModel(self.thumbnails, self)
        self.grid = ResultsView(self.results, settings.thumbnail_size, self)
        self.search_bar = SearchBar(self)
        self.search_notice = SearchNotice(self)
        self.library_panel = LibraryPanel(self)
        self.index_status = IndexStatus(self)
        self.zoom_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.zoom_slider.setRange(0, len(THUMBNAIL_SIZES) - 1)
        self.zoom_slider.setValue(_nearest_size_step(settings.thumbnail_size))
        self.zoom_slider.setMaximumWidth(110)
        self.zoom_slider.setToolTip(self.tr("Thumbnail size (Ctrl+Plus, Ctrl+Minus)"))
        self.analysis_label = QLabel(self)  # "1,204 of 5,310 photos ready for search"
        self._counts = None  # core AnalysisCounts, once the library lane has counted
        self._text_gate: TextGateController | None = None  # made when first asked for
        self._switch = None  # core ModelSwitch while the library switches to another model
        self._counts_timer = QTimer(self, singleShot=True, interval=COUNTS_REFRESH_MS)
        self._counts_timer.timeout.connect(self._refresh_counts)
        self.models = ModelPresenter(
            settings, model_spec or settings.model_spec, self.db_path, self
        )
        self.models.ask_when_missing = ask_about_model

        self.library = LibraryController(self.db_path, self)
        self.indexer = IndexController(self.db_path, self)
        self.indexer.read_text = settings.read_text
        self.searcher = SearchController(self.db_path, self)
        self.grid_control = GridController(
            self.results, self.grid, self.library, self.searcher, self
        )
        self.tag_panel = TagPanel(self.db_path, parent=self, write_xmp=settings.write_xmp_sidecars)

        self._build_layout()
        self.menu_actions = build_menus(
            self, self.grid.list, self.tag_dock
        )  # not `actions`: QWidget has one
        self.organizer = OrganizerTools(self)
        self.search_bar.set_relevance(settings.relevance)
        self._connect()
        self._restore_state()

    # -- layout and wiring -----------------------------------------------------------------
    def _build_layout(self) -> None:
        center = QWidget(self)
        column = QVBoxLayout(center)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.search_bar)
        column.addWidget(self.search_notice)
        column.addWidget(self.grid, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.library_panel)
        self.splitter.addWidget(center)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([260, 940])
        self.setCentralWidget(self.splitter)
        self.tag_dock = QDockWidget(self.tr("Tags"), self)
        self.tag_dock.setObjectName("tagDock")
        self.tag_dock.setWidget(self.tag_panel)
        self.tag_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.tag_dock)
        self.statusBar().addPermanentWidget(self.analysis_label)
        self.statusBar().addPermanentWidget(self.zoom_slider)
        self.statusBar().addPermanentWidget(self.index_status)
        self.statusBar().addPermanentWidget(self.models.label)
        self.resize(1280, 800)

    def _connect(self) -> None:
        self.search_bar.request_changed.connect(self._on_request)
        self.search_bar.sort_changed.connect(self.set_sort)
        self.zoom_slider.valueChanged.connect(
            lambda step: self.set_thumbnail_size(THUMBNAIL_SIZES[step])
        )
        self.search_bar.relevance.currentIndexChanged.connect(self._remember_relevance)
        self.searcher.details.connect(self._on_search_details)
        self.search_notice.show_hidden.connect(self.show_hidden_results)
        self.search_notice.switch_model.connect(self.switch_model)
        self.search_notice.open_settings.connect(self.show_settings)
        self.library_panel.folder_selected.connect(self.search_bar.set_folder)
        self.library_panel.add_requested.connect(self.choose_folder_to_add)
        self.library_panel.remove_requested.connect(self.remove_folder)
        self.library_panel.rescan_requested.connect(self.rescan)
        self.library_panel.skipped_requested.connect(self.show_skipped)
        self.library.roots_changed.connect(self._on_roots_changed)
        self.library.counts_changed.connect(self._show_counts)
        self.library.switch_changed.connect(self._show_switch)
        self.library.folders_added.connect(self._on_folders_added)
        self.library.folder_removed.connect(self._on_folder_removed)
        self.library.missing_loaded.connect(self._confirm_forget_missing)
        self.library.missing_forgotten.connect(self._on_missing_forgotten)
        self.library.skipped_loaded.connect(self._show_skipped_dialog)
        self.library.tags_loaded.connect(self.search_bar.set_tags)
        self.library.raw_pairs_changed.connect(self._on_raw_pairs_changed)
        self.library.failed.connect(lambda message: self.statusBar().showMessage(message, 10_000))
        self.indexer.started.connect(self._on_index_started)
        self.indexer.progress.connect(self.index_status.show_progress)
        self.indexer.photos_added.connect(self._on_photos_added)
        self.indexer.photos_analysed.connect(self._on_photos_analysed)
        self.indexer.finished.connect(self._on_index_finished)
        self.indexer.failed.connect(
            lambda message: QMessageBox.warning(self, self.tr("Indexing stopped"), message)
        )
        self.indexer.idle.connect(self._on_index_idle)
        self.index_status.pause_toggled.connect(
            lambda paused: self.indexer.pause() if paused else self.indexer.resume()
        )
        self.index_status.cancel_requested.connect(self._stop_indexing)
        self.models.state_changed.connect(self._on_model_state)
        self.models.model_changed.connect(self._on_model_changed)
        self.models.switched.connect(self._on_model_switched)
        self.grid_control.overlay_action.connect(self._on_overlay_action)
        self.grid_control.sort_shown.connect(self._show_sort)
        self.grid_control.shown.connect(self._say_what_is_pending)
        self.grid_control.shown.connect(lambda _request: self._update_count())
        self.results.rowsInserted.connect(self._update_count)
        self.results.rowsRemoved.connect(self._update_count)
        self.grid.open_requested.connect(self.open_viewer)
        self.grid.more_like_this.connect(self.search_similar)
        self.grid.reveal_requested.connect(
            lambda ids: self._for_paths(ids[:1], photo_actions.reveal_in_file_manager)
        )
        self.grid.open_external_requested.connect(
            lambda ids: self._for_paths(ids, photo_actions.open_with_default_app)
        )
        self.grid.copy_paths_requested.connect(self.copy_paths)
        self.grid.current_changed.connect(self._show_photo_tags)
        self.grid.selection_changed.connect(self.tag_panel.set_selection)
        self.grid.menu_extenders.append(self.tag_panel.extend_photo_menu)
        self.tag_panel.tag_filter_requested.connect(self.search_bar.set_tag)
        self.tag_panel.tags_changed.connect(self._on_tags_changed)
        self.tag_panel.tagging_finished.connect(lambda _summary: self._on_tags_changed([]))
        self.tag_panel.write_xmp_changed.connect(self._remember_write_xmp)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._started:
            self._started = True
            QTimer.singleShot(0, self.start_background_work)

    def start_background_work(self) -> None:
        """Read the library and load the model, after the window is on screen."""
        self._started = True
        if self._library_problem:
            QMessageBox.warning(self, self.tr("Library not available"), self._library_problem)
        self.library.refresh()
        self.library.load_tags()
        self.grid_control.set_request(self.search_bar.request())
        self.models.load()

    @property
    def loaded(self) -> LoadedModel | None:
        """The model searches use, once loaded (None while loading or when there is none)."""
        return self.models.loaded

    # -- library -----------------------------------------------------------------------------
    def choose_folder_to_add(self) -> None:
        start = self.ui_state.text("last_folder", pictures_folder())
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Add a photo folder"), start)
        if chosen:
            self.ui_state.set_text("last_folder", chosen)
            self.add_folders([Path(chosen)])

    def add_folders(self, folders: list[Path]) -> None:
        self.library.add_folders(folders)

    def remove_folder(self, root_id: int) -> None:
        answer = QMessageBox.question(
            self,
            self.tr("Remove folder"),
            self.tr(
                "Remove this folder from the library? Its photos stay on disk; only PhotoSift forgets them."
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.library.remove_folder(root_id)

    def _refresh_counts(self) -> None:
        self.library.refresh()

    def rescan(self) -> None:
        """Catalog every folder again now; analysis follows when a model is loaded."""
        self.indexer.start(self._analysis_model())

    def _on_raw_pairs_changed(self, joined: bool) -> None:
        """Both files of a pair listed again: the RAWs, never analysed while hidden behind their
        JPEGs, are analysed now so that search finds them too."""
        self.grid_control.refresh()
        self._refresh_counts()
        model = self._analysis_model()
        if not joined and model is not None:
            self.indexer.start(model)

    def _analysis_model(self) -> ClipModel | OnnxClipModel | None:
        """The model that may add vectors to this library (its own, or the one it is switching
        to), or None (catalog only)."""
        return self.loaded.model if self.loaded is not None and self.loaded.can_index else None

    def show_skipped(self, root_id: int | None) -> None:
        self.library.load_skipped(root_id)

    def forget_missing_photos(self) -> None:
        """Count first (on the library lane), then ask with the numbers, then forget."""
        self.library.load_missing()

    def _confirm_forget_missing(self, missing: MissingPhotos) -> None:
        if missing.total == 0:
            self.statusBar().showMessage(self.tr("No missing photos: nothing to forget."), 10_000)
            return
        answer = QMessageBox.question(
            self,
            self.tr("Forget missing photos"),
            self.tr(
                "Forget {total} photos whose files are not there: {removed} deleted or moved "
                "away, {offline} in folders or drives that are unavailable now? Their tags and "
                "album places are forgotten with them, and they come back only as new photos. "
                "No file is touched."
            ).format(total=missing.total, removed=missing.removed, offline=missing.offline),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.library.forget_missing()

    def _on_missing_forgotten(self, count: int) -> None:
        self.statusBar().showMessage(self.tr("Forgot {n} missing photos.").format(n=count), 10_000)
        if self.search_bar.request().is_search:
            self.grid_control.refresh()

    def _show_skipped_dialog(self, records: list) -> None:
        SkippedFilesDialog(records, self).open()

    def _on_roots_changed(self, stats: list) -> None:
        self.library_panel.set_stats(stats)
        self.search_bar.set_folders(
            [(s.root.id, Path(s.root.path).name or s.root.path) for s in stats]
        )
        self.grid_control.set_has_folders(bool(stats))

    def _on_folders_added(self, folders: list[Path]) -> None:
        names = ", ".join(display_path(f.name) for f in folders)
        model = self._analysis_model()
        self.indexer.start(model, folders)  # photos appear at once; analysis needs a model
        if model is None:
            self.statusBar().showMessage(
                self.tr(
                    "Added {names}; photos appear now, analysis for search starts when the model is loaded."
                ).format(names=names),
                8000,
            )
        self.grid_control.refresh()

    def _on_folder_removed(self, root_id: int) -> None:
        self.searcher.invalidate()
        if self.search_bar.request().root_id == root_id:
            self.search_bar.set_folder(None)
        self.grid_control.refresh()

    # -- indexing ----------------------------------------------------------------------------
    def _on_index_started(self) -> None:
        self.index_status.start()
        self.grid_control.set_indexing(True)

    def _on_photos_added(self, items: list) -> None:
        self.grid_control.add_indexed(items)
        self._refresh_counts_soon()

    def _on_photos_analysed(self, photo_ids: list) -> None:
        self.searcher.add_photos(photo_ids)
        self._refresh_counts_soon()

    def _refresh_counts_soon(self) -> None:
        """Folder counts and "N of M ready" follow a run at most every COUNTS_REFRESH_MS."""
        if not self._counts_timer.isActive():
            self._counts_timer.start()

    def _show_counts(self, counts) -> None:
        self._counts = counts
        self._update_analysis_label()

    def _show_switch(self, switch) -> None:
        """A switch to another model under way (None: none): how far the new model is."""
        self._switch = switch
        self._update_analysis_label()

    def _update_analysis_label(self) -> None:
        counts = self._counts
        text = ready_for_search(counts.ready, counts.total) if counts and counts.total else ""
        self.analysis_label.setText(self._switch_text() or text)

    def _switch_text(self) -> str:
        """ "Searching with OLD while NEW is being prepared: 40/300", or "" (no switch)."""
        switch = self._switch
        if switch is None:
            return ""
        return self.tr(
            "Searching with {old} while {new} is being prepared: {ready}/{total}"
        ).format(
            old=short_spec(switch.serving),
            new=short_spec(switch.target),
            ready=f"{switch.ready:,}",
            total=f"{switch.total:,}",
        )

    def _say_what_is_pending(self, request: SearchRequest) -> None:
        """A search answers from analysed photos only; say so while others still wait, and
        say which model answers while the library switches to another."""
        counts = self._counts
        if request.is_search and self._switch is not None:
            self.statusBar().showMessage(self._switch_text(), 10_000)
        elif request.is_search and counts is not None and counts.pending:
            self.statusBar().showMessage(
                self.tr(
                    "Searched {ready} of {total}; {pending} are still waiting for analysis."
                ).format(
                    ready=f"{counts.ready:,}",
                    total=count_noun(counts.total, "photo"),
                    pending=f"{counts.pending:,}",
                ),
                10_000,
            )

    def _on_index_finished(self, summary) -> None:
        skipped = sum(summary.skipped.values())
        analysed = getattr(summary, "indexed", None)  # None: a catalog-only run (no model)
        if summary.cancelled:
            text = self.tr(
                "Stopped; what is done is kept and the rest resumes with the next rescan."
            )
        elif analysed is None:
            text = self.tr(
                "{n} new photos catalogued, {skipped} skipped; analysis for search starts when the model is loaded."
            )
        elif analysed == 0 and summary.catalogued == 0 and skipped == 0:
            text = self.tr("The library is up to date.")
        else:
            text = self.tr("Indexing finished: {n} photos analysed, {skipped} skipped.")
        text = text.format(n=summary.catalogued if analysed is None else analysed, skipped=skipped)
        offline = getattr(summary, "offline", 0)
        if offline:
            text += " " + self.tr(
                "{n} photos are offline (their folder or drive is missing): kept with their "
                "tags, greyed, and left out of search until it is back."
            ).format(n=offline)
        self.statusBar().showMessage(text, 0 if offline else 10_000)
        if not summary.cancelled and analysed is not None:
            self.models.library_indexed(self.indexer.last_model_spec)
        self.library.refresh()
        self.tag_panel.refresh()
        if self.search_bar.request().is_search:
            self.grid_control.refresh()

    def _on_index_idle(self) -> None:
        self.index_status.finish()
        self.grid_control.set_indexing(False)

    def _stop_indexing(self) -> None:
        self.index_status.stopping()
        self.indexer.cancel()

    # -- model -------------------------------------------------------------------------------
    def _on_model_state(self, state: ModelState, detail: str) -> None:
        self.search_bar.set_model_state(state)
        self.grid_control.set_model_state(state, detail)
        if state is ModelState.READY:
            self.tag_panel.set_model(self.loaded.search_model if self.loaded else None)

    def _on_model_changed(self, loaded: LoadedModel | None) -> None:
        """A model was loaded (None: none could be). While the library switches to it, the old
        model (`search_model`) keeps answering searches and tagging, and the indexing lane
        re-embeds with the new one in the background (cancellable, resumed at the next start)."""
        self.searcher.set_model(loaded.search_model if loaded else None)
        self.tag_panel.set_model(loaded.search_model if loaded and loaded.can_index else None)
        if loaded is None:
            return
        self.library.set_model_spec(loaded.search_model.spec)
        self.library.refresh()
        if loaded.can_index:
            self.indexer.start(loaded.model)  # resume an interrupted run, pick up new photos

    def _on_model_switched(self, loaded: LoadedModel) -> None:
        """Every photo has a vector of the new model: searches and tagging use it from now on."""
        self.searcher.set_model(loaded.model)
        self.tag_panel.set_model(loaded.model)
        self.library.set_model_spec(loaded.spec)
        self._switch = None
        self.library.refresh()
        self.statusBar().showMessage(
            self.tr("Searches now use {spec}: every photo is ready.").format(
                spec=short_spec(loaded.spec)
            ),
            10_000,
        )

    def _on_overlay_action(self, kind: str) -> None:
        if kind == "add_folder":
            self.choose_folder_to_add()
        elif kind == "choose_model":
            self.models.ask_for_model()
        elif kind == "reindex" and self.loaded is not None:
            self.indexer.start(self.loaded.model)

    # -- searching and photos ---------------------------------------------------------------
    def _on_request(self, request: SearchRequest) -> None:
        if not request.is_search:
            self.search_notice.clear()
        self.library_panel.select_root(request.root_id)
        self.tag_panel.set_current_folder(self._root_path(request.root_id), request.root_id)
        self.grid_control.set_request(request)

    def _on_search_details(self, request: SearchRequest, details: SearchDetails) -> None:
        if request == self.grid_control.request:  # answers to older requests say nothing
            self.search_notice.show_details(details, request.relevance)

    def show_hidden_results(self) -> None:
        """One click: the same search with the relevance control at "Show all"."""
        self.search_bar.set_relevance("off")
        self.search_bar.run_now()

    def switch_model(self, spec: str) -> None:
        """Load another model (the multilingual one for a query the current one cannot read);
        the library then offers to re-index with it, as after a change in Settings."""
        self._apply_settings(replace(self.settings, model_spec=spec), True)

    def _root_path(self, root_id: int | None) -> Path | None:
        stat = next((s for s in self.library_panel.stats() if s.root.id == root_id), None)
        return Path(stat.root.path) if stat is not None else None

    def _show_photo_tags(self, photo_id: int | None) -> None:
        item = self.results.item_by_id(photo_id) if photo_id is not None else None
        self.tag_panel.show_photo(photo_id, item.path.name if item is not None else "")

    def _on_tags_changed(self, photo_ids: list[int]) -> None:
        self.library.load_tags()
        if self.search_bar.request().tag is not None:
            self.grid_control.refresh()

    def _remember_write_xmp(self, enabled: bool) -> None:
        self.settings.write_xmp_sidecars = enabled
        self.settings.save()

    def _remember_relevance(self) -> None:
        self.settings.relevance = self.search_bar.relevance.currentData()
        self.settings.save()

    def set_sort(self, key: SortKey) -> None:
        self._show_sort(key)
        self.grid_control.set_sort(key)

    def zoom_thumbnails(self, steps: int) -> None:
        """Ctrl+Plus / Ctrl+Minus: the next thumbnail size up or down."""
        self.zoom_slider.setValue(self.zoom_slider.value() + steps)

    def set_thumbnail_size(self, size: int) -> None:
        """Resize the grid's thumbnails (remembered in the settings)."""
        if size == self.settings.thumbnail_size:
            return
        self.settings.thumbnail_size = size
        self.settings.save()
        self.thumbnails.set_size(size)
        self.grid.set_thumbnail_size(size)
        with QSignalBlocker(self.zoom_slider):
            self.zoom_slider.setValue(_nearest_size_step(size))

    def _show_sort(self, key: SortKey) -> None:
        self.search_bar.set_sort(key)
        self.menu_actions[MainAction.sort(key)].setChecked(True)

    def search(self, text: str) -> None:
        self.search_bar.set_query(text)

    def search_similar(self, photo_id: int) -> None:
        item = self.results.item_by_id(photo_id)
        self.search_bar.search_similar(photo_id, item.path.name if item is not None else "")

    def _more_like_this_from_viewer(self, photo_id: int) -> None:
        """The results replace the grid behind the viewer: bring them to the front."""
        self.search_similar(photo_id)
        self.raise_()
        self.activateWindow()

    def _update_count(self) -> None:
        self.search_bar.show_count(self.results.rowCount())

    def focus_search(self) -> None:
        self.search_bar.query.setFocus()
        self.search_bar.query.selectAll()

    def open_viewer(self, photo_id: int) -> None:
        from photosift.gui.panels.viewer import PhotoViewer

        viewer = PhotoViewer(
            self.db_path,
            self.results.ids(),
            photo_id,
            parent=self,
            query=self.search_bar.query.text(),
        )
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.more_like_this.connect(self._more_like_this_from_viewer)
        viewer.show()

    def copy_paths(self, ids: list[int]) -> str:
        """Put the photos' paths on the clipboard; returns the text copied."""
        paths = [item.path for item in map(self.results.item_by_id, ids) if item is not None]
        if not paths:
            return ""
        text = photo_actions.copy_paths(paths)
        self.statusBar().showMessage(self.tr("Copied {n} path(s)").format(n=len(paths)), 3000)
        return text

    def _for_paths(self, ids: list[int], action) -> None:
        for photo_id in ids:
            item = self.results.item_by_id(photo_id)
            if item is not None:
                action(item.path)

    # -- dialogs -----------------------------------------------------------------------------
    def show_settings(self) -> None:
        from photosift.gui.panels.settings_dialog import SettingsDialog

        dialog = SettingsDialog(
            self.settings,
            self,
            active_model_spec=self.loaded.spec if self.loaded else None,
            join_raw_pairs=self.library.joins_raw_pairs,
        )
        dialog.settings_accepted.connect(self._apply_settings)
        dialog.raw_pairs_toggled.connect(self.library.set_joins_raw_pairs)
        dialog.text_gate_requested.connect(lambda: self.show_text_gate(dialog))
        dialog.open()

    def show_text_gate(self, parent: QWidget | None = None) -> TextGateDialog:
        """The quick text check's dialog, for the model the library searches with."""
        from photosift.gui.panels.text_gate_dialog import TextGateDialog
        from photosift.gui.text_gate import TextGateController

        if self._text_gate is None:
            self._text_gate = TextGateController(self.db_path, self)
        model = self.loaded.search_model if self.loaded is not None else None
        dialog = TextGateDialog(self._text_gate, model, parent or self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _apply_settings(self, new: Settings, model_changed: bool) -> None:
        restart_needed = (
            new.resolved_db_path() != self.db_path or new.language != self.settings.language
        )
        device_changed = new.device != self.settings.device
        self.settings = new
        new.save()
        self.indexer.read_text = new.read_text
        if model_changed or device_changed:
            self.models.load(new.model_spec, new.device)
        if restart_needed:
            QMessageBox.information(
                self,
                self.tr("Restart needed"),
                self.tr("PhotoSift uses the new library and language the next time it starts."),
            )

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About PhotoSift"),
            self.tr(
                "<b>PhotoSift {version}</b><p>Find photos by what is in them. Everything stays on this computer.</p>"
            ).format(version=__version__),
        )

    # -- drag and drop -------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        folders, images = split_drop(dropped_paths(event.mimeData()))
        if folders:
            self.add_folders(folders)
        elif images:
            self.search_bar.set_query(image_query(images[0]))
        event.acceptProposedAction()

    # -- state and shutdown ----------------------------------------------------------------
    def _restore_state(self) -> None:
        geometry = self.ui_state.bytes("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        splitter = self.ui_state.bytes("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        state = self.ui_state.bytes("window/state")
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.ui_state.set_bytes("window/geometry", self.saveGeometry())
        self.ui_state.set_bytes("window/splitter", self.splitter.saveState())
        self.ui_state.set_bytes("window/state", self.saveState())
        self.ui_state.sync()
        self.hide()  # gone from the screen at once, whatever the lanes still finish
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> bool:
        """Stop every lane within QUIT_BUDGET_S in all; True if every one stopped in time.

        Every lane is cancelled first, so they all wind down at once: indexing commits the
        part-batch in hand, label vectors keep their finished chunks. A lane still inside
        work that cannot be interrupted (a forward pass, a model load) is not waited for
        beyond the budget; what it had not committed is redone at the next start."""
        if self._shut_down:
            return self.stopped_in_time
        self._shut_down = True
        self.organizer.shutdown()  # the watcher first: it would queue more indexing
        self.indexer.cancel()  # also drops queued runs
        lanes = self.findChildren(Lane)
        for lane in lanes:
            lane.cancel_all()
        deadline = Deadline(QUIT_BUDGET_S)
        stopped = [
            lane.shutdown(deadline.remaining_ms()) for lane in lanes
        ]  # every one, no short cut
        self.stopped_in_time = all(stopped)
        self.thumbnails.shutdown(deadline.remaining_ms() / 1000)
        return self.stopped_in_time
