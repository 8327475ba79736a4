"""The auto-tag panel: tag photos in the background, see why a photo got its tags, correct them.

Interface (for the main window)::

    panel = TagPanel(db_path, model=None, parent=window, write_xmp=settings.write_xmp_sidecars)
    panel.set_model(loaded_model)                  # when the model has loaded (ClipModel | OnnxClipModel | None)
    panel.show_photo(photo_id, name)               # current photo of the grid (None: none)
    panel.set_selection(photo_ids)                 # the grid's selected photo ids
    grid.menu_extenders.append(panel.extend_photo_menu)  # tag actions on a selection
    panel.set_current_folder(path)                 # the library folder being browsed, or None
    panel.refresh()                                # after indexing changed the library
    panel.tag_filter_requested.connect(...)        # str: label name -> filter the grid by tag
    panel.tags_changed.connect(...)                # list[int]: photos whose tags changed
    panel.write_xmp_changed.connect(...)           # bool: store in Settings.write_xmp_sidecars
    panel.shutdown()                               # from the window's closeEvent

Also: ``tag_selected()``, ``tag_folder()``, ``tag_library()``, ``cancel_tagging()``,
``is_tagging()``, ``set_write_xmp(bool)``, ``status_text()``; and the
signals ``photo_shown(int)`` (tags and scores of that photo are on screen),
``vocabulary_loaded()`` and ``tagging_finished(object)`` (core TagSummary).

Why it looks like this:
- Two lanes (gui/workers.py): "tagging" runs the long `Tagger.run`, "tag-edits" does everything
  interactive in order (label edits, accept/reject, then re-reading the photo), so a correction
  is never stuck behind a library-wide run, and a re-read always sees the edit before it.
- The scores come from `Tagger.label_scores`, which needs the library's calibration and the
  labels' vectors. Label vectors are computed once per model and prompts and stored in the
  library, on a third lane ("label-vectors") started as soon as a model is set and again after
  a label edit (which recomputes only that label); the edits lane only reads them, so a
  selected photo never waits minutes for text embeddings: until they are stored the panel
  names the photo and says how far the preparation is. The calibration is cached on the edits
  lane and rebuilt when the vocabulary changes or `refresh()` is called.
- The "Write XMP sidecars" box is off by default and only reflects the user setting; the panel
  passes it explicitly to every core call, so a library setting written by the CLI never makes
  the GUI write beside the user's photos.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QInputDialog, QMenu, QTabWidget, QVBoxLayout, QWidget

from photosift.core.errors import PhotoSiftError
from photosift.core.library.filters import Filters
from photosift.core.library.tag_records import TagState
from photosift.gui import tagging_jobs
from photosift.gui.remedies import describe
from photosift.gui.tagging_jobs import NoScores
from photosift.gui.widgets.photo_tags_view import PhotoTagsView
from photosift.gui.widgets.score_chart import ScoreBar
from photosift.gui.widgets.tag_list import TagChip
from photosift.gui.widgets.tag_run_box import TagRunBox
from photosift.gui.widgets.vocabulary_editor import LabelEdit, VocabularyEditor
from photosift.gui.workers import Job, JobContext, Lane
from photosift.service.library import TagAction

if TYPE_CHECKING:
    from photosift.core.model.clip_model import ClipModel
    from photosift.core.model.onnx_runtime import OnnxClipModel
    from photosift.core.tagging.tagger import TagSummary
    from photosift.core.tagging.vocabulary import Label, LabelEmbedder
    from photosift.gui.tagging_jobs import PhotoTagInfo


NOTICE_S = 8.0  # how long an error keeps the status line before progress may take it back


# -- the panel -------------------------------------------------------------------------------
class TagPanel(QWidget):
    tag_filter_requested = Signal(str)
    tags_changed = Signal(list)
    write_xmp_changed = Signal(bool)
    photo_shown = Signal(int)
    vocabulary_loaded = Signal()
    tagging_finished = Signal(object)

    def __init__(
        self,
        db_path: str | Path,
        model: ClipModel | OnnxClipModel | None = None,
        parent: QWidget | None = None,
        *,
        write_xmp: bool = False,
    ) -> None:
        super().__init__(parent)
        self._db_path = Path(db_path)
        self._model: ClipModel | OnnxClipModel | None = None
        self._embedder: LabelEmbedder | None = None
        self._generation = 0
        self._photo_id: int | None = None
        self._photo_name = ""
        self._shown_photo_id: int | None = None  # whose tags and scores are on screen
        self._label_job: Job | None = None
        self._label_progress: tuple[int, int] | None = None  # (done, total) while computing
        self._notice_until = 0.0  # monotonic time until which an error holds the status line
        self._selection: list[int] = []
        self._label_names: list[str] = []  # the vocabulary, for the batch actions' pickers
        self._folder: Path | None = None
        self._folder_filters: Filters | None = None
        self._photo_job: Job | None = None
        self._run_job: Job | None = None
        self._edits = Lane("tag-edits", parent=self)
        self._runs = Lane("tagging", parent=self)
        self._labels = Lane("label-vectors", parent=self)
        app = QCoreApplication.instance()
        if app is not None:  # if the owner forgets to shut the panel down
            app.aboutToQuit.connect(self.shutdown)
        self._build(write_xmp)
        self.set_model(model)
        self._reload_vocabulary()

    def _build(self, write_xmp: bool) -> None:
        self.run_box = TagRunBox(self, write_xmp=write_xmp)
        self.run_box.selected_button.clicked.connect(self.tag_selected)
        self.run_box.folder_button.clicked.connect(self.tag_folder)
        self.run_box.library_button.clicked.connect(self.tag_library)
        self.run_box.cancel_button.clicked.connect(self.cancel_tagging)
        self.run_box.xmp_check.toggled.connect(self.write_xmp_changed)
        self.photo_view = PhotoTagsView(self)
        self.photo_view.chart.label_clicked.connect(self.tag_filter_requested)
        tag_list = self.photo_view.tag_list
        tag_list.filter_requested.connect(self.tag_filter_requested)
        tag_list.accept_requested.connect(lambda name: self._change_tag(TagAction.ACCEPT, name))
        tag_list.reject_requested.connect(lambda name: self._change_tag(TagAction.REJECT, name))
        tag_list.remove_requested.connect(lambda name: self._change_tag(TagAction.REMOVE, name))
        self.photo_view.tag_typed.connect(lambda name: self._change_tag(TagAction.ADD, name))
        # numpy is imported here, when the panel is built, not when its module is imported
        from photosift.core.tagging.vocabulary import DEFAULT_THRESHOLD

        self.vocabulary = VocabularyEditor(self, default_threshold=DEFAULT_THRESHOLD)
        self.vocabulary.add_requested.connect(lambda edit: self._save_label(None, edit))
        self.vocabulary.edit_requested.connect(self._save_label)
        self.vocabulary.remove_requested.connect(self._remove_label)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.photo_view, self.tr("This Photo"))
        self.tabs.addTab(self.vocabulary, self.tr("Vocabulary"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.run_box)
        layout.addWidget(self.tabs, 1)

    # -- inputs from the main window -------------------------------------------------------
    def set_model(self, model: ClipModel | OnnxClipModel | None) -> None:
        self._model = model
        self._embedder = None
        if model is not None:
            from photosift.core.tagging.vocabulary import LabelEmbedder

            self._embedder = LabelEmbedder(model)
        self._generation += 1
        self._update_controls()
        self._prepare_label_vectors()
        self._reload_photo()

    def show_photo(self, photo_id: int | None, name: str = "") -> None:
        """`name` (the file name) is shown at once, before tags and scores are read."""
        self._photo_id = photo_id
        self._photo_name = name
        self._update_controls()
        self._reload_photo()

    def set_selection(self, photo_ids: Sequence[int]) -> None:
        self._selection = [int(i) for i in photo_ids]
        self._update_controls()

    def set_current_folder(self, folder: str | Path | None, root_id: int | None = None) -> None:
        """The folder being browsed (None: all); "Tag folder" tags the photos of `root_id`
        when given (the library's own id: nothing is resolved again), else of `folder`."""
        self._folder = Path(folder) if folder else None
        self._folder_filters = (
            Filters(root_id=root_id)
            if root_id is not None
            else (Filters(folder=self._folder) if self._folder is not None else None)
        )
        self._update_controls()

    def set_write_xmp(self, enabled: bool) -> None:
        self.run_box.xmp_check.setChecked(enabled)

    def refresh(self) -> None:
        """Forget cached calibration (the library changed) and re-read the shown photo."""
        self._generation += 1
        self._reload_photo()

    def status_text(self) -> str:
        return self.run_box.status_text()

    def shutdown(self) -> None:
        """Stop the lanes; a running tagging batch or label chunk finishes so the database
        stays consistent (label vectors resume at the next start)."""
        for lane in (self._labels, self._runs, self._edits):
            lane.cancel_all()
        self._labels.shutdown()
        self._runs.shutdown()
        self._edits.shutdown()

    def label_progress(self) -> tuple[int, int] | None:
        """(done, total) while label vectors are being computed, else None."""
        return self._label_progress

    def _write_xmp(self) -> bool:
        return self.run_box.xmp_check.isChecked()

    def _update_controls(self) -> None:
        self.run_box.set_ready(
            model_loaded=self._model is not None,
            running=self._run_job is not None,
            selection_count=len(self._selection),
            folder=self._folder,
        )
        self.photo_view.set_can_add(self._photo_id is not None)

    # -- tagging runs ----------------------------------------------------------------------
    def tag_selected(self) -> None:
        if self._selection:
            self._start_run(list(self._selection), None)

    def tag_folder(self) -> None:
        if self._folder_filters is not None:
            self._start_run(None, self._folder_filters)

    def tag_library(self) -> None:
        self._start_run(None, None)

    def is_tagging(self) -> bool:
        return self._run_job is not None

    def cancel_tagging(self) -> None:
        if self._run_job is not None:
            self._run_job.cancel()
            self.run_box.cancel_button.setEnabled(False)

    def _start_run(self, photo_ids: list[int] | None, filters: Filters | None) -> None:
        if self._model is None or self._embedder is None or self._run_job is not None:
            return
        args = (self._db_path, self._model, self._embedder, self._write_xmp(), photo_ids, filters)
        job = Job(lambda ctx: tagging_jobs.run_tagging(ctx, *args), "tagging")
        job.progress.connect(
            self._on_run_progress
        )  # a method, not a lambda: Qt drops it with the panel
        job.succeeded.connect(self._on_run_done)
        job.failed.connect(self._show_error)
        job.finished.connect(self._on_run_finished)
        self._run_job = job
        self._set_action_status(self.tr("Tagging…"))
        self.run_box.show_running(True)
        self._update_controls()
        self._runs.submit(job)

    def _on_run_progress(self, progress: Any) -> None:
        self.run_box.show_progress(progress.done, progress.total)

    def _on_run_done(self, result: tuple[TagSummary, list[int]]) -> None:
        summary, ids = result
        text = (
            self.tr("Stopped after %1 photos; %2 tags assigned.")
            if summary.cancelled
            else self.tr("Tagged %1 photos; %2 tags assigned.")
        )
        text = text.replace("%1", str(summary.photos)).replace("%2", str(summary.assigned))
        if summary.not_analysed:
            text += " " + self.tr("%1 photos are not analysed yet and were left out.").replace(
                "%1", f"{summary.not_analysed:,}"
            )
        if summary.sidecar_errors:
            text += " " + self.tr("Some sidecars could not be written: %1").replace(
                "%1", summary.sidecar_errors[0]
            )
        self._set_action_status(text)
        self.tags_changed.emit(ids)
        self.tagging_finished.emit(summary)
        self._reload_photo()

    def _on_run_finished(self) -> None:
        self._run_job = None
        self.run_box.show_running(False)
        self._update_controls()

    # -- label vectors ---------------------------------------------------------------------
    def _prepare_label_vectors(self) -> None:
        """Compute the labels' missing vectors in the background (none after the first time)."""
        if self._label_job is not None:
            self._label_job.cancel()
        self._label_job = None
        if self._model is None or self._embedder is None:
            self._label_progress = None
            return
        args = (self._db_path, self._model, self._embedder)
        job = Job(lambda ctx: tagging_jobs.label_vectors(ctx, *args), "label-vectors")
        job.progress.connect(self._on_label_progress)
        job.succeeded.connect(self._on_label_vectors_done)
        job.failed.connect(self._show_error)
        self._label_job = job
        self._label_progress = (0, 0)
        self._labels.submit(job, supersede=True)

    def _on_label_progress(self, progress: Any) -> None:
        self._label_progress = (progress.done, progress.total)
        if progress.done < progress.total:
            self._set_progress_status(self._preparing_text())
        if self.photo_view.chart.bars() == [] and self._photo_id is not None:
            self.photo_view.chart.set_placeholder(self._preparing_text())

    def _preparing_text(self) -> str:
        done, total = self._label_progress or (0, 0)
        if not total:
            return self.tr("Preparing the labels for this model…")
        return (
            self.tr("Preparing the labels for this model: %1 of %2…")
            .replace("%1", f"{done:,}")
            .replace("%2", f"{total:,}")
        )

    def _on_label_vectors_done(self, summary: Any) -> None:
        if summary.cancelled:
            return
        self._label_progress = None
        self._set_progress_status("")
        if summary.computed:
            self._reload_photo()

    # -- the shown photo -------------------------------------------------------------------
    def _reload_photo(self) -> None:
        if self._photo_job is not None:
            self._photo_job.cancel()  # not started yet: it never runs
        if self._photo_id is None:
            self._shown_photo_id = None
            self.photo_view.show_nothing()
            return
        self.photo_view.show_loading(
            self._photo_name or self.tr("Photo"),
            self.tr("Reading scores…"),
            same_photo=self._photo_id == self._shown_photo_id,
        )
        args = (self._db_path, self._photo_id, self._model, self._embedder, self._generation)
        self._photo_job = self._submit_edit(
            lambda ctx: tagging_jobs.photo_info(ctx, *args), self._on_photo_info
        )

    def _on_photo_info(self, info: PhotoTagInfo) -> None:
        if info.photo_id != self._photo_id:
            return
        bars = [
            ScoreBar(
                s.label,
                s.score,
                s.threshold,
                assigned=s.state is TagState.ASSIGNED,
                rejected=s.state is TagState.REJECTED,
            )
            for s in info.scores
        ]
        chips = [TagChip(t.label, t.source, t.state, t.score) for t in info.tags]
        reasons = {
            NoScores.NO_MODEL: self.tr("Scores appear once the model has loaded."),
            NoScores.LABELS_PENDING: self._preparing_text(),
            NoScores.NOT_ANALYSED: self.tr(
                "This photo is not analysed yet; its scores appear when analysis reaches it."
            ),
            NoScores.ERROR: info.detail,
        }
        self._shown_photo_id = info.photo_id
        self.photo_view.show_photo(
            info.name, bars, chips, reasons.get(info.no_scores, "") if info.no_scores else ""
        )
        self.photo_shown.emit(info.photo_id)

    def _change_tag(self, action: TagAction, name: str) -> None:
        """accept | reject | remove act on the shown photo; a typed tag ("add") goes to the
        whole selection when the shown photo is part of it."""
        if self._photo_id is None:
            return
        ids = [self._photo_id]
        if action is TagAction.ADD and self._photo_id in self._selection:
            ids = list(self._selection)
        self.change_tags(action, ids, name)

    def _on_tags_edited(self, photo_ids: list[int]) -> None:
        self.tags_changed.emit(photo_ids)

    # -- batch actions on the grid's selection ---------------------------------------------
    def extend_photo_menu(self, menu: QMenu, ids: list[int]) -> None:
        """The grid's context menu: tag actions on every selected photo (`ids`)."""
        tags = menu.addMenu(self.tr("Tags"))
        tags.addAction(self.tr("Add Tag…"), lambda: self._ask_tag(TagAction.ADD, ids))
        remove = tags.addAction(
            self.tr("Remove Tag…"), lambda: self._ask_tag(TagAction.REMOVE, ids)
        )
        remove.setEnabled(bool(self._label_names))
        tags.addSeparator()
        tags.addAction(
            self.tr("Accept Suggested Tags"), lambda: self.review_suggestions(TagAction.ACCEPT, ids)
        )
        tags.addAction(
            self.tr("Reject Suggested Tags"), lambda: self.review_suggestions(TagAction.REJECT, ids)
        )

    def _ask_tag(self, action: TagAction, ids: list[int]) -> None:
        """Pick a label (ADD may type a new one) and apply it to every photo of `ids`."""
        if action is TagAction.ADD:
            title, prompt = self.tr("Add Tag"), self.tr("Tag for %1 photos:")
        else:
            title, prompt = self.tr("Remove Tag"), self.tr("Tag to take off %1 photos:")
        name, ok = QInputDialog.getItem(
            self,
            title,
            prompt.replace("%1", str(len(ids))),
            self._label_names,
            0,
            action is TagAction.ADD,  # editable: a new label may be typed
        )
        if ok and name.strip():
            self.change_tags(action, ids, name.strip())

    def change_tags(self, action: TagAction, ids: Sequence[int], name: str) -> None:
        """Apply one tag edit to photos (on the edits lane); `tags_changed` follows."""
        args = (self._db_path, action, list(ids), name, self._write_xmp())
        self._submit_edit(lambda ctx: tagging_jobs.change_tag(ctx, *args), self._on_tags_edited)
        if action is TagAction.ADD and not self.photo_view.knows_label(name):
            self._reload_vocabulary()  # a new label: it joins the vocabulary (and re-reads)
        elif self._photo_id in ids:
            self._reload_photo()

    def review_suggestions(self, action: TagAction, ids: Sequence[int]) -> None:
        """Accept or reject every suggested (auto) tag of the photos; `tags_changed` follows."""
        args = (self._db_path, action, list(ids), self._write_xmp())
        self._submit_edit(
            lambda ctx: tagging_jobs.review_suggestions(ctx, *args), self._on_tags_edited
        )
        if self._photo_id in ids:
            self._reload_photo()

    # -- vocabulary ------------------------------------------------------------------------
    def _save_label(self, old_name: str | None, edit: LabelEdit) -> None:
        args = (self._db_path, old_name, edit, self._write_xmp())
        self._submit_edit(lambda ctx: tagging_jobs.save_label(ctx, *args), self._on_labels_edited)
        self._reload_vocabulary()

    def _remove_label(self, name: str) -> None:
        args = (self._db_path, name, self._write_xmp())
        self._submit_edit(lambda ctx: tagging_jobs.remove_label(ctx, *args), self._on_labels_edited)
        self._reload_vocabulary()

    def _on_labels_edited(self, photo_ids: list[int]) -> None:
        self._set_action_status("")
        self._prepare_label_vectors()  # only the edited label lacks a vector
        if photo_ids:
            self.tags_changed.emit(photo_ids)

    def _reload_vocabulary(self) -> None:
        """Labels feed the scores, so the scoring cache goes and the photo is re-read too."""
        self._generation += 1
        db_path = self._db_path
        self._submit_edit(
            lambda ctx: tagging_jobs.load_vocabulary(ctx, db_path), self._on_vocabulary
        )
        self._reload_photo()

    def _on_vocabulary(self, labels: list[Label]) -> None:
        self._prepare_label_vectors()  # a label typed as a tag is new to the vocabulary
        self.vocabulary.set_labels(labels)
        self._label_names = [label.name for label in labels]
        self.photo_view.set_label_names(self._label_names)
        self.vocabulary_loaded.emit()

    # -- plumbing --------------------------------------------------------------------------
    def _submit_edit(
        self, function: Callable[[JobContext], Any], on_success: Callable[[Any], Any]
    ) -> Job:
        job = Job(function, "tag-edit")
        job.succeeded.connect(on_success)
        job.failed.connect(self._show_error)
        return self._edits.submit(job)

    def _show_error(self, exc: Exception) -> None:
        """An error stays readable for NOTICE_S: the label-vector job's progress, which
        shares the status line, must not replace "there is already a label named …" a few
        milliseconds after it appeared."""
        self.run_box.set_status(
            describe(exc)
            if isinstance(exc, PhotoSiftError)
            else self.tr("Something went wrong: %1").replace("%1", describe(exc))
        )
        self._notice_until = time.monotonic() + NOTICE_S

    def _set_action_status(self, text: str) -> None:
        """What the user's own action did: it supersedes an error still on the line."""
        self._notice_until = 0.0
        self.run_box.set_status(text)

    def _set_progress_status(self, text: str) -> None:
        """Progress (or its end) on the status line, unless an error is still being shown."""
        if time.monotonic() >= self._notice_until:
            self.run_box.set_status(text)
